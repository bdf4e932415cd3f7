/**
 * The per-family adapters (http, tls, tcp, icmp) against loopback servers, with host names
 * resolved by the in-process authoritative server: each check sends only to addresses of its
 * own family, never outside the scope, and ends within its deadline.
 */
import { ProbeScope } from '../../../probes/scope';
import { start, type RunningServer } from '../../support/dns/authoritative-server';
import {
  blackHole,
  httpServer,
  listen,
  listenBoth,
  tlsServer,
  type Running,
} from '../../probes/http/servers';
import { a, aaaa, zone } from '../../probes/ipv6/servers';
import { makeCa, makeLeaf, type Issued } from '../../probes/tls/certs';
import { check, codes, expectWellFormed, fakePing, runnerFor } from './support';

describe('CheckRunner per-family adapters', () => {
  let dns: RunningServer;
  let web: Awaited<ReturnType<typeof listenBoth>>;
  let ca: Issued;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    dns = await start({
      zones: [
        zone('example.test', [
          a('www.example.test', '127.0.0.1'),
          aaaa('www.example.test', '::1'),
          a('v4only.example.test', '127.0.0.1'),
          a('far.example.test', '127.0.0.2'),
          aaaa('v6only.example.test', '::1'),
        ]),
      ],
    });
    web = await listenBoth(() =>
      httpServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`hello over ${req.socket.localAddress}`);
      }),
    );
    ca = await makeCa();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await web.close();
    await dns.stop();
  });

  const url = (host: string) => `http://${host}:${web.port}/`;

  describe('http', () => {
    it.each([4, 6] as const)(
      'is up over IPv%i, to that family only, with the total latency',
      async (family) => {
        const before = { v4: web.v4.connections, v6: web.v6.connections };
        const r = await runnerFor({ dnsPort: dns.port }).run(
          check('http', { url: url('www.example.test'), host: 'www.example.test' }, { family }),
        );
        expectWellFormed(r);
        expect(r.status).toBe('up');
        expect(r.family).toBe(family);
        expect(r.latencyMs).toEqual(expect.any(Number));
        expect(r.latencyMs).toBeGreaterThan(0);
        expect(r.observations).toMatchObject({
          address: family === 4 ? '127.0.0.1' : '::1',
          status: 200,
        });
        const other = family === 4 ? 'v6' : 'v4';
        const same = family === 4 ? 'v4' : 'v6';
        expect(web[other].connections).toBe(before[other]);
        expect(web[same].connections).toBeGreaterThan(before[same]);
        // The A/AAAA question of the family went to the configured resolver, the other never.
        const types = dns.queries.filter((q) => q.name === 'www.example.test').map((q) => q.type);
        expect(types).toContain(family === 4 ? 'A' : 'AAAA');
      },
    );

    it('is not_tested "no AAAA record" for a host without one, and sends nothing', async () => {
      const before = web.v6.connections + web.v4.connections;
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check(
          'http',
          { url: url('v4only.example.test'), host: 'v4only.example.test' },
          { family: 6 },
        ),
      );
      expect(r.status).toBe('not_tested');
      expect(r.family).toBeNull();
      expect(r.latencyMs).toBeNull();
      expect(r.reasons[0]).toEqual({
        code: 'no_address',
        message: 'no AAAA record for v4only.example.test',
      });
      expect(web.v6.connections + web.v4.connections).toBe(before);
    });

    it('is not_tested "outside probe scope" when the address is excluded, and the server sees nothing', async () => {
      const far = await listen(
        httpServer((_req, res) => res.end('far')),
        '127.0.0.2',
      );
      closers.push(() => far.close());
      const target = { url: `http://far.example.test:${far.port}/`, host: 'far.example.test' };
      const scoped = runnerFor({
        dnsPort: dns.port,
        scope: ProbeScope.parse('127.0.0.1/32,::1/128'),
      });
      const r = await scoped.run(check('http', target, { family: 4 }));
      expect(r.status).toBe('not_tested');
      expect(codes(r.reasons)).toEqual(['outside_scope']);
      expect(r.reasons[0].message).toBe('outside probe scope: 127.0.0.2');
      expect(far.connections).toBe(0);
      // The same check with the address in scope does reach the server.
      const open = await runnerFor({ dnsPort: dns.port }).run(check('http', target, { family: 4 }));
      expect(open.status).toBe('up');
      expect(far.connections).toBe(1);
    });

    it('is not_tested when the resolver itself is outside the scope, and asks it nothing', async () => {
      const asked = dns.queries.length;
      const runner = runnerFor({ dnsPort: dns.port, scope: ProbeScope.parse('::1/128') });
      const r = await runner.run(
        check('http', { url: url('www.example.test'), host: 'www.example.test' }, { family: 6 }),
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0].code).toBe('outside_scope');
      expect(r.reasons[0].message).toContain('127.0.0.1');
      expect(dns.queries.length).toBe(asked);
    });

    it('ends a black-hole target at the check deadline, down', async () => {
      const hole = await listen(blackHole(), '127.0.0.1');
      closers.push(() => hole.close());
      const started = performance.now();
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check(
          'http',
          { url: `http://127.0.0.1:${hole.port}/`, host: '127.0.0.1' },
          { family: 4, timeoutMs: 400 },
        ),
      );
      const elapsed = performance.now() - started;
      expect(r.status).toBe('down');
      expect(codes(r.reasons)).toContain('deadline');
      expect(hole.connections).toBe(1);
      expect(elapsed).toBeLessThan(400 + 500);
      expect(r.durationMs).toBeGreaterThanOrEqual(390);
    });

    it('reports unusable settings as not_tested/invalid_settings, not as the target down', async () => {
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check(
          'http',
          { url: url('www.example.test'), host: 'www.example.test' },
          {
            family: 4,
            settings: { maxRedirects: 'five' },
          },
        ),
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0].code).toBe('invalid_settings');
      expect(r.reasons[0].message).toContain('settings.maxRedirects');
    });
  });

  describe('tls', () => {
    let tls: Running<ReturnType<typeof tlsServer>>;
    beforeAll(async () => {
      const leaf = await makeLeaf(ca, { dns: ['www.example.test'], ips: [] });
      tls = await listen(tlsServer({ cert: leaf.cert, key: leaf.key }), '::1');
      closers.push(() => tls.close());
    });

    it('is up over IPv6 with a valid chain for the name, and keeps no certificate bytes', async () => {
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check(
          'tls',
          { host: 'www.example.test' },
          { family: 6, settings: { port: tls.port, ca: ca.cert } },
        ),
      );
      expectWellFormed(r);
      expect(r.status).toBe('up');
      expect(r.family).toBe(6);
      expect(r.latencyMs).toBeNull();
      expect(tls.server.servernames).toContain('www.example.test');
      expect(r.observations).toMatchObject({
        address: '::1',
        chainValid: true,
        hostnameMatch: true,
      });
      expect(JSON.stringify(r.observations)).not.toMatch(/BEGIN CERTIFICATE/);
    });

    it('is not_tested for a family the host has no record of', async () => {
      const before = tls.connections;
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check('tls', { host: 'v4only.example.test' }, { family: 6, settings: { port: tls.port } }),
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0].message).toBe('no AAAA record for v4only.example.test');
      expect(tls.connections).toBe(before);
    });
  });

  describe('the service database is never a target', () => {
    it('an http or tcp check pointed at a denied port is not_tested and sends nothing', async () => {
      const db = await listen(
        httpServer((_req, res) => res.end('not a web site')),
        '127.0.0.1',
      );
      closers.push(() => db.close());
      const guarded = runnerFor({
        dnsPort: dns.port,
        scope: ProbeScope.parse('127.0.0.0/8,::1/128').withDenied([
          { cidr: '127.0.0.0/8', port: db.port },
        ]),
      });
      const http = await guarded.run(
        check(
          'http',
          { url: `http://v4only.example.test:${db.port}/`, host: 'v4only.example.test' },
          { family: 4 },
        ),
      );
      expect(http.status).toBe('not_tested');
      expect(codes(http.reasons)).toContain('outside_scope');
      const tcp = await guarded.run(
        check(
          'tcp',
          { deviceId: 'd1', address: '127.0.0.1' },
          { family: 4, settings: { port: db.port } },
        ),
      );
      expect(tcp.status).toBe('not_tested');
      expect(db.connections).toBe(0);
      // Another port on the same address is still probed.
      const other = await guarded.run(
        check(
          'tcp',
          { deviceId: 'd1', address: '127.0.0.1' },
          { family: 4, settings: { port: web.port } },
        ),
      );
      expect(other.status).toBe('up');
    });
  });

  describe('tcp', () => {
    it('is up on a device address with the connect latency', async () => {
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check(
          'tcp',
          { deviceId: 'd1', address: '127.0.0.1' },
          { family: 4, settings: { port: web.port } },
        ),
      );
      expectWellFormed(r);
      expect(r.status).toBe('up');
      expect(r.family).toBe(4);
      expect(r.latencyMs).toEqual(expect.any(Number));
      expect(r.observations).toMatchObject({
        addresses: ['127.0.0.1'],
        results: [{ address: '127.0.0.1', status: 'up' }],
      });
    });

    it('resolves a host name to its AAAA only for a family-6 check', async () => {
      const before = web.v4.connections;
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check('tcp', { host: 'www.example.test' }, { family: 6, settings: { port: web.port } }),
      );
      expect(r.status).toBe('up');
      expect(r.observations).toMatchObject({ addresses: ['::1'] });
      expect(web.v4.connections).toBe(before);
    });

    it('is not_tested "no A record" for a family the name lacks, and down for a name that does not exist', async () => {
      const runner = runnerFor({ dnsPort: dns.port });
      const none = await runner.run(
        check('tcp', { host: 'v6only.example.test' }, { family: 4, settings: { port: web.port } }),
      );
      expect(none.status).toBe('not_tested');
      expect(none.reasons[0]).toEqual({
        code: 'no_address',
        message: 'no A record for v6only.example.test',
      });
      const missing = await runner.run(
        check('tcp', { host: 'nothing.example.test' }, { family: 4, settings: { port: web.port } }),
      );
      expect(missing.status).toBe('down');
      expect(missing.reasons[0].code).toBe('nxdomain');
    });

    it('is not_tested when the device address is outside the scope', async () => {
      const before = web.v4.connections;
      const r = await runnerFor({
        dnsPort: dns.port,
        scope: ProbeScope.parse('::1/128,127.0.0.1/32'),
      }).run(
        check(
          'tcp',
          { deviceId: 'd1', address: '127.0.0.2' },
          { family: 4, settings: { port: web.port } },
        ),
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0].code).toBe('outside_scope');
      expect(web.v4.connections).toBe(before);
    });

    it('needs settings.port', async () => {
      const r = await runnerFor({ dnsPort: dns.port }).run(
        check('tcp', { deviceId: 'd1', address: '127.0.0.1' }, { family: 4 }),
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0]).toMatchObject({ code: 'invalid_settings' });
    });
  });

  describe('icmp', () => {
    it('pings the device address with its own family and reports the average round trip', async () => {
      const ping = fakePing();
      const r = await runnerFor({ dnsPort: dns.port, pingCommand: ping.command }).run(
        check('icmp', { deviceId: 'd1', address: '127.0.0.1' }, { family: 4 }),
      );
      expectWellFormed(r);
      expect(r.status).toBe('up');
      expect(r.family).toBe(4);
      expect(r.latencyMs).toBe(0.06);
      expect(ping.args()).toMatch(/-4 127\.0\.0\.1 $/);
    });

    it('is not_tested "no AAAA record" and runs no ping for a v4-only host', async () => {
      const ping = fakePing();
      const r = await runnerFor({ dnsPort: dns.port, pingCommand: ping.command }).run(
        check('icmp', { host: 'v4only.example.test' }, { family: 6 }),
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0].message).toBe('no AAAA record for v4only.example.test');
      expect(ping.args()).toBe('');
    });
  });
});
