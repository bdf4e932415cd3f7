import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ValidationError } from '../../../src/common/errors';
import { SqlDatabase, sqlDatabase } from '../../../src/monitoring/results/db';
import { PartitionManager } from '../../../src/monitoring/results/partition-manager';
import { ResultWriter } from '../../../src/monitoring/results/result-writer';
import type { CheckResult } from '../../../src/monitoring/results/types';
import { generateResults, ResultsDatabase, resultsDatabase, waitFor } from './support';

const RECOUNT_COLUMNS = `check_id::text AS check_id, bucket,
  up, degraded, down, not_tested, unknown, unreachable, total,
  latency_sum, latency_count, latency_min, latency_max, latency_hist`;

/** Every rollup row of `table`, in a comparable form. */
function rollupSql(table: string): string {
  return `SELECT ${RECOUNT_COLUMNS} FROM ${table} ORDER BY check_id, bucket`;
}

/** The same figures recounted from check_results. */
function recountSql(grain: 'hour' | 'day'): string {
  const wb = `width_bucket(latency_ms::float8, '{1,2,5,10,20,50,100,200,500,1000,2000,5000,10000}'::float8[])`;
  const hist = Array.from({ length: 14 }, (_, i) => `count(*) FILTER (WHERE ${wb} = ${i})::int`);
  return `SELECT check_id::text AS check_id, date_trunc('${grain}', at, 'UTC') AS bucket,
      count(*) FILTER (WHERE status = 'up')::int AS up,
      count(*) FILTER (WHERE status = 'degraded')::int AS degraded,
      count(*) FILTER (WHERE status = 'down')::int AS down,
      count(*) FILTER (WHERE status = 'not_tested')::int AS not_tested,
      count(*) FILTER (WHERE status = 'unknown')::int AS unknown,
      count(*) FILTER (WHERE status = 'unreachable')::int AS unreachable,
      count(*)::int AS total,
      coalesce(sum(latency_ms::float8), 0) AS latency_sum, count(latency_ms)::int AS latency_count,
      min(latency_ms) AS latency_min, max(latency_ms) AS latency_max,
      ARRAY[${hist.join(', ')}] AS latency_hist
    FROM check_results GROUP BY 1, 2 ORDER BY 1, 2`;
}

const CHECKS = Array.from({ length: 5 }, () => randomUUID());
// 2025-03-30 20:00 UTC: the data crosses UTC midnights, and the session time zone
// (Asia/Ho_Chi_Minh, UTC+7) has its own midnight at 17:00 UTC.
const START = new Date('2025-03-30T20:00:00Z');
const SPAN_MS = 3 * 86_400_000;

describe('ResultWriter (PostgreSQL)', () => {
  let db: ResultsDatabase;

  beforeAll(async () => {
    db = await resultsDatabase('Asia/Ho_Chi_Minh');
    const manager = new PartitionManager(db.pool);
    const end = new Date(START.getTime() + SPAN_MS);
    await manager.ensurePartitions('check_results', START, end);
    await manager.ensurePartitions('check_rollups_hourly', START, end);
    await manager.ensurePartitions('check_rollups_daily', START, end);
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE check_results, check_rollups_hourly, check_rollups_daily');
  });

  async function expectRollupsEqualRecount(): Promise<void> {
    for (const [table, grain] of [
      ['check_rollups_hourly', 'hour'],
      ['check_rollups_daily', 'day'],
    ] as const) {
      const rollups = (await db.pool.query(rollupSql(table))).rows;
      const recount = (await db.pool.query(recountSql(grain))).rows;
      expect(rollups.length).toBeGreaterThan(0);
      expect(rollups).toEqual(recount);
    }
  }

  it('keeps hourly and daily rollups equal to a recount of the raw results', async () => {
    const results = generateResults(4000, CHECKS, START, SPAN_MS, 42);
    const batches: { rows: number; inserted: number }[] = [];
    const writer = new ResultWriter(db.pool, {
      batchSize: 300,
      flushIntervalMs: 60_000,
      onBatch: ({ rows, inserted }) => batches.push({ rows, inserted }),
    });
    for (const r of results) expect(writer.write(r)).toBe(true);
    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 4000, duplicates: 0, batches: 14, queued: 0 });
    expect(batches.length).toBe(14);
    expect(batches[13]).toEqual({ rows: 100, inserted: 100 });

    const { rows } = await db.pool.query<{ n: number; hours: number; days: number }>(
      `SELECT (SELECT count(*)::int FROM check_results) AS n,
              (SELECT count(*)::int FROM check_rollups_hourly) AS hours,
              (SELECT count(*)::int FROM check_rollups_daily) AS days`,
    );
    expect(rows[0].n).toBe(4000);
    // 5 checks × 72 hours; 5 checks × 4 UTC days (30 Mar 20:00 to 2 Apr 20:00).
    expect(rows[0].hours).toBe(5 * 72);
    expect(rows[0].days).toBe(5 * 4);
    await expectRollupsEqualRecount();

    // Daily buckets are UTC midnights whatever the session time zone.
    const days = await db.pool.query<{ bucket: string }>(
      `SELECT DISTINCT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS bucket
         FROM check_rollups_daily ORDER BY 1`,
    );
    expect(days.rows.map((r) => r.bucket)).toEqual([
      '2025-03-30 00:00',
      '2025-03-31 00:00',
      '2025-04-01 00:00',
      '2025-04-02 00:00',
    ]);
    // Nothing fell into a default partition.
    const stray = await db.pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM check_results_default) + (SELECT count(*) FROM check_rollups_hourly_default)
              + (SELECT count(*) FROM check_rollups_daily_default))::int AS n`,
    );
    expect(stray.rows[0].n).toBe(0);
  });

  it('stores each column as given', async () => {
    const writer = new ResultWriter(db.pool);
    const result: CheckResult = {
      checkId: CHECKS[0],
      at: new Date('2025-03-31T01:02:03.456Z'),
      status: 'degraded',
      family: 6,
      durationMs: 1234,
      latencyMs: 56.5,
      reasons: [{ code: 'slow', message: 'it\'s "slow" \\ {a,b}' }],
      observations: { ttfbMs: 56.5, nested: { list: [1, null, 'x'] } },
      runId: randomUUID(),
    };
    writer.write(result);
    await writer.close();
    const { rows } = await db.pool.query(
      `SELECT check_id::text, at, status, family, duration_ms, latency_ms, reasons, observations, run_id::text
         FROM check_results`,
    );
    expect(rows).toEqual([
      {
        check_id: result.checkId,
        at: result.at,
        status: 'degraded',
        family: 6,
        duration_ms: 1234,
        latency_ms: 56.5,
        reasons: result.reasons,
        observations: result.observations,
        run_id: result.runId,
      },
    ]);
  });

  it('counts a retried batch once, in raw results and rollups', async () => {
    const results = generateResults(1500, CHECKS, START, SPAN_MS, 7);
    const first = new ResultWriter(db.pool, { batchSize: 1000 });
    for (const r of results) first.write(r);
    await first.close();
    const snapshot = async (): Promise<unknown[][]> => [
      (await db.pool.query(rollupSql('check_rollups_hourly'))).rows,
      (await db.pool.query(rollupSql('check_rollups_daily'))).rows,
    ];
    const before = await snapshot();
    expect(before[0].length).toBeGreaterThan(0);

    // The same batches again (commits that were not acknowledged): nothing changes.
    const retry = new ResultWriter(db.pool, { batchSize: 1000 });
    for (const r of results) retry.write(r);
    await retry.close();
    expect(retry.stats()).toMatchObject({ written: 0, duplicates: 1500, batches: 2 });
    expect(await snapshot()).toEqual(before);

    // Old rows, duplicates inside one batch, and 10 new rows: only the new rows count.
    const fresh = generateResults(10, CHECKS, START, SPAN_MS, 8);
    const mixed = new ResultWriter(db.pool, { batchSize: 5000 });
    for (const r of [...results, ...results.slice(0, 100), ...fresh, ...fresh]) mixed.write(r);
    await mixed.close();
    expect(mixed.stats()).toMatchObject({ written: 10, duplicates: 1610, batches: 1 });
    const count = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM check_results',
    );
    expect(count.rows[0].n).toBe(1510);
    expect(await snapshot()).not.toEqual(before);
    await expectRollupsEqualRecount();
  });

  it('gives the same rollups when two writers race on the same and different rows', async () => {
    const results = generateResults(3000, CHECKS, START, SPAN_MS, 99);
    const a = new ResultWriter(db.pool, { batchSize: 250 });
    const b = new ResultWriter(db.pool, { batchSize: 250 });
    // a: rows 0..1999, b: rows 1000..2999 (1000 rows written by both), in opposite orders.
    for (const r of results.slice(0, 2000)) a.write(r);
    for (const r of results.slice(1000).reverse()) b.write(r);
    await Promise.all([a.close(), b.close()]);
    expect(a.stats().written + b.stats().written).toBe(3000);
    expect(a.stats().duplicates + b.stats().duplicates).toBe(1000);
    await expectRollupsEqualRecount();
  });

  it('flushes on the timer when fewer than batchSize rows are queued', async () => {
    const writer = new ResultWriter(db.pool, { batchSize: 1000, flushIntervalMs: 1000 });
    try {
      const started = Date.now();
      for (const r of generateResults(3, CHECKS, START, SPAN_MS, 3)) writer.write(r);
      const count = async (): Promise<number> =>
        (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM check_results')).rows[0]
          .n;
      // Nothing written before the timer fires (1 s is far beyond this query's time).
      expect(writer.stats()).toMatchObject({ queued: 3, batches: 0 });
      expect(await count()).toBe(0);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await waitFor(async () => (await count()) === 3, 5000)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(writer.stats()).toMatchObject({ written: 3, batches: 1, queued: 0 });
    } finally {
      await writer.close();
    }
  });

  it('flushes at once when batchSize rows are queued', async () => {
    const writer = new ResultWriter(db.pool, { batchSize: 10, flushIntervalMs: 3_600_000 });
    try {
      for (const r of generateResults(25, CHECKS, START, SPAN_MS, 4)) writer.write(r);
      expect(await waitFor(async () => writer.stats().written === 20, 5000)).toBe(true);
      expect(writer.stats()).toMatchObject({ batches: 2, queued: 5 });
    } finally {
      await writer.close();
    }
    expect(writer.stats()).toMatchObject({ written: 25, batches: 3, queued: 0 });
  });

  it('drops, and counts, results beyond maxQueued and after close', async () => {
    const writer = new ResultWriter(db.pool, {
      batchSize: 100,
      flushIntervalMs: 3_600_000,
      maxQueued: 5,
    });
    const results = generateResults(8, CHECKS, START, SPAN_MS, 5);
    expect(results.map((r) => writer.write(r))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(writer.stats()).toMatchObject({ queued: 5, dropped: 3 });
    await writer.close();
    expect(writer.write(results[7])).toBe(false);
    expect(writer.stats()).toMatchObject({ written: 5, dropped: 4, queued: 0 });
    const count = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM check_results',
    );
    expect(count.rows[0].n).toBe(5);
  });

  it('refuses a malformed result instead of letting it poison a batch', () => {
    const writer = new ResultWriter(db.pool);
    const [good] = generateResults(1, CHECKS, START, SPAN_MS, 6);
    const bad: Partial<CheckResult>[] = [
      { checkId: 'not-a-uuid' },
      { runId: '' },
      { at: new Date('nonsense') },
      { status: 'sideways' as CheckResult['status'] },
      { family: 5 as 4 },
      { durationMs: -1 },
      { latencyMs: Number.NaN },
      { observations: { s: 'nul \u0000 byte' } },
    ];
    for (const b of bad) expect(() => writer.write({ ...good, ...b })).toThrow(ValidationError);
    expect(writer.stats().queued).toBe(0);
    return writer.close();
  });

  it('keeps a batch queued when the database fails, and gives up bad data after maxAttempts', async () => {
    const real = sqlDatabase(db.pool);
    let failures: { code?: string; count: number } = { count: 0 };
    const flaky: SqlDatabase = {
      withSession: (fn) => real.withSession(fn),
      query: async (sql, params) => {
        if (failures.count > 0) {
          failures.count--;
          const err = new Error('simulated failure') as Error & { code?: string };
          if (failures.code) err.code = failures.code;
          throw err;
        }
        return real.query(sql, params);
      },
    };
    const errors: unknown[] = [];
    const writer = new ResultWriter(flaky, {
      flushIntervalMs: 3_600_000,
      maxAttempts: 2,
      onError: (e) => errors.push(e),
    });
    const results = generateResults(20, CHECKS, START, SPAN_MS, 10);

    // Connection-type failure: retried without limit.
    failures = { count: 3 };
    for (const r of results.slice(0, 10)) writer.write(r);
    for (let i = 0; i < 3; i++) await expect(writer.flush()).rejects.toThrow('simulated failure');
    expect(writer.stats()).toMatchObject({ queued: 10, failedBatches: 3, failedRows: 0 });
    await writer.flush();
    expect(writer.stats()).toMatchObject({
      queued: 0,
      written: 10,
      lastError: 'simulated failure',
    });

    // Data error (check_violation): given up after 2 attempts.
    failures = { code: '23514', count: 2 };
    for (const r of results.slice(10)) writer.write(r);
    await expect(writer.flush()).rejects.toThrow('simulated failure');
    expect(writer.stats()).toMatchObject({ queued: 10, failedRows: 0 });
    await expect(writer.flush()).rejects.toThrow('simulated failure');
    expect(writer.stats()).toMatchObject({ queued: 0, failedRows: 10, written: 10 });
    await writer.close();
    expect(errors).toEqual([]);
  });

  it('works the same through a TypeORM DataSource', async () => {
    const ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    try {
      const report = await new PartitionManager(ds).ensurePartitions(
        'check_results',
        START,
        new Date(START.getTime() + 86_400_000),
      );
      expect(report.failed).toEqual([]);
      const writer = new ResultWriter(ds, { batchSize: 100 });
      const results = generateResults(250, CHECKS, START, SPAN_MS, 11);
      for (const r of results) writer.write(r);
      for (const r of results.slice(0, 50)) writer.write(r);
      await writer.close();
      expect(writer.stats()).toMatchObject({ written: 250, duplicates: 50, batches: 3 });
    } finally {
      await ds.destroy();
    }
    await expectRollupsEqualRecount();
  });

  it('writes 50,000 rows in batches of 1000 and reports the throughput', async () => {
    const checks = Array.from({ length: 50 }, () => randomUUID());
    const results = generateResults(50_000, checks, START, 2 * 86_400_000, 2025);
    const writer = new ResultWriter(db.pool, { batchSize: 1000 });
    const started = process.hrtime.bigint();
    for (const r of results) writer.write(r);
    await writer.close();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(writer.stats()).toMatchObject({ written: 50_000, batches: 50, dropped: 0 });
    const totals = await db.pool.query<{ raw: number; hourly: number; daily: number }>(
      `SELECT (SELECT count(*)::int FROM check_results) AS raw,
              (SELECT sum(total)::int FROM check_rollups_hourly) AS hourly,
              (SELECT sum(total)::int FROM check_rollups_daily) AS daily`,
    );
    expect(totals.rows[0]).toEqual({ raw: 50_000, hourly: 50_000, daily: 50_000 });
    console.log(
      `ResultWriter: 50000 rows in ${seconds.toFixed(2)} s = ${Math.round(50_000 / seconds)} rows/s ` +
        `(last batch ${writer.stats().lastFlushMs.toFixed(1)} ms)`,
    );
  }, 120_000);
});
