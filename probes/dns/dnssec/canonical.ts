import * as dnsPacket from 'dns-packet';
import { codec } from '../codec';
import { DnsRecord, normalizeName } from '../message';

/** Labels of a normalized name, root = []. */
export function labels(name: string): string[] {
  const n = normalizeName(name);
  return n === '.' ? [] : n.split('.');
}

/** The RRSIG `labels` value for an owner: leading `*` and the root do not count (RFC 4034 §3.1.3). */
export function labelCount(name: string): number {
  const l = labels(name);
  return l[0] === '*' ? l.length - 1 : l.length;
}

/** True when `name` equals `ancestor` or lies below it. */
export function isSubdomain(name: string, ancestor: string): boolean {
  const a = normalizeName(ancestor);
  const n = normalizeName(name);
  return a === '.' || n === a || n.endsWith(`.${a}`);
}

export function parentName(name: string): string {
  const l = labels(name);
  return l.length <= 1 ? '.' : l.slice(1).join('.');
}

/** The last `count` labels of a name (RFC 4035 §5.3.2 wildcard reconstruction). */
export function suffix(name: string, count: number): string {
  const l = labels(name);
  return count === 0 ? '.' : l.slice(l.length - count).join('.');
}

/** Wire form of one label for canonical ordering: lower-case bytes. */
function labelBytes(label: string): Buffer {
  return Buffer.from(label.toLowerCase(), 'utf8');
}

/** RFC 4034 §6.1 canonical name order: compare label by label from the right, bytewise. */
export function compareNames(a: string, b: string): number {
  const la = labels(a).reverse();
  const lb = labels(b).reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const c = Buffer.compare(labelBytes(la[i]), labelBytes(lb[i]));
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

/**
 * Types whose RDATA names are lower-cased in the canonical form (RFC 4034 §6.2 as corrected by
 * RFC 6840 §5.1: NSEC's next name is NOT lower-cased; RRSIG's signer name is).
 */
const LOWERCASE_RDATA_NAMES = new Set([
  'NS',
  'CNAME',
  'SOA',
  'PTR',
  'MX',
  'SRV',
  'DNAME',
  'RRSIG',
  'NAPTR',
  'RP',
  'KX',
  'AFSDB',
]);

function canonicalData(r: DnsRecord): DnsRecord['data'] {
  if (!LOWERCASE_RDATA_NAMES.has(r.type)) return r.data;
  const d = r.data as unknown;
  if (typeof d === 'string') return d.toLowerCase() as DnsRecord['data'];
  const copy = { ...(d as Record<string, unknown>) };
  for (const key of [
    'mname',
    'rname',
    'exchange',
    'target',
    'signersName',
    'replacement',
    'mbox',
    'txt',
  ]) {
    if (typeof copy[key] === 'string') copy[key] = (copy[key] as string).toLowerCase();
  }
  return copy as unknown as DnsRecord['data'];
}

/** The RDATA of a record in canonical wire form (no length prefix). */
export function canonicalRdata(r: DnsRecord): Buffer {
  const withLength = codec.record(r.type).encode(canonicalData(r));
  return withLength.subarray(2);
}

/** The canonical wire form of one RR for signing: owner lower-cased, TTL = RRSIG original TTL. */
export function canonicalRecord(owner: string, r: DnsRecord, ttl: number): Buffer {
  const rdata = canonicalRdata(r);
  const ownerWire = codec.name.encode(normalizeName(owner) === '.' ? '.' : normalizeName(owner));
  const header = Buffer.alloc(10);
  header.writeUInt16BE(typeCode(r.type), 0);
  header.writeUInt16BE(1, 2); // class IN
  header.writeUInt32BE(ttl, 4);
  header.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([ownerWire, header, rdata]);
}

const TYPE_CODES: Record<string, number> = {};

/** Numeric type code (dns-packet knows the mnemonics; `TYPE1234` passes through). */
export function typeCode(type: string): number {
  if (TYPE_CODES[type] !== undefined) return TYPE_CODES[type];
  const m = /^TYPE(\d+)$/i.exec(type);
  const code = m ? Number(m[1]) : probeTypeCode(type);
  TYPE_CODES[type] = code;
  return code;
}

function probeTypeCode(type: string): number {
  // Encode a minimal question and read the type back: the one place dns-packet exposes its table.
  const buf = dnsPacket.encode({
    type: 'query',
    id: 0,
    questions: [{ name: '.', type: type as dnsPacket.RecordType }],
  });
  return buf.readUInt16BE(buf.length - 4);
}

/** The wire name of `name` in canonical (lower-case) form. */
export function canonicalNameWire(name: string): Buffer {
  const n = normalizeName(name);
  return codec.name.encode(n === '.' ? '.' : n);
}
