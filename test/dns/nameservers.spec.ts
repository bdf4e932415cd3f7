import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { DnskeyRecord, keyTag } from '../../probes/dns/dnssec/keys';
import { ServerLookup } from '../../probes/dns/lookup';
import { checkNameServers, NameServerReport } from '../../probes/dns/nameservers';
import { UdpTcpTransport } from '../../probes/dns/transport';
import { ProbeScope } from '../../probes/scope';
import { QueryHook, RunningServer, start, ZoneData } from '../support/dns/authoritative-server';
import { loadFixtureZones } from '../support/dns/zones';

const ZONES: ZoneData[] = loadFixtureZones(join(__dirname, '..', 'fixtures', 'dns', 'zones'));
const ALL = ['127.0.0.1', '127.0.0.2', '::1'];
const transport = new UdpTcpTransport();

function zone(origin: string): ZoneData {
  const z = ZONES.find((x) => x.origin === origin);
  if (!z) throw new Error(`no fixture zone ${origin}`);
  return z;
}

function soaOf(origin: string): dnsPacket.SoaAnswer {
  const soa = zone(origin).records.find((r) => r.type === 'SOA');
  if (!soa) throw new Error(`no SOA in ${origin}`);
  return soa as dnsPacket.SoaAnswer;
}

const LAMDONG_SERIAL: number = (() => {
  const serial = soaOf('lamdong.gov.test').data.serial;
  if (serial === undefined) throw new Error('the lamdong.gov.test SOA has no serial');
  return serial;
})();
const LAMDONG_KEY_TAGS = zone('lamdong.gov.test')
  .records.filter((r) => r.type === 'DNSKEY')
  .map((r) => keyTag(r as DnskeyRecord))
  .sort((a, b) => a - b);

const check = (
  name: string,
  port: number,
  extra: { scope?: ProbeScope; timeoutMs?: number } = {},
) =>
  checkNameServers(name, {
    lookup: new ServerLookup(transport, { address: '127.0.0.1', port }),
    transport,
    port,
    timeoutMs: 1000,
    ...extra,
  });

const address = (report: NameServerReport, ns: string, addr: string) => {
  const found = report.nameServers
    .find((n) => n.name === ns)
    ?.addresses.find((a) => a.address === addr);
  if (!found) throw new Error(`${ns} has no address ${addr} in the report`);
  return found;
};

/**
 * One server instance per address, all on the same port. A single server bound to several
 * addresses logs the client's source address, and the kernel sends from 127.0.0.1 to
 * 127.0.0.2, so only separate instances show which address a packet reached.
 */
async function startPerAddress(
  addresses: string[],
  hookFor: (address: string) => QueryHook | undefined = () => undefined,
): Promise<{ port: number; servers: Map<string, RunningServer>; stop(): Promise<void> }> {
  for (let attempt = 0; ; attempt++) {
    const servers = new Map<string, RunningServer>();
    try {
      let port = 0;
      for (const a of addresses) {
        const s = await start({ zones: ZONES, addresses: [a], port, onQuery: hookFor(a) });
        servers.set(a, s);
        port = s.port;
      }
      return {
        port,
        servers,
        stop: async () => {
          await Promise.all([...servers.values()].map((s) => s.stop()));
        },
      };
    } catch (error) {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

const soaQueries = (s: RunningServer | undefined) =>
  (s?.queries ?? [])
    .filter((q) => q.type === 'SOA')
    .map((q) => q.transport)
    .sort();

describe('checkNameServers against the in-process server on 127.0.0.1, 127.0.0.2 and ::1', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await start({ zones: ZONES, addresses: ALL });
  });
  afterAll(async () => server.stop());

  it('lamdong.gov.test: two name servers with IPv6, all reachable over UDP and TCP, consistent', async () => {
    const report = await check('lamdong.gov.test', server.port);
    expect(report.zone).toBe('lamdong.gov.test.');
    expect(report.nameServers.map((n) => [n.name, n.ipv4, n.ipv6])).toEqual([
      ['ns1.lamdong.gov.test.', ['127.0.0.1'], ['::1']],
      ['ns2.lamdong.gov.test.', ['127.0.0.2'], ['::1']],
    ]);
    expect(report.atLeastTwoNameServers).toBe(true);
    expect(report.ipv6).toEqual({ nameServersWithIpv6: 2, atLeastTwo: true });
    const all = report.nameServers.flatMap((n) => n.addresses);
    expect(all.map((a) => `${a.address}/${a.family}`)).toEqual([
      '127.0.0.1/4',
      '::1/6',
      '127.0.0.2/4',
      '::1/6',
    ]);
    for (const a of all) {
      expect(a.notTested).toBeUndefined();
      expect(a).toMatchObject({
        udp: { ok: true },
        tcp: { ok: true },
        authoritative: true,
        soaSerial: LAMDONG_SERIAL,
        dnskeyTags: LAMDONG_KEY_TAGS,
      });
    }
    expect(LAMDONG_KEY_TAGS.length).toBeGreaterThanOrEqual(2);
    expect(report.reach).toEqual({
      ipv4: { udp: true, tcp: true, tested: 2 },
      ipv6: { udp: true, tcp: true, tested: 2 },
    });
    expect(report.consistency).toEqual({
      soaSerials: [LAMDONG_SERIAL],
      soaAgrees: true,
      dnskeySets: [LAMDONG_KEY_TAGS.join(',')],
      dnskeyAgrees: true,
    });
    expect(report.problems).toEqual([]);
    // The IPv6 checks really went over IPv6, on both transports.
    const v6 = server.queries.filter((q) => q.address === '::1' && q.type === 'SOA');
    expect(new Set(v6.map((q) => q.transport))).toEqual(new Set(['udp', 'tcp']));
  });

  it('nsv4only.gov.test: no name server has IPv6, and the problem says so', async () => {
    const report = await check('nsv4only.gov.test', server.port);
    expect(report.nameServers.map((n) => [n.name, n.ipv4, n.ipv6])).toEqual([
      ['ns1.nsv4only.gov.test.', ['127.0.0.1'], []],
      ['ns2.nsv4only.gov.test.', ['127.0.0.2'], []],
    ]);
    expect(report.ipv6).toEqual({ nameServersWithIpv6: 0, atLeastTwo: false });
    expect(report.reach.ipv4).toEqual({ udp: true, tcp: true, tested: 2 });
    expect(report.reach.ipv6.tested).toBe(0);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/IPv6/);
  });
});

describe('checkNameServers with one name-server address not listening', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await start({ zones: ZONES, addresses: ['127.0.0.1', '::1'] });
  });
  afterAll(async () => server.stop());

  it('reports 127.0.0.2 unreachable over UDP and TCP, and names it in the problems', async () => {
    const report = await check('lamdong.gov.test', server.port, { timeoutMs: 300 });
    const dead = address(report, 'ns2.lamdong.gov.test.', '127.0.0.2');
    expect(dead.udp?.ok).toBe(false);
    expect(dead.tcp?.ok).toBe(false);
    expect(dead.soaSerial).toBeUndefined();
    expect(address(report, 'ns1.lamdong.gov.test.', '127.0.0.1')).toMatchObject({
      udp: { ok: true },
      tcp: { ok: true },
    });
    expect(address(report, 'ns2.lamdong.gov.test.', '::1')).toMatchObject({
      udp: { ok: true },
      tcp: { ok: true },
    });
    expect(report.reach.ipv4).toEqual({ udp: false, tcp: false, tested: 2 });
    expect(report.reach.ipv6).toEqual({ udp: true, tcp: true, tested: 2 });
    expect(report.problems).toEqual([
      expect.stringMatching(/^127\.0\.0\.2 does not answer over UDP/),
      expect.stringMatching(/^127\.0\.0\.2 does not answer over TCP/),
    ]);
  });
});

describe('checkNameServers with one server instance per address', () => {
  it('without a scope, every address receives its own UDP and TCP SOA queries (the control)', async () => {
    const cluster = await startPerAddress(ALL);
    try {
      const report = await check('lamdong.gov.test', cluster.port);
      expect(report.problems).toEqual([]);
      expect(soaQueries(cluster.servers.get('127.0.0.1'))).toEqual(['tcp', 'udp']);
      expect(soaQueries(cluster.servers.get('127.0.0.2'))).toEqual(['tcp', 'udp']);
      // ::1 is listed for both name servers, so it is checked twice.
      expect(soaQueries(cluster.servers.get('::1'))).toEqual(['tcp', 'tcp', 'udp', 'udp']);
    } finally {
      await cluster.stop();
    }
  });

  it('a probe scope of 127.0.0.1/32 leaves 127.0.0.2 and ::1 untested, and sends them nothing', async () => {
    const cluster = await startPerAddress(ALL);
    try {
      const report = await check('lamdong.gov.test', cluster.port, {
        scope: ProbeScope.parse('127.0.0.1/32'),
      });
      const all = report.nameServers.flatMap((n) => n.addresses);
      expect(all.map((a) => [a.address, a.notTested ?? 'tested'])).toEqual([
        ['127.0.0.1', 'tested'],
        ['::1', 'outside probe scope'],
        ['127.0.0.2', 'outside probe scope'],
        ['::1', 'outside probe scope'],
      ]);
      for (const a of all.filter((x) => x.notTested)) {
        expect(a.udp).toBeUndefined();
        expect(a.tcp).toBeUndefined();
      }
      expect(address(report, 'ns1.lamdong.gov.test.', '127.0.0.1')).toMatchObject({
        udp: { ok: true },
        tcp: { ok: true },
        soaSerial: LAMDONG_SERIAL,
      });
      expect(report.reach.ipv4.tested).toBe(1);
      expect(report.reach.ipv6.tested).toBe(0);
      expect(cluster.servers.get('127.0.0.2')?.queries).toEqual([]);
      expect(cluster.servers.get('::1')?.queries).toEqual([]);
      expect(soaQueries(cluster.servers.get('127.0.0.1'))).toEqual(['tcp', 'udp']);
    } finally {
      await cluster.stop();
    }
  });

  it('reports a SOA serial disagreement when 127.0.0.2 answers with another serial', async () => {
    const soa = soaOf('lamdong.gov.test');
    const other = LAMDONG_SERIAL + 1;
    const cluster = await startPerAddress(ALL, (a) =>
      a === '127.0.0.2'
        ? (q) => {
            const question = q.questions?.[0];
            if (question?.type !== 'SOA' || question.name.toLowerCase() !== 'lamdong.gov.test')
              return undefined;
            return dnsPacket.encode({
              type: 'response',
              id: q.id,
              flags: dnsPacket.AUTHORITATIVE_ANSWER,
              questions: q.questions,
              answers: [{ ...soa, data: { ...soa.data, serial: other } }],
            });
          }
        : undefined,
    );
    try {
      const report = await check('lamdong.gov.test', cluster.port);
      expect(address(report, 'ns2.lamdong.gov.test.', '127.0.0.2').soaSerial).toBe(other);
      expect(address(report, 'ns1.lamdong.gov.test.', '127.0.0.1').soaSerial).toBe(LAMDONG_SERIAL);
      expect(report.consistency.soaAgrees).toBe(false);
      expect([...report.consistency.soaSerials].sort()).toEqual([LAMDONG_SERIAL, other]);
      expect(report.consistency.dnskeyAgrees).toBe(true);
      expect(report.problems).toEqual([
        `name servers disagree on the SOA serial: ${LAMDONG_SERIAL}, ${other}`,
      ]);
    } finally {
      await cluster.stop();
    }
  });
});
