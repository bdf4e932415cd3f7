/**
 * ipv6-web, ipv6-mail and smtp checks: loopback HTTP and SMTP servers on 127.0.0.1 and ::1,
 * names served by the in-process authoritative server, the probe host's IPv6 anchor on ::1.
 */
import * as net from 'node:net';
import { ProbeScope } from '../../../probes/scope';
import { start, type RunningServer } from '../../support/dns/authoritative-server';
import { listen } from '../../probes/http/servers';
import { a, aaaa, mx, page, startHttpPair, startSmtpPair, zone } from '../../probes/ipv6/servers';
import { check, codes, expectWellFormed, runnerFor } from './support';

describe('CheckRunner IPv6 readiness and smtp', () => {
  let dns: RunningServer;
  let web: Awaited<ReturnType<typeof startHttpPair>>;
  let smtp: Awaited<ReturnType<typeof startSmtpPair>>;
  let anchor: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    dns = await start({
      zones: [
        zone('example.test', [
          a('www.example.test', '127.0.0.1'),
          aaaa('www.example.test', '::1'),
          a('v4only.example.test', '127.0.0.1'),
          mx('example.test', 10, 'mail.example.test'),
          a('mail.example.test', '127.0.0.1'),
          aaaa('mail.example.test', '::1'),
          mx('v4mail.example.test', 10, 'mx4.example.test'),
          a('mx4.example.test', '127.0.0.1'),
          mx('far.example.test', 10, 'mxfar.example.test'),
          a('mxfar.example.test', '127.0.0.2'),
        ]),
      ],
    });
    const body = '<html><body>the same page on both families</body></html>';
    web = await startHttpPair(
      (_req, res) => page(res, 200, body),
      (_req, res) => page(res, 200, body),
    );
    smtp = await startSmtpPair(
      { greeting: '220 mail.example.test ESMTP\r\n' },
      { greeting: '220 mail.example.test ESMTP\r\n' },
    );
    anchor = await listen(
      net.createServer((s) => s.destroy()),
      '::1',
    );
  });
  afterAll(async () => {
    await anchor.close();
    await smtp.close();
    await web.close();
    await dns.stop();
  });

  const runner = (o: { scope?: ProbeScope; anchorPort?: number } = {}) =>
    runnerFor({
      dnsPort: dns.port,
      ipv6Anchor: { kind: 'tcp', address: '::1', port: o.anchorPort ?? anchor.port },
      scope: o.scope,
    });
  const webCheck = (host: string) =>
    check(
      'ipv6-web',
      { host, path: '/' },
      {
        settings: { ports: [{ port: web.port, scheme: 'http' }], requestTimeoutMs: 2000 },
      },
    );

  it('ipv6-web: the result is the IPv6 verdict, with both families and the grid observed', async () => {
    const r = await runner().run(webCheck('www.example.test'));
    expectWellFormed(r);
    expect(r.status).toBe('up');
    expect(r.family).toBe(6);
    expect(r.observations).toMatchObject({
      kind: 'web-readiness',
      ipv4: { status: 'up', addresses: ['127.0.0.1'] },
      ipv6: { status: 'up', addresses: ['::1'] },
      grid: { assigned: true, operational: true },
      selfTest: { ipv6: true },
    });
    expect(web.v6.requests.length).toBeGreaterThan(0);
  });

  it('ipv6-web: a host without AAAA fails its IPv6 verdict while IPv4 is up', async () => {
    const r = await runner().run(webCheck('v4only.example.test'));
    // internet.nl web_aaaa: no AAAA is a failed IPv6 verdict, not an untestable one.
    expect(r.status).toBe('down');
    expect(r.family).toBeNull();
    expect(r.observations).toMatchObject({
      ipv4: { status: 'up' },
      grid: { assigned: false, operational: false },
    });
  });

  it('ipv6-web: not_tested when the probe host cannot reach its IPv6 anchor', async () => {
    const closed = await listen(net.createServer(), '::1');
    await closed.close();
    const r = await runner({ anchorPort: closed.port }).run(webCheck('www.example.test'));
    expect(r.status).toBe('not_tested');
    expect(r.reasons.map((x) => x.code)).toContain('probe_host_no_ipv6');
    expect(r.observations).toMatchObject({ ipv4: { status: 'up' }, selfTest: { ipv6: false } });
  });

  it('ipv6-mail: the IPv6 verdict of the MX set, both families observed', async () => {
    const r = await runner().run(
      check(
        'ipv6-mail',
        { domain: 'example.test' },
        {
          settings: { port: smtp.port, requestTimeoutMs: 2000 },
        },
      ),
    );
    expectWellFormed(r);
    expect(r.status).toBe('up');
    expect(r.family).toBe(6);
    expect(r.observations).toMatchObject({
      kind: 'mail-readiness',
      acceptsMail: true,
      ipv4: { status: 'up' },
      ipv6: { status: 'up', addresses: ['::1'] },
      grid: { assigned: true, operational: true },
    });
  });

  it.each([4, 6] as const)(
    'smtp over IPv%i greets 220 on the MX addresses of that family only',
    async (family) => {
      const before = { 4: smtp.v4.connections, 6: smtp.v6.connections };
      const r = await runner().run(
        check('smtp', { domain: 'example.test' }, { family, settings: { port: smtp.port } }),
      );
      expectWellFormed(r);
      expect(r.status).toBe('up');
      expect(r.family).toBe(family);
      expect(r.observations).toMatchObject({
        mx: ['10 mail.example.test.'],
        addresses: [family === 4 ? '127.0.0.1' : '::1'],
      });
      const other = family === 4 ? 6 : 4;
      expect((family === 4 ? smtp.v4 : smtp.v6).connections).toBe(before[family] + 1);
      expect((other === 4 ? smtp.v4 : smtp.v6).connections).toBe(before[other]);
    },
  );

  it('smtp over IPv6 is not_tested "no AAAA record" when the MX hosts have none', async () => {
    const before = smtp.v6.connections + smtp.v4.connections;
    const r = await runner().run(
      check(
        'smtp',
        { domain: 'v4mail.example.test' },
        { family: 6, settings: { port: smtp.port } },
      ),
    );
    expect(r.status).toBe('not_tested');
    expect(r.reasons[0].code).toBe('no_address');
    expect(r.reasons[0].message).toMatch(
      /^no AAAA record for the mail hosts of v4mail\.example\.test\./,
    );
    expect(smtp.v6.connections + smtp.v4.connections).toBe(before);
  });

  it('smtp to an MX outside the scope is not_tested, and the server sees nothing', async () => {
    const far = await listen(
      net.createServer((s) => s.end('220 far ESMTP\r\n')),
      '127.0.0.2',
    );
    try {
      const r = await runner({ scope: ProbeScope.parse('127.0.0.1/32,::1/128') }).run(
        check('smtp', { domain: 'far.example.test' }, { family: 4, settings: { port: far.port } }),
      );
      expect(r.status).toBe('not_tested');
      expect(codes(r.reasons)).toEqual(['outside_scope']);
      expect(r.reasons[0].message).toBe('outside probe scope: 127.0.0.2');
      expect(far.connections).toBe(0);
      // In scope, the same check does reach it.
      const open = await runner().run(
        check('smtp', { domain: 'far.example.test' }, { family: 4, settings: { port: far.port } }),
      );
      expect(open.status).toBe('up');
      expect(far.connections).toBe(1);
    } finally {
      await far.close();
    }
  });

  it('smtp to a silent server ends at the check deadline', async () => {
    const silent = await listen(
      net.createServer((s) => s.on('error', () => undefined)),
      '127.0.0.1',
    );
    try {
      const started = performance.now();
      const r = await runner().run(
        check(
          'smtp',
          { domain: 'v4mail.example.test' },
          {
            family: 4,
            timeoutMs: 400,
            settings: { port: silent.port, requestTimeoutMs: 10_000 },
          },
        ),
      );
      expect(r.status).toBe('down');
      expect(codes(r.reasons)).toContain('deadline');
      expect(performance.now() - started).toBeLessThan(400 + 500);
    } finally {
      await silent.close();
    }
  });
});
