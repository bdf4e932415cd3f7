import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type QueryHook,
  type RunningServer,
  start,
  type ZoneData,
} from '../../test/support/dns/authoritative-server';
import { parseZone } from '../dns/presentation';
import type { ProbeContext } from '../probe';
import { runProbe } from '../run';
import { ProbeScope } from '../scope';
import {
  canonicalExpected,
  DnsAnswerProbe,
  DnsAnswerSettings,
  DnsAnswerTarget,
} from './dns-answer-probe';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'dns');

/**
 * The fixture zones, read here rather than through test/support/dns/zones.ts, which imports
 * from src/ (the probe library never does, not even in its specs).
 */
function fixtureZones(): ZoneData[] {
  const dir = join(FIXTURES, 'zones');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.zone'))
    .sort()
    .map((f) => {
      const base = f.replace(/\.zone$/, '');
      const origin = base === 'root' ? '.' : base;
      return { origin, records: parseZone(readFileSync(join(dir, f), 'utf8'), { origin }) };
    });
}

/** The DNS answer probe against the in-process authoritative server (127.0.0.1 and ::1 only). */
describe('DnsAnswerProbe', () => {
  let server: RunningServer;
  let hook: QueryHook | undefined;
  const probe = new DnsAnswerProbe();
  const anchorText = readFileSync(join(FIXTURES, 'anchors', 'root.ds'), 'utf8');

  beforeAll(async () => {
    server = await start({
      zones: fixtureZones(),
      addresses: ['127.0.0.1', '::1'],
      onQuery: (q, origin) => hook?.(q, origin),
    });
  });
  afterAll(async () => server.stop());
  beforeEach(() => {
    hook = undefined;
    server.queries.splice(0);
  });

  const at = (server_: string, name: string, type?: string): DnsAnswerTarget => ({
    server: server_,
    port: server.port,
    name,
    type,
  });
  const check = (target: DnsAnswerTarget, settings: DnsAnswerSettings = {}, timeoutMs = 5000) =>
    runProbe(probe, target, settings, { timeoutMs });

  describe('answers', () => {
    it('is up when the A records are exactly the expected set, over IPv4', async () => {
      const r = await check(at('127.0.0.1', 'www.lamdong.gov.test', 'A'), {
        expect: ['127.0.0.1'],
      });
      expect(r.reasons).toEqual([]);
      expect(r.status).toBe('up');
      expect(r.family).toBe(4);
      expect(r.observations).toMatchObject({
        server: '127.0.0.1',
        family: 4,
        name: 'www.lamdong.gov.test.',
        type: 'A',
        protocol: 'udp',
        rcode: 'NOERROR',
        records: ['127.0.0.1'],
        missing: [],
        unexpected: [],
        dnssec: null,
        error: null,
      });
      expect(r.observations.flags?.aa).toBe(true);
      expect(r.observations.rttMs).toBeGreaterThan(0);
      expect(r.observations.answers).toEqual([
        { name: 'www.lamdong.gov.test.', type: 'A', ttl: 3600, data: '127.0.0.1' },
      ]);
    });

    it('asks the IPv6 server over IPv6 only', async () => {
      const r = await check(at('::1', 'www.lamdong.gov.test', 'AAAA'), {
        expect: ['0:0:0:0:0:0:0:1'],
      });
      expect(r.status).toBe('up');
      expect(r.family).toBe(6);
      expect(r.observations.records).toEqual(['::1']);
      expect(server.queries.map((q) => q.address)).toEqual(['::1']);
    });

    it('is down/answer_mismatch with what is missing and what is unexpected', async () => {
      const r = await check(at('127.0.0.1', 'www.lamdong.gov.test'), {
        expect: ['127.0.0.9'],
      });
      expect(r.status).toBe('down');
      expect(r.family).toBe(4);
      expect(r.reasons).toEqual([
        {
          code: 'answer_mismatch',
          message: `www.lamdong.gov.test. A at 127.0.0.1:${server.port}: missing 127.0.0.9; unexpected 127.0.0.1`,
        },
      ]);
      expect(r.observations.missing).toEqual(['127.0.0.9']);
      expect(r.observations.unexpected).toEqual(['127.0.0.1']);
    });

    it('contains: extra records are fine, missing ones are not', async () => {
      const ok = await check(at('127.0.0.1', 'www.lamdong.gov.test'), {
        expect: [],
        match: 'contains',
      });
      expect(ok.status).toBe('up');
      const missing = await check(at('127.0.0.1', 'www.lamdong.gov.test'), {
        expect: ['127.0.0.1', '127.0.0.2'],
        match: 'contains',
      });
      expect(missing.status).toBe('down');
      expect(missing.observations.missing).toEqual(['127.0.0.2']);
      expect(missing.observations.unexpected).toEqual([]);
    });

    it('follows a CNAME to the records of the asked type', async () => {
      const r = await check(at('127.0.0.1', 'portal.lamdong.gov.test'), {
        expect: ['127.0.0.1'],
      });
      expect(r.status).toBe('up');
      expect(r.observations.cnameChain).toEqual(['www.lamdong.gov.test.']);
      expect(r.observations.answers?.map((a) => a.type)).toEqual(['CNAME', 'A']);
    });

    it('compares MX and TXT data in presentation form', async () => {
      const mx = await check(at('127.0.0.1', 'lamdong.gov.test', 'MX'), {
        expect: ['10  MAIL.lamdong.gov.test'],
      });
      expect(mx.status).toBe('up');
      expect(mx.observations.records).toEqual(['10 mail.lamdong.gov.test.']);
      const txt = await check(at('::1', 'lamdong.gov.test', 'TXT'), {
        expect: ['"v=spf1 mx -all"'],
      });
      expect(txt.status).toBe('up');
      expect(txt.observations.records).toEqual(['v=spf1 mx -all']);
    });

    it('judges the response code: NXDOMAIN expected is up, unexpected is down/rcode', async () => {
      const expected = await check(at('127.0.0.1', 'nope.lamdong.gov.test'), { rcode: 'NXDOMAIN' });
      expect(expected.status).toBe('up');
      expect(expected.observations.rcode).toBe('NXDOMAIN');
      const unexpected = await check(at('127.0.0.1', 'nope.lamdong.gov.test'));
      expect(unexpected.status).toBe('down');
      expect(unexpected.reasons.map((x) => x.code)).toEqual(['rcode']);
      expect(unexpected.reasons[0].message).toContain('answered NXDOMAIN, expected NOERROR');
    });

    it('an empty answer is down/no_answer unless allowEmpty', async () => {
      const empty = await check(at('127.0.0.1', 'www.lamdong.gov.test', 'MX'));
      expect(empty.status).toBe('down');
      expect(empty.reasons.map((x) => x.code)).toEqual(['no_answer']);
      const allowed = await check(at('127.0.0.1', 'www.lamdong.gov.test', 'MX'), {
        allowEmpty: true,
      });
      expect(allowed.status).toBe('up');
    });

    it('is degraded/slow above slowMs', async () => {
      const r = await check(at('127.0.0.1', 'www.lamdong.gov.test'), { slowMs: 0 });
      expect(r.status).toBe('degraded');
      expect(r.reasons.map((x) => x.code)).toEqual(['slow']);
    });

    it('no answer: down/timeout within its query timeout', async () => {
      hook = () => 'drop';
      const started = performance.now();
      const r = await check(at('127.0.0.1', 'www.lamdong.gov.test'), { timeoutMs: 300 });
      expect(performance.now() - started).toBeLessThan(300 + 200);
      expect(r.status).toBe('down');
      expect(r.family).toBeNull();
      expect(r.reasons.map((x) => x.code)).toEqual(['timeout']);
      expect(r.observations.error?.code).toBe('timeout');
    });

    it('no answer before the run deadline: down/deadline', async () => {
      hook = () => 'drop';
      const started = performance.now();
      const r = await check(at('::1', 'www.lamdong.gov.test'), { timeoutMs: 10_000 }, 300);
      expect(performance.now() - started).toBeLessThan(300 + 200);
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['deadline', 'timeout']);
    });
  });

  describe('DNSSEC', () => {
    const validate = (name: string, extra: DnsAnswerSettings = {}) =>
      check(at('127.0.0.1', name), { validate: true, anchors: anchorText, ...extra });

    it('a secure answer is up, with the status and signature expiry observed', async () => {
      const r = await validate('www.lamdong.gov.test', { expect: ['127.0.0.1'] });
      expect(r.reasons).toEqual([]);
      expect(r.status).toBe('up');
      expect(r.observations.dnssec).toMatchObject({
        status: 'secure',
        earliestExpiry: expect.stringMatching(/^20\d\d-/),
      });
      expect(r.observations.dnssec?.queries).toBeGreaterThan(1);
    });

    it('a bogus answer is down/dnssec_bogus, with the validator reasons', async () => {
      const r = await validate('www.tampered.gov.test');
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['dnssec_bogus']);
      expect(r.reasons[0].message).toContain('bogus');
    });

    it('an insecure answer is up, and down/dnssec_insecure with requireSecure', async () => {
      const recorded = await validate('www.unsigned.gov.test');
      expect(recorded.status).toBe('up');
      expect(recorded.observations.dnssec?.status).toBe('insecure');
      const required = await validate('www.unsigned.gov.test', { requireSecure: true });
      expect(required.status).toBe('down');
      expect(required.reasons.map((x) => x.code)).toEqual(['dnssec_insecure']);
    });

    it('validation signatures are judged at the injected clock', async () => {
      const r = await runProbe(
        probe,
        at('127.0.0.1', 'www.lamdong.gov.test'),
        { validate: true, anchors: anchorText },
        { timeoutMs: 5000, now: () => new Date('2050-01-01T00:00:00Z') },
      );
      expect(r.status).toBe('down');
      expect(r.observations.dnssec?.status).toBe('bogus');
    });

    it('validate without anchors is a programming error (down/probe_error via the runner)', async () => {
      const r = await check(at('127.0.0.1', 'www.lamdong.gov.test'), { validate: true });
      expect(r.status).toBe('down');
      expect(r.reasons[0].code).toBe('probe_error');
      expect(server.queries).toEqual([]);
    });
  });

  describe('scope and input', () => {
    it('sends no query to a server outside the probe scope', async () => {
      const r = await runProbe(
        probe,
        at('::1', 'www.lamdong.gov.test'),
        {},
        { timeoutMs: 2000, scope: ProbeScope.parse('127.0.0.0/8') },
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons).toEqual([{ code: 'outside_scope', message: 'outside probe scope: ::1' }]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.queries).toEqual([]);
    });

    it('refuses a server that is not an IP literal', async () => {
      const context: ProbeContext = { signal: new AbortController().signal, now: () => new Date() };
      await expect(
        probe.run({ server: 'ns1.lamdong.gov.test', name: 'www.lamdong.gov.test' }, {}, context),
      ).rejects.toThrow('not an IP address');
    });

    it.each([
      ['A', ' 127.0.0.1 ', '127.0.0.1'],
      ['AAAA', '2001:DB8:0::1', '2001:db8::1'],
      ['CNAME', 'WWW.Example.Test', 'www.example.test.'],
      ['SRV', '0 5 443 Host.Example.Test.', '0 5 443 host.example.test.'],
      ['TXT', '"a" "b"', 'ab'],
      ['TXT', 'plain text', 'plain text'],
    ])('canonical %s expectation %s is %s', (type, text, canonical) => {
      expect(canonicalExpected(type, text)).toBe(canonical);
    });
  });
});
