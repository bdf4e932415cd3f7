import * as dnsPacket from 'dns-packet';

/** A resource record as dns-packet decodes it (OPT pseudo-records are kept apart). */
export type DnsRecord = Exclude<dnsPacket.Answer, dnsPacket.OptAnswer>;

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | string;

/** A decoded, checked DNS response. */
export interface DnsMessage {
  id: number;
  rcode: Rcode;
  flags: { aa: boolean; tc: boolean; rd: boolean; ra: boolean; ad: boolean; cd: boolean };
  question: { name: string; type: string } | null;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  /** EDNS: present when the response carried an OPT record. */
  edns: { udpPayloadSize: number; dnssecOk: boolean } | null;
  size: number;
}

/** Largest DNS message we accept (TCP length prefix maximum). */
export const MAX_MESSAGE_BYTES = 65535;

export class MalformedMessageError extends Error {}

/** dns-packet exposes rcode on decoded packets without declaring it. */
interface DecodedWithRcode extends dnsPacket.DecodedPacket {
  rcode?: string;
}

/**
 * Decodes a response defensively: dns-packet throws on truncated data, bad pointers and lying
 * counts (it reads until the buffer ends); we turn every such failure into one error type and
 * check what the library does not (message size, section sizes, the question echoed).
 */
export function decodeMessage(buf: Buffer): DnsMessage {
  if (buf.length < 12) throw new MalformedMessageError(`message too short (${buf.length} bytes)`);
  if (buf.length > MAX_MESSAGE_BYTES)
    throw new MalformedMessageError(`message too long (${buf.length} bytes)`);
  // Each record needs at least 11 bytes; counts that cannot fit are lies, refuse before decoding.
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  if (counts[0] > 1)
    throw new MalformedMessageError(`question count ${counts[0]} (expected 0 or 1)`);
  if ((counts[1] + counts[2] + counts[3]) * 11 > buf.length) {
    throw new MalformedMessageError('record counts exceed the message size');
  }
  const structural = checkStructure(buf, counts);
  if (structural) throw new MalformedMessageError(structural);
  let packet: DecodedWithRcode;
  try {
    packet = dnsPacket.decode(buf) as DecodedWithRcode;
  } catch (err) {
    throw new MalformedMessageError(`cannot decode: ${(err as Error).message}`);
  }
  const split = (list: dnsPacket.Answer[] | undefined) =>
    (list ?? []).filter((r): r is DnsRecord => r.type !== 'OPT');
  const opt = (packet.additionals ?? []).find((r): r is dnsPacket.OptAnswer => r.type === 'OPT');
  const q = packet.questions?.[0];
  return {
    id: packet.id ?? 0,
    rcode: packet.rcode ?? 'NOERROR',
    flags: {
      aa: packet.flag_aa,
      tc: packet.flag_tc,
      rd: packet.flag_rd,
      ra: packet.flag_ra,
      ad: packet.flag_ad,
      cd: packet.flag_cd,
    },
    question: q ? { name: normalizeName(q.name), type: q.type } : null,
    answers: split(packet.answers).map(normalizeRecord),
    authorities: split(packet.authorities).map(normalizeRecord),
    additionals: split(packet.additionals).map(normalizeRecord),
    edns: opt ? { udpPayloadSize: opt.udpPayloadSize, dnssecOk: Boolean(opt.flag_do) } : null,
    size: buf.length,
  };
}

/** Skips a (possibly compressed) name; returns the offset after it, or -1 if it runs past the end. */
function skipName(buf: Buffer, offset: number): number {
  for (let i = offset; i < buf.length;) {
    const len = buf[i];
    if (len === 0) return i + 1;
    if ((len & 0xc0) === 0xc0) return i + 2 <= buf.length ? i + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    i += len + 1;
  }
  return -1;
}

/**
 * Walks the message's record boundaries before dns-packet decodes it: dns-packet's per-type
 * decoders trust RDLENGTH and read past the end of a short buffer without complaint.
 */
function checkStructure(buf: Buffer, [qd, an, ns, ar]: number[]): string | null {
  let offset = 12;
  for (let i = 0; i < qd; i++) {
    offset = skipName(buf, offset);
    if (offset < 0 || offset + 4 > buf.length) return 'question runs past the end of the message';
    offset += 4;
  }
  for (let i = 0; i < an + ns + ar; i++) {
    offset = skipName(buf, offset);
    if (offset < 0 || offset + 10 > buf.length)
      return `record ${i + 1} runs past the end of the message`;
    const type = buf.readUInt16BE(offset);
    const rdlength = buf.readUInt16BE(offset + 8);
    if (offset + 10 + rdlength > buf.length) {
      return `record ${i + 1}: RDLENGTH ${rdlength} runs past the end of the message`;
    }
    if ((type === 1 && rdlength !== 4) || (type === 28 && rdlength !== 16)) {
      return `record ${i + 1}: an ${type === 1 ? 'A' : 'AAAA'} record cannot be ${rdlength} bytes`;
    }
    offset += 10 + rdlength;
  }
  return null;
}

/** Lower case, no trailing dot, root as `.`: one spelling for every name we compare. */
export function normalizeName(name: string): string {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === '' ? '.' : n;
}

function normalizeRecord(r: DnsRecord): DnsRecord {
  return { ...r, name: normalizeName(r.name) } as DnsRecord;
}

/** The name with a trailing dot, for people. */
export function fqdn(name: string): string {
  const n = normalizeName(name);
  return n === '.' ? '.' : `${n}.`;
}

export interface QueryOptions {
  id: number;
  name: string;
  type: string;
  recursionDesired: boolean;
  checkingDisabled: boolean;
  dnssecOk: boolean;
  udpPayloadSize: number;
}

export function encodeQuery(o: QueryOptions): Buffer {
  let flags = 0;
  if (o.recursionDesired) flags |= dnsPacket.RECURSION_DESIRED;
  if (o.checkingDisabled) flags |= dnsPacket.CHECKING_DISABLED;
  return dnsPacket.encode({
    type: 'query',
    id: o.id,
    flags,
    questions: [
      {
        name: normalizeName(o.name) === '.' ? '.' : normalizeName(o.name),
        type: o.type as dnsPacket.RecordType,
        class: 'IN',
      },
    ],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: o.udpPayloadSize,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: o.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
        flag_do: o.dnssecOk,
        options: [],
      },
    ],
  });
}
