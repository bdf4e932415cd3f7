import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/app';

/**
 * A unit-scoped user sees and changes only its unit subtree: no other unit's objects through
 * lists, counts, search, lookups by id, incidents or reports, and the routes that do not honour
 * a scope yet refuse it outright.
 */
let t: TestApp;
const ids: Record<string, string> = {};
let viewer = '';
let operator = '';

const as = (token: string) => ({
  get: (url: string) => request(t.http).get(url).set('Authorization', `Bearer ${token}`),
  post: (url: string, body: object) =>
    request(t.http).post(url).set('Authorization', `Bearer ${token}`).send(body),
  patch: (url: string, body: object) =>
    request(t.http).patch(url).set('Authorization', `Bearer ${token}`).send(body),
  del: (url: string) => request(t.http).delete(url).set('Authorization', `Bearer ${token}`),
});

beforeAll(async () => {
  t = await startTestApp({ NETWATCH_MONITORING: 'false' });
  const admin = request(t.http);
  const unit = async (code: string, parentId: string | null) =>
    (
      await admin
        .post('/api/units')
        .send({ code, kind: 'department', name: code, parentId })
        .expect(201)
    ).body.id as string;
  ids.P = await unit('SC-P', null);
  ids.A = await unit('SC-A', ids.P);
  ids.A1 = await unit('SC-A1', ids.A);
  ids.B = await unit('SC-B', ids.P);
  for (const [key, unitId] of [
    ['svcA', ids.A1],
    ['svcB', ids.B],
  ] as const)
    ids[key] = (
      await admin
        .post('/api/services')
        .send({
          kind: 'website',
          hostname: `www.${key.toLowerCase()}.example.test`,
          name: key,
          unitId,
        })
        .expect(201)
    ).body.id;
  for (const [key, unitId] of [
    ['incA', ids.A],
    ['incB', ids.B],
  ] as const)
    ids[key] = (
      await admin
        .post('/api/incidents')
        .send({ title: key, severity: 3, category: 'outage', unitId })
        .expect(201)
    ).body.id;
  const user = async (username: string, role: string) => {
    const created = await admin
      .post('/api/users')
      .send({ username, role, unitId: ids.A, password: 'scoped-user-passphrase' })
      .expect(201);
    expect(created.body.user.unitId).toBe(ids.A);
    const login = await request(t.http)
      .post('/api/auth/login')
      .set('Authorization', '')
      .send({ username, password: 'scoped-user-passphrase' })
      .expect(200);
    return login.body.token as string;
  };
  viewer = await user('scoped-viewer', 'viewer');
  operator = await user('scoped-operator', 'operator');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('a unit-scoped viewer', () => {
  it('lists, counts and searches only its subtree', async () => {
    const units = await as(viewer).get('/api/units').expect(200);
    expect(units.body.items.map((u: { code: string }) => u.code).sort()).toEqual(['SC-A', 'SC-A1']);
    expect(units.body.total).toBe(2);
    const services = await as(viewer).get('/api/services').expect(200);
    expect(services.body.items.map((s: { id: string }) => s.id)).toEqual([ids.svcA]);
    expect(services.body.total).toBe(1);
    const search = await as(viewer).get('/api/services?q=svcb').expect(200);
    expect(search.body.total).toBe(0);
    const tree = await as(viewer).get('/api/units/SC-A/tree').expect(200);
    expect(tree.body.children.map((c: { code: string }) => c.code)).toEqual(['SC-A1']);
    await as(viewer).get('/api/units/SC-P/tree').expect(404);
    await as(viewer).get('/api/units/SC-B/tree').expect(404);
  });

  it('gets 404 for another unit’s objects, the same as for objects that do not exist', async () => {
    await as(viewer).get(`/api/services/${ids.svcA}`).expect(200);
    const other = await as(viewer).get(`/api/services/${ids.svcB}`).expect(404);
    const missing = await as(viewer)
      .get('/api/services/00000000-0000-4000-8000-000000000000')
      .expect(404);
    expect(other.body.error).toBe(missing.body.error);
    await as(viewer).get(`/api/units/${ids.B}`).expect(404);
    const byUnit = await as(viewer).get('/api/services?unit=SC-B').expect(404);
    const byNoUnit = await as(viewer).get('/api/services?unit=SC-NONE').expect(404);
    expect(byUnit.body.message.replace('SC-B', 'X')).toBe(
      byNoUnit.body.message.replace('SC-NONE', 'X'),
    );
  });

  it('sees only its incidents, counts and metrics', async () => {
    const list = await as(viewer).get('/api/incidents').expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([ids.incA]);
    await as(viewer).get(`/api/incidents/${ids.incB}`).expect(404);
    await as(viewer).get(`/api/incidents/${ids.incB}/report`).expect(404);
    const metrics = await as(viewer).get('/api/incidents/metrics').expect(200);
    expect(metrics.body.total).toBe(1);
    await as(viewer).get('/api/incidents?unit=SC-B').expect(400);
  });

  it('gets its own subtree’s compliance report, and another unit’s does not exist', async () => {
    const own = await as(viewer)
      .get('/api/reports/compliance?from=2026-09-30T17:00:00Z&to=2026-10-31T17:00:00Z')
      .expect(200);
    expect(own.body.scope.unitCode).toBe('SC-A');
    const other = await as(viewer)
      .get('/api/reports/compliance?from=2026-09-30T17:00:00Z&to=2026-10-31T17:00:00Z&unit=SC-B')
      .expect(400);
    expect(other.body.details[0]).toMatchObject({ field: 'unit', message: 'unit SC-B not found' });
  });

  it('sees only its checks, their states and results', async () => {
    const ds = t.app.get(DataSource);
    const check = async (key: string, serviceId: string, unitId: string) =>
      (
        (await ds.query(
          `INSERT INTO checks (key, object_type, object_id, unit_id, kind, target, interval_seconds,
             timeout_ms, origin) VALUES ($1, 'service', $2, $3, 'http', '{}', 60, 1000, 'default')
           RETURNING id`,
          [key, serviceId, unitId],
        )) as { id: string }[]
      )[0].id;
    const checkA = await check('sc:a:http', ids.svcA, ids.A1);
    const checkB = await check('sc:b:http', ids.svcB, ids.B);
    const checks = await as(viewer).get('/api/status/checks').expect(200);
    expect(checks.body.items.map((c: { id: string }) => c.id)).toEqual([checkA]);
    const summary = await as(viewer).get('/api/status/summary').expect(200);
    expect(summary.body.total).toBe(1);
    const services = await as(viewer).get('/api/status/services').expect(200);
    expect(services.body.items.map((x: { id: string }) => x.id)).toEqual([ids.svcA]);
    await as(viewer).get(`/api/status/checks/${checkA}`).expect(200);
    await as(viewer).get(`/api/status/checks/${checkB}`).expect(404);
    await as(viewer).get(`/api/status/checks/${checkB}/results`).expect(404);
    await as(viewer).get(`/api/status/checks/${checkB}/uptime`).expect(404);
    // The admin sees both.
    expect((await request(t.http).get('/api/status/summary').expect(200)).body.total).toBe(2);
  });

  it('is refused the routes that do not honour a scope yet', async () => {
    for (const url of [
      '/api/inventory/export',
      '/api/change-log',
      '/api/ipam/lookup?address=198.51.100.10',
      '/api/reports/runs',
      '/api/maintenance-windows',
    ]) {
      const res = await as(viewer).get(url);
      expect([url, res.status]).toEqual([url, 403]);
    }
  });
});

describe('a unit-scoped operator', () => {
  it('creates and changes inside its subtree only, and nothing changes when refused', async () => {
    await as(operator)
      .post('/api/services', {
        kind: 'website',
        hostname: 'www.new-a.example.test',
        name: 'new',
        unitId: ids.A1,
      })
      .expect(201);
    const outside = await as(operator)
      .post('/api/services', {
        kind: 'website',
        hostname: 'www.new-b.example.test',
        name: 'new',
        unitId: ids.B,
      })
      .expect(403);
    expect(outside.body.details[0].field).toBe('unitId');
    const moved = await as(operator)
      .patch(`/api/services/${ids.svcA}`, { unitId: ids.B })
      .expect(403);
    expect(moved.body.details[0].field).toBe('unitId');
    const svc = await request(t.http).get(`/api/services/${ids.svcA}`).expect(200);
    expect(svc.body.unitId).toBe(ids.A1);
    await as(operator).del(`/api/services/${ids.svcB}`).expect(404);
    await request(t.http).get(`/api/services/${ids.svcB}`).expect(200);
    const all = await request(t.http).get('/api/services?q=new-b').expect(200);
    expect(all.body.total).toBe(0);
    // A top-level unit would be outside the subtree.
    await as(operator)
      .post('/api/units', { code: 'SC-TOP', kind: 'department', name: 'x' })
      .expect(403);
    await as(operator)
      .post('/api/units', { code: 'SC-A2', kind: 'department', name: 'x', parentId: ids.A })
      .expect(201);
  });

  it('cannot make a token wider than its own scope', async () => {
    const res = await as(operator).post('/api/tokens', { name: 'x', unitId: ids.B }).expect(403);
    expect(res.body.details[0].field).toBe('unitId');
    const own = await as(operator).post('/api/tokens', { name: 'y' }).expect(201);
    expect(own.body.info.unitId).toBe(ids.A);
  });

  it('an admin cannot be unit-scoped', async () => {
    const res = await request(t.http)
      .post('/api/users')
      .send({ username: 'scoped-admin', role: 'admin', unitId: ids.A })
      .expect(400);
    expect(res.body.details[0].field).toBe('unitId');
  });
});
