import type { DataSource, EntityManager } from 'typeorm';
import type { StatusCounts } from '../../monitoring/results/rollup-query';
import { DAY_MS, Period } from './period';

/** What the report reads: a DataSource or an EntityManager (both have `query`). */
export type Queryable = Pick<DataSource | EntityManager, 'query'>;

/** Result counts of one check over a period, from the rollups. */
export interface CheckFigures extends StatusCounts {
  /** up + degraded + down + unreachable: the results that say something about the target. */
  judged: number;
  /** (up + degraded) / judged × 100; null when nothing was judged. */
  uptimePercent: number | null;
  /**
   * Σ over the period's buckets of bucket minutes × (down + unreachable) / judged (a bucket
   * without a judged result adds nothing). Summed in exact `numeric`, so it does not depend on
   * the order PostgreSQL adds the buckets in.
   */
  downtimeMinutes: number;
  /** Minutes of the period covered by buckets with at least one judged result. */
  observedMinutes: number;
}

export const NO_FIGURES: CheckFigures = {
  up: 0,
  degraded: 0,
  down: 0,
  notTested: 0,
  unknown: 0,
  unreachable: 0,
  total: 0,
  judged: 0,
  uptimePercent: null,
  downtimeMinutes: 0,
  observedMinutes: 0,
};

/**
 * Per-check figures over [from, to) from the rollups only: whole UTC days from
 * `check_rollups_daily`, the hours before the first and after the last whole day from
 * `check_rollups_hourly`. `from` and `to` must be whole hours (see period.ts), so no raw result
 * is ever needed. Checks without a bucket in the period are absent from the map.
 */
export async function readCheckFigures(
  db: Queryable,
  checkIds: readonly string[],
  p: Period,
): Promise<Map<string, CheckFigures>> {
  const out = new Map<string, CheckFigures>();
  if (checkIds.length === 0) return out;
  const from = p.from.getTime();
  const to = p.to.getTime();
  let dFrom = Math.ceil(from / DAY_MS) * DAY_MS;
  let dTo = Math.floor(to / DAY_MS) * DAY_MS;
  if (dFrom >= dTo) {
    // No whole UTC day: everything from the hourly rollups.
    dFrom = to;
    dTo = to;
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  const cols = 'check_id, up, degraded, down, not_tested, unknown, unreachable, total';
  const rows: {
    check_id: string;
    up: number;
    degraded: number;
    down: number;
    not_tested: number;
    unknown: number;
    unreachable: number;
    total: number;
    downtime: string;
    observed: string;
  }[] = await db.query(
    `WITH b AS (
       SELECT ${cols}, 1440::numeric AS minutes FROM check_rollups_daily
        WHERE check_id = ANY($1::uuid[]) AND bucket >= $2::timestamptz AND bucket < $3::timestamptz
       UNION ALL
       SELECT ${cols}, 60::numeric AS minutes FROM check_rollups_hourly
        WHERE check_id = ANY($1::uuid[])
          AND ((bucket >= $4::timestamptz AND bucket < $2::timestamptz)
            OR (bucket >= $3::timestamptz AND bucket < $5::timestamptz))
     ), j AS (SELECT b.*, (up + degraded + down + unreachable) AS judged FROM b)
     SELECT check_id::text AS check_id,
            sum(up)::int AS up, sum(degraded)::int AS degraded, sum(down)::int AS down,
            sum(not_tested)::int AS not_tested, sum(unknown)::int AS unknown,
            sum(unreachable)::int AS unreachable, sum(total)::int AS total,
            coalesce(sum(CASE WHEN judged > 0 THEN minutes * (down + unreachable) / judged END), 0)::text AS downtime,
            coalesce(sum(CASE WHEN judged > 0 THEN minutes ELSE 0 END), 0)::text AS observed
       FROM j GROUP BY check_id`,
    [checkIds, iso(dFrom), iso(dTo), iso(from), iso(to)],
  );
  for (const r of rows) {
    const judged = r.up + r.degraded + r.down + r.unreachable;
    out.set(r.check_id, {
      up: r.up,
      degraded: r.degraded,
      down: r.down,
      notTested: r.not_tested,
      unknown: r.unknown,
      unreachable: r.unreachable,
      total: r.total,
      judged,
      uptimePercent: judged === 0 ? null : ((r.up + r.degraded) / judged) * 100,
      downtimeMinutes: Number(r.downtime),
      observedMinutes: Number(r.observed),
    });
  }
  return out;
}

export interface LatestObservation {
  at: Date;
  status: string;
  observations: unknown;
}

/**
 * The latest raw result of each check within [from, to): one index probe per check
 * (`check_results_check_at_idx`), so O(checks), never a scan of the period's results. Only for
 * what the rollups cannot hold: the ipv6-* probes' "AAAA assigned" and the DNSSEC facts
 * (status, algorithms, warnings, expiry). Absent when the check has no raw result in the period
 * (none ran, or the period is older than the raw retention, 30 days by default).
 */
export async function readLatestObservations(
  db: Queryable,
  checkIds: readonly string[],
  p: Period,
): Promise<Map<string, LatestObservation>> {
  const out = new Map<string, LatestObservation>();
  if (checkIds.length === 0) return out;
  const rows: { check_id: string; at: Date; status: string; observations: unknown }[] =
    await db.query(
      `SELECT c.id::text AS check_id, r.at, r.status, r.observations
         FROM unnest($1::uuid[]) AS c(id)
         CROSS JOIN LATERAL (
           SELECT at, status, observations FROM check_results
            WHERE check_id = c.id AND at >= $2::timestamptz AND at < $3::timestamptz
            ORDER BY at DESC LIMIT 1) r`,
      [checkIds, p.from.toISOString(), p.to.toISOString()],
    );
  for (const r of rows)
    out.set(r.check_id, { at: new Date(r.at), status: r.status, observations: r.observations });
  return out;
}

/** up, degraded and judged results of a check in one period of a trend (see readTrendFigures). */
export interface TrendFigures {
  upOrDegraded: number;
  judged: number;
}

/**
 * Per check and per period k (0 … periods − 1) of `periods` consecutive periods of `lengthMs`
 * each, starting at `from`: the up-or-degraded and judged result counts, in ONE grouped query
 * over the whole range (never one query per period). The same tier rule as readCheckFigures,
 * per period: a UTC day lying wholly inside one period is read from `check_rollups_daily`; the
 * hours of a day that a period bound (or the range's ends) cuts from `check_rollups_hourly`.
 * Plain range predicates on `bucket` (the index), the period found by `width_bucket`. `from` and `lengthMs` must be whole hours. Result: check id → one
 * entry per period (zeros where nothing was judged).
 */
export async function readTrendFigures(
  db: Queryable,
  checkIds: readonly string[],
  from: Date,
  lengthMs: number,
  periods: number,
): Promise<Map<string, TrendFigures[]>> {
  const out = new Map<string, TrendFigures[]>();
  if (checkIds.length === 0 || periods <= 0) return out;
  const start = from.getTime();
  const end = start + periods * lengthMs;
  const bounds = Array.from({ length: periods + 1 }, (_, k) => start + k * lengthMs);
  // The UTC days a bound cuts (a bound at midnight cuts none): read hour by hour. Every other
  // day of the range lies wholly inside one period and is read from the daily rollups.
  const cut = [
    ...new Set(bounds.filter((b) => b % DAY_MS !== 0).map((b) => Math.floor(b / DAY_MS) * DAY_MS)),
  ];
  const iso = (ms: number) => new Date(ms).toISOString();
  // k = width_bucket(bucket, bounds 0 … n−1) − 1 (binary search over the bounds, no arithmetic).
  const rows: { check_id: string; k: number; ok: number; judged: number }[] = await db.query(
    `WITH b AS (
       SELECT check_id, bucket, up, degraded, down, unreachable FROM check_rollups_daily
        WHERE check_id = ANY($1::uuid[]) AND bucket >= $2::timestamptz AND bucket <= $3::timestamptz
          AND bucket <> ALL($5::timestamptz[])
       UNION ALL
       SELECT check_id, bucket, up, degraded, down, unreachable FROM check_rollups_hourly
        WHERE check_id = ANY($1::uuid[]) AND bucket >= $2::timestamptz AND bucket < $4::timestamptz
          AND date_trunc('day', bucket, 'UTC') = ANY($5::timestamptz[])
     )
     SELECT check_id::text AS check_id, width_bucket(bucket, $6::timestamptz[]) - 1 AS k,
            sum(up + degraded)::int AS ok, sum(up + degraded + down + unreachable)::int AS judged
       FROM b GROUP BY 1, 2`,
    [
      checkIds,
      iso(start),
      iso(end - DAY_MS),
      iso(end),
      cut.map(iso),
      bounds.slice(0, periods).map(iso),
    ],
  );
  for (const r of rows) {
    let list = out.get(r.check_id);
    if (!list) {
      list = Array.from({ length: periods }, () => ({ upOrDegraded: 0, judged: 0 }));
      out.set(r.check_id, list);
    }
    if (r.k >= 0 && r.k < periods) list[r.k] = { upOrDegraded: r.ok, judged: r.judged };
  }
  return out;
}
