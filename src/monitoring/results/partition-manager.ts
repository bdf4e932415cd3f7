import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { sqlDatabase, SqlDatabase, SqlSession, sqlState } from './db';
import { checkIntegers, DEFAULT_RETENTION, RetentionSettings } from './settings';
import { addTo, floorTo, Grain, stamp } from './time';

/** The partitioned tables of the results store. */
export type PartitionedTable = 'check_results' | 'check_rollups_hourly' | 'check_rollups_daily';

interface TableSpec {
  column: string;
  /** The span of one partition. */
  grain: Grain;
}

const TABLES: Record<PartitionedTable, TableSpec> = {
  check_results: { column: 'at', grain: 'day' },
  check_rollups_hourly: { column: 'bucket', grain: 'month' },
  check_rollups_daily: { column: 'bucket', grain: 'year' },
};

export const PARTITIONED_TABLES = Object.keys(TABLES) as PartitionedTable[];

export interface PartitionSettings extends RetentionSettings {
  /** Daily raw partitions created ahead of today (today is always created). */
  rawAheadDays: number;
  /** Monthly hourly-rollup partitions created ahead of the current month. */
  hourlyAheadMonths: number;
  /** Yearly daily-rollup partitions created ahead of the current year. */
  dailyAheadYears: number;
  /**
   * How long one partition DDL statement waits for its table lock before giving up (it is
   * retried at the next run). Creating or dropping a partition needs a short exclusive lock on
   * the parent; without a timeout a long reader would make every writer queue behind the DDL.
   */
  lockTimeoutMs: number;
}

export const DEFAULT_PARTITION_SETTINGS: PartitionSettings = {
  ...DEFAULT_RETENTION,
  rawAheadDays: 7,
  hourlyAheadMonths: 2,
  dailyAheadYears: 1,
  lockTimeoutMs: 5000,
};

export function partitionSettings(partial: Partial<PartitionSettings> = {}): PartitionSettings {
  const s = { ...DEFAULT_PARTITION_SETTINGS, ...partial };
  checkIntegers(
    { ...s },
    {
      rawDays: [1, 3650],
      hourlyDays: [1, 36500],
      dailyYears: [1, 100],
      rawAheadDays: [0, 366],
      hourlyAheadMonths: [0, 60],
      dailyAheadYears: [0, 20],
      lockTimeoutMs: [1, 3_600_000],
    },
  );
  return s;
}

/** Arbitrary but fixed: serialises partition maintenance across processes ("nwpr"). */
export const PARTITION_LOCK = 0x6e777072;

export interface PartitionInfo {
  table: PartitionedTable;
  name: string;
  from: Date;
  to: Date;
}

export interface DefaultPartitionRows {
  table: PartitionedTable;
  partition: string;
  rows: number;
  oldest: Date;
  newest: Date;
}

export interface PartitionReport {
  /** Partitions created by this run (existing ones are not listed). */
  created: string[];
  /** Partitions dropped by this run. */
  dropped: string[];
  /** Rows moved out of a default partition into a partition created for them. */
  adopted: { partition: string; rows: number }[];
  /** Operations that failed (lock timeout, ...); each is retried at the next run. */
  failed: { partition: string; operation: 'create' | 'drop'; error: string }[];
  /** Default partitions holding rows (stray rows no dated partition covers); empty is healthy. */
  defaultRows: DefaultPartitionRows[];
}

/**
 * Creates the dated partitions of the results store ahead of time and drops those older than the
 * retention. Safe to run from several processes at once and as often as wanted: it holds a
 * session advisory lock, checks before creating, and treats "already exists" as done. Each
 * partition is created or dropped in its own short transaction with a lock timeout, so writers
 * wait at most that long.
 */
export class PartitionManager {
  readonly settings: PartitionSettings;
  private readonly db: SqlDatabase;

  constructor(
    db: Pool | DataSource | SqlDatabase,
    settings: Partial<PartitionSettings> = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = sqlDatabase(db);
    this.settings = partitionSettings(settings);
  }

  /** Creates partitions ahead, drops expired ones, reports stray rows in default partitions. */
  async maintain(now: Date = this.clock()): Promise<PartitionReport> {
    const report = emptyReport();
    const s = this.settings;
    await this.locked(async (session) => {
      const ahead: Record<PartitionedTable, number> = {
        check_results: s.rawAheadDays,
        check_rollups_hourly: s.hourlyAheadMonths,
        check_rollups_daily: s.dailyAheadYears,
      };
      for (const table of PARTITIONED_TABLES) {
        const { grain } = TABLES[table];
        const first = floorTo(grain, now);
        await this.createRange(
          session,
          table,
          first,
          addTo(grain, first, ahead[table] + 1),
          report,
        );
      }
      const cutoffs = retentionCutoffs(s, now);
      for (const table of PARTITIONED_TABLES) {
        for (const p of await listPartitions(session, table)) {
          if (p.to.getTime() <= cutoffs[table].getTime()) await this.drop(session, p, report);
        }
      }
      report.defaultRows = await defaultRows(session);
    });
    return report;
  }

  /**
   * Creates every partition of `table` overlapping [from, to) (for a backfill, or a test that
   * writes results in the past). Existing partitions are left alone.
   */
  async ensurePartitions(table: PartitionedTable, from: Date, to: Date): Promise<PartitionReport> {
    const report = emptyReport();
    await this.locked(async (session) => {
      await this.createRange(session, table, from, to, report);
      report.defaultRows = await defaultRows(session);
    });
    return report;
  }

  /** The dated partitions of `table`, oldest first. */
  async listPartitions(table: PartitionedTable): Promise<PartitionInfo[]> {
    return this.db.withSession((session) => listPartitions(session, table));
  }

  private async locked(fn: (session: SqlSession) => Promise<void>): Promise<void> {
    await this.db.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock($1)', [PARTITION_LOCK]);
      try {
        await fn(session);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1)', [PARTITION_LOCK]);
      }
    });
  }

  private async createRange(
    session: SqlSession,
    table: PartitionedTable,
    from: Date,
    to: Date,
    report: PartitionReport,
  ): Promise<void> {
    const { grain } = TABLES[table];
    for (let start = floorTo(grain, from); start < to; start = addTo(grain, start, 1)) {
      await this.create(session, table, start, addTo(grain, start, 1), report);
    }
  }

  private async create(
    session: SqlSession,
    table: PartitionedTable,
    from: Date,
    to: Date,
    report: PartitionReport,
  ): Promise<void> {
    const { column, grain } = TABLES[table];
    const name = partitionName(table, grain, from);
    const [exists] = await session.query<{ exists: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS exists',
      [name],
    );
    if (exists.exists) return;
    const lower = from.toISOString();
    const upper = to.toISOString();
    const bounds = `FOR VALUES FROM ('${lower}') TO ('${upper}')`;
    const deflt = `${table}_default`;
    try {
      await this.transaction(session, async () => {
        // A new partition must not overlap rows already in the default partition; lock it so
        // no such row arrives between the check and the CREATE.
        await session.query(`LOCK TABLE ${deflt} IN EXCLUSIVE MODE`);
        const [stray] = await session.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${deflt} WHERE ${column} >= $1 AND ${column} < $2`,
          [lower, upper],
        );
        if (stray.n === 0) {
          await session.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} ${bounds}`);
        } else {
          // Move the stray rows into the new partition, then attach it (its indexes are
          // created by ATTACH from the parent's).
          await session.query(
            `CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
          );
          await session.query(
            `WITH moved AS (DELETE FROM ${deflt} WHERE ${column} >= $1 AND ${column} < $2 RETURNING *)
             INSERT INTO ${name} SELECT * FROM moved`,
            [lower, upper],
          );
          await session.query(`ALTER TABLE ${table} ATTACH PARTITION ${name} ${bounds}`);
          report.adopted.push({ partition: name, rows: stray.n });
        }
      });
      report.created.push(name);
    } catch (err) {
      // Another process without the advisory lock created it first: done.
      if (sqlState(err) === '42P07') return;
      report.failed.push({ partition: name, operation: 'create', error: message(err) });
    }
  }

  private async drop(
    session: SqlSession,
    p: PartitionInfo,
    report: PartitionReport,
  ): Promise<void> {
    try {
      await this.transaction(session, async () => {
        await session.query(`DROP TABLE IF EXISTS ${p.name}`);
      });
      report.dropped.push(p.name);
    } catch (err) {
      report.failed.push({ partition: p.name, operation: 'drop', error: message(err) });
    }
  }

  private async transaction(session: SqlSession, fn: () => Promise<void>): Promise<void> {
    await session.query('BEGIN');
    try {
      await session.query(`SET LOCAL lock_timeout = ${this.settings.lockTimeoutMs}`);
      await fn();
      await session.query('COMMIT');
    } catch (err) {
      // A failed ROLLBACK (connection lost) must not hide the original error.
      await session.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}

/** The newest upper bound a partition of each table may have to be dropped at `now`. */
export function retentionCutoffs(s: RetentionSettings, now: Date): Record<PartitionedTable, Date> {
  return {
    check_results: addTo('day', now, -s.rawDays),
    check_rollups_hourly: addTo('day', now, -s.hourlyDays),
    check_rollups_daily: addTo('year', now, -s.dailyYears),
  };
}

export function partitionName(table: PartitionedTable, grain: Grain, from: Date): string {
  return `${table}_p${stamp(grain, from)}`;
}

function emptyReport(): PartitionReport {
  return { created: [], dropped: [], adopted: [], failed: [], defaultRows: [] };
}

async function listPartitions(
  session: SqlSession,
  table: PartitionedTable,
): Promise<PartitionInfo[]> {
  // The bounds as PostgreSQL prints them (`FOR VALUES FROM ('...') TO ('...')`, in the session
  // time zone with its offset), cast back to timestamptz. DEFAULT has no bounds and is skipped.
  const rows = await session.query<{ name: string; from: Date; to: Date }>(
    `SELECT name, m[1]::timestamptz AS "from", m[2]::timestamptz AS "to"
       FROM (SELECT c.relname AS name,
                    regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                 '^FOR VALUES FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)$') AS m
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = $1::regclass) p
      WHERE m IS NOT NULL
      ORDER BY 2`,
    [table],
  );
  return rows.map((r) => ({ table, name: r.name, from: r.from, to: r.to }));
}

async function defaultRows(session: SqlSession): Promise<DefaultPartitionRows[]> {
  const out: DefaultPartitionRows[] = [];
  for (const table of PARTITIONED_TABLES) {
    const { column } = TABLES[table];
    const partition = `${table}_default`;
    const [r] = await session.query<{ rows: number; oldest: Date | null; newest: Date | null }>(
      `SELECT count(*)::int AS rows, min(${column}) AS oldest, max(${column}) AS newest FROM ${partition}`,
    );
    if (r.rows > 0 && r.oldest && r.newest) {
      out.push({ table, partition, rows: r.rows, oldest: r.oldest, newest: r.newest });
    }
  }
  return out;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
