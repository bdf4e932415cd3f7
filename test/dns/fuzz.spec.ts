import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { codec } from '../../probes/dns/codec';
import { loadTrustAnchors } from '../../probes/dns/dnssec/anchors';
import { DnssecResult, DnssecStatus } from '../../probes/dns/dnssec/result';
import {
  DnsLookup,
  DnssecValidator,
  LookupResult,
  TrustAnchor,
} from '../../probes/dns/dnssec/validator';
import { ServerLookup } from '../../probes/dns/lookup';
import {
  decodeMessage,
  DnsMessage,
  DnsRecord,
  encodeQuery,
  MalformedMessageError,
  normalizeName,
} from '../../probes/dns/message';
import { QueryErrorCode, UdpTcpTransport } from '../../probes/dns/transport';
import { QueryHook, RunningServer, start } from '../support/dns/authoritative-server';
import { loadFixtureZones } from '../support/dns/zones';
import { applyShared, type SharedMutation } from '../fuzz/mutations';

/**
 * Property tests for everything that reads bytes from the network: the message decoder, the
 * DNSSEC validator fed hostile (but decodable) messages, and the transport fed garbage. Every
 * run is bounded (numRuns) so the file stays well under 30 s; a failure prints fast-check's
 * seed and the shrunk counterexample.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'dns');
const NOW = new Date('2030-06-01T00:00:00Z');
const STATUSES: DnssecStatus[] = ['secure', 'insecure', 'bogus', 'indeterminate'];

/** Returns normally or throws MalformedMessageError; any other error escapes (and fails the property). */
function decodesOrRejects(buf: Buffer): void {
  let m: DnsMessage;
  try {
    m = decodeMessage(buf);
  } catch (err) {
    if (err instanceof MalformedMessageError) return;
    throw err;
  }
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) {
    if (typeof r.name !== 'string' || typeof r.type !== 'string') {
      throw new Error(`decoded a record without name or type: ${JSON.stringify(r)}`);
    }
  }
  if (m.size !== buf.length)
    throw new Error(`size ${m.size} is not the ${buf.length} bytes decoded`);
}

// ---------------------------------------------------------------------------------------------
// Byte-level mutations of real responses

type ByteMutation =
  | SharedMutation
  | { kind: 'splice'; donor: number; from: number; length: number; to: number; replace: boolean }
  | { kind: 'count'; which: number; value: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    from: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
    to: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('splice' as const),
    donor: fc.nat(),
    from: fc.nat(),
    length: fc.integer({ min: 1, max: 300 }),
    to: fc.nat(),
    replace: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('count' as const),
    which: fc.integer({ min: 0, max: 3 }),
    value: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 0xffff })),
  }),
);

function mutateBytes(original: Buffer, mutations: ByteMutation[], donors: Buffer[]): Buffer {
  let b: Buffer = Buffer.from(original);
  for (const m of mutations) {
    switch (m.kind) {
      case 'splice': {
        const donor = donors[m.donor % donors.length];
        const from = m.from % donor.length;
        const slice = donor.subarray(from, from + m.length);
        const to = m.to % (b.length + 1);
        const rest = m.replace ? b.subarray(Math.min(b.length, to + slice.length)) : b.subarray(to);
        b = Buffer.concat([b.subarray(0, to), slice, rest]);
        break;
      }
      case 'count':
        if (b.length >= 12) {
          b = Buffer.from(b);
          b.writeUInt16BE(m.value, 4 + 2 * m.which);
        }
        break;
      default:
        b = applyShared(b, m);
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Decoded messages: clone, re-encode, mutate

function cloneValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return Buffer.from(v);
  if (Array.isArray(v)) return v.map(cloneValue);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneValue(x)]));
  }
  return v;
}
const cloneMessage = (m: DnsMessage): DnsMessage => cloneValue(m) as DnsMessage;

const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};

/** A decoded message back on the wire, as a server would send it. */
function toWire(m: DnsMessage): Buffer {
  let flags = RCODES[m.rcode] ?? 0;
  if (m.flags.aa) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  if (m.flags.tc) flags |= dnsPacket.TRUNCATED_RESPONSE;
  if (m.flags.rd) flags |= dnsPacket.RECURSION_DESIRED;
  if (m.flags.ra) flags |= dnsPacket.RECURSION_AVAILABLE;
  if (m.flags.ad) flags |= dnsPacket.AUTHENTIC_DATA;
  if (m.flags.cd) flags |= dnsPacket.CHECKING_DISABLED;
  const opt: dnsPacket.OptAnswer[] = m.edns
    ? [
        {
          name: '.',
          type: 'OPT',
          udpPayloadSize: m.edns.udpPayloadSize,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: m.edns.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
          flag_do: m.edns.dnssecOk,
          options: [],
        },
      ]
    : [];
  return dnsPacket.encode({
    type: 'response',
    id: m.id,
    flags,
    questions: m.question
      ? [{ name: m.question.name, type: m.question.type as dnsPacket.RecordType, class: 'IN' }]
      : [],
    answers: m.answers,
    authorities: m.authorities,
    additionals: [...m.additionals, ...opt],
  });
}

type Section = 'answers' | 'authorities' | 'additionals';
const SECTIONS: Section[] = ['answers', 'authorities', 'additionals'];

type MessageMutation =
  | { kind: 'drop'; section: number; index: number }
  | { kind: 'dup'; section: number; index: number }
  | { kind: 'move'; section: number; index: number; to: number }
  | { kind: 'owner'; section: number; index: number; donor: number }
  | { kind: 'rdata'; section: number; index: number; at: number; xor: number }
  | { kind: 'rcode'; rcode: string }
  | { kind: 'fail' }
  | { kind: 'wire'; bytes: ByteMutation[] };

const messageMutation: fc.Arbitrary<MessageMutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), section: fc.nat(2), index: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), section: fc.nat(2), index: fc.nat() }),
  fc.record({
    kind: fc.constant('move' as const),
    section: fc.nat(2),
    index: fc.nat(),
    to: fc.nat(2),
  }),
  fc.record({
    kind: fc.constant('owner' as const),
    section: fc.nat(2),
    index: fc.nat(),
    donor: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('rdata' as const),
    section: fc.nat(2),
    index: fc.nat(),
    at: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('rcode' as const),
    rcode: fc.constantFrom('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR'),
  }),
  fc.record({ kind: fc.constant('fail' as const) }),
  fc.record({
    kind: fc.constant('wire' as const),
    bytes: fc.array(byteMutation, { minLength: 1, maxLength: 3 }),
  }),
);

/** RDATA on the wire (after its 2-byte length), one byte XORed, decoded back; null if it no longer decodes. */
function flipRdata(r: DnsRecord, at: number, xor: number): DnsRecord | null {
  try {
    const c = codec.record(r.type);
    const wire = Buffer.from(c.encode(r.data));
    if (wire.length <= 2) return null;
    wire[2 + (at % (wire.length - 2))] ^= xor;
    return { ...r, data: c.decode(wire, 0) } as DnsRecord;
  } catch {
    return null;
  }
}

function applyMutation(result: LookupResult, m: MessageMutation): LookupResult {
  if (!result.ok) return result;
  if (m.kind === 'fail') return { ok: false, error: 'timeout: fuzzed failure' };
  const msg = result.message;
  if (m.kind === 'rcode') return { ok: true, message: { ...msg, rcode: m.rcode } };
  if (m.kind === 'wire') {
    try {
      return { ok: true, message: decodeMessage(mutateBytes(toWire(msg), m.bytes, [toWire(msg)])) };
    } catch (err) {
      if (err instanceof MalformedMessageError)
        return { ok: false, error: `malformed: ${err.message}` };
      throw err;
    }
  }
  const list = msg[SECTIONS[m.section]];
  if (!list.length) return result;
  const i = m.index % list.length;
  const record = list[i];
  switch (m.kind) {
    case 'drop':
      list.splice(i, 1);
      break;
    case 'dup':
      list.splice(i, 0, cloneValue(record) as DnsRecord);
      break;
    case 'move':
      list.splice(i, 1);
      msg[SECTIONS[m.to]].push(record);
      break;
    case 'owner': {
      const all = [...msg.answers, ...msg.authorities, ...msg.additionals];
      list[i] = { ...record, name: all[m.donor % all.length].name };
      break;
    }
    case 'rdata': {
      const flipped = flipRdata(record, m.at, m.xor);
      if (flipped) list[i] = flipped;
      break;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lookups that record a real run, then replay it (mutated)

const keyOf = (name: string, type: string) => `${normalizeName(name)}|${type.toUpperCase()}`;

class RecordingLookup implements DnsLookup {
  constructor(
    private readonly inner: DnsLookup,
    private readonly store: Map<string, LookupResult>,
  ) {}

  async query(name: string, type: string): Promise<LookupResult> {
    const result = await this.inner.query(name, type);
    this.store.set(keyOf(name, type), result);
    return result;
  }
}

class ReplayLookup implements DnsLookup {
  constructor(
    private readonly store: Map<string, LookupResult>,
    private readonly change: (key: string, result: LookupResult) => LookupResult = (_k, r) => r,
  ) {}

  async query(name: string, type: string): Promise<LookupResult> {
    const key = keyOf(name, type);
    const stored = this.store.get(key);
    if (!stored) return { ok: false, error: `not recorded: ${key}` };
    const copy: LookupResult = stored.ok
      ? { ok: true, message: cloneMessage(stored.message) }
      : stored;
    return this.change(key, copy);
  }
}

async function withinMs<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

class BudgetExceeded extends Error {}

/**
 * The validator reads its clock for every query and zone-key lookup, cached or not. A clock
 * that throws after `budget` reads bounds a runaway validation; a wall-clock guard cannot,
 * because a recursion over cached promises runs in microtasks and starves every timer.
 */
function budgetClock(budget: number): { now: () => Date; reads: () => number } {
  let reads = 0;
  return {
    now: () => {
      if (++reads > budget)
        throw new BudgetExceeded(`validation read the clock more than ${budget} times`);
      return NOW;
    },
    reads: () => reads,
  };
}

const CLOCK_BUDGET = 2_000;

/** One raw UDP exchange with the in-process server: the response bytes exactly as sent. */
async function rawAnswer(port: number, name: string, type: string, rd: boolean): Promise<Buffer> {
  const socket = createSocket('udp4');
  try {
    const id = 0x1234;
    const query = encodeQuery({
      id,
      name,
      type,
      recursionDesired: rd,
      checkingDisabled: true,
      dnssecOk: true,
      udpPayloadSize: 4096,
    });
    const reply = new Promise<Buffer>((resolve, reject) => {
      socket.once('message', (msg) => resolve(msg));
      socket.once('error', reject);
    });
    socket.send(query, port, '127.0.0.1');
    const buf = await withinMs(2000, reply, `${name} ${type}`);
    if (buf.readUInt16BE(0) !== id) throw new Error(`wrong id answering ${name} ${type}`);
    return buf;
  } finally {
    socket.close();
  }
}

// ---------------------------------------------------------------------------------------------

/** Secure fixture answers whose signed RRsets the targeted property mutates. */
const SECURE_CASES: [string, string][] = [
  ['www.lamdong.gov.test', 'A'],
  ['www.lamdong.gov.test', 'AAAA'],
  ['lamdong.gov.test', 'TXT'],
  ['anything.wild.lamdong.gov.test', 'TXT'],
  ['portal.lamdong.gov.test', 'A'],
  ['www', 'A'],
  ['www.test', 'A'],
  ['www.gov.test', 'A'],
  ['www.alg5.gov.test', 'A'],
  ['www.alg8.gov.test', 'A'],
  ['www.alg10.gov.test', 'A'],
  ['www.alg14.gov.test', 'A'],
  ['www.alg15.gov.test', 'A'],
  ['www.alg16.gov.test', 'A'],
  ['www.nsec3salt.gov.test', 'A'],
  ['www.ds1.gov.test', 'AAAA'],
];

/** Further cases for the broad property: denials, insecure and bogus answers. */
const OTHER_CASES: [string, string][] = [
  ['nope.lamdong.gov.test', 'A'],
  ['nope.nsec.gov.test', 'A'],
  ['www.nsec.gov.test', 'SRV'],
  ['www.nsec3.gov.test', 'SRV'],
  ['nope.optout.gov.test', 'A'],
  ['www.insecure.optout.gov.test', 'A'],
  ['www.unsigned.gov.test', 'A'],
  ['alias.lamdong.gov.test', 'A'],
  ['unsigned.gov.test', 'DS'],
  ['www.tampered.gov.test', 'A'],
  ['www.expired.gov.test', 'A'],
  ['www.unsupported-ds.gov.test', 'A'],
];

const DATA_TYPES = new Set(['A', 'AAAA', 'TXT']);

interface TargetedMutation {
  set: number;
  mode: 'data' | 'signature';
  record: number;
  at: number;
  xor: number;
}

/**
 * Changes one signed RRset of the answer section: one byte of one A/AAAA/TXT record's data, or
 * one byte of the signature of every RRSIG covering the set (so no untouched signature can
 * still vouch for it). Returns a description, or null when the mutation does not apply.
 */
function mutateSigned(msg: DnsMessage, t: TargetedMutation): string | null {
  const sets = [
    ...new Set(
      msg.answers
        .filter((r) => r.type !== 'RRSIG' && (t.mode === 'signature' || DATA_TYPES.has(r.type)))
        .map((r) => `${r.name}|${r.type}`),
    ),
  ];
  if (!sets.length) return null;
  const [name, type] = sets[t.set % sets.length].split('|');
  if (t.mode === 'signature') {
    const sigs = msg.answers.filter(
      (r): r is dnsPacket.RrsigAnswer =>
        r.type === 'RRSIG' && r.name === name && r.data.typeCovered === type,
    );
    if (!sigs.length) return null;
    for (const s of sigs) s.data.signature[t.at % s.data.signature.length] ^= t.xor;
    return `signature of ${name} ${type}`;
  }
  const members = msg.answers.filter((r) => r.name === name && r.type === type);
  const target = members[t.record % members.length];
  if (target.type === 'TXT') {
    const strings = (Array.isArray(target.data) ? target.data : [target.data]).map((s) =>
      Buffer.isBuffer(s) ? s : Buffer.from(s),
    );
    const total = strings.reduce((n, s) => n + s.length, 0);
    if (!total) return null;
    let at = t.at % total;
    const si = strings.findIndex((s) => (at < s.length ? true : ((at -= s.length), false)));
    strings[si][at] ^= t.xor;
    target.data = strings;
    return `TXT data of ${name}`;
  }
  const flipped = flipRdata(target, t.at, t.xor);
  if (!flipped || JSON.stringify(flipped.data) === JSON.stringify(target.data)) return null;
  target.data = flipped.data as typeof target.data;
  return `${type} data of ${name}: ${String(flipped.data)}`;
}

describe('fuzzing the DNS code with fast-check', () => {
  let server: RunningServer;
  let hook: QueryHook | undefined;
  let anchors: TrustAnchor[];
  const transport = new UdpTcpTransport();
  /** Raw responses captured from the in-process server. */
  const captured: Buffer[] = [];
  /** Every lookup result of real validations, keyed by name|type. */
  const recorded = new Map<string, LookupResult>();
  const liveStatus = new Map<string, DnssecStatus>();

  beforeAll(async () => {
    server = await start({
      zones: loadFixtureZones(join(FIXTURES, 'zones')),
      addresses: ['127.0.0.1'],
      onQuery: (q, o) => hook?.(q, o),
    });
    anchors = loadTrustAnchors(join(FIXTURES, 'anchors', 'root.ds'));
    const raw: [string, string, boolean][] = [
      ['www.lamdong.gov.test', 'A', false],
      ['nope.nsec3.gov.test', 'A', true],
      ['www.nsec.gov.test', 'SRV', true],
      ['anything.wild.lamdong.gov.test', 'TXT', true],
      ['test', 'DNSKEY', true],
      ['portal.lamdong.gov.test', 'A', true],
      ['lamdong.gov.test', 'MX', false],
      ['lamdong.gov.test', 'DS', true],
      ['insecure.optout.gov.test', 'NS', true],
    ];
    for (const [name, type, rd] of raw) captured.push(await rawAnswer(server.port, name, type, rd));

    const live = new RecordingLookup(
      new ServerLookup(transport, { address: '127.0.0.1', port: server.port }),
      recorded,
    );
    for (const [name, type] of [...SECURE_CASES, ...OTHER_CASES]) {
      const v = new DnssecValidator({ lookup: live, anchors, now: () => NOW });
      liveStatus.set(keyOf(name, type), (await v.validate(name, type)).status);
    }
  });
  afterAll(async () => server.stop());
  beforeEach(() => {
    hook = undefined;
  });

  describe('decodeMessage', () => {
    it('captured real responses decode (the corpus is sound)', () => {
      expect(captured).toHaveLength(9);
      for (const buf of captured)
        expect(
          decodeMessage(buf).answers.length + decodeMessage(buf).authorities.length,
        ).toBeGreaterThan(0);
    });

    it('(a) arbitrary bytes (0-600): returns, or throws MalformedMessageError', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
          decodesOrRejects(Buffer.from(bytes));
        }),
        { numRuns: 2000 },
      );
    });

    it('(a) header-shaped bytes with small counts: returns, or throws MalformedMessageError', () => {
      const shaped = fc
        .tuple(
          fc.integer({ min: 0, max: 0xffff }),
          fc.integer({ min: 0, max: 0xffff }),
          fc.tuple(fc.nat(1), fc.nat(6), fc.nat(6), fc.nat(6)),
          fc.uint8Array({ minLength: 0, maxLength: 588 }),
        )
        .map(([id, flags, counts, body]) => {
          const head = Buffer.alloc(12);
          head.writeUInt16BE(id, 0);
          head.writeUInt16BE(flags, 2);
          counts.forEach((c, i) => head.writeUInt16BE(c, 4 + 2 * i));
          return Buffer.concat([head, Buffer.from(body)]);
        });
      fc.assert(fc.property(shaped, decodesOrRejects), { numRuns: 2000 });
    });

    it('(b) mutated real responses (flipped, truncated, duplicated, spliced): returns, or throws MalformedMessageError', () => {
      fc.assert(
        fc.property(
          fc.nat(),
          fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
          (which, mutations) => {
            decodesOrRejects(mutateBytes(captured[which % captured.length], mutations, captured));
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('DNSSEC validator fed mutated messages', () => {
    const replayValidator = (
      change?: (key: string, r: LookupResult) => LookupResult,
      now: () => Date = budgetClock(CLOCK_BUDGET).now,
    ) => new DnssecValidator({ lookup: new ReplayLookup(recorded, change), anchors, now });

    it('the recording is faithful: toWire round-trips, and replaying it gives the live verdicts', async () => {
      for (const r of recorded.values()) {
        if (!r.ok) continue;
        const again = decodeMessage(toWire(r.message));
        expect({ ...again, size: 0 }).toEqual({ ...r.message, size: 0 });
      }
      for (const [name, type] of SECURE_CASES)
        expect([name, type, liveStatus.get(keyOf(name, type))]).toEqual([name, type, 'secure']);
      expect(new Set(liveStatus.values())).toEqual(new Set(['secure', 'insecure', 'bogus']));
      let most = 0;
      for (const [name, type] of [...SECURE_CASES, ...OTHER_CASES]) {
        const clock = budgetClock(CLOCK_BUDGET);
        const replayed = await replayValidator(undefined, clock.now).validate(name, type);
        expect([name, type, replayed.status]).toEqual([
          name,
          type,
          liveStatus.get(keyOf(name, type)),
        ]);
        most = Math.max(most, clock.reads());
      }
      // The budget leaves a wide margin over any honest validation.
      expect(most).toBeLessThan(CLOCK_BUDGET / 20);
    });

    it('(c) any mutation of any message: resolves to one of the four statuses, never throws', async () => {
      const keys = [...recorded.keys()].sort();
      const cases = [...SECURE_CASES, ...OTHER_CASES];
      await fc.assert(
        fc.asyncProperty(
          fc.nat(cases.length - 1),
          fc.array(
            fc.tuple(
              fc.nat(keys.length - 1),
              fc.array(messageMutation, { minLength: 1, maxLength: 3 }),
            ),
            {
              minLength: 1,
              maxLength: 3,
            },
          ),
          async (caseIndex, plan) => {
            const [name, type] = cases[caseIndex];
            const byKey = new Map<string, MessageMutation[]>();
            for (const [k, ms] of plan) byKey.set(keys[k], [...(byKey.get(keys[k]) ?? []), ...ms]);
            const served = new Map<string, LookupResult>();
            const v = replayValidator((key, r) => {
              const out = (byKey.get(key) ?? []).reduce(applyMutation, r);
              served.set(key, out);
              return out;
            });
            const result: DnssecResult = await withinMs(
              5000,
              v.validate(name, type),
              `validate ${name} ${type}`,
            );
            expect(STATUSES).toContain(result.status);
            expect(result.reasons.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 300 },
      );
    });

    // A DS answer with neither DS nor proof once sent the validator into endless recursion.
    it.each([
      ['www.unsigned.gov.test', 'A', 'unsigned.gov.test|DS', 'its NSEC proof stripped'],
      ['www.alg16.gov.test', 'A', 'alg16.gov.test|DS', 'the DS RRset removed'],
      ['unsigned.gov.test', 'DS', 'unsigned.gov.test|DS', 'its NSEC proof stripped'],
    ])(
      '%s %s with the %s answer stripped (%s) is bogus, in bounded time',
      async (name, type, key, _how) => {
        const clock = budgetClock(CLOCK_BUDGET);
        const v = replayValidator((k, r) => {
          if (k !== key || !r.ok) return r;
          const m = r.message;
          return {
            ok: true,
            message: {
              ...m,
              answers: m.answers.filter((x) => x.type !== 'DS' && x.type !== 'RRSIG'),
              authorities: m.authorities.filter((x) => x.type === 'SOA'),
            },
          };
        }, clock.now);
        const result = await v.validate(name, type);
        expect(result.status).toBe('bogus');
        expect(clock.reads()).toBeLessThan(CLOCK_BUDGET);
      },
    );

    it('(c) changing a signed RRset (A/AAAA/TXT data or its RRSIG signatures) in the answer is never secure', async () => {
      const targeted: fc.Arbitrary<TargetedMutation> = fc.record({
        set: fc.nat(),
        mode: fc.constantFrom('data' as const, 'signature' as const),
        record: fc.nat(),
        at: fc.nat(),
        xor: fc.integer({ min: 1, max: 255 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.nat(SECURE_CASES.length - 1), targeted, async (caseIndex, t) => {
          const [name, type] = SECURE_CASES[caseIndex];
          const target = keyOf(name, type);
          let changed: string | null = null;
          const v = replayValidator((key, r) => {
            if (key !== target || !r.ok) return r;
            changed = mutateSigned(r.message, t);
            return r;
          });
          const result = await withinMs(5000, v.validate(name, type), `validate ${name} ${type}`);
          fc.pre(changed !== null);
          if (result.status === 'secure') {
            throw new Error(`${name} ${type} is secure after changing the ${String(changed)}`);
          }
          expect(result.status).toBe('bogus');
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('transport fed garbage', () => {
    it('(d) never throws and always resolves, whatever the server sends', async () => {
      const codes: QueryErrorCode[] = ['timeout', 'malformed', 'mismatch', 'truncated', 'network'];
      const answer = captured[0]; // www.lamdong.gov.test A: the name the property queries
      const garbage = fc.oneof(
        fc
          .uint8Array({ minLength: 0, maxLength: 600 })
          .map((b) => ({ bytes: Buffer.from(b), patchId: false })),
        fc
          .tuple(
            fc.uint8Array({ minLength: 0, maxLength: 600 }),
            fc.tuple(fc.nat(1), fc.nat(4), fc.nat(4), fc.nat(4)),
          )
          .map(([b, counts]) => {
            const bytes = Buffer.concat([Buffer.alloc(12), Buffer.from(b)]);
            bytes.writeUInt16BE(0x8400, 2);
            counts.forEach((c, i) => bytes.writeUInt16BE(c, 4 + 2 * i));
            return { bytes, patchId: true };
          }),
        fc
          .array(byteMutation, { minLength: 1, maxLength: 3 })
          .map((ms) => ({ bytes: mutateBytes(answer, ms, captured), patchId: true })),
      );
      const seen: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          garbage,
          fc.constantFrom('udp' as const, 'tcp' as const, 'auto' as const),
          async (g, protocol) => {
            const ids = new Set<number>();
            hook = (q) => {
              ids.add(q.id ?? 0);
              const out = Buffer.from(g.bytes);
              if (g.patchId && out.length >= 2) out.writeUInt16BE(q.id ?? 0, 0);
              return out;
            };
            const result = await withinMs(
              2000,
              transport.query(
                { address: '127.0.0.1', port: server.port },
                'www.lamdong.gov.test',
                'A',
                {
                  protocol,
                  timeoutMs: 150,
                },
              ),
              'query',
            );
            seen.push(result.ok ? 'ok' : result.error.code);
            if (!result.ok) {
              expect(codes).toContain(result.error.code);
            } else {
              // Whatever it accepts is an answer to this query: its id, and its question or none.
              expect(ids.has(result.message.id)).toBe(true);
              expect([null, 'www.lamdong.gov.test A']).toContain(
                result.message.question &&
                  `${result.message.question.name} ${result.message.question.type}`,
              );
            }
          },
        ),
        { numRuns: 150 },
      );
      // The generators reach both outcomes: garbage refused, and mutated answers accepted.
      expect(seen).toContain('malformed');
      expect(seen).toContain('ok');
    });
  });
});
