import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/app';

/**
 * GET /api/status/scorecards (paged, searchable list of domains with their four verdicts) and
 * GET /api/status/scorecards/:domain (one card with reasons and latest observations), on real
 * rows: services through the API, checks, states and raw results as the engine writes them.
 */
let t: TestApp;
let ds: DataSource;
const ids: Record<string, string> = {};
let scopedViewer = '';

async function service(kind: string, hostname: string, name: string, unitId: string) {
  const res = await request(t.http)
    .post('/api/services')
    .send({ kind, hostname, name, unitId })
    .expect(201);
  return res.body.id as string;
}

async function check(
  serviceId: string,
  unitId: string,
  kind: string,
  state: string | null,
  reasons: { code: string; message: string }[] = [],
  observations?: object,
) {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO checks (key, object_type, object_id, unit_id, kind, target, interval_seconds,
       timeout_ms, origin)
     VALUES ($1, 'service', $2, $3, $4, '{}', 60, 1000, 'default') RETURNING id`,
    [`service:${serviceId}:${kind}`, serviceId, unitId, kind],
  );
  const id = rows[0].id;
  if (state)
    await ds.query(
      `INSERT INTO check_states (check_id, state, counters, since, last_result_at, last_change_at, last_reasons)
       VALUES ($1, $2, '{"up":0,"notDown":0,"bad":0,"down":0,"notTested":0}', now(), now(), now(), $3)`,
      [id, state, JSON.stringify(reasons)],
    );
  if (observations) {
    // An older result first: the card must show the latest one.
    for (const [ago, obs] of [
      ['2 hours', { status: 'insecure' }],
      ['1 minute', observations],
    ] as const)
      await ds.query(
        `INSERT INTO check_results (check_id, at, status, duration_ms, reasons, observations, run_id)
         VALUES ($1, now() - $2::interval, $3, 10, $4, $5, $6)`,
        [id, ago, state ?? 'unknown', JSON.stringify(reasons), JSON.stringify(obs), randomUUID()],
      );
  }
  return id;
}

beforeAll(async () => {
  t = await startTestApp({ NETWATCH_MONITORING: 'false' });
  ds = t.app.get(DataSource);
  const unit = async (code: string, parentId: string | null) =>
    (
      await request(t.http)
        .post('/api/units')
        .send({ code, kind: 'department', name: code, parentId })
        .expect(201)
    ).body.id as string;
  ids.P = await unit('SCP', null);
  ids.A = await unit('SCA', ids.P);
  ids.B = await unit('SCB', ids.P);

  // Zone example.vn (unit P): NS IPv6 up, DNSSEC secure with algorithms and expiry.
  ids.zone = await service('dns_zone', 'example.vn', 'Vùng example.vn', ids.P);
  await check(ids.zone, ids.P, 'ns-ipv6', 'up', [], {
    zone: 'example.vn.',
    nameServers: [
      {
        name: 'ns1.example.vn.',
        addresses: [
          { address: '::1', family: 6, udp: { ok: true, rttMs: 2 }, tcp: { ok: true } },
          { address: '127.0.0.1', family: 4, udp: { ok: true }, tcp: { ok: false, error: 'x' } },
        ],
      },
    ],
    atLeastTwoNameServers: true,
    ipv6: { nameServersWithIpv6: 2, atLeastTwo: true },
    consistency: { soaAgrees: true, soaSerials: [7], dnskeyAgrees: true },
    problems: [],
  });
  await check(
    ids.zone,
    ids.P,
    'dnssec',
    'degraded',
    [{ code: 'signature_expiring', message: 'signatures of example.vn. expire in 3 days' }],
    {
      name: 'example.vn.',
      type: 'SOA',
      status: 'secure',
      reasons: ['example.vn. SOA is secure'],
      earliestExpiry: '2030-01-01T00:00:00Z',
      daysToExpiry: 3,
      levels: [
        {
          zone: '.',
          status: 'secure',
          anchoredBy: 'trust-anchor',
          algorithms: ['RSASHA256'],
          dsMatched: true,
        },
        {
          zone: 'example.vn.',
          status: 'secure',
          anchoredBy: 'ds',
          algorithms: ['ECDSAP256SHA256'],
          dsMatched: true,
        },
      ],
      warnings: [],
      answer: { rcode: 'NOERROR', records: [] },
      secretLookingExtra: 'not passed through',
    },
  );
  // Mail on the same name (unit P): down.
  ids.mail = await service('mail_domain', 'example.vn', 'Thư công vụ', ids.P);
  await check(ids.mail, ids.P, 'ipv6-mail', 'down', [
    { code: 'mx_without_aaaa', message: 'mx.example.vn has no AAAA' },
  ]);
  // Website in unit A: IPv6 web up, DNSSEC bogus; name servers inherited from the zone.
  ids.web = await service('website', 'www.example.vn', 'Cổng thông tin Đà Lạt', ids.A);
  await check(ids.web, ids.A, 'ipv6-web', 'up');
  await check(ids.web, ids.A, 'dnssec', 'down', [
    { code: 'dnssec_bogus', message: 'www.example.vn. A is bogus' },
  ]);
  // Website in unit B without any state yet.
  ids.webB = await service('website', 'portal.example.vn', 'Portal B', ids.B);
  await check(ids.webB, ids.B, 'ipv6-web', null);
  // A service with no scorecard check is not a scorecard domain.
  ids.other = await service('other', 'api.example.vn', 'API', ids.B);
  await check(ids.other, ids.B, 'http', 'up');

  await request(t.http)
    .post('/api/users')
    .send({
      username: 'sc-viewer',
      role: 'viewer',
      unitId: ids.A,
      password: 'scorecard-viewer-pass',
    })
    .expect(201);
  const login = await request(t.http)
    .post('/api/auth/login')
    .set('Authorization', '')
    .send({ username: 'sc-viewer', password: 'scorecard-viewer-pass' })
    .expect(200);
  scopedViewer = login.body.token as string;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('GET /api/status/scorecards', () => {
  it('lists each domain once with its four verdicts, in name order', async () => {
    const res = await request(t.http).get('/api/status/scorecards').expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    const byDomain = Object.fromEntries(
      (
        res.body.items as {
          domain: string;
          services: unknown[];
          categories: Record<string, unknown>;
        }[]
      ).map((i) => [i.domain, i]),
    );
    expect(Object.keys(byDomain)).toEqual(['example.vn', 'portal.example.vn', 'www.example.vn']);
    expect(byDomain['example.vn']).toMatchObject({
      categories: {
        ipv6Web: { verdict: 'not_tested', state: null },
        ipv6Mail: {
          verdict: 'fail',
          state: 'down',
          reasons: [{ code: 'mx_without_aaaa', message: 'mx.example.vn has no AAAA' }],
        },
        ipv6NameServers: { verdict: 'pass', inheritedFrom: null },
        dnssec: { verdict: 'warning', state: 'degraded' },
      },
    });
    expect(byDomain['example.vn'].services).toHaveLength(2);
    expect(byDomain['www.example.vn']).toMatchObject({
      categories: {
        ipv6Web: { verdict: 'pass' },
        ipv6NameServers: { verdict: 'pass', inheritedFrom: 'example.vn' },
        dnssec: { verdict: 'fail', reasons: [{ code: 'dnssec_bogus' }] },
      },
    });
    // A check without a state yet is not tested.
    expect(byDomain['portal.example.vn'].categories.ipv6Web).toMatchObject({
      verdict: 'not_tested',
      state: 'unknown',
    });
  });

  it('searches the domain name and the service name (accents ignored)', async () => {
    const byHost = await request(t.http).get('/api/status/scorecards?search=portal').expect(200);
    expect(byHost.body.items.map((i: { domain: string }) => i.domain)).toEqual([
      'portal.example.vn',
    ]);
    const byName = await request(t.http)
      .get(`/api/status/scorecards?search=${encodeURIComponent('da lat')}`)
      .expect(200);
    expect(byName.body.items.map((i: { domain: string }) => i.domain)).toEqual(['www.example.vn']);
    const wildcard = await request(t.http).get('/api/status/scorecards?search=%25').expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('pages on the server and refuses pages beyond the bound', async () => {
    const page = await request(t.http).get('/api/status/scorecards?limit=1&offset=1').expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.items.map((i: { domain: string }) => i.domain)).toEqual(['portal.example.vn']);
    const bad = await request(t.http)
      .get('/api/status/scorecards?limit=501&offset=-1&colour=red')
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'colour',
      'limit',
      'offset',
    ]);
  });

  it('filters by unit subtree; an unknown unit is a 404 naming it', async () => {
    const res = await request(t.http).get('/api/status/scorecards?unit=SCB').expect(200);
    expect(res.body.items.map((i: { domain: string }) => i.domain)).toEqual(['portal.example.vn']);
    await request(t.http).get('/api/status/scorecards?unit=NOPE').expect(404);
  });

  it('needs a sign-in', async () => {
    await request(t.http).get('/api/status/scorecards').set('Authorization', '').expect(401);
  });

  it('a unit-scoped viewer sees only its subtree, zone checks outside it included', async () => {
    const res = await request(t.http)
      .get('/api/status/scorecards')
      .set('Authorization', `Bearer ${scopedViewer}`)
      .expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0].domain).toBe('www.example.vn');
    // The zone's name-server check belongs to unit P, outside the viewer's unit A.
    expect(res.body.items[0].categories.ipv6NameServers).toMatchObject({
      verdict: 'not_tested',
      inheritedFrom: null,
    });
    await request(t.http)
      .get('/api/status/scorecards?unit=SCB')
      .set('Authorization', `Bearer ${scopedViewer}`)
      .expect(404);
  });
});

describe('GET /api/status/scorecards/:domain', () => {
  it('gives the card: checks, reasons and the latest observations, picked field by field', async () => {
    const res = await request(t.http).get('/api/status/scorecards/Example.VN.').expect(200);
    expect(res.body.domain).toBe('example.vn');
    expect(res.body.services.map((s: { kind: string }) => s.kind).sort()).toEqual([
      'dns_zone',
      'mail_domain',
    ]);
    const dnssec = res.body.categories.dnssec;
    expect(dnssec.verdict).toBe('warning');
    expect(dnssec.checks).toHaveLength(1);
    expect(dnssec.checks[0].reasons[0].code).toBe('signature_expiring');
    expect(dnssec.checks[0].details).toMatchObject({
      status: 'secure',
      earliestExpiry: '2030-01-01T00:00:00Z',
      daysToExpiry: 3,
      levels: [
        { zone: '.', algorithms: ['RSASHA256'] },
        { zone: 'example.vn.', algorithms: ['ECDSAP256SHA256'] },
      ],
    });
    expect(dnssec.checks[0].details).not.toHaveProperty('secretLookingExtra');
    expect(dnssec.checks[0].observedAt).not.toBeNull();
    const ns = res.body.categories.ipv6NameServers.checks[0].details;
    expect(ns.nameServers[0].addresses).toEqual([
      expect.objectContaining({
        address: '::1',
        family: 6,
        udp: { ok: true, rttMs: 2, error: null },
      }),
      expect.objectContaining({
        address: '127.0.0.1',
        tcp: { ok: false, rttMs: null, error: 'x' },
      }),
    ]);
    expect(res.body.categories.ipv6Mail.checks[0].details).toBeNull();
    expect(res.body.categories.ipv6Web).toEqual({
      verdict: 'not_tested',
      state: null,
      inheritedFrom: null,
      checks: [],
    });
  });

  it('a host inherits its zone name servers, with the zone named', async () => {
    const res = await request(t.http).get('/api/status/scorecards/www.example.vn').expect(200);
    expect(res.body.categories.ipv6NameServers).toMatchObject({
      verdict: 'pass',
      inheritedFrom: 'example.vn',
      checks: [{ domain: 'example.vn', kind: 'ns-ipv6' }],
    });
  });

  it('an unknown, malformed or scorecard-less domain is a 404 unless it has active services', async () => {
    await request(t.http).get('/api/status/scorecards/nowhere.example.vn').expect(404);
    await request(t.http).get('/api/status/scorecards/bad%20name').expect(404);
    // A service without scorecard checks still has a (not tested) card.
    const other = await request(t.http).get('/api/status/scorecards/api.example.vn').expect(200);
    expect(other.body.categories.dnssec.verdict).toBe('not_tested');
  });

  it('a domain outside a scoped viewer’s unit does not exist for it', async () => {
    await request(t.http)
      .get('/api/status/scorecards/portal.example.vn')
      .set('Authorization', `Bearer ${scopedViewer}`)
      .expect(404);
    await request(t.http)
      .get('/api/status/scorecards/www.example.vn')
      .set('Authorization', `Bearer ${scopedViewer}`)
      .expect(200);
  });
});
