import { isIP } from 'node:net';
import { Address4, Address6 } from 'ip-address';
import { parseTrustAnchors } from '../dns/dnssec/anchors';
import type { DnssecStatus } from '../dns/dnssec/result';
import { DnssecValidator, type TrustAnchor } from '../dns/dnssec/validator';
import { ServerLookup } from '../dns/lookup';
import { type DnsRecord, fqdn, normalizeName } from '../dns/message';
import { type DnsTransport, type QueryErrorCode, UdpTcpTransport } from '../dns/transport';
import {
  judgeFindings,
  type AddressFamily,
  type Probe,
  type ProbeContext,
  type ProbeOutcome,
  type ProbeStatus,
  type Reason,
} from '../probe';
import { inScope, isDeadline, outsideScopeOutcome } from '../run';

/** A name and type to ask one server: the uptime check of kind "DNS". */
export interface DnsAnswerTarget {
  /** The server's IP literal; the query's family is the address's own. */
  server: string;
  /** Default 53. */
  port?: number;
  name: string;
  /** Default `A`. */
  type?: string;
}

export interface DnsAnswerSettings {
  /**
   * The record data expected for `name`/`type`, in presentation form: `192.0.2.1`, `2001:db8::1`,
   * `10 mail.example.`, `ns1.example.`, `v=spf1 -all` (a TXT record's strings joined, unquoted).
   * Addresses and names are compared canonically (case, trailing dot, IPv6 spelling).
   */
  expect?: string[];
  /** `exact` (default): the answer holds exactly the expected set. `contains`: at least it. */
  match?: 'exact' | 'contains';
  /** The response code required (default `NOERROR`). */
  rcode?: string;
  /** With rcode NOERROR and no `expect`, an empty answer (NODATA) is `down` unless this is set. */
  allowEmpty?: boolean;
  /** `auto` (default): UDP, TCP when truncated. */
  protocol?: 'auto' | 'udp' | 'tcp';
  /** RD bit (default true: servers are usually resolvers; false for an authoritative check). */
  recursionDesired?: boolean;
  /** CD bit on the answer query (default false: see what a validating resolver gives users). */
  checkingDisabled?: boolean;
  /** Per-query timeout (default 3000 ms); the run's deadline can end it sooner. */
  timeoutMs?: number;
  /** A response time above this makes the outcome `degraded` (reason `slow`). Default: never. */
  slowMs?: number;
  /** Validate the answer with DNSSEC, asking the same server for the chain (needs `anchors`). */
  validate?: boolean;
  /** Trust anchors: parsed, or DS/DNSKEY records in presentation form. */
  anchors?: TrustAnchor[] | string;
  /** With `validate`: an insecure answer is `down` (default false: only recorded). */
  requireSecure?: boolean;
}

export interface DnsAnswerRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnsAnswerObservations {
  server: string;
  port: number;
  family: AddressFamily;
  name: string;
  type: string;
  /** The transport that carried the answer, null when none came. */
  protocol: 'udp' | 'tcp' | null;
  /** Query to answer (both legs when it fell back to TCP), milliseconds. */
  rttMs: number | null;
  rcode: string | null;
  flags: { aa: boolean; tc: boolean; ra: boolean; ad: boolean } | null;
  /** Every answer-section record except RRSIGs. */
  answers: DnsAnswerRecord[];
  /** The data of the records of the asked type (after any CNAME), canonical form, sorted. */
  records: string[];
  /** CNAME targets followed from `name`, in order. */
  cnameChain: string[];
  /** Expected data not in the answer; answer data not expected (`exact` only). */
  missing: string[];
  unexpected: string[];
  dnssec: {
    status: DnssecStatus;
    reasons: string[];
    earliestExpiry: string | null;
    daysToExpiry: number | null;
    queries: number;
  } | null;
  error: { code: QueryErrorCode; message: string } | null;
}

const NAME_TYPES = new Set(['CNAME', 'NS', 'PTR', 'DNAME']);

function canonicalAddress(type: 'A' | 'AAAA', text: string): string {
  try {
    return type === 'A' ? new Address4(text).correctForm() : new Address6(text).correctForm();
  } catch {
    return text;
  }
}

/** A record's data as one presentation-like string (the form `expect` uses). */
export function recordData(r: DnsRecord): string {
  const d = r.data as unknown;
  if (r.type === 'A' || r.type === 'AAAA') return canonicalAddress(r.type, String(d));
  if (NAME_TYPES.has(r.type)) return fqdn(String(d));
  if (r.type === 'MX') {
    const mx = d as { preference: number; exchange: string };
    return `${mx.preference} ${fqdn(mx.exchange)}`;
  }
  if (r.type === 'SRV') {
    const srv = d as { priority: number; weight: number; port: number; target: string };
    return `${srv.priority} ${srv.weight} ${srv.port} ${fqdn(srv.target)}`;
  }
  if (r.type === 'TXT') {
    const parts = Array.isArray(d) ? d : [d];
    return parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join('');
  }
  if (r.type === 'CAA') {
    const caa = d as { flags: number; tag: string; value: string };
    return `${caa.flags} ${caa.tag} "${caa.value}"`;
  }
  if (r.type === 'SOA') {
    const soa = d as Record<string, string | number>;
    return [
      fqdn(String(soa.mname)),
      fqdn(String(soa.rname)),
      soa.serial,
      soa.refresh,
      soa.retry,
      soa.expire,
      soa.minimum,
    ].join(' ');
  }
  if (typeof d === 'string') return d;
  if (Buffer.isBuffer(d)) return d.toString('hex');
  return JSON.stringify(d, (_k, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? '<bytes>' : v,
  );
}

/** An expected value in the same canonical form as `recordData`. */
export function canonicalExpected(type: string, text: string): string {
  const t = text.trim();
  if (type === 'A' || type === 'AAAA') return canonicalAddress(type, t);
  if (NAME_TYPES.has(type)) return fqdn(t);
  if (type === 'MX' || type === 'SRV') {
    const fields = t.split(/\s+/);
    fields[fields.length - 1] = fqdn(fields[fields.length - 1]);
    return fields.join(' ');
  }
  if (type === 'TXT') {
    // `"a" "b"` as in a zone file, or plain text.
    const quoted = t.match(/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/);
    return quoted ? [...t.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('') : t;
  }
  return t;
}

/**
 * Asks one server one question and judges the answer: response code, the expected records
 * (exact set or contains), response time, and optionally the DNSSEC status of the answer via
 * the DNSSEC validator (whose queries go to the same server).
 */
export class DnsAnswerProbe implements Probe<
  DnsAnswerTarget,
  DnsAnswerSettings,
  DnsAnswerObservations
> {
  readonly kind = 'dns-answer';
  private readonly transport: DnsTransport;

  constructor(options: { transport?: DnsTransport } = {}) {
    this.transport = options.transport ?? new UdpTcpTransport();
  }

  async run(
    target: DnsAnswerTarget,
    settings: DnsAnswerSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<DnsAnswerObservations>> {
    const ip = isIP(target.server);
    if (ip === 0)
      throw new TypeError(`dns probe: ${JSON.stringify(target.server)} is not an IP address`);
    const port = target.port ?? 53;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new TypeError(`dns probe: port must be an integer from 1 to 65535, got ${port}`);
    if (!target.name) throw new TypeError('dns probe: a name to ask is required');
    const family = ip as AddressFamily;
    const type = (target.type ?? 'A').toUpperCase();
    const match = settings.match ?? 'exact';
    const wantRcode = (settings.rcode ?? 'NOERROR').toUpperCase();
    let anchors: TrustAnchor[] = [];
    if (settings.validate) {
      anchors =
        typeof settings.anchors === 'string'
          ? parseTrustAnchors(settings.anchors, 'dns probe anchors')
          : (settings.anchors ?? []);
      if (anchors.length === 0)
        throw new TypeError('dns probe: validate needs trust anchors (settings.anchors)');
    }

    const observations: DnsAnswerObservations = {
      server: target.server,
      port,
      family,
      name: fqdn(target.name),
      type,
      protocol: null,
      rttMs: null,
      rcode: null,
      flags: null,
      answers: [],
      records: [],
      cnameChain: [],
      missing: [],
      unexpected: [],
      dnssec: null,
      error: null,
    };
    if (!inScope(context, target.server)) return outsideScopeOutcome(target.server, observations);
    const { signal } = context;
    const where = family === 6 ? `[${target.server}]:${port}` : `${target.server}:${port}`;
    const subject = `${fqdn(target.name)} ${type}`;
    const aborted = (): ProbeOutcome<DnsAnswerObservations> =>
      isDeadline(signal)
        ? {
            status: 'down',
            family: null,
            observations,
            reasons: [{ code: 'timeout', message: `${where}: run deadline reached` }],
          }
        : {
            status: 'not_tested',
            family: null,
            observations,
            reasons: [{ code: 'aborted', message: 'aborted by the caller' }],
          };
    if (signal.aborted) return aborted();

    const querySettings = {
      protocol: settings.protocol ?? 'auto',
      timeoutMs: settings.timeoutMs ?? 3000,
      signal,
    };
    const result = await this.transport.query({ address: target.server, port }, target.name, type, {
      ...querySettings,
      recursionDesired: settings.recursionDesired ?? true,
      checkingDisabled: settings.checkingDisabled ?? false,
      dnssecOk: true,
    });
    if (!result.ok) {
      observations.error = result.error;
      if (signal.aborted) return aborted();
      return {
        status: 'down',
        family: null,
        observations,
        reasons: [
          { code: result.error.code, message: `${subject} at ${where}: ${result.error.message}` },
        ],
      };
    }

    const msg = result.message;
    observations.protocol = result.protocol;
    observations.rttMs = result.rttMs;
    observations.rcode = msg.rcode;
    observations.flags = { aa: msg.flags.aa, tc: msg.flags.tc, ra: msg.flags.ra, ad: msg.flags.ad };
    const answers = msg.answers.filter((r) => r.type !== 'RRSIG');
    observations.answers = answers.map((r) => ({
      name: fqdn(r.name),
      type: r.type,
      ttl: r.ttl ?? 0,
      data: recordData(r),
    }));
    // Follow the CNAME chain inside the answer from the asked name.
    let owner = normalizeName(target.name);
    const owners = new Set([owner]);
    for (let hop = 0; hop < 16 && type !== 'CNAME'; hop++) {
      const cname = answers.find((r) => r.type === 'CNAME' && normalizeName(r.name) === owner);
      if (!cname) break;
      owner = normalizeName(String(cname.data));
      if (owners.has(owner)) break;
      owners.add(owner);
      observations.cnameChain.push(fqdn(owner));
    }
    observations.records = [
      ...new Set(
        answers.filter((r) => r.type === type && owners.has(normalizeName(r.name))).map(recordData),
      ),
    ].sort();

    const verdicts: { status: ProbeStatus; reason: Reason }[] = [];
    const fail = (status: ProbeStatus, code: string, message: string) =>
      verdicts.push({ status, reason: { code, message } });

    if (msg.rcode !== wantRcode)
      fail('down', 'rcode', `${subject} at ${where}: answered ${msg.rcode}, expected ${wantRcode}`);
    if (settings.expect) {
      const expected = [...new Set(settings.expect.map((e) => canonicalExpected(type, e)))].sort();
      observations.missing = expected.filter((e) => !observations.records.includes(e));
      observations.unexpected =
        match === 'exact' ? observations.records.filter((r) => !expected.includes(r)) : [];
      if (observations.missing.length || observations.unexpected.length) {
        const parts = [
          observations.missing.length ? `missing ${observations.missing.join(', ')}` : '',
          observations.unexpected.length ? `unexpected ${observations.unexpected.join(', ')}` : '',
        ].filter(Boolean);
        fail('down', 'answer_mismatch', `${subject} at ${where}: ${parts.join('; ')}`);
      }
    } else if (
      msg.rcode === 'NOERROR' &&
      wantRcode === 'NOERROR' &&
      observations.records.length === 0 &&
      !settings.allowEmpty
    ) {
      fail('down', 'no_answer', `${subject} at ${where}: no ${type} record in the answer`);
    }
    if (settings.slowMs !== undefined && result.rttMs > settings.slowMs)
      fail(
        'degraded',
        'slow',
        `${subject} at ${where}: answered in ${result.rttMs.toFixed(1)} ms (limit ${settings.slowMs} ms)`,
      );

    if (settings.validate) {
      const validator = new DnssecValidator({
        lookup: new ServerLookup(this.transport, { address: target.server, port }, querySettings),
        anchors,
        now: () => context.now(),
      });
      const v = await validator.validate(target.name, type);
      if (signal.aborted) return aborted();
      observations.dnssec = {
        status: v.status,
        reasons: v.reasons,
        earliestExpiry: v.diagnostics.earliestExpiry,
        daysToExpiry: v.diagnostics.daysToExpiry,
        queries: v.queries,
      };
      const why = v.reasons.join('; ');
      if (v.status === 'bogus') fail('down', 'dnssec_bogus', why);
      else if (v.status === 'indeterminate') fail('degraded', 'dnssec_indeterminate', why);
      else if (v.status === 'insecure' && settings.requireSecure)
        fail('down', 'dnssec_insecure', why);
    }

    const { status, reasons } = judgeFindings(verdicts, {});
    return { status, family: result.family, observations, reasons };
  }
}
