import * as net from 'node:net';
import type { DnsLookup, LookupResult } from '../../../probes/dns/dnssec/validator';
import type { DnsMessage, DnsRecord } from '../../../probes/dns/message';
import { classifyAaaa, lookupAddresses } from '../../../probes/ipv6/addresses';
import { ipv6SelfTest } from '../../../probes/ipv6/self-test';
import { tcpConnect } from '../../../probes/net';
import { ProbeScope } from '../../../probes/scope';
import { closedPort, startHttp } from './servers';

describe('ipv6SelfTest', () => {
  let listener: net.Server;
  let port: number;
  let accepted = 0;
  beforeAll(async () => {
    listener = net.createServer((s) => {
      accepted++;
      s.destroy();
    });
    await new Promise<void>((resolve) =>
      listener.listen({ host: '::1', port: 0, ipv6Only: true }, resolve),
    );
    port = (listener.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  it('passes when the TCP anchor on ::1 answers', async () => {
    const r = await ipv6SelfTest({
      anchor: { kind: 'tcp', address: '::1', port },
      now: () => new Date('2025-01-31T00:00:00Z'),
    });
    expect(r).toMatchObject({
      ipv6: true,
      anchor: `tcp [::1]:${port}`,
      checkedAt: '2025-01-31T00:00:00.000Z',
      reasons: [],
    });
    expect(r.observations.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('fails with its reason on a closed port', async () => {
    const dead = await closedPort('::1');
    const r = await ipv6SelfTest({ anchor: { kind: 'tcp', address: '::1', port: dead } });
    expect(r.ipv6).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual(['probe_host_no_ipv6', 'self_test_refused']);
    expect(r.reasons[0].message).toContain(`[::1]:${dead}`);
  });

  it('fails when the HTTP anchor does not answer HTTP', async () => {
    const before = accepted;
    const r = await ipv6SelfTest({
      anchor: { kind: 'http', url: `http://anchor.test:${port}/`, address: '::1' },
      timeoutMs: 1000,
    });
    expect(r.ipv6).toBe(false);
    expect(accepted).toBe(before + 1);
  });

  it('passes on any HTTP answer from the HTTP anchor', async () => {
    const http = await startHttp('::1', (_req, res) => {
      res.writeHead(500);
      res.end();
    });
    try {
      const r = await ipv6SelfTest({
        anchor: { kind: 'http', url: `http://anchor.test:${http.port}/`, address: '::1' },
      });
      expect(r).toMatchObject({ ipv6: true, observations: { httpStatus: 500 } });
    } finally {
      await http.close();
    }
  });

  it('contacts no anchor outside the scope, and refuses an IPv4 anchor', async () => {
    const before = accepted;
    const r = await ipv6SelfTest({
      anchor: { kind: 'tcp', address: '::1', port },
      scope: ProbeScope.parse('127.0.0.0/8'),
    });
    expect(r.ipv6).toBe(false);
    expect(r.reasons[1].code).toBe('self_test_out_of_scope');
    expect(accepted).toBe(before);
    await expect(
      ipv6SelfTest({ anchor: { kind: 'tcp', address: '127.0.0.1', port } }),
    ).rejects.toThrow('not an IPv6 address');
  });

  it('tcpConnect times out and honours the abort signal', async () => {
    // A listener with a full backlog is not portable; an abort before the handshake is.
    const controller = new AbortController();
    controller.abort();
    const r = await tcpConnect({
      address: '::1',
      port,
      timeoutMs: 1000,
      signal: controller.signal,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'aborted' } });
  });
});

describe('classifyAaaa', () => {
  it.each([
    ['::1', null],
    ['fd42:6e77::2', null],
    ['2001:DB8::1', null],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['64:ff9b::7f00:9', 'NAT64'],
    ['64:ff9b:1::1', 'NAT64'],
    ['::', 'unspecified'],
    ['::7f00:1', 'IPv4-compatible'],
  ])('%s', (address, why) => {
    const r = classifyAaaa(address);
    if (why === null) expect(r.ignoredBecause).toBeNull();
    else expect(r.ignoredBecause).toContain(why);
  });

  it('gives the canonical form', () => {
    expect(classifyAaaa('2001:DB8:0:0::1').canonical).toBe('2001:db8::1');
  });
});

describe('lookupAddresses', () => {
  const record = (name: string, type: string, data: string): DnsRecord =>
    ({ name, type, ttl: 60, class: 'IN', data }) as DnsRecord;
  const message = (rcode: string, answers: DnsRecord[]): DnsMessage => ({
    id: 1,
    rcode,
    flags: { aa: true, tc: false, rd: true, ra: false, ad: false, cd: false },
    question: null,
    answers,
    authorities: [],
    additionals: [],
    edns: null,
    size: 0,
  });
  /** A fake lookup answering from a table keyed `name TYPE`. */
  const fake = (table: Record<string, LookupResult>) => {
    const asked: string[] = [];
    const lookup: DnsLookup = {
      query: async (name, type) => {
        asked.push(`${name} ${type}`);
        return table[`${name} ${type}`] ?? { ok: true, message: message('NOERROR', []) };
      },
    };
    return { lookup, asked };
  };

  it('asks for the target when an answer stops at a CNAME into another zone', async () => {
    const { lookup, asked } = fake({
      'www.a.test AAAA': {
        ok: true,
        message: message('NOERROR', [record('www.a.test', 'CNAME', 'cdn.b.test')]),
      },
      'cdn.b.test AAAA': {
        ok: true,
        message: message('NOERROR', [
          record('cdn.b.test', 'AAAA', '2001:db8::1'),
          record('cdn.b.test', 'AAAA', '2001:0db8::1'),
          record('cdn.b.test', 'AAAA', '::ffff:127.0.0.9'),
        ]),
      },
    });
    const r = await lookupAddresses(lookup, 'WWW.a.test.', 'AAAA');
    expect(r).toMatchObject({
      name: 'www.a.test',
      result: 'ok',
      cnames: ['cdn.b.test'],
      addresses: ['2001:db8::1'],
      ignored: [{ address: '::ffff:7f00:9' }],
    });
    expect(asked).toEqual(['www.a.test AAAA', 'cdn.b.test AAAA']);
  });

  it('reports loops, NXDOMAIN, SERVFAIL and lookup errors', async () => {
    const { lookup } = fake({
      'x.test A': { ok: true, message: message('NOERROR', [record('x.test', 'CNAME', 'y.test')]) },
      'y.test A': { ok: true, message: message('NOERROR', [record('y.test', 'CNAME', 'x.test')]) },
      'gone.test A': { ok: true, message: message('NXDOMAIN', []) },
      'broken.test A': { ok: true, message: message('SERVFAIL', []) },
      'slow.test A': { ok: false, error: 'timeout: no answer within 3000 ms' },
    });
    expect(await lookupAddresses(lookup, 'x.test', 'A')).toMatchObject({
      result: 'error',
      error: expect.stringContaining('CNAME loop'),
    });
    expect((await lookupAddresses(lookup, 'gone.test', 'A')).result).toBe('nxdomain');
    expect(await lookupAddresses(lookup, 'broken.test', 'A')).toMatchObject({
      result: 'error',
      error: expect.stringContaining('SERVFAIL'),
    });
    expect(await lookupAddresses(lookup, 'slow.test', 'A')).toMatchObject({
      result: 'error',
      error: expect.stringContaining('timeout'),
    });
    expect(await lookupAddresses(lookup, 'empty.test', 'A')).toMatchObject({
      result: 'ok',
      addresses: [],
    });
  });
});
