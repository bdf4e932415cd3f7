/**
 * Our in-process authoritative server (test/support/dns/authoritative-server.ts) against BIND's
 * `named` serving the same zones: identical queries (EDNS, DO=1 and DO=0, RD=0) go to both, and
 * the answers must agree on the rcode, the AA flag, and the sets of (owner, type, rdata) in the
 * answer and authority sections.
 *
 * Ignored on purpose:
 * - record order, TTLs, the additional section (glue choice) and the OPT record (BIND adds
 *   cookies);
 * - UDP truncation: dns-packet does not compress names, so our messages are larger than BIND's
 *   and truncate sooner. Every comparison therefore runs over TCP.
 *
 * Three hierarchies: the committed fixtures (every zone served), a subset of them (so that
 * referrals, glue and insecure-delegation proofs are compared too), and a small hierarchy signed
 * here with BIND's tools for what the fixtures lack (DNAME, CNAME loops and chains, wildcard
 * CNAMEs, empty non-terminals, delegations below NSEC3 with and without opt-out).
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { projectRoot } from '../../src/common/project-root';
import { start, type RunningServer, type ZoneData } from '../support/dns/authoritative-server';
import { findNamed, startNamed, type RunningNamed } from '../support/dns/named';
import { FIXTURE_ZONE_DIR, loadFixtureZones, originOfFile } from '../support/dns/zones';

const NAMED = findNamed();
if (!NAMED) {
  // CI installs BIND; a developer machine without it skips this file and says so.
  console.warn('dns-server.interop.spec.ts skipped: BIND `named` is not installed');
}
const describeWithNamed = NAMED ? describe : describe.skip;

type Query = readonly [name: string, type: string];

interface Summary {
  rcode: string;
  aa: boolean;
  tc: boolean;
  answer: string[];
  authority: string[];
}

let nextId = 1;

function message(name: string, type: string, dnssec: boolean): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: nextId++ & 0xffff,
    flags: 0,
    questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
    additionals: [
      {
        name: '.',
        type: 'OPT',
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: dnssec ? dnsPacket.DNSSEC_OK : 0,
        flag_do: dnssec,
        options: [],
      },
    ],
  });
}

function askTcp(port: number, query: Buffer): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let pending = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP answer from port ${port}`));
    }, 5000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        try {
          resolve(dnsPacket.decode(pending.subarray(2, 2 + pending.readUInt16BE(0))));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(query.length);
    socket.write(Buffer.concat([prefix, query]));
  });
}

function describeRecord(record: dnsPacket.Answer): string {
  const data = 'data' in record ? record.data : undefined;
  return `${record.name.toLowerCase()} ${record.type} ${JSON.stringify(data)}`;
}

function summarize(reply: dnsPacket.DecodedPacket): Summary {
  const rcode: unknown = (reply as { rcode?: unknown }).rcode;
  const records = (list: dnsPacket.Answer[] | undefined): string[] =>
    (list ?? [])
      .filter((record) => record.type !== 'OPT')
      .map(describeRecord)
      .sort();
  return {
    rcode: String(rcode),
    aa: reply.flag_aa,
    tc: reply.flag_tc,
    answer: records(reply.answers),
    authority: records(reply.authorities),
  };
}

/** Sends `query` to both servers (DO=1, then DO=0) and expects the same summary. */
async function compare(namedPort: number, ourPort: number, [name, type]: Query): Promise<void> {
  for (const dnssec of [true, false]) {
    const query = message(name, type, dnssec);
    const [theirs, ours] = await Promise.all([askTcp(namedPort, query), askTcp(ourPort, query)]);
    expect({ query: `${name} ${type} DO=${dnssec}`, ...summarize(ours) }).toEqual({
      query: `${name} ${type} DO=${dnssec}`,
      ...summarize(theirs),
    });
  }
}

function apexQueries(origins: string[]): Query[] {
  return origins.flatMap((origin) =>
    ['DS', 'DNSKEY', 'NS', 'SOA'].map(
      (type) => [origin === '.' ? '.' : `${origin}.`, type] as const,
    ),
  );
}

interface Case {
  name: string;
  type: string;
}

function fixtureCases(): Case[] {
  return JSON.parse(
    readFileSync(join(projectRoot(), 'test/fixtures/dns/cases.json'), 'utf8'),
  ) as Case[];
}

function fixtureOrigins(): string[] {
  return readdirSync(join(projectRoot(), FIXTURE_ZONE_DIR))
    .filter((file) => file.endsWith('.zone'))
    .sort()
    .map(originOfFile);
}

/** Runs named and our server on the same zones for one describe block. */
function servePair(setup: () => Promise<{ zoneDir: string; zones: ZoneData[] }>): {
  ports: () => { named: number; ours: number };
} {
  let named: RunningNamed | undefined;
  let ours: RunningServer | undefined;
  beforeAll(async () => {
    const { zoneDir, zones } = await setup();
    [named, ours] = await Promise.all([startNamed({ zoneDir }), start({ zones })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([named?.stop(), ours?.stop()]);
  });
  return {
    ports: () => {
      if (!named || !ours) throw new Error('servers not started');
      return { named: named.port, ours: ours.port };
    },
  };
}

// ---------------------------------------------------------------------------------------------

describeWithNamed('authoritative server vs named: every fixture zone served', () => {
  const servers = servePair(async () => ({
    zoneDir: FIXTURE_ZONE_DIR,
    zones: loadFixtureZones(),
  }));
  const queries: Query[] = [
    ...fixtureCases().map((c) => [c.name, c.type] as const),
    ...apexQueries(fixtureOrigins()),
  ];

  it('covers every case of cases.json and four apex queries per zone', () => {
    expect(queries.length).toBe(fixtureCases().length + 4 * fixtureOrigins().length);
    expect(fixtureOrigins()).toContain('lamdong.gov.test');
  });

  it.each(queries)('%s %s', async (name, type) => {
    const { named, ours } = servers.ports();
    await compare(named, ours, [name, type]);
  });
});

describeWithNamed('authoritative server vs named: only the upper zones (referrals)', () => {
  const upper = ['.', 'test', 'gov.test', 'optout.gov.test'];
  let folder = '';
  const servers = servePair(async () => {
    folder = mkdtempSync(join(tmpdir(), 'netwatch-upper-zones-'));
    const source = join(projectRoot(), FIXTURE_ZONE_DIR);
    for (const file of readdirSync(source)) {
      if (upper.includes(originOfFile(file))) copyFileSync(join(source, file), join(folder, file));
    }
    return { zoneDir: folder, zones: loadFixtureZones(folder) };
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const queries: Query[] = [
    ...fixtureCases().map((c) => [c.name, c.type] as const),
    ...apexQueries(fixtureOrigins()),
    ['ns1.lamdong.gov.test.', 'A'],
    ['ns1.insecure.optout.gov.test.', 'AAAA'],
    ['insecure.optout.gov.test.', 'NS'],
    ['deep.www.insecure.optout.gov.test.', 'TXT'],
  ];

  it.each(queries)('%s %s', async (name, type) => {
    const { named, ours } = servers.ports();
    await compare(named, ours, [name, type]);
  });
});

// ---------------------------------------------------------------------------------------------
// A small hierarchy signed here: . → test. → interop.test. (NSEC3, salted) with children

const MINI_ZONES: Record<string, string> = {
  'interop.test': `
@ NS ns1
ns1 A 127.0.0.1
ns1 AAAA ::1
www A 127.0.0.10
www AAAA ::1
@ MX 10 mail
mail A 127.0.0.11
*.wild TXT "wildcard"
*.wild A 127.0.0.12
*.cw CNAME www
alias CNAME www
ext CNAME www.nsec.interop.test.
dangling CNAME nothere
loop1 CNAME loop2
loop2 CNAME loop1
towild CNAME foo.wild
todeleg CNAME www.sub
dn DNAME nsec.interop.test.
dnin DNAME wild.interop.test.
a.b.c TXT "deep"
sub NS ns.sub
ns.sub A 127.0.0.13
sec NS ns.sec
sec DS 12345 13 2 0000000000000000000000000000000000000000000000000000000000000000
ns.sec A 127.0.0.14
`,
  'nsec.interop.test': `
@ NS ns1.interop.test.
www A 127.0.0.20
*.wild TXT "nsec wildcard"
alias CNAME www
a.b.c TXT "deep"
sub NS ns.sub
ns.sub A 127.0.0.21
`,
  'optout.interop.test': `
@ NS ns1.interop.test.
www A 127.0.0.30
insecure NS ns.insecure
ns.insecure A 127.0.0.31
x.y.insecure2 NS ns1.interop.test.
`,
  'unsigned.interop.test': `
@ NS ns1.interop.test.
www A 127.0.0.40
`,
};

const MINI_QUERIES: Query[] = [
  ['www.interop.test.', 'A'],
  ['www.interop.test.', 'MX'],
  ['interop.test.', 'ANY'],
  ['alias.interop.test.', 'A'],
  ['alias.interop.test.', 'MX'],
  ['ext.interop.test.', 'A'],
  ['dangling.interop.test.', 'A'],
  ['loop1.interop.test.', 'A'],
  ['towild.interop.test.', 'A'],
  ['todeleg.interop.test.', 'A'],
  ['x.wild.interop.test.', 'A'],
  ['x.wild.interop.test.', 'TXT'],
  ['x.wild.interop.test.', 'MX'],
  ['wild.interop.test.', 'A'],
  ['*.wild.interop.test.', 'TXT'],
  ['foo.cw.interop.test.', 'A'],
  ['www.dn.interop.test.', 'A'],
  ['x.dnin.interop.test.', 'TXT'],
  ['dn.interop.test.', 'DNAME'],
  ['b.c.interop.test.', 'A'],
  ['c.interop.test.', 'TXT'],
  ['x.a.b.c.interop.test.', 'TXT'],
  ['nope.interop.test.', 'A'],
  ['www.sub.interop.test.', 'A'],
  ['sub.interop.test.', 'NS'],
  ['sub.interop.test.', 'DS'],
  ['ns.sub.interop.test.', 'A'],
  ['www.sec.interop.test.', 'A'],
  ['sec.interop.test.', 'DS'],
  ['www.nsec.interop.test.', 'A'],
  ['www.nsec.interop.test.', 'TXT'],
  ['nope.nsec.interop.test.', 'A'],
  ['x.wild.nsec.interop.test.', 'TXT'],
  ['x.wild.nsec.interop.test.', 'A'],
  ['b.c.nsec.interop.test.', 'TXT'],
  ['www.sub.nsec.interop.test.', 'A'],
  ['sub.nsec.interop.test.', 'DS'],
  ['www.optout.interop.test.', 'A'],
  ['nope.optout.interop.test.', 'A'],
  ['www.insecure.optout.interop.test.', 'A'],
  ['insecure.optout.interop.test.', 'DS'],
  ['www.x.y.insecure2.optout.interop.test.', 'A'],
  ['y.insecure2.optout.interop.test.', 'A'],
  ['x.y.insecure2.optout.interop.test.', 'DS'],
  ['www.unsigned.interop.test.', 'A'],
  ['unsigned.interop.test.', 'DS'],
  ['nope.test.', 'A'],
  ['www.example.', 'A'],
];

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes, signs and canonicalises the mini hierarchy; returns the folder of `.zone` files. */
function makeMiniHierarchy(): string {
  const work = mkdtempSync(join(tmpdir(), 'netwatch-mini-'));
  const out = join(work, 'zones');
  mkdirSync(out);
  const soa = (origin: string): string =>
    `$ORIGIN ${origin === '.' ? '.' : `${origin}.`}\n$TTL 300\n@ SOA ns1.interop.test. hostmaster.interop.test. 1 3600 600 86400 300\n`;
  const keys = (origin: string): string =>
    ['-f', '']
      .map((flag) => {
        const args = [
          '-q',
          '-K',
          work,
          '-a',
          'ECDSAP256SHA256',
          ...(flag ? ['-f', 'KSK'] : []),
          origin,
        ];
        const base = run('dnssec-keygen', args, work).trim();
        return readFileSync(join(work, `${base}.key`), 'utf8');
      })
      .join('\n');
  const sign = (origin: string, source: string, extra: string[]): void => {
    const name = origin === '.' ? '.' : `${origin}.`;
    const input = join(work, `${origin}.db`);
    writeFileSync(input, source);
    run(
      'dnssec-signzone',
      ['-q', '-K', work, '-d', work, '-o', name, '-f', `${input}.signed`, ...extra, input],
      work,
    );
    const file = origin === '.' ? 'root.zone' : `${origin}.zone`;
    run(
      'named-checkzone',
      ['-q', '-D', '-s', 'full', '-o', join(out, file), name, `${input}.signed`],
      work,
    );
  };
  const dsset = (origin: string): string => readFileSync(join(work, `dsset-${origin}.`), 'utf8');

  const interop = 'interop.test';
  for (const [origin, extra] of [
    ['nsec.interop.test', []],
    ['optout.interop.test', ['-3', '-', '-H', '0', '-A']],
  ] as const) {
    sign(origin, soa(origin) + MINI_ZONES[origin] + keys(origin), [...extra]);
  }
  const unsigned = 'unsigned.interop.test';
  const unsignedSource = join(work, `${unsigned}.db`);
  writeFileSync(unsignedSource, soa(unsigned) + MINI_ZONES[unsigned]);
  run(
    'named-checkzone',
    ['-q', '-D', '-s', 'full', '-o', join(out, `${unsigned}.zone`), `${unsigned}.`, unsignedSource],
    work,
  );

  const delegations = [
    'nsec NS ns1',
    'optout NS ns1',
    'unsigned NS ns1',
    dsset('nsec.interop.test'),
    dsset('optout.interop.test'),
  ].join('\n');
  sign(interop, `${soa(interop)}${MINI_ZONES[interop]}\n${delegations}\n${keys(interop)}`, [
    '-3',
    'aabbccdd',
    '-H',
    '5',
  ]);
  sign(
    'test',
    `${soa('test')}@ NS ns1.interop.test.\ninterop NS ns1.interop.test.\nns1.interop A 127.0.0.1\n${dsset(interop)}\n${keys('test')}`,
    ['-3', '-', '-H', '0'],
  );
  sign(
    '.',
    `${soa('.')}@ NS ns1.interop.test.\ntest. NS ns1.interop.test.\nns1.interop.test. A 127.0.0.1\n${dsset('test')}\n${keys('.')}`,
    [],
  );
  return work;
}

describeWithNamed('authoritative server vs named: a hierarchy signed here', () => {
  let work = '';
  const servers = servePair(async () => {
    work = makeMiniHierarchy();
    const zoneDir = join(work, 'zones');
    return { zoneDir, zones: loadFixtureZones(zoneDir) };
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('signed every zone but the unsigned one', () => {
    const files = readdirSync(join(work, 'zones')).sort();
    expect(files).toEqual([
      'interop.test.zone',
      'nsec.interop.test.zone',
      'optout.interop.test.zone',
      'root.zone',
      'test.zone',
      'unsigned.interop.test.zone',
    ]);
  });

  it.each([
    ...MINI_QUERIES,
    ...apexQueries(['.', 'test', 'interop.test', 'nsec.interop.test', 'optout.interop.test']),
  ])('%s %s', async (name, type) => {
    const { named, ours } = servers.ports();
    await compare(named, ours, [name, type]);
  });
});
