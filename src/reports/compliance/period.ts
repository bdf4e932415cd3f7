/**
 * Report periods. Rollup buckets are whole UTC hours (and days), so a period must start and end
 * on a whole hour: the report reads only rollups and never has to interpolate. Vietnam
 * (Asia/Ho_Chi_Minh) is UTC+7 all year (no daylight saving time), so local calendar months are
 * whole UTC hours.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Asia/Ho_Chi_Minh: UTC+7, no DST since 1975. */
export const VIETNAM_OFFSET_MS = 7 * HOUR_MS;
/** Longest period accepted (a leap year and then some: a yearly report fits). */
export const MAX_PERIOD_DAYS = 400;

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The last complete calendar month in Asia/Ho_Chi_Minh before `now`. */
export function lastLocalMonth(now: Date): Period {
  const local = new Date(now.getTime() + VIETNAM_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  return {
    from: new Date(Date.UTC(y, m - 1, 1) - VIETNAM_OFFSET_MS),
    to: new Date(Date.UTC(y, m, 1) - VIETNAM_OFFSET_MS),
  };
}

/** The period of equal length just before `p`. */
export function previousPeriod(p: Period): Period {
  const len = p.to.getTime() - p.from.getTime();
  return { from: new Date(p.from.getTime() - len), to: new Date(p.from) };
}

/** Problems with a period, each naming `from` or `to` (empty: fine). */
export function periodProblems(p: Period): { field: 'from' | 'to'; message: string }[] {
  const out: { field: 'from' | 'to'; message: string }[] = [];
  for (const field of ['from', 'to'] as const) {
    const t = p[field].getTime();
    if (Number.isNaN(t)) out.push({ field, message: `${field} must be an ISO 8601 time` });
    else if (t % HOUR_MS !== 0)
      out.push({ field, message: `${field} must be a whole hour (rollups are hourly)` });
  }
  if (out.length) return out;
  if (p.from >= p.to) out.push({ field: 'from', message: 'from must be before to' });
  else if (p.to.getTime() - p.from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    out.push({ field: 'to', message: `the period must be at most ${MAX_PERIOD_DAYS} days` });
  return out;
}
