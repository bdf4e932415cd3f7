import { createHash } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { DnsRecord, normalizeName } from '../message';
import { canonicalNameWire, compareNames, isSubdomain, labels } from './canonical';

export type NsecRecord = dnsPacket.NsecAnswer;
export type Nsec3Record = dnsPacket.Nsec3Answer;

/**
 * What a set of NSEC or NSEC3 records proves about (qname, qtype). The validator has already
 * checked their signatures; this module only reasons about names and type bitmaps.
 */
export type DenialProof =
  | { kind: 'nxdomain' }
  | { kind: 'nodata' }
  /** No DS at a delegation: the child zone is insecure (RFC 4035 §5.2). */
  | { kind: 'insecure-delegation' }
  /** NSEC3 opt-out covers the name: it may be an unsigned delegation (RFC 5155 §6). */
  | { kind: 'opt-out' }
  /** The wildcard answer's exact name does not exist (RFC 4035 §5.3.4, RFC 5155 §8.8). */
  | { kind: 'wildcard-ok' }
  | { kind: 'none'; why: string };

// ---- NSEC (RFC 4034 §4, RFC 4035 §5.4) ----

function nsecCovers(nsec: NsecRecord, name: string): boolean {
  const owner = normalizeName(nsec.name);
  const next = normalizeName(nsec.data.nextDomain);
  const afterOwner = compareNames(owner, name) < 0;
  const beforeNext = compareNames(name, next) < 0;
  // The last NSEC of a zone points back to the apex.
  const wraps = compareNames(next, owner) <= 0;
  return wraps ? afterOwner || beforeNext : afterOwner && beforeNext;
}

function commonAncestor(a: string, b: string): string {
  const la = labels(a).reverse();
  const lb = labels(b).reverse();
  const out: string[] = [];
  for (let i = 0; i < Math.min(la.length, lb.length) && la[i] === lb[i]; i++) out.push(la[i]);
  return out.length ? out.reverse().join('.') : '.';
}

const has = (types: string[], t: string) => types.includes(t);

export function nsecProof(
  qname: string,
  qtype: string,
  nsecs: NsecRecord[],
  zone: string,
  wildcardEncloser?: string,
): DenialProof {
  const q = normalizeName(qname);
  const inZone = nsecs.filter((n) => isSubdomain(n.name, zone));
  if (wildcardEncloser !== undefined) {
    return inZone.some((n) => nsecCovers(n, q))
      ? { kind: 'wildcard-ok' }
      : { kind: 'none', why: `no NSEC proves that ${q} itself does not exist` };
  }
  const match = inZone.find((n) => normalizeName(n.name) === q);
  if (match) {
    const t = match.data.rrtypes;
    if (qtype === 'DS') {
      // The NSEC at a delegation comes from the parent side: NS without SOA.
      if (has(t, 'SOA') && q !== '.')
        return {
          kind: 'none',
          why: `the NSEC for ${q} comes from the child zone (SOA bit set), it cannot deny a DS`,
        };
      if (has(t, 'DS')) return { kind: 'none', why: `the NSEC for ${q} says a DS exists` };
      return has(t, 'NS') ? { kind: 'insecure-delegation' } : { kind: 'nodata' };
    }
    if (has(t, qtype)) return { kind: 'none', why: `the NSEC for ${q} says ${qtype} exists` };
    if (has(t, 'CNAME')) return { kind: 'none', why: `the NSEC for ${q} says a CNAME exists` };
    if (has(t, 'NS') && !has(t, 'SOA'))
      return { kind: 'none', why: `${q} is a delegation; its data is in the child zone` };
    return { kind: 'nodata' };
  }
  const cover = inZone.find((n) => nsecCovers(n, q));
  if (!cover) return { kind: 'none', why: `no NSEC matches or covers ${q}` };
  // An empty non-terminal: the name exists (it has descendants) but owns no data.
  if (isSubdomain(cover.data.nextDomain, q) && normalizeName(cover.data.nextDomain) !== q)
    return { kind: 'nodata' };
  const ce = [commonAncestor(q, cover.name), commonAncestor(q, cover.data.nextDomain)].sort(
    (a, b) => labels(b).length - labels(a).length,
  )[0];
  const wildcard = ce === '.' ? '*' : `*.${ce}`;
  const wildMatch = inZone.find((n) => normalizeName(n.name) === wildcard);
  if (wildMatch) {
    const t = wildMatch.data.rrtypes;
    if (has(t, qtype) || has(t, 'CNAME'))
      return {
        kind: 'none',
        why: `the wildcard ${wildcard} has ${qtype}, so ${q} should have been synthesised`,
      };
    return { kind: 'nodata' };
  }
  if (!inZone.some((n) => nsecCovers(n, wildcard)))
    return { kind: 'none', why: `no NSEC proves that the wildcard ${wildcard} does not exist` };
  return { kind: 'nxdomain' };
}

// ---- NSEC3 (RFC 5155 §8) ----

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

export function base32hex(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

export function base32hexDecode(text: string): Buffer | null {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.toLowerCase()) {
    const v = BASE32HEX.indexOf(c);
    if (v < 0) return null;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 5155 §5: IH(salt, x, k). */
export function nsec3Hash(name: string, salt: Buffer, iterations: number): Buffer {
  let h = createHash('sha1').update(canonicalNameWire(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) h = createHash('sha1').update(h).update(salt).digest();
  return h;
}

export interface Nsec3Params {
  iterations: number;
  salt: Buffer;
  algorithm: number;
}

function ownerHash(n: Nsec3Record): Buffer | null {
  return base32hexDecode(labels(n.name)[0] ?? '');
}

function nsec3Covers(n: Nsec3Record, hash: Buffer): boolean {
  const owner = ownerHash(n);
  if (!owner) return false;
  const next = n.data.nextDomain;
  const afterOwner = Buffer.compare(owner, hash) < 0;
  const beforeNext = Buffer.compare(hash, next) < 0;
  return Buffer.compare(next, owner) <= 0 ? afterOwner || beforeNext : afterOwner && beforeNext;
}

function nsec3Matches(n: Nsec3Record, hash: Buffer): boolean {
  const owner = ownerHash(n);
  return owner !== null && owner.equals(hash);
}

export function nsec3Params(records: Nsec3Record[]): Nsec3Params | null {
  const first = records[0];
  return first
    ? { iterations: first.data.iterations, salt: first.data.salt, algorithm: first.data.algorithm }
    : null;
}

interface EncloserProof {
  closestEncloser: string;
  nextCloser: string;
  optOut: boolean;
}

function closestEncloserProof(
  qname: string,
  zone: string,
  find: (name: string) => { match?: Nsec3Record; cover?: Nsec3Record },
): EncloserProof | string {
  const q = labels(qname);
  const z = labels(zone).length;
  for (let i = 1; i <= q.length - z; i++) {
    const candidate = q.slice(i).join('.') || '.';
    if (find(candidate).match) {
      const nextCloser = q.slice(i - 1).join('.');
      const cover = find(nextCloser).cover;
      if (!cover) return `no NSEC3 covers the next closer name ${nextCloser}`;
      return { closestEncloser: candidate, nextCloser, optOut: (cover.data.flags & 1) === 1 };
    }
  }
  return `no NSEC3 matches any ancestor of ${qname} in ${zone}`;
}

export function nsec3Proof(
  qname: string,
  qtype: string,
  nsec3s: Nsec3Record[],
  zone: string,
  wildcardEncloser?: string,
): DenialProof {
  const q = normalizeName(qname);
  const inZone = nsec3s.filter(
    (n) => isSubdomain(n.name, zone) && labels(n.name).length === labels(zone).length + 1,
  );
  const params = nsec3Params(inZone);
  if (!params) return { kind: 'none', why: `no NSEC3 records of ${zone}` };
  const cache = new Map<string, Buffer>();
  const hashOf = (name: string) => {
    let h = cache.get(name);
    if (!h) cache.set(name, (h = nsec3Hash(name, params.salt, params.iterations)));
    return h;
  };
  const find = (name: string) => {
    const h = hashOf(name);
    return {
      match: inZone.find((n) => nsec3Matches(n, h)),
      cover: inZone.find((n) => nsec3Covers(n, h)),
    };
  };

  if (wildcardEncloser !== undefined) {
    // The answer came from *.encloser: the next closer name below the encloser must not exist.
    const ql = labels(q);
    const nextCloser = ql.slice(ql.length - labels(wildcardEncloser).length - 1).join('.');
    return find(nextCloser).cover
      ? { kind: 'wildcard-ok' }
      : { kind: 'none', why: `no NSEC3 proves that ${nextCloser} does not exist` };
  }

  const exact = find(q).match;
  if (exact) {
    const t = exact.data.rrtypes;
    if (qtype === 'DS') {
      if (has(t, 'SOA') && q !== '.')
        return { kind: 'none', why: `the NSEC3 for ${q} comes from the child zone (SOA bit set)` };
      if (has(t, 'DS')) return { kind: 'none', why: `the NSEC3 for ${q} says a DS exists` };
      return has(t, 'NS') ? { kind: 'insecure-delegation' } : { kind: 'nodata' };
    }
    if (has(t, qtype) || has(t, 'CNAME'))
      return { kind: 'none', why: `the NSEC3 for ${q} says ${qtype} or CNAME exists` };
    return { kind: 'nodata' };
  }
  const proof = closestEncloserProof(q, zone, find);
  if (typeof proof === 'string') return { kind: 'none', why: proof };
  // RFC 5155 §8.6: no DS and the next closer name lies in an opt-out span: an unsigned
  // delegation may be there, so the answer is not secure, but not bogus either.
  if (qtype === 'DS' && proof.optOut && proof.nextCloser === q) return { kind: 'opt-out' };
  const wildcard = proof.closestEncloser === '.' ? '*' : `*.${proof.closestEncloser}`;
  const w = find(wildcard);
  if (w.match) {
    const t = w.match.data.rrtypes;
    if (has(t, qtype) || has(t, 'CNAME'))
      return {
        kind: 'none',
        why: `the wildcard ${wildcard} has ${qtype}, so ${q} should have been synthesised`,
      };
    return { kind: 'nodata' };
  }
  if (!w.cover)
    return { kind: 'none', why: `no NSEC3 proves that the wildcard ${wildcard} does not exist` };
  return { kind: 'nxdomain' };
}

export function isNsec(r: DnsRecord): r is NsecRecord {
  return r.type === 'NSEC';
}

export function isNsec3(r: DnsRecord): r is Nsec3Record {
  return r.type === 'NSEC3';
}
