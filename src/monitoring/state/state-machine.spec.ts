import type { ProbeStatus } from '../../../probes/probe';
import { activeWindows, type MaintenanceWindow } from './maintenance';
import {
  initialRecord,
  resolveSettings,
  step,
  type CheckStateRecord,
  type StateSettings,
  type StepContext,
  type TransitionEvent,
} from './state-machine';

const CHECK = '00000000-0000-4000-8000-000000000001';
const DEFAULTS = resolveSettings();
const T0 = Date.parse('2025-06-02T00:00:00Z');

/** A fake clock: one result a minute from T0. */
function clock(start = T0, everyMs = 60_000): () => Date {
  let n = 0;
  return () => new Date(start + everyMs * n++);
}

const CODES: Record<string, ProbeStatus> = {
  U: 'up',
  G: 'degraded',
  D: 'down',
  N: 'not_tested',
};

interface Run {
  record: CheckStateRecord;
  events: TransitionEvent[];
}

/** Feeds a sequence such as "UUDDD" (U up, G degraded, D down, N not_tested). */
function feed(
  sequence: string,
  from: CheckStateRecord = initialRecord(CHECK),
  options: {
    settings?: StateSettings;
    now?: () => Date;
    context?: (at: Date) => StepContext;
  } = {},
): Run {
  const now = options.now ?? clock((from.lastResultAt?.getTime() ?? T0 - 60_000) + 60_000);
  let record = from;
  const events: TransitionEvent[] = [];
  for (const ch of sequence) {
    const status = CODES[ch];
    if (!status) throw new Error(`bad code ${ch}`);
    const at = now();
    const out = step(
      record,
      { status, at, reasons: [{ code: `r_${status}`, message: status }] },
      options.settings ?? DEFAULTS,
      options.context?.(at) ?? {},
    );
    record = out.record;
    if (out.event) events.push(out.event);
  }
  return { record, events };
}

const transitions = (run: Run): string[] =>
  run.events.map((e) => `${e.from}->${e.to}${e.alert ? '!' : ''}`);

const up = (): CheckStateRecord => feed('UU').record;
const down = (): CheckStateRecord => feed('DDD', up()).record;

describe('settings', () => {
  it('defaults to 3 failures, 2 successes, degraded = failures', () => {
    expect(resolveSettings()).toEqual({
      failureThreshold: 3,
      successThreshold: 2,
      degradedThreshold: 3,
    });
    expect(resolveSettings({ failureThreshold: 5 }).degradedThreshold).toBe(5);
  });

  it.each([0, -1, 1.5, Number.NaN, 101])('rejects a threshold of %p', (v) => {
    expect(() => resolveSettings({ successThreshold: v })).toThrow(/successThreshold/);
  });
});

describe('thresholds', () => {
  it('starts unknown and goes up after 2 ups, without an alert', () => {
    const one = feed('U');
    expect(one.record.state).toBe('unknown');
    expect(one.events).toEqual([]);
    const two = feed('UU');
    expect(two.record.state).toBe('up');
    expect(transitions(two)).toEqual(['unknown->up']);
  });

  it('2 failures then up: nothing', () => {
    const run = feed('DDU', up());
    expect(run.events).toEqual([]);
    expect(run.record.state).toBe('up');
    expect(run.record.counters.down.count).toBe(0);
  });

  it('3 failures: down with an alert, since the first failure', () => {
    const start = up();
    const run = feed('DDD', start);
    expect(transitions(run)).toEqual(['up->down!']);
    const first = new Date(start.lastResultAt!.getTime() + 60_000);
    const third = new Date(first.getTime() + 120_000);
    expect(run.events[0]).toEqual({
      checkId: CHECK,
      from: 'up',
      to: 'down',
      at: third,
      reasons: [{ code: 'r_down', message: 'down' }],
      alert: true,
    });
    expect(run.record).toMatchObject({
      state: 'down',
      alerted: true,
      since: first,
      lastChangeAt: third,
      lastResultAt: third,
    });
  });

  it('recovers after 2 ups, announcing the recovery of an alerted problem', () => {
    const one = feed('U', down());
    expect(one.events).toEqual([]);
    expect(one.record.state).toBe('down');
    const run = feed('UU', down());
    expect(transitions(run)).toEqual(['down->up!']);
    expect(run.record.alerted).toBe(false);
  });

  it('goes down from unknown after 3 failures, with an alert', () => {
    expect(transitions(feed('DDD'))).toEqual(['unknown->down!']);
  });

  it('honours custom thresholds', () => {
    const settings = resolveSettings({ failureThreshold: 1, successThreshold: 1 });
    const run = feed('UDU', initialRecord(CHECK), { settings });
    expect(transitions(run)).toEqual(['unknown->up', 'up->down!', 'down->up!']);
  });
});

describe('flapping', () => {
  it('one lost packet neither opens nor closes anything', () => {
    expect(feed('DUUUDU', up()).events).toEqual([]);
    expect(feed('UDUDD', down()).events).toEqual([]);
  });

  it('a flap within the thresholds produces no transition', () => {
    const run = feed('DDUDDUDUDDUGGUGDU', up());
    expect(run.events).toEqual([]);
    expect(run.record.state).toBe('up');
  });

  it('an alternating recovery never closes the problem', () => {
    const run = feed('UDUDUDUD', down());
    expect(run.events).toEqual([]);
    expect(run.record.state).toBe('down');
  });

  it('a real outage inside a flap still goes down once', () => {
    const run = feed('DUDDDDDUDDD', up());
    expect(transitions(run)).toEqual(['up->down!']);
  });
});

describe('degraded versus down', () => {
  it('goes degraded after 3 degraded results, then down after 3 downs', () => {
    const run = feed('GGGDDD', up());
    expect(transitions(run)).toEqual(['up->degraded!', 'degraded->down!']);
  });

  it('mixed degraded and down results count toward degraded', () => {
    const run = feed('GDD', up());
    expect(transitions(run)).toEqual(['up->degraded!']);
    expect(run.record.counters.down.count).toBe(2);
    expect(transitions(feed('D', run.record))).toEqual(['degraded->down!']);
  });

  it('improves from down to degraded after 2 non-down results, then to up', () => {
    const run = feed('GUU', down());
    expect(transitions(run)).toEqual(['down->degraded!', 'degraded->up!']);
    expect(run.record.alerted).toBe(false);
  });

  it('a degradedThreshold of 1 reports degradation at once', () => {
    const settings = resolveSettings({ degradedThreshold: 1 });
    const run = feed('UUGU', initialRecord(CHECK), { settings });
    expect(transitions(run)).toEqual(['unknown->up', 'up->degraded!']);
  });
});

describe('not_tested', () => {
  it('never moves a check to down', () => {
    const run = feed('NNNNNNNNNN', up());
    expect(run.events.map((e) => e.to)).not.toContain('down');
    expect(feed('DDNNNNN', up()).record.state).not.toBe('down');
  });

  it('neither counts toward nor breaks a streak', () => {
    expect(transitions(feed('DDND', up()))).toEqual(['up->down!']);
    expect(transitions(feed('UNU', down()))).toEqual(['down->up!']);
    expect(feed('UNU', down()).record.counters.up.count).toBe(2);
  });

  it('leaves a problem state alone', () => {
    expect(feed('NNNNNN', down()).events).toEqual([]);
    const degraded = feed('GGG', up()).record;
    expect(feed('NNNNNN', degraded).record.state).toBe('degraded');
  });

  it('moves unknown and up checks to not_tested after 3, without an alert', () => {
    expect(transitions(feed('NNN'))).toEqual(['unknown->not_tested']);
    expect(transitions(feed('NNN', up()))).toEqual(['up->not_tested']);
    expect(transitions(feed('NNNUU'))).toEqual(['unknown->not_tested', 'not_tested->up']);
    expect(transitions(feed('NNNDDD'))).toEqual(['unknown->not_tested', 'not_tested->down!']);
  });
});

describe('out-of-order results', () => {
  it('ignores a result older than or as old as the newest one', () => {
    const record = down();
    const last = record.lastResultAt!;
    for (const at of [new Date(last.getTime() - 1), last]) {
      const out = step(record, { status: 'up', at, reasons: [] }, DEFAULTS);
      expect(out).toEqual({ record, event: null, ignored: 'out_of_order' });
    }
  });

  it('a late result cannot close a problem', () => {
    const record = down();
    const late = new Date(record.lastResultAt!.getTime() - 30_000);
    let r = record;
    for (let i = 0; i < 3; i += 1) {
      r = step(r, { status: 'up', at: late, reasons: [] }, DEFAULTS).record;
    }
    expect(r).toBe(record);
  });
});

describe('restart', () => {
  it('a reloaded record keeps its state and does not alert again', () => {
    const before = down();
    const reloaded = JSON.parse(JSON.stringify(before), (key, value: unknown) =>
      typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : value,
    ) as CheckStateRecord;
    expect(reloaded).toEqual(before);
    const run = feed('DDDDD', reloaded);
    expect(run.events).toEqual([]);
    expect(run.record.alerted).toBe(true);
    expect(transitions(feed('UU', reloaded))).toEqual(['down->up!']);
  });
});

describe('maintenance', () => {
  const windowRef = [{ id: 'w1', name: 'core upgrade' }];

  it('records transitions inside a window without alerting', () => {
    const run = feed('DDD', up(), { context: () => ({ maintenance: windowRef }) });
    expect(transitions(run)).toEqual(['up->down']);
    expect(run.events[0].suppressedBy).toBe('maintenance');
    expect(run.events[0].reasons[0]).toEqual({
      code: 'maintenance',
      message: 'in maintenance window "core upgrade"',
    });
    expect(run.record).toMatchObject({ state: 'down', alerted: false });
  });

  it('alerts once after the window when the problem is still there', () => {
    const inside = feed('DDD', up(), { context: () => ({ maintenance: windowRef }) }).record;
    const after = feed('DD', inside);
    expect(after.events).toHaveLength(1);
    expect(after.events[0]).toMatchObject({ from: 'down', to: 'down', alert: true });
    expect(after.events[0].reasons[0].code).toBe('alert_deferred');
    expect(after.record.alerted).toBe(true);
  });

  it('does not alert after the window when the check recovered inside it', () => {
    const run = feed('DDDUU', up(), { context: () => ({ maintenance: windowRef }) });
    expect(transitions(run)).toEqual(['up->down', 'down->up']);
    expect(run.events.every((e) => e.suppressedBy === 'maintenance')).toBe(true);
    expect(feed('UUU', run.record).events).toEqual([]);
  });

  it('a recurring window (Saturday 23:00 + 3 h, Asia/Ho_Chi_Minh) suppresses across the week boundary', () => {
    const windows: MaintenanceWindow[] = [
      {
        id: 'w2',
        name: 'weekly',
        target: { kind: 'unit_subtree', unitId: 'province' },
        schedule: {
          kind: 'recurring',
          daysOfWeek: [6],
          startTime: '23:00',
          durationMinutes: 180,
          timezone: 'Asia/Ho_Chi_Minh',
        },
      },
    ];
    const refs = [
      { type: 'device', id: 'router-1' },
      { type: 'unit', id: 'district' },
      { type: 'unit', id: 'province' },
    ];
    // Sunday 2025-06-08 00:30 +07:00 is Saturday 17:30Z: inside (the window began Saturday 23:00).
    const now = clock(Date.parse('2025-06-07T17:30:00Z'), 15 * 60_000);
    const context = (at: Date): StepContext => ({
      maintenance: activeWindows(windows, refs, at).map((a) => a.window),
    });
    const run = feed('UUDDD', initialRecord(CHECK), { now, context });
    expect(transitions(run)).toEqual(['unknown->up', 'up->down']);
    expect(run.events.map((e) => e.suppressedBy)).toEqual(['maintenance', 'maintenance']);
    // 18:45Z, 19:00Z, 19:15Z ... the window ends at Sunday 02:00 local = 19:00Z.
    const later = feed('DDD', run.record, {
      now: clock(Date.parse('2025-06-07T18:45:00Z'), 15 * 60_000),
      context,
    });
    expect(later.events).toHaveLength(1);
    expect(later.events[0]).toMatchObject({
      at: new Date('2025-06-07T19:00:00Z'),
      alert: true,
      from: 'down',
      to: 'down',
    });
  });
});

describe('dependency suppression in step', () => {
  const blockedBy = { parent: 'district', parentState: 'down' as const, root: 'district' };

  it('a check that would go down behind a down parent is unreachable, without alert', () => {
    const run = feed('DDD', up(), { context: () => ({ blockedBy }) });
    expect(transitions(run)).toEqual(['up->unreachable']);
    expect(run.events[0]).toMatchObject({ suppressedBy: 'dependency' });
    expect(run.events[0].reasons[0]).toEqual({
      code: 'dependency_down',
      message: 'parent check district is down',
    });
    expect(run.record.counters.down.count).toBe(3);
  });

  it('names the root cause when the parent is itself unreachable', () => {
    const b = { parent: 'district', parentState: 'unreachable' as const, root: 'core' };
    const run = feed('DDD', up(), { context: () => ({ blockedBy: b }) });
    expect(run.events[0].reasons[0].message).toBe(
      'parent check district is unreachable; check core is down',
    );
  });

  it('a check already down stays down when its parent goes down', () => {
    const run = feed('DDD', down(), { context: () => ({ blockedBy }) });
    expect(run.events).toEqual([]);
    expect(run.record.state).toBe('down');
  });

  it('after the parent recovers, fresh results decide: up without alert', () => {
    const behind = feed('DDD', up(), { context: () => ({ blockedBy }) }).record;
    const run = feed('UU', behind);
    expect(transitions(run)).toEqual(['unreachable->unknown', 'unknown->up']);
    expect(run.events[0].reasons[0].code).toBe('dependency_recovered');
  });

  it('after the parent recovers, a really down child needs 3 fresh failures', () => {
    const behind = feed('DDDDD', up(), { context: () => ({ blockedBy }) }).record;
    const two = feed('DD', behind);
    expect(transitions(two)).toEqual(['unreachable->unknown']);
    expect(transitions(feed('D', two.record))).toEqual(['unknown->down!']);
  });

  it('a child recovering while the parent is still down goes up', () => {
    const behind = feed('DDD', up(), { context: () => ({ blockedBy }) }).record;
    const run = feed('UU', behind, { context: () => ({ blockedBy }) });
    expect(transitions(run)).toEqual(['unreachable->up']);
  });
});
