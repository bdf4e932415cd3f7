import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common/secret-box';
import { freePort } from '../../src/database/embedded-postgres';
import type { MonitoringEngine } from '../../src/monitoring/engine';
import { EngineMetrics } from '../../src/monitoring/metrics';
import { createEngine } from '../../src/monitoring/monitoring.providers';
import { startTestApp, type TestApp } from '../support/app';
import { ROOT } from '../support/cli';

/** The machine's Redis (shared with other tests: everything here lives under its own prefix). */
export const SHARED_REDIS = process.env.NETWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const uniquePrefix = (): string => `nwtest-${randomBytes(5).toString('hex')}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deletes every key of a prefix (SCAN, never KEYS or FLUSHDB: the Redis is shared). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 90_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** The worker's name as BullMQ records it on the jobs it takes (host-pid). */
  name: string;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** `netwatch worker` as a real child process (dist/, built by the test run's global setup). */
export async function startWorker(
  location: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'netwatch'), 'worker', '--location', location, ...args],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
        NETWATCH_LOG_LEVEL: 'log',
        NO_COLOR: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pid = child.pid!;
  await waitFor(
    `worker ${location} to start`,
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${out}`);
      return out.includes('consuming');
    },
    // Generous: a loaded 2-core machine takes many seconds just to load the CLI's modules.
    120_000,
  );
  return {
    child,
    pid,
    name: `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${pid}`,
    output: () => out,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}

/** Kills the workers that were started (unstarted slots are skipped) and waits for them to exit. */
export async function stopWorkers(workers: (WorkerProcess | undefined)[]): Promise<void> {
  for (const w of workers) w?.kill();
  await Promise.all(workers.map((w) => w?.exited));
}

/** The environment that points engine and workers at the machine's Redis under `prefix`. */
export const sharedQueueEnv = (prefix: string): Record<string, string> => ({
  NETWATCH_REDIS_URL: SHARED_REDIS,
  NETWATCH_QUEUE_PREFIX: prefix,
});

export interface Target {
  port: number;
  connections: () => number;
  close(): Promise<void>;
}

/** A TCP listener on 127.0.0.1 counting connections; `hold` delays the banner it writes. */
export async function startTarget(
  behaviour: { banner?: string; holdMs?: number } = {},
): Promise<Target> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const send = () => {
      if (!socket.destroyed) socket.end(behaviour.banner ?? '');
    };
    if (behaviour.holdMs) setTimeout(send, behaviour.holdMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface QueueModeApp {
  t: TestApp;
  ds: DataSource;
  engine: MonitoringEngine;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The service's own engine in queue mode (createEngine picks the QueueExecutor from the
 * configuration), ticking by itself, on a fresh database.
 */
export async function startQueueModeEngine(env: Record<string, string>): Promise<QueueModeApp> {
  const t = await startTestApp({ NETWATCH_SCALEOUT_MODE: 'queue', ...env });
  const ds = t.app.get(DataSource);
  const engine = createEngine(
    ds,
    t.config,
    t.databaseUrl,
    t.app.get(SecretBox),
    t.app.get(EngineMetrics),
  );
  await engine.start();
  await engine.whenLeading();
  return {
    t,
    ds,
    engine,
    env,
    stop: async () => {
      await engine.stop();
      await t.close();
    },
  };
}

/** Inserts a custom tcp check (IPv4) that is due now. */
export async function insertTcpCheck(
  ds: DataSource,
  key: string,
  target: Record<string, unknown>,
  settings: Record<string, unknown>,
  timeoutMs = 5000,
  intervalSeconds = 3600,
): Promise<string> {
  const [{ id }] = (await ds.query(
    `INSERT INTO checks (key, kind, family, target, settings, interval_seconds, timeout_ms, origin, next_due_at)
     VALUES ($1, 'tcp', 4, $2, $3, $4, $5, 'custom', now() - interval '1 second') RETURNING id`,
    [key, JSON.stringify(target), JSON.stringify(settings), intervalSeconds, timeoutMs],
  )) as { id: string }[];
  return id;
}

export interface ResultRow {
  at: Date;
  status: string;
  run_id: string;
  observations: {
    locations?: { location: string; status: string; worker: string | null }[];
    quorum?: { needed: number; down: number; of: number };
  };
  reasons: { code: string; message: string }[];
}

export async function resultsOf(ds: DataSource, checkId: string): Promise<ResultRow[]> {
  return ds.query(
    `SELECT at, status, run_id, observations, reasons FROM check_results WHERE check_id = $1 ORDER BY at`,
    [checkId],
  );
}

/** A private redis-server (the machine's binary) with AOF on every write, on a loopback port. */
export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  start(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  cleanup(): void;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-redis-'));
  let proc: ChildProcess | null = null;
  const self: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    start: async () => {
      const p = spawn(
        '/usr/bin/redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--save',
          '',
          '--protected-mode',
          'yes',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      proc = p;
      let out = '';
      p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(
        'redis-server to accept connections',
        async () => {
          if (p.exitCode !== null) throw new Error(`redis-server exited:\n${out}`);
          return out.includes('Ready to accept connections');
        },
        15_000,
      );
    },
    stop: async () => {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  await self.start();
  return self;
}
