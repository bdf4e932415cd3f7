import { EventEmitter } from 'node:events';
import { IncidentDetail } from '../../src/incidents/incidents.service';
import { PROBE_ACTOR } from '../../src/incidents/incident-opener';
import {
  event,
  IncidentsTestApp,
  insertCheck,
  insertDevice,
  insertService,
  insertUnit,
  startIncidentsApp,
  tag,
} from './support';

let t: IncidentsTestApp;
let unit: string;

beforeAll(async () => {
  t = await startIncidentsApp();
  unit = await insertUnit(t.dataSource, tag('U'));
});

afterAll(async () => {
  await t?.close();
});

async function serviceCheck(
  kind: string,
  criticality: 'low' | 'medium' | 'high' | 'critical',
): Promise<{ checkId: string; serviceId: string; hostname: string }> {
  const hostname = `${tag('www')}.example.test`;
  const serviceId = await insertService(t.dataSource, unit, hostname, criticality);
  const checkId = await insertCheck(
    t.dataSource,
    { type: 'service', id: serviceId, unitId: unit },
    kind,
  );
  return { checkId, serviceId, hostname };
}

async function incidentsOf(checkId: string): Promise<IncidentDetail[]> {
  // The asset filter also finds incidents listing the check as affected; keep its own.
  const page = await t.service.list({ objectType: 'check', objectId: checkId });
  return Promise.all(
    page.items
      .filter((i) => i.checkId === checkId)
      .sort((a, b) => a.number - b.number)
      .map((i) => t.service.get(i.id)),
  );
}

describe('auto-open from a down event', () => {
  it('opens one incident with title, severity, category, unit and links from the check', async () => {
    const { checkId, serviceId, hostname } = await serviceCheck('http', 'critical');
    expect(await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'))).toBe(
      'opened',
    );
    const [inc, ...more] = await incidentsOf(checkId);
    expect(more).toHaveLength(0);
    expect(inc).toMatchObject({
      title: `http down: service ${hostname}`,
      severity: 1,
      category: 'outage',
      status: 'open',
      origin: 'probe',
      checkId,
      unitId: unit,
    });
    expect(inc.openedAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(inc.reportDueAt.toISOString()).toBe('2026-03-06T10:00:00.000Z');
    expect(inc.links).toEqual(
      expect.arrayContaining([
        { objectType: 'check', objectId: checkId },
        { objectType: 'service', objectId: serviceId },
      ]),
    );
    expect(inc.links).toHaveLength(2);
    expect(inc.timeline.map((e) => [e.kind, e.actor])).toEqual([
      ['status_change', PROBE_ACTOR],
      ['probe_event', PROBE_ACTOR],
      ['link', PROBE_ACTOR],
      ['link', PROBE_ACTOR],
    ]);
    expect(inc.timeline[1].body).toMatchObject({ from: 'up', to: 'down', alert: true });
  });

  it('dedups: a repeat while active appends a probe_event instead of a new incident', async () => {
    const { checkId } = await serviceCheck('tcp', 'high');
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    expect(await t.opener.handle(event(checkId, 'down', 'down', '2026-03-01T10:05:00Z'))).toBe(
      'appended',
    );
    const incidents = await incidentsOf(checkId);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].timeline.filter((e) => e.kind === 'probe_event')).toHaveLength(2);
  });

  it('the database allows one active probe incident per check even if the opener is bypassed', async () => {
    const { checkId } = await serviceCheck('icmp', 'medium');
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    await expect(
      t.dataSource.query(
        `INSERT INTO incidents (title, severity, category, origin, check_id, report_due_at)
         VALUES ('dup', 2, 'outage', 'probe', $1, now())`,
        [checkId],
      ),
    ).rejects.toThrow(/incidents_one_active_per_check/);
  });

  it('events through attach() are handled in order', async () => {
    const { checkId } = await serviceCheck('tls', 'medium');
    const engine = new EventEmitter();
    t.opener.attach(engine);
    engine.emit('transition', event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    engine.emit('transition', event(checkId, 'down', 'down', '2026-03-01T10:01:00Z'));
    const last = t.opener.enqueue(event(checkId, 'down', 'degraded', '2026-03-01T10:02:00Z'));
    expect(await last).toBe('appended');
    const incidents = await incidentsOf(checkId);
    expect(incidents).toHaveLength(1);
    expect(
      incidents[0].timeline.filter((e) => e.kind === 'probe_event').map((e) => e.body.to),
    ).toEqual(['down', 'down', 'degraded']);
  });
});

describe('degraded, kinds and severities', () => {
  it('degraded opens for dnssec and ipv6 kinds (category by kind), not for http', async () => {
    const dnssec = await serviceCheck('dnssec', 'high');
    const ipv6 = await serviceCheck('ipv6-web', 'high');
    const http = await serviceCheck('http', 'high');
    expect(
      await t.opener.handle(event(dnssec.checkId, 'up', 'degraded', '2026-03-01T10:00:00Z')),
    ).toBe('opened');
    expect(
      await t.opener.handle(event(ipv6.checkId, 'up', 'degraded', '2026-03-01T10:00:00Z')),
    ).toBe('opened');
    expect(
      await t.opener.handle(event(http.checkId, 'up', 'degraded', '2026-03-01T10:00:00Z')),
    ).toBe('ignored');
    expect((await incidentsOf(dnssec.checkId))[0]).toMatchObject({
      category: 'dnssec_failure',
      severity: 3,
    });
    expect((await incidentsOf(ipv6.checkId))[0]).toMatchObject({
      category: 'ipv6_regression',
      severity: 3,
    });
    expect(await incidentsOf(http.checkId)).toHaveLength(0);
  });

  it('severity by rule: service criticality, IPv6 readiness, device role', async () => {
    const low = await serviceCheck('http', 'low');
    const medium = await serviceCheck('http', 'medium');
    const dnssecDown = await serviceCheck('dnssec', 'critical');
    const ipv6Down = await serviceCheck('ipv6-mail', 'critical');
    const router = await insertDevice(t.dataSource, unit, tag('rt'), 'router');
    const server = await insertDevice(t.dataSource, unit, tag('srv'), 'server');
    const routerCheck = await insertCheck(
      t.dataSource,
      { type: 'device', id: router, unitId: unit },
      'icmp',
    );
    const serverCheck = await insertCheck(
      t.dataSource,
      { type: 'device', id: server, unitId: unit },
      'icmp',
    );
    const cases: [string, number][] = [
      [low.checkId, 3],
      [medium.checkId, 2],
      [dnssecDown.checkId, 1],
      [ipv6Down.checkId, 3],
      [routerCheck, 2],
      [serverCheck, 3],
    ];
    for (const [checkId] of cases)
      await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    const severities = await Promise.all(
      cases.map(async ([c]) => (await incidentsOf(c))[0].severity),
    );
    expect(severities).toEqual(cases.map(([, s]) => s));
    expect((await incidentsOf(dnssecDown.checkId))[0].category).toBe('dnssec_failure');
  });
});

describe('recovery', () => {
  it('auto-resolves severities 3-4 on recovery', async () => {
    const { checkId } = await serviceCheck('http', 'low'); // severity 3
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    expect(await t.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:40:00Z'))).toBe(
      'resolved',
    );
    const [inc] = await incidentsOf(checkId);
    expect(inc.status).toBe('resolved');
    expect(inc.resolvedAt?.toISOString()).toBe('2026-03-01T10:40:00.000Z');
    expect(inc.acknowledgedAt).toBeNull();
    expect(inc.timeline.slice(-2).map((e) => [e.kind, e.body.to])).toEqual([
      ['probe_event', 'up'],
      ['status_change', 'resolved'],
    ]);
  });

  it('waits for a person for severities 1-2 (timeline entry only)', async () => {
    const { checkId } = await serviceCheck('http', 'high'); // severity 2
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    expect(await t.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:40:00Z'))).toBe(
      'appended',
    );
    const [inc] = await incidentsOf(checkId);
    expect(inc.status).toBe('open');
    expect(inc.resolvedAt).toBeNull();
    expect(inc.timeline.filter((e) => e.kind === 'probe_event').map((e) => e.body.to)).toEqual([
      'down',
      'up',
    ]);
  });

  it('a recovery with no active incident changes nothing', async () => {
    const { checkId } = await serviceCheck('http', 'low');
    expect(await t.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:40:00Z'))).toBe(
      'ignored',
    );
    expect(await incidentsOf(checkId)).toHaveLength(0);
  });
});

describe('re-open window (30 minutes)', () => {
  it('a failure within the window re-opens the same incident', async () => {
    const { checkId } = await serviceCheck('http', 'low');
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    await t.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:40:00Z'));
    expect(await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T11:10:00Z'))).toBe(
      'reopened',
    );
    const incidents = await incidentsOf(checkId);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].status).toBe('open');
    expect(incidents[0].resolvedAt).toBeNull();
    expect(
      incidents[0].timeline.filter((e) => e.kind === 'status_change').map((e) => e.body.to),
    ).toEqual(['open', 'resolved', 'open']);
  });

  it('a failure after the window opens a new incident', async () => {
    const { checkId } = await serviceCheck('http', 'low');
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    await t.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:40:00Z'));
    expect(await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T11:10:01Z'))).toBe(
      'opened',
    );
    const incidents = await incidentsOf(checkId);
    expect(incidents.map((i) => i.status)).toEqual(['resolved', 'open']);
  });

  it('a closed incident is never re-opened', async () => {
    const { checkId } = await serviceCheck('http', 'low');
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    await t.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:40:00Z'));
    const [first] = await incidentsOf(checkId);
    await t.service.changeStatus(first.id, 'closed');
    expect(await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:45:00Z'))).toBe(
      'opened',
    );
    expect((await incidentsOf(checkId)).map((i) => i.status)).toEqual(['closed', 'open']);
  });
});

describe('suppressed events (alert: false)', () => {
  it('open nothing on their own', async () => {
    const { checkId } = await serviceCheck('http', 'high');
    expect(
      await t.opener.handle(
        event(checkId, 'up', 'down', '2026-03-01T10:00:00Z', {
          alert: false,
          suppressedBy: 'maintenance',
        }),
      ),
    ).toBe('ignored');
    expect(await incidentsOf(checkId)).toHaveLength(0);
  });

  it('only add timeline entries to an active incident (no auto-resolve)', async () => {
    const { checkId } = await serviceCheck('http', 'low');
    await t.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    expect(
      await t.opener.handle(
        event(checkId, 'down', 'up', '2026-03-01T10:10:00Z', {
          alert: false,
          suppressedBy: 'maintenance',
        }),
      ),
    ).toBe('appended');
    const [inc] = await incidentsOf(checkId);
    expect(inc.status).toBe('open');
    expect(inc.timeline.at(-1)?.body).toMatchObject({
      to: 'up',
      alert: false,
      suppressedBy: 'maintenance',
    });
  });

  it('unknown checks are ignored', async () => {
    expect(
      await t.opener.handle(
        event('00000000-0000-4000-8000-000000000000', 'up', 'down', '2026-03-01T10:00:00Z'),
      ),
    ).toBe('unknown_check');
  });
});

describe('parent grouping (checks behind a down parent)', () => {
  it('lists children on the parent incident instead of opening one each', async () => {
    const router = await insertDevice(t.dataSource, unit, tag('r'), 'router');
    const parent = await insertCheck(
      t.dataSource,
      { type: 'device', id: router, unitId: unit },
      'icmp',
    );
    const children = await Promise.all([1, 2, 3].map(() => serviceCheck('http', 'high')));
    expect(await t.opener.handle(event(parent, 'up', 'down', '2026-04-01T10:00:00Z'))).toBe(
      'opened',
    );
    const behind = { parent, root: parent };
    for (const c of children)
      expect(
        await t.opener.handle(
          event(c.checkId, 'up', 'unreachable', '2026-04-01T10:01:00Z', {
            alert: false,
            suppressedBy: 'dependency',
            blockedBy: behind,
          }),
        ),
      ).toBe('grouped');
    for (const c of children) expect(await incidentsOf(c.checkId)).toHaveLength(0);

    const [inc] = await incidentsOf(parent);
    expect(inc.affected.map((a) => a.checkId).sort()).toEqual(
      children.map((c) => c.checkId).sort(),
    );
    expect(inc.affected.map((a) => a.label).sort()).toEqual(children.map((c) => c.hostname).sort());
    // The children are not the incident's subject, and each is told once on the timeline.
    expect(inc.links).toHaveLength(2);
    const grouped = inc.timeline.filter((e) => e.body.affected !== undefined);
    expect(grouped).toHaveLength(3);

    // The same child again adds nothing.
    expect(
      await t.opener.handle(
        event(children[0].checkId, 'unreachable', 'unreachable', '2026-04-01T10:05:00Z', {
          alert: false,
          suppressedBy: 'dependency',
          blockedBy: behind,
        }),
      ),
    ).toBe('ignored');
    expect((await t.service.get(inc.id)).affected).toHaveLength(3);
  });

  it('a child with its own incident keeps it and is listed on the parent too', async () => {
    const sw = await insertDevice(t.dataSource, unit, tag('sw'), 'switch');
    const parent = await insertCheck(
      t.dataSource,
      { type: 'device', id: sw, unitId: unit },
      'icmp',
    );
    const child = await serviceCheck('http', 'low');
    await t.opener.handle(event(child.checkId, 'up', 'down', '2026-04-02T09:00:00Z'));
    await t.opener.handle(event(parent, 'up', 'down', '2026-04-02T09:01:00Z'));
    expect(
      await t.opener.handle(
        event(child.checkId, 'down', 'unreachable', '2026-04-02T09:02:00Z', {
          alert: false,
          suppressedBy: 'dependency',
          blockedBy: { parent, root: parent },
        }),
      ),
    ).toBe('appended');
    const [own] = await incidentsOf(child.checkId);
    expect(own.status).toBe('open');
    const [parentIncident] = await incidentsOf(parent);
    expect(parentIncident.affected.map((a) => a.checkId)).toEqual([child.checkId]);
  });

  it('without an active parent incident nothing is grouped', async () => {
    const fw = await insertDevice(t.dataSource, unit, tag('fw'), 'firewall');
    const parent = await insertCheck(
      t.dataSource,
      { type: 'device', id: fw, unitId: unit },
      'icmp',
    );
    const child = await serviceCheck('http', 'low');
    expect(
      await t.opener.handle(
        event(child.checkId, 'up', 'unreachable', '2026-04-03T09:02:00Z', {
          alert: false,
          suppressedBy: 'dependency',
          blockedBy: { parent, root: parent },
        }),
      ),
    ).toBe('ignored');
  });
});
