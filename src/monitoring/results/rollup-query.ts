import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ValidationError } from '../../common/errors';
import { sqlDatabase, SqlDatabase } from './db';
import { HISTOGRAM_BUCKETS, histogramAggregateSql, percentileFromHistogram } from './histogram';
import { DEFAULT_RETENTION, RetentionSettings, retentionSettings } from './settings';
import { addTo, ceilTo, floorTo } from './time';
import { UUID_PATTERN } from './types';

export interface RangeQuery {
  checkIds: readonly string[];
  from: Date;
  /** Exclusive; clamped to now. */
  to: Date;
}

export interface StatusCounts {
  up: number;
  degraded: number;
  down: number;
  notTested: number;
  unknown: number;
  unreachable: number;
  total: number;
}

export interface UptimeFigures extends StatusCounts {
  /**
   * (up + degraded) / (up + degraded + down + unreachable) × 100, by result count; null when no
   * result was judged. `not_tested` and `unknown` results are left out: they say nothing about
   * the target.
   */
  uptimePercent: number | null;
  /**
   * Σ over buckets of the bucket's minutes within the range × (down + unreachable) / judged.
   * A bucket without a judged result adds nothing. For a set of checks: check-minutes.
   */
  downtimeMinutes: number;
  /** Minutes of the range covered by buckets with at least one judged result. */
  observedMinutes: number;
}

export interface UptimeReport {
  perCheck: (UptimeFigures & { checkId: string })[];
  /** All requested checks together (counts summed, downtime in check-minutes). */
  overall: UptimeFigures;
  /**
   * True when an edge of the range lies beyond the retention of a finer tier, so a whole hour
   * (or day) bucket stood in for part of it.
   */
  approximate: boolean;
}

export interface LatencySummary {
  /** Results with a latency. */
  count: number;
  meanMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Estimated from the merged histogram (error bound: see histogram.ts). Keyed `p50`, ... */
  percentiles: Record<string, number | null>;
  histogram: number[];
  approximate: boolean;
}

export interface SeriesPoint extends StatusCounts {
  /** Start of the UTC hour or day. */
  bucket: Date;
  latencyCount: number;
  meanMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

type Source = 'raw' | 'hourly' | 'daily';

/** A part of the range read from one tier: raw rows in [from, to), or whole rollup buckets. */
export interface Segment {
  source: Source;
  from: Date;
  to: Date;
}

/**
 * Splits [from, to) into the cheapest exact reads: whole UTC days from the daily rollups, the
 * remaining whole hours from the hourly rollups, and the partial hours at the edges from raw
 * results. A part older than its tier's retention falls back to the next coarser tier's whole
 * bucket (`approximate`).
 */
export function planSegments(
  from: Date,
  to: Date,
  now: Date,
  retention: RetentionSettings = DEFAULT_RETENTION,
): { segments: Segment[]; approximate: boolean } {
  const segments: Segment[] = [];
  let approximate = false;
  const rawCutoff = addTo('day', now, -retention.rawDays);
  const hourlyCutoff = addTo('day', now, -retention.hourlyDays);

  const hourly = (a: Date, b: Date): void => {
    // Hour-aligned, within one UTC day.
    if (a >= hourlyCutoff) {
      segments.push({ source: 'hourly', from: a, to: b });
    } else {
      approximate = true;
      const day = floorTo('day', a);
      segments.push({ source: 'daily', from: day, to: addTo('day', day, 1) });
    }
  };
  const edge = (a: Date, b: Date): void => {
    // Within one UTC hour.
    if (a >= rawCutoff) {
      segments.push({ source: 'raw', from: a, to: b });
    } else {
      const hour = floorTo('hour', a);
      hourly(hour, addTo('hour', hour, 1));
      approximate = true;
    }
  };
  const middle = (a: Date, b: Date): void => {
    // Hour-aligned.
    const dFrom = ceilTo('day', a);
    const dTo = floorTo('day', b);
    if (dFrom > dTo) {
      hourly(a, b);
      return;
    }
    if (a < dFrom) hourly(a, dFrom);
    if (dFrom < dTo) segments.push({ source: 'daily', from: dFrom, to: dTo });
    if (dTo < b) hourly(dTo, b);
  };

  if (to <= from) return { segments, approximate };
  const hFrom = ceilTo('hour', from);
  const hTo = floorTo('hour', to);
  if (hFrom > hTo) {
    edge(from, to);
  } else {
    if (from < hFrom) edge(from, hFrom);
    if (hFrom < hTo) middle(hFrom, hTo);
    if (hTo < to) edge(hTo, to);
  }
  // Fallbacks can make two parts read the same coarser bucket (two edges of one old day), or a
  // finer part lie inside a coarser fallback: keep each covered span once.
  const rank: Record<Source, number> = { raw: 0, hourly: 1, daily: 2 };
  const kept = segments.filter(
    (s, i) =>
      !segments.some(
        (t, j) =>
          j !== i &&
          rank[t.source] >= rank[s.source] &&
          t.from <= s.from &&
          s.to <= t.to &&
          (rank[t.source] > rank[s.source] || t.from < s.from || s.to < t.to || j < i),
      ),
  );
  return { segments: kept, approximate };
}

const COUNT_COLUMNS = [
  'up',
  'degraded',
  'down',
  'not_tested',
  'unknown',
  'unreachable',
  'total',
] as const;

interface CountsRow {
  up: number;
  degraded: number;
  down: number;
  not_tested: number;
  unknown: number;
  unreachable: number;
  total: number;
}

function counts(r: CountsRow): StatusCounts {
  return {
    up: r.up,
    degraded: r.degraded,
    down: r.down,
    notTested: r.not_tested,
    unknown: r.unknown,
    unreachable: r.unreachable,
    total: r.total,
  };
}

function uptimePercent(c: StatusCounts): number | null {
  const judged = c.up + c.degraded + c.down + c.unreachable;
  return judged === 0 ? null : ((c.up + c.degraded) / judged) * 100;
}

/**
 * Read helpers over the rollups (and raw results for partial hours). Times are UTC buckets;
 * `now` comes from the injected clock so tests are deterministic.
 */
export class RollupQuery {
  private readonly db: SqlDatabase;
  private readonly retention: RetentionSettings;

  constructor(
    db: Pool | DataSource | SqlDatabase,
    retention: Partial<RetentionSettings> = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = sqlDatabase(db);
    this.retention = retentionSettings(retention);
  }

  /** Uptime % and downtime minutes per check and overall over [from, to). */
  async uptime(q: RangeQuery): Promise<UptimeReport> {
    const { sql, params, approximate } = this.units(q);
    const judged = '(up + degraded + down + unreachable)';
    const minutes = 'extract(epoch FROM (e - s))::float8 / 60';
    const rows = await this.db.query<
      CountsRow & { check_id: string; downtime: number; observed: number }
    >(
      `WITH units AS (${sql})
       SELECT check_id::text AS check_id,
              ${COUNT_COLUMNS.map((c) => `coalesce(sum(${c}), 0)::int AS ${c}`).join(', ')},
              coalesce(sum(CASE WHEN ${judged} > 0
                                THEN ${minutes} * (down + unreachable)::float8 / ${judged}
                                ELSE 0 END), 0)::float8 AS downtime,
              coalesce(sum(CASE WHEN ${judged} > 0 THEN ${minutes} ELSE 0 END), 0)::float8 AS observed
         FROM units GROUP BY check_id`,
      params,
    );
    const byId = new Map(rows.map((r) => [r.check_id, r]));
    const zero: CountsRow = {
      up: 0,
      degraded: 0,
      down: 0,
      not_tested: 0,
      unknown: 0,
      unreachable: 0,
      total: 0,
    };
    const perCheck = q.checkIds.map((checkId) => {
      const r = byId.get(checkId.toLowerCase());
      const c = counts(r ?? zero);
      return {
        checkId,
        ...c,
        uptimePercent: uptimePercent(c),
        downtimeMinutes: r?.downtime ?? 0,
        observedMinutes: r?.observed ?? 0,
      };
    });
    const total: StatusCounts = {
      up: 0,
      degraded: 0,
      down: 0,
      notTested: 0,
      unknown: 0,
      unreachable: 0,
      total: 0,
    };
    let downtimeMinutes = 0;
    let observedMinutes = 0;
    for (const p of perCheck) {
      for (const k of Object.keys(total) as (keyof StatusCounts)[]) total[k] += p[k];
      downtimeMinutes += p.downtimeMinutes;
      observedMinutes += p.observedMinutes;
    }
    return {
      perCheck,
      overall: { ...total, uptimePercent: uptimePercent(total), downtimeMinutes, observedMinutes },
      approximate,
    };
  }

  /** Latency summary over [from, to) for the checks together, from merged histograms. */
  async latency(
    q: RangeQuery,
    percentiles: readonly number[] = [50, 95, 99],
  ): Promise<LatencySummary> {
    const { sql, params, approximate } = this.units(q);
    const [r] = await this.db.query<{
      count: number;
      sum: number;
      min: number | null;
      max: number | null;
      hist: number[] | null;
    }>(
      `WITH units AS (${sql})
       SELECT (SELECT coalesce(sum(latency_count), 0)::int FROM units) AS count,
              (SELECT coalesce(sum(latency_sum), 0)::float8 FROM units) AS sum,
              (SELECT min(latency_min)::float8 FROM units) AS min,
              (SELECT max(latency_max)::float8 FROM units) AS max,
              (SELECT array_agg(n ORDER BY i) FROM
                 (SELECT i, sum(x)::int AS n FROM units, unnest(units.latency_hist) WITH ORDINALITY AS h(x, i)
                   GROUP BY i) t) AS hist`,
      params,
    );
    const histogram = r.hist ?? new Array<number>(HISTOGRAM_BUCKETS).fill(0);
    const out: Record<string, number | null> = {};
    for (const p of percentiles) out[`p${p}`] = percentileFromHistogram(histogram, p, r.min, r.max);
    return {
      count: r.count,
      meanMs: r.count > 0 ? r.sum / r.count : null,
      minMs: r.min,
      maxMs: r.max,
      percentiles: out,
      histogram,
      approximate,
    };
  }

  /**
   * Per-bucket series (counts, latency mean/min/max/p50/p95/p99) from the hourly or daily
   * rollups, for the checks together. The buckets are whole UTC hours or days overlapping
   * [from, to), so the first and last may reach beyond the range. Step: `hour` for ranges up to
   * 7 days, else `day`. Hours beyond the hourly retention are absent.
   */
  async series(q: RangeQuery & { step?: 'hour' | 'day' }): Promise<SeriesPoint[]> {
    this.check(q);
    const step = q.step ?? (q.to.getTime() - q.from.getTime() <= 7 * 86_400_000 ? 'hour' : 'day');
    const table = step === 'hour' ? 'check_rollups_hourly' : 'check_rollups_daily';
    const rows = await this.db.query<
      CountsRow & {
        bucket: Date;
        latency_count: number;
        latency_sum: number;
        latency_min: number | null;
        latency_max: number | null;
        hist: number[];
      }
    >(
      `WITH r AS (SELECT * FROM ${table}
                   WHERE check_id = ANY($1::uuid[]) AND bucket >= $2 AND bucket < $3),
            h AS (SELECT bucket, array_agg(n ORDER BY i) AS hist
                    FROM (SELECT bucket, i, sum(x)::int AS n
                            FROM r, unnest(r.latency_hist) WITH ORDINALITY AS u(x, i)
                           GROUP BY bucket, i) t
                   GROUP BY bucket)
       SELECT r.bucket, ${COUNT_COLUMNS.map((c) => `sum(r.${c})::int AS ${c}`).join(', ')},
              sum(r.latency_count)::int AS latency_count, sum(r.latency_sum)::float8 AS latency_sum,
              min(r.latency_min)::float8 AS latency_min, max(r.latency_max)::float8 AS latency_max,
              h.hist
         FROM r JOIN h USING (bucket)
        GROUP BY r.bucket, h.hist ORDER BY r.bucket`,
      [q.checkIds, floorTo(step, q.from).toISOString(), q.to.toISOString()],
    );
    return rows.map((r) => {
      const pct = (p: number): number | null =>
        percentileFromHistogram(r.hist, p, r.latency_min, r.latency_max);
      return {
        bucket: r.bucket,
        ...counts(r),
        latencyCount: r.latency_count,
        meanMs: r.latency_count > 0 ? r.latency_sum / r.latency_count : null,
        minMs: r.latency_min,
        maxMs: r.latency_max,
        p50Ms: pct(50),
        p95Ms: pct(95),
        p99Ms: pct(99),
      };
    });
  }

  private check(q: RangeQuery): void {
    if (
      !(q.from instanceof Date) ||
      Number.isNaN(q.from.getTime()) ||
      !(q.to instanceof Date) ||
      Number.isNaN(q.to.getTime())
    ) {
      throw new ValidationError('from and to must be valid dates');
    }
    if (q.checkIds.length === 0) throw new ValidationError('checkIds: at least one check id');
    const bad = q.checkIds.find((id) => !UUID_PATTERN.test(id));
    if (bad !== undefined) throw new ValidationError(`checkIds: not a UUID: ${bad}`);
  }

  /**
   * SQL for the "units" of a range: one row per (check, rollup bucket) or (check, raw edge
   * segment), with its counts, latency aggregates and histogram, and [s, e) the part of the
   * range it covers.
   */
  private units(q: RangeQuery): { sql: string; params: unknown[]; approximate: boolean } {
    this.check(q);
    const now = this.clock();
    const to = q.to > now ? now : q.to;
    const { segments, approximate } = planSegments(q.from, to, now, this.retention);
    const params: unknown[] = [q.checkIds];
    const param = (value: Date): string => {
      params.push(value.toISOString());
      return `$${params.length}::timestamptz`;
    };
    const parts: string[] = [];
    for (const seg of segments) {
      const a = param(seg.from);
      const b = param(seg.to);
      if (seg.source === 'raw') {
        parts.push(`SELECT check_id, ${a} AS s, ${b} AS e,
            ${['up', 'degraded', 'down', 'not_tested', 'unknown', 'unreachable']
              .map((st) => `count(*) FILTER (WHERE status = '${st}')::int AS ${st}`)
              .join(', ')}, count(*)::int AS total,
            coalesce(sum(latency_ms::float8), 0) AS latency_sum, count(latency_ms)::int AS latency_count,
            min(latency_ms) AS latency_min, max(latency_ms) AS latency_max,
            ${histogramAggregateSql('latency_ms')} AS latency_hist
          FROM check_results WHERE check_id = ANY($1::uuid[]) AND at >= ${a} AND at < ${b}
          GROUP BY check_id`);
      } else {
        // Whole buckets; [s, e) is the part of the range the bucket covers (all of it, except
        // for a bucket standing in for an edge beyond a finer tier's retention).
        const table = seg.source === 'hourly' ? 'check_rollups_hourly' : 'check_rollups_daily';
        const size = seg.source === 'hourly' ? `interval '1 hour'` : `interval '1 day'`;
        parts.push(`SELECT check_id, greatest(bucket, ${param(q.from)}) AS s,
            least(bucket + ${size}, ${param(to)}) AS e,
            ${COUNT_COLUMNS.join(', ')}, latency_sum, latency_count, latency_min, latency_max, latency_hist
          FROM ${table} WHERE check_id = ANY($1::uuid[]) AND bucket >= ${a} AND bucket < ${b}`);
      }
    }
    if (parts.length === 0) {
      // Empty range: a units relation with no rows.
      parts.push(`SELECT NULL::uuid AS check_id, NULL::timestamptz AS s, NULL::timestamptz AS e,
          ${COUNT_COLUMNS.map((c) => `0 AS ${c}`).join(', ')}, 0::float8 AS latency_sum,
          0 AS latency_count, NULL::real AS latency_min, NULL::real AS latency_max,
          NULL::int[] AS latency_hist WHERE false`);
    }
    return { sql: parts.map((p) => `(${p})`).join(' UNION ALL '), params, approximate };
  }
}
