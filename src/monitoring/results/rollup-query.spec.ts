import { planSegments } from './rollup-query';

const iso = (s: string): Date => new Date(s);

function plan(
  from: string,
  to: string,
  now = '2025-05-20T00:00:00Z',
  rawDays = 30,
  hourlyDays = 400,
) {
  const { segments, approximate } = planSegments(iso(from), iso(to), iso(now), {
    rawDays,
    hourlyDays,
    dailyYears: 5,
  });
  return {
    approximate,
    segments: segments.map((s) => `${s.source} ${s.from.toISOString()} ${s.to.toISOString()}`),
  };
}

describe('planSegments', () => {
  it('reads whole days from daily, whole hours from hourly, partial hours from raw', () => {
    expect(plan('2025-05-10T10:20:00Z', '2025-05-12T14:40:00Z')).toEqual({
      approximate: false,
      segments: [
        'raw 2025-05-10T10:20:00.000Z 2025-05-10T11:00:00.000Z',
        'hourly 2025-05-10T11:00:00.000Z 2025-05-11T00:00:00.000Z',
        'daily 2025-05-11T00:00:00.000Z 2025-05-12T00:00:00.000Z',
        'hourly 2025-05-12T00:00:00.000Z 2025-05-12T14:00:00.000Z',
        'raw 2025-05-12T14:00:00.000Z 2025-05-12T14:40:00.000Z',
      ],
    });
  });

  it('handles ranges inside one hour, across one hour boundary, and aligned ranges', () => {
    expect(plan('2025-05-10T10:10:00Z', '2025-05-10T10:40:00Z').segments).toEqual([
      'raw 2025-05-10T10:10:00.000Z 2025-05-10T10:40:00.000Z',
    ]);
    expect(plan('2025-05-10T10:50:00Z', '2025-05-10T11:10:00Z').segments).toEqual([
      'raw 2025-05-10T10:50:00.000Z 2025-05-10T11:00:00.000Z',
      'raw 2025-05-10T11:00:00.000Z 2025-05-10T11:10:00.000Z',
    ]);
    expect(plan('2025-05-10T00:00:00Z', '2025-05-12T00:00:00Z').segments).toEqual([
      'daily 2025-05-10T00:00:00.000Z 2025-05-12T00:00:00.000Z',
    ]);
    expect(plan('2025-05-10T03:00:00Z', '2025-05-10T05:00:00Z').segments).toEqual([
      'hourly 2025-05-10T03:00:00.000Z 2025-05-10T05:00:00.000Z',
    ]);
    expect(plan('2025-05-10T05:00:00Z', '2025-05-10T05:00:00Z').segments).toEqual([]);
  });

  it('falls back to whole coarser buckets beyond a tier retention', () => {
    // Raw kept 30 days (cutoff 20 Apr), hourly 400 days (cutoff 15 Apr 2024).
    expect(plan('2025-04-01T10:20:00Z', '2025-04-01T12:00:00Z')).toEqual({
      approximate: true,
      segments: [
        'hourly 2025-04-01T10:00:00.000Z 2025-04-01T11:00:00.000Z',
        'hourly 2025-04-01T11:00:00.000Z 2025-04-01T12:00:00.000Z',
      ],
    });
    expect(plan('2024-01-10T10:20:00Z', '2024-01-12T12:00:00Z')).toEqual({
      approximate: true,
      segments: [
        'daily 2024-01-10T00:00:00.000Z 2024-01-11T00:00:00.000Z',
        'daily 2024-01-11T00:00:00.000Z 2024-01-12T00:00:00.000Z',
        'daily 2024-01-12T00:00:00.000Z 2024-01-13T00:00:00.000Z',
      ],
    });
    // Raw edge falls back to a day that the next hours (within the hourly retention) share.
    expect(plan('2024-01-10T10:20:00Z', '2024-01-10T14:00:00Z', '2025-02-13T10:30:00Z')).toEqual({
      approximate: true,
      segments: ['daily 2024-01-10T00:00:00.000Z 2024-01-11T00:00:00.000Z'],
    });
  });
});
