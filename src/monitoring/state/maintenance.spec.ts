import {
  activeWindows,
  isValidTimezone,
  offsetMinutesAt,
  validateMaintenanceWindow,
  type MaintenanceWindow,
  type ObjectRef,
  type RecurringSchedule,
} from './maintenance';

const at = (iso: string): Date => new Date(iso);

function recurring(
  schedule: Partial<RecurringSchedule>,
  target: MaintenanceWindow['target'] = { kind: 'object', objectType: 'device', objectId: 'r1' },
): MaintenanceWindow {
  return {
    id: 'w',
    name: 'weekly',
    target,
    schedule: {
      kind: 'recurring',
      daysOfWeek: [0],
      startTime: '01:00',
      durationMinutes: 120,
      timezone: 'Asia/Ho_Chi_Minh',
      ...schedule,
    },
  };
}

const DEVICE: ObjectRef[] = [
  { type: 'device', id: 'r1' },
  { type: 'unit', id: 'district-1' },
  { type: 'unit', id: 'province' },
];

const isActive = (w: MaintenanceWindow, iso: string, refs: ObjectRef[] = DEVICE): boolean =>
  activeWindows([w], refs, at(iso)).length === 1;

describe('time zones', () => {
  it('knows fixed offsets and IANA zones', () => {
    const t = Date.parse('2025-06-01T12:00:00Z');
    expect(offsetMinutesAt('Asia/Ho_Chi_Minh', t)).toBe(420);
    expect(offsetMinutesAt('+07:00', t)).toBe(420);
    expect(offsetMinutesAt('-0330', t)).toBe(-210);
    expect(offsetMinutesAt('UTC', t)).toBe(0);
    expect(offsetMinutesAt('Europe/Berlin', t)).toBe(120);
    expect(offsetMinutesAt('Europe/Berlin', Date.parse('2025-01-15T12:00:00Z'))).toBe(60);
  });

  it.each(['Asia/Ho_Chi_Minh', 'UTC', '+07:00', '-03:30', '+0545'])('accepts %s', (tz) => {
    expect(isValidTimezone(tz)).toBe(true);
  });

  it.each(['Mars/Olympus', '+25:00', '+07:60', '', '7'])('rejects %p', (tz) => {
    expect(isValidTimezone(tz)).toBe(false);
  });
});

describe('one-off windows', () => {
  const w: MaintenanceWindow = {
    id: 'once',
    name: 'core swap',
    target: { kind: 'object', objectType: 'device', objectId: 'r1' },
    schedule: {
      kind: 'one_off',
      startsAt: at('2025-06-01T10:00:00Z'),
      endsAt: at('2025-06-01T12:00:00Z'),
    },
  };

  it('covers start inclusive to end exclusive', () => {
    expect(isActive(w, '2025-06-01T09:59:59.999Z')).toBe(false);
    expect(isActive(w, '2025-06-01T10:00:00Z')).toBe(true);
    expect(isActive(w, '2025-06-01T11:59:59.999Z')).toBe(true);
    expect(isActive(w, '2025-06-01T12:00:00Z')).toBe(false);
  });

  it('applies to its object only', () => {
    expect(isActive(w, '2025-06-01T11:00:00Z', [{ type: 'device', id: 'r2' }])).toBe(false);
    expect(isActive(w, '2025-06-01T11:00:00Z', [{ type: 'circuit', id: 'r1' }])).toBe(false);
  });

  it('a unit-subtree window applies through any unit ref the caller resolved', () => {
    const subtree: MaintenanceWindow = {
      ...w,
      target: { kind: 'unit_subtree', unitId: 'province' },
    };
    expect(isActive(subtree, '2025-06-01T11:00:00Z')).toBe(true);
    expect(isActive(subtree, '2025-06-01T11:00:00Z', [{ type: 'unit', id: 'other' }])).toBe(false);
    // A device that happens to share the id is not the unit.
    expect(isActive(subtree, '2025-06-01T11:00:00Z', [{ type: 'device', id: 'province' }])).toBe(
      false,
    );
  });

  it('returns the occurrence and keeps the order given', () => {
    const other = { ...w, id: 'second', name: 'second' };
    const active = activeWindows([w, other], DEVICE, at('2025-06-01T10:30:00Z'));
    expect(active.map((a) => a.window.id)).toEqual(['once', 'second']);
    expect(active[0].startsAt).toEqual(at('2025-06-01T10:00:00Z'));
    expect(active[0].endsAt).toEqual(at('2025-06-01T12:00:00Z'));
  });
});

describe('recurring windows', () => {
  // Every Sunday 01:00–03:00 in Asia/Ho_Chi_Minh (UTC+7, no DST) = Saturday 18:00–20:00 UTC.
  const sunday = recurring({});

  it('every Sunday 01:00-03:00 Asia/Ho_Chi_Minh', () => {
    expect(isActive(sunday, '2025-06-07T17:59:59Z')).toBe(false);
    expect(isActive(sunday, '2025-06-07T18:00:00Z')).toBe(true);
    expect(isActive(sunday, '2025-06-07T19:59:59Z')).toBe(true);
    expect(isActive(sunday, '2025-06-07T20:00:00Z')).toBe(false);
    // One week later, and not on the Sunday UTC date at 01:00 UTC.
    expect(isActive(sunday, '2025-06-14T18:30:00Z')).toBe(true);
    expect(isActive(sunday, '2025-06-08T01:30:00Z')).toBe(false);
    const [a] = activeWindows([sunday], DEVICE, at('2025-06-07T19:00:00Z'));
    expect(a.startsAt).toEqual(at('2025-06-07T18:00:00Z'));
    expect(a.endsAt).toEqual(at('2025-06-07T20:00:00Z'));
  });

  it('a fixed offset gives the same windows as the zone', () => {
    const fixed = recurring({ timezone: '+07:00' });
    for (const iso of [
      '2025-06-07T17:59:00Z',
      '2025-06-07T18:00:00Z',
      '2025-06-07T19:59:00Z',
      '2025-06-07T20:00:00Z',
    ]) {
      expect(isActive(fixed, iso)).toBe(isActive(sunday, iso));
    }
  });

  it('crosses the week boundary (Saturday 23:00 + 3 h into Sunday)', () => {
    const w = recurring({ daysOfWeek: [6], startTime: '23:00', durationMinutes: 180 });
    expect(isActive(w, '2025-06-07T15:59:00Z')).toBe(false); // Sat 22:59 local
    expect(isActive(w, '2025-06-07T16:00:00Z')).toBe(true); // Sat 23:00 local
    expect(isActive(w, '2025-06-07T18:59:00Z')).toBe(true); // Sun 01:59 local
    expect(isActive(w, '2025-06-07T19:00:00Z')).toBe(false); // Sun 02:00 local
    expect(isActive(w, '2025-06-08T17:00:00Z')).toBe(false); // Mon 00:00 local
  });

  it('runs over several days (Friday 22:00 for 3 days)', () => {
    const w = recurring({ daysOfWeek: [5], startTime: '22:00', durationMinutes: 3 * 24 * 60 });
    // Friday 2025-06-06 22:00 +07:00 = 15:00Z; ends Monday 22:00 local = 2025-06-09T15:00Z.
    expect(isActive(w, '2025-06-06T14:59:00Z')).toBe(false);
    expect(isActive(w, '2025-06-06T15:00:00Z')).toBe(true);
    expect(isActive(w, '2025-06-08T23:00:00Z')).toBe(true);
    expect(isActive(w, '2025-06-09T14:59:00Z')).toBe(true);
    expect(isActive(w, '2025-06-09T15:00:00Z')).toBe(false);
  });

  it('in a negative offset the local day differs from the UTC day', () => {
    // Sunday 23:30 at -03:30 is Monday 03:00 UTC.
    const w = recurring({ startTime: '23:30', durationMinutes: 30, timezone: '-03:30' });
    expect(isActive(w, '2025-06-09T03:00:00Z')).toBe(true);
    expect(isActive(w, '2025-06-09T03:30:00Z')).toBe(false);
    expect(isActive(w, '2025-06-08T03:00:00Z')).toBe(false);
  });

  it('several days of the week', () => {
    const w = recurring({ daysOfWeek: [1, 3], startTime: '12:00', durationMinutes: 60 });
    expect(isActive(w, '2025-06-09T05:30:00Z')).toBe(true); // Monday 12:30 local
    expect(isActive(w, '2025-06-10T05:30:00Z')).toBe(false); // Tuesday
    expect(isActive(w, '2025-06-11T05:30:00Z')).toBe(true); // Wednesday
  });
});

describe('validation', () => {
  it('accepts a good window', () => {
    expect(validateMaintenanceWindow(recurring({}))).toEqual([]);
  });

  it('names every bad field', () => {
    const errors = validateMaintenanceWindow(
      recurring({
        daysOfWeek: [7, 7],
        startTime: '24:00',
        durationMinutes: 0,
        timezone: 'Nowhere/Land',
      }),
    );
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'daysOfWeek',
      'startTime',
      'durationMinutes',
      'timezone',
    ]);
  });

  it('rejects a one-off window that ends before it starts', () => {
    const w: MaintenanceWindow = {
      id: 'x',
      name: 'x',
      target: { kind: 'unit_subtree', unitId: 'u' },
      schedule: {
        kind: 'one_off',
        startsAt: at('2025-06-02T00:00Z'),
        endsAt: at('2025-06-01T00:00Z'),
      },
    };
    expect(validateMaintenanceWindow(w)).toEqual(['endsAt: must be after startsAt']);
  });
});
