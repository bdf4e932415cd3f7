import { ServerLookup } from '../../../probes/dns/lookup';
import type { ZoneRecord } from '../../../probes/dns/presentation';
import { UdpTcpTransport } from '../../../probes/dns/transport';
import {
  checkMailReadiness,
  type MailReadinessResult,
  type MailReadinessSettings,
} from '../../../probes/ipv6/mail-readiness';
import { ipv6SelfTest, type SelfTestResult } from '../../../probes/ipv6/self-test';
import { ProbeScope } from '../../../probes/scope';
import { start, type RunningServer } from '../../support/dns/authoritative-server';
import {
  a,
  aaaa,
  closedPort,
  mx,
  startSmtp,
  startSmtpPair,
  zone,
  type SmtpBehaviour,
} from './servers';

const transport = new UdpTcpTransport();
const context = () => ({ signal: new AbortController().signal, now: () => new Date() });
const GREETING: SmtpBehaviour = { greeting: '220 mx.mail.test ESMTP Postfix\r\n' };
const txt = (name: string, text: string) =>
  ({ name, type: 'TXT', ttl: 300, class: 'IN', flush: false, data: [text] }) as ZoneRecord;

describe('checkMailReadiness', () => {
  let dns: RunningServer;
  let selfTestOk: SelfTestResult;
  let settings: (port: number, extra?: Partial<MailReadinessSettings>) => MailReadinessSettings;
  const servers: { close(): Promise<void> }[] = [];
  const pair = async (v4: SmtpBehaviour, v6: SmtpBehaviour) => {
    const p = await startSmtpPair(v4, v6);
    servers.push(p);
    return p;
  };

  beforeAll(async () => {
    dns = await start({
      zones: [
        zone('mail.test', [
          mx('dual.mail.test', 10, 'mx1.dual.mail.test'),
          a('mx1.dual.mail.test', '127.0.0.1'),
          aaaa('mx1.dual.mail.test', '::1'),
          mx('two.mail.test', 10, 'mx1.dual.mail.test'),
          mx('two.mail.test', 20, 'mx2.two.mail.test'),
          a('mx2.two.mail.test', '127.0.0.1'),
          mx('shared.mail.test', 10, 'mxa.shared.mail.test'),
          mx('shared.mail.test', 20, 'mxb.shared.mail.test'),
          a('mxa.shared.mail.test', '127.0.0.1'),
          aaaa('mxa.shared.mail.test', '::1'),
          a('mxb.shared.mail.test', '127.0.0.1'),
          aaaa('mxb.shared.mail.test', '::1'),
          mx('null.mail.test', 0, '.'),
          txt('nomx.mail.test', 'v=spf1 -all'),
          a('implicit.mail.test', '127.0.0.1'),
          aaaa('implicit.mail.test', '::1'),
          mx('mapped.mail.test', 10, 'mx.mapped.mail.test'),
          a('mx.mapped.mail.test', '127.0.0.1'),
          aaaa('mx.mapped.mail.test', '::ffff:127.0.0.1'),
        ]),
      ],
    });
    selfTestOk = await ipv6SelfTest({ anchor: { kind: 'tcp', address: '::1', port: dns.port } });
    expect(selfTestOk.ipv6).toBe(true);
    const lookup = new ServerLookup(transport, { address: '::1', port: dns.port });
    settings = (port, extra = {}) => ({
      lookup,
      selfTest: { result: selfTestOk },
      port,
      timeoutMs: 2000,
      ...extra,
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await dns?.stop();
  });

  const run = (domain: string, port: number, extra?: Partial<MailReadinessSettings>) =>
    checkMailReadiness(domain, settings(port, extra), context());
  const codes = (v: MailReadinessResult['ipv6']) => v.reasons.map((r) => r.code);

  it('220 on both families from every MX: two verdicts, both up', async () => {
    const p = await pair(GREETING, GREETING);
    const r = await run('dual.mail.test', p.port);
    expect(r.acceptsMail).toBe(true);
    expect(r.mx).toMatchObject({
      result: 'ok',
      nullMx: false,
      implicit: false,
      records: [{ preference: 10, exchange: 'mx1.dual.mail.test.' }],
    });
    expect(r.ipv4).toMatchObject({
      status: 'up',
      family: 4,
      addresses: ['127.0.0.1'],
      reasons: [],
    });
    expect(r.ipv6).toMatchObject({ status: 'up', family: 6, addresses: ['::1'], reasons: [] });
    expect(r.ipv6.observations.smtp).toEqual([
      expect.objectContaining({
        address: '::1',
        port: p.port,
        mxHosts: ['mx1.dual.mail.test.'],
        status: 'up',
        lines: ['mx.mail.test ESMTP Postfix'],
        quitReply: 221,
      }),
    ]);
    expect(r.grid).toEqual({ assigned: true, operational: true });
    expect([p.v4.quits, p.v6.quits]).toEqual([1, 1]);
  });

  it('an MX host without AAAA: ipv6 down naming it, ipv4 up', async () => {
    const p = await pair(GREETING, GREETING);
    const r = await run('two.mail.test', p.port);
    expect(r.ipv4.status).toBe('up');
    expect(r.ipv6.status).toBe('down');
    expect(codes(r.ipv6)).toEqual(['ipv6_mail_not_ready', 'mx_without_aaaa']);
    expect(r.ipv6.reasons[1].message).toContain('mx2.two.mail.test.');
    expect(r.ipv6.observations.smtp.map((s) => s.status)).toEqual(['up']);
    expect(r.ipv6.family).toBe(6);
    expect(r.grid).toEqual({ assigned: false, operational: false });
  });

  it('an IPv4-mapped AAAA on the MX does not count', async () => {
    const p = await pair(GREETING, GREETING);
    const r = await run('mapped.mail.test', p.port);
    expect(r.ipv6.status).toBe('down');
    expect(codes(r.ipv6)).toEqual(['ipv6_mail_not_ready', 'mx_without_aaaa']);
    expect(r.ipv6.reasons[1].message).toContain('IPv4-mapped');
    expect(r.ipv6.observations.mxHosts[0].ignored).toEqual([
      expect.objectContaining({ address: '::ffff:7f00:1' }),
    ]);
    expect(p.v4.connections).toBe(1); // only the A record's check reached the IPv4 server
  });

  it.each([
    ['a non-220 greeting', { greeting: '554 5.7.1 no service\r\n' }, 'smtp_not_220'],
    ['a silent server', 'silent', 'smtp_timeout'],
  ] as [string, SmtpBehaviour, string][])(
    '%s over IPv6: ipv6 down naming the address, ipv4 up',
    async (_what, v6, code) => {
      const p = await pair(GREETING, v6);
      const r = await run('dual.mail.test', p.port, { timeoutMs: 400 });
      expect(r.ipv4.status).toBe('up');
      expect(r.ipv6.status).toBe('down');
      expect(codes(r.ipv6)).toEqual(['ipv6_mail_not_ready', code]);
      expect(r.ipv6.reasons[1].message).toContain(`mx1.dual.mail.test. [::1]:${p.port}`);
      // The family "answered" when a reply came, even a wrong one; silence is no answer.
      expect(r.ipv6.family).toBe(code === 'smtp_not_220' ? 6 : null);
      expect(r.grid.operational).toBe(false);
    },
  );

  it('nothing listening on the IPv6 address: ipv6 down (refused)', async () => {
    const v4 = await startSmtp('127.0.0.1', GREETING);
    servers.push(v4);
    const r = await run('dual.mail.test', v4.port);
    expect(r.ipv4.status).toBe('up');
    expect(r.ipv6).toMatchObject({ status: 'down', family: null });
    expect(codes(r.ipv6)).toEqual(['ipv6_mail_not_ready', 'smtp_refused']);
  });

  it('MX hosts sharing an address are greeted once per address', async () => {
    const p = await pair(GREETING, GREETING);
    const r = await run('shared.mail.test', p.port);
    expect(r.ipv6.status).toBe('up');
    expect(r.ipv6.observations.smtp).toHaveLength(1);
    expect(r.ipv6.observations.smtp[0].mxHosts).toEqual([
      'mxa.shared.mail.test.',
      'mxb.shared.mail.test.',
    ]);
    expect([p.v4.connections, p.v6.connections]).toEqual([1, 1]);
  });

  it('a null MX means "does not accept mail": not a failure, nothing contacted', async () => {
    const p = await pair(GREETING, GREETING);
    const r = await run('null.mail.test', p.port);
    expect(r.acceptsMail).toBe(false);
    expect(r.mx).toMatchObject({ nullMx: true, records: [{ preference: 0, exchange: '.' }] });
    for (const v of [r.ipv4, r.ipv6]) {
      expect(v.status).toBe('not_tested');
      expect(codes(v)).toEqual(['null_mx']);
      expect(v.reasons[0].message).toContain('does not accept mail');
    }
    expect(r.grid).toEqual({ assigned: null, operational: null });
    expect([p.v4.connections, p.v6.connections]).toEqual([0, 0]);
  });

  it('no MX and no address: does not accept mail; no MX with addresses: implicit MX', async () => {
    const p = await pair(GREETING, GREETING);
    const none = await run('nomx.mail.test', p.port);
    expect(none.acceptsMail).toBe(false);
    expect(codes(none.ipv6)).toEqual(['no_mx']);
    const implicit = await run('implicit.mail.test', p.port);
    expect(implicit.mx.implicit).toBe(true);
    expect(implicit.ipv6.observations.mxHosts[0].name).toBe('implicit.mail.test.');
    expect([implicit.ipv4.status, implicit.ipv6.status]).toEqual(['up', 'up']);
  });

  it('a domain that does not exist is down on both families', async () => {
    const r = await run('missing.mail.test', 25);
    expect(r.acceptsMail).toBe(false);
    expect([r.ipv4.status, r.ipv6.status]).toEqual(['down', 'down']);
    expect(codes(r.ipv4)).toEqual(['domain_not_found']);
  });

  it('without IPv6 on the probe host: ipv6 not_tested, no IPv6 packet sent, ipv4 judged', async () => {
    const p = await pair(GREETING, GREETING);
    const dead = await closedPort('::1');
    const r = await run('two.mail.test', p.port, {
      selfTest: { anchor: { kind: 'tcp', address: '::1', port: dead } },
    });
    expect(r.ipv6.status).toBe('not_tested');
    expect(codes(r.ipv6)).toEqual([
      'ipv6_mail_not_tested',
      'probe_host_no_ipv6',
      'self_test_refused',
      'mx_without_aaaa',
    ]);
    expect(r.ipv4.status).toBe('up');
    expect(r.grid).toEqual({ assigned: false, operational: false });
    expect(p.v6.connections).toBe(0);

    const missing = await run('missing.mail.test', 25, { selfTest: { result: r.selfTest } });
    expect(missing.ipv6.status).toBe('not_tested');
    expect(missing.ipv4.status).toBe('down');
  });

  it('addresses outside the probe scope are not_tested', async () => {
    const p = await pair(GREETING, GREETING);
    const r = await run('dual.mail.test', p.port, { scope: ProbeScope.parse('127.0.0.0/8') });
    expect(r.ipv4.status).toBe('up');
    expect(r.ipv6.status).toBe('not_tested');
    expect(codes(r.ipv6)).toEqual(['ipv6_mail_not_tested', 'address_out_of_scope']);
    expect(r.grid).toEqual({ assigned: true, operational: null });
    expect(p.v6.connections).toBe(0);
  });
});
