import { netwatch, ROOT } from '../support/cli';
import { join } from 'node:path';
import { RunningServer, start } from '../support/dns/authoritative-server';
import { loadFixtureZones } from '../support/dns/zones';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'dns');
const ANCHOR = join(FIXTURES, 'anchors', 'root.ds');

/** `bin/netwatch` as a user runs it (dist/ is built by the test run's global setup). */

interface JsonReport {
  name: string;
  dnssec: {
    status: string;
    reasons: string[];
    earliestExpiry: string | null;
    daysToExpiry: number | null;
  };
  answer: { rcode: string; records: { type: string; data: string }[] };
  nameServers: {
    ipv6: { atLeastTwo: boolean };
    reach: { ipv6: { udp: boolean; tcp: boolean } };
  } | null;
}

describe('netwatch check dns', () => {
  let server: RunningServer;
  let target: string;

  beforeAll(async () => {
    server = await start({
      zones: loadFixtureZones(join(FIXTURES, 'zones')),
      addresses: ['127.0.0.1', '127.0.0.2', '::1'],
    });
    target = `127.0.0.1:${server.port}`;
  });
  afterAll(async () => server.stop());

  const check = (name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    netwatch(['check', 'dns', name, '--server', target, '--trust-anchor', ANCHOR, ...extra], env);
  const json = async (name: string, extra: string[] = []) => {
    const run = await check(name, ['--json', ...extra]);
    return { run, report: JSON.parse(run.stdout) as JsonReport };
  };

  it('prints one JSON object for a secure name and exits 0', async () => {
    const { run, report } = await json('www.lamdong.gov.test');
    expect(run.code).toBe(0);
    expect(report.dnssec.status).toBe('secure');
    expect(report.dnssec.reasons.every((r) => typeof r === 'string')).toBe(true);
    expect(report.dnssec.earliestExpiry).toBe('2045-01-01T00:00:00.000Z');
    expect(typeof report.dnssec.daysToExpiry).toBe('number');
    expect(report.answer.records).toEqual([
      expect.objectContaining({ type: 'A', data: '127.0.0.1' }),
    ]);
    expect(report.nameServers?.ipv6.atLeastTwo).toBe(true);
    expect(report.nameServers?.reach.ipv6).toEqual({ udp: true, tcp: true, tested: 2 });
  });

  it('exits 1 for a bogus name and says why', async () => {
    const { run, report } = await json('www.tampered.gov.test');
    expect(run.code).toBe(1);
    expect(report.dnssec.status).toBe('bogus');
    expect(report.dnssec.reasons.join('\n')).toMatch(/does not verify/);
  });

  it('exits 0 for an insecure name', async () => {
    const { run, report } = await json('www.unsigned.gov.test');
    expect(run.code).toBe(0);
    expect(report.dnssec.status).toBe('insecure');
  });

  it('exits 1 (indeterminate) when the server does not answer', async () => {
    const run = await netwatch([
      'check',
      'dns',
      'www.lamdong.gov.test',
      '--server',
      '127.0.0.1:9',
      '--trust-anchor',
      ANCHOR,
      '--timeout',
      '300',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as JsonReport).dnssec.status).toBe('indeterminate');
  });

  it('uses the injected clock: --now a week before expiry', async () => {
    const { report } = await json('www.lamdong.gov.test', ['--now', '2044-12-25T00:00:00Z']);
    expect(report.dnssec.daysToExpiry).toBe(7);
    const expired = await json('www.lamdong.gov.test', ['--now', '2046-01-01T00:00:00Z']);
    expect(expired.run.code).toBe(1);
    expect(expired.report.dnssec.status).toBe('bogus');
  });

  it('asks for the requested type', async () => {
    const { report } = await json('lamdong.gov.test', ['--type', 'MX']);
    expect(report.answer.records.map((r) => r.type)).toEqual(['MX']);
  });

  it('prints a plain scorecard when not on a terminal (no colour codes)', async () => {
    const run = await check('www.nsv4only.gov.test');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SECURE');
    expect(run.stdout).toContain('Chain of trust');
    expect(run.stdout).toMatch(/✗ at least two name servers with IPv6 \(0\)/);
    expect(run.stdout.includes(String.fromCharCode(27))).toBe(false); // no ANSI escape
  });

  it.each([
    [['--server', 'dns.example:53'], /--server must be an IP address/],
    [['--server', '127.0.0.1:99999'], /port must be 1-65535/],
    [['--now', 'yesterday'], /--now must be an ISO 8601 time/],
    [['--type', 'A;B'], /--type must be a record type/],
    [['--trust-anchor', '/nonexistent/anchor'], /cannot read trust anchor file/],
    [['--bogus-option'], /unknown option/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await netwatch([
      'check',
      'dns',
      'www.lamdong.gov.test',
      '--server',
      target,
      '--trust-anchor',
      ANCHOR,
      ...args,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 without sending anything when the server is outside NETWATCH_PROBE_SCOPE', async () => {
    const before = server.queries.length;
    const run = await check('www.lamdong.gov.test', [], { NETWATCH_PROBE_SCOPE: '::1/128' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/outside the probe scope/);
    expect(server.queries.length).toBe(before);
  });

  it('does not query name-server addresses outside the probe scope', async () => {
    const before = server.queries.length;
    const run = await check('www.lamdong.gov.test', ['--json'], {
      NETWATCH_PROBE_SCOPE: '127.0.0.1/32',
    });
    const report = JSON.parse(run.stdout) as {
      nameServers: { nameServers: { addresses: { address: string; notTested?: string }[] }[] };
    };
    const skipped = report.nameServers.nameServers
      .flatMap((n) => n.addresses)
      .filter((a) => a.notTested);
    expect(skipped.map((a) => a.address).sort()).toEqual(['127.0.0.2', '::1', '::1']);
    expect(server.queries.slice(before).filter((q) => q.address !== '127.0.0.1')).toEqual([]);
  });
});
