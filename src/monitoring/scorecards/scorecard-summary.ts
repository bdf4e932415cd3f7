/**
 * The internet.nl-style card of a domain, from what the engine already stored: the check states
 * (verdict and reasons) and the latest raw result's observations (the details a person needs to
 * act: addresses, name servers, DNSSEC algorithms and expiry). Pure: no I/O.
 *
 * Observations are untyped JSON written by the probes (and possibly by older versions of them),
 * so every field is picked defensively and anything unexpected is left out rather than trusted.
 */

export const SCORECARD_KINDS = ['ipv6-web', 'ipv6-mail', 'ns-ipv6', 'dnssec'] as const;
export type ScorecardKind = (typeof SCORECARD_KINDS)[number];

export const CATEGORIES = ['ipv6Web', 'ipv6Mail', 'ipv6NameServers', 'dnssec'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_KIND: Record<Category, ScorecardKind> = {
  ipv6Web: 'ipv6-web',
  ipv6Mail: 'ipv6-mail',
  ipv6NameServers: 'ns-ipv6',
  dnssec: 'dnssec',
};

/** pass: up; warning: degraded; fail: down or unreachable; not_tested: anything else or no check. */
export type Verdict = 'pass' | 'warning' | 'fail' | 'not_tested';

/** The same order as the status summary: the worst state of a category's checks decides. */
const WORST = ['down', 'unreachable', 'degraded', 'not_tested', 'unknown', 'up'];

export function verdictOf(state: string | null): Verdict {
  switch (state) {
    case 'up':
      return 'pass';
    case 'degraded':
      return 'warning';
    case 'down':
    case 'unreachable':
      return 'fail';
    default:
      return 'not_tested';
  }
}

export function worstState(states: readonly string[]): string | null {
  if (!states.length) return null;
  return [...states].sort((a, b) => rank(a) - rank(b))[0];
}

function rank(state: string): number {
  const i = WORST.indexOf(state);
  return i < 0 ? WORST.indexOf('unknown') : i;
}

export interface ReasonOut {
  code: string;
  message: string;
}

/** Stored reasons (jsonb array of { code, message }), bounded. */
export function reasonsOf(value: unknown, max = 20): ReasonOut[] {
  if (!Array.isArray(value)) return [];
  const out: ReasonOut[] = [];
  for (const r of value) {
    if (out.length >= max) break;
    if (r && typeof r === 'object') {
      const o = r as Record<string, unknown>;
      const message = typeof o.message === 'string' ? o.message : null;
      if (message) out.push({ code: typeof o.code === 'string' ? o.code : 'reason', message });
    } else if (typeof r === 'string') out.push({ code: 'reason', message: r });
  }
  return out;
}

const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const strings = (v: unknown, max = 20): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, max) : [];
const list = (v: unknown, max: number): Record<string, unknown>[] =>
  Array.isArray(v)
    ? v
        .map(obj)
        .filter((x) => x !== null)
        .slice(0, max)
    : [];

/** One family's verdict of a web or mail readiness probe. */
function family(v: unknown) {
  const f = obj(v);
  if (!f) return null;
  return {
    status: str(f.status),
    addresses: strings(f.addresses),
    reasons: reasonsOf(f.reasons, 10),
  };
}

function grid(v: unknown) {
  const g = obj(v);
  return g ? { assigned: bool(g.assigned), operational: bool(g.operational) } : null;
}

function selfTest(v: unknown) {
  const s = obj(v);
  return s ? { ipv6: bool(s.ipv6) } : null;
}

export function webDetails(o: Record<string, unknown>) {
  const comparison = obj(o.comparison);
  return {
    host: str(o.host),
    ipv4: family(o.ipv4),
    ipv6: family(o.ipv6),
    grid: grid(o.grid),
    comparison: comparison
      ? { status: str(comparison.status), reason: str(comparison.reason) }
      : null,
    selfTest: selfTest(o.selfTest),
  };
}

export function mailDetails(o: Record<string, unknown>) {
  const mx = obj(o.mx);
  return {
    domain: str(o.domain),
    acceptsMail: bool(o.acceptsMail),
    mx: mx
      ? {
          result: str(mx.result),
          error: str(mx.error),
          nullMx: bool(mx.nullMx),
          implicit: bool(mx.implicit),
          records: list(mx.records, 20).map((r) => ({
            preference: num(r.preference),
            exchange: str(r.exchange),
          })),
        }
      : null,
    ipv4: family(o.ipv4),
    ipv6: family(o.ipv6),
    grid: grid(o.grid),
    selfTest: selfTest(o.selfTest),
  };
}

function transport(v: unknown) {
  const t = obj(v);
  return t ? { ok: bool(t.ok), rttMs: num(t.rttMs), error: str(t.error) } : null;
}

export function nameServerDetails(o: Record<string, unknown>) {
  const ipv6 = obj(o.ipv6);
  const consistency = obj(o.consistency);
  const reach = obj(o.reach);
  const reachOf = (v: unknown) => {
    const r = obj(v);
    return r ? { udp: bool(r.udp), tcp: bool(r.tcp), tested: num(r.tested) } : null;
  };
  return {
    zone: str(o.zone),
    nameServers: list(o.nameServers, 13).map((n) => ({
      name: str(n.name),
      addresses: list(n.addresses, 16).map((a) => ({
        address: str(a.address),
        family: num(a.family),
        notTested: str(a.notTested),
        udp: transport(a.udp),
        tcp: transport(a.tcp),
        authoritative: bool(a.authoritative),
        soaSerial: num(a.soaSerial),
      })),
    })),
    atLeastTwoNameServers: bool(o.atLeastTwoNameServers),
    ipv6: ipv6
      ? { nameServersWithIpv6: num(ipv6.nameServersWithIpv6), atLeastTwo: bool(ipv6.atLeastTwo) }
      : null,
    reach: reach ? { ipv4: reachOf(reach.ipv4), ipv6: reachOf(reach.ipv6) } : null,
    consistency: consistency
      ? {
          soaAgrees: bool(consistency.soaAgrees),
          soaSerials: Array.isArray(consistency.soaSerials)
            ? consistency.soaSerials.filter((x) => typeof x === 'number').slice(0, 16)
            : [],
          dnskeyAgrees: bool(consistency.dnskeyAgrees),
        }
      : null,
    problems: strings(o.problems),
  };
}

export function dnssecDetails(o: Record<string, unknown>) {
  const answer = obj(o.answer);
  return {
    name: str(o.name),
    type: str(o.type),
    status: str(o.status),
    reasons: strings(o.reasons, 10),
    earliestExpiry: str(o.earliestExpiry),
    daysToExpiry: num(o.daysToExpiry),
    levels: list(o.levels, 12).map((l) => ({
      zone: str(l.zone),
      status: str(l.status),
      anchoredBy: str(l.anchoredBy),
      algorithms: strings(l.algorithms, 8),
      dsMatched: bool(l.dsMatched),
    })),
    warnings: strings(o.warnings),
    answer: answer ? { rcode: str(answer.rcode), records: strings(answer.records, 10) } : null,
  };
}

export type ScorecardDetails =
  | ReturnType<typeof webDetails>
  | ReturnType<typeof mailDetails>
  | ReturnType<typeof nameServerDetails>
  | ReturnType<typeof dnssecDetails>;

/** The details of one check's latest observations; null when there are none to show. */
export function detailsOf(kind: string, observations: unknown): ScorecardDetails | null {
  const o = obj(observations);
  if (!o) return null;
  switch (kind) {
    case 'ipv6-web':
      return o.ipv6 !== undefined ? webDetails(o) : null;
    case 'ipv6-mail':
      return o.ipv6 !== undefined ? mailDetails(o) : null;
    case 'ns-ipv6':
      return o.nameServers !== undefined ? nameServerDetails(o) : null;
    case 'dnssec':
      return o.status !== undefined ? dnssecDetails(o) : null;
    default:
      return null;
  }
}

/** `www.a.example.vn` → `['a.example.vn', 'example.vn', 'vn']`: the zones that may enclose it. */
export function enclosingNames(hostname: string): string[] {
  const labels = hostname.replace(/\.$/, '').split('.');
  const out: string[] = [];
  for (let i = 1; i < labels.length; i++) out.push(labels.slice(i).join('.'));
  return out;
}
