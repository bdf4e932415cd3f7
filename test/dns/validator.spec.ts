import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrustAnchors } from '../../probes/dns/dnssec/anchors';
import { DnssecResult } from '../../probes/dns/dnssec/result';
import { DnssecValidator, TrustAnchor } from '../../probes/dns/dnssec/validator';
import { ServerLookup } from '../../probes/dns/lookup';
import { UdpTcpTransport } from '../../probes/dns/transport';
import { RunningServer, start } from '../support/dns/authoritative-server';
import { loadFixtureZones } from '../support/dns/zones';

interface Case {
  name: string;
  type: string;
  expect: 'secure' | 'insecure' | 'bogus';
  case: string;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'dns');
const CASES: Case[] = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));

/**
 * The validator against the signed private hierarchy (signed by BIND, served by the in-process
 * authoritative server). cases.json carries BIND delv's verdict for every case; the interop tier
 * checks the same verdicts against a real named and delv.
 */
describe('DNSSEC validator on the signed fixture hierarchy', () => {
  let server: RunningServer;
  let anchors: TrustAnchor[];
  const transport = new UdpTcpTransport();

  beforeAll(async () => {
    server = await start({ zones: loadFixtureZones(join(FIXTURES, 'zones')) });
    anchors = loadTrustAnchors(join(FIXTURES, 'anchors', 'root.ds'));
  });
  afterAll(async () => server.stop());

  const validator = (now?: Date, address = '127.0.0.1') =>
    new DnssecValidator({
      lookup: new ServerLookup(transport, { address, port: server.port }),
      anchors,
      now: now ? () => now : undefined,
    });
  const validate = (name: string, type = 'A', now?: Date): Promise<DnssecResult> =>
    validator(now).validate(name, type);

  it.each(CASES.map((c) => [c.case, c.name, c.type, c.expect] as const))(
    '%s: %s %s is %s',
    async (_case, name, type, expected) => {
      const result = await validate(name, type);
      expect({ status: result.status, reasons: result.reasons }).toEqual({
        status: expected,
        reasons: expect.any(Array),
      });
      expect(result.reasons[0]).toContain(expected);
    },
  );

  it('explains an expired zone with the expiry date, and reports the expired signature', async () => {
    const r = await validate('www.expired.gov.test.');
    expect(r.status).toBe('bogus');
    expect(r.reasons.join('\n')).toMatch(/expired on 2021-01-01T00:00:00Z/);
    expect(r.diagnostics.earliestExpiry).toBe('2021-01-01T00:00:00.000Z');
    expect(r.diagnostics.daysToExpiry).toBeLessThan(0);
  });

  it('reports signatures whose inception is in the future', async () => {
    const r = await validate('www.future.gov.test.');
    expect(r.status).toBe('bogus');
    expect(r.reasons.join('\n')).toMatch(/not valid before 2040-01-01T00:00:00Z/);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain('inception-in-future');
  });

  it('judges validity windows by the injected clock', async () => {
    expect(
      (await validate('www.lamdong.gov.test.', 'A', new Date('2030-06-01T00:00:00Z'))).status,
    ).toBe('secure');
    const after = await validate('www.lamdong.gov.test.', 'A', new Date('2045-06-01T00:00:00Z'));
    expect(after.status).toBe('bogus');
    expect(after.reasons.join('\n')).toMatch(/expired on 2045-01-01T00:00:00Z/);
    const before = await validate('www.lamdong.gov.test.', 'A', new Date('2024-06-01T00:00:00Z'));
    expect(before.status).toBe('bogus');
    expect(before.reasons.join('\n')).toMatch(/not valid before 2025-01-01T00:00:00Z/);
  });

  it('warns about signatures expiring within the window, with the days left', async () => {
    const r = await validate('www.lamdong.gov.test.', 'A', new Date('2044-12-25T00:00:00Z'));
    expect(r.status).toBe('secure');
    expect(r.diagnostics.earliestExpiry).toBe('2045-01-01T00:00:00.000Z');
    expect(r.diagnostics.daysToExpiry).toBe(7);
    expect(r.diagnostics.expiringSoon.length).toBeGreaterThan(0);
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain('signature-expiring');
    const far = await validate('www.lamdong.gov.test.', 'A', new Date('2030-01-01T00:00:00Z'));
    expect(far.diagnostics.expiringSoon).toEqual([]);
  });

  it('describes every level of the chain: keys, sizes, flags and the DS that matched', async () => {
    const r = await validate('www.lamdong.gov.test.');
    expect(r.diagnostics.levels.map((l) => l.zone)).toEqual([
      '.',
      'test.',
      'gov.test.',
      'lamdong.gov.test.',
    ]);
    const root = r.diagnostics.levels[0];
    expect(root.anchoredBy).toBe('trust-anchor');
    const tld = r.diagnostics.levels[1];
    expect(tld.keys.every((k) => k.algorithmName === 'RSASHA256' && k.bits === 2048)).toBe(true);
    expect(tld.keys.some((k) => k.sep)).toBe(true);
    for (const level of r.diagnostics.levels) {
      expect(level.status).toBe('secure');
      expect(level.ds.some((d) => d.matched)).toBe(true);
    }
    expect(r.diagnostics.levels[3].nsec3).toBeUndefined();
  });

  it('reports NSEC3 parameters and warns about iterations and salt (RFC 9276)', async () => {
    const r = await validate('nope.nsec3salt.gov.test.');
    expect(r.status).toBe('secure');
    const level = r.diagnostics.levels.find((l) => l.zone === 'nsec3salt.gov.test.');
    expect(level?.nsec3).toEqual({ iterations: 10, saltHex: 'aabbccdd', optOut: false });
    expect(r.diagnostics.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['nsec3-iterations', 'nsec3-salt']),
    );
    const clean = await validate('nope.nsec3.gov.test.');
    expect(clean.diagnostics.warnings.filter((w) => w.code.startsWith('nsec3'))).toEqual([]);
  });

  it('treats NSEC3 iteration counts above the configured limit as insecure', async () => {
    const strict = new DnssecValidator({
      lookup: new ServerLookup(transport, { address: '127.0.0.1', port: server.port }),
      anchors,
      maxNsec3Iterations: 5,
    });
    const r = await strict.validate('nope.nsec3salt.gov.test.', 'A');
    expect(r.status).toBe('insecure');
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain('nsec3-iterations-too-high');
  });

  it('reports deprecated algorithms (5, 7) and the SHA-1 DS digest while still validating', async () => {
    for (const zone of ['alg5', 'alg7']) {
      const r = await validate(`www.${zone}.gov.test.`);
      expect(r.status).toBe('secure');
      expect(r.diagnostics.warnings.map((w) => w.code)).toContain('deprecated-algorithm');
    }
    const ds1 = await validate('www.ds1.gov.test.');
    expect(ds1.status).toBe('secure');
    expect(ds1.diagnostics.warnings.map((w) => w.code)).toContain('deprecated-digest');
  });

  it('treats a DS with only unsupported algorithms as insecure, and says why', async () => {
    const r = await validate('www.unsupported-ds.gov.test.');
    expect(r.status).toBe('insecure');
    expect(r.reasons.join('\n')).toMatch(/unsupported algorithms or digest types/);
  });

  it('names "DS present but zone unsigned"', async () => {
    const r = await validate('www.dsunsigned.gov.test.');
    expect(r.status).toBe('bogus');
    expect(r.diagnostics.warnings.map((w) => w.code)).toContain('ds-without-signed-zone');
  });

  it('names the DNSKEY set not signed by the key the DS points to', async () => {
    const r = await validate('www.badksk.gov.test.');
    expect(r.reasons.join('\n')).toMatch(/not signed by the key the DS points to/);
  });

  it('follows a CNAME chain and keeps it in the answer', async () => {
    const r = await validate('portal.lamdong.gov.test.');
    expect(r.status).toBe('secure');
    expect(r.answer.cnameChain).toEqual(['www.lamdong.gov.test.']);
    expect(r.answer.records.map((x) => x.type)).toEqual(['CNAME', 'A']);
  });

  it('validates a wildcard-synthesised answer with its proof', async () => {
    const r = await validate('anything.wild.lamdong.gov.test.', 'TXT');
    expect(r.status).toBe('secure');
    expect(r.answer.records[0].name).toBe('anything.wild.lamdong.gov.test.');
  });

  it('works over IPv6 (::1) exactly as over IPv4', async () => {
    const r = await validator(undefined, '::1').validate('www.nsec3.gov.test.', 'A');
    expect(r.status).toBe('secure');
    expect(server.queries.some((q) => q.address === '::1')).toBe(true);
  });

  it('is indeterminate, not secure, when no trust anchor covers the name', async () => {
    const other = loadTrustAnchors(join(FIXTURES, 'anchors', 'root.ds')).map((a) => ({
      ...a,
      zone: 'example',
    }));
    const v = new DnssecValidator({
      lookup: new ServerLookup(transport, { address: '127.0.0.1', port: server.port }),
      anchors: other,
    });
    const r = await v.validate('www.lamdong.gov.test.', 'A');
    expect(r.status).toBe('indeterminate');
  });

  it('validates many names concurrently with one validator, each with its own diagnostics', async () => {
    const v = validator();
    const names = [
      'www.alg8.gov.test.',
      'www.alg13.gov.test.',
      'www.expired.gov.test.',
      'www.unsigned.gov.test.',
    ];
    const results = await Promise.all(names.map((n) => v.validate(n, 'A')));
    expect(results.map((r) => r.status)).toEqual(['secure', 'secure', 'bogus', 'insecure']);
    expect(results[0].diagnostics.levels.map((l) => l.zone)).toContain('alg8.gov.test.');
    expect(results[0].diagnostics.levels.map((l) => l.zone)).not.toContain('alg13.gov.test.');
  });
});
