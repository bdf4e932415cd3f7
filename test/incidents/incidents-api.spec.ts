import request from 'supertest';
import { App } from 'supertest/types';
import {
  event,
  IncidentsTestApp,
  insertCheck,
  insertService,
  insertUnit,
  startIncidentsApp,
  tag,
} from './support';

let t: IncidentsTestApp;
let http: App;

beforeAll(async () => {
  t = await startIncidentsApp();
  http = t.app.getHttpServer() as App;
});

afterAll(async () => {
  await t?.close();
});

interface ErrorBody {
  error: string;
  message: string;
  details: { field: string; message: string }[];
}

/** The distinct fields named (one detail per broken constraint). */
const fields = (body: ErrorBody) => [...new Set(body.details.map((d) => d.field))].sort();

describe('POST /api/incidents', () => {
  it('creates a manual incident (201) and GET returns it with its timeline', async () => {
    const created = await request(http)
      .post('/api/incidents')
      .send({ title: 'Mail down', severity: 2, category: 'outage', assignee: 'noc' })
      .expect(201);
    expect(created.body).toMatchObject({ status: 'open', origin: 'manual', assignee: 'noc' });
    const got = await request(http)
      .get(`/api/incidents/${created.body.id as string}`)
      .expect(200);
    expect(got.body.timeline).toHaveLength(1);
    expect(got.body.timeline[0]).toMatchObject({ kind: 'status_change', body: { to: 'open' } });
    expect(got.body.timeline[0].actor).toMatch(/^api:/);
  });

  it('names every bad field, unknown fields included', async () => {
    const res = await request(http)
      .post('/api/incidents')
      .send({ title: '', severity: 5, category: 'flood', colour: 'red' })
      .expect(400);
    const body = res.body as ErrorBody;
    expect(body.error).toBe('validation_failed');
    expect(fields(body)).toEqual(['category', 'colour', 'severity', 'title']);
  });

  it('names nested link fields', async () => {
    const res = await request(http)
      .post('/api/incidents')
      .send({
        title: 'x',
        severity: 3,
        category: 'other',
        links: [{ objectType: 'planet', objectId: 'nope' }],
      })
      .expect(400);
    expect(fields(res.body as ErrorBody)).toEqual(['links.0.objectId', 'links.0.objectType']);
  });

  it('an unknown unit is a 400 naming unitId', async () => {
    const res = await request(http)
      .post('/api/incidents')
      .send({
        title: 'x',
        severity: 3,
        category: 'other',
        unitId: '00000000-0000-4000-8000-000000000000',
      })
      .expect(400);
    expect(fields(res.body as ErrorBody)).toEqual(['unitId']);
  });
});

describe('PATCH and POST on one incident', () => {
  let id: string;

  beforeAll(async () => {
    const res = await request(http)
      .post('/api/incidents')
      .send({ title: 'DNS slow', severity: 3, category: 'degraded_service' })
      .expect(201);
    id = res.body.id as string;
  });

  it('status: acknowledge then an illegal change is a 400 naming status', async () => {
    await request(http)
      .patch(`/api/incidents/${id}/status`)
      .send({ status: 'acknowledged' })
      .expect(200);
    const res = await request(http)
      .patch(`/api/incidents/${id}/status`)
      .send({ status: 'open' })
      .expect(400);
    expect(fields(res.body as ErrorBody)).toEqual(['status']);
    const bad = await request(http)
      .patch(`/api/incidents/${id}/status`)
      .send({ status: 'done' })
      .expect(400);
    expect(fields(bad.body as ErrorBody)).toEqual(['status']);
  });

  it('assignee: set and unset; missing is a 400 naming assignee', async () => {
    await request(http).patch(`/api/incidents/${id}/assignee`).send({ assignee: 'an' }).expect(200);
    const res = await request(http)
      .patch(`/api/incidents/${id}/assignee`)
      .send({ assignee: null })
      .expect(200);
    expect(res.body.assignee).toBeNull();
    const bad = await request(http).patch(`/api/incidents/${id}/assignee`).send({}).expect(400);
    expect(fields(bad.body as ErrorBody)).toEqual(['assignee']);
  });

  it('fields: changes and rejects bad ones by name', async () => {
    const res = await request(http)
      .patch(`/api/incidents/${id}`)
      .send({ rootCause: 'resolver overload', severity: 4 })
      .expect(200);
    expect(res.body).toMatchObject({ rootCause: 'resolver overload', severity: 4 });
    const bad = await request(http)
      .patch(`/api/incidents/${id}`)
      .send({ severity: '1', status: 'closed' })
      .expect(400);
    expect(fields(bad.body as ErrorBody)).toEqual(['severity', 'status']);
  });

  it('notes and links', async () => {
    await request(http).post(`/api/incidents/${id}/notes`).send({ text: 'looking' }).expect(201);
    const badNote = await request(http).post(`/api/incidents/${id}/notes`).send({}).expect(400);
    expect(fields(badNote.body as ErrorBody)).toEqual(['text']);
    const unit = await insertUnit(t.dataSource, tag('L'));
    const link = await request(http)
      .post(`/api/incidents/${id}/links`)
      .send({ objectType: 'unit', objectId: unit })
      .expect(201);
    expect(link.body).toEqual({ objectType: 'unit', objectId: unit, created: true });
    const got = await request(http).get(`/api/incidents/${id}`).expect(200);
    expect(got.body.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'status_change',
      'status_change',
      'edit',
      'edit',
      'edit',
      'note',
      'link',
    ]);
  });

  it('an unknown incident is a 404', async () => {
    const res = await request(http)
      .get('/api/incidents/00000000-0000-4000-8000-000000000000')
      .expect(404);
    expect((res.body as ErrorBody).error).toBe('not_found');
    await request(http).get('/api/incidents/not-a-uuid').expect(404);
  });
});

describe('GET /api/incidents and metrics', () => {
  let unitCode: string;

  beforeAll(async () => {
    unitCode = tag('Q');
    const parent = await insertUnit(t.dataSource, unitCode);
    const child = await insertUnit(t.dataSource, tag('Q'), parent);
    for (const [severity, unitId] of [
      [1, parent],
      [3, child],
    ] as const) {
      await request(http)
        .post('/api/incidents')
        .send({ title: `q${severity}`, severity, category: 'outage', unitId })
        .expect(201);
    }
  });

  it('filters by unit code (subtree) and comma-separated severities', async () => {
    const all = await request(http).get(`/api/incidents?unit=${unitCode}`).expect(200);
    expect(all.body.total).toBe(2);
    const sev = await request(http).get(`/api/incidents?unit=${unitCode}&severity=3,4`).expect(200);
    expect(sev.body.items.map((i: { title: string }) => i.title)).toEqual(['q3']);
  });

  it('bad filters are 400s naming the parameter', async () => {
    const res = await request(http)
      .get('/api/incidents?severity=9&status=gone&limit=0&from=yesterday&colour=red')
      .expect(400);
    expect(fields(res.body as ErrorBody)).toEqual([
      'colour',
      'from',
      'limit',
      'severity',
      'status',
    ]);
    const unit = await request(http).get('/api/incidents?unit=NO-SUCH-UNIT').expect(400);
    expect(fields(unit.body as ErrorBody)).toEqual(['unit']);
  });

  it('metrics for a unit subtree', async () => {
    const res = await request(http).get(`/api/incidents/metrics?unit=${unitCode}`).expect(200);
    expect(res.body.total).toBe(2);
    expect(res.body.bySeverity).toEqual({ '1': 1, '2': 0, '3': 1, '4': 0 });
    expect(res.body.mtta).toEqual({ count: 0, averageSeconds: null, medianSeconds: null });
    const bad = await request(http).get('/api/incidents/metrics?from=2026-13-01').expect(400);
    expect(fields(bad.body as ErrorBody)).toEqual(['from']);
  });

  it('report-overdue lists active incidents past the deadline', async () => {
    t.clock.set('2020-01-01T00:00:00Z');
    const old = await request(http)
      .post('/api/incidents')
      .send({ title: 'old', severity: 2, category: 'outage' })
      .expect(201);
    t.clock.set('2026-03-02T08:00:00Z');
    const res = await request(http).get('/api/incidents/report-overdue').expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toContain(old.body.id);
  });
});

describe('configured settings', () => {
  let custom: IncidentsTestApp;

  beforeAll(async () => {
    custom = await startIncidentsApp({
      reportDueDays: 2,
      reopenWindowMinutes: 5,
      autoResolveSeverities: [2, 3, 4],
    });
  });

  afterAll(async () => {
    await custom?.close();
  });

  it('deadline, auto-resolve severities and re-open window follow the settings', async () => {
    const unit = await insertUnit(custom.dataSource, tag('S'));
    const service = await insertService(
      custom.dataSource,
      unit,
      `${tag('s')}.example.test`,
      'high',
    );
    const checkId = await insertCheck(
      custom.dataSource,
      { type: 'service', id: service, unitId: unit },
      'http',
    );
    await custom.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:00:00Z'));
    expect(await custom.opener.handle(event(checkId, 'down', 'up', '2026-03-01T10:30:00Z'))).toBe(
      'resolved',
    );
    expect(await custom.opener.handle(event(checkId, 'up', 'down', '2026-03-01T10:36:00Z'))).toBe(
      'opened',
    );
    const page = await custom.service.list({ objectType: 'check', objectId: checkId });
    expect(page.items.map((i) => [i.severity, i.reportDueAt.toISOString()])).toEqual([
      [2, '2026-03-03T10:36:00.000Z'],
      [2, '2026-03-03T10:00:00.000Z'],
    ]);
  });
});
