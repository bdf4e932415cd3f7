import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../../src/common/errors';
import {
  PartitionManager,
  PartitionedTable,
} from '../../../src/monitoring/results/partition-manager';
import { ResultWriter } from '../../../src/monitoring/results/result-writer';
import { generateResults, ResultsDatabase, resultsDatabase } from './support';

describe('PartitionManager (PostgreSQL)', () => {
  let db: ResultsDatabase;

  beforeEach(async () => {
    db = await resultsDatabase();
  });

  afterEach(async () => {
    await db.drop();
  });

  /** Partitions of `table` as pg_inherits has them, with their bounds in UTC. */
  async function inherited(table: PartitionedTable): Promise<string[]> {
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [table],
    );
    return rows.map((r) => r.name);
  }

  async function rowsIn(partition: string): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${partition}`,
    );
    return rows[0].n;
  }

  it('creates partitions ahead (today + 7 days, month + 2, year + 1), visible in pg_inherits', async () => {
    const now = new Date('2025-12-30T22:15:00Z');
    const manager = new PartitionManager(db.pool);
    const report = await manager.maintain(now);
    const raw = [
      '20251230',
      '20251231',
      '20260101',
      '20260102',
      '20260103',
      '20260104',
      '20260105',
      '20260106',
    ].map((d) => `check_results_p${d}`);
    const hourly = ['202512', '202601', '202602'].map((m) => `check_rollups_hourly_p${m}`);
    const daily = ['2025', '2026'].map((y) => `check_rollups_daily_p${y}`);
    expect(report).toEqual({
      created: [...raw, ...hourly, ...daily],
      dropped: [],
      adopted: [],
      failed: [],
      defaultRows: [],
    });
    expect(await inherited('check_results')).toEqual(['check_results_default', ...raw]);
    expect(await inherited('check_rollups_hourly')).toEqual(
      [...hourly, 'check_rollups_hourly_default'].sort(),
    );
    expect(await inherited('check_rollups_daily')).toEqual(
      [...daily, 'check_rollups_daily_default'].sort(),
    );

    // Bounds are UTC midnights / month starts / year starts, whatever the session time zone.
    const parts = await manager.listPartitions('check_rollups_hourly');
    expect(parts.map((p) => [p.name, p.from.toISOString(), p.to.toISOString()])).toEqual([
      ['check_rollups_hourly_p202512', '2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
      ['check_rollups_hourly_p202601', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['check_rollups_hourly_p202602', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ]);

    // Idempotent: a second run, and a run the next day, create only what is new.
    expect((await manager.maintain(now)).created).toEqual([]);
    expect((await manager.maintain(new Date('2025-12-31T01:00:00Z'))).created).toEqual([
      'check_results_p20260107',
    ]);
  });

  it('is safe when several processes run it at once', async () => {
    const now = new Date('2025-06-10T12:00:00Z');
    const managers = Array.from({ length: 4 }, () => new PartitionManager(db.pool));
    const reports = await Promise.all(managers.map((m) => m.maintain(now)));
    const created = reports.flatMap((r) => r.created);
    expect(reports.flatMap((r) => r.failed)).toEqual([]);
    // Each partition created exactly once, by one of them.
    expect(created.length).toBe(8 + 3 + 2);
    expect(new Set(created).size).toBe(created.length);
    expect((await inherited('check_results')).length).toBe(9);
  });

  it('drops only partitions wholly older than the retention, and their rows with them', async () => {
    const now = new Date('2025-06-15T12:00:00Z');
    const manager = new PartitionManager(db.pool); // raw 30 days, hourly 400 days, daily 5 years
    await manager.ensurePartitions('check_results', new Date('2025-05-10T00:00:00Z'), now);
    await manager.ensurePartitions('check_rollups_hourly', new Date('2024-03-01T00:00:00Z'), now);
    await manager.ensurePartitions('check_rollups_daily', new Date('2018-01-01T00:00:00Z'), now);
    // Rows on both sides of the raw cutoff (2025-05-16 12:00).
    const check = randomUUID();
    const writer = new ResultWriter(db.pool);
    for (const at of ['2025-05-15T23:59:59Z', '2025-05-16T00:00:00Z', '2025-06-15T11:00:00Z']) {
      writer.write({
        checkId: check,
        at: new Date(at),
        status: 'up',
        durationMs: 1,
        runId: randomUUID(),
      });
    }
    await writer.close();

    const report = await manager.maintain(now);
    expect(report.failed).toEqual([]);
    expect(report.dropped).toEqual([
      // raw: upper bound <= 2025-05-16 12:00
      ...['10', '11', '12', '13', '14', '15'].map((d) => `check_results_p202505${d}`),
      // hourly: upper bound <= 2024-05-11 12:00 (400 days)
      'check_rollups_hourly_p202403',
      'check_rollups_hourly_p202404',
      // daily: upper bound <= 2020-06-15 12:00 (5 years)
      'check_rollups_daily_p2018',
      'check_rollups_daily_p2019',
    ]);
    const raw = await inherited('check_results');
    expect(raw[0]).toBe('check_results_default');
    expect(raw[1]).toBe('check_results_p20250516');
    expect(raw).toContain('check_results_p20250622');
    expect(await inherited('check_rollups_hourly')).toContain('check_rollups_hourly_p202405');
    expect(await inherited('check_rollups_daily')).toContain('check_rollups_daily_p2020');
    // The row of 15 May went with its partition; the others stay.
    const left = await db.pool.query<{ at: Date }>('SELECT at FROM check_results ORDER BY at');
    expect(left.rows.map((r) => r.at.toISOString())).toEqual([
      '2025-05-16T00:00:00.000Z',
      '2025-06-15T11:00:00.000Z',
    ]);
    expect(await rowsIn('check_results_default')).toBe(0);

    // Shorter retention, injected "now" a day later: one more raw day goes.
    const short = new PartitionManager(db.pool, { rawDays: 2 });
    const later = await short.maintain(new Date('2025-06-16T00:00:00Z'));
    expect(later.dropped.filter((n) => n.startsWith('check_results_'))).toEqual(
      Array.from({ length: 29 }, (_, i) => {
        const d = new Date(Date.UTC(2025, 4, 16 + i));
        return `check_results_p${d.toISOString().slice(0, 10).replace(/-/g, '')}`;
      }),
    );
    expect((await inherited('check_results'))[1]).toBe('check_results_p20250614');
  });

  it('reports stray rows in a default partition and moves them when their partition is created', async () => {
    const now = new Date('2025-06-15T12:00:00Z');
    const manager = new PartitionManager(db.pool);
    await manager.maintain(now);
    // Results from a badly set clock, weeks ahead: no raw or hourly partition for them yet.
    const results = generateResults(
      5,
      [randomUUID()],
      new Date('2025-09-06T00:00:00Z'),
      86_400_000,
    );
    const writer = new ResultWriter(db.pool);
    for (const r of results) writer.write(r);
    await writer.close();
    expect(writer.stats().written).toBe(5);

    const report = await manager.maintain(now);
    expect(report.defaultRows).toEqual([
      expect.objectContaining({ partition: 'check_results_default', rows: 5 }),
      expect.objectContaining({
        partition: 'check_rollups_hourly_default',
        rows: expect.any(Number),
      }),
    ]);
    expect(report.defaultRows[0].oldest.getTime()).toBeGreaterThanOrEqual(
      Date.parse('2025-09-06T00:00:00Z'),
    );

    // Weeks later the partitions are created ahead; the rows move into them.
    const then = await manager.maintain(new Date('2025-09-01T12:00:00Z'));
    expect(then.failed).toEqual([]);
    expect(then.adopted).toEqual(
      expect.arrayContaining([
        { partition: 'check_results_p20250906', rows: 5 },
        { partition: 'check_rollups_hourly_p202509', rows: expect.any(Number) },
      ]),
    );
    expect(then.defaultRows).toEqual([]);
    expect(await rowsIn('check_results_p20250906')).toBe(5);
    expect(await rowsIn('check_results_default')).toBe(0);
    // The moved partition is a full member: its unique index refuses a retried row.
    const retry = new ResultWriter(db.pool);
    retry.write(results[0]);
    await retry.close();
    expect(retry.stats()).toMatchObject({ written: 0, duplicates: 1 });
    const idx = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'check_results_p20250906'`,
    );
    expect(idx.rows[0].n).toBe(2);
  });

  it('reports a partition it could not create because of a lock, and creates it next time', async () => {
    const now = new Date('2025-06-15T12:00:00Z');
    const manager = new PartitionManager(db.pool, { lockTimeoutMs: 100 });
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE check_rollups_daily IN ACCESS SHARE MODE');
      const report = await manager.maintain(now);
      expect(report.failed.map((f) => [f.partition, f.operation])).toEqual([
        ['check_rollups_daily_p2025', 'create'],
        ['check_rollups_daily_p2026', 'create'],
      ]);
      expect(report.failed[0].error).toMatch(/lock timeout/);
      expect(report.created.length).toBe(8 + 3);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect((await manager.maintain(now)).created).toEqual([
      'check_rollups_daily_p2025',
      'check_rollups_daily_p2026',
    ]);
  });

  it('refuses bad settings', () => {
    expect(() => new PartitionManager(db.pool, { rawDays: 0 })).toThrow(ValidationError);
    expect(() => new PartitionManager(db.pool, { hourlyDays: 1.5 })).toThrow(/hourlyDays/);
    expect(() => new PartitionManager(db.pool, { rawAheadDays: -1 })).toThrow(/rawAheadDays/);
  });
});
