/**
 * Runs the OS Net-SNMP agent `snmpd` (interop tier) on 127.0.0.1 and a high port, with a
 * generated configuration: a read-only v2c community and a v3 authPriv user. Nothing is read
 * from /etc/snmp (-C), persistent state (engine boots, the localized user) goes to a fresh
 * temporary folder (SNMP_PERSISTENT_DIR), and no MIB files are loaded (MIBS= MIBDIRS=/nonexistent:
 * Debian ships none, and looking for them makes the first answer take seconds). `stop()` kills
 * it by PID and removes the folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../../probes/snmp/session';

/** The environment every Net-SNMP program runs with here. */
export function netSnmpEnv(confDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    MIBS: '',
    MIBDIRS: '/nonexistent',
    // No ~/.snmp or /etc/snmp client configuration either.
    SNMPCONFPATH: confDir,
    SNMP_PERSISTENT_DIR: confDir,
  };
}

function find(name: string, candidates: string[]): string | undefined {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  try {
    const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

/** The `snmpd` binary, or undefined when the `snmpd` package is not installed. */
export function findSnmpd(): string | undefined {
  return find('snmpd', ['/usr/sbin/snmpd', '/usr/local/sbin/snmpd']);
}

/** The `snmptrap` binary (package `snmp`), or undefined. */
export function findSnmptrap(): string | undefined {
  return find('snmptrap', ['/usr/bin/snmptrap', '/usr/local/bin/snmptrap']);
}

/** A UDP port free on 127.0.0.1 at the time of asking. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export interface SnmpdOptions {
  community: string;
  /** v3 authPriv user with SHA-256 and AES-128 (keys at least 8 characters). */
  v3: { username: string; authKey: string; privKey: string };
  sysName: string;
  sysDescr: string;
  /** Default: a free one. */
  port?: number;
  /** How long to wait for the first answer; default 15 s. */
  timeoutMs?: number;
}

export interface RunningSnmpd {
  port: number;
  pid: number;
  /** Where the configuration and persistent state live (also a safe SNMPCONFPATH for tools). */
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startSnmpd(options: SnmpdOptions): Promise<RunningSnmpd> {
  const snmpd = findSnmpd();
  if (!snmpd) throw new Error('snmpd is not installed');
  const port = options.port ?? (await freeUdpPort());
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-snmpd-'));
  const conf = join(dir, 'snmpd.conf');
  const { username, authKey, privKey } = options.v3;
  writeFileSync(
    conf,
    [
      // No agentAddress: the listening address is on the command line (both would bind twice).
      `rocommunity ${options.community} 127.0.0.1`,
      `createUser ${username} SHA-256 "${authKey}" AES "${privKey}"`,
      `rouser ${username} priv`,
      `sysName ${options.sysName}`,
      `sysDescr ${options.sysDescr}`,
      'sysLocation loopback',
      'sysContact noc@example.invalid',
      '',
    ].join('\n'),
  );

  let output = '';
  const child: ChildProcess = spawn(
    snmpd,
    ['-f', '-Lo', '-C', '-c', conf, `udp:127.0.0.1:${port}`],
    { cwd: dir, env: netSnmpEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false;
      resolve();
    }),
  );

  const stop = async (): Promise<void> => {
    if (running && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (running && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  try {
    for (;;) {
      if (!running) throw new Error(`snmpd exited:\n${output}`);
      if (await answers(port, options.community)) break;
      if (Date.now() > deadline)
        throw new Error(`snmpd did not answer on 127.0.0.1:${port}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('snmpd has no PID');
  return { port, pid: child.pid, dir, log: () => output, stop };
}

async function answers(port: number, community: string): Promise<boolean> {
  const session = openSession(
    { host: '127.0.0.1', port },
    { version: 'v2c', community },
    { timeoutMs: 300, retries: 0 },
  );
  try {
    await session.get(['1.3.6.1.2.1.1.5.0']);
    return true;
  } catch {
    return false;
  } finally {
    session.close();
  }
}
