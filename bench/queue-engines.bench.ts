/**
 * Queue engine benchmark (issue 10, `npm run bench:queues`): BullMQ 6 on Redis against pg-boss 10
 * on PostgreSQL, with jobs shaped like NetWatch probe jobs (~1 KiB JSON: check id, kind, target,
 * settings, slot) and a near-no-op handler returning a ~500-byte result (what a worker sends
 * back). Scenarios, per engine:
 *   - enqueue: BENCH_JOBS jobs in batches of 1000 (BullMQ addBulk, pg-boss insert), no consumer;
 *   - e2e burst: 1 and 4 consumer child processes (concurrency BENCH_CONCURRENCY each) are
 *     ready, then BENCH_JOBS jobs are enqueued in batches of 500 as fast as the engine takes
 *     them; seconds = first enqueue → last handler start; latency = enqueue → handler start
 *     (so it includes the backlog: a throughput test);
 *   - e2e paced: 1 consumer, 1,000 jobs at 200 jobs/s (batches of 10 every 50 ms), below every
 *     engine's capacity: the latency a scheduler that avoids bursts sees.
 * pg-boss runs two ways: its own `work()` (BENCH_CONCURRENCY pollers of batch 1, polling every
 * 0.5 s, pg-boss's minimum) and a hand-written fetch loop (fetch as many jobs as free slots,
 * complete each with its result, poll every 0.5 s only while the queue is empty), the fastest
 * way the pg-boss 10 API allows. For pg-boss it also reports the PostgreSQL load per job (enqueue
 * alone, and a job's whole life in the paced fetch-loop run, where every job ran): tuples
 * inserted/updated/deleted in its schema (pg_stat_user_tables), WAL bytes (cluster-wide: other
 * users of a shared server add to it, so an upper bound) and table+index bytes kept per job.
 *
 * Settings: BENCH_JOBS (20000), BENCH_CONCURRENCY (50), BENCH_CONSUMERS (1,4),
 * BENCH_SCENARIO_SECONDS (15: cap of one e2e scenario; fewer jobs are then reported),
 * BENCH_SECONDS (180: the whole run; pg-boss work() scenarios have a 10 s cap),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379, keys under a fresh prefix, deleted after), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test, schema
 * pgboss_bench_<pid>, dropped after). Everything talks to 127.0.0.1 only.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import PgBoss from 'pg-boss';

const int = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const JOBS = int('BENCH_JOBS', 20_000);
const CONCURRENCY = int('BENCH_CONCURRENCY', 50);
const SCENARIO_SECONDS = int('BENCH_SCENARIO_SECONDS', 15);
const SECONDS = int('BENCH_SECONDS', 180);
const CONSUMERS = (process.env.BENCH_CONSUMERS ?? '1,4')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PACED_JOBS = 1000;
const PACED_BATCH = 10;
const PACED_EVERY_MS = 50;
/** pg-boss 10 refuses a polling interval under 0.5 s. */
const PGBOSS_POLL_S = 0.5;

type Engine = 'bullmq' | 'pgboss-work' | 'pgboss-fetch';
interface ConsumerConfig {
  engine: Engine;
  queue: string;
  prefix: string;
  schema: string;
  concurrency: number;
}
type ToParent =
  | { t: 'ready' }
  | { t: 'progress'; n: number }
  | { t: 'done'; n: number; lastAt: number; latencies: number[]; errors: number };

// ---------- job and result shapes ----------

interface ProbeJob {
  checkId: string;
  kind: string;
  slot: number;
  expiresAt: number;
  enqueuedAt: number;
  target: Record<string, unknown>;
  settings: Record<string, unknown>;
  pad?: string;
}

/** A probe job as the scheduler sends it, padded to ~1 KiB of JSON. */
function probeJob(i: number, enqueuedAt: number): ProbeJob {
  const job: ProbeJob = {
    checkId: randomUUID(),
    kind: 'http',
    slot: enqueuedAt - (enqueuedAt % 60_000),
    expiresAt: enqueuedAt + 40_000,
    enqueuedAt,
    target: {
      objectType: 'service',
      objectId: `svc-${i}`,
      host: `dichvucong-${i}.lamdong.gov.vn`,
      address: '127.0.0.1',
      port: 443,
      path: '/api/health',
      unit: 'LD-DALAT',
    },
    settings: {
      method: 'GET',
      timeoutMs: 10_000,
      expectStatus: [200, 204, 301, 302],
      expectBody: 'ok',
      tlsMinVersion: 'TLSv1.2',
      certExpiryWarnDays: 21,
      followRedirects: 3,
      family: 'any',
      locations: ['so-tttt', 'internet'],
      downQuorum: 2,
      headers: { 'user-agent': 'NetWatch/0.1 (+https://netwatch.lamdong.gov.vn)' },
    },
  };
  job.pad = 'x'.repeat(Math.max(0, 1024 - JSON.stringify(job).length - 10));
  return job;
}

/** A probe result as a worker sends it back, ~500 bytes of JSON. */
function probeResult(job: ProbeJob): Record<string, unknown> {
  return {
    checkId: job.checkId,
    slot: job.slot,
    status: 'up',
    family: 'ipv4',
    latencyMs: 12.5,
    durationMs: 14,
    reasons: [],
    worker: `bench-${process.pid}`,
    observations: {
      httpStatus: 200,
      tlsVersion: 'TLSv1.3',
      certDaysLeft: 63,
      address: '127.0.0.1',
      bodyMatched: true,
      redirects: 0,
      headers: { server: 'nginx', 'content-type': 'application/json' },
      note: 'y'.repeat(150),
    },
  };
}

// ---------- consumer (child process) ----------

async function consumerMain(cfg: ConsumerConfig): Promise<void> {
  const send = (m: ToParent): void => void process.send?.(m);
  const latencies: number[] = [];
  let n = 0;
  let lastAt = 0;
  let errors = 0;
  const handle = (data: ProbeJob): Record<string, unknown> => {
    const now = Date.now();
    latencies.push(now - data.enqueuedAt);
    n++;
    lastAt = now;
    return probeResult(data);
  };
  let stop: () => Promise<void>;

  if (cfg.engine === 'bullmq') {
    const connection: ConnectionOptions = { url: REDIS_URL, maxRetriesPerRequest: null };
    const worker = new Worker<ProbeJob>(cfg.queue, async (job) => handle(job.data), {
      connection,
      prefix: cfg.prefix,
      concurrency: cfg.concurrency,
    });
    worker.on('error', () => errors++);
    await worker.waitUntilReady();
    stop = () => worker.close(true);
  } else {
    const boss = new PgBoss({
      connectionString: DATABASE_URL,
      schema: cfg.schema,
      supervise: false,
      schedule: false,
      migrate: false,
    });
    boss.on('error', () => errors++);
    await boss.start();
    let running = true;
    if (cfg.engine === 'pgboss-work') {
      // pg-boss 10 has no per-worker concurrency: one work() is one polling loop, so N jobs at
      // once means N loops of batch 1 (a batch handler would hold every job for the slowest).
      for (let i = 0; i < cfg.concurrency; i++) {
        await boss.work<ProbeJob>(
          cfg.queue,
          { batchSize: 1, pollingIntervalSeconds: PGBOSS_POLL_S },
          async ([job]) => handle(job.data),
        );
      }
    } else {
      void (async () => {
        let inFlight = 0;
        let slotFreed: (() => void) | null = null;
        while (running) {
          if (inFlight >= cfg.concurrency) {
            await new Promise<void>((r) => (slotFreed = r));
            continue;
          }
          let jobs: PgBoss.Job<ProbeJob>[] = [];
          try {
            jobs = await boss.fetch<ProbeJob>(cfg.queue, { batchSize: cfg.concurrency - inFlight });
          } catch {
            errors++;
          }
          if (jobs.length === 0) {
            await sleep(PGBOSS_POLL_S * 1000);
            continue;
          }
          for (const job of jobs) {
            inFlight++;
            const result = handle(job.data);
            boss
              .complete(cfg.queue, job.id, result)
              .catch(() => errors++)
              .finally(() => {
                inFlight--;
                const r = slotFreed;
                slotFreed = null;
                r?.();
              });
          }
        }
      })();
    }
    stop = async () => {
      running = false;
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    };
  }

  const progress = setInterval(() => send({ t: 'progress', n }), 100);
  process.on('message', (m: { t: string }) => {
    if (m.t !== 'stop') return;
    clearInterval(progress);
    // Counted up to the stop: pollers still running while the engine shuts down are not.
    send({ t: 'done', n, lastAt, latencies, errors });
    void stop()
      .catch(() => undefined)
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
  send({ t: 'ready' });
}

// ---------- parent ----------

interface Row {
  engine: string;
  scenario: string;
  jobs: number;
  seconds: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
  note: string;
}
const rows: Row[] = [];
const deadline = Date.now() + SECONDS * 1000;
const remaining = (): number => (deadline - Date.now()) / 1000;
const prefix = `qbench-${process.pid}`;
const schema = `pgboss_bench_${process.pid}`;
const children = new Set<ChildProcess>();

function pct(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Something that takes batches of probe jobs: BullMQ or pg-boss. */
interface Producer {
  add(queue: string, jobs: ProbeJob[]): Promise<void>;
  prepare(queue: string): Promise<void>;
}

function bullProducer(connection: IORedis): Producer & { close(): Promise<void> } {
  const queues = new Map<string, Queue>();
  const q = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix });
      queues.set(name, queue);
    }
    return queue;
  };
  return {
    prepare: async (name) => void (await q(name).waitUntilReady()),
    // The options NetWatch's QueueExecutor gives a probe job.
    add: async (name, jobs) =>
      void (await q(name).addBulk(
        jobs.map((data) => ({
          name: 'probe',
          data,
          opts: {
            jobId: `${data.checkId}_${data.slot}_default`,
            attempts: 2,
            removeOnComplete: { age: 900, count: 10_000 },
            removeOnFail: { age: 86_400, count: 1000 },
          },
        })),
      )),
    close: async () => {
      for (const queue of queues.values()) await queue.close();
    },
  };
}

function bossProducer(boss: PgBoss): Producer {
  return {
    prepare: (name) => boss.createQueue(name),
    add: (name, jobs) =>
      boss.insert(jobs.map((data) => ({ name, data, retryLimit: 1, expireInSeconds: 60 }))),
  };
}

async function enqueueAll(
  p: Producer,
  queue: string,
  total: number,
  batch: number,
  until = deadline - 5000,
): Promise<void> {
  for (let i = 0; i < total && Date.now() < until; i += batch) {
    const now = Date.now();
    const jobs = Array.from({ length: Math.min(batch, total - i) }, (_, k) => probeJob(i + k, now));
    await p.add(queue, jobs);
  }
}

async function scenarioEnqueue(engine: string, p: Producer, queue: string): Promise<void> {
  await p.prepare(queue);
  const t0 = performance.now();
  await enqueueAll(p, queue, JOBS, 1000);
  const seconds = (performance.now() - t0) / 1000;
  rows.push({
    engine,
    scenario: 'enqueue, batches of 1000',
    jobs: JOBS,
    seconds,
    p50: null,
    p95: null,
    max: null,
    note: '',
  });
}

function startConsumers(cfg: ConsumerConfig, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = fork(__filename, ['consumer'], {
        execArgv: ['-r', 'ts-node/register/transpile-only'],
        env: { ...process.env, BENCH_CONSUMER: JSON.stringify(cfg) },
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return new Promise<ChildProcess>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('consumer did not start in 30 s')), 30_000);
        child.once('message', (m: ToParent) => {
          if (m.t === 'ready') {
            clearTimeout(timer);
            resolve(child);
          }
        });
        child.once('exit', (code) => reject(new Error(`consumer exited (${code}) before ready`)));
      });
    }),
  );
}

async function scenarioE2e(
  label: string,
  engine: Engine,
  p: Producer,
  consumers: number,
  paced: boolean,
  capSeconds = SCENARIO_SECONDS,
): Promise<void> {
  const total = paced ? PACED_JOBS : JOBS;
  const cap = Math.min(capSeconds, remaining() - 8);
  const scenario = paced
    ? `e2e paced 200/s, ${consumers} consumer`
    : `e2e burst, ${consumers} consumer${consumers > 1 ? 's' : ''}`;
  if (cap < 5) {
    rows.push({
      engine: label,
      scenario,
      jobs: 0,
      seconds: 0,
      p50: null,
      p95: null,
      max: null,
      note: 'skipped: time',
    });
    return;
  }
  const queue = `e2e-${engine}-${consumers}-${paced ? 'paced' : 'burst'}`;
  await p.prepare(queue);
  const procs = await startConsumers(
    { engine, queue, prefix, schema, concurrency: CONCURRENCY },
    consumers,
  );
  const progress = new Map<ChildProcess, number>();
  for (const c of procs)
    c.on('message', (m: ToParent) => m.t === 'progress' && progress.set(c, m.n));
  const processed = (): number => [...progress.values()].reduce((a, b) => a + b, 0);

  const startWall = Date.now();
  const until = startWall + cap * 1000;
  const producing = paced
    ? (async () => {
        for (let i = 0; i < total && Date.now() < until; i += PACED_BATCH) {
          const next = startWall + (i / PACED_BATCH) * PACED_EVERY_MS;
          if (next > Date.now()) await sleep(next - Date.now());
          const now = Date.now();
          await p.add(
            queue,
            Array.from({ length: PACED_BATCH }, (_, k) => probeJob(i + k, now)),
          );
        }
      })()
    : enqueueAll(p, queue, total, 500, until);
  while (processed() < total && Date.now() < until) await sleep(50);
  await producing;

  const done = await Promise.all(
    procs.map(
      (c) =>
        new Promise<Extract<ToParent, { t: 'done' }>>((resolve) => {
          c.on('message', (m: ToParent) => m.t === 'done' && resolve(m));
          c.send({ t: 'stop' });
          setTimeout(() => {
            c.kill('SIGKILL');
            resolve({
              t: 'done',
              n: progress.get(c) ?? 0,
              lastAt: Date.now(),
              latencies: [],
              errors: -1,
            });
          }, 15_000).unref();
        }),
    ),
  );
  const jobs = done.reduce((a, d) => a + d.n, 0);
  const lastAt = jobs > 0 ? Math.max(...done.map((d) => d.lastAt)) : Date.now();
  const lat = done.flatMap((d) => d.latencies).sort((a, b) => a - b);
  const errors = done.reduce((a, d) => a + d.errors, 0);
  rows.push({
    engine: label,
    scenario,
    jobs,
    seconds: (lastAt - startWall) / 1000,
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    max: lat.length ? lat[lat.length - 1] : null,
    note: [jobs < total ? `capped at ${cap.toFixed(0)} s` : '', errors ? `${errors} errors` : '']
      .filter(Boolean)
      .join('; '),
  });
}

interface DbLoad {
  tuples: number;
  inserted: number;
  updated: number;
  deleted: number;
  wal: bigint;
  bytes: number;
}
async function dbLoad(pg: Client): Promise<DbLoad> {
  const t = await pg.query<{ ins: string; upd: string; del: string; bytes: string }>(
    `SELECT coalesce(sum(n_tup_ins),0) ins, coalesce(sum(n_tup_upd),0) upd,
            coalesce(sum(n_tup_del),0) del,
            coalesce(sum(pg_total_relation_size(relid)),0) bytes
       FROM pg_stat_user_tables WHERE schemaname = $1 AND relname NOT IN ('version','queue','schedule','subscription')`,
    [schema],
  );
  const w = await pg.query<{ lsn: string }>(`SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS lsn`);
  const r = t.rows[0];
  return {
    inserted: Number(r.ins),
    updated: Number(r.upd),
    deleted: Number(r.del),
    tuples: Number(r.ins) + Number(r.upd) + Number(r.del),
    wal: BigInt(w.rows[0].lsn.split('.')[0]),
    bytes: Number(r.bytes),
  };
}

async function cleanup(redis: IORedis | null, pg: Client | null): Promise<void> {
  for (const c of children) c.kill('SIGKILL');
  if (redis) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  if (pg) await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

function print(load: string[]): void {
  const fmt = (v: number | null): string => (v === null ? '—' : v.toLocaleString('en-US'));
  const header = [
    'engine',
    'scenario',
    'jobs',
    'seconds',
    'jobs/s',
    'p50 ms',
    'p95 ms',
    'max ms',
    'note',
  ];
  const table = rows.map((r) => [
    r.engine,
    r.scenario,
    fmt(r.jobs),
    r.seconds.toFixed(2),
    r.seconds > 0 ? fmt(Math.round(r.jobs / r.seconds)) : '—',
    fmt(r.p50),
    fmt(r.p95),
    fmt(r.max),
    r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i < 2 || i === 8 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(line(r));
  for (const l of load) console.log(l);
}

async function main(): Promise<void> {
  console.log(
    `queue engines: ${JOBS} jobs, concurrency ${CONCURRENCY}/consumer, consumers ${CONSUMERS.join(',')}, ` +
      `cap ${SCENARIO_SECONDS} s/scenario, ${SECONDS} s in all (Redis ${REDIS_URL}, PostgreSQL schema ${schema})`,
  );
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  const hardStop = setTimeout(
    () => {
      console.error('BENCH_SECONDS passed: stopping');
      void cleanup(redis, pg).finally(() => process.exit(2));
    },
    (SECONDS + 10) * 1000,
  );
  const load: string[] = [];
  try {
    // BullMQ
    const bull = bullProducer(redis);
    await scenarioEnqueue('BullMQ 6', bull, 'enqueue');
    for (const n of CONSUMERS) await scenarioE2e('BullMQ 6', 'bullmq', bull, n, false);
    await scenarioE2e('BullMQ 6', 'bullmq', bull, 1, true);
    await bull.close();

    // pg-boss: a fresh instance per step, stopped before reading pg_stat (a backend's table
    // counters reach pg_stat_user_tables when it exits or goes idle, not per statement).
    const withBoss = async (f: (p: Producer) => Promise<void>, migrate = false): Promise<void> => {
      const boss = new PgBoss({
        connectionString: DATABASE_URL,
        schema,
        supervise: false,
        schedule: false,
        migrate,
      });
      boss.on('error', (e) => console.error(`pg-boss: ${e.message}`));
      await boss.start();
      try {
        await f(bossProducer(boss));
      } finally {
        await boss.stop({ graceful: false, wait: true, timeout: 2000 });
      }
    };
    await withBoss(async () => {}, true);
    const measured = async (
      what: string,
      jobs: () => number,
      f: (p: Producer) => Promise<void>,
    ): Promise<void> => {
      await sleep(300);
      const before = await dbLoad(pg);
      await withBoss(f);
      await sleep(1500);
      const after = await dbLoad(pg);
      const n = Math.max(1, jobs());
      load.push(
        `pg-boss load, ${what}: per job ${((after.tuples - before.tuples) / n).toFixed(2)} tuples ` +
          `(ins ${((after.inserted - before.inserted) / n).toFixed(2)}, upd ${((after.updated - before.updated) / n).toFixed(2)}, ` +
          `del ${((after.deleted - before.deleted) / n).toFixed(2)}), WAL ≤ ${(Number(after.wal - before.wal) / n).toFixed(0)} B, ` +
          `kept ${((after.bytes - before.bytes) / n).toFixed(0)} B table+index`,
      );
    };
    await measured(
      'enqueue (insert)',
      () => JOBS,
      (p) => scenarioEnqueue('pg-boss 10', p, 'enqueue'),
    );
    const fetchLoop = 'pg-boss 10 fetch loop';
    for (const n of CONSUMERS) {
      await withBoss((p) => scenarioE2e(fetchLoop, 'pgboss-fetch', p, n, false));
    }
    // A job's whole life (insert, fetch, complete) where every job ran.
    const at = rows.length;
    await measured(
      `paced run, insert+fetch+complete`,
      () => rows[at]?.jobs ?? 0,
      (p) => scenarioE2e(fetchLoop, 'pgboss-fetch', p, 1, true),
    );
    // pg-boss's own worker: its ceiling (concurrency / polling interval) shows within 10 s.
    const work = 'pg-boss 10 work()';
    await withBoss((p) => scenarioE2e(work, 'pgboss-work', p, 1, true, 10));
    for (const n of CONSUMERS) {
      await withBoss((p) => scenarioE2e(work, 'pgboss-work', p, n, false, 10));
    }
  } finally {
    clearTimeout(hardStop);
    await cleanup(redis, pg);
    redis.disconnect();
    await pg.end();
  }
  print(load);
}

if (process.argv[2] === 'consumer') {
  void consumerMain(JSON.parse(process.env.BENCH_CONSUMER ?? '{}') as ConsumerConfig);
} else {
  const onSignal = (): void => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
