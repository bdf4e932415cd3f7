import { AsyncLocalStorage } from 'node:async_hooks';
import { DnsMessage, DnsRecord, fqdn, normalizeName } from '../message';
import { algorithm, digest, isSupportedAlgorithm } from './algorithms';
import { isSubdomain, labels, parentName, suffix } from './canonical';
import { DenialProof, isNsec, isNsec3, nsec3Params, nsec3Proof, nsecProof } from './denial';
import {
  DnskeyRecord,
  DsRecord,
  dsMatches,
  keySize,
  keyTag,
  RrsigRecord,
  SEP_FLAG,
  ZONE_KEY_FLAG,
} from './keys';
import {
  DnssecDiagnostics,
  DnssecResult,
  DnssecStatus,
  DsDiagnostic,
  KeyDiagnostic,
  LevelDiagnostic,
  SignatureDiagnostic,
  Warning,
} from './result';
import { groupRRsets, RRset, signaturesFor, ValidSignature, verifyRRset } from './rrset';

export type LookupResult = { ok: true; message: DnsMessage } | { ok: false; error: string };

/** Where the validator's questions go: a resolver (with CD so bogus data still arrives) or one server. */
export interface DnsLookup {
  query(name: string, type: string): Promise<LookupResult>;
}

/** A configured trust anchor: DS and/or DNSKEY records for a zone (usually the root). */
export interface TrustAnchor {
  zone: string;
  ds: DsRecord[];
  dnskeys: DnskeyRecord[];
}

export interface ValidatorOptions {
  lookup: DnsLookup;
  anchors: TrustAnchor[];
  now?: () => Date;
  /** Signatures expiring within this many days are reported (default 14). */
  expiryWarningDays?: number;
  /** NSEC3 iteration counts above this make a proof insecure (RFC 9276 §3.2; default 150). */
  maxNsec3Iterations?: number;
}

/** Outcome for one zone's key set, cached per validator. */
interface ZoneKeys {
  zone: string;
  status: DnssecStatus;
  keys: DnskeyRecord[];
  reasons: string[];
  level?: LevelDiagnostic;
  signatures: SignatureDiagnostic[];
  warnings: Warning[];
  parent?: ZoneKeys;
}

interface Part {
  status: DnssecStatus;
  reasons: string[];
}

const RANK: Record<DnssecStatus, number> = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 };
const worst = (parts: Part[]): DnssecStatus =>
  parts.reduce<DnssecStatus>((w, p) => (RANK[p.status] > RANK[w] ? p.status : w), 'secure');
const DAY = 86_400_000;

/** Per-validation bookkeeping: diagnostics and query count. */
class Run {
  levels = new Map<string, LevelDiagnostic>();
  signatures: SignatureDiagnostic[] = [];
  warnings = new Map<string, Warning>();
  queries = 0;

  useZone(zk: ZoneKeys | undefined): void {
    for (let z = zk; z; z = z.parent) {
      if (z.level && !this.levels.has(z.zone)) this.levels.set(z.zone, z.level);
      for (const s of z.signatures) this.addSignature(s);
      for (const w of z.warnings) this.warn(w);
    }
  }

  addSignature(s: SignatureDiagnostic): void {
    if (
      !this.signatures.some(
        (x) => x.owner === s.owner && x.type === s.type && x.keyTag === s.keyTag,
      )
    )
      this.signatures.push(s);
  }

  warn(w: Warning): void {
    this.warnings.set(`${w.code}|${w.message}`, w);
  }
}

function recordText(r: DnsRecord): string {
  const d = r.data as unknown;
  if (typeof d === 'string') return d;
  if (Buffer.isBuffer(d)) return d.toString('hex');
  if (Array.isArray(d))
    return d.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))).join(' ');
  if (r.type === 'MX') {
    const mx = d as { preference: number; exchange: string };
    return `${mx.preference} ${fqdn(mx.exchange)}`;
  }
  return JSON.stringify(d, (_k, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? '<bytes>' : v,
  );
}

/**
 * A DNSSEC validator (RFC 4033-4035, 5155, 6840, 8624, 9276) that explains itself: it builds
 * the chain of trust from the configured anchors down to the answer, verifies every RRset with
 * node:crypto, proves denials with NSEC or NSEC3, and records per level the keys, the DS that
 * matched, every signature's validity window and any policy warning.
 *
 * Written here rather than taken from a library: `@relaycorp/dnssec` validates positive
 * answers only (no NSEC/NSEC3 denial, no insecure-delegation proofs) and reports a status
 * without the per-level diagnostics this product exists to show.
 */
export class DnssecValidator {
  private readonly now: () => Date;
  private readonly expiryWarningDays: number;
  private readonly maxIterations: number;
  private readonly queryCache = new Map<string, { at: number; result: Promise<LookupResult> }>();
  private readonly zoneCache = new Map<string, { at: number; keys: Promise<ZoneKeys> }>();
  /** Cached answers are reused for this long (validator lifetime is one check or one batch). */
  private readonly cacheMs = 300_000;
  /** Each validate() call has its own bookkeeping, even when many run concurrently. */
  private readonly runs = new AsyncLocalStorage<Run>();

  private get run(): Run {
    return this.runs.getStore() ?? new Run();
  }

  constructor(private readonly options: ValidatorOptions) {
    this.now = options.now ?? (() => new Date());
    this.expiryWarningDays = options.expiryWarningDays ?? 14;
    this.maxIterations = options.maxNsec3Iterations ?? 150;
  }

  async validate(name: string, type: string): Promise<DnssecResult> {
    const run = new Run();
    return this.runs.run(run, () => this.validateIn(run, name, type));
  }

  private async validateIn(run: Run, name: string, type: string): Promise<DnssecResult> {
    const qname = normalizeName(name);
    const qtype = type.toUpperCase();
    const parts: Part[] = [];
    const records: DnsResult['records'] = [];
    const cnameChain: string[] = [];
    let rcode: string | null = null; // null: no answer arrived

    let current = qname;
    let res = await this.query(current, qtype);
    for (let hop = 0; hop < 12; hop++) {
      if (!res.ok) {
        parts.push({
          status: 'indeterminate',
          reasons: [`query ${fqdn(current)} ${qtype} failed: ${res.error}`],
        });
        break;
      }
      const msg = res.message;
      rcode = msg.rcode;
      if (msg.rcode !== 'NOERROR' && msg.rcode !== 'NXDOMAIN') {
        parts.push({
          status: 'indeterminate',
          reasons: [`the server answered ${msg.rcode} for ${fqdn(current)} ${qtype}`],
        });
        break;
      }
      const sets = groupRRsets(msg.answers);
      const answer = sets.find((s) => s.name === current && s.type === qtype);
      const cname =
        qtype === 'CNAME' ? undefined : sets.find((s) => s.name === current && s.type === 'CNAME');
      if (answer) {
        records.push(
          ...answer.records.map((r) => ({
            name: fqdn(r.name),
            type: r.type,
            ttl: r.ttl ?? 0,
            data: recordText(r),
          })),
        );
        parts.push(await this.validateRRset(answer, msg.answers, msg));
        break;
      }
      if (cname) {
        records.push(
          ...cname.records.map((r) => ({
            name: fqdn(r.name),
            type: r.type,
            ttl: r.ttl ?? 0,
            data: recordText(r),
          })),
        );
        parts.push(await this.validateRRset(cname, msg.answers, msg));
        const target = normalizeName(String(cname.records[0].data));
        if (cnameChain.includes(target) || target === qname) {
          parts.push({ status: 'bogus', reasons: [`CNAME loop at ${fqdn(target)}`] });
          break;
        }
        cnameChain.push(fqdn(target));
        current = target;
        if (!sets.some((s) => s.name === current)) {
          res = await this.query(current, qtype);
          // The target's own negative answer decides the rcode.
        }
        continue;
      }
      parts.push(await this.validateDenial(current, qtype, msg));
      break;
    }

    const status = worst(parts);
    const subject = `${fqdn(qname)} ${qtype}`;
    const reasons = [
      `${subject} is ${status}${status === 'insecure' ? ' (no chain of trust reaches it)' : ''}`,
      ...parts.filter((p) => p.status === status).flatMap((p) => p.reasons),
    ];
    return {
      name: fqdn(qname),
      type: qtype,
      status,
      reasons: [...new Set(reasons)],
      answer: { rcode, records, cnameChain },
      diagnostics: this.diagnostics(run),
      queries: run.queries,
    };
  }

  private diagnostics(run: Run): DnssecDiagnostics {
    const now = this.now().getTime();
    const signatures = run.signatures;
    const earliest = signatures.reduce<SignatureDiagnostic | null>(
      (e, s) => (!e || s.expiration < e.expiration ? s : e),
      null,
    );
    const expiringSoon = signatures.filter(
      (s) => Date.parse(s.expiration) - now < this.expiryWarningDays * DAY,
    );
    for (const s of expiringSoon) {
      run.warn({
        code: 'signature-expiring',
        message: `RRSIG ${s.type} of ${s.owner} (key ${s.keyTag}) expires ${s.expiration}, in ${s.daysToExpiry} days`,
      });
    }
    return {
      levels: [...run.levels.values()].sort(
        (a, b) => labels(a.zone).length - labels(b.zone).length,
      ),
      signatures,
      earliestExpiry: earliest?.expiration ?? null,
      daysToExpiry: earliest ? earliest.daysToExpiry : null,
      expiringSoon,
      warnings: [...run.warnings.values()],
    };
  }

  // ---- queries ----

  private async query(name: string, type: string): Promise<LookupResult> {
    const key = `${normalizeName(name)}|${type}`;
    const nowMs = this.now().getTime();
    const cached = this.queryCache.get(key);
    if (cached && nowMs - cached.at < this.cacheMs) return cached.result;
    this.run.queries++;
    const result = this.options.lookup.query(normalizeName(name), type);
    this.queryCache.set(key, { at: nowMs, result });
    return result;
  }

  // ---- zone keys ----

  private zoneKeys(zone: string): Promise<ZoneKeys> {
    const z = normalizeName(zone);
    const nowMs = this.now().getTime();
    const cached = this.zoneCache.get(z);
    if (cached && nowMs - cached.at < this.cacheMs) return cached.keys;
    const keys = this.computeZoneKeys(z);
    this.zoneCache.set(z, { at: nowMs, keys });
    return keys;
  }

  private failed(
    zone: string,
    status: DnssecStatus,
    reasons: string[],
    extra: Partial<ZoneKeys> = {},
  ): ZoneKeys {
    return { zone, status, keys: [], reasons, signatures: [], warnings: [], ...extra };
  }

  private anchorFor(zone: string): TrustAnchor | undefined {
    return this.options.anchors.find((a) => normalizeName(a.zone) === zone);
  }

  private async computeZoneKeys(zone: string): Promise<ZoneKeys> {
    const anchor = this.anchorFor(zone);
    if (anchor) return this.keysFromDs(zone, anchor.ds, anchor.dnskeys, undefined);
    if (zone === '.')
      return this.failed(zone, 'indeterminate', ['no trust anchor is configured for the root']);

    const res = await this.query(zone, 'DS');
    if (!res.ok)
      return this.failed(zone, 'indeterminate', [
        `DS query for ${fqdn(zone)} failed: ${res.error}`,
      ]);
    const msg = res.message;
    const dsSet = groupRRsets(msg.answers).find((s) => s.name === zone && s.type === 'DS');
    if (dsSet) {
      const sigs = signaturesFor(dsSet, msg.answers);
      const signer = sigs
        .map((s) => normalizeName(s.data.signersName))
        .find((s) => s !== zone && isSubdomain(zone, s));
      if (!signer) {
        const above = await this.insecurityAbove(parentName(zone));
        if (above.status === 'insecure')
          return this.failed(zone, 'insecure', above.reasons, { parent: above.zk });
        return this.failed(zone, 'bogus', [
          `the DS RRset of ${fqdn(zone)} has no signature from its parent zone`,
        ]);
      }
      const parent = await this.zoneKeys(signer);
      if (parent.status !== 'secure')
        return this.failed(zone, parent.status, parent.reasons, { parent });
      const verdict = verifyRRset(dsSet, sigs, parent.keys, signer, this.now());
      if (!verdict.ok) {
        return this.failed(
          zone,
          'bogus',
          [
            `the DS RRset of ${fqdn(zone)} is not validly signed by ${fqdn(signer)}`,
            ...verdict.problems,
          ],
          { parent },
        );
      }
      const zk = await this.keysFromDs(zone, dsSet.records as DsRecord[], [], parent);
      zk.signatures.push(this.signatureDiag(dsSet, verdict.valid));
      return zk;
    }
    // No DS: the parent must prove it (an insecure delegation), else the chain is broken.
    const denial = await this.checkDenial(zone, 'DS', msg);
    if (denial.kind === 'insecure-delegation' || denial.kind === 'opt-out') {
      return this.failed(
        zone,
        'insecure',
        [
          `${fqdn(zone)} is an insecure delegation: ${denial.zone ? fqdn(denial.zone) : 'its parent'} proves it has no DS`,
        ],
        {
          parent: denial.zk,
        },
      );
    }
    if (denial.status === 'insecure')
      return this.failed(zone, 'insecure', denial.reasons, { parent: denial.zk });
    if (denial.status !== 'secure')
      return this.failed(zone, denial.status, denial.reasons, { parent: denial.zk });
    return this.failed(
      zone,
      'bogus',
      [`${fqdn(zone)} signs data but its parent says it is not a delegation`],
      { parent: denial.zk },
    );
  }

  /** Authenticates a zone's DNSKEY RRset from DS records (the parent's, or an anchor's) and/or anchor keys. */
  private async keysFromDs(
    zone: string,
    dsRecords: DsRecord[],
    anchorKeys: DnskeyRecord[],
    parent: ZoneKeys | undefined,
  ): Promise<ZoneKeys> {
    const warnings: Warning[] = [];
    const dsDiag: DsDiagnostic[] = dsRecords.map((ds) => ({
      tag: ds.data.keyTag,
      algorithm: ds.data.algorithm,
      digestType: ds.data.digestType,
      digestName: digest(ds.data.digestType).name,
      matched: false,
      policy: !isSupportedAlgorithm(ds.data.algorithm)
        ? 'unsupported'
        : digest(ds.data.digestType).policy,
    }));
    let usable = dsRecords.filter(
      (ds) =>
        isSupportedAlgorithm(ds.data.algorithm) &&
        digest(ds.data.digestType).policy !== 'unsupported',
    );
    // RFC 4509 §3: when a SHA-256 (or stronger) DS exists for a key, ignore its SHA-1 DS.
    const strong = new Set(
      usable
        .filter((d) => d.data.digestType !== 1)
        .map((d) => `${d.data.keyTag}/${d.data.algorithm}`),
    );
    usable = usable.filter(
      (d) => d.data.digestType !== 1 || !strong.has(`${d.data.keyTag}/${d.data.algorithm}`),
    );
    const usableKeys = anchorKeys.filter((k) => isSupportedAlgorithm(k.data.algorithm));
    const level: LevelDiagnostic = {
      zone: fqdn(zone),
      status: 'indeterminate',
      anchoredBy: parent ? 'parent-ds' : 'trust-anchor',
      keys: [],
      ds: dsDiag,
    };
    if (!usable.length && !usableKeys.length) {
      level.status = 'insecure';
      warnings.push({
        code: 'unsupported-algorithm',
        message: `every DS of ${fqdn(zone)} uses an unsupported algorithm or digest: treated as insecure (RFC 4035 §5.2)`,
      });
      return {
        zone,
        status: 'insecure',
        keys: [],
        reasons: [
          `the DS records of ${fqdn(zone)} use only unsupported algorithms or digest types (RFC 4035 §5.2, RFC 6840 §5.2)`,
        ],
        level,
        signatures: [],
        warnings,
        parent,
      };
    }
    for (const ds of usable) {
      if (digest(ds.data.digestType).policy === 'deprecated')
        warnings.push({
          code: 'deprecated-digest',
          message: `DS ${ds.data.keyTag} of ${fqdn(zone)} uses ${digest(ds.data.digestType).name} (deprecated, RFC 8624)`,
        });
    }

    const res = await this.query(zone, 'DNSKEY');
    if (!res.ok)
      return {
        zone,
        status: 'indeterminate',
        keys: [],
        reasons: [`DNSKEY query for ${fqdn(zone)} failed: ${res.error}`],
        level,
        signatures: [],
        warnings,
        parent,
      };
    const msg = res.message;
    const keySet = groupRRsets(msg.answers).find((s) => s.name === zone && s.type === 'DNSKEY');
    const keys = (keySet?.records ?? []) as DnskeyRecord[];
    level.keys = keys.map((k) => this.keyDiag(k));
    for (const k of keys) {
      const info = algorithm(k.data.algorithm);
      if (info.policy === 'deprecated')
        warnings.push({
          code: 'deprecated-algorithm',
          message: `key ${keyTag(k)} of ${fqdn(zone)} uses ${info.name} (deprecated, RFC 8624)`,
        });
    }
    const bogus = (reasons: string[]): ZoneKeys => {
      level.status = 'bogus';
      return { zone, status: 'bogus', keys: [], reasons, level, signatures: [], warnings, parent };
    };
    if (!keySet) {
      if (parent)
        warnings.push({
          code: 'ds-without-signed-zone',
          message: `${fqdn(zone)} has a DS in its parent but publishes no DNSKEY: the zone is unsigned`,
        });
      return bogus([`${fqdn(zone)} has a DS record but no DNSKEY: DS present, zone unsigned`]);
    }
    const matched = keys.filter(
      (k) =>
        (k.data.flags & ZONE_KEY_FLAG) !== 0 &&
        (usable.some((ds) => dsMatches(ds, zone, k)) ||
          usableKeys.some(
            (a) => a.data.algorithm === k.data.algorithm && a.data.key.equals(k.data.key),
          )),
    );
    for (const d of dsDiag)
      d.matched = keys.some((k) =>
        dsRecords.some(
          (ds) =>
            ds.data.keyTag === d.tag &&
            ds.data.digestType === d.digestType &&
            dsMatches(ds, zone, k),
        ),
      );
    if (!matched.length)
      return bogus([
        `no DNSKEY of ${fqdn(zone)} matches its ${parent ? 'DS records' : 'trust anchor'} (tags ${[...new Set(dsRecords.map((d) => d.data.keyTag))].join(', ')})`,
      ]);
    const sigs = signaturesFor(keySet, msg.answers);
    if (!sigs.length) return bogus([`the DNSKEY RRset of ${fqdn(zone)} has no RRSIG`]);
    const verdict = verifyRRset(keySet, sigs, matched, zone, this.now());
    if (!verdict.ok) {
      const signedByOthers = sigs.some((s) => !matched.some((k) => keyTag(k) === s.data.keyTag));
      const first =
        signedByOthers && sigs.every((s) => !matched.some((k) => keyTag(k) === s.data.keyTag))
          ? `the DNSKEY RRset of ${fqdn(zone)} is not signed by the key the ${parent ? 'DS' : 'anchor'} points to (key ${matched.map(keyTag).join(', ')})`
          : `the DNSKEY RRset of ${fqdn(zone)} is not validly signed`;
      if (verdict.notYetValid)
        warnings.push({
          code: 'inception-in-future',
          message: `a DNSKEY signature of ${fqdn(zone)} is not valid yet`,
        });
      const result = bogus([first, ...verdict.problems]);
      result.signatures.push(...verdict.outOfWindow.map((v) => this.signatureDiag(keySet, v)));
      return result;
    }
    level.status = 'secure';
    const signature = this.signatureDiag(keySet, verdict.valid);
    return {
      zone,
      status: 'secure',
      keys: keys.filter((k) => (k.data.flags & ZONE_KEY_FLAG) !== 0),
      reasons: [],
      level,
      signatures: [signature],
      warnings,
      parent,
    };
  }

  private keyDiag(k: DnskeyRecord): KeyDiagnostic {
    const info = algorithm(k.data.algorithm);
    return {
      tag: keyTag(k),
      algorithm: info.number,
      algorithmName: info.name,
      bits: keySize(k),
      flags: k.data.flags,
      sep: (k.data.flags & SEP_FLAG) !== 0,
      policy: info.policy,
    };
  }

  private signatureDiag(rrset: RRset, v: Omit<ValidSignature, 'key'>): SignatureDiagnostic {
    const now = this.now().getTime();
    return {
      owner: fqdn(rrset.name),
      type: rrset.type,
      zone: fqdn(v.sig.data.signersName),
      keyTag: v.sig.data.keyTag,
      algorithm: v.sig.data.algorithm,
      inception: v.inception.toISOString(),
      expiration: v.expiration.toISOString(),
      daysToExpiry: Math.floor((v.expiration.getTime() - now) / DAY),
    };
  }

  /**
   * For data without signatures: walks from the trust anchor down the names above `name`,
   * looking for a proven insecure delegation. Finding one makes unsigned data insecure; finding
   * none means the data should have been signed (bogus).
   */
  private async insecurityAbove(name: string): Promise<Part & { zk?: ZoneKeys }> {
    const n = normalizeName(name);
    const anchor = this.options.anchors
      .map((a) => normalizeName(a.zone))
      .filter((z) => isSubdomain(n, z))
      .sort((a, b) => labels(b).length - labels(a).length)[0];
    if (anchor === undefined)
      return { status: 'indeterminate', reasons: [`no trust anchor covers ${fqdn(n)}`] };
    let zk = await this.zoneKeys(anchor);
    if (zk.status !== 'secure') return { status: zk.status, reasons: zk.reasons, zk };
    for (let depth = labels(anchor).length + 1; depth <= labels(n).length; depth++) {
      const candidate = suffix(n, depth);
      const res = await this.query(candidate, 'DS');
      if (!res.ok)
        return {
          status: 'indeterminate',
          reasons: [`DS query for ${fqdn(candidate)} failed: ${res.error}`],
          zk,
        };
      const hasDs = groupRRsets(res.message.answers).some(
        (s) => s.name === candidate && s.type === 'DS',
      );
      if (hasDs) {
        const child = await this.zoneKeys(candidate);
        if (child.status !== 'secure')
          return { status: child.status, reasons: child.reasons, zk: child };
        zk = child;
        continue;
      }
      const denial = await this.checkDenial(candidate, 'DS', res.message, undefined, true);
      if (
        denial.kind === 'insecure-delegation' ||
        denial.kind === 'opt-out' ||
        denial.status === 'insecure'
      ) {
        const zoneKeys = this.failed(
          candidate,
          'insecure',
          [
            `${fqdn(candidate)} is an insecure delegation (no DS in ${denial.zone ? fqdn(denial.zone) : 'its parent'})`,
          ],
          { parent: denial.zk },
        );
        return { status: 'insecure', reasons: zoneKeys.reasons, zk: zoneKeys };
      }
      if (denial.status !== 'secure')
        return { status: denial.status, reasons: denial.reasons, zk: denial.zk };
    }
    return { status: 'secure', reasons: [], zk };
  }

  /** Validates an RRset: its signer's keys, then its signatures; unsigned data is checked against the chain. */
  private async validateRRset(rrset: RRset, section: DnsRecord[], msg: DnsMessage): Promise<Part> {
    const sigs = signaturesFor(rrset, section);
    const signers = [...new Set(sigs.map((s) => normalizeName(s.data.signersName)))].filter((s) =>
      isSubdomain(rrset.name, s),
    );
    if (!signers.length) {
      const above = await this.insecurityAbove(rrset.name);
      this.run.useZone(above.zk);
      if (above.status === 'insecure')
        return {
          status: 'insecure',
          reasons: [
            `${fqdn(rrset.name)} ${rrset.type} is unsigned, in an insecure zone`,
            ...above.reasons,
          ],
        };
      if (above.status !== 'secure') return above;
      return {
        status: 'bogus',
        reasons: [
          `no RRSIG covers ${fqdn(rrset.name)} ${rrset.type}, but its zone is signed (missing signature)`,
        ],
      };
    }
    const parts: Part[] = [];
    for (const signer of signers) {
      const zk = await this.zoneKeys(signer);
      this.run.useZone(zk);
      if (zk.status !== 'secure') {
        parts.push({
          status: zk.status,
          reasons:
            zk.status === 'insecure'
              ? zk.reasons
              : [`the keys of ${fqdn(signer)} could not be authenticated`, ...zk.reasons],
        });
        continue;
      }
      const verdict = verifyRRset(
        rrset,
        sigs.filter((s) => normalizeName(s.data.signersName) === signer),
        zk.keys,
        signer,
        this.now(),
      );
      if (!verdict.ok) {
        if (verdict.notYetValid)
          this.run.warn({
            code: 'inception-in-future',
            message: `a signature of ${fqdn(rrset.name)} ${rrset.type} is not valid yet`,
          });
        for (const v of verdict.outOfWindow) this.run.addSignature(this.signatureDiag(rrset, v));
        parts.push({
          status: 'bogus',
          reasons: [
            `${fqdn(rrset.name)} ${rrset.type} is not validly signed by ${fqdn(signer)}`,
            ...verdict.problems,
          ],
        });
        continue;
      }
      this.run.addSignature(this.signatureDiag(rrset, verdict.valid));
      if (verdict.valid.wildcardEncloser !== undefined) {
        const proof = await this.checkDenial(
          rrset.name,
          rrset.type,
          msg,
          verdict.valid.wildcardEncloser,
        );
        if (proof.kind !== 'wildcard-ok') {
          parts.push({
            status: proof.status === 'secure' ? 'bogus' : proof.status,
            reasons: [
              `${fqdn(rrset.name)} was synthesised from a wildcard without proof that the name itself does not exist`,
              ...proof.reasons,
            ],
          });
          continue;
        }
      }
      return { status: 'secure', reasons: [] };
    }
    return { status: worst(parts), reasons: parts.flatMap((p) => p.reasons) };
  }

  private async validateDenial(qname: string, qtype: string, msg: DnsMessage): Promise<Part> {
    const denial = await this.checkDenial(qname, qtype, msg);
    const expected = msg.rcode === 'NXDOMAIN' ? 'nxdomain' : 'nodata';
    if (denial.status !== 'secure') return { status: denial.status, reasons: denial.reasons };
    if (denial.kind === expected) return { status: 'secure', reasons: [] };
    // Asked for a DS: a proven insecure delegation (or opt-out span) is exactly a proven "no DS".
    if (
      qtype === 'DS' &&
      expected === 'nodata' &&
      (denial.kind === 'insecure-delegation' || denial.kind === 'opt-out')
    ) {
      return { status: 'secure', reasons: [] };
    }
    if (denial.kind === 'opt-out')
      return {
        status: 'insecure',
        reasons: [
          `${fqdn(qname)} falls in an NSEC3 opt-out span: it may belong to an unsigned delegation`,
        ],
      };
    if (denial.kind === 'insecure-delegation' && qtype !== 'DS')
      return { status: 'insecure', reasons: [`${fqdn(qname)} is an insecure delegation`] };
    return {
      status: 'bogus',
      reasons: [
        `the ${msg.rcode} answer for ${fqdn(qname)} ${qtype} is not proven`,
        denial.kind === 'none' ? denial.why : `the records prove ${denial.kind}, not ${expected}`,
      ],
    };
  }

  /**
   * Verifies the NSEC/NSEC3 (and SOA) records of a negative answer with their zone's keys, then
   * asks what they prove. Unsigned negative answers are checked against the chain like unsigned data.
   */
  private async checkDenial(
    qname: string,
    qtype: string,
    msg: DnsMessage,
    wildcardEncloser?: string,
    /** Set by the insecurity walk itself: an unproven answer must not start the walk again. */
    withinWalk = false,
  ): Promise<Part & DenialProof & { zone?: string; zk?: ZoneKeys }> {
    const section = wildcardEncloser !== undefined ? [...msg.authorities] : msg.authorities;
    const proofSets = groupRRsets(section).filter((s) => s.type === 'NSEC' || s.type === 'NSEC3');
    const sigs = section.filter((r): r is RrsigRecord => r.type === 'RRSIG');
    if (!proofSets.length) {
      if (withinWalk) {
        return {
          status: 'bogus',
          reasons: [
            `${fqdn(qname)} has no ${qtype} and no NSEC or NSEC3 record proves its absence`,
          ],
          kind: 'none',
          why: 'no proof',
        };
      }
      const above = await this.insecurityAbove(qname);
      this.run.useZone(above.zk);
      if (above.status === 'insecure')
        return {
          status: 'insecure',
          reasons: [
            `the negative answer for ${fqdn(qname)} comes from an insecure zone`,
            ...above.reasons,
          ],
          kind: 'none',
          why: 'insecure',
          zk: above.zk,
        };
      if (above.status !== 'secure') return { ...above, kind: 'none', why: above.reasons[0] ?? '' };
      return {
        status: 'bogus',
        reasons: [`no NSEC or NSEC3 record proves the negative answer for ${fqdn(qname)} ${qtype}`],
        kind: 'none',
        why: 'no proof',
      };
    }
    // The absence of a DS is the parent's to prove: a child-side proof cannot count, and
    // accepting it would make the child's keys depend on themselves.
    const signer = sigs
      .map((s) => normalizeName(s.data.signersName))
      .find(
        (s) =>
          proofSets.every((p) => isSubdomain(p.name, s)) &&
          (qtype !== 'DS' || (s !== normalizeName(qname) && isSubdomain(qname, s))),
      );
    if (!signer)
      return {
        status: 'bogus',
        reasons: [`the NSEC/NSEC3 records for ${fqdn(qname)} are not signed`],
        kind: 'none',
        why: 'unsigned proof',
      };
    const zk = await this.zoneKeys(signer);
    this.run.useZone(zk);
    if (zk.status !== 'secure')
      return {
        status: zk.status,
        reasons: zk.reasons,
        kind: 'none',
        why: zk.reasons[0] ?? '',
        zone: signer,
        zk,
      };
    for (const set of proofSets) {
      const verdict = verifyRRset(set, signaturesFor(set, section), zk.keys, signer, this.now());
      if (!verdict.ok) {
        return {
          status: 'bogus',
          reasons: [
            `the ${set.type} record ${fqdn(set.name)} is not validly signed`,
            ...verdict.problems,
          ],
          kind: 'none',
          why: 'bad proof signature',
          zone: signer,
          zk,
        };
      }
      this.run.addSignature(this.signatureDiag(set, verdict.valid));
    }
    const nsecs = section.filter(isNsec);
    const nsec3s = section.filter(isNsec3);
    if (nsec3s.length) {
      const params = nsec3Params(nsec3s)!;
      const level = zk.level;
      const saltHex = params.salt.toString('hex');
      if (level)
        level.nsec3 = {
          iterations: params.iterations,
          saltHex,
          optOut: nsec3s.some((n) => (n.data.flags & 1) === 1),
        };
      if (params.iterations > 0)
        this.run.warn({
          code: 'nsec3-iterations',
          message: `NSEC3 in ${fqdn(signer)} uses ${params.iterations} extra iterations; RFC 9276 recommends 0`,
        });
      if (saltHex)
        this.run.warn({
          code: 'nsec3-salt',
          message: `NSEC3 in ${fqdn(signer)} uses a salt (${saltHex}); RFC 9276 recommends none`,
        });
      if (params.iterations > this.maxIterations) {
        this.run.warn({
          code: 'nsec3-iterations-too-high',
          message: `NSEC3 iterations ${params.iterations} exceed ${this.maxIterations}: the answer is treated as insecure (RFC 9276 §3.2)`,
        });
        return {
          status: 'insecure',
          reasons: [
            `NSEC3 iterations ${params.iterations} in ${fqdn(signer)} exceed the limit of ${this.maxIterations}`,
          ],
          kind: 'none',
          why: 'iterations',
          zone: signer,
          zk,
        };
      }
      if (params.algorithm !== 1)
        return {
          status: 'insecure',
          reasons: [`NSEC3 hash algorithm ${params.algorithm} is not supported`],
          kind: 'none',
          why: 'hash',
          zone: signer,
          zk,
        };
      return {
        status: 'secure',
        reasons: [],
        ...nsec3Proof(qname, qtype, nsec3s, signer, wildcardEncloser),
        zone: signer,
        zk,
      };
    }
    return {
      status: 'secure',
      reasons: [],
      ...nsecProof(qname, qtype, nsecs, signer, wildcardEncloser),
      zone: signer,
      zk,
    };
  }
}

type DnsResult = DnssecResult['answer'];
