/**
 * dnssec, dns-answer and ns-ipv6 checks against the in-process authoritative server: the signed
 * fixture hierarchy (anchored at test/fixtures/dns/anchors/root.ds) and small unsigned zones.
 */
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { loadTrustAnchors } from '../../../probes/dns/dnssec/anchors';
import type { TrustAnchor } from '../../../probes/dns/dnssec/validator';
import { ProbeScope } from '../../../probes/scope';
import { start, type RunningServer } from '../../support/dns/authoritative-server';
import { loadFixtureZones } from '../../support/dns/zones';
import { listen } from '../../probes/http/servers';
import { a, aaaa, zone } from '../../probes/ipv6/servers';
import * as net from 'node:net';
import { check, codes, expectWellFormed, ns, runnerFor } from './support';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'dns');

describe('CheckRunner dnssec', () => {
  let dns: RunningServer;
  let anchors: TrustAnchor[];

  beforeAll(async () => {
    dns = await start({
      zones: loadFixtureZones(join(FIXTURES, 'zones')),
      // SERVFAIL for one name: the validator cannot judge it.
      onQuery: (query) =>
        query.questions?.[0]?.name.toLowerCase() === 'broken.lamdong.gov.test'
          ? dnsPacket.encode({
              type: 'response',
              id: query.id,
              flags: 2, // rcode SERVFAIL
              questions: query.questions,
            })
          : undefined,
    });
    anchors = loadTrustAnchors(join(FIXTURES, 'anchors', 'root.ds'));
  });
  afterAll(async () => dns.stop());

  const runner = (o: { now?: () => Date; scope?: ProbeScope } = {}) =>
    runnerFor({ dnsPort: dns.port, anchors, ...o });
  const dnssec = (name: string, settings = {}, type = 'A') =>
    check('dnssec', { name, type }, { settings, timeoutMs: 20_000 });

  it('is up for a secure name, with a small summary of the chain', async () => {
    const r = await runner().run(dnssec('www.lamdong.gov.test'));
    expectWellFormed(r);
    expect(r.status).toBe('up');
    expect(r.reasons).toEqual([]);
    expect(r.latencyMs).toBeNull();
    expect(r.observations).toMatchObject({
      status: 'secure',
      earliestExpiry: '2045-01-01T00:00:00.000Z',
      daysToExpiry: expect.any(Number),
    });
    const levels = (r.observations.levels as { zone: string; status: string }[]).map((l) => l.zone);
    expect(levels).toEqual(['.', 'test.', 'gov.test.', 'lamdong.gov.test.']);
    expect(JSON.stringify(r.observations).length).toBeLessThan(4000);
  });

  it('is degraded (signature_expiring) when the earliest signature expires within the window', async () => {
    const clock = () => new Date('2044-12-28T00:00:00Z');
    const r = await runner({ now: clock }).run(dnssec('www.lamdong.gov.test'));
    expect(r.status).toBe('degraded');
    expect(r.reasons[0].code).toBe('signature_expiring');
    expect(r.reasons[0].message).toContain('4 days');
    expect(r.observations).toMatchObject({ status: 'secure', daysToExpiry: 4 });
    expect(r.at).toEqual(new Date('2044-12-28T00:00:00Z'));
    // A window of 3 days does not reach it.
    const narrow = await runner({ now: clock }).run(
      dnssec('www.lamdong.gov.test', { expiryWarningDays: 3 }),
    );
    expect(narrow.status).toBe('up');
  });

  it('is up with a reason for an insecure name, down when DNSSEC is required', async () => {
    const r = await runner().run(dnssec('www.unsigned.gov.test'));
    expect(r.status).toBe('up');
    expect(r.reasons[0].code).toBe('dnssec_insecure');
    const required = await runner().run(dnssec('www.unsigned.gov.test', { dnssecRequired: true }));
    expect(required.status).toBe('down');
    expect(codes(required.reasons).slice(0, 2)).toEqual(['dnssec_required', 'dnssec_insecure']);
  });

  it('is down for a bogus (expired) name', async () => {
    const r = await runner().run(dnssec('www.expired.gov.test'));
    expect(r.status).toBe('down');
    expect(r.reasons[0].code).toBe('dnssec_bogus');
    expect(r.reasons.map((x) => x.message).join('\n')).toMatch(/expired on 2021-01-01/);
  });

  it('is not_tested when the validator cannot judge (indeterminate)', async () => {
    const r = await runner().run(dnssec('broken.lamdong.gov.test'));
    expect(r.status).toBe('not_tested');
    expect(r.reasons[0].code).toBe('dnssec_indeterminate');
    expect(r.observations).toMatchObject({ status: 'indeterminate' });
  });

  it('reuses its validator (cached chain) until startSweep()', async () => {
    const run = runner();
    const first = await run.run(dnssec('www.lamdong.gov.test'));
    const second = await run.run(dnssec('mail.lamdong.gov.test'));
    expect(first.observations.queries).toBeGreaterThan(2);
    // Only the new name's own question: the keys of the chain come from the cache.
    expect(second.observations.queries).toBe(1);
    run.startSweep();
    const third = await run.run(dnssec('mail.lamdong.gov.test'));
    expect(third.observations.queries).toBeGreaterThan(2);
  });

  it('is not_tested when the resolver is outside the scope, and asks nothing', async () => {
    const asked = dns.queries.length;
    const r = await runner({ scope: ProbeScope.parse('::1/128') }).run(
      dnssec('www.lamdong.gov.test'),
    );
    expect(r.status).toBe('not_tested');
    expect(r.reasons[0].code).toBe('outside_scope');
    expect(dns.queries.length).toBe(asked);
  });
});

describe('CheckRunner dnssec with a silent resolver', () => {
  it('ends at the check deadline even though the validator does not watch it', async () => {
    const silent = await start({ zones: [zone('example.test', [])], onQuery: () => 'drop' });
    try {
      const started = performance.now();
      const r = await runnerFor({ dnsPort: silent.port }).run(
        check('dnssec', { name: 'www.example.test', type: 'A' }, { timeoutMs: 300 }),
      );
      expect(r.status).toBe('down');
      expect(codes(r.reasons)).toEqual(['deadline']);
      expect(performance.now() - started).toBeLessThan(300 + 500);
      expect(silent.queries.length).toBeGreaterThan(0);
    } finally {
      await silent.stop();
    }
  });
});

describe('CheckRunner dns-answer and ns-ipv6', () => {
  let dns: RunningServer;
  let anchorServer: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    dns = await start({
      zones: [
        zone('example.test', [a('www.example.test', '127.0.0.1'), aaaa('www.example.test', '::1')]),
        // Two name servers, both with IPv6.
        zone('good.test', [
          ns('good.test', 'ns2.good.test'),
          aaaa('ns.good.test', '::1'),
          a('ns2.good.test', '127.0.0.1'),
          aaaa('ns2.good.test', '::1'),
        ]),
        // Two name servers, IPv4 only.
        zone('v4.test', [ns('v4.test', 'ns2.v4.test'), a('ns2.v4.test', '127.0.0.1')]),
      ],
    });
    // The probe host's IPv6 anchor: a listener on ::1.
    anchorServer = await listen(
      net.createServer((s) => s.destroy()),
      '::1',
    );
  });
  afterAll(async () => {
    await anchorServer.close();
    await dns.stop();
  });

  const runner = (o: { scope?: ProbeScope } = {}) =>
    runnerFor({
      dnsPort: dns.port,
      ipv6Anchor: { kind: 'tcp', address: '::1', port: anchorServer.port },
      ...o,
    });

  it('dns-answer is up at the resolver over IPv4, with the response time', async () => {
    const r = await runner().run(
      check(
        'dns-answer',
        { name: 'www.example.test', type: 'AAAA' },
        { family: 4, settings: { expect: ['::1'] } },
      ),
    );
    expectWellFormed(r);
    expect(r.status).toBe('up');
    expect(r.family).toBe(4);
    expect(r.latencyMs).toEqual(expect.any(Number));
    expect(r.observations).toMatchObject({ server: '127.0.0.1', records: ['::1'] });
  });

  it('dns-answer over IPv6 is not_tested at an IPv4 resolver, and up at an IPv6 server', async () => {
    const mismatch = await runner().run(
      check('dns-answer', { name: 'www.example.test', type: 'A' }, { family: 6 }),
    );
    expect(mismatch.status).toBe('not_tested');
    expect(mismatch.reasons[0].code).toBe('no_address');
    const r = await runner().run(
      check(
        'dns-answer',
        { name: 'www.example.test', type: 'A' },
        {
          family: 6,
          settings: { server: '::1', port: dns.port, expect: ['127.0.0.1'] },
        },
      ),
    );
    expect(r.status).toBe('up');
    expect(r.family).toBe(6);
    expect(dns.queries.some((q) => q.address === '::1' && q.name === 'www.example.test')).toBe(
      true,
    );
  });

  it('dns-answer to a server outside the scope sends nothing', async () => {
    const asked = dns.queries.length;
    const r = await runner({ scope: ProbeScope.parse('127.0.0.1/32') }).run(
      check(
        'dns-answer',
        { name: 'www.example.test', type: 'A' },
        {
          family: 6,
          settings: { server: '::1', port: dns.port },
        },
      ),
    );
    expect(r.status).toBe('not_tested');
    expect(r.reasons[0].code).toBe('outside_scope');
    expect(dns.queries.length).toBe(asked);
  });

  it('ns-ipv6 is up with two IPv6 name servers answering over UDP and TCP', async () => {
    const r = await runner().run(
      check(
        'ns-ipv6',
        { zone: 'good.test' },
        { settings: { port: dns.port, queryTimeoutMs: 1000 } },
      ),
    );
    expectWellFormed(r);
    expect(r.reasons).toEqual([]);
    expect(r.status).toBe('up');
    expect(r.family).toBe(6);
    expect(r.observations).toMatchObject({ ipv6: { nameServersWithIpv6: 2, atLeastTwo: true } });
    const v6 = dns.queries.filter((q) => q.address === '::1' && q.name === 'good.test');
    expect(new Set(v6.map((q) => q.transport))).toEqual(new Set(['udp', 'tcp']));
  });

  it('ns-ipv6 is down when no name server has IPv6', async () => {
    const r = await runner().run(
      check('ns-ipv6', { zone: 'v4.test' }, { settings: { port: dns.port, queryTimeoutMs: 1000 } }),
    );
    expect(r.status).toBe('down');
    expect(codes(r.reasons)).toEqual(['ns_ipv6_down', 'ns_no_ipv6']);
  });

  it('ns-ipv6 is not_tested for IPv6 name servers outside the scope, and queries none of them', async () => {
    const asked = dns.queries.filter((q) => q.address === '::1').length;
    const r = await runner({ scope: ProbeScope.parse('127.0.0.0/8') }).run(
      check(
        'ns-ipv6',
        { zone: 'good.test' },
        { settings: { port: dns.port, queryTimeoutMs: 1000 } },
      ),
    );
    expect(r.status).toBe('not_tested');
    expect(codes(r.reasons)).toContain('outside_scope');
    expect(dns.queries.filter((q) => q.address === '::1').length).toBe(asked);
  });
});
