/**
 * The fixed latency histogram of the rollups. Bucket i (0-based) holds latencies in
 * [LOWER(i), LATENCY_BOUNDS_MS[i]) where LOWER(0) = 0 and LOWER(i) = LATENCY_BOUNDS_MS[i - 1];
 * the last bucket is [10000 ms, +inf). PostgreSQL's `width_bucket(latency, bounds)` gives the
 * same index, so SQL and TypeScript agree.
 *
 * Percentile error: an estimate is interpolated linearly inside the bucket that holds the
 * wanted rank, clamped to the exact min/max, so it lies in the same bucket as the true value:
 * |estimate - true| < the bucket's width (for example a true p95 of 300 ms is reported
 * somewhere in [200, 500) ms). The bounds follow a 1-2-5 series, so the error is at most a
 * factor 2.5 of the bucket's lower bound; in the last bucket the upper end is the exact max.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000,
];

/** Number of histogram buckets (the bounds plus the open-ended last one). */
export const HISTOGRAM_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The bounds as a SQL literal (`'{1,2,...}'::float8[]`). */
export const BOUNDS_SQL = `'{${LATENCY_BOUNDS_MS.join(',')}}'::float8[]`;

/** The 0-based histogram bucket of a latency in ms (as `width_bucket` computes it). */
export function bucketOf(latencyMs: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && latencyMs >= LATENCY_BOUNDS_MS[i]) i++;
  return i;
}

/** [lower, upper) of bucket i; upper is Infinity for the last one. */
export function bucketRange(i: number): [number, number] {
  const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
  const upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Infinity;
  return [lower, upper];
}

/**
 * SQL for a histogram aggregate over `column` (an `integer[]` of HISTOGRAM_BUCKETS counts). Use
 * in a grouped SELECT; NULL latencies are not counted.
 */
export function histogramAggregateSql(column: string): string {
  const wb = `width_bucket(${column}::float8, ${BOUNDS_SQL})`;
  const terms: string[] = [];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    terms.push(`count(*) FILTER (WHERE ${wb} = ${i})::int`);
  }
  return `ARRAY[${terms.join(', ')}]`;
}

/** SQL adding two histogram arrays element-wise (both of HISTOGRAM_BUCKETS elements). */
export function histogramAddSql(a: string, b: string): string {
  return `ARRAY(SELECT x + y FROM unnest(${a}, ${b}) WITH ORDINALITY AS h(x, y, i) ORDER BY i)`;
}

/** Element-wise sum of histograms (each of HISTOGRAM_BUCKETS counts). */
export function mergeHistograms(histograms: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const h of histograms) {
    if (h.length !== HISTOGRAM_BUCKETS) {
      throw new Error(`histogram has ${h.length} buckets, expected ${HISTOGRAM_BUCKETS}`);
    }
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) out[i] += h[i];
  }
  return out;
}

/**
 * The p-th percentile (0 < p <= 100, nearest rank) estimated from a histogram, interpolated
 * linearly inside the bucket holding the rank and clamped to [min, max] when known. Null for an
 * empty histogram.
 */
export function percentileFromHistogram(
  histogram: readonly number[],
  p: number,
  min: number | null = null,
  max: number | null = null,
): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = histogram.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let before = 0;
  for (let i = 0; i < histogram.length; i++) {
    const c = histogram[i];
    if (c === 0) continue;
    if (before + c >= rank) {
      let [lower, upper] = bucketRange(i);
      if (min !== null) lower = Math.max(lower, Math.min(min, upper));
      if (max !== null) upper = Math.min(upper, Math.max(max, lower));
      if (!Number.isFinite(upper)) upper = lower;
      // rank-th of c values spread evenly over [lower, upper]: 1st at lower, c-th at upper.
      const fraction = c === 1 ? 0.5 : (rank - before - 1) / (c - 1);
      return lower + (upper - lower) * fraction;
    }
    before += c;
  }
  return null;
}
