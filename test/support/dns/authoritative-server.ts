/**
 * An in-process authoritative DNS server for tests: serves many zones at once (the whole private
 * `test.` hierarchy, like one `named`), over UDP and TCP, on loopback only.
 *
 * Answers as an authoritative server with DNSSEC does (RFC 1034 §4.3.2, RFC 4035 §3.1,
 * RFC 5155 §7.2), and where the RFCs leave room, as BIND 9.18 does with its defaults:
 * - the zone is the deepest served apex above the query name, except that DS at an apex comes
 *   from the parent zone when that is served too;
 * - positive answers carry the zone's NS RRset in the authority section when the query has RD=0
 *   (BIND's default `minimal-responses no-auth-recursive`), and addresses of NS/MX/SRV targets
 *   in the same zone in the additional section; answers to DS, DNSKEY, CDS, CDNSKEY and ANY
 *   are always minimal (BIND forces that for these types);
 * - CNAME and DNAME chains are followed only inside the zone that holds the first link (BIND
 *   does not follow them into another zone it serves without recursion); a loop is SERVFAIL;
 * - NSEC3 records live in their own tree: their owner names do not exist for ordinary queries;
 * - the SOA in negative answers has TTL min(SOA TTL, MINIMUM) (RFC 2308 §3).
 * Deliberate differences from BIND:
 * - dns-packet does not compress names, so messages are larger than BIND's and a UDP answer
 *   truncates sooner. When a UDP answer exceeds the requester's buffer (512 without EDNS), the
 *   additional RRsets that do not fit are left out first (RFC 2181 §9, no TC); if the answer
 *   and authority sections still do not fit, it is sent with TC=1 and no records at all;
 * - no cookies, NSID or zone transfers (AXFR/IXFR are REFUSED); no ANY minimisation; RRSIG
 *   queries return every RRSIG at the name.
 *
 * Only loopback addresses can be bound; the server only ever replies to the sender of a query.
 */
import { createHash } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { decodeBase32Hex, type ZoneRecord } from '../../../probes/dns/presentation';

export interface ZoneData {
  /** Zone apex in dns-packet's convention: lower case, no trailing dot, the root as `.`. */
  origin: string;
  records: ZoneRecord[];
}

export type Transport = 'udp' | 'tcp';

export interface QueryOrigin {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
  transport: Transport;
}

/**
 * Test hook, called for every query that decodes: `'drop'` sends nothing, a Buffer is sent as
 * the whole response message (over TCP with the 2-byte length prefix added), undefined answers
 * normally.
 */
export type QueryHook = (
  query: dnsPacket.DecodedPacket,
  origin: QueryOrigin,
) => 'drop' | Buffer | undefined;

export interface StartOptions {
  zones: ZoneData[];
  /** 0 (default): one ephemeral port, the same for every address and both transports. */
  port?: number;
  /** Loopback addresses only; default 127.0.0.1 and ::1. */
  addresses?: string[];
  onQuery?: QueryHook;
}

export interface LoggedQuery {
  transport: Transport;
  address: string;
  name: string;
  type: string;
}

export interface RunningServer {
  port: number;
  addresses: string[];
  /** Every query that decoded, in arrival order. */
  queries: LoggedQuery[];
  /** Errors thrown by the hook or while answering (the query was dropped). */
  errors: Error[];
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Names

const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
} as const;

/** BIND always answers these minimally: no NS in authority, nothing additional. */
const MINIMAL_TYPES = new Set(['DNSKEY', 'DS', 'CDNSKEY', 'CDS']);

/** BIND's default `max-restarts`: CNAME/DNAME links followed in one answer. */
const MAX_CHAIN = 11;

function labelsOf(name: string): string[] {
  return name === '.' || name === '' ? [] : name.split('.');
}

function joinLabels(labels: string[]): string {
  return labels.length === 0 ? '.' : labels.join('.');
}

export function normalizeName(name: string): string {
  const trimmed = name.replace(/\.$/, '').toLowerCase();
  return trimmed === '' ? '.' : trimmed;
}

/** `name` is `ancestor` or below it. */
export function isAtOrBelow(name: string, ancestor: string): boolean {
  if (ancestor === '.') return true;
  return name === ancestor || name.endsWith(`.${ancestor}`);
}

function parentOf(name: string): string {
  return joinLabels(labelsOf(name).slice(1));
}

/** RFC 4034 §6.1 canonical order: label by label from the right, as lower-case octets. */
export function compareCanonical(a: string, b: string): number {
  const la = labelsOf(a).reverse();
  const lb = labelsOf(b).reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const c = Buffer.compare(Buffer.from(la[i], 'latin1'), Buffer.from(lb[i], 'latin1'));
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

/** The canonical wire form of a name (RFC 4034 §6.2): lower-case labels, each length-prefixed. */
function wireName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of labelsOf(name)) {
    const bytes = Buffer.from(label, 'latin1');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** RFC 5155 §5: IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt). */
export function nsec3Hash(name: string, salt: Buffer, iterations: number): Buffer {
  let digest = createHash('sha1')
    .update(wireName(normalizeName(name)))
    .update(salt)
    .digest();
  for (let i = 0; i < iterations; i++) {
    digest = createHash('sha1').update(digest).update(salt).digest();
  }
  return digest;
}

/** `owner < x < next` on the circular order of a chain (NSEC names or NSEC3 hashes). */
function coversCircular(
  ownerVsX: number,
  xVsNext: number,
  ownerVsNext: number,
  xIsOwner: boolean,
): boolean {
  if (xIsOwner) return false;
  if (ownerVsNext < 0) return ownerVsX < 0 && xVsNext < 0;
  // The last record of the chain (or a chain of one): it wraps around to the first.
  return ownerVsX < 0 || xVsNext < 0;
}

export function nsecCovers(owner: string, next: string, name: string): boolean {
  return coversCircular(
    compareCanonical(owner, name),
    compareCanonical(name, next),
    compareCanonical(owner, next),
    compareCanonical(owner, name) === 0,
  );
}

export function nsec3Covers(ownerHash: Buffer, nextHash: Buffer, hash: Buffer): boolean {
  return coversCircular(
    Buffer.compare(ownerHash, hash),
    Buffer.compare(hash, nextHash),
    Buffer.compare(ownerHash, nextHash),
    ownerHash.equals(hash),
  );
}

// ---------------------------------------------------------------------------------------------
// Zone index

interface Nsec3Entry {
  hash: Buffer;
  next: Buffer;
  record: ZoneRecord;
  sigs: ZoneRecord[];
}

interface Nsec3Chain {
  salt: Buffer;
  iterations: number;
  entries: Nsec3Entry[];
}

class ZoneIndex {
  readonly origin: string;
  /** Owner → type → RRset (RRSIG and NSEC3 kept apart). */
  private readonly nodes = new Map<string, Map<string, ZoneRecord[]>>();
  /** Owner → covered type → RRSIGs. */
  private readonly sigs = new Map<string, Map<string, ZoneRecord[]>>();
  /** Every name that exists: owners and the empty non-terminals above them. */
  private readonly names = new Set<string>();
  private readonly nsecs: { owner: string; next: string; record: ZoneRecord }[] = [];
  readonly nsec3: Nsec3Chain | null;

  constructor(zone: ZoneData) {
    this.origin = normalizeName(zone.origin);
    const nsec3Records: ZoneRecord[] = [];
    const nsec3Sigs = new Map<string, ZoneRecord[]>();
    for (const record of zone.records) {
      const owner = normalizeName(record.name);
      // Out-of-zone data is ignored, as BIND ignores it when loading.
      if (!isAtOrBelow(owner, this.origin)) continue;
      if (record.type === 'NSEC3') {
        nsec3Records.push(record);
      } else if (record.type === 'RRSIG' && record.data.typeCovered === 'NSEC3') {
        nsec3Sigs.set(owner, [...(nsec3Sigs.get(owner) ?? []), record]);
      } else if (record.type === 'RRSIG') {
        push(this.sigs, owner, record.data.typeCovered, record);
        this.addName(owner);
      } else {
        push(this.nodes, owner, record.type, record);
        this.addName(owner);
        if (record.type === 'NSEC') {
          this.nsecs.push({ owner, next: normalizeName(record.data.nextDomain), record });
        }
      }
    }
    this.nsec3 = this.buildNsec3(nsec3Records, nsec3Sigs);
  }

  private addName(owner: string): void {
    for (let name = owner; ; name = parentOf(name)) {
      this.names.add(name);
      if (name === this.origin || name === '.') break;
    }
  }

  private buildNsec3(records: ZoneRecord[], sigs: Map<string, ZoneRecord[]>): Nsec3Chain | null {
    if (records.length === 0) return null;
    // The chain NSEC3PARAM names; without one, the parameters of the first NSEC3 record.
    const param = this.rrset(this.origin, 'NSEC3PARAM')[0];
    let salt: Buffer;
    let iterations: number;
    if (param && Buffer.isBuffer(param.data) && param.data.length >= 5) {
      iterations = param.data.readUInt16BE(2);
      salt = param.data.subarray(5, 5 + param.data.readUInt8(4));
    } else {
      const first = records[0];
      if (first.type !== 'NSEC3') return null;
      ({ salt, iterations } = first.data);
    }
    const entries: Nsec3Entry[] = [];
    for (const record of records) {
      if (record.type !== 'NSEC3') continue;
      if (record.data.iterations !== iterations || !record.data.salt.equals(salt)) continue;
      const owner = normalizeName(record.name);
      const label = labelsOf(owner)[0] ?? '';
      const hash = decodeBase32Hex(label);
      if (!hash || hash.length === 0 || parentOf(owner) !== this.origin) continue;
      entries.push({ hash, next: record.data.nextDomain, record, sigs: sigs.get(owner) ?? [] });
    }
    entries.sort((a, b) => Buffer.compare(a.hash, b.hash));
    return { salt, iterations, entries };
  }

  exists(name: string): boolean {
    return this.names.has(name);
  }

  rrset(name: string, type: string): ZoneRecord[] {
    return this.nodes.get(name)?.get(type) ?? [];
  }

  types(name: string): string[] {
    return [...(this.nodes.get(name)?.keys() ?? [])];
  }

  rrsigs(name: string, covered: string): ZoneRecord[] {
    return this.sigs.get(name)?.get(covered) ?? [];
  }

  allRrsigs(name: string): ZoneRecord[] {
    return [...(this.sigs.get(name)?.values() ?? [])].flat();
  }

  soa(): ZoneRecord | undefined {
    return this.rrset(this.origin, 'SOA')[0];
  }

  isSigned(): boolean {
    return this.nsecs.length > 0 || this.nsec3 !== null;
  }

  /** The NSEC whose owner is `name`, or the one covering it (an empty non-terminal). */
  nsecMatching(name: string): ZoneRecord | undefined {
    return this.rrset(name, 'NSEC')[0];
  }

  nsecCovering(name: string): ZoneRecord | undefined {
    return this.nsecs.find((nsec) => nsecCovers(nsec.owner, nsec.next, name))?.record;
  }

  nsec3Matching(name: string): Nsec3Entry | undefined {
    if (!this.nsec3) return undefined;
    const hash = nsec3Hash(name, this.nsec3.salt, this.nsec3.iterations);
    return this.nsec3.entries.find((entry) => entry.hash.equals(hash));
  }

  nsec3Covering(name: string): Nsec3Entry | undefined {
    if (!this.nsec3) return undefined;
    const hash = nsec3Hash(name, this.nsec3.salt, this.nsec3.iterations);
    return this.nsec3.entries.find((entry) => nsec3Covers(entry.hash, entry.next, hash));
  }
}

function push(
  map: Map<string, Map<string, ZoneRecord[]>>,
  owner: string,
  type: string,
  record: ZoneRecord,
): void {
  let byType = map.get(owner);
  if (!byType) map.set(owner, (byType = new Map()));
  byType.set(type, [...(byType.get(type) ?? []), record]);
}

// ---------------------------------------------------------------------------------------------
// Answering

interface Answer {
  rcode: number;
  aa: boolean;
  answers: ZoneRecord[];
  authorities: ZoneRecord[];
  additionals: ZoneRecord[];
}

interface Lookup {
  qname: string;
  qtype: string;
  dnssec: boolean;
  /** RD was set: BIND then omits the NS RRset from positive answers. */
  recursionDesired: boolean;
}

function uniqueRecords(records: ZoneRecord[]): ZoneRecord[] {
  const seen = new Set<ZoneRecord>();
  return records.filter((record) => (seen.has(record) ? false : (seen.add(record), true)));
}

export class AuthoritativeResolver {
  private readonly zones: ZoneIndex[];

  constructor(zones: ZoneData[]) {
    this.zones = zones
      .map((zone) => new ZoneIndex(zone))
      .sort((a, b) => labelsOf(b.origin).length - labelsOf(a.origin).length);
  }

  /** The deepest served zone at or above `name`. */
  private zoneFor(name: string): ZoneIndex | undefined {
    return this.zones.find((zone) => isAtOrBelow(name, zone.origin));
  }

  /** Answers one question; `undefined` zone means the name is outside every zone (REFUSED). */
  resolve(lookup: Lookup): Answer {
    const qname = normalizeName(lookup.qname);
    let zone = this.zoneFor(qname);
    // DS lives in the parent (RFC 4035 §3.1.4.1): at an apex, ask the parent zone if served.
    if (zone && lookup.qtype === 'DS' && qname === zone.origin && qname !== '.') {
      zone = this.zoneFor(parentOf(qname)) ?? zone;
    }
    if (!zone)
      return { rcode: RCODE.REFUSED, aa: false, answers: [], authorities: [], additionals: [] };

    const result: Answer = {
      rcode: RCODE.NOERROR,
      aa: true,
      answers: [],
      authorities: [],
      additionals: [],
    };
    const visited = new Set<string>();
    let name = qname;
    for (let link = 0; ; link++) {
      visited.add(name);
      const step = this.lookupInZone(zone, { ...lookup, qname: name }, result);
      if (step.kind !== 'alias') break;
      // Follow CNAME/DNAME targets only inside this zone (as BIND does without recursion).
      if (!isAtOrBelow(step.target, zone.origin) || this.zoneFor(step.target) !== zone) break;
      if (visited.has(step.target) || link + 1 >= MAX_CHAIN) {
        result.rcode = RCODE.SERVFAIL;
        break;
      }
      name = step.target;
    }
    result.answers = uniqueRecords(result.answers);
    result.authorities = uniqueRecords(result.authorities);
    result.additionals = uniqueRecords(result.additionals).filter(
      (record) => !result.answers.includes(record) && !result.authorities.includes(record),
    );
    return result;
  }

  private lookupInZone(
    zone: ZoneIndex,
    lookup: Lookup,
    out: Answer,
  ): { kind: 'done' } | { kind: 'alias'; target: string } {
    const { qname, qtype, dnssec } = lookup;
    const qLabels = labelsOf(qname);
    const depthOfOrigin = labelsOf(zone.origin).length;

    // Walk down from the apex: a zone cut (non-apex NS) gives a referral, a DNAME above the
    // name substitutes (RFC 6672 §3.2).
    for (let depth = depthOfOrigin; depth <= qLabels.length; depth++) {
      const name = joinLabels(qLabels.slice(qLabels.length - depth));
      if (name !== zone.origin && zone.rrset(name, 'NS').length > 0) {
        if (name === qname && qtype === 'DS') break;
        this.referral(zone, name, lookup, out);
        return { kind: 'done' };
      }
      if (name !== qname) {
        const dname = zone.rrset(name, 'DNAME')[0];
        if (dname && dname.type === 'DNAME' && typeof dname.data === 'string') {
          return this.substituteDname(zone, name, dname, lookup, out);
        }
      }
    }

    if (zone.exists(qname)) {
      return this.answerAt(zone, qname, qname, lookup, out, undefined);
    }

    // The name does not exist: wildcard (RFC 4592) or name error.
    let closest = parentOf(qname);
    while (!zone.exists(closest) && closest !== zone.origin) closest = parentOf(closest);
    const wildcard = closest === '.' ? '*' : `*.${closest}`;
    if (zone.exists(wildcard) && zone.types(wildcard).length > 0) {
      return this.answerAt(zone, wildcard, qname, lookup, out, closest);
    }

    out.rcode = RCODE.NXDOMAIN;
    this.addSoa(zone, dnssec, out);
    if (dnssec) {
      const nsecQname = zone.nsecCovering(qname);
      if (nsecQname) {
        this.addNsec(zone, nsecQname, out);
        const nsecWild = zone.nsecCovering(wildcard);
        if (nsecWild) this.addNsec(zone, nsecWild, out);
      } else if (zone.nsec3) {
        this.addClosestEncloserProof(zone, qname, closest, out);
        this.addNsec3(zone.nsec3Covering(wildcard), out);
      }
    }
    return { kind: 'done' };
  }

  /**
   * Answers from node `node` (the name itself, or the wildcard `*.closest` for `owner`):
   * the RRset, a CNAME to follow, or NODATA.
   */
  private answerAt(
    zone: ZoneIndex,
    node: string,
    owner: string,
    lookup: Lookup,
    out: Answer,
    wildcardEncloser: string | undefined,
  ): { kind: 'done' } | { kind: 'alias'; target: string } {
    const { qtype, dnssec } = lookup;
    const synth = (records: ZoneRecord[]): ZoneRecord[] =>
      node === owner ? records : records.map((record) => ({ ...record, name: owner }));
    const proveWildcard = (): void => {
      // RFC 4035 §3.1.3.3, RFC 5155 §7.2.6: prove the name itself does not exist.
      if (!dnssec || wildcardEncloser === undefined) return;
      const nsec = zone.nsecCovering(owner);
      if (nsec) this.addNsec(zone, nsec, out);
      else this.addNsec3(zone.nsec3Covering(nextCloser(owner, wildcardEncloser)), out);
    };

    if (qtype === 'ANY') {
      for (const type of zone.types(node)) {
        out.answers.push(...synth(zone.rrset(node, type)));
      }
      // ANY means every RRset at the name, RRSIGs included, whatever DO says (as in BIND).
      out.answers.push(...synth(zone.allRrsigs(node)));
      proveWildcard();
      return { kind: 'done' };
    }

    const rrset = qtype === 'RRSIG' ? zone.allRrsigs(node) : zone.rrset(node, qtype);
    if (rrset.length > 0) {
      out.answers.push(...synth(rrset));
      if (dnssec && qtype !== 'RRSIG') out.answers.push(...synth(zone.rrsigs(node, qtype)));
      proveWildcard();
      if (!(qtype === 'NS' && node === zone.origin)) this.addAuthorityNs(zone, lookup, out);
      if (!MINIMAL_TYPES.has(qtype)) this.addTargets(zone, rrset, dnssec, out);
      return { kind: 'done' };
    }

    const cname = zone.rrset(node, 'CNAME')[0];
    if (cname && cname.type === 'CNAME') {
      out.answers.push(...synth([cname]));
      if (dnssec) out.answers.push(...synth(zone.rrsigs(node, 'CNAME')));
      proveWildcard();
      return { kind: 'alias', target: normalizeName(cname.data) };
    }

    // NODATA (RFC 4035 §3.1.3.1, RFC 5155 §§7.2.3-7.2.5).
    this.addSoa(zone, dnssec, out);
    if (!dnssec) return { kind: 'done' };
    if (wildcardEncloser !== undefined) {
      const nsecOwner = zone.nsecCovering(owner);
      if (nsecOwner) {
        this.addNsec(zone, nsecOwner, out);
        const nsecWild = zone.nsecMatching(node);
        if (nsecWild) this.addNsec(zone, nsecWild, out);
      } else if (zone.nsec3) {
        this.addClosestEncloserProof(zone, owner, wildcardEncloser, out);
        this.addNsec3(zone.nsec3Matching(node), out);
      }
      return { kind: 'done' };
    }
    const nsec = zone.nsecMatching(node) ?? zone.nsecCovering(node);
    if (nsec) {
      this.addNsec(zone, nsec, out);
    } else if (zone.nsec3) {
      const match = zone.nsec3Matching(node);
      if (match) {
        this.addNsec3(match, out);
      } else {
        // No NSEC3 for the name (opt-out, RFC 5155 §7.2.4): the closest provable encloser proof.
        this.addClosestProvableEncloserProof(zone, node, out);
      }
    }
    return { kind: 'done' };
  }

  private substituteDname(
    zone: ZoneIndex,
    owner: string,
    dname: ZoneRecord & { data: string },
    lookup: Lookup,
    out: Answer,
  ): { kind: 'done' } | { kind: 'alias'; target: string } {
    out.answers.push(dname);
    if (lookup.dnssec) out.answers.push(...zone.rrsigs(owner, 'DNAME'));
    const prefix = labelsOf(lookup.qname).slice(
      0,
      labelsOf(lookup.qname).length - labelsOf(owner).length,
    );
    const target = joinLabels([...prefix, ...labelsOf(normalizeName(dname.data))]);
    if (wireName(target).length > 255) {
      out.rcode = RCODE.YXDOMAIN;
      return { kind: 'done' };
    }
    // The synthesized CNAME is unsigned (RFC 6672 §5.3.1).
    out.answers.push({
      name: lookup.qname,
      type: 'CNAME',
      ttl: dname.ttl,
      class: 'IN',
      flush: false,
      data: target,
    });
    return { kind: 'alias', target };
  }

  private referral(zone: ZoneIndex, cut: string, lookup: Lookup, out: Answer): void {
    out.aa = out.answers.length > 0;
    const ns = zone.rrset(cut, 'NS');
    out.authorities.push(...ns);
    if (lookup.dnssec) {
      const ds = zone.rrset(cut, 'DS');
      if (ds.length > 0) {
        out.authorities.push(...ds, ...zone.rrsigs(cut, 'DS'));
      } else {
        // RFC 4035 §3.1.4.1 / RFC 5155 §7.2.7: prove the delegation is insecure.
        const nsec = zone.nsecMatching(cut);
        if (nsec) {
          this.addNsec(zone, nsec, out);
        } else if (zone.nsec3) {
          const match = zone.nsec3Matching(cut);
          if (match) this.addNsec3(match, out);
          else this.addClosestProvableEncloserProof(zone, cut, out);
        }
      }
    }
    // Glue: addresses of the name servers held in this zone (below the cut or elsewhere).
    for (const record of ns) {
      if (record.type !== 'NS') continue;
      const target = normalizeName(record.data);
      if (this.zoneFor(target) !== zone && !isAtOrBelow(target, cut)) continue;
      out.additionals.push(...zone.rrset(target, 'A'), ...zone.rrset(target, 'AAAA'));
    }
  }

  /** BIND's default for RD=0: positive answers carry the zone's NS RRset (and glue). */
  private addAuthorityNs(zone: ZoneIndex, lookup: Lookup, out: Answer): void {
    if (lookup.recursionDesired || MINIMAL_TYPES.has(lookup.qtype)) return;
    const ns = zone.rrset(zone.origin, 'NS');
    out.authorities.push(...ns);
    if (lookup.dnssec) out.authorities.push(...zone.rrsigs(zone.origin, 'NS'));
    this.addTargets(zone, ns, lookup.dnssec, out);
  }

  /** Additional-section addresses for NS, MX and SRV targets in the same zone. */
  private addTargets(zone: ZoneIndex, records: ZoneRecord[], dnssec: boolean, out: Answer): void {
    for (const record of records) {
      let target: string | undefined;
      if (record.type === 'NS') target = record.data;
      else if (record.type === 'MX') target = record.data.exchange;
      else if (record.type === 'SRV') target = record.data.target;
      if (target === undefined) continue;
      const name = normalizeName(target);
      if (this.zoneFor(name) !== zone) continue;
      for (const type of ['A', 'AAAA']) {
        out.additionals.push(...zone.rrset(name, type));
        if (dnssec) out.additionals.push(...zone.rrsigs(name, type));
      }
    }
  }

  private addSoa(zone: ZoneIndex, dnssec: boolean, out: Answer): void {
    const soa = zone.soa();
    if (!soa || soa.type !== 'SOA') return;
    out.authorities.push({ ...soa, ttl: Math.min(soa.ttl, soa.data.minimum ?? soa.ttl) });
    if (dnssec) out.authorities.push(...zone.rrsigs(zone.origin, 'SOA'));
  }

  private addNsec(zone: ZoneIndex, nsec: ZoneRecord, out: Answer): void {
    const owner = normalizeName(nsec.name);
    out.authorities.push(nsec, ...zone.rrsigs(owner, 'NSEC'));
  }

  private addNsec3(entry: Nsec3Entry | undefined, out: Answer): void {
    if (entry) out.authorities.push(entry.record, ...entry.sigs);
  }

  /**
   * RFC 5155 §7.2.1: the NSEC3 matching the closest encloser and the NSEC3 covering the next
   * closer name. Where the encloser has no NSEC3 (an empty non-terminal left out of an opt-out
   * chain), the closest provable encloser stands in for it (RFC 5155 §7.2.4).
   */
  private addClosestEncloserProof(
    zone: ZoneIndex,
    qname: string,
    closest: string,
    out: Answer,
  ): void {
    let encloser = closest;
    while (!zone.nsec3Matching(encloser) && encloser !== zone.origin && encloser !== '.') {
      encloser = parentOf(encloser);
    }
    this.addNsec3(zone.nsec3Matching(encloser), out);
    this.addNsec3(zone.nsec3Covering(nextCloser(qname, encloser)), out);
  }

  /** RFC 5155 §7.2.4: the closest ancestor with an NSEC3, and the next closer name covered. */
  private addClosestProvableEncloserProof(zone: ZoneIndex, name: string, out: Answer): void {
    this.addClosestEncloserProof(zone, name, parentOf(name), out);
  }
}

/** The name one label longer than `closest` on the way to `qname` (RFC 5155 §1.3). */
function nextCloser(qname: string, closest: string): string {
  const q = labelsOf(qname);
  return joinLabels(q.slice(q.length - labelsOf(closest).length - 1));
}

// ---------------------------------------------------------------------------------------------
// Messages

const OPCODE_QUERY = 0;
const OUR_UDP_PAYLOAD = 1232;

function asAnswers(records: ZoneRecord[]): dnsPacket.Answer[] {
  return records as dnsPacket.Answer[];
}

function header(message: Buffer): { id: number; flags: number } | undefined {
  if (message.length < 12) return undefined;
  return { id: message.readUInt16BE(0), flags: message.readUInt16BE(2) };
}

function errorResponse(message: Buffer, rcode: number): Buffer | null {
  const head = header(message);
  if (!head || head.flags & 0x8000) return null;
  const opcode = (head.flags >> 11) & 0xf;
  const rd = head.flags & dnsPacket.RECURSION_DESIRED;
  return dnsPacket.encode({ type: 'response', id: head.id, flags: (opcode << 11) | rd | rcode });
}

export interface ResponseContext {
  transport: Transport;
}

/**
 * The response to `message` (null: send nothing). Applies the DNS message rules around
 * `AuthoritativeResolver.resolve`: FORMERR/NOTIMP/REFUSED, EDNS (RFC 6891), UDP size and TC.
 */
export function respond(
  resolver: AuthoritativeResolver,
  message: Buffer,
  query: dnsPacket.DecodedPacket | undefined,
  context: ResponseContext,
): Buffer | null {
  if (!query) return errorResponse(message, RCODE.FORMERR);
  if (query.type === 'response') return null;
  const opcode = ((query.flags ?? 0) >> 11) & 0xf;
  const questions = query.questions ?? [];
  const opts = (query.additionals ?? []).filter((record) => record.type === 'OPT');
  const rdFlag = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const cdFlag = (query.flags ?? 0) & dnsPacket.CHECKING_DISABLED;
  const base = { type: 'response' as const, id: query.id ?? 0, questions };

  if (opts.length > 1 || (opts[0] && opts[0].name !== '.')) {
    return errorResponse(message, RCODE.FORMERR);
  }
  const opt = opts[0]?.type === 'OPT' ? opts[0] : undefined;
  const dnssec = opt !== undefined && (opt.flags & dnsPacket.DNSSEC_OK) !== 0;
  const responseOpt = (extendedRcode = 0): dnsPacket.OptAnswer[] =>
    opt
      ? [
          {
            name: '.',
            type: 'OPT',
            udpPayloadSize: OUR_UDP_PAYLOAD,
            extendedRcode,
            ednsVersion: 0,
            flags: dnssec ? dnsPacket.DNSSEC_OK : 0,
            flag_do: dnssec,
            options: [],
          },
        ]
      : [];

  if (opt && opt.ednsVersion !== 0) {
    // BADVERS = 16: upper 8 bits in the OPT record, lower 4 in the header (RFC 6891 §6.1.3).
    return dnsPacket.encode({
      ...base,
      flags: (opcode << 11) | rdFlag,
      additionals: responseOpt(16 >> 4),
    });
  }
  if (opcode !== OPCODE_QUERY) {
    return dnsPacket.encode({
      ...base,
      flags: (opcode << 11) | rdFlag | RCODE.NOTIMP,
      additionals: responseOpt(),
    });
  }
  if (questions.length !== 1) {
    return dnsPacket.encode({
      ...base,
      flags: rdFlag | RCODE.FORMERR,
      additionals: responseOpt(),
    });
  }
  const question = questions[0];
  // A name dns-packet cannot represent (a label holding a dot, bytes that are not UTF-8) would
  // not survive being echoed: answer FORMERR without a question rather than a wrong name.
  const echoed = dnsPacket.encode({ questions: [question] }).subarray(12);
  if (!message.subarray(12, 12 + echoed.length).equals(echoed)) {
    return errorResponse(message, RCODE.FORMERR);
  }
  const simple = (rcode: number): Buffer =>
    dnsPacket.encode({ ...base, flags: rdFlag | cdFlag | rcode, additionals: responseOpt() });
  if (question.class !== 'IN') return simple(RCODE.REFUSED);
  if (['AXFR', 'IXFR', 'MAILA', 'MAILB'].includes(question.type)) return simple(RCODE.REFUSED);
  if (question.type === 'OPT' || (question.type as string) === 'UNKNOWN_0') {
    return simple(RCODE.FORMERR);
  }

  const result = resolver.resolve({
    qname: question.name,
    qtype: question.type,
    dnssec,
    recursionDesired: rdFlag !== 0,
  });
  const flags =
    (result.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | rdFlag | cdFlag | (result.rcode & 0xf);
  const limit =
    context.transport === 'tcp'
      ? 0xffff
      : opt
        ? Math.min(0xffff, Math.max(512, opt.udpPayloadSize))
        : 512;
  const encode = (additionals: ZoneRecord[]): Buffer =>
    dnsPacket.encode({
      ...base,
      flags,
      answers: asAnswers(result.answers),
      authorities: asAnswers(result.authorities),
      additionals: [...asAnswers(additionals), ...responseOpt()],
    });
  const full = encode(result.additionals);
  if (full.length <= limit) return full;
  // Additional data is optional (RFC 2181 §9): keep the whole RRsets that fit, without TC.
  let kept: ZoneRecord[] = [];
  let best = encode(kept);
  if (best.length <= limit) {
    for (const rrset of groupRrsets(result.additionals)) {
      const attempt = encode([...kept, ...rrset]);
      if (attempt.length > limit) break;
      kept = [...kept, ...rrset];
      best = attempt;
    }
    return best;
  }
  // Too large: TC=1 and no records at all, so the client retries over TCP (RFC 7766 §5).
  return dnsPacket.encode({
    ...base,
    flags: flags | dnsPacket.TRUNCATED_RESPONSE,
    additionals: responseOpt(),
  });
}

/** Consecutive records of one RRset, with the RRSIGs that follow and cover it. */
function groupRrsets(records: ZoneRecord[]): ZoneRecord[][] {
  const groups: ZoneRecord[][] = [];
  for (const record of records) {
    const last = groups[groups.length - 1];
    const head = last?.[0];
    const sameSet =
      head !== undefined &&
      head.name === record.name &&
      (head.type === record.type ||
        (record.type === 'RRSIG' && record.data.typeCovered === head.type));
    if (sameSet) last.push(record);
    else groups.push([record]);
  }
  return groups;
}

function decodeQuery(message: Buffer): dnsPacket.DecodedPacket | undefined {
  try {
    const decoded = dnsPacket.decode(message);
    // dns-packet leaves `undefined` holes when counts exceed the records present.
    const sections = [decoded.questions, decoded.answers, decoded.authorities, decoded.additionals];
    if (sections.some((section) => section?.some((entry) => entry === undefined))) return undefined;
    return decoded;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Sockets

function isLoopback(address: string): boolean {
  if (net.isIPv4(address)) return address.startsWith('127.');
  return net.isIPv6(address) && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(address);
}

interface Listener {
  close(): Promise<void>;
}

export async function start(options: StartOptions): Promise<RunningServer> {
  const addresses = options.addresses ?? ['127.0.0.1', '::1'];
  if (addresses.length === 0) throw new Error('at least one address is needed');
  for (const address of addresses) {
    if (!isLoopback(address)) throw new Error(`refusing to listen on non-loopback ${address}`);
  }
  const resolver = new AuthoritativeResolver(options.zones);
  const queries: LoggedQuery[] = [];
  const errors: Error[] = [];
  const sockets = new Set<net.Socket>();

  const handle = (message: Buffer, origin: QueryOrigin): Buffer | null => {
    try {
      const query = decodeQuery(message);
      if (query) {
        const question = query.questions?.[0];
        queries.push({
          transport: origin.transport,
          address: origin.address,
          name: question?.name ?? '',
          type: question?.type ?? '',
        });
        if (options.onQuery && query.type !== 'response') {
          const verdict = options.onQuery(query, origin);
          if (verdict === 'drop') return null;
          if (Buffer.isBuffer(verdict)) return verdict;
        }
      }
      return respond(resolver, message, query, { transport: origin.transport });
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
      return null;
    }
  };

  const bindAll = async (port: number): Promise<{ port: number; listeners: Listener[] }> => {
    const listeners: Listener[] = [];
    let actual = port;
    try {
      for (const address of addresses) {
        const udp = await bindUdp(address, actual, handle);
        listeners.push(udp.listener);
        actual = udp.port;
        listeners.push(await bindTcp(address, actual, handle, sockets));
      }
      return { port: actual, listeners };
    } catch (error) {
      await Promise.all(listeners.map((listener) => listener.close()));
      throw error;
    }
  };

  const requested = options.port ?? 0;
  let bound: { port: number; listeners: Listener[] } | undefined;
  for (let attempt = 0; !bound; attempt++) {
    try {
      bound = await bindAll(requested);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (requested !== 0 || code !== 'EADDRINUSE' || attempt >= 20) throw error;
    }
  }
  const { port, listeners } = bound;

  return {
    port,
    addresses: [...addresses],
    queries,
    errors,
    async stop(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
}

export const startAuthoritativeServer = start;

type Handler = (message: Buffer, origin: QueryOrigin) => Buffer | null;

async function bindUdp(
  address: string,
  port: number,
  handle: Handler,
): Promise<{ port: number; listener: Listener }> {
  const family = net.isIPv6(address) ? 'IPv6' : 'IPv4';
  const socket = dgram.createSocket(
    family === 'IPv6' ? { type: 'udp6', ipv6Only: true } : { type: 'udp4' },
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => undefined);
  socket.on('message', (message, rinfo) => {
    const response = handle(message, {
      address: rinfo.address,
      port: rinfo.port,
      family,
      transport: 'udp',
    });
    if (response) socket.send(response, rinfo.port, rinfo.address, () => undefined);
  });
  return {
    port: socket.address().port,
    listener: {
      close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    },
  };
}

async function bindTcp(
  address: string,
  port: number,
  handle: Handler,
  sockets: Set<net.Socket>,
): Promise<Listener> {
  const family = net.isIPv6(address) ? 'IPv6' : 'IPv4';
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (length === 0) {
          socket.destroy();
          return;
        }
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const response = handle(message, {
          address: socket.remoteAddress ?? '',
          port: socket.remotePort ?? 0,
          family,
          transport: 'tcp',
        });
        if (response && !socket.destroyed) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(Math.min(response.length, 0xffff));
          socket.write(Buffer.concat([prefix, response.subarray(0, 0xffff)]));
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, ipv6Only: family === 'IPv6', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
