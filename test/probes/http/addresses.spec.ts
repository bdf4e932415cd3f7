import * as http from 'node:http';
import { parseZone } from '../../../probes/dns/presentation';
import { candidateAddresses, dnsResolver } from '../../../probes/http/addresses';
import { HttpProbe } from '../../../probes/http/http-probe';
import { RunningServer, start } from '../../support/dns/authoritative-server';
import { context, httpServer, listenBoth } from './servers';

const ZONE = `
$TTL 300
web.test.        IN SOA ns.web.test. hostmaster.web.test. 1 3600 600 86400 300
web.test.        IN NS  ns.web.test.
ns.web.test.     IN A   127.0.0.1
www.web.test.    IN A   127.0.0.1
www.web.test.    IN AAAA ::1
v4only.web.test. IN A   127.0.0.1
mapped.web.test. IN AAAA ::ffff:127.0.0.1
`;

/**
 * dnsResolver asks for exactly the record type of the family (resolve4 or resolve6), here of
 * the in-process authoritative server on loopback, never dns.lookup or /etc/hosts.
 */
describe('dnsResolver', () => {
  let dns: RunningServer;
  let resolve: ReturnType<typeof dnsResolver>;

  beforeAll(async () => {
    dns = await start({
      zones: [{ origin: 'web.test', records: parseZone(ZONE, { origin: 'web.test' }) }],
      addresses: ['127.0.0.1'],
    });
    resolve = dnsResolver({ servers: [`127.0.0.1:${dns.port}`], timeoutMs: 500, tries: 1 });
  });
  afterAll(async () => dns.stop());
  beforeEach(() => dns.queries.splice(0));

  const asked = () => dns.queries.map((q) => `${q.name} ${q.type}`);

  it('asks A for IPv4 and AAAA for IPv6, nothing else', async () => {
    await expect(resolve('www.web.test', 4, AbortSignal.timeout(2000))).resolves.toEqual({
      ok: true,
      addresses: ['127.0.0.1'],
    });
    await expect(resolve('www.web.test', 6, AbortSignal.timeout(2000))).resolves.toEqual({
      ok: true,
      addresses: ['::1'],
    });
    expect(asked()).toEqual(['www.web.test A', 'www.web.test AAAA']);
  });

  it('calls a name without records of the family no_address, and a missing name nxdomain', async () => {
    await expect(resolve('v4only.web.test', 6, AbortSignal.timeout(2000))).resolves.toMatchObject({
      ok: false,
      code: 'no_address',
    });
    await expect(resolve('nothing.web.test', 4, AbortSignal.timeout(2000))).resolves.toMatchObject({
      ok: false,
      code: 'nxdomain',
    });
  });

  it('never counts an IPv4-mapped AAAA as IPv6', async () => {
    const c = await candidateAddresses(
      'mapped.web.test',
      6,
      undefined,
      resolve,
      AbortSignal.timeout(2000),
    );
    expect(c).toMatchObject({ ok: false, code: 'no_address', resolved: true });
  });

  it('gives up when the signal aborts (a server that drops every query)', async () => {
    const silent = await start({ zones: [], addresses: ['127.0.0.1'], onQuery: () => 'drop' });
    try {
      const r = dnsResolver({ servers: [`127.0.0.1:${silent.port}`], timeoutMs: 5000, tries: 1 });
      const started = Date.now();
      const result = await r('www.web.test', 4, AbortSignal.timeout(200));
      expect(result).toMatchObject({ ok: false, code: 'timeout' });
      expect(Date.now() - started).toBeLessThan(200 + 200);
    } finally {
      await silent.stop();
    }
  });

  it('lets the HTTP probe resolve the URL itself, in the probe’s family only', async () => {
    const both = await listenBoth((family) =>
      httpServer((_q: http.IncomingMessage, res: http.ServerResponse) => res.end(`IPv${family}`)),
    );
    try {
      const probe = new HttpProbe({ resolver: resolve });
      const out = await probe.run(
        undefined,
        { url: `http://www.web.test:${both.port}/`, family: 6, keyword: 'IPv6' },
        context(),
      );
      expect(out.status).toBe('up');
      expect(out.observations.addresses).toEqual(['::1']);
      expect(out.observations.latency.dnsMs).toBeGreaterThan(0);
      expect(asked()).toEqual(['www.web.test AAAA']);
      expect(both.v4.connections).toBe(0);
    } finally {
      await both.close();
    }
  });
});
