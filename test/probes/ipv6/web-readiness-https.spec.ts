import { ServerLookup } from '../../../probes/dns/lookup';
import { UdpTcpTransport } from '../../../probes/dns/transport';
import { ipv6SelfTest } from '../../../probes/ipv6/self-test';
import { checkWebReadiness, type WebReadinessSettings } from '../../../probes/ipv6/web-readiness';
import { start, type RunningServer } from '../../support/dns/authoritative-server';
import { makeCa, makeLeaf, type Issued } from '../tls/certs';
import { a, aaaa, page, startHttpPair, zone, type HttpHandler } from './servers';

/** HTTPS on both families: the certificate each family presents is compared, not required. */
describe('checkWebReadiness over HTTPS', () => {
  let dns: RunningServer;
  let ca: Issued;
  let good: Issued;
  let wrongName: Issued;
  let settings: (port: number) => WebReadinessSettings;
  const servers: { close(): Promise<void> }[] = [];
  const ok: HttpHandler = (_req, res) => page(res, 200, '<p>Cổng thông tin</p>');

  beforeAll(async () => {
    ca = await makeCa();
    good = await makeLeaf(ca, { dns: ['secure.web.test'], ips: [] });
    wrongName = await makeLeaf(ca, { dns: ['other.web.test'], ips: [] });
    dns = await start({
      zones: [
        zone('web.test', [a('secure.web.test', '127.0.0.1'), aaaa('secure.web.test', '::1')]),
      ],
    });
    const anchor = { kind: 'tcp' as const, address: '::1', port: dns.port };
    const selfTest = await ipv6SelfTest({ anchor });
    const lookup = new ServerLookup(new UdpTcpTransport(), {
      address: '127.0.0.1',
      port: dns.port,
    });
    settings = (port) => ({
      lookup,
      selfTest: { result: selfTest },
      ports: [{ port, scheme: 'https' }],
      timeoutMs: 2000,
      ca: ca.cert,
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await dns?.stop();
  });

  const context = () => ({ signal: new AbortController().signal, now: () => new Date() });

  it('the same valid certificate on both families: up, certificates equal', async () => {
    const p = await startHttpPair(ok, ok, { v4: good, v6: good });
    servers.push(p);
    const r = await checkWebReadiness('secure.web.test', settings(p.port), context());
    expect([r.ipv4.status, r.ipv6.status]).toEqual(['up', 'up']);
    expect(r.comparison.pairs[0]).toMatchObject({
      scheme: 'https',
      tls: { ipv4Authorized: true, ipv6Authorized: true, equal: true },
      equal: true,
    });
    expect(r.ipv6.observations.http[0].url).toBe(`https://secure.web.test:${p.port}/`);
    expect(r.ipv6.observations.http[0].tls?.authorized).toBe(true);
  });

  it('a certificate for another name over IPv6 only: ipv6 degraded', async () => {
    const p = await startHttpPair(ok, ok, { v4: good, v6: wrongName });
    servers.push(p);
    const r = await checkWebReadiness('secure.web.test', settings(p.port), context());
    expect(r.ipv4.status).toBe('up');
    expect(r.ipv6.status).toBe('degraded');
    expect(r.ipv6.reasons.map((x) => x.code)).toEqual(['ipv6_web_degraded', 'certificate_differs']);
    expect(r.ipv6.reasons[1].message).toContain('not valid over IPv6, valid over IPv4');
    expect(r.grid.operational).toBe(true);
  });
});
