import { isDeepStrictEqual } from 'node:util';
import { JSONPath } from 'jsonpath-plus';
import {
  judgeFindings,
  type AddressFamily,
  type Probe,
  type ProbeContext,
  type ProbeOutcome,
  type ProbeStatus,
  type Reason,
} from '../probe';
import { inScope, OUTSIDE_SCOPE } from '../run';
import { AddressResolver, candidateAddresses, dnsResolver, familyName } from './addresses';
import {
  addressFamily,
  DEFAULT_MAX_BODY_BYTES,
  errorMessage,
  HttpRequestErrorCode,
  HttpResponseFacts,
  httpRequest,
  HttpRequestResult,
  urlHost,
} from './request';

/** Status codes, `"200-399"` ranges or `"2xx"` classes. */
export type ExpectedStatus = number | string | (number | string)[];

export interface HttpProbeSettings {
  /** http:// or https:// URL to fetch. */
  url: string;
  /** The one address family to use; a dual-stack check runs the probe once per family. */
  family: AddressFamily;
  /** Addresses of the URL's host, resolved by the caller; those of the other family are ignored. */
  addresses?: string[];
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Default `200-399`. */
  expectedStatus?: ExpectedStatus;
  /** Default true. */
  followRedirects?: boolean;
  /** Default 5. */
  maxRedirects?: number;
  /** The body must contain this text (UTF-8, case-sensitive). */
  keyword?: string;
  /** JSONPath (jsonpath-plus) into the body, parsed as JSON; it must match something... */
  jsonPath?: string;
  /** ...and, when given, one match must deep-equal this value. */
  jsonEquals?: unknown;
  /** Default 1 MiB; the rest of the body is never read. */
  maxBodyBytes?: number;
  /** Whole run (DNS, redirects, body) slower than this is degraded. */
  degradedAfterMs?: number;
  /** More redirects than this is degraded (the default: never). */
  degradedAfterRedirects?: number;
  /** PEM bundle to trust instead of the default root store. */
  ca?: string | Buffer;
  /** Default true: an untrusted or mismatched certificate is down and no request goes out over it. */
  verifyTls?: boolean;
}

export interface HttpLatency {
  /** Resolution time over the whole run (0 when the caller gave the addresses). */
  dnsMs: number;
  /** Final request: start to TCP connected. */
  connectMs?: number;
  /** Final request: the TLS handshake. */
  tlsMs?: number;
  /** Final request: connected (and TLS) to first response byte. */
  firstByteMs?: number;
  /** Final request: first byte to end of the (possibly truncated) body. */
  transferMs?: number;
  /** The whole run: DNS, every redirect, the final body. */
  totalMs: number;
}

export interface HttpHop {
  url: string;
  address: string;
  status: number;
  location: string;
}

export interface HttpObservations {
  url: string;
  family: AddressFamily;
  method: 'GET' | 'HEAD';
  /** Candidate addresses of the first host in this family. */
  addresses: string[];
  /** Candidate addresses skipped because they are outside the probe scope (nothing sent). */
  outsideScope: string[];
  /** The address that answered the final request. */
  address: string | null;
  finalUrl: string | null;
  status: number | null;
  /** Every redirect followed (or refused), in order. */
  redirects: HttpHop[];
  /** Requests that failed (an address that refused before another answered, or the last failure). */
  attempts: {
    url: string;
    address: string;
    error: { code: HttpRequestErrorCode; message: string };
  }[];
  latency: HttpLatency;
  headers: Record<string, string> | null;
  bodyBytes: number | null;
  bodyTruncated: boolean | null;
  tls: HttpResponseFacts['tls'] | null;
  keyword?: { text: string; found: boolean };
  json?: { path: string; values: unknown[]; met: boolean; error?: string };
}

export interface HttpProbeOptions {
  /** Resolves names when the settings give no addresses (and for redirects to other hosts). */
  resolver?: AddressResolver;
  userAgent?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Connection failures after which the next address of the same family is tried. */
const NEXT_ADDRESS_ON = new Set<HttpRequestErrorCode>(['refused']);

interface Normalized {
  url: URL;
  family: AddressFamily;
  addresses?: string[];
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  expected: [number, number][];
  expectedText: string;
  followRedirects: boolean;
  maxRedirects: number;
  keyword?: string;
  jsonPath?: string;
  jsonEquals?: unknown;
  hasJsonEquals: boolean;
  maxBodyBytes: number;
  degradedAfterMs?: number;
  degradedAfterRedirects?: number;
  ca?: string | Buffer;
  verifyTls: boolean;
}

/** Bad settings are a programming error (validation should have caught them): they throw. */
export class HttpSettingsError extends Error {
  constructor(message: string) {
    super(`http probe settings: ${message}`);
    this.name = 'HttpSettingsError';
  }
}

/** `[200, "300-399", "5xx"]` → inclusive ranges. */
export function parseExpectedStatus(spec: ExpectedStatus): [number, number][] {
  const items = Array.isArray(spec) ? spec : [spec];
  if (items.length === 0) throw new HttpSettingsError('expectedStatus is empty');
  return items.map((item): [number, number] => {
    const text = String(item).trim();
    let m = /^([1-5])xx$/i.exec(text);
    if (m) return [Number(m[1]) * 100, Number(m[1]) * 100 + 99];
    m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(text);
    if (!m) throw new HttpSettingsError(`expectedStatus "${text}" is not a code, range or class`);
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (low < 100 || high > 599 || low > high)
      throw new HttpSettingsError(`expectedStatus "${text}" is not within 100-599`);
    return [low, high];
  });
}

const wholeAtLeast = (value: number | undefined, min: number, name: string) => {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min))
    throw new HttpSettingsError(`${name} must be a whole number ≥ ${min}, got ${value}`);
};

export function normalizeHttpSettings(s: HttpProbeSettings): Normalized {
  let url: URL;
  try {
    url = new URL(s.url);
  } catch {
    throw new HttpSettingsError(`url "${s.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HttpSettingsError(`url "${s.url}" is not http:// or https://`);
  url.hash = '';
  if (s.family !== 4 && s.family !== 6)
    throw new HttpSettingsError(`family must be 4 or 6, got ${String(s.family)}`);
  for (const a of s.addresses ?? [])
    if (addressFamily(a) === null && !/^::ffff:/i.test(a))
      throw new HttpSettingsError(`address "${a}" is not an IP address`);
  wholeAtLeast(s.maxRedirects, 0, 'maxRedirects');
  wholeAtLeast(s.maxBodyBytes, 0, 'maxBodyBytes');
  wholeAtLeast(s.degradedAfterRedirects, 0, 'degradedAfterRedirects');
  if (s.degradedAfterMs !== undefined && !(s.degradedAfterMs > 0))
    throw new HttpSettingsError(`degradedAfterMs must be > 0, got ${s.degradedAfterMs}`);
  const method = s.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD')
    throw new HttpSettingsError(`method must be GET or HEAD, got ${String(method)}`);
  if (method === 'HEAD' && (s.keyword !== undefined || s.jsonPath !== undefined))
    throw new HttpSettingsError('keyword and jsonPath need a body: use GET');
  const hasJsonEquals = 'jsonEquals' in s && s.jsonEquals !== undefined;
  if (hasJsonEquals && s.jsonPath === undefined)
    throw new HttpSettingsError('jsonEquals needs jsonPath');
  if (s.jsonPath !== undefined && s.jsonPath.trim() === '')
    throw new HttpSettingsError('jsonPath is empty');
  if (s.keyword === '') throw new HttpSettingsError('keyword is empty');
  const expectedSpec = s.expectedStatus ?? '200-399';
  const expected = parseExpectedStatus(expectedSpec);
  const headers = { ...s.headers };
  return {
    url,
    family: s.family,
    addresses: s.addresses,
    method,
    headers,
    expected,
    expectedText: (Array.isArray(expectedSpec) ? expectedSpec : [expectedSpec]).join(', '),
    followRedirects: s.followRedirects ?? true,
    maxRedirects: s.maxRedirects ?? 5,
    keyword: s.keyword,
    jsonPath: s.jsonPath,
    jsonEquals: s.jsonEquals,
    hasJsonEquals,
    maxBodyBytes: s.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    degradedAfterMs: s.degradedAfterMs,
    degradedAfterRedirects: s.degradedAfterRedirects,
    ca: s.ca,
    verifyTls: s.verifyTls ?? true,
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * HTTP(S) uptime over one address family. It fetches the URL from addresses of that family
 * only (the caller's, or A/AAAA records), follows redirects, then judges status code, keyword,
 * JSON condition and latency. The target (first argument) is not used: everything the probe
 * needs is in the settings.
 */
export class HttpProbe implements Probe<unknown, HttpProbeSettings, HttpObservations> {
  readonly kind = 'http';
  private readonly resolver: AddressResolver;
  private readonly userAgent: string;

  constructor(options: HttpProbeOptions = {}) {
    this.resolver = options.resolver ?? dnsResolver();
    this.userAgent = options.userAgent ?? 'NetWatch-probe/0.1';
  }

  async run(
    _target: unknown,
    settings: HttpProbeSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<HttpObservations>> {
    const s = normalizeHttpSettings(settings);
    const started = performance.now();
    const fam = familyName(s.family);
    const obs: HttpObservations = {
      url: s.url.href,
      family: s.family,
      method: s.method,
      addresses: [],
      outsideScope: [],
      address: null,
      finalUrl: null,
      status: null,
      redirects: [],
      attempts: [],
      latency: { dnsMs: 0, totalMs: 0 },
      headers: null,
      bodyBytes: null,
      bodyTruncated: null,
      tls: null,
    };
    const findings: { status: ProbeStatus; reason: Reason }[] = [];
    const note = (status: ProbeStatus, code: string, message: string) =>
      findings.push({ status, reason: { code, message } });
    let answered = false;
    let dnsMs = 0;

    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...s.headers };
    const firstHost = urlHost(s.url).toLowerCase();
    const known = new Map<string, string[]>();
    const visited = new Set<string>([s.url.href]);
    let url = s.url;
    let final: HttpResponseFacts | undefined;

    for (;;) {
      const host = urlHost(url).toLowerCase();
      let addresses = known.get(host);
      if (!addresses) {
        const t0 = performance.now();
        const c = await candidateAddresses(
          host,
          s.family,
          host === firstHost ? s.addresses : undefined,
          this.resolver,
          context.signal,
        );
        if (c.resolved) dnsMs += performance.now() - t0;
        if (!c.ok) {
          if (obs.redirects.length > 0)
            note('down', 'redirect_unreachable', `redirect to ${url.href}: ${c.message}`);
          else if (c.code === 'no_address') note('not_tested', 'no_address', c.message);
          else note('down', c.code, c.message);
          break;
        }
        addresses = c.addresses;
        known.set(host, addresses);
        if (obs.redirects.length === 0) obs.addresses = addresses;
      }

      // The probe scope: nothing is ever sent to an address outside it.
      const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
      const allowed = addresses.filter((a) => inScope(context, a, port));
      for (const a of addresses)
        if (!allowed.includes(a) && !obs.outsideScope.includes(a)) obs.outsideScope.push(a);
      if (allowed.length === 0) {
        note('not_tested', OUTSIDE_SCOPE.code, `${OUTSIDE_SCOPE.message}: ${addresses.join(', ')}`);
        break;
      }
      let result: HttpRequestResult | undefined;
      let address = '';
      for (address of allowed) {
        result = await httpRequest({
          url: url.href,
          address,
          method: s.method,
          headers,
          maxBodyBytes: s.maxBodyBytes,
          signal: context.signal,
          ca: s.ca,
          rejectUnauthorized: s.verifyTls,
        });
        if (result.ok) break;
        obs.attempts.push({ url: url.href, address, error: result.error });
        if (!NEXT_ADDRESS_ON.has(result.error.code) || context.signal.aborted) break;
      }
      if (!result || !result.ok) {
        const last = obs.attempts[obs.attempts.length - 1];
        if (last) {
          obs.latency = { ...obs.latency, ...phases(result && !result.ok ? result.timings : {}) };
          note('down', last.error.code, `${url.href} via ${address}: ${last.error.message}`);
        }
        break;
      }
      answered = true;
      const r = result.response;
      if (r.tls && !r.tls.authorized && s.verifyTls)
        note(
          'down',
          'tls_untrusted',
          `${url.href}: ${r.tls.authorizationError ?? 'certificate not trusted'}`,
        );
      const location = r.headers.location;
      if (!s.followRedirects || !REDIRECTS.has(r.status) || location === undefined) {
        final = r;
        obs.finalUrl = url.href;
        break;
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        note(
          'down',
          'redirect_invalid',
          `${url.href} answered ${r.status} with Location "${location}", not a URL`,
        );
        obs.redirects.push({ url: url.href, address, status: r.status, location });
        break;
      }
      next.hash = '';
      obs.redirects.push({ url: url.href, address, status: r.status, location: next.href });
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        note('down', 'redirect_invalid', `${url.href} redirects to ${next.href}, not http(s)`);
        break;
      }
      if (visited.has(next.href)) {
        note(
          'down',
          'redirect_loop',
          `redirect loop: ${[...obs.redirects.map((h) => h.url), next.href].join(' → ')}`,
        );
        break;
      }
      if (obs.redirects.length > s.maxRedirects) {
        note(
          'down',
          'too_many_redirects',
          `more than ${s.maxRedirects} redirects (last to ${next.href})`,
        );
        break;
      }
      visited.add(next.href);
      if (next.origin !== url.origin)
        for (const name of Object.keys(headers))
          if (/^(authorization|cookie)$/i.test(name)) delete headers[name];
      url = next;
    }

    obs.latency.dnsMs = round(dnsMs);
    if (final) {
      obs.address = final.address;
      obs.status = final.status;
      obs.headers = final.headers;
      obs.bodyBytes = final.body.length;
      obs.bodyTruncated = final.bodyTruncated;
      obs.tls = final.tls ?? null;
      obs.latency = { ...obs.latency, ...phases(final.timings) };
      this.judgeResponse(s, final, obs, note);
    }
    obs.latency.totalMs = round(performance.now() - started);
    if (answered) {
      if (s.degradedAfterMs !== undefined && obs.latency.totalMs > s.degradedAfterMs)
        note(
          'degraded',
          'slow',
          `took ${Math.round(obs.latency.totalMs)} ms, more than ${s.degradedAfterMs} ms`,
        );
      if (s.degradedAfterRedirects !== undefined && obs.redirects.length > s.degradedAfterRedirects)
        note(
          'degraded',
          'many_redirects',
          `${obs.redirects.length} redirects, more than ${s.degradedAfterRedirects}`,
        );
      if (obs.attempts.length > 0 && final)
        note(
          'degraded',
          'address_failed',
          `answered from ${final.address} after ${obs.attempts.map((a) => `${a.address} (${a.error.code})`).join(', ')} failed`,
        );
    }

    const what = `${s.method} ${s.url.href} over ${fam}`;
    const { status, reasons } = judgeFindings(findings, {
      down: { code: 'http_down', message: `${what} failed` },
      degraded: { code: 'http_degraded', message: `${what} answered, degraded` },
      not_tested: { code: 'http_not_tested', message: `${what} not tested` },
    });
    return { status, family: answered ? s.family : null, observations: obs, reasons };
  }

  private judgeResponse(
    s: Normalized,
    r: HttpResponseFacts,
    obs: HttpObservations,
    note: (status: ProbeStatus, code: string, message: string) => void,
  ): void {
    const truncatedNote = r.bodyTruncated
      ? ` (only the first ${r.body.length} bytes were read)`
      : '';
    if (!s.expected.some(([low, high]) => r.status >= low && r.status <= high)) {
      const redirect =
        REDIRECTS.has(r.status) && s.followRedirects ? ' (redirect without Location)' : '';
      note(
        'down',
        'status_unexpected',
        `status ${r.status}${redirect}, expected ${s.expectedText}`,
      );
    }
    if (s.keyword !== undefined) {
      const found = r.body.includes(Buffer.from(s.keyword, 'utf8'));
      obs.keyword = { text: s.keyword, found };
      if (!found)
        note('down', 'keyword_missing', `body does not contain "${s.keyword}"${truncatedNote}`);
    }
    if (s.jsonPath !== undefined) {
      const json: HttpObservations['json'] = { path: s.jsonPath, values: [], met: false };
      obs.json = json;
      if (r.bodyTruncated) {
        json.error = 'body truncated';
        note('down', 'json_truncated', `body longer than ${s.maxBodyBytes} bytes: JSON not judged`);
        return;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(r.body.toString('utf8'));
      } catch (err) {
        json.error = errorMessage(err);
        note('down', 'json_invalid', `body is not JSON: ${json.error}`);
        return;
      }
      let values: unknown[];
      try {
        const found: unknown = JSONPath({
          path: s.jsonPath,
          json: doc as object,
          wrap: true,
          eval: 'safe',
        });
        values = Array.isArray(found) ? found : [];
      } catch (err) {
        json.error = errorMessage(err);
        note('not_tested', 'json_path_error', `JSONPath ${s.jsonPath}: ${json.error}`);
        return;
      }
      json.values = values.slice(0, 20);
      json.met = s.hasJsonEquals
        ? values.some((v) => isDeepStrictEqual(v, s.jsonEquals))
        : values.length > 0;
      if (!json.met)
        note(
          'down',
          'json_condition_false',
          s.hasJsonEquals
            ? `${s.jsonPath} is ${describe(values)}, expected ${JSON.stringify(s.jsonEquals)}`
            : `${s.jsonPath} matches nothing`,
        );
    }
  }
}

function describe(values: unknown[]): string {
  const text = values.length === 1 ? JSON.stringify(values[0]) : JSON.stringify(values);
  return text === undefined ? 'undefined' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Cumulative request timings → phase durations. */
function phases(t: Partial<HttpResponseFacts['timings']> | undefined): Partial<HttpLatency> {
  if (!t) return {};
  const out: Partial<HttpLatency> = {};
  if (t.connectMs !== undefined) out.connectMs = round(t.connectMs);
  if (t.tlsMs !== undefined && t.connectMs !== undefined) out.tlsMs = round(t.tlsMs - t.connectMs);
  const ready = t.tlsMs ?? t.connectMs;
  if (t.firstByteMs !== undefined && ready !== undefined)
    out.firstByteMs = round(t.firstByteMs - ready);
  if (t.totalMs !== undefined && t.firstByteMs !== undefined)
    out.transferMs = round(t.totalMs - t.firstByteMs);
  return out;
}
