import {
  bucketOf,
  bucketRange,
  HISTOGRAM_BUCKETS,
  LATENCY_BOUNDS_MS,
  mergeHistograms,
  percentileFromHistogram,
} from './histogram';

function histogramOf(values: number[]): number[] {
  const h = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const v of values) h[bucketOf(v)]++;
  return h;
}

describe('latency histogram', () => {
  it('has 14 buckets, lower bound inclusive like width_bucket', () => {
    expect(HISTOGRAM_BUCKETS).toBe(14);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.999)).toBe(0);
    expect(bucketOf(1)).toBe(1);
    expect(bucketOf(4.99)).toBe(2);
    expect(bucketOf(5)).toBe(3);
    expect(bucketOf(9999.9)).toBe(12);
    expect(bucketOf(10000)).toBe(13);
    expect(bucketOf(1e8)).toBe(13);
    expect(bucketRange(0)).toEqual([0, 1]);
    expect(bucketRange(3)).toEqual([5, 10]);
    expect(bucketRange(13)).toEqual([10000, Infinity]);
    for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
      const [lower, upper] = bucketRange(i);
      expect(bucketOf(lower)).toBe(i);
      expect(bucketOf(upper)).toBe(i + 1);
    }
  });

  it('merges element-wise and refuses a histogram of the wrong size', () => {
    const a = histogramOf([1, 3, 3, 700]);
    const b = histogramOf([3, 20000]);
    const m = mergeHistograms([a, b]);
    expect(m[1]).toBe(1);
    expect(m[2]).toBe(3);
    expect(m[9]).toBe(1);
    expect(m[13]).toBe(1);
    expect(m.reduce((s, c) => s + c, 0)).toBe(6);
    expect(() => mergeHistograms([[1, 2]])).toThrow(/14/);
  });

  it('estimates percentiles inside the bucket of the true value, clamped to min and max', () => {
    expect(percentileFromHistogram(histogramOf([]), 50)).toBeNull();
    // One value: the estimate is that value when min/max are known.
    expect(percentileFromHistogram(histogramOf([37]), 99, 37, 37)).toBe(37);
    // 100 values 1..100: p50 = 50 (bucket [50,100)), p95 = 95, p1 = 1 (bucket [1,2)).
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const h = histogramOf(values);
    for (const p of [1, 10, 50, 90, 95, 99, 100]) {
      const truth = values[Math.ceil((p / 100) * values.length) - 1];
      const e = percentileFromHistogram(h, p, 1, 100);
      const [lower, upper] = bucketRange(bucketOf(truth));
      expect(e).toBeGreaterThanOrEqual(lower);
      expect(e).toBeLessThanOrEqual(upper);
    }
    expect(percentileFromHistogram(h, 100, 1, 100)).toBe(100);
    // Last bucket: the upper end is the exact max.
    const slow = histogramOf([12000, 15000, 30000]);
    expect(percentileFromHistogram(slow, 100, 12000, 30000)).toBe(30000);
    expect(percentileFromHistogram(slow, 50, 12000, 30000)).toBe(21000);
    expect(() => percentileFromHistogram(h, 0)).toThrow(RangeError);
    expect(() => percentileFromHistogram(h, 101)).toThrow(RangeError);
  });
});
