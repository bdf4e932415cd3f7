/**
 * The in-process authoritative server against the committed fixture hierarchy
 * (test/fixtures/dns/zones). Hashes, key tags and signatures change whenever the fixtures are
 * regenerated, so every expectation is derived from the zone files here, with this file's own
 * canonical ordering and NSEC3 hashing, never from the server's.
 */
import { createHash } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { encodeBase32Hex, type ZoneRecord } from '../../../probes/dns/presentation';
import {
  nsec3Hash,
  start,
  type RunningServer,
  type ZoneData,
  type QueryHook,
} from './authoritative-server';
import { loadFixtureZones } from './zones';

// ---------------------------------------------------------------------------------------------
// A tiny client on dgram/net, and independent DNSSEC helpers

type Reply = dnsPacket.DecodedPacket & { rcode: string };

interface Ask {
  dnssec?: boolean;
  edns?: boolean;
  udpSize?: number;
  rd?: boolean;
  tcp?: boolean;
  address?: string;
  id?: number;
}

function queryMessage(name: string, type: string, options: Ask = {}): Buffer {
  const edns = options.edns ?? true;
  return dnsPacket.encode({
    type: 'query',
    id: options.id ?? 4242,
    flags: options.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
    additionals: edns
      ? [
          {
            name: '.',
            type: 'OPT',
            udpPayloadSize: options.udpSize ?? 1232,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: options.dnssec === false ? 0 : dnsPacket.DNSSEC_OK,
            flag_do: options.dnssec !== false,
            options: [],
          },
        ]
      : [],
  });
}

function udpExchange(port: number, message: Buffer, address = '127.0.0.1', timeoutMs = 2000) {
  return new Promise<Buffer | 'timeout'>((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve('timeout');
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.on('message', (response) => {
      clearTimeout(timer);
      socket.close();
      resolve(response);
    });
    socket.send(message, port, address);
  });
}

/** Sends raw bytes over TCP and collects every length-prefixed message until close/timeout. */
function tcpExchange(
  port: number,
  bytes: Buffer,
  address = '127.0.0.1',
  expected = 1,
  timeoutMs = 2000,
): Promise<{ messages: Buffer[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const messages: Buffer[] = [];
    let pending = Buffer.alloc(0);
    let closed = false;
    const socket = net.connect({ host: address, port });
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ messages, closed });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        messages.push(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
      if (messages.length >= expected) finish();
    });
    socket.write(bytes);
  });
}

function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length);
  return Buffer.concat([prefix, message]);
}

function decodeReply(message: Buffer): Reply {
  const decoded = dnsPacket.decode(message);
  const rcode: unknown = (decoded as { rcode?: unknown }).rcode;
  if (typeof rcode !== 'string') throw new Error('no rcode');
  return { ...decoded, rcode };
}

async function ask(port: number, name: string, type: string, options: Ask = {}): Promise<Reply> {
  const message = queryMessage(name, type, options);
  if (options.tcp) {
    const { messages } = await tcpExchange(port, framed(message), options.address);
    if (messages.length !== 1) throw new Error(`no TCP answer to ${name} ${type}`);
    return decodeReply(messages[0]);
  }
  const response = await udpExchange(port, message, options.address);
  if (response === 'timeout') throw new Error(`no UDP answer to ${name} ${type}`);
  return decodeReply(response);
}

type Rr = ZoneRecord;

const section = (reply: Reply, name: 'answers' | 'authorities' | 'additionals'): Rr[] =>
  (reply[name] ?? []).filter((r) => r.type !== 'OPT') as Rr[];

const ofType = (records: Rr[], type: string): Rr[] => records.filter((r) => r.type === type);

function sigsCovering(records: Rr[], type: string): Rr[] {
  return records.filter((r) => r.type === 'RRSIG' && r.data.typeCovered === type);
}

/** RFC 4034 §6.1, written independently of the server. */
function canonicalCompare(a: string, b: string): number {
  const la = a === '.' ? [] : a.toLowerCase().split('.').reverse();
  const lb = b === '.' ? [] : b.toLowerCase().split('.').reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return la[i] < lb[i] ? -1 : 1;
  }
  return la.length - lb.length;
}

function nsecCoversName(nsec: Rr, name: string): boolean {
  if (nsec.type !== 'NSEC') return false;
  const owner = nsec.name;
  const next = nsec.data.nextDomain;
  if (canonicalCompare(owner, next) < 0) {
    return canonicalCompare(owner, name) < 0 && canonicalCompare(name, next) < 0;
  }
  return canonicalCompare(owner, name) < 0 || canonicalCompare(name, next) < 0;
}

/** RFC 5155 §5, written independently of the server. */
function hashName(name: string, salt: Buffer, iterations: number): string {
  const wire = Buffer.concat([
    ...name
      .toLowerCase()
      .split('.')
      .filter(Boolean)
      .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
    Buffer.from([0]),
  ]);
  let digest = createHash('sha1').update(wire).update(salt).digest();
  for (let i = 0; i < iterations; i++)
    digest = createHash('sha1').update(digest).update(salt).digest();
  return encodeBase32Hex(digest);
}

function nsec3Parts(record: Rr): { hash: string; next: string; optOut: boolean; types: string[] } {
  if (record.type !== 'NSEC3') throw new Error(`not an NSEC3: ${record.type}`);
  return {
    hash: record.name.split('.')[0].toLowerCase(),
    next: encodeBase32Hex(record.data.nextDomain),
    optOut: (record.data.flags & 1) === 1,
    types: record.data.rrtypes,
  };
}

function nsec3Matches(record: Rr, hash: string): boolean {
  return nsec3Parts(record).hash === hash;
}

function nsec3CoversHash(record: Rr, hash: string): boolean {
  const { hash: owner, next } = nsec3Parts(record);
  if (owner < next) return owner < hash && hash < next;
  return owner < hash || hash < next;
}

// ---------------------------------------------------------------------------------------------
// Fixture data

let zones: ZoneData[];

function zone(origin: string): ZoneData {
  const found = zones.find((z) => z.origin === origin);
  if (!found) throw new Error(`fixture zone ${origin} missing`);
  return found;
}

function zoneRecords(origin: string, name: string, type: string): Rr[] {
  return zone(origin).records.filter((r) => r.name === name && r.type === type);
}

function nsec3Params(origin: string): { salt: Buffer; iterations: number } {
  const param = zoneRecords(origin, origin, 'NSEC3PARAM')[0];
  if (!param || !Buffer.isBuffer(param.data)) throw new Error(`${origin} has no NSEC3PARAM`);
  return {
    iterations: param.data.readUInt16BE(2),
    salt: param.data.subarray(5, 5 + param.data[4]),
  };
}

function hashIn(origin: string, name: string): string {
  const { salt, iterations } = nsec3Params(origin);
  return hashName(name, salt, iterations);
}

let server: RunningServer;

beforeAll(async () => {
  zones = loadFixtureZones();
  server = await start({ zones });
});

afterAll(async () => {
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------

describe('NSEC3 hashing', () => {
  it('matches RFC 5155 Appendix A (salt aabbccdd, 12 iterations)', () => {
    const salt = Buffer.from('aabbccdd', 'hex');
    expect(encodeBase32Hex(nsec3Hash('example', salt, 12))).toBe(
      '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom',
    );
    expect(encodeBase32Hex(nsec3Hash('x.w.EXAMPLE.', salt, 12))).toBe(
      'b4um86eghhds6nea196smvmlo4ors995',
    );
    expect(hashName('a.example', salt, 12)).toBe('35mthgpgcu1qg68fab165klnsnk3dpvl');
  });
});

describe('positive answers', () => {
  it('signs the answer when DO is set, and only then', async () => {
    const signed = await ask(server.port, 'www.lamdong.gov.test', 'A');
    expect(signed.rcode).toBe('NOERROR');
    expect(signed.flag_aa).toBe(true);
    const answers = section(signed, 'answers');
    expect(ofType(answers, 'A')).toEqual(
      zoneRecords('lamdong.gov.test', 'www.lamdong.gov.test', 'A'),
    );
    expect(sigsCovering(answers, 'A')).toEqual(
      zone('lamdong.gov.test').records.filter(
        (r) =>
          r.name === 'www.lamdong.gov.test' && r.type === 'RRSIG' && r.data.typeCovered === 'A',
      ),
    );
    expect(sigsCovering(answers, 'A')).toHaveLength(1);
    // BIND's default for RD=0: the zone's NS RRset (signed) in the authority section.
    const authority = section(signed, 'authorities');
    expect(ofType(authority, 'NS')).toEqual(
      zoneRecords('lamdong.gov.test', 'lamdong.gov.test', 'NS'),
    );
    expect(sigsCovering(authority, 'NS')).toHaveLength(1);
    const opt = signed.additionals?.find((r) => r.type === 'OPT');
    expect(opt?.type === 'OPT' && opt.flag_do).toBe(true);
    const glue = section(signed, 'additionals').filter((r) => r.type === 'A' || r.type === 'AAAA');
    expect(glue.map((r) => r.name).sort()).toEqual([
      'ns1.lamdong.gov.test',
      'ns1.lamdong.gov.test',
      'ns2.lamdong.gov.test',
      'ns2.lamdong.gov.test',
    ]);

    const plain = await ask(server.port, 'www.lamdong.gov.test', 'A', { dnssec: false });
    expect(ofType(section(plain, 'answers'), 'A')).toHaveLength(1);
    const all = [
      ...section(plain, 'answers'),
      ...section(plain, 'authorities'),
      ...section(plain, 'additionals'),
    ];
    expect(all.filter((r) => ['RRSIG', 'NSEC', 'NSEC3'].includes(r.type))).toEqual([]);
    expect(plain.additionals?.find((r) => r.type === 'OPT')?.type).toBe('OPT');

    const noEdns = await ask(server.port, 'www.lamdong.gov.test', 'A', { edns: false });
    expect(noEdns.additionals?.some((r) => r.type === 'OPT')).toBe(false);
    expect(section(noEdns, 'answers').map((r) => r.type)).toEqual(['A']);
  });

  it('leaves out the authority NS when recursion is desired, as BIND does', async () => {
    const reply = await ask(server.port, 'www.lamdong.gov.test', 'A', { rd: true });
    expect(reply.flag_rd).toBe(true);
    expect(reply.flag_ra).toBe(false);
    expect(section(reply, 'authorities')).toEqual([]);
  });

  it('answers DS at an apex from the parent zone', async () => {
    const lamdong = await ask(server.port, 'lamdong.gov.test', 'DS');
    const answers = section(lamdong, 'answers');
    expect(ofType(answers, 'DS')).toEqual(zoneRecords('gov.test', 'lamdong.gov.test', 'DS'));
    expect(ofType(answers, 'DS').length).toBeGreaterThan(0);
    expect(
      sigsCovering(answers, 'DS').map((r) => r.type === 'RRSIG' && r.data.signersName),
    ).toEqual(['gov.test']);
    // DS answers are minimal in BIND: no NS in authority.
    expect(section(lamdong, 'authorities')).toEqual([]);

    const tld = await ask(server.port, 'test', 'DS');
    expect(ofType(section(tld, 'answers'), 'DS')).toEqual(zoneRecords('.', 'test', 'DS'));

    // The root has no parent here: NODATA from the root zone itself, proven by its NSEC.
    const root = await ask(server.port, '.', 'DS');
    expect(root.rcode).toBe('NOERROR');
    expect(section(root, 'answers')).toEqual([]);
    const authority = section(root, 'authorities');
    expect(ofType(authority, 'SOA').map((r) => r.name)).toEqual(['.']);
    const nsec = ofType(authority, 'NSEC');
    expect(nsec).toHaveLength(1);
    expect(nsec[0].name).toBe('.');
    expect(nsec[0].type === 'NSEC' && nsec[0].data.rrtypes).not.toContain('DS');
  });

  it('follows a CNAME inside its zone, not into another zone', async () => {
    const portal = await ask(server.port, 'portal.lamdong.gov.test', 'A');
    const answers = section(portal, 'answers');
    expect(answers.map((r) => `${r.name} ${r.type}`)).toEqual([
      'portal.lamdong.gov.test CNAME',
      'portal.lamdong.gov.test RRSIG',
      'www.lamdong.gov.test A',
      'www.lamdong.gov.test RRSIG',
    ]);
    const alias = await ask(server.port, 'alias.lamdong.gov.test', 'A');
    expect(alias.rcode).toBe('NOERROR');
    expect(section(alias, 'answers').map((r) => `${r.name} ${r.type}`)).toEqual([
      'alias.lamdong.gov.test CNAME',
      'alias.lamdong.gov.test RRSIG',
    ]);
  });

  it('synthesizes from a wildcard, keeping the RRSIG labels and proving the name is absent', async () => {
    const name = 'anything.wild.lamdong.gov.test';
    const reply = await ask(server.port, name, 'TXT');
    expect(reply.rcode).toBe('NOERROR');
    const answers = section(reply, 'answers');
    const wildcard = zoneRecords('lamdong.gov.test', '*.wild.lamdong.gov.test', 'TXT');
    expect(ofType(answers, 'TXT')).toEqual(wildcard.map((r) => ({ ...r, name })));
    const [sig] = sigsCovering(answers, 'TXT');
    expect(sig.name).toBe(name);
    // RRSIG labels: those of *.wild.lamdong.gov.test without the asterisk, fewer than the owner's.
    expect(sig.type === 'RRSIG' && sig.data.labels).toBe(4);
    // RFC 5155 §7.2.6: an NSEC3 covering the next closer name (here the name itself).
    const nsec3 = ofType(section(reply, 'authorities'), 'NSEC3');
    expect(nsec3).toHaveLength(1);
    expect(nsec3CoversHash(nsec3[0], hashIn('lamdong.gov.test', name))).toBe(true);
  });
});

describe('denial of existence', () => {
  it('proves NODATA with the NSEC of the name', async () => {
    const reply = await ask(server.port, 'www.nsec.gov.test', 'SRV');
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.flag_aa).toBe(true);
    expect(section(reply, 'answers')).toEqual([]);
    const authority = section(reply, 'authorities');
    const [soa] = ofType(authority, 'SOA');
    expect(soa.name).toBe('nsec.gov.test');
    // RFC 2308 §3: the negative TTL is min(SOA TTL, MINIMUM).
    expect(soa.ttl).toBe(soa.type === 'SOA' ? Math.min(3600, soa.data.minimum ?? 0) : -1);
    expect(sigsCovering(authority, 'SOA')).toHaveLength(1);
    const nsec = ofType(authority, 'NSEC');
    expect(nsec.map((r) => r.name)).toEqual(['www.nsec.gov.test']);
    const types = nsec[0].type === 'NSEC' ? nsec[0].data.rrtypes : [];
    expect(types).toContain('A');
    expect(types).not.toContain('SRV');
    expect(sigsCovering(authority, 'NSEC')).toHaveLength(1);
  });

  it('proves NODATA with the NSEC3 matching the name', async () => {
    const reply = await ask(server.port, 'www.nsec3.gov.test', 'SRV');
    const nsec3 = ofType(section(reply, 'authorities'), 'NSEC3');
    expect(nsec3).toHaveLength(1);
    expect(nsec3Matches(nsec3[0], hashIn('nsec3.gov.test', 'www.nsec3.gov.test'))).toBe(true);
    expect(nsec3Parts(nsec3[0]).types).toContain('A');
    expect(nsec3Parts(nsec3[0]).types).not.toContain('SRV');
  });

  it('proves NXDOMAIN with NSEC records covering the name and the wildcard', async () => {
    const reply = await ask(server.port, 'nope.nsec.gov.test', 'A');
    expect(reply.rcode).toBe('NXDOMAIN');
    expect(reply.flag_aa).toBe(true);
    const nsec = ofType(section(reply, 'authorities'), 'NSEC');
    expect(nsec.length).toBeGreaterThanOrEqual(1);
    expect(nsec.some((r) => nsecCoversName(r, 'nope.nsec.gov.test'))).toBe(true);
    expect(nsec.some((r) => nsecCoversName(r, '*.nsec.gov.test'))).toBe(true);
    expect(sigsCovering(section(reply, 'authorities'), 'NSEC')).toHaveLength(nsec.length);
  });

  it('gives the NSEC3 closest-encloser proof for NXDOMAIN (10 iterations, salted)', async () => {
    const origin = 'nsec3salt.gov.test';
    expect(nsec3Params(origin).iterations).toBe(10);
    const reply = await ask(server.port, `nope.${origin}`, 'A');
    expect(reply.rcode).toBe('NXDOMAIN');
    // The next closer name and the wildcard may fall under one NSEC3: two or three records.
    const nsec3 = ofType(section(reply, 'authorities'), 'NSEC3');
    expect(nsec3.length === 2 || nsec3.length === 3).toBe(true);
    expect(new Set(nsec3.map((r) => r.name)).size).toBe(nsec3.length);
    expect(nsec3.filter((r) => nsec3Matches(r, hashIn(origin, origin)))).toHaveLength(1);
    expect(nsec3.filter((r) => nsec3CoversHash(r, hashIn(origin, `nope.${origin}`)))).toHaveLength(
      1,
    );
    expect(nsec3.filter((r) => nsec3CoversHash(r, hashIn(origin, `*.${origin}`)))).toHaveLength(1);
    expect(sigsCovering(section(reply, 'authorities'), 'NSEC3')).toHaveLength(nsec3.length);
  });

  it('proves a wildcard NODATA: closest encloser, next closer and the wildcard itself', async () => {
    const origin = 'lamdong.gov.test';
    const reply = await ask(server.port, `anything.wild.${origin}`, 'A');
    expect(reply.rcode).toBe('NOERROR');
    expect(section(reply, 'answers')).toEqual([]);
    const nsec3 = ofType(section(reply, 'authorities'), 'NSEC3');
    expect(nsec3.some((r) => nsec3Matches(r, hashIn(origin, `wild.${origin}`)))).toBe(true);
    expect(nsec3.some((r) => nsec3CoversHash(r, hashIn(origin, `anything.wild.${origin}`)))).toBe(
      true,
    );
    const wildcard = nsec3.find((r) => nsec3Matches(r, hashIn(origin, `*.wild.${origin}`)));
    expect(wildcard && nsec3Parts(wildcard).types).toEqual(['TXT', 'RRSIG']);
  });

  it('proves the absent DS of an opt-out delegation with an opt-out NSEC3', async () => {
    const origin = 'optout.gov.test';
    const reply = await ask(server.port, `insecure.${origin}`, 'DS');
    expect(reply.rcode).toBe('NOERROR');
    const nsec3 = ofType(section(reply, 'authorities'), 'NSEC3');
    expect(nsec3.some((r) => nsec3Matches(r, hashIn(origin, origin)))).toBe(true);
    const covering = nsec3.find((r) => nsec3CoversHash(r, hashIn(origin, `insecure.${origin}`)));
    expect(covering && nsec3Parts(covering).optOut).toBe(true);
  });
});

describe('referrals (a server holding only the upper zones)', () => {
  let upper: RunningServer;
  beforeAll(async () => {
    upper = await start({
      zones: zones.filter((z) => ['.', 'test', 'gov.test', 'optout.gov.test'].includes(z.origin)),
    });
  });
  afterAll(async () => {
    await upper?.stop();
  });

  it('refers to a signed child with NS, DS and glue, not authoritatively', async () => {
    const reply = await ask(upper.port, 'www.lamdong.gov.test', 'A');
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.flag_aa).toBe(false);
    expect(section(reply, 'answers')).toEqual([]);
    const authority = section(reply, 'authorities');
    expect(ofType(authority, 'NS')).toEqual(zoneRecords('gov.test', 'lamdong.gov.test', 'NS'));
    expect(ofType(authority, 'DS')).toEqual(zoneRecords('gov.test', 'lamdong.gov.test', 'DS'));
    expect(sigsCovering(authority, 'DS')).toHaveLength(1);
    expect(sigsCovering(authority, 'NS')).toEqual([]);
    const glue = section(reply, 'additionals');
    expect(glue).toEqual(
      expect.arrayContaining([
        ...zoneRecords('gov.test', 'ns1.lamdong.gov.test', 'A'),
        ...zoneRecords('gov.test', 'ns2.lamdong.gov.test', 'AAAA'),
      ]),
    );

    const plain = await ask(upper.port, 'www.lamdong.gov.test', 'A', { dnssec: false });
    expect(section(plain, 'authorities').map((r) => r.type)).toEqual(['NS', 'NS']);
  });

  it('refers to an unsigned child with the NSEC proving there is no DS', async () => {
    const reply = await ask(upper.port, 'www.unsigned.gov.test', 'A');
    expect(reply.flag_aa).toBe(false);
    const authority = section(reply, 'authorities');
    expect(ofType(authority, 'DS')).toEqual([]);
    const nsec = ofType(authority, 'NSEC');
    expect(nsec.map((r) => r.name)).toEqual(['unsigned.gov.test']);
    expect(nsec[0].type === 'NSEC' && nsec[0].data.rrtypes).toEqual(['NS', 'RRSIG', 'NSEC']);
  });

  it('refers below an opt-out NSEC3 chain with the closest provable encloser proof', async () => {
    const origin = 'optout.gov.test';
    const reply = await ask(upper.port, `www.insecure.${origin}`, 'A');
    expect(reply.flag_aa).toBe(false);
    const authority = section(reply, 'authorities');
    expect(ofType(authority, 'NS').map((r) => r.name)).toEqual([
      `insecure.${origin}`,
      `insecure.${origin}`,
    ]);
    const nsec3 = ofType(authority, 'NSEC3');
    expect(nsec3).toHaveLength(2);
    expect(nsec3.some((r) => nsec3Matches(r, hashIn(origin, origin)))).toBe(true);
    const covering = nsec3.find((r) => nsec3CoversHash(r, hashIn(origin, `insecure.${origin}`)));
    expect(covering && nsec3Parts(covering).optOut).toBe(true);
  });

  it('answers REFUSED for names outside every zone it serves', async () => {
    const partial = await start({ zones: [zone('lamdong.gov.test')], addresses: ['127.0.0.1'] });
    try {
      const reply = await ask(partial.port, 'www.example.com', 'A');
      expect(reply.rcode).toBe('REFUSED');
      expect(reply.flag_aa).toBe(false);
      expect(section(reply, 'answers')).toEqual([]);
      expect((await ask(partial.port, 'www.lamdong.gov.test', 'A')).rcode).toBe('NOERROR');
    } finally {
      await partial.stop();
    }
  });
});

describe('transport', () => {
  it('truncates a UDP answer larger than the requester buffer, and answers in full over TCP', async () => {
    const zoneKeys = zoneRecords('test', 'test', 'DNSKEY');
    const udp = await ask(server.port, 'test', 'DNSKEY', { udpSize: 512 });
    expect(udp.flag_tc).toBe(true);
    expect(udp.flag_aa).toBe(true);
    expect(section(udp, 'answers')).toEqual([]);
    expect(section(udp, 'authorities')).toEqual([]);

    const tcp = await ask(server.port, 'test', 'DNSKEY', { tcp: true });
    expect(tcp.flag_tc).toBe(false);
    const answers = section(tcp, 'answers');
    expect(ofType(answers, 'DNSKEY')).toEqual(zoneKeys);
    expect(sigsCovering(answers, 'DNSKEY').length).toBeGreaterThan(0);
    expect(queryMessage('test', 'DNSKEY').length).toBeLessThan(512);
    expect(dnsPacket.encode(tcp).length).toBeGreaterThan(512);

    // Without EDNS the limit is 512 octets: two 2048-bit RSA keys alone do not fit.
    const noEdns = await ask(server.port, 'test', 'DNSKEY', { edns: false });
    expect([noEdns.flag_tc, section(noEdns, 'answers').length]).toEqual([true, 0]);
    // With a big enough buffer UDP carries it all.
    const big = await ask(server.port, 'test', 'DNSKEY', { udpSize: 4096 });
    expect(big.flag_tc).toBe(false);
    expect(section(big, 'answers')).toEqual(answers);
  });

  it('leaves out additional RRsets that do not fit rather than truncating', async () => {
    const full = await ask(server.port, 'portal.lamdong.gov.test', 'A', { tcp: true });
    const udp = await ask(server.port, 'portal.lamdong.gov.test', 'A', { udpSize: 1232 });
    expect(dnsPacket.encode(full).length).toBeGreaterThan(1232);
    expect(udp.flag_tc).toBe(false);
    expect(section(udp, 'answers')).toEqual(section(full, 'answers'));
    expect(section(udp, 'authorities')).toEqual(section(full, 'authorities'));
    const kept = section(udp, 'additionals');
    expect(kept.length).toBeLessThan(section(full, 'additionals').length);
    // Whole RRsets only: every address kept comes with its signature.
    expect(kept.filter((r) => r.type === 'RRSIG')).toHaveLength(kept.length / 2);
  });

  it('answers over IPv6 loopback on UDP and TCP, on the same port', async () => {
    for (const tcp of [false, true]) {
      const reply = await ask(server.port, 'www.lamdong.gov.test', 'AAAA', { address: '::1', tcp });
      expect(ofType(section(reply, 'answers'), 'AAAA')).toEqual(
        zoneRecords('lamdong.gov.test', 'www.lamdong.gov.test', 'AAAA'),
      );
    }
    expect(server.queries.some((q) => q.transport === 'tcp' && q.address === '::1')).toBe(true);
  });

  it('answers several pipelined queries on one TCP connection in order', async () => {
    const one = framed(queryMessage('www.nsec.gov.test', 'A', { id: 1 }));
    const two = framed(queryMessage('nope.nsec.gov.test', 'A', { id: 2 }));
    // Split mid-message to check the reassembly.
    const bytes = Buffer.concat([one, two]);
    const { messages } = await tcpExchange(server.port, bytes, '127.0.0.1', 2);
    expect(messages.map((m) => decodeReply(m)).map((r) => [r.id, r.rcode])).toEqual([
      [1, 'NOERROR'],
      [2, 'NXDOMAIN'],
    ]);
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(start({ zones: [], addresses: ['0.0.0.0'] })).rejects.toThrow(/non-loopback/);
  });
});

describe('malformed and unusual queries', () => {
  // Expected answers get a generous wait (CI runs suites side by side on two cores);
  // expected silences a short one.
  const rawUdp = (bytes: Buffer, waitMs = 3000): Promise<Buffer | 'timeout'> =>
    udpExchange(server.port, bytes, '127.0.0.1', waitMs);

  it('survives garbage and answers FORMERR where it can', async () => {
    expect(await rawUdp(Buffer.from([1, 2, 3]), 400)).toBe('timeout');
    // A header claiming one question that is not there.
    const header = Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const formerr = await rawUdp(header);
    expect(formerr).not.toBe('timeout');
    if (formerr !== 'timeout') {
      const reply = decodeReply(formerr);
      expect([reply.id, reply.rcode, reply.type]).toEqual([0x1234, 'FORMERR', 'response']);
    }
    // A compression pointer that points at itself.
    const loop = Buffer.concat([header, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    expect(await rawUdp(loop)).not.toBe('timeout');
    // Random bytes, many times.
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.alloc(12 + (i % 60));
      for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 7919 + j * 104729) & 0xff;
      bytes[2] &= 0x7f; // a query, so the server would answer it if it decoded
      const dgramSocket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) =>
        dgramSocket.send(bytes, server.port, '127.0.0.1', () => resolve()),
      );
      dgramSocket.close();
    }
    // A label holding a dot: dns-packet could not echo that name, so FORMERR, no question.
    const dotted = Buffer.concat([
      header,
      Buffer.from([3, 0x61, 0x2e, 0x62, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1]),
    ]);
    const dottedReply = await rawUdp(dotted);
    expect(
      dottedReply !== 'timeout' && [
        decodeReply(dottedReply).rcode,
        decodeReply(dottedReply).questions,
      ],
    ).toEqual(['FORMERR', []]);
    // Responses are never answered (no reflection loops).
    const response = dnsPacket.encode({
      type: 'response',
      id: 9,
      questions: [{ name: 'test', type: 'A' }],
    });
    expect(await rawUdp(response, 400)).toBe('timeout');
    // TCP: a zero-length message closes the connection.
    const zero = await tcpExchange(server.port, Buffer.from([0, 0]), '127.0.0.1', 1, 1000);
    expect(zero).toEqual({ messages: [], closed: true });

    expect((await ask(server.port, 'www.lamdong.gov.test', 'A')).rcode).toBe('NOERROR');
    expect(server.errors).toEqual([]);
  });

  it('answers BADVERS, NOTIMP, FORMERR and REFUSED per RFC', async () => {
    const v1 = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [{ name: 'test', type: 'SOA' }],
      additionals: [
        {
          name: '.',
          type: 'OPT',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 1,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    const badvers = await rawUdp(v1);
    if (badvers === 'timeout') throw new Error('no answer to EDNS version 1');
    const opt = decodeReply(badvers).additionals?.find((r) => r.type === 'OPT');
    expect(opt?.type === 'OPT' && opt.extendedRcode).toBe(1); // BADVERS = 16

    const notify = dnsPacket.encode({
      type: 'query',
      id: 8,
      flags: 4 << 11,
      questions: [{ name: 'test', type: 'SOA' }],
    });
    const notimp = await rawUdp(notify);
    expect(notimp !== 'timeout' && decodeReply(notimp).rcode).toBe('NOTIMP');

    const two = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [
        { name: 'test', type: 'SOA' },
        { name: 'test', type: 'NS' },
      ],
    });
    const formerr = await rawUdp(two);
    expect(formerr !== 'timeout' && decodeReply(formerr).rcode).toBe('FORMERR');

    const chaos = dnsPacket.encode({
      type: 'query',
      id: 10,
      questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }],
    });
    const refused = await rawUdp(chaos);
    expect(refused !== 'timeout' && decodeReply(refused).rcode).toBe('REFUSED');
    expect((await ask(server.port, 'test', 'AXFR', { tcp: true })).rcode).toBe('REFUSED');
  });
});

describe('onQuery hook', () => {
  let hooked: RunningServer;
  const hook: QueryHook = (query, origin) => {
    const name = query.questions?.[0]?.name;
    if (name === 'drop.lamdong.gov.test') return 'drop';
    if (name === 'garbage.lamdong.gov.test') return Buffer.from(`garbage over ${origin.transport}`);
    if (name === 'throw.lamdong.gov.test') throw new Error('hook failed');
    return undefined;
  };
  beforeAll(async () => {
    hooked = await start({ zones: [zone('lamdong.gov.test')], onQuery: hook });
  });
  afterAll(async () => {
    await hooked?.stop();
  });

  it('drops a query', async () => {
    const message = queryMessage('drop.lamdong.gov.test', 'A');
    expect(await udpExchange(hooked.port, message, '127.0.0.1', 400)).toBe('timeout');
    const { messages } = await tcpExchange(hooked.port, framed(message), '127.0.0.1', 1, 400);
    expect(messages).toEqual([]);
  });

  it('sends the raw bytes it returns, length-prefixed over TCP', async () => {
    const message = queryMessage('garbage.lamdong.gov.test', 'A');
    expect(await udpExchange(hooked.port, message)).toEqual(Buffer.from('garbage over udp'));
    const { messages } = await tcpExchange(hooked.port, framed(message));
    expect(messages).toEqual([Buffer.from('garbage over tcp')]);
  });

  it('records a failing hook, drops that query and keeps serving', async () => {
    const message = queryMessage('throw.lamdong.gov.test', 'A');
    expect(await udpExchange(hooked.port, message, '127.0.0.1', 400)).toBe('timeout');
    expect(hooked.errors.map((e) => e.message)).toEqual(['hook failed']);
    expect((await ask(hooked.port, 'www.lamdong.gov.test', 'A')).rcode).toBe('NOERROR');
    expect(hooked.queries.map((q) => q.name)).toContain('throw.lamdong.gov.test');
  });
});

describe('every fixture case', () => {
  interface Case {
    name: string;
    type: string;
    case: string;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cases = require('../../fixtures/dns/cases.json') as Case[];

  it.each(cases.map((c) => [c.name, c.type] as const))(
    '%s %s is answered authoritatively with data from the zone files',
    async (name, type) => {
      const reply = await ask(server.port, name, type, { tcp: true });
      expect(['NOERROR', 'NXDOMAIN']).toContain(reply.rcode);
      expect(reply.flag_aa).toBe(true);
      const all = zones.flatMap((z) => z.records);
      const qname = name.replace(/\.$/, '');
      for (const record of section(reply, 'answers')) {
        // Each record comes from a zone file as is, or is a wildcard expansion for the name.
        const fromZone = all.some(
          (r) =>
            r.type === record.type &&
            JSON.stringify(r.data) === JSON.stringify(record.data) &&
            (r.name === record.name || (record.name === qname && r.name.startsWith('*.'))),
        );
        expect({ record: `${record.name} ${record.type}`, fromZone }).toEqual({
          record: `${record.name} ${record.type}`,
          fromZone: true,
        });
      }
      if (section(reply, 'answers').length === 0) {
        expect(ofType(section(reply, 'authorities'), 'SOA')).toHaveLength(1);
      }
    },
  );
});
