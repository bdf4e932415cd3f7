import type { ProbeStatus } from '../../../probes/probe';
import type { ParentsOf } from './dependencies';
import { evaluateRound, type RoundOutput } from './round';
import { resolveSettings, type CheckStateRecord, type ProbeResult } from './state-machine';

const SETTINGS = resolveSettings();
const PARENTS: Record<string, string[]> = { commune: ['district'], district: ['core'] };
const parentsOf: ParentsOf = (id) => PARENTS[id] ?? [];

/** Drives rounds with a fake clock (one round a minute) and keeps the records between them. */
class Monitor {
  records = new Map<string, CheckStateRecord>();
  private minute = 0;

  round(statuses: Record<string, ProbeStatus>, maintenance: string[] = []): RoundOutput {
    const at = new Date(Date.UTC(2025, 5, 2, 0, this.minute++));
    const results = new Map<string, ProbeResult>(
      Object.entries(statuses).map(([id, status]) => [id, { status, at, reasons: [] }]),
    );
    const out = evaluateRound({
      records: this.records,
      results,
      settings: SETTINGS,
      parentsOf,
      maintenanceOf: (id) => (maintenance.includes(id) ? [{ id: 'w', name: 'works' }] : []),
    });
    for (const [id, r] of out.records) this.records.set(id, r);
    return out;
  }

  rounds(n: number, statuses: Record<string, ProbeStatus>): RoundOutput[] {
    return Array.from({ length: n }, () => this.round(statuses));
  }

  state(id: string): string | undefined {
    return this.records.get(id)?.state;
  }
}

const ALL = (status: ProbeStatus): Record<string, ProbeStatus> => ({
  core: status,
  district: status,
  commune: status,
});

const summary = (outs: RoundOutput[]): string[] =>
  outs.flatMap((o) =>
    o.events.map(
      (e) =>
        `${e.checkId}:${e.from}->${e.to}${e.alert ? '!' : ''}${e.suppressedBy ? `(${e.suppressedBy})` : ''}`,
    ),
  );

describe('evaluateRound', () => {
  it('a core outage seen everywhere at once alerts for the core only', () => {
    const m = new Monitor();
    expect(summary(m.rounds(2, ALL('up')))).toEqual([
      'commune:unknown->up',
      'core:unknown->up',
      'district:unknown->up',
    ]);
    const down = m.rounds(3, ALL('down'));
    // The parent's event comes first, so its incident exists before children are listed on it.
    expect(summary(down)).toEqual([
      'core:up->down!',
      'commune:up->unreachable(dependency)',
      'district:up->unreachable(dependency)',
    ]);
    expect(down.flatMap((o) => o.events).map((e) => e.blockedBy)).toEqual([
      undefined,
      { parent: 'district', root: 'core' },
      { parent: 'core', root: 'core' },
    ]);
    const communeEvent = m.records.get('commune');
    expect(communeEvent?.state).toBe('unreachable');
    expect(communeEvent?.alerted).toBe(false);
    // Still down: nothing more, and no deferred alert behind the parent.
    expect(summary(m.rounds(5, ALL('down')))).toEqual([]);
  });

  it('names the parent and the root in the reason', () => {
    const m = new Monitor();
    m.rounds(2, ALL('up'));
    const outs = m.rounds(3, ALL('down'));
    const commune = outs[2].events.find((e) => e.checkId === 'commune');
    expect(commune?.reasons[0]).toEqual({
      code: 'dependency_down',
      message: 'parent check district is unreachable; check core is down',
    });
  });

  it('when the parent recovers, the children decide again from their own results', () => {
    const m = new Monitor();
    m.rounds(2, ALL('up'));
    m.rounds(3, ALL('down'));
    // The first up round: the core is not recovered yet, so nothing changes. The second: the
    // core recovers and the children, which answered in both rounds, are up at once.
    expect(summary(m.rounds(2, ALL('up')))).toEqual([
      'commune:unreachable->up',
      'core:down->up!',
      'district:unreachable->up',
    ]);
  });

  it('a child still down after the parent recovered alerts after fresh failures', () => {
    const m = new Monitor();
    m.rounds(2, ALL('up'));
    m.rounds(3, ALL('down'));
    const outs = m.rounds(4, { core: 'up', district: 'up', commune: 'down' });
    expect(summary(outs)).toEqual([
      'commune:unreachable->unknown',
      'core:down->up!',
      'district:unreachable->up',
      'commune:unknown->down!',
    ]);
    // The failures behind the outage were dropped: three fresh ones (rounds 2 to 4) decided.
    expect(outs[3].events.map((e) => e.checkId)).toEqual(['commune']);
  });

  it('a child behind a district line that fails alone is blocked by the district', () => {
    const m = new Monitor();
    m.rounds(2, ALL('up'));
    const outs = m.rounds(3, { core: 'up', district: 'down', commune: 'down' });
    expect(summary(outs)).toEqual(['district:up->down!', 'commune:up->unreachable(dependency)']);
  });

  it('maintenance on the parent suppresses its alert; the child is still unreachable', () => {
    const m = new Monitor();
    m.rounds(2, ALL('up'));
    m.round(ALL('down'), ['core']);
    m.round(ALL('down'), ['core']);
    const out = m.round(ALL('down'), ['core']);
    expect(summary([out])).toEqual([
      'core:up->down(maintenance)',
      'commune:up->unreachable(dependency)',
      'district:up->unreachable(dependency)',
    ]);
  });

  it('ignores a result older than the newest and reports it', () => {
    const m = new Monitor();
    m.rounds(2, ALL('up'));
    const stale = new Map<string, ProbeResult>([
      ['core', { status: 'down', at: new Date(Date.UTC(2025, 0, 1)), reasons: [] }],
    ]);
    const out = evaluateRound({
      records: m.records,
      results: stale,
      settings: SETTINGS,
      parentsOf,
    });
    expect(out.ignored).toEqual(['core']);
    expect(out.records.size).toBe(0);
  });

  it('reports dependency cycles', () => {
    const out = evaluateRound({
      records: new Map(),
      results: new Map([['a', { status: 'up', at: new Date(0), reasons: [] }]]),
      settings: SETTINGS,
      parentsOf: (id) => (id === 'a' ? ['b'] : ['a']),
    });
    expect(out.cycles).toEqual([['a', 'b']]);
  });
});
