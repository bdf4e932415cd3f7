/** UTC calendar arithmetic for partition and bucket bounds (buckets are UTC hours, days, ...). */

export type Grain = 'hour' | 'day' | 'month' | 'year';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function floorTo(grain: Grain, t: Date): Date {
  const ms = t.getTime();
  switch (grain) {
    case 'hour':
      return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
    case 'day':
      return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
    case 'month':
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1));
    case 'year':
      return new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  }
}

export function ceilTo(grain: Grain, t: Date): Date {
  const f = floorTo(grain, t);
  return f.getTime() === t.getTime() ? f : addTo(grain, f, 1);
}

export function addTo(grain: Grain, t: Date, n: number): Date {
  switch (grain) {
    case 'hour':
      return new Date(t.getTime() + n * HOUR_MS);
    case 'day':
      return new Date(t.getTime() + n * DAY_MS);
    case 'month':
      return new Date(
        Date.UTC(
          t.getUTCFullYear(),
          t.getUTCMonth() + n,
          t.getUTCDate(),
          t.getUTCHours(),
          t.getUTCMinutes(),
          t.getUTCSeconds(),
          t.getUTCMilliseconds(),
        ),
      );
    case 'year':
      return addTo('month', t, 12 * n);
  }
}

/** `2025-12-01` → `20251201` (day), `202512` (month), `2025` (year). */
export function stamp(grain: Grain, t: Date): string {
  const iso = t.toISOString();
  const y = iso.slice(0, 4);
  const m = iso.slice(5, 7);
  const d = iso.slice(8, 10);
  const h = iso.slice(11, 13);
  switch (grain) {
    case 'year':
      return y;
    case 'month':
      return `${y}${m}`;
    case 'day':
      return `${y}${m}${d}`;
    case 'hour':
      return `${y}${m}${d}${h}`;
  }
}
