import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/app';
import {
  insertCheck,
  insertResult,
  insertService,
  insertUnit,
  scopedUser,
} from './overview-fixtures';

/**
 * The overview's routes: the unit tree one level at a time with subtree roll-ups, services
 * failing IPv6 or DNSSEC, DNSSEC signatures expiring soon; each bounded and unit-scoped.
 */
let t: TestApp;
let ds: DataSource;
const ids: Record<string, string> = {};
let viewerA = '';

const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestApp({ NETWATCH_MONITORING: 'false' });
  ds = t.app.get(DataSource);
  ids.P = await insertUnit(ds, 'OV-P', null);
  ids.A = await insertUnit(ds, 'OV-A', ids.P);
  ids.A1 = await insertUnit(ds, 'OV-A1', ids.A);
  ids.B = await insertUnit(ds, 'OV-B', ids.P);
  ids.svcA = await insertService(ds, ids.A1, 'website', 'www.a.example.test');
  ids.svcB = await insertService(ds, ids.B, 'website', 'www.b.example.test');
  ids.svcRetired = await insertService(ds, ids.B, 'website', 'old.b.example.test', 'retired');
  const a = { id: ids.svcA, unitId: ids.A1 };
  const b = { id: ids.svcB, unitId: ids.B };
  ids.aDnssec = await insertCheck(ds, a, 'dnssec', null, 'down', [
    { code: 'bogus', message: 'RRSIG expired' },
  ]);
  ids.aHttp = await insertCheck(ds, a, 'http', 4, 'up');
  ids.bIpv6 = await insertCheck(ds, b, 'ipv6-web', null, 'degraded');
  ids.bHttp = await insertCheck(ds, b, 'http', 4, 'up');
  ids.bDnssec = await insertCheck(ds, b, 'dnssec', null, 'up');
  // A failing check of a retired service is not a failing service.
  await insertCheck(ds, { id: ids.svcRetired, unitId: ids.B }, 'dnssec', null, 'down');
  // The unit itself holds a check too (no state yet: unknown).
  await insertCheck(ds, { id: ids.svcB, unitId: ids.P }, 'tls', 4, null);

  const now = Date.now();
  await insertResult(ds, ids.aDnssec, new Date(now - 3600_000), 'down', {
    name: 'a.example.test',
    earliestExpiry: new Date(now + 5 * DAY + 3600_000).toISOString(),
  });
  // An older result of the same check with another expiry: only the latest counts.
  await insertResult(ds, ids.aDnssec, new Date(now - 7200_000), 'up', {
    name: 'a.example.test',
    earliestExpiry: new Date(now + 1 * DAY).toISOString(),
  });
  await insertResult(ds, ids.bDnssec, new Date(now - 600_000), 'up', {
    name: 'b.example.test',
    earliestExpiry: new Date(now + 60 * DAY).toISOString(),
  });
  viewerA = await scopedUser(t, 'viewer', ids.A);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const as = (token: string, url: string) =>
  request(t.http).get(url).set('Authorization', `Bearer ${token}`);

interface UnitItem {
  code: string;
  childCount: number;
  total: number;
  worst: string;
  counts: Record<string, number>;
}

describe('GET /api/status/units', () => {
  it('lists the top of the tree with the whole subtree rolled up', async () => {
    const res = await request(t.http).get('/api/status/units').expect(200);
    const items = res.body.items as UnitItem[];
    expect(items.map((u) => u.code)).toEqual(['OV-P']);
    expect(items[0]).toMatchObject({
      childCount: 2,
      total: 7,
      worst: 'down',
      counts: { down: 2, degraded: 1, up: 3, unknown: 1 },
    });
  });

  it('lists one level below a unit, each child rolled up over its own subtree', async () => {
    const res = await request(t.http).get('/api/status/units?parent=OV-P').expect(200);
    const items = res.body.items as UnitItem[];
    expect(items.map((u) => [u.code, u.childCount, u.total, u.worst])).toEqual([
      ['OV-A', 1, 2, 'down'],
      ['OV-B', 0, 4, 'down'],
    ]);
    expect(res.body.total).toBe(2);
    const leaf = await request(t.http).get(`/api/status/units?parent=${ids.A1}`).expect(200);
    expect(leaf.body).toMatchObject({ items: [], total: 0 });
  });

  it('pages: limit and offset bound the list', async () => {
    const res = await request(t.http).get('/api/status/units?parent=OV-P&limit=1&offset=1');
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: UnitItem) => u.code)).toEqual(['OV-B']);
    expect(res.body.total).toBe(2);
  });

  it('refuses bad paging and unknown units', async () => {
    const bad = await request(t.http).get('/api/status/units?limit=0').expect(400);
    expect(bad.body.details[0].field).toBe('limit');
    await request(t.http).get('/api/status/units?limit=501').expect(400);
    await request(t.http).get('/api/status/units?parent=OV-NONE').expect(404);
  });

  it('a unit-scoped viewer starts at its own unit and cannot look above or beside it', async () => {
    const top = await as(viewerA, '/api/status/units').expect(200);
    expect(top.body.items.map((u: UnitItem) => [u.code, u.total, u.worst])).toEqual([
      ['OV-A', 2, 'down'],
    ]);
    const below = await as(viewerA, '/api/status/units?parent=OV-A').expect(200);
    expect(below.body.items.map((u: UnitItem) => u.code)).toEqual(['OV-A1']);
    await as(viewerA, '/api/status/units?parent=OV-P').expect(404);
    await as(viewerA, `/api/status/units?parent=${ids.B}`).expect(404);
  });

  it('needs a sign-in', async () => {
    await request(t.http).get('/api/status/units').set('Authorization', '').expect(401);
  });
});

describe('GET /api/status/failing-services', () => {
  it('lists active services with a failing IPv6 or DNSSEC check, worst first', async () => {
    const res = await request(t.http).get('/api/status/failing-services').expect(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: ids.svcA,
        hostname: 'www.a.example.test',
        failing: [{ kind: 'dnssec', family: null, state: 'down', reason: 'RRSIG expired' }],
      }),
      expect.objectContaining({
        id: ids.svcB,
        failing: [{ kind: 'ipv6-web', family: null, state: 'degraded', reason: null }],
      }),
    ]);
  });

  it('is bounded and counts the rest', async () => {
    const res = await request(t.http).get('/api/status/failing-services?limit=1').expect(200);
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual([ids.svcA]);
    expect(res.body.total).toBe(2);
    const past = await request(t.http)
      .get('/api/status/failing-services?limit=1&offset=5')
      .expect(200);
    expect(past.body).toMatchObject({ items: [], total: 2 });
    await request(t.http).get('/api/status/failing-services?limit=101').expect(400);
  });

  it('shows a scoped viewer only its subtree', async () => {
    const res = await as(viewerA, '/api/status/failing-services').expect(200);
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual([ids.svcA]);
    expect(res.body.total).toBe(1);
  });
});

describe('GET /api/status/dnssec-expiring', () => {
  it('lists signatures expiring within the window from each check’s latest result', async () => {
    const res = await request(t.http).get('/api/status/dnssec-expiring?days=14').expect(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      checkId: ids.aDnssec,
      objectType: 'service',
      objectId: ids.svcA,
      hostname: 'www.a.example.test',
      name: 'a.example.test',
      daysLeft: 5,
    });
  });

  it('a wider window brings later expiries, soonest first', async () => {
    const res = await request(t.http).get('/api/status/dnssec-expiring?days=90').expect(200);
    expect(res.body.items.map((i: { checkId: string }) => i.checkId)).toEqual([
      ids.aDnssec,
      ids.bDnssec,
    ]);
  });

  it('refuses a window outside 1-365 days', async () => {
    const res = await request(t.http).get('/api/status/dnssec-expiring?days=0').expect(400);
    expect(res.body.details[0].field).toBe('days');
  });

  it('shows a scoped viewer only its subtree', async () => {
    const res = await as(viewerA, '/api/status/dnssec-expiring?days=90').expect(200);
    expect(res.body.items.map((i: { checkId: string }) => i.checkId)).toEqual([ids.aDnssec]);
  });
});
