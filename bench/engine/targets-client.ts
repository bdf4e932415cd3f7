import { fork } from 'node:child_process';
import { join } from 'node:path';
import { isTargetsMessage, type TargetsMessage } from './protocol';

export interface Targets extends TargetsMessage {
  stop(): Promise<void>;
}

/** Forks targets.ts (through ts-node) and waits for its ports; fails after `timeoutMs`. */
export function startTargets(timeoutMs = 30_000): Promise<Targets> {
  const child = fork(join(__dirname, 'targets.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send('stop');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the loopback targets did not start in time'));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the loopback targets exited (code ${String(code)})`));
    });
    child.on('message', (m: unknown) => {
      if (!isTargetsMessage(m)) return;
      clearTimeout(timer);
      resolve({ ...m, stop });
    });
  });
}
