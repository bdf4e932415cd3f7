import type { ProbeStatus } from '../../probes/probe';
import { UUID_PATTERN } from '../monitoring/results/types';
import { combineOutcomes, combineStatus, type LocationOutcome, missingOutcome } from './combine';
import { probeJobId, runKey, slotRunId } from './identity';
import { planOf } from './queue-executor';

const outcome = (
  location: string,
  status: ProbeStatus,
  latencyMs: number | null = null,
): LocationOutcome => ({
  location,
  status,
  family: 4,
  latencyMs,
  durationMs: latencyMs,
  reasons: status === 'up' ? [] : [{ code: 'tcp_refused', message: 'connection refused' }],
  observations: { seenFrom: location },
  worker: `w-${location}`,
});

describe('k-of-n combination', () => {
  it.each<[string, LocationOutcome['status'][], number, ProbeStatus]>([
    ['one location passes its status through', ['down'], 1, 'down'],
    ['one location, up', ['up'], 1, 'up'],
    ['one location, not tested', ['not_tested'], 1, 'not_tested'],
    ['one location, missing: no verdict, never down', ['missing'], 1, 'not_tested'],
    ['2 of 2 down with quorum 2', ['down', 'down'], 2, 'down'],
    ['1 of 2 down with quorum 2: degraded', ['down', 'up'], 2, 'degraded'],
    ['1 of 2 down with quorum 1: down', ['up', 'down'], 1, 'down'],
    [
      'down + missing with quorum 2: a missing answer is not a vote for down',
      ['down', 'missing'],
      2,
      'degraded',
    ],
    ['down + not_tested with quorum 2', ['down', 'not_tested'], 2, 'degraded'],
    ['2 of 3 down with quorum 2', ['down', 'up', 'down'], 2, 'down'],
    ['degraded anywhere, nothing down', ['up', 'degraded', 'up'], 2, 'degraded'],
    ['up and missing', ['missing', 'up'], 1, 'up'],
    ['nothing answered', ['missing', 'missing'], 1, 'not_tested'],
  ])('%s', (_name, statuses, quorum, expected) => {
    expect(combineStatus(statuses, quorum)).toBe(expected);
  });

  it('stores one result per slot: at is the slot, the run id derives from check and slot', () => {
    const slot = new Date('2026-11-28T10:00:00.000Z');
    const a = combineOutcomes('c1', slot, [outcome('a', 'up', 4), outcome('b', 'down', null)], 2);
    const b = combineOutcomes('c1', slot, [outcome('a', 'up', 9), missingOutcome('b')], 2);
    expect(a.at).toEqual(slot);
    expect(a.runId).toBe(b.runId);
    expect(a.status).toBe('degraded');
    expect(a.observations).toMatchObject({
      seenFrom: 'b', // degraded short of the quorum: the failing location's observations
      quorum: { needed: 2, down: 1, of: 2 },
      locations: [
        { location: 'a', status: 'up', latencyMs: 4, worker: 'w-a' },
        { location: 'b', status: 'down', latencyMs: null, worker: 'w-b' },
      ],
    });
    expect(b.observations).toMatchObject({
      locations: [{ status: 'up' }, { status: 'unknown', worker: null }],
    });
    expect(a.reasons?.[0]).toEqual({
      code: 'quorum',
      message: 'down at 1 of 2 locations (b); 2 needed for down',
    });
    expect(a.reasons).toContainEqual({ code: 'tcp_refused', message: '[b] connection refused' });
    expect(b.reasons).toContainEqual(expect.objectContaining({ code: 'location_no_result' }));
  });

  it('takes the median latency and the longest probe run', () => {
    const r = combineOutcomes(
      'c',
      new Date(0),
      [outcome('a', 'up', 2), outcome('b', 'up', 10), outcome('c', 'up', 4)],
      1,
    );
    expect(r.latencyMs).toBe(4);
    expect(r.durationMs).toBe(10);
    expect(r.status).toBe('up');
  });

  it('with one location keeps its reasons and observations as they are', () => {
    const r = combineOutcomes('c', new Date(0), [outcome('a', 'down')], 1);
    expect(r.reasons).toEqual([{ code: 'tcp_refused', message: 'connection refused' }]);
    expect(r.observations).toMatchObject({ seenFrom: 'a' });
  });
});

describe('idempotency keys', () => {
  const slot = new Date('2026-11-28T10:00:00.123Z');

  it('derives the same UUID for the same check and slot, another for another slot or check', () => {
    const id = slotRunId('check-1', slot);
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('8'); // version 8
    expect('89ab').toContain(id[19]); // RFC 9562 variant
    expect(slotRunId('check-1', new Date(slot.getTime()))).toBe(id);
    expect(slotRunId('check-1', new Date(slot.getTime() + 1))).not.toBe(id);
    expect(slotRunId('check-2', slot)).not.toBe(id);
  });

  it('names one job per check, slot and location, without the colon BullMQ refuses', () => {
    const id = probeJobId('0b6f6c1e-8f7e-4b43-9a55-1f1e2d3c4b5a', slot, 'hanoi');
    expect(id).toBe(`0b6f6c1e-8f7e-4b43-9a55-1f1e2d3c4b5a_${slot.getTime()}_hanoi`);
    expect(id).not.toContain(':');
    expect(probeJobId('x', slot, 'hcm')).not.toBe(probeJobId('x', slot, 'hanoi'));
    expect(runKey('x', slot.getTime())).toBe(`x_${slot.getTime()}`);
  });
});

describe('run plan (settings.locations, settings.downQuorum)', () => {
  it('defaults to the configured locations and quorum 1', () => {
    expect(planOf({}, ['default'])).toEqual({ locations: ['default'], quorum: 1 });
    expect(planOf(null, ['a', 'b'])).toEqual({ locations: ['a', 'b'], quorum: 1 });
  });

  it('takes the check settings, dropping repeated locations', () => {
    expect(planOf({ locations: ['a', 'b', 'a'], downQuorum: 2 }, ['default'])).toEqual({
      locations: ['a', 'b'],
      quorum: 2,
    });
  });

  it.each([
    [{ locations: [] }, /locations/],
    [{ locations: ['Bad Name'] }, /locations/],
    [{ locations: 'a' }, /locations/],
    [{ locations: ['a', 'b'], downQuorum: 3 }, /downQuorum must be an integer from 1 to 2/],
    [{ downQuorum: 0 }, /downQuorum/],
    [{ downQuorum: 1.5 }, /downQuorum/],
  ])('refuses %j naming the setting', (settings, message) => {
    const plan = planOf(settings, ['default']);
    expect('problem' in plan && plan.problem).toMatch(message);
  });
});
