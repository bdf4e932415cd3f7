import { httpRequest, type HttpResponseFacts } from '../http/request';
import type { DnsLookup } from '../dns/dnssec/validator';
import { fqdn, normalizeName } from '../dns/message';
import type { AddressFamily, ProbeContext } from '../probe';
import type { ProbeScope } from '../scope';
import { lookupAddresses, type AddressLookup, type IgnoredAddress } from './addresses';
import {
  compareBodies,
  DEFAULT_SIMILARITY_THRESHOLD,
  normalizeContentType,
  normalizeLocation,
  sha256,
  SIMILARITY_MEASURE,
  type BodyComparison,
} from './content';
import { deadline, endpoint, tcpConnect, type ConnectResult } from '../net';
import { resolveSelfTest, type SelfTestResult, type SelfTestSetting } from './self-test';
import {
  grid,
  verdict,
  type AssignedOperational,
  type FamilyVerdict,
  type Finding,
} from './verdict';

/**
 * IPv6 readiness of a web host (internet.nl web_aaaa, web_reach, web_ipv46), with the IPv4 side
 * judged too, so a dual-stack host gets two verdicts, never one. Every packet goes to an explicit
 * address of the family being judged: nothing in an IPv6 check can fall back to IPv4.
 * The rules are in probes/ipv6/README.md.
 */

export interface WebPort {
  port: number;
  scheme: 'http' | 'https';
}

export const DEFAULT_WEB_PORTS: readonly WebPort[] = [
  { port: 80, scheme: 'http' },
  { port: 443, scheme: 'https' },
];

export interface WebReadinessSettings {
  /** Every DNS question goes here (the CLI's `--server`, or the configured resolver). */
  lookup: DnsLookup;
  /** The probe host's own IPv6 check: an anchor to test now, or a result to reuse. */
  selfTest: SelfTestSetting;
  /** Default 80/http and 443/https. Every address must be reachable on every port. */
  ports?: WebPort[];
  /** Path requested on every port (default `/`). */
  path?: string;
  /** Per TCP connect and per HTTP request (default 10000 ms). */
  timeoutMs?: number;
  /** Response headers compared between the families besides content-type (any case). */
  compareHeaders?: string[];
  /** Body similarity needed to count as the same page (default 0.9). */
  similarityThreshold?: number;
  /** Default 1 MiB per response; longer bodies are compared on their first bytes. */
  maxBodyBytes?: number;
  /** Sent with every request (a User-Agent and Accept are set by default). */
  headers?: Record<string, string>;
  /** PEM bundle for https; certificate validity is recorded and compared, not required. */
  ca?: string | Buffer;
  /** Addresses outside the scope are `not_tested`; nothing is sent to them. */
  scope?: ProbeScope;
}

export interface ReachObservation {
  address: string;
  port: number;
  ok: boolean;
  connectMs?: number;
  error?: { code: string; message: string };
}

export interface HttpObservation {
  address: string;
  port: number;
  scheme: 'http' | 'https';
  url: string;
  ok: boolean;
  status?: number;
  /** As sent; the comparison resolves and strips it. */
  location?: string;
  contentType?: string;
  /** The configured headers' values, lower-case names. */
  headers?: Record<string, string>;
  bodyBytes?: number;
  bodyTruncated?: boolean;
  bodySha256?: string;
  timings?: HttpResponseFacts['timings'];
  tls?: HttpResponseFacts['tls'];
  error?: { code: string; message: string };
}

export interface WebFamilyObservations {
  dns: {
    result: AddressLookup['result'];
    error?: string;
    cnames: string[];
    /** Records that do not count as this family's addresses (IPv4-mapped AAAA, NAT64...). */
    ignored: IgnoredAddress[];
  };
  reach: ReachObservation[];
  http: HttpObservation[];
}

export interface HeaderComparison {
  name: string;
  ipv4: string | null;
  ipv6: string | null;
  equal: boolean;
}

export interface ResponsePairComparison {
  scheme: 'http' | 'https';
  port: number;
  ipv4Address: string;
  ipv6Address: string;
  status: { ipv4: number; ipv6: number; equal: boolean };
  location: { ipv4: string | null; ipv6: string | null; equal: boolean };
  headers: HeaderComparison[];
  body: BodyComparison & { ipv4Bytes: number; ipv6Bytes: number; truncated: boolean };
  /** https: whether each certificate was valid for the host (chain and name). */
  tls?: { ipv4Authorized: boolean; ipv6Authorized: boolean; equal: boolean };
  equal: boolean;
}

export interface WebComparison {
  /** `not_compared`: no IPv6 or no IPv4 response to compare (see `reason`). */
  status: 'equal' | 'different' | 'not_compared';
  reason?: string;
  measure: string;
  threshold: number;
  headersCompared: string[];
  /** Each IPv6 response against the IPv4 reference response of the same port. */
  pairs: ResponsePairComparison[];
}

export interface WebReadinessResult {
  kind: 'web-readiness';
  host: string;
  checkedAt: string;
  ports: WebPort[];
  selfTest: SelfTestResult;
  ipv4: FamilyVerdict<WebFamilyObservations>;
  ipv6: FamilyVerdict<WebFamilyObservations>;
  comparison: WebComparison;
  /** assigned: a usable AAAA exists; operational: the IPv6 verdict is up or degraded. */
  grid: AssignedOperational;
}

interface Fetched {
  observation: HttpObservation;
  response?: HttpResponseFacts;
}

const DEFAULT_HEADERS: Record<string, string> = {
  'user-agent': 'NetWatch/0.1 (IPv6 readiness probe)',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'identity',
};

function urlFor(host: string, p: WebPort, path: string): string {
  const defaultPort = p.scheme === 'https' ? 443 : 80;
  const portPart = p.port === defaultPort ? '' : `:${p.port}`;
  return `${p.scheme}://${host}${portPart}${path.startsWith('/') ? path : `/${path}`}`;
}

export async function checkWebReadiness(
  hostName: string,
  settings: WebReadinessSettings,
  context: ProbeContext,
): Promise<WebReadinessResult> {
  const host = normalizeName(hostName);
  const ports = settings.ports ?? [...DEFAULT_WEB_PORTS];
  if (ports.length === 0) throw new Error('web readiness: at least one port is needed');
  if (new Set(ports.map((p) => p.port)).size !== ports.length)
    throw new Error('web readiness: each port may be listed once');
  const path = settings.path ?? '/';
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const threshold = settings.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1))
    throw new Error(`web readiness: similarity threshold ${threshold} is not between 0 and 1`);
  const headerNames = [
    'content-type',
    ...(settings.compareHeaders ?? []).map((h) => h.toLowerCase()),
  ].filter((h, i, all) => all.indexOf(h) === i && h !== 'location');
  const requestHeaders = { ...DEFAULT_HEADERS, ...(settings.headers ?? {}) };
  const checkedAt = context.now().toISOString();
  const name = fqdn(host);

  const [selfTest, a, aaaa] = await Promise.all([
    resolveSelfTest(settings.selfTest, context.signal, settings.scope, () => context.now()),
    lookupAddresses(settings.lookup, host, 'A'),
    lookupAddresses(settings.lookup, host, 'AAAA'),
  ]);

  const reachAll = async (addresses: string[]): Promise<ConnectResult[]> =>
    Promise.all(
      addresses.flatMap((address) =>
        ports.map((p) =>
          tcpConnect({
            address,
            port: p.port,
            timeoutMs,
            signal: context.signal,
            scope: settings.scope,
          }),
        ),
      ),
    );

  const fetchOne = async (address: string, p: WebPort): Promise<Fetched> => {
    const url = urlFor(host, p, path);
    const base = { address, port: p.port, scheme: p.scheme, url };
    const d = deadline(timeoutMs, context.signal);
    try {
      const r = await httpRequest({
        url,
        address,
        method: 'GET',
        headers: requestHeaders,
        maxBodyBytes: settings.maxBodyBytes,
        signal: d.signal,
        ca: settings.ca,
        // Certificate validity is a fact to compare here; the TLS probe judges it.
        rejectUnauthorized: false,
      });
      if (!r.ok) return { observation: { ...base, ok: false, error: r.error } };
      const res = r.response;
      const picked: Record<string, string> = {};
      for (const h of headerNames) if (res.headers[h] !== undefined) picked[h] = res.headers[h];
      return {
        response: res,
        observation: {
          ...base,
          ok: true,
          status: res.status,
          ...(res.headers.location !== undefined ? { location: res.headers.location } : {}),
          ...(res.headers['content-type'] !== undefined
            ? { contentType: res.headers['content-type'] }
            : {}),
          headers: picked,
          bodyBytes: res.body.length,
          bodyTruncated: res.bodyTruncated,
          bodySha256: sha256(res.body),
          timings: res.timings,
          ...(res.tls ? { tls: res.tls } : {}),
        },
      };
    } finally {
      d.cleanup();
    }
  };

  interface FamilyRun {
    lookup: AddressLookup;
    reach: ConnectResult[];
    fetched: Fetched[];
  }
  const runFamily = async (family: AddressFamily): Promise<FamilyRun> => {
    const lookup = family === 6 ? aaaa : a;
    if (family === 6 && !selfTest.ipv6) return { lookup, reach: [], fetched: [] };
    const reach = await reachAll(lookup.addresses);
    // HTTP only where the handshake worked: the reach facts already explain the rest.
    const fetched = await Promise.all(
      reach
        .filter((r) => r.ok)
        .map((r) => fetchOne(r.address, ports.find((p) => p.port === r.port) as WebPort)),
    );
    return { lookup, reach, fetched };
  };
  const [run4, run6] = await Promise.all([runFamily(4), runFamily(6)]);

  // ---- comparison: each IPv6 response against the IPv4 reference of its port
  const pairs: ResponsePairComparison[] = [];
  for (const p of ports) {
    const reference = run4.fetched.find((f) => f.response && f.observation.port === p.port);
    if (!reference?.response) continue;
    for (const f6 of run6.fetched) {
      if (!f6.response || f6.observation.port !== p.port) continue;
      pairs.push(
        comparePair(
          p,
          reference.observation.url,
          reference.response,
          f6.response,
          headerNames,
          threshold,
        ),
      );
    }
  }
  const anyV6Response = run6.fetched.some((f) => f.response);
  const anyV4Response = run4.fetched.some((f) => f.response);
  const comparison: WebComparison = {
    status:
      pairs.length === 0 ? 'not_compared' : pairs.every((p) => p.equal) ? 'equal' : 'different',
    ...(pairs.length === 0
      ? {
          reason: !selfTest.ipv6
            ? 'IPv6 was not tested (the probe host has no working IPv6)'
            : !anyV6Response
              ? 'no HTTP response over IPv6'
              : !anyV4Response
                ? 'no HTTP response over IPv4 to compare with'
                : 'no port answered over both families',
        }
      : {}),
    measure: SIMILARITY_MEASURE,
    threshold,
    headersCompared: headerNames,
    pairs,
  };

  const ipv4 = judgeFamily(4, run4, name, ports, [], selfTest);
  const ipv6 = judgeFamily(6, run6, name, ports, pairs, selfTest);
  return {
    kind: 'web-readiness',
    host: name,
    checkedAt,
    ports,
    selfTest,
    ipv4,
    ipv6,
    comparison,
    grid: grid(aaaa.addresses.length > 0, ipv6.status),
  };
}

function comparePair(
  p: WebPort,
  url: string,
  r4: HttpResponseFacts,
  r6: HttpResponseFacts,
  headerNames: string[],
  threshold: number,
): ResponsePairComparison {
  const loc4 = normalizeLocation(r4.headers.location, url);
  const loc6 = normalizeLocation(r6.headers.location, url);
  const headers = headerNames.map((h): HeaderComparison => {
    const v4 = r4.headers[h] ?? null;
    const v6 = r6.headers[h] ?? null;
    const norm = (v: string | null) =>
      v === null ? null : h === 'content-type' ? normalizeContentType(v) : v.trim();
    return { name: h, ipv4: v4, ipv6: v6, equal: norm(v4) === norm(v6) };
  });
  const body = compareBodies(
    { body: r4.body, contentType: r4.headers['content-type'] ?? '' },
    { body: r6.body, contentType: r6.headers['content-type'] ?? '' },
    threshold,
  );
  const tls =
    r4.tls && r6.tls
      ? {
          ipv4Authorized: r4.tls.authorized,
          ipv6Authorized: r6.tls.authorized,
          equal: r4.tls.authorized === r6.tls.authorized,
        }
      : undefined;
  const statusEqual = r4.status === r6.status;
  const locationEqual = loc4 === loc6;
  return {
    scheme: p.scheme,
    port: p.port,
    ipv4Address: r4.address,
    ipv6Address: r6.address,
    status: { ipv4: r4.status, ipv6: r6.status, equal: statusEqual },
    location: { ipv4: loc4, ipv6: loc6, equal: locationEqual },
    headers,
    body: {
      ...body,
      ipv4Bytes: r4.body.length,
      ipv6Bytes: r6.body.length,
      truncated: r4.bodyTruncated || r6.bodyTruncated,
    },
    ...(tls ? { tls } : {}),
    equal:
      statusEqual &&
      locationEqual &&
      headers.every((h) => h.equal) &&
      body.equal &&
      (tls?.equal ?? true),
  };
}

function judgeFamily(
  family: AddressFamily,
  run: {
    lookup: AddressLookup;
    reach: ConnectResult[];
    fetched: Fetched[];
  },
  name: string,
  ports: WebPort[],
  pairs: ResponsePairComparison[],
  selfTest: SelfTestResult,
): FamilyVerdict<WebFamilyObservations> {
  const label = family === 6 ? 'IPv6' : 'IPv4';
  const type = family === 6 ? 'AAAA' : 'A';
  const { lookup } = run;
  const findings: Finding[] = [];
  const untestable = family === 6 && !selfTest.ipv6;
  if (untestable)
    for (const reason of selfTest.reasons) findings.push({ severity: 'not_tested', reason });

  // DNS: is an address assigned at all?
  if (lookup.result === 'nxdomain')
    findings.push({
      severity: 'down',
      reason: { code: 'host_not_found', message: `${name} does not exist (NXDOMAIN)` },
    });
  else if (lookup.result === 'error')
    findings.push({
      severity: 'down',
      reason: { code: 'dns_error', message: `${type} lookup for ${name} failed: ${lookup.error}` },
    });
  else if (lookup.addresses.length === 0) {
    const ignored = lookup.ignored.map((i) => `${i.address} (${i.reason})`).join(', ');
    findings.push({
      severity: 'down',
      reason: {
        code: family === 6 ? 'no_aaaa' : 'no_a',
        message: `${name} has no ${type} record` + (ignored ? `; not counted: ${ignored}` : ''),
      },
    });
  }

  // Reach: every address, every port.
  for (const r of run.reach) {
    if (r.ok) continue;
    const where = endpoint(r.address, r.port);
    findings.push(
      r.error.code === 'out_of_scope' || r.error.code === 'aborted'
        ? {
            severity: 'not_tested',
            reason: { code: `address_${r.error.code}`, message: `${where}: ${r.error.message}` },
          }
        : {
            severity: 'down',
            reason: {
              code: `tcp_${r.error.code}`,
              message: `${where} not reachable: ${r.error.message}`,
            },
          },
    );
  }

  // HTTP: an answer from every reachable address; server errors lower the verdict.
  for (const f of run.fetched) {
    const o = f.observation;
    const where = `${o.url} via ${endpoint(o.address, o.port)}`;
    if (!o.ok)
      findings.push({
        severity: 'down',
        reason: {
          code: `http_${o.error?.code ?? 'error'}`,
          message: `${where}: ${o.error?.message}`,
        },
      });
    else if ((o.status ?? 0) >= 500)
      findings.push({
        severity: 'degraded',
        reason: { code: 'http_server_error', message: `${where} answers HTTP ${o.status}` },
      });
  }

  // IPv6 against IPv4 (pairs is empty for the IPv4 verdict: IPv4 is the reference).
  for (const p of pairs) {
    const where = `${p.scheme} port ${p.port}, ${p.ipv6Address} vs ${p.ipv4Address}`;
    if (!p.status.equal) {
      const errorOnlyOverV6 = p.status.ipv6 >= 400 && p.status.ipv4 < 400;
      findings.push({
        severity: errorOnlyOverV6 ? 'down' : 'degraded',
        reason: {
          code: errorOnlyOverV6 ? 'http_error_over_ipv6' : 'status_differs',
          message: `${where}: HTTP ${p.status.ipv6} over IPv6, ${p.status.ipv4} over IPv4`,
        },
      });
    }
    if (!p.location.equal)
      findings.push({
        severity: 'degraded',
        reason: {
          code: 'redirect_differs',
          message: `${where}: redirects to ${p.location.ipv6 ?? '(none)'} over IPv6, ${p.location.ipv4 ?? '(none)'} over IPv4`,
        },
      });
    for (const h of p.headers.filter((x) => !x.equal))
      findings.push({
        severity: 'degraded',
        reason: {
          code: 'header_differs',
          message: `${where}: ${h.name} is ${JSON.stringify(h.ipv6)} over IPv6, ${JSON.stringify(h.ipv4)} over IPv4`,
        },
      });
    if (!p.body.equal)
      findings.push({
        severity: 'degraded',
        reason: {
          code: 'body_differs',
          message: `${where}: body similarity ${p.body.similarity} is below ${p.body.threshold} (${p.body.method})`,
        },
      });
    if (p.tls && !p.tls.equal)
      findings.push({
        severity: 'degraded',
        reason: {
          code: 'certificate_differs',
          message: `${where}: certificate ${p.tls.ipv6Authorized ? 'valid' : 'not valid'} over IPv6, ${p.tls.ipv4Authorized ? 'valid' : 'not valid'} over IPv4`,
        },
      });
  }

  const portList = ports.map((p) => `${p.port}/${p.scheme}`).join(', ');
  const answered = run.fetched.some((f) => f.observation.ok);
  return verdict({
    findings,
    override: untestable ? 'not_tested' : undefined,
    summaries: {
      down: {
        code: `${label.toLowerCase()}_web_not_ready`,
        message: `${name} is not served over ${label} on every address and port (${portList})`,
      },
      degraded: {
        code: `${label.toLowerCase()}_web_degraded`,
        message: `${name} answers over ${label}, but not fully as required`,
      },
      not_tested: {
        code: `${label.toLowerCase()}_web_not_tested`,
        message: `${label} web for ${name} was not (fully) tested`,
      },
    },
    family: answered ? family : null,
    addresses: lookup.addresses,
    observations: {
      dns: {
        result: lookup.result,
        ...(lookup.error ? { error: lookup.error } : {}),
        cnames: lookup.cnames.map(fqdn),
        ignored: lookup.ignored,
      },
      reach: run.reach.map((r) =>
        r.ok
          ? { address: r.address, port: r.port, ok: true, connectMs: r.connectMs }
          : { address: r.address, port: r.port, ok: false, error: r.error },
      ),
      http: run.fetched.map((f) => f.observation),
    },
  });
}
