import { ValidationError } from '../../src/common/errors';
import { runWithActor } from '../../src/common/request-context';
import { IncidentDetail } from '../../src/incidents/incidents.service';
import {
  IncidentsTestApp,
  insertDevice,
  insertService,
  insertUnit,
  startIncidentsApp,
  tag,
} from './support';

let t: IncidentsTestApp;

beforeAll(async () => {
  t = await startIncidentsApp();
});

afterAll(async () => {
  await t?.close();
});

const asPerson = <T>(actor: string, fn: () => Promise<T>): Promise<T> =>
  runWithActor({ actor, requestId: null, source: 'api' }, fn);

describe('manual incident lifecycle', () => {
  let incident: IncidentDetail;

  beforeAll(async () => {
    t.clock.set('2026-03-02T08:00:00Z');
    incident = await asPerson('api:alice', () =>
      t.service.create({
        title: 'Portal unreachable from districts',
        severity: 2,
        category: 'outage',
      }),
    );
    t.clock.set('2026-03-02T08:12:00Z');
    await asPerson('api:bob', () => t.service.changeStatus(incident.id, 'acknowledged'));
    t.clock.set('2026-03-02T08:20:00Z');
    await asPerson('api:bob', () => t.service.addNote(incident.id, 'upstream router reloaded'));
    t.clock.set('2026-03-02T09:30:00Z');
    await asPerson('api:bob', () =>
      t.service.changeStatus(incident.id, 'resolved', { note: 'router fixed' }),
    );
    incident = await t.service.get(incident.id);
  });

  it('records the timestamps of each change', () => {
    expect(incident.status).toBe('resolved');
    expect(incident.origin).toBe('manual');
    expect(incident.openedAt.toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(incident.acknowledgedAt?.toISOString()).toBe('2026-03-02T08:12:00.000Z');
    expect(incident.resolvedAt?.toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(incident.closedAt).toBeNull();
    expect(incident.updatedAt.toISOString()).toBe('2026-03-02T09:30:00.000Z');
  });

  it('sets the report deadline 5 days after opening', () => {
    expect(incident.reportDueAt.toISOString()).toBe('2026-03-07T08:00:00.000Z');
  });

  it('gives each incident a human number', () => {
    expect(Number.isInteger(incident.number)).toBe(true);
    expect(incident.number).toBeGreaterThan(0);
  });

  it('keeps the timeline in order with who and when', () => {
    expect(
      incident.timeline.map((e) => [e.kind, e.actor, new Date(e.at).toISOString(), e.body]),
    ).toEqual([
      ['status_change', 'api:alice', '2026-03-02T08:00:00.000Z', { from: null, to: 'open' }],
      [
        'status_change',
        'api:bob',
        '2026-03-02T08:12:00.000Z',
        { from: 'open', to: 'acknowledged' },
      ],
      ['note', 'api:bob', '2026-03-02T08:20:00.000Z', { text: 'upstream router reloaded' }],
      [
        'status_change',
        'api:bob',
        '2026-03-02T09:30:00.000Z',
        { from: 'acknowledged', to: 'resolved', note: 'router fixed' },
      ],
    ]);
  });

  it('refuses an illegal change naming status, and changes nothing', async () => {
    const err: unknown = await t.service.changeStatus(incident.id, 'investigating').catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details.map((d) => d.field)).toEqual(['status']);
    const after = await t.service.get(incident.id);
    expect(after.status).toBe('resolved');
    expect(after.timeline).toHaveLength(4);
  });

  it('closes, and closed is final', async () => {
    t.clock.set('2026-03-03T10:00:00Z');
    const closed = await t.service.changeStatus(incident.id, 'closed');
    expect(closed.closedAt?.toISOString()).toBe('2026-03-03T10:00:00.000Z');
    await expect(t.service.changeStatus(incident.id, 'open')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('records assignment and field edits with before and after', async () => {
    const other = await t.service.create({ title: 'x', severity: 4, category: 'other' });
    await asPerson('api:carol', () => t.service.assign(other.id, 'noc-team'));
    await t.service.updateFields(other.id, { severity: 3, rootCause: 'expired cert' });
    const got = await t.service.get(other.id);
    expect(got.assignee).toBe('noc-team');
    expect(got.severity).toBe(3);
    expect(got.rootCause).toBe('expired cert');
    expect(got.timeline.slice(1).map((e) => [e.kind, e.body])).toEqual([
      ['edit', { changes: { assignee: { from: null, to: 'noc-team' } } }],
      [
        'edit',
        {
          changes: {
            severity: { from: 4, to: 3 },
            rootCause: { from: null, to: 'expired cert' },
          },
        },
      ],
    ]);
  });
});

describe('incident timeline is append-only', () => {
  it('cannot be updated, deleted or truncated, even by hand', async () => {
    const inc = await t.service.create({ title: 'append-only', severity: 4, category: 'other' });
    await expect(
      t.dataSource.query(`UPDATE incident_timeline SET actor = 'mallory' WHERE incident_id = $1`, [
        inc.id,
      ]),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.dataSource.query(`DELETE FROM incident_timeline WHERE incident_id = $1`, [inc.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE incident_timeline CASCADE`)).rejects.toThrow(
      /append-only/,
    );
    expect((await t.service.get(inc.id)).timeline).toHaveLength(1);
  });
});

describe('list filters', () => {
  const ids: Record<string, string> = {};
  let province: string;
  let district: string;
  let commune: string;
  let other: string;
  let serviceId: string;

  beforeAll(async () => {
    province = await insertUnit(t.dataSource, tag('P'));
    district = await insertUnit(t.dataSource, tag('D'), province);
    commune = await insertUnit(t.dataSource, tag('C'), district);
    other = await insertUnit(t.dataSource, tag('O'));
    serviceId = await insertService(t.dataSource, commune, `${tag('www')}.example.test`, 'high');
    const deviceId = await insertDevice(t.dataSource, other, tag('sw'), 'switch');
    const make = async (
      name: string,
      at: string,
      input: Parameters<typeof t.service.create>[0],
    ) => {
      t.clock.set(at);
      ids[name] = (await t.service.create({ ...input, title: name })).id;
    };
    await make('province-1', '2026-04-01T00:00:00Z', {
      title: '',
      severity: 1,
      category: 'outage',
      unitId: province,
    });
    await make('commune-3', '2026-04-10T00:00:00Z', {
      title: '',
      severity: 3,
      category: 'dnssec_failure',
      unitId: commune,
      links: [{ objectType: 'service', objectId: serviceId }],
    });
    await make('other-2', '2026-04-20T00:00:00Z', {
      title: '',
      severity: 2,
      category: 'outage',
      unitId: other,
      links: [{ objectType: 'device', objectId: deviceId }],
    });
    await t.service.changeStatus(ids['other-2'], 'acknowledged');
  });

  const titles = async (filters: Parameters<typeof t.service.list>[0]) =>
    (await t.service.list({ openedFrom: new Date('2026-04-01T00:00:00Z'), ...filters })).items
      .filter((i) => Object.keys(ids).includes(i.title))
      .map((i) => i.title);

  it('by unit subtree (the unit and every unit below it)', async () => {
    expect(await titles({ unitId: province })).toEqual(['commune-3', 'province-1']);
    expect(await titles({ unitId: district })).toEqual(['commune-3']);
    expect(await titles({ unitId: other })).toEqual(['other-2']);
  });

  it('by severity, status and category', async () => {
    expect(await titles({ severity: [1, 2] })).toEqual(['other-2', 'province-1']);
    expect(await titles({ status: ['acknowledged'] })).toEqual(['other-2']);
    expect(await titles({ category: ['dnssec_failure'] })).toEqual(['commune-3']);
  });

  it('by period opened ([from, to))', async () => {
    expect(
      await titles({
        openedFrom: new Date('2026-04-10T00:00:00Z'),
        openedTo: new Date('2026-04-20T00:00:00Z'),
      }),
    ).toEqual(['commune-3']);
  });

  it('by linked object', async () => {
    expect(await titles({ objectType: 'service', objectId: serviceId })).toEqual(['commune-3']);
    expect(await titles({ objectType: 'device' })).toEqual(['other-2']);
  });

  it('paginates with a total', async () => {
    const page = await t.service.list({ unitId: province, limit: 1, offset: 1 });
    expect(page.total).toBe(2);
    expect(page.items.map((i) => i.title)).toEqual(['province-1']);
  });

  it('linking records a timeline entry once, and refuses unknown objects naming the field', async () => {
    expect(
      await t.service.link(ids['province-1'], { objectType: 'unit', objectId: district }),
    ).toBe(true);
    expect(
      await t.service.link(ids['province-1'], { objectType: 'unit', objectId: district }),
    ).toBe(false);
    const err: unknown = await t.service
      .link(ids['province-1'], { objectType: 'site', objectId: province })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details[0].field).toBe('objectId');
    const got = await t.service.get(ids['province-1']);
    expect(got.links).toEqual([{ objectType: 'unit', objectId: district }]);
    expect(got.timeline.filter((e) => e.kind === 'link')).toHaveLength(1);
  });
});

describe('metrics', () => {
  let unit: string;

  beforeAll(async () => {
    unit = await insertUnit(t.dataSource, tag('M'));
    // Hand-computed fixture (seconds from opening):
    //   A: ack 600,  resolved 3600
    //   B: ack 1200, resolved 7200
    //   C: ack 300,  not resolved
    //   D: not acknowledged, resolved 1800 (auto-resolved)
    // MTTA: [600, 1200, 300] → mean 700, median 600
    // MTTR: [3600, 7200, 1800] → mean 4200, median 3600
    const flow = async (
      opened: string,
      steps: [string, 'acknowledged' | 'resolved' | 'investigating'][],
      severity: 1 | 2 | 3 | 4,
      category: 'outage' | 'dnssec_failure',
    ) => {
      t.clock.set(opened);
      const inc = await t.service.create({ title: 'm', severity, category, unitId: unit });
      for (const [at, status] of steps) {
        t.clock.set(at);
        await t.service.changeStatus(inc.id, status);
      }
    };
    await flow(
      '2026-05-01T00:00:00Z',
      [
        ['2026-05-01T00:10:00Z', 'acknowledged'],
        ['2026-05-01T01:00:00Z', 'resolved'],
      ],
      1,
      'outage',
    );
    await flow(
      '2026-05-02T00:00:00Z',
      [
        ['2026-05-02T00:20:00Z', 'investigating'],
        ['2026-05-02T02:00:00Z', 'resolved'],
      ],
      2,
      'outage',
    );
    await flow('2026-05-03T00:00:00Z', [['2026-05-03T00:05:00Z', 'acknowledged']], 2, 'outage');
    await flow('2026-05-04T00:00:00Z', [['2026-05-04T00:30:00Z', 'resolved']], 3, 'dnssec_failure');
    // Outside the period: must not count.
    await flow('2026-06-01T00:00:00Z', [['2026-06-01T05:00:00Z', 'resolved']], 4, 'outage');
  });

  it('MTTA and MTTR means and medians match the hand computation', async () => {
    const m = await t.service.metrics({
      unitId: unit,
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-06-01T00:00:00Z'),
    });
    expect(m.total).toBe(4);
    expect(m.mtta).toEqual({ count: 3, averageSeconds: 700, medianSeconds: 600 });
    expect(m.mttr).toEqual({ count: 3, averageSeconds: 4200, medianSeconds: 3600 });
  });

  it('counts by status, severity and category', async () => {
    const m = await t.service.metrics({
      unitId: unit,
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-06-01T00:00:00Z'),
    });
    expect(m.byStatus).toEqual({
      open: 0,
      acknowledged: 1,
      investigating: 0,
      mitigated: 0,
      resolved: 3,
      closed: 0,
    });
    expect(m.bySeverity).toEqual({ '1': 1, '2': 2, '3': 1, '4': 0 });
    expect(m.byCategory).toMatchObject({ outage: 3, dnssec_failure: 1, ipv6_regression: 0 });
  });

  it('MTTA and MTTR per severity and per category, and filtered by them', async () => {
    const m = await t.service.metrics({
      unitId: unit,
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-06-01T00:00:00Z'),
    });
    // Severity 2: B (ack 1200, resolved 7200) and C (ack 300).
    expect(m.durationsBySeverity['2']).toEqual({
      mtta: { count: 2, averageSeconds: 750, medianSeconds: 750 },
      mttr: { count: 1, averageSeconds: 7200, medianSeconds: 7200 },
    });
    expect(m.durationsBySeverity['4'].mttr.count).toBe(0);
    // dnssec_failure: D only (auto-resolved at 1800, never acknowledged).
    expect(m.durationsByCategory.dnssec_failure).toEqual({
      mtta: { count: 0, averageSeconds: null, medianSeconds: null },
      mttr: { count: 1, averageSeconds: 1800, medianSeconds: 1800 },
    });
    const outage = await t.service.metrics({
      unitId: unit,
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-06-01T00:00:00Z'),
      category: ['outage'],
      severity: [1, 2],
    });
    expect(outage.total).toBe(3);
    expect(outage.mttr).toEqual({ count: 2, averageSeconds: 5400, medianSeconds: 5400 });
  });

  it('an even count has the mean of the middle two as median', async () => {
    const m = await t.service.metrics({ unitId: unit });
    // MTTR with the June one too: [1800, 3600, 7200, 18000] → median (3600 + 7200) / 2
    expect(m.mttr).toEqual({ count: 4, averageSeconds: 7650, medianSeconds: 5400 });
  });
});

describe('reportOverdue', () => {
  it('lists incidents past their deadline and not reported upward, resolved ones too', async () => {
    t.clock.set('2027-01-01T00:00:00Z');
    const late = await t.service.create({ title: 'late', severity: 2, category: 'outage' });
    const reported = await t.service.create({ title: 'reported', severity: 2, category: 'outage' });
    const resolved = await t.service.create({ title: 'resolved', severity: 2, category: 'outage' });
    await t.service.changeStatus(resolved.id, 'resolved');
    t.clock.set('2027-01-02T00:00:00Z');
    const marked = await t.service.markReported(reported.id, { reference: 'CV-123/STTTT' });
    expect(marked).toMatchObject({ reportReference: 'CV-123/STTTT' });
    expect(marked.reportedAt?.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    t.clock.set('2027-01-05T00:00:00Z');
    const fresh = await t.service.create({ title: 'fresh', severity: 2, category: 'outage' });
    const at = new Date('2027-01-06T00:00:01Z');
    const overdue = (await t.service.reportOverdue(at)).map((i) => i.id);
    expect(overdue).toEqual(expect.arrayContaining([late.id, resolved.id]));
    expect(overdue).not.toContain(reported.id);
    expect(overdue).not.toContain(fresh.id);
    expect(
      (await t.service.reportOverdue(new Date('2027-01-05T23:59:59Z'))).map((i) => i.id),
    ).not.toContain(late.id);
  });

  it('refuses a report time in the future, naming reportedAt', async () => {
    t.clock.set('2027-02-01T00:00:00Z');
    const inc = await t.service.create({ title: 'x', severity: 3, category: 'other' });
    await expect(
      t.service.markReported(inc.id, { reportedAt: new Date('2027-02-02T00:00:00Z') }),
    ).rejects.toMatchObject({ details: [{ field: 'reportedAt' }] });
    expect((await t.service.get(inc.id)).reportedAt).toBeNull();
  });
});
