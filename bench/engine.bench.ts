/**
 * Monitoring engine benchmarks (issue "Benchmarks (bench/engine, own command, prints a table)"):
 *
 * 1. Sweep: N custom checks (a third each dns-answer, http, tcp; half IPv4, half IPv6), all due
 *    at once, against loopback targets; the engine (autoTick off) is ticked in a loop until
 *    every check has one result, then drained. Time, checks/s, result rows/s in PostgreSQL,
 *    peak RSS of this process.
 * 2. Ingestion: the ResultWriter alone with generated results (batch 1000) → rows/s.
 * 3. Status API: p50/p95 of four status endpoints over HTTP, 10,000 checks with 30 days of
 *    history generated in SQL.
 *
 * Bounded in size and time (BENCH_SECONDS); its own embedded PostgreSQL in a temporary folder
 * (or BENCH_DATABASE_URL, whose tables it truncates: use a scratch database). Packets go to
 * loopback only: the targets (bench/engine/targets.ts) run in a child process on 127.0.0.1
 * and ::1, so this process's RSS is the engine's.
 *
 *   npm run bench:engine                          # sweeps of 10,000 and 50,000 checks, all phases
 *   BENCH_CHECKS=2000 BENCH_PHASES=sweep npm run bench:engine
 *
 * Settings: BENCH_CHECKS (comma list, default 10000,50000), BENCH_CONCURRENCY (global, 256),
 * BENCH_PER_HOST (256), BENCH_TICK_MS (pause between ticks, 10), BENCH_RESULTS (200000),
 * BENCH_STATUS_CHECKS (10000), BENCH_HOURLY_DAYS (days of hourly rollups, 30),
 * BENCH_REQUESTS (200), BENCH_SERVERS (HTTP servers and TCP listeners per family, 4),
 * BENCH_PHASES (sweep,ingest,status), BENCH_SECONDS (900).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProbeScope } from '../probes/scope';
import { SecretBox } from '../src/common/secret-box';
import { loadConfig } from '../src/config/config.loader';
import { freePort } from '../src/database/embedded-postgres';
import { loadChecksConfig } from '../src/monitoring/checks/checks-config';
import { type CheckExecutor, MonitoringEngine } from '../src/monitoring/engine';
import { EngineMetrics } from '../src/monitoring/metrics';
import { ResultWriter } from '../src/monitoring/results/result-writer';
import type { CheckResult } from '../src/monitoring/results/types';
import { CheckRunner } from '../src/monitoring/runner/check-runner';
import { deviceSnmpSecrets } from '../src/monitoring/runner/snmp-credentials';
import { type RunningService, startService } from '../src/service';
import { BENCH_ZONE, BENCH_ZONE_NAMES } from './engine/protocol';
import { startTargets, type Targets } from './engine/targets-client';

const int = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};

const SWEEPS = (process.env.BENCH_CHECKS ?? '10000,50000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const GLOBAL = int('BENCH_CONCURRENCY', 256);
const PER_HOST = int('BENCH_PER_HOST', 256);
const TICK_MS = Number(process.env.BENCH_TICK_MS ?? 10);
const RESULTS = int('BENCH_RESULTS', 200_000);
const STATUS_CHECKS = int('BENCH_STATUS_CHECKS', 10_000);
const HOURLY_DAYS = Math.min(int('BENCH_HOURLY_DAYS', 30), 30);
const REQUESTS = int('BENCH_REQUESTS', 200);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'sweep,ingest,status').split(','));
const LIMIT_MS = int('BENCH_SECONDS', 900) * 1000;
const CHECK_TIMEOUT_MS = 5000;
const RAW_EVERY_MINUTES = 5;

const STARTED = performance.now();
const MB = 1024 * 1024;

function remainingMs(): number {
  return LIMIT_MS - (performance.now() - STARTED);
}

function assertTime(what: string): void {
  if (remainingMs() <= 0)
    throw new Error(`BENCH_SECONDS (${LIMIT_MS / 1000} s) reached during ${what}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  benchmark: string;
  size: string;
  result: string;
  target: string;
  verdict: string;
}
const rows: Row[] = [];
const notes: string[] = [];

function verdict(met: boolean | null): string {
  if (met === null) return '';
  return met ? 'met' : 'MISSED';
}

interface MemoryPeaks {
  peak: number;
  baseline: number;
  peakHeap: number;
}

/** Samples this process's RSS (and V8 heap in use) every 100 ms. */
function rssSampler(): { stop(): MemoryPeaks } {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peak, baseline, peakHeap };
    },
  };
}

/** Heap in use after a full GC, when node runs with --expose-gc (else null). */
function heapAfterGc(): number | null {
  if (!globalThis.gc) return null;
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

async function resetResults(ds: DataSource): Promise<void> {
  await ds.query('TRUNCATE check_results, check_rollups_hourly, check_rollups_daily, check_states');
  await ds.query(`DELETE FROM checks WHERE origin = 'custom'`);
}

/** n custom checks: kind by i % 3, family by (i / 3) % 2, targets spread over the servers. */
async function insertChecks(
  ds: DataSource,
  n: number,
  targets: Targets,
  due: 'now' | 'later',
): Promise<void> {
  const kinds = ['dns-answer', 'http', 'tcp'] as const;
  const byFamily = (list: Targets['http'], family: 4 | 6) =>
    list.filter((e) => (family === 4 ? e.address === '127.0.0.1' : e.address === '::1'));
  const http = { 4: byFamily(targets.http, 4), 6: byFamily(targets.http, 6) };
  const tcp = { 4: byFamily(targets.tcp, 4), 6: byFamily(targets.tcp, 6) };
  const chunk = 5000;
  for (let from = 0; from < n; from += chunk) {
    const keys: string[] = [];
    const kindCol: string[] = [];
    const families: number[] = [];
    const targetCol: string[] = [];
    const settingsCol: string[] = [];
    for (let i = from; i < Math.min(n, from + chunk); i++) {
      const kind = kinds[i % 3];
      const family: 4 | 6 = Math.floor(i / 3) % 2 === 0 ? 4 : 6;
      const loopback = family === 4 ? '127.0.0.1' : '::1';
      let target: object;
      let settings: object;
      if (kind === 'dns-answer') {
        target = {
          name: `h${i % BENCH_ZONE_NAMES}.${BENCH_ZONE}`,
          type: family === 4 ? 'A' : 'AAAA',
        };
        settings = { server: loopback, port: targets.dnsPort, expect: [loopback] };
      } else if (kind === 'http') {
        const e = http[family][i % http[family].length];
        target = { url: `http://${family === 4 ? e.address : `[${e.address}]`}:${e.port}/` };
        settings = {};
      } else {
        const e = tcp[family][i % tcp[family].length];
        target = { address: e.address };
        settings = { port: e.port };
      }
      keys.push(`custom:bench:${i}`);
      kindCol.push(kind);
      families.push(family);
      targetCol.push(JSON.stringify(target));
      settingsCol.push(JSON.stringify(settings));
    }
    await ds.query(
      `INSERT INTO checks (key, kind, family, target, settings, interval_seconds, timeout_ms, origin, next_due_at)
       SELECT k, kd, f, t, s, 3600, $6, 'custom', ${due === 'now' ? 'now()' : `now() + interval '1 day'`}
         FROM unnest($1::text[], $2::text[], $3::smallint[], $4::jsonb[], $5::jsonb[]) AS u(k, kd, f, t, s)`,
      [keys, kindCol, families, targetCol, settingsCol, CHECK_TIMEOUT_MS],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Sweep

async function sweep(service: RunningService, targets: Targets, n: number): Promise<void> {
  const ds = service.app.get(DataSource);
  await resetResults(ds);
  const v6Tcp = targets.tcp.find((e) => e.address === '::1');
  if (!v6Tcp) throw new Error('no ::1 TCP listener');
  const runner = new CheckRunner({
    resolver: { address: '127.0.0.1', port: targets.dnsPort },
    anchors: [],
    scope: ProbeScope.parse('127.0.0.0/8,::1/128'),
    ipv6Anchor: { kind: 'tcp', address: '::1', port: v6Tcp.port },
    secrets: deviceSnmpSecrets(async () => null, service.app.get(SecretBox)),
  });
  let done = 0;
  const statuses = new Map<string, number>();
  const executor: CheckExecutor = {
    async run(check, previous) {
      try {
        const r = await runner.run(check, previous);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        return r;
      } finally {
        done++;
      }
    },
  };
  const engine = new MonitoringEngine(ds, {
    databaseUrl: service.databaseUrl,
    checksConfig: loadChecksConfig(),
    executor,
    metrics: service.app.get(EngineMetrics),
    globalConcurrency: GLOBAL,
    perHostConcurrency: PER_HOST,
    syncSeconds: 3600,
    retention: { rawDays: 30, hourlyDays: 400, dailyYears: 5 },
    autoTick: false,
  });
  let ticks = 0;
  try {
    await engine.start();
    await engine.whenLeading();
    if (engine.role !== 'leader') throw new Error('the engine did not become the scheduler');
    const insertStarted = performance.now();
    await insertChecks(ds, n, targets, 'now');
    const insertMs = performance.now() - insertStarted;
    const heapBefore = heapAfterGc();
    const rss = rssSampler();
    const started = performance.now();
    while (done < n) {
      assertTime(`the ${n}-check sweep (${done} done)`);
      await engine.tick();
      ticks++;
      // Yield to I/O: a tick with nothing to claim resolves without touching a socket.
      await sleep(TICK_MS);
    }
    await engine.drain();
    const seconds = (performance.now() - started) / 1000;
    const memory = rss.stop();
    const heapAfter = heapAfterGc();
    const [{ count, checks }]: { count: number; checks: number }[] = await ds.query(
      'SELECT count(*)::int AS count, count(DISTINCT check_id)::int AS checks FROM check_results',
    );
    if (checks !== n) throw new Error(`sweep of ${n}: results for ${checks} checks, expected ${n}`);
    const size = `${fmt(n)} checks`;
    const sweepTarget = n === 50_000 ? '≤ 60 s' : '';
    rows.push({
      benchmark: 'sweep: one full pass (tick loop + drain)',
      size,
      result: `${seconds.toFixed(1)} s, ${fmt(n / seconds)} checks/s`,
      target: sweepTarget,
      verdict: verdict(n === 50_000 ? seconds <= 60 : null),
    });
    rows.push({
      benchmark: 'sweep: result rows written to PostgreSQL',
      size,
      result: `${fmt(count)} rows, ${fmt(count / seconds)} rows/s`,
      target: '',
      verdict: '',
    });
    rows.push({
      benchmark: 'sweep: peak RSS of the engine process',
      size,
      result: `${fmt(memory.peak / MB)} MB (${fmt(memory.baseline / MB)} MB before); heap in use ≤ ${fmt(memory.peakHeap / MB)} MB`,
      target: n === 10_000 ? '≤ 300 MB' : '',
      verdict: verdict(n === 10_000 ? memory.peak <= 300 * MB : null),
    });
    notes.push(
      `sweep of ${fmt(n)}: ${ticks} ticks; statuses ${[...statuses]
        .map(([s, c]) => `${s} ${fmt(c)}`)
        .join(', ')}; inserting the checks took ${(insertMs / 1000).toFixed(1)} s (not timed)` +
        (heapBefore !== null && heapAfter !== null
          ? `; heap after a full GC ${fmt(heapBefore / MB)} MB before, ${fmt(heapAfter / MB)} MB after the sweep (engine still alive)`
          : ''),
    );
  } finally {
    await engine.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Ingestion

async function ingestion(service: RunningService): Promise<void> {
  const ds = service.app.get(DataSource);
  await resetResults(ds);
  const errors: unknown[] = [];
  let batchMs = 0;
  let slowestBatchMs = 0;
  const writer = new ResultWriter(ds, {
    batchSize: 1000,
    maxQueued: RESULTS + 1000,
    onError: (err) => errors.push(err),
    onBatch: (b) => {
      batchMs += b.ms;
      slowestBatchMs = Math.max(slowestBatchMs, b.ms);
    },
  });
  const checkIds = Array.from({ length: 10_000 }, () => randomUUID());
  const hourAgo = Date.now() - 3_600_000;
  const statuses: CheckResult['status'][] = [
    'up',
    'up',
    'up',
    'up',
    'up',
    'up',
    'up',
    'degraded',
    'down',
  ];
  const started = performance.now();
  try {
    for (let i = 0; i < RESULTS; i++) {
      const status = statuses[i % statuses.length];
      const latency = status === 'down' ? null : 1 + ((i * 7919) % 2000) / 10;
      const ok = writer.write({
        checkId: checkIds[i % checkIds.length],
        at: new Date(hourAgo + (i * 3_600_000) / RESULTS),
        status,
        family: i % 2 === 0 ? 4 : 6,
        durationMs: (latency ?? 5000) + 1,
        latencyMs: latency,
        reasons:
          status === 'up'
            ? []
            : [
                {
                  code: status === 'down' ? 'timeout' : 'slow',
                  message: `result ${i} was ${status}`,
                },
              ],
        observations: {
          address: i % 2 === 0 ? '127.0.0.1' : '::1',
          port: 443,
          latency: { connectMs: latency, totalMs: latency },
          status: 200,
        },
        runId: randomUUID(),
      });
      if (!ok) throw new Error(`the writer dropped result ${i}`);
      if (i % 5000 === 4999) {
        assertTime('ingestion');
        // Generate while the previous batches are written; bound the queue.
        if (writer.stats().queued > 50_000) await writer.flush();
        else await new Promise<void>((r) => setImmediate(r));
      }
    }
    await writer.flush();
  } finally {
    await writer.close().catch((err: unknown) => errors.push(err));
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = writer.stats();
  if (errors.length || stats.written !== RESULTS)
    throw new Error(
      `ingestion: ${stats.written} of ${RESULTS} written; ${String(errors[0] ?? stats.lastError)}`,
    );
  rows.push({
    benchmark: 'ingestion: ResultWriter alone (batch 1000, rollups included)',
    size: `${fmt(RESULTS)} results`,
    result: `${seconds.toFixed(1)} s, ${fmt(RESULTS / seconds)} rows/s`,
    target: '≥ 20,000 rows/s',
    verdict: verdict(RESULTS / seconds >= 20_000),
  });
  notes.push(
    `ingestion: ${stats.batches} batches, ${(batchMs / stats.batches).toFixed(0)} ms each on average (slowest ${slowestBatchMs.toFixed(0)} ms), ` +
      `${(batchMs / 1000).toFixed(1)} s of ${seconds.toFixed(1)} s inside the batch INSERT; results spread over the last hour across 10,000 check ids`,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Status API

async function timedSql(ds: DataSource, sql: string): Promise<number> {
  assertTime('status data generation');
  const t = performance.now();
  await ds.query(sql);
  return (performance.now() - t) / 1000;
}

async function statusApi(service: RunningService, targets: Targets): Promise<void> {
  const ds = service.app.get(DataSource);
  if (!service.url) throw new Error('the service is not listening');
  await resetResults(ds);
  await insertChecks(ds, STATUS_CHECKS, targets, 'later');
  const hist = (k: number) =>
    `ARRAY[0,0,${6 * k},${24 * k},${18 * k},${8 * k},${3 * k},${1 * k},0,0,0,0,0,0]`;
  const gen = { states: 0, daily: 0, hourly: 0, raw: 0, analyze: 0 };
  gen.states = await timedSql(
    ds,
    `INSERT INTO check_states (check_id, state, counters, since, last_result_at, last_change_at)
     SELECT id, CASE WHEN random() < 0.03 THEN 'down' WHEN random() < 0.02 THEN 'degraded' ELSE 'up' END,
            '{"up":2,"notDown":2,"bad":0,"down":0,"notTested":0}', now() - interval '2 days', now(),
            now() - interval '2 days'
       FROM checks WHERE origin = 'custom'`,
  );
  // A check run once a minute: 1440 results a day, 60 an hour; about 2 % of buckets see downtime.
  const rollups = (table: string, per: number, k: number, series: string) => `
    INSERT INTO ${table} (check_id, bucket, up, down, total, latency_sum, latency_count,
                          latency_min, latency_max, latency_hist)
    SELECT id, b, ${per} - d, d, ${per}, (${per} - d) * 12.5, ${per} - d, 1.2, 180, ${hist(k)}
      FROM (SELECT c.id, b, CASE WHEN random() < 0.02 THEN ${Math.max(1, per / 20)} ELSE 0 END AS d
              FROM checks c CROSS JOIN ${series} AS b WHERE c.origin = 'custom' OFFSET 0) s`;
  gen.daily = await timedSql(
    ds,
    rollups(
      'check_rollups_daily',
      1440,
      24,
      `generate_series(date_trunc('day', now(), 'UTC') - interval '30 days', date_trunc('day', now(), 'UTC'), interval '1 day')`,
    ),
  );
  gen.hourly = await timedSql(
    ds,
    rollups(
      'check_rollups_hourly',
      60,
      1,
      `generate_series(date_trunc('hour', now(), 'UTC') - interval '${HOURLY_DAYS * 24} hours', date_trunc('hour', now(), 'UTC'), interval '1 hour')`,
    ),
  );
  gen.raw = await timedSql(
    ds,
    `INSERT INTO check_results (check_id, at, status, family, duration_ms, latency_ms, reasons, observations, run_id)
     SELECT c.id, now() - k * interval '${RAW_EVERY_MINUTES} minutes', 'up', c.family, 13, 12.5, '[]',
            '{"latency":{"totalMs":12.5}}', gen_random_uuid()
       FROM checks c CROSS JOIN generate_series(0, ${60 / RAW_EVERY_MINUTES - 1}) AS k
      WHERE c.origin = 'custom'`,
  );
  gen.analyze = await timedSql(
    ds,
    'ANALYZE checks, check_states, check_results, check_rollups_hourly, check_rollups_daily',
  );
  const [counts]: { daily: number; hourly: number; raw: number }[] = await ds.query(
    `SELECT (SELECT count(*) FROM check_rollups_daily)::int AS daily,
            (SELECT count(*) FROM check_rollups_hourly)::int AS hourly,
            (SELECT count(*) FROM check_results)::int AS raw`,
  );
  const ids: string[] = (
    (await ds.query(`SELECT id FROM checks WHERE origin = 'custom'`)) as { id: string }[]
  ).map((r) => r.id);
  const pick = () => ids[Math.floor(Math.random() * ids.length)];
  const base = service.url;
  const endpoints: [string, () => string][] = [
    ['GET /api/status/summary', () => '/api/status/summary'],
    [
      'GET /api/status/checks?limit=50&offset=<random>',
      () =>
        `/api/status/checks?limit=50&offset=${Math.floor(Math.random() * Math.max(1, ids.length - 50))}`,
    ],
    ['GET /api/status/checks/:id (24h/7d/30d uptime)', () => `/api/status/checks/${pick()}`],
    [
      'GET /api/status/checks/:id/uptime?range=30d',
      () => `/api/status/checks/${pick()}/uptime?range=30d`,
    ],
  ];
  const get = async (path: string): Promise<number> => {
    const t = performance.now();
    const res = await fetch(`${base}${path}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return performance.now() - t;
  };
  for (const [label, path] of endpoints) {
    for (let i = 0; i < 5; i++) await get(path()); // warm-up, not counted
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      assertTime(label);
      samples.push(await get(path()));
    }
    const p95 = percentile(samples, 95);
    rows.push({
      benchmark: `status API: ${label}`,
      size: `${fmt(ids.length)} checks`,
      result: `p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (n=${REQUESTS})`,
      target: 'p95 ≤ 100 ms',
      verdict: verdict(p95 <= 100),
    });
  }
  const full = HOURLY_DAYS >= 30;
  notes.push(
    `status data (generated in SQL): daily rollups for 30 days + today (${fmt(counts.daily)} rows, ${gen.daily.toFixed(1)} s), ` +
      `hourly rollups for the last ${HOURLY_DAYS} days${full ? ' (all 30)' : ' only, not 30 (BENCH_HOURLY_DAYS=30 for all)'} (${fmt(counts.hourly)} rows, ${gen.hourly.toFixed(1)} s), ` +
      `raw results for the last hour, one per ${RAW_EVERY_MINUTES} min per check (${fmt(counts.raw)} rows, ${gen.raw.toFixed(1)} s); ` +
      `states ${gen.states.toFixed(1)} s, ANALYZE ${gen.analyze.toFixed(1)} s; requests one at a time with fetch (keep-alive), 5 warm-up requests per endpoint not counted`,
  );
}

// ---------------------------------------------------------------------------------------------

function printTable(): void {
  const header: Row = {
    benchmark: 'benchmark',
    size: 'size',
    result: 'result',
    target: 'target',
    verdict: '',
  };
  const keys: (keyof Row)[] = ['benchmark', 'size', 'result', 'target', 'verdict'];
  const all = [header, ...rows];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length), 3));
  const line = (r: Row) => `| ${keys.map((k, i) => r[k].padEnd(widths[i])).join(' | ')} |`;
  const out = [
    '',
    `Monitoring engine benchmark (globalConcurrency ${GLOBAL}, perHostConcurrency ${PER_HOST}, ` +
      `tick loop with ${TICK_MS} ms pauses, check timeout ${CHECK_TIMEOUT_MS} ms, node ${process.version})`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    ...notes.map((n) => `- ${n}`),
    `- the tick loop pauses ${TICK_MS} ms between ticks; in the running service a tick claims at most ` +
      `2 × globalConcurrency (${2 * GLOBAL}) checks and, while more are due, every finished check ticks again at once`,
    `- RSS is of this process run through ts-node, whose TypeScript compiler adds about 95 MB over the compiled service (dist/)`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const dataDir = mkdtempSync(join(tmpdir(), 'netwatch-engine-bench-'));
  let service: RunningService | undefined;
  let targets: Targets | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await targets?.stop().catch(() => undefined);
      await service?.stop().catch((err: unknown) => {
        process.stderr.write(`stopping the service: ${String(err)}\n`);
      });
      rmSync(dataDir, { recursive: true, force: true });
    })());
  const abort = (why: string, code: number) => {
    process.stderr.write(`${why}: cleaning up\n`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('SIGINT', 130));
  process.once('SIGTERM', () => abort('SIGTERM', 143));
  // Last resort if something hangs past the limit without reaching an assertTime().
  setTimeout(() => abort('BENCH_SECONDS exceeded by 60 s', 2), LIMIT_MS + 60_000).unref();

  try {
    targets = await startTargets();
    const config = loadConfig({
      env: {
        NETWATCH_DATA_DIR: dataDir,
        NETWATCH_LOG_LEVEL: 'error',
        NETWATCH_LOAD_EXAMPLE: 'false',
        NETWATCH_MONITORING: 'false',
        NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
      },
    });
    service = await startService(config, { listen: true, loadExample: false, monitor: false });
    if (PHASES.has('sweep')) {
      for (const n of SWEEPS) {
        process.stderr.write(`sweep of ${n} checks...\n`);
        await sweep(service, targets, n);
      }
    }
    if (PHASES.has('ingest')) {
      process.stderr.write(`ingesting ${RESULTS} results...\n`);
      await ingestion(service);
    }
    if (PHASES.has('status')) {
      process.stderr.write(`status API over ${STATUS_CHECKS} checks...\n`);
      await statusApi(service, targets);
    }
  } finally {
    await cleanup();
  }
  printTable();
}

main().catch((err: unknown) => {
  if (rows.length) printTable();
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
