import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';

/**
 * The object detail page's own route: GET /api/change-log/objects/:type/:id, one object's
 * inventory changes, paged, honouring a unit scope (the page's other data comes from routes
 * with their own tests: the object, /api/status/checks, the uptime series, /api/incidents).
 */
let t: TestApp;
const ids: Record<string, string> = {};
let scoped = '';

beforeAll(async () => {
  t = await startTestApp({ NETWATCH_MONITORING: 'false' });
  const unit = async (code: string, parentId: string | null) =>
    (
      await request(t.http)
        .post('/api/units')
        .send({ code, kind: 'department', name: code, parentId })
        .expect(201)
    ).body.id as string;
  ids.P = await unit('OD-P', null);
  ids.A = await unit('OD-A', ids.P);
  ids.B = await unit('OD-B', ids.P);
  for (const [key, unitId] of [
    ['svcA', ids.A],
    ['svcB', ids.B],
  ] as const)
    ids[key] = (
      await request(t.http)
        .post('/api/services')
        .send({ kind: 'website', hostname: `${key.toLowerCase()}.example.vn`, name: key, unitId })
        .expect(201)
    ).body.id;
  // Three more changes of svcA: four entries in all, newest first.
  for (const criticality of ['low', 'high', 'critical'])
    await request(t.http).patch(`/api/services/${ids.svcA}`).send({ criticality }).expect(200);
  await request(t.http)
    .post('/api/users')
    .send({ username: 'od-viewer', role: 'viewer', unitId: ids.A, password: 'object-detail-pass' })
    .expect(201);
  const login = await request(t.http)
    .post('/api/auth/login')
    .set('Authorization', '')
    .send({ username: 'od-viewer', password: 'object-detail-pass' })
    .expect(200);
  scoped = login.body.token as string;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('GET /api/change-log/objects/:type/:id', () => {
  it("lists one object's changes, newest first, with the total", async () => {
    const res = await request(t.http)
      .get(`/api/change-log/objects/service/${ids.svcA}`)
      .expect(200);
    expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual([
      'update',
      'update',
      'update',
      'create',
    ]);
    expect(res.body.items[0].after.criticality).toBe('critical');
    expect(res.body.items[0].before.criticality).toBe('high');
    expect(res.body.items.every((e: { objectId: string }) => e.objectId === ids.svcA)).toBe(true);
  });

  it('pages, and refuses a page size beyond 500 or an unknown parameter', async () => {
    const page = await request(t.http)
      .get(`/api/change-log/objects/service/${ids.svcA}?limit=2&offset=2`)
      .expect(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page.body.items.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    const bad = await request(t.http)
      .get(`/api/change-log/objects/service/${ids.svcA}?limit=501&offset=-1&since=x`)
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'limit',
      'offset',
      'since',
    ]);
  });

  it('an unknown type or a malformed id is a 404; an object without changes has none', async () => {
    await request(t.http).get(`/api/change-log/objects/planet/${ids.svcA}`).expect(404);
    await request(t.http).get('/api/change-log/objects/service/not-a-uuid').expect(404);
    const none = await request(t.http)
      .get(`/api/change-log/objects/device/${ids.svcA}`)
      .expect(200);
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('needs a sign-in', async () => {
    await request(t.http)
      .get(`/api/change-log/objects/service/${ids.svcA}`)
      .set('Authorization', '')
      .expect(401);
  });

  it("a unit-scoped viewer reads its objects' history and nothing outside its unit", async () => {
    const own = await request(t.http)
      .get(`/api/change-log/objects/service/${ids.svcA}`)
      .set('Authorization', `Bearer ${scoped}`)
      .expect(200);
    expect(own.body.total).toBe(4);
    await request(t.http)
      .get(`/api/change-log/objects/service/${ids.svcB}`)
      .set('Authorization', `Bearer ${scoped}`)
      .expect(404);
    await request(t.http)
      .get(`/api/change-log/objects/unit/${ids.B}`)
      .set('Authorization', `Bearer ${scoped}`)
      .expect(404);
    // The province-wide log stays closed to it.
    await request(t.http)
      .get('/api/change-log')
      .set('Authorization', `Bearer ${scoped}`)
      .expect(403);
  });
});
