import { codec } from '../codec';
import { DnsRecord, normalizeName } from '../message';
import { algorithm } from './algorithms';
import { canonicalRdata, canonicalRecord, isSubdomain, labelCount, suffix } from './canonical';
import {
  DnskeyRecord,
  keyTag,
  REVOKE_FLAG,
  RrsigRecord,
  verifySignature,
  ZONE_KEY_FLAG,
} from './keys';

export interface RRset {
  name: string;
  type: string;
  records: DnsRecord[];
}

/** Groups records (RRSIGs excluded) into RRsets by owner and type, in first-seen order. */
export function groupRRsets(records: DnsRecord[]): RRset[] {
  const sets = new Map<string, RRset>();
  for (const r of records) {
    if (r.type === 'RRSIG') continue;
    const key = `${normalizeName(r.name)}|${r.type}`;
    const set = sets.get(key) ?? { name: normalizeName(r.name), type: r.type, records: [] };
    set.records.push(r);
    sets.set(key, set);
  }
  return [...sets.values()];
}

export function signaturesFor(rrset: RRset, records: DnsRecord[]): RrsigRecord[] {
  return records.filter(
    (r): r is RrsigRecord =>
      r.type === 'RRSIG' &&
      normalizeName(r.name) === rrset.name &&
      r.data.typeCovered === rrset.type,
  );
}

/** RFC 1982 serial arithmetic on 32-bit times: is `a` at or after `b`? */
function serialGte(a: number, b: number): boolean {
  return (a - b) >>> 0 < 0x80000000;
}

/** A time in seconds since 1970, placed in the 32-bit window around `now` (RFC 4034 §3.1.5). */
export function serialToDate(serial: number, now: Date): Date {
  const nowSec = Math.floor(now.getTime() / 1000);
  const delta = (serial - nowSec) | 0;
  return new Date((nowSec + delta) * 1000);
}

/** The data an RRSIG signs (RFC 4034 §3.1.8.1): its RDATA minus the signature, then the canonical RRset. */
export function signedData(sig: RrsigRecord, rrset: RRset): Buffer {
  const sigRdata = codec
    .record('RRSIG')
    .encode({
      ...sig.data,
      signersName: normalizeName(sig.data.signersName),
      signature: Buffer.alloc(0),
    })
    .subarray(2);
  // A wildcard-expanded answer is verified against the wildcard owner (RFC 4035 §5.3.2).
  const owner =
    sig.data.labels < labelCount(rrset.name)
      ? `*.${suffix(rrset.name, sig.data.labels)}`
      : rrset.name;
  const seen = new Set<string>();
  const rrs = rrset.records
    .map((r) => ({ rdata: canonicalRdata(r), r }))
    .sort((a, b) => Buffer.compare(a.rdata, b.rdata))
    .filter(({ rdata }) => {
      const k = rdata.toString('base64');
      if (seen.has(k)) return false; // duplicates are removed before signing (RFC 4034 §6.3)
      seen.add(k);
      return true;
    })
    .map(({ r }) => canonicalRecord(owner, r, sig.data.originalTTL));
  return Buffer.concat([sigRdata, ...rrs]);
}

export interface ValidSignature {
  sig: RrsigRecord;
  key: DnskeyRecord;
  inception: Date;
  expiration: Date;
  /** Set when the RRset was synthesised from a wildcard: the wildcard's closest encloser. */
  wildcardEncloser?: string;
}

export type RRsetVerdict =
  | { ok: true; valid: ValidSignature }
  /** `outOfWindow`: signatures that would be checked but for their validity window (for expiry diagnostics). */
  | {
      ok: false;
      problems: string[];
      notYetValid: boolean;
      expired: boolean;
      outOfWindow: Omit<ValidSignature, 'key'>[];
    };

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/**
 * RFC 4035 §5.3: an RRset is verified when one of its RRSIGs (from `zone`, within its validity
 * window at `now`) verifies with one of the zone's keys. The validity-window check is kept apart
 * from the signature check so that the problems say which one failed.
 */
export function verifyRRset(
  rrset: RRset,
  sigs: RrsigRecord[],
  keys: DnskeyRecord[],
  zone: string,
  now: Date,
): RRsetVerdict {
  const problems: string[] = [];
  const outOfWindow: Omit<ValidSignature, 'key'>[] = [];
  let notYetValid = false;
  let expired = false;
  const nowSec = Math.floor(now.getTime() / 1000) >>> 0;
  const z = normalizeName(zone);
  if (!sigs.length)
    return {
      ok: false,
      problems: [`no RRSIG covers ${rrset.name} ${rrset.type}`],
      notYetValid,
      expired,
      outOfWindow,
    };
  for (const sig of sigs) {
    const d = sig.data;
    const label = `RRSIG ${rrset.type} by key ${d.keyTag} (${algorithm(d.algorithm).name})`;
    if (normalizeName(d.signersName) !== z) {
      problems.push(`${label} is from ${normalizeName(d.signersName)}, not ${z}`);
      continue;
    }
    if (!isSubdomain(rrset.name, z)) {
      problems.push(`${label}: ${rrset.name} is outside the signer's zone ${z}`);
      continue;
    }
    if (d.labels > labelCount(rrset.name)) {
      problems.push(
        `${label}: labels field ${d.labels} exceeds the owner's ${labelCount(rrset.name)}`,
      );
      continue;
    }
    const inception = serialToDate(d.inception, now);
    const expiration = serialToDate(d.expiration, now);
    if (!serialGte(nowSec, d.inception >>> 0)) {
      notYetValid = true;
      outOfWindow.push({ sig, inception, expiration });
      problems.push(`${label} is not valid before ${iso(inception)} (inception in the future)`);
      continue;
    }
    if (!serialGte(d.expiration >>> 0, nowSec)) {
      expired = true;
      outOfWindow.push({ sig, inception, expiration });
      problems.push(`${label} expired on ${iso(expiration)}`);
      continue;
    }
    const candidates = keys.filter(
      (k) =>
        k.data.algorithm === d.algorithm &&
        (k.data.flags & ZONE_KEY_FLAG) !== 0 &&
        (k.data.flags & REVOKE_FLAG) === 0 &&
        keyTag(k) === d.keyTag,
    );
    if (!candidates.length) {
      problems.push(
        `${label}: no DNSKEY of ${z} with tag ${d.keyTag} and algorithm ${d.algorithm}`,
      );
      continue;
    }
    if (algorithm(d.algorithm).policy === 'unsupported') {
      problems.push(`${label}: algorithm ${d.algorithm} is not supported`);
      continue;
    }
    const data = signedData(sig, rrset);
    const key = candidates.find((k) => verifySignature(k, data, d.signature));
    if (!key) {
      problems.push(`${label} does not verify: the data or the signature was changed`);
      continue;
    }
    const wildcardEncloser =
      d.labels < labelCount(rrset.name) ? suffix(rrset.name, d.labels) : undefined;
    return { ok: true, valid: { sig, key, inception, expiration, wildcardEncloser } };
  }
  return { ok: false, problems, notYetValid, expired, outOfWindow };
}
