/**
 * Scale-out benchmark (issue 10, `npm run bench:scale`): one sweep of N loopback TCP targets
 * (handshake to a few listeners on 127.0.0.1) in the single-process mode (CheckRunner in this
 * process) and in queue mode with 1, 2 and 4 `netwatch worker` processes (QueueExecutor in this
 * process, BullMQ on Redis). Prints sweep time, results/s and queue latency (enqueued → started
 * by a worker; mean and p95 from the histogram buckets).
 *
 * What it measures: the dispatch → probe → batch → combine path. Not PostgreSQL (the engine's
 * result writer is measured by `npm run bench:engine`): results are combined and dropped.
 * The in-flight window (BENCH_WINDOW) plays the engine's `globalConcurrency`.
 *
 * Settings: BENCH_TARGETS (50000), BENCH_WORKERS (1,2,4), BENCH_WINDOW (2048),
 * BENCH_WORKER_CONCURRENCY (256), BENCH_LISTENERS (4), BENCH_SECONDS (900, the whole run),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379; every key under a fresh prefix, deleted after).
 * Needs dist/ (npm run build). Packets go to 127.0.0.1 only.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { ProbeScope } from '../probes/scope';
import type { CheckExecutor, StoredCheck } from '../src/monitoring/engine';
import { EngineMetrics } from '../src/monitoring/metrics';
import { CheckRunner } from '../src/monitoring/runner/check-runner';
import { QueueExecutor } from '../src/scaleout/queue-executor';
import { redisConnection } from '../src/scaleout/redis';

const int = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const TARGETS = int('BENCH_TARGETS', 50_000);
const WINDOW = int('BENCH_WINDOW', 2048);
const WORKER_CONCURRENCY = int('BENCH_WORKER_CONCURRENCY', 256);
const LISTENERS = int('BENCH_LISTENERS', 4);
const SECONDS = int('BENCH_SECONDS', 900);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,4')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = join(__dirname, '..');
const deadline = Date.now() + SECONDS * 1000;

interface Row {
  mode: string;
  results: number;
  seconds: number;
  perSecond: number;
  queueMeanMs: number | null;
  queueP95Ms: number | null;
  notUp: number;
}

async function listeners(): Promise<{ ports: number[]; close(): void }> {
  const servers: Server[] = [];
  for (let i = 0; i < LISTENERS; i++) {
    const s = createServer((socket) => socket.destroy());
    s.maxConnections = 100_000;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', 4096, r));
    servers.push(s);
  }
  return {
    ports: servers.map((s) => (s.address() as { port: number }).port),
    close: () => servers.forEach((s) => s.close()),
  };
}

function checks(ports: number[], slot: Date): StoredCheck[] {
  return Array.from({ length: TARGETS }, (_, i) => ({
    id: randomUUID(),
    key: `bench:tcp:${i}`,
    objectType: 'service',
    objectId: `svc-${i}`,
    unitId: null,
    kind: 'tcp',
    family: 4,
    target: { host: '127.0.0.1' },
    settings: { port: ports[i % ports.length] },
    intervalSeconds: 300,
    timeoutMs: 5000,
    thresholds: { failure: 3, success: 2 },
    enabled: true,
    nextDueAt: slot,
  }));
}

/** Runs every check through the executor with at most WINDOW in flight. */
async function sweep(
  executor: CheckExecutor,
  all: StoredCheck[],
): Promise<{ seconds: number; notUp: number; done: number }> {
  let next = 0;
  let notUp = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(WINDOW, all.length) }, async () => {
      while (next < all.length && Date.now() < deadline) {
        const r = await executor.run(all[next++]);
        done++;
        if (r.status !== 'up') notUp++;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, notUp, done };
}

function histogram(m: EngineMetrics): Promise<{ mean: number | null; p95: number | null }> {
  return m.scaleoutQueueLatency.get().then((h) => {
    const count = h.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const sum = h.values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const buckets = h.values
      .filter((v) => v.metricName?.endsWith('_bucket'))
      .map((v) => ({ le: Number(v.labels.le), n: v.value }));
    const p95 = buckets.find((b) => b.n >= 0.95 * count)?.le ?? null;
    return {
      mean: count ? (sum / count) * 1000 : null,
      p95: p95 === null || !Number.isFinite(p95) ? null : p95 * 1000,
    };
  });
}

async function startWorkers(n: number, prefix: string): Promise<ChildProcess[]> {
  const procs = await Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'bin', 'netwatch'),
          'worker',
          '--location',
          'bench',
          '--concurrency',
          String(WORKER_CONCURRENCY),
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            NETWATCH_REDIS_URL: REDIS,
            NETWATCH_QUEUE_PREFIX: prefix,
            NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
            NETWATCH_LOG_LEVEL: 'log',
            NO_COLOR: '1',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      return new Promise<ChildProcess>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('consuming')) resolve(child);
        });
        child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${out}`)));
      });
    }),
  );
  return procs;
}

async function dropPrefix(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']);
  const targets = await listeners();
  const rows: Row[] = [];
  const scope = ProbeScope.parse('127.0.0.0/8,::1/128');
  try {
    {
      const runner = new CheckRunner({
        resolver: { address: '127.0.0.1', port: 53 },
        anchors: [],
        scope,
        ipv6Anchor: { kind: 'tcp', address: '::1', port: 9 },
        secrets: { snmpCredentials: async () => null },
      });
      const r = await sweep(runner, checks(targets.ports, new Date()));
      rows.push({
        mode: 'single process',
        results: r.done,
        seconds: r.seconds,
        perSecond: r.done / r.seconds,
        queueMeanMs: null,
        queueP95Ms: null,
        notUp: r.notUp,
      });
      process.stderr.write(`single process: ${r.done} in ${r.seconds.toFixed(1)} s\n`);
    }
    for (const n of WORKERS) {
      if (Date.now() > deadline) break;
      const prefix = `nwbench-${randomBytes(4).toString('hex')}`;
      const workers = await startWorkers(n, prefix);
      const metrics = new EngineMetrics();
      const executor = new QueueExecutor({
        connection: redisConnection(REDIS),
        prefix,
        defaultLocations: ['bench'],
        resultGraceMs: 60_000,
        metrics,
        keepCompleted: { age: 60, count: 1000 },
      });
      try {
        const r = await sweep(executor, checks(targets.ports, new Date()));
        const h = await histogram(metrics);
        rows.push({
          mode: `queue, ${n} worker${n > 1 ? 's' : ''}`,
          results: r.done,
          seconds: r.seconds,
          perSecond: r.done / r.seconds,
          queueMeanMs: h.mean,
          queueP95Ms: h.p95,
          notUp: r.notUp,
        });
        process.stderr.write(`queue ${n}: ${r.done} in ${r.seconds.toFixed(1)} s\n`);
      } finally {
        await executor.close();
        await Promise.all(
          workers.map(
            (w) =>
              new Promise<void>((resolve) => {
                w.once('exit', () => resolve());
                w.kill('SIGTERM');
              }),
          ),
        );
        await dropPrefix(prefix);
      }
    }
  } finally {
    targets.close();
  }
  const f = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
  process.stdout.write(
    `\n${TARGETS} loopback TCP targets, window ${WINDOW}, worker concurrency ${WORKER_CONCURRENCY}\n\n` +
      `${'mode'.padEnd(20)}${'results'.padStart(9)}${'sweep s'.padStart(10)}${'results/s'.padStart(11)}${'queue mean ms'.padStart(15)}${'queue p95 ms'.padStart(14)}${'not up'.padStart(8)}\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `${r.mode.padEnd(20)}${String(r.results).padStart(9)}${f(r.seconds).padStart(10)}${f(r.perSecond, 0).padStart(11)}${f(r.queueMeanMs).padStart(15)}${(r.queueP95Ms === null ? '—' : `≤${r.queueP95Ms}`).padStart(14)}${String(r.notUp).padStart(8)}\n`,
    );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
