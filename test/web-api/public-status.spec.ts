import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../src/config/config.loader';
import { ResultWriter } from '../../src/monitoring/results/result-writer';
import { startTestApp, TestApp } from '../support/app';
import { insertCheck, insertService, insertUnit } from './overview-fixtures';

/**
 * The public status page's API answers without a sign-in, only for the services named in
 * `publicStatus.services`, and with nothing internal: no ids, addresses, reasons or units.
 */
let t: TestApp;
let ds: DataSource;
const ids: Record<string, string> = {};
const SECRET_ADDRESS = '2001:db8:5ec::7';

beforeAll(async () => {
  t = await startTestApp({
    NETWATCH_MONITORING: 'false',
    NETWATCH_PUBLIC_STATUS_TITLE: 'Trạng thái thử',
    NETWATCH_PUBLIC_STATUS_SERVICES:
      'website:www.portal.test, mail_domain:mail.test, dichvucong.test, www.retired.test',
  });
  ds = t.app.get(DataSource);
  const unit = await insertUnit(ds, 'PS-UNIT-SECRET', null);
  const svc = async (key: string, kind: string, hostname: string, status = 'active') => {
    ids[key] = await insertService(ds, unit, kind, hostname, status);
    return { id: ids[key], unitId: unit };
  };
  const portal = await svc('portal', 'website', 'www.portal.test');
  const mail = await svc('mail', 'mail_domain', 'mail.test');
  const zone = await svc('zone', 'dns_zone', 'mail.test');
  await svc('dvc', 'public_service', 'dichvucong.test');
  const secret = await svc('secret', 'website', 'www.secret.test');
  const retired = await svc('retired', 'website', 'www.retired.test', 'retired');

  const reason = [{ code: 'no_route', message: `no route to ${SECRET_ADDRESS}` }];
  ids.portalHttp = await insertCheck(ds, portal, 'http', 4, 'up');
  ids.portalV6 = await insertCheck(ds, portal, 'ipv6-web', null, 'down', reason);
  ids.mailSmtp = await insertCheck(ds, mail, 'smtp', 4, 'down', reason);
  await insertCheck(ds, zone, 'dnssec', null, 'down', reason);
  await insertCheck(ds, secret, 'http', 4, 'down', reason);
  await insertCheck(ds, retired, 'http', 4, 'up');

  // Through the writer, so the rollups the uptime is read from are filled.
  const writer = new ResultWriter(ds);
  const now = Date.now();
  const result = (checkId: string, minutesAgo: number, status: 'up' | 'down') =>
    writer.write({
      checkId,
      at: new Date(now - minutesAgo * 60_000),
      status,
      durationMs: 5,
      runId: randomUUID(),
      reasons: status === 'down' ? reason : [],
    });
  for (const m of [5, 10, 15]) result(ids.portalHttp, m, 'up');
  result(ids.portalHttp, 20, 'down');
  // IPv6 failing does not count against the public uptime (IPv4 visitors got through).
  for (const m of [5, 10]) result(ids.portalV6, m, 'down');
  result(ids.mailSmtp, 5, 'down');
  await writer.close();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

interface PublicService {
  name: string;
  hostname: string;
  kind: string;
  state: string;
  uptime: Record<string, number | null>;
}

describe('GET /api/public/status', () => {
  let body: { title: string; titleEn: string | null; services: PublicService[] };
  let raw = '';

  beforeAll(async () => {
    const res = await request(t.http).get('/api/public/status').set('Authorization', '');
    expect(res.status).toBe(200);
    body = res.body as typeof body;
    raw = res.text;
  });

  it('answers without a sign-in with the configured services in the configured order', () => {
    expect(body.title).toBe('Trạng thái thử');
    expect(body.titleEn).toBeNull();
    expect(body.services.map((s) => [s.kind, s.hostname])).toEqual([
      ['website', 'www.portal.test'],
      ['mail_domain', 'mail.test'],
      ['public_service', 'dichvucong.test'],
    ]);
  });

  it('leaves out services that are not listed, other kinds of a listed name, and retired ones', () => {
    expect(raw).not.toContain('www.secret.test');
    expect(raw).not.toContain('dns_zone');
    expect(raw).not.toContain('www.retired.test');
  });

  it('gives one state word per service: IPv6 failing is degraded, IPv4 mail failing an outage', () => {
    expect(body.services.map((s) => s.state)).toEqual(['degraded', 'outage', 'unknown']);
  });

  it('gives the uptime over 24 h and 30 days from the availability checks', () => {
    expect(body.services[0].uptime).toEqual({ '24h': 75, '30d': 75 });
    expect(body.services[1].uptime).toEqual({ '24h': 0, '30d': 0 });
    expect(body.services[2].uptime).toEqual({ '24h': null, '30d': null });
  });

  it('carries nothing internal: no ids, addresses, reasons or units', () => {
    for (const s of body.services)
      expect(Object.keys(s).sort()).toEqual(['hostname', 'kind', 'name', 'state', 'uptime']);
    expect(raw).not.toContain(SECRET_ADDRESS);
    expect(raw).not.toContain('no route');
    expect(raw).not.toMatch(/reason/i);
    expect(raw).not.toContain('PS-UNIT-SECRET');
    for (const id of Object.values(ids)) expect(raw).not.toContain(id);
  });

  it('is also answered to a signed-in caller, the same way', async () => {
    const res = await request(t.http).get('/api/public/status').expect(200);
    expect(res.body.services).toEqual(body.services);
  });
});

describe('publicStatus.services in the configuration', () => {
  const problems = (value: string) => {
    try {
      loadConfig({ env: { NETWATCH_PUBLIC_STATUS_SERVICES: value, NETWATCH_DATA_DIR: '/tmp/x' } });
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it('accepts host names, kind:hostname and ids from the environment', () => {
    const config = loadConfig({
      env: {
        NETWATCH_PUBLIC_STATUS_SERVICES: `www.a.test,mail_domain:a.test,${randomUUID()}`,
      },
    });
    expect(config.publicStatus.services).toHaveLength(3);
  });

  it('names the key and the bad entry', () => {
    const p = problems('planet:www.a.test,not a host');
    expect(p).toHaveLength(2);
    expect(p[0]).toContain('publicStatus.services');
    expect(p[0]).toContain('planet:www.a.test');
    expect(p[1]).toContain('not a host');
  });

  it('ships with the example’s shared services', () => {
    expect(loadConfig({ env: {} }).publicStatus.services).toEqual(
      expect.arrayContaining(['website:www.lamdong.gov.vn', 'mail_domain:lamdong.gov.vn']),
    );
  });
});
