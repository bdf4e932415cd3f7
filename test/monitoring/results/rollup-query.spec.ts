import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../../src/common/errors';
import { bucketOf, bucketRange } from '../../../src/monitoring/results/histogram';
import { PartitionManager } from '../../../src/monitoring/results/partition-manager';
import { ResultWriter } from '../../../src/monitoring/results/result-writer';
import { RollupQuery } from '../../../src/monitoring/results/rollup-query';
import type { CheckResult, ResultStatus } from '../../../src/monitoring/results/types';
import { generateResults, prng, ResultsDatabase, resultsDatabase } from './support';

const NOW = new Date('2025-05-12T06:00:00Z');
const A = randomUUID();
const B = randomUUID();

function at(day: 0 | 1, time: string): Date {
  return new Date(`2025-05-${10 + day}T${time}:00Z`);
}

function result(
  checkId: string,
  when: Date,
  status: ResultStatus,
  latencyMs: number | null = null,
): CheckResult {
  return { checkId, at: when, status, durationMs: 10, latencyMs, runId: randomUUID() };
}

/** The hand-computed fixture (see the expectations below). */
const FIXTURE: CheckResult[] = [
  result(A, at(0, '10:05'), 'up'),
  result(A, at(0, '10:20'), 'up'),
  result(A, at(0, '10:35'), 'down'),
  result(A, at(0, '10:50'), 'degraded'),
  result(A, at(0, '11:10'), 'down'),
  result(A, at(0, '11:40'), 'not_tested'),
  result(A, at(1, '03:00'), 'up'),
  result(A, at(1, '09:00'), 'down'),
  result(A, at(1, '15:00'), 'up'),
  result(A, at(1, '21:00'), 'up'),
  result(A, at(1, '22:00'), 'unknown'),
  result(B, at(0, '10:10'), 'up'),
  result(B, at(0, '11:10'), 'up'),
  result(B, at(1, '12:00'), 'up'),
  result(B, at(1, '13:00'), 'unreachable'),
  result(B, at(1, '14:00'), 'up'),
];

describe('RollupQuery (PostgreSQL)', () => {
  let db: ResultsDatabase;
  const RANDOM_CHECKS = [randomUUID(), randomUUID(), randomUUID()];
  const RANDOM_START = new Date('2025-05-08T21:17:00Z');
  const RANDOM_SPAN = 3 * 86_400_000;

  async function write(results: CheckResult[]): Promise<void> {
    const writer = new ResultWriter(db.pool, { batchSize: 500 });
    for (const r of results) writer.write(r);
    await writer.close();
  }

  beforeAll(async () => {
    db = await resultsDatabase('America/St_Johns'); // UTC-2:30: no hour boundary lines up
    const manager = new PartitionManager(db.pool);
    const from = new Date('2025-05-01T00:00:00Z');
    for (const t of ['check_results', 'check_rollups_hourly', 'check_rollups_daily'] as const) {
      await manager.ensurePartitions(t, from, NOW);
    }
    await write(FIXTURE);
    await write(generateResults(3000, RANDOM_CHECKS, RANDOM_START, RANDOM_SPAN, 77));
  });

  afterAll(async () => {
    await db.drop();
  });

  describe('uptime', () => {
    it('matches the hand-computed figures across raw, hourly and daily tiers', async () => {
      const q = new RollupQuery(db.pool, {}, () => NOW);
      const report = await q.uptime({
        checkIds: [A, B],
        from: at(0, '10:30'),
        to: new Date('2025-05-12T00:00:00Z'),
      });
      // A: raw 10:30-11:00 {down, degraded} → 30 min × 1/2; hour 11 {down, not_tested} → 60 × 1/1;
      //    day 11 May {up, down, up, up, unknown} → 1440 × 1/4. 10:05 and 10:20 are outside.
      // B: hour 11 {up} → 0; day 11 May {up, unreachable, up} → 1440 × 1/3.
      expect(report.approximate).toBe(false);
      expect(report.perCheck).toEqual([
        {
          checkId: A,
          up: 3,
          degraded: 1,
          down: 3,
          notTested: 1,
          unknown: 1,
          unreachable: 0,
          total: 9,
          uptimePercent: (4 / 7) * 100,
          downtimeMinutes: 15 + 60 + 360,
          observedMinutes: 30 + 60 + 1440,
        },
        {
          checkId: B,
          up: 3,
          degraded: 0,
          down: 0,
          notTested: 0,
          unknown: 0,
          unreachable: 1,
          total: 4,
          uptimePercent: 75,
          downtimeMinutes: 480,
          observedMinutes: 60 + 1440,
        },
      ]);
      expect(report.overall).toEqual({
        up: 6,
        degraded: 1,
        down: 3,
        notTested: 1,
        unknown: 1,
        unreachable: 1,
        total: 13,
        uptimePercent: (7 / 11) * 100,
        downtimeMinutes: 435 + 480,
        observedMinutes: 1530 + 1500,
      });
    });

    it('stops at now, and reports a check without results as unknown', async () => {
      const q = new RollupQuery(db.pool, {}, () => new Date('2025-05-11T16:30:00Z'));
      const none = randomUUID();
      const report = await q.uptime({
        checkIds: [A, none],
        from: new Date('2025-05-11T00:00:00Z'),
        to: new Date('2030-01-01T00:00:00Z'),
      });
      // 03:00 up, 09:00 down, 15:00 up; 21:00 and 22:00 are after now.
      expect(report.perCheck[0]).toMatchObject({
        up: 2,
        down: 1,
        total: 3,
        downtimeMinutes: 60,
        observedMinutes: 180,
      });
      expect(report.perCheck[1]).toMatchObject({
        checkId: none,
        total: 0,
        uptimePercent: null,
        downtimeMinutes: 0,
      });
    });

    it('uses a whole hour for an edge beyond the raw retention, and says so', async () => {
      const q = new RollupQuery(db.pool, { rawDays: 1 }, () => NOW);
      const report = await q.uptime({ checkIds: [A], from: at(0, '10:30'), to: at(0, '11:00') });
      // Raw 10:30-11:00 is gone (retention 1 day): the 10:00 hour stands in,
      // {up, up, down, degraded} over the 30 minutes asked for.
      expect(report.approximate).toBe(true);
      expect(report.perCheck[0]).toMatchObject({
        up: 2,
        down: 1,
        degraded: 1,
        total: 4,
        downtimeMinutes: 7.5,
      });
    });

    it('equals a raw recount for arbitrary ranges', async () => {
      const q = new RollupQuery(db.pool, {}, () => NOW);
      const rnd = prng(5);
      for (let i = 0; i < 12; i++) {
        const a = RANDOM_START.getTime() + Math.floor(rnd() * RANDOM_SPAN);
        const b = Math.min(
          a + Math.floor(rnd() * (i < 4 ? 3_600_000 : RANDOM_SPAN)),
          NOW.getTime(),
        );
        const from = new Date(a);
        const to = new Date(b);
        const report = await q.uptime({ checkIds: RANDOM_CHECKS, from, to });
        const { rows } = await db.pool.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM check_results
            WHERE check_id = ANY($1::uuid[]) AND at >= $2 AND at < $3 GROUP BY status`,
          [RANDOM_CHECKS, from, to],
        );
        const n = (s: string): number => rows.find((r) => r.status === s)?.n ?? 0;
        expect(report.approximate).toBe(false);
        expect(report.overall).toMatchObject({
          up: n('up'),
          degraded: n('degraded'),
          down: n('down'),
          notTested: n('not_tested'),
          unknown: n('unknown'),
          unreachable: n('unreachable'),
          total: rows.reduce((s, r) => s + r.n, 0),
        });
        const latency = await q.latency({ checkIds: RANDOM_CHECKS, from, to });
        const exact = await db.pool.query<{
          count: number;
          min: number | null;
          max: number | null;
          sum: number | null;
        }>(
          `SELECT count(latency_ms)::int AS count, min(latency_ms)::float8 AS min, max(latency_ms)::float8 AS max,
                  sum(latency_ms::float8) AS sum
             FROM check_results WHERE check_id = ANY($1::uuid[]) AND at >= $2 AND at < $3`,
          [RANDOM_CHECKS, from, to],
        );
        const e = exact.rows[0];
        expect(latency).toMatchObject({ count: e.count, minMs: e.min, maxMs: e.max });
        expect(latency.meanMs).toBe(e.count > 0 ? (e.sum ?? 0) / e.count : null);
      }
    });

    it('refuses bad input', async () => {
      const q = new RollupQuery(db.pool, {}, () => NOW);
      await expect(q.uptime({ checkIds: [], from: NOW, to: NOW })).rejects.toThrow(ValidationError);
      await expect(q.uptime({ checkIds: ['x'], from: NOW, to: NOW })).rejects.toThrow(
        ValidationError,
      );
      await expect(q.uptime({ checkIds: [A], from: new Date('x'), to: NOW })).rejects.toThrow(
        ValidationError,
      );
    });
  });

  describe('latency percentiles', () => {
    const HOUR = new Date('2025-05-11T08:00:00Z');

    function gaussian(rnd: () => number): number {
      return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    }

    const distributions: Record<string, (rnd: () => number) => number> = {
      uniform: (rnd) => rnd() * 1000,
      lognormal: (rnd) => Math.exp(Math.log(80) + 0.8 * gaussian(rnd)),
      bimodal: (rnd) => (rnd() < 0.9 ? Math.max(0, 20 + 3 * gaussian(rnd)) : 3000 + rnd() * 9000),
      slow: (rnd) => 8000 + rnd() * 8000,
    };

    it.each(Object.keys(distributions))(
      '%s: every estimate lies in the bucket of the true percentile',
      async (name) => {
        const rnd = prng(name.length * 1000 + 1);
        const check = randomUUID();
        const values: number[] = [];
        const results: CheckResult[] = [];
        for (let i = 0; i < 2000; i++) {
          const v = Math.fround(distributions[name](rnd)); // what a real column stores
          values.push(v);
          results.push(result(check, new Date(HOUR.getTime() + i * 1800), 'up', v));
        }
        await write(results);
        values.sort((x, y) => x - y);
        const ps = [50, 90, 95, 99, 99.9];
        const q = new RollupQuery(db.pool, {}, () => NOW);
        // Whole hour (rollups) and a range with raw edges give the same figures.
        const whole = await q.latency(
          { checkIds: [check], from: HOUR, to: new Date(HOUR.getTime() + 3_600_000) },
          ps,
        );
        const wider = await q.latency(
          {
            checkIds: [check],
            from: new Date(HOUR.getTime() - 1_000_000),
            to: new Date(HOUR.getTime() + 5_000_000),
          },
          ps,
        );
        expect(wider).toEqual(whole);
        expect(whole.count).toBe(2000);
        expect(whole.minMs).toBe(values[0]);
        expect(whole.maxMs).toBe(values[1999]);
        for (const p of ps) {
          const truth = values[Math.ceil((p / 100) * values.length) - 1]; // nearest rank
          const estimate = whole.percentiles[`p${p}`];
          const [lower, upper] = bucketRange(bucketOf(truth));
          expect(estimate).not.toBeNull();
          expect(estimate).toBeGreaterThanOrEqual(Math.max(lower, values[0]));
          expect(estimate).toBeLessThanOrEqual(Math.min(upper, values[1999]));
        }
      },
    );
  });

  describe('series', () => {
    it('gives one point per hour with counts and latency', async () => {
      const check = randomUUID();
      const base = new Date('2025-05-11T04:00:00Z');
      const results = [
        result(check, new Date(base.getTime() + 60_000), 'up', 10),
        result(check, new Date(base.getTime() + 120_000), 'down', null),
        result(check, new Date(base.getTime() + 180_000), 'degraded', 30),
        result(check, new Date(base.getTime() + 2 * 3_600_000 + 60_000), 'up', 1500),
      ];
      await write(results);
      const q = new RollupQuery(db.pool, {}, () => NOW);
      const series = await q.series({
        checkIds: [check],
        from: new Date(base.getTime() + 30 * 60_000),
        to: new Date(base.getTime() + 4 * 3_600_000),
      });
      expect(series).toEqual([
        expect.objectContaining({
          bucket: base,
          up: 1,
          down: 1,
          degraded: 1,
          total: 3,
          latencyCount: 2,
          meanMs: 20,
          minMs: 10,
          maxMs: 30,
        }),
        expect.objectContaining({
          bucket: new Date(base.getTime() + 2 * 3_600_000),
          up: 1,
          total: 1,
          p50Ms: 1500,
        }),
      ]);
      // p50 of {10, 30}: rank 1 = 10, in bucket [10, 20) (clamped to min 10).
      expect(series[0].p50Ms).toBeGreaterThanOrEqual(10);
      expect(series[0].p50Ms).toBeLessThan(20);
      const daily = await q.series({ checkIds: [check], from: base, to: NOW, step: 'day' });
      expect(daily).toEqual([
        expect.objectContaining({ bucket: new Date('2025-05-11T00:00:00Z'), total: 4 }),
      ]);
    });
  });
});
