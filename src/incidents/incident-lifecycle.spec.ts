import { ValidationError } from '../common/errors';
import {
  assertTransition,
  canTransition,
  INCIDENT_STATUSES,
  IncidentStatus,
  isActive,
  timestampsFor,
} from './incident-lifecycle';

/** The lifecycle written out independently of TRANSITIONS: every allowed pair, nothing else. */
const ALLOWED = new Set([
  'open>acknowledged',
  'open>investigating',
  'open>mitigated',
  'open>resolved',
  'acknowledged>investigating',
  'acknowledged>mitigated',
  'acknowledged>resolved',
  'investigating>mitigated',
  'investigating>resolved',
  'mitigated>investigating',
  'mitigated>resolved',
  'resolved>closed',
  'resolved>open',
]);

const PAIRS: [IncidentStatus, IncidentStatus][] = INCIDENT_STATUSES.flatMap((from) =>
  INCIDENT_STATUSES.map((to): [IncidentStatus, IncidentStatus] => [from, to]),
);

describe('incident lifecycle table', () => {
  it.each(PAIRS)('%s → %s', (from, to) => {
    const allowed = ALLOWED.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      let thrown: unknown;
      try {
        assertTransition(from, to);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).details).toEqual([
        { field: 'status', message: expect.stringContaining(to) as string },
      ]);
    }
  });

  it('says closed is final and lists what is allowed otherwise', () => {
    expect(() => assertTransition('closed', 'open')).toThrow(ValidationError);
    try {
      assertTransition('closed', 'open');
    } catch (err) {
      expect((err as ValidationError).details[0].message).toBe(
        'status cannot change from closed to open (closed is final)',
      );
    }
    try {
      assertTransition('investigating', 'acknowledged');
    } catch (err) {
      expect((err as ValidationError).details[0].message).toBe(
        'status cannot change from investigating to acknowledged (allowed: mitigated, resolved)',
      );
    }
    expect.assertions(3);
  });

  it('active means not resolved and not closed', () => {
    expect(INCIDENT_STATUSES.filter(isActive)).toEqual([
      'open',
      'acknowledged',
      'investigating',
      'mitigated',
    ]);
  });
});

describe('timestampsFor', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const earlier = new Date('2025-12-31T00:00:00Z');

  it('sets acknowledged_at once, when a person takes the incident', () => {
    expect(timestampsFor('acknowledged', at, { acknowledged_at: null })).toEqual({
      acknowledged_at: at,
    });
    expect(timestampsFor('investigating', at, { acknowledged_at: null })).toEqual({
      acknowledged_at: at,
    });
    expect(timestampsFor('investigating', at, { acknowledged_at: earlier })).toEqual({});
  });

  it('resolving alone does not acknowledge', () => {
    expect(timestampsFor('resolved', at, { acknowledged_at: null })).toEqual({ resolved_at: at });
  });

  it('closing sets closed_at; re-opening clears resolution', () => {
    expect(timestampsFor('closed', at, { acknowledged_at: earlier })).toEqual({ closed_at: at });
    expect(timestampsFor('open', at, { acknowledged_at: earlier })).toEqual({
      resolved_at: null,
      closed_at: null,
    });
  });
});
