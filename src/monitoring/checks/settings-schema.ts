import { isIP } from 'node:net';
import type { CheckKind, JsonObject, JsonValue } from './check.types';

/**
 * The settings each check kind accepts, as stored in `checks.settings` and written in
 * config/checks.yaml and in overrides. Every key maps onto a setting of the kind's probe (the
 * runner translates `requestTimeoutMs`/`queryTimeoutMs` into the probe's per-request timeout;
 * the check's own `timeoutMs` is the run's deadline). Values must be JSON: a typo or a value out
 * of range is refused with the key named, never ignored.
 */

/** Returns why the value is unusable, or null. */
type Rule = (value: JsonValue) => string | null;

const describe = (value: JsonValue): string => JSON.stringify(value);

const int =
  (min: number, max: number): Rule =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? null
      : `must be an integer from ${min} to ${max}, got ${describe(v)}`;

const num =
  (min: number, max: number): Rule =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? null
      : `must be a number from ${min} to ${max}, got ${describe(v)}`;

const bool: Rule = (v) =>
  typeof v === 'boolean' ? null : `must be true or false, got ${describe(v)}`;

const text =
  (max = 1024): Rule =>
  (v) =>
    typeof v === 'string' && v.length > 0 && v.length <= max
      ? null
      : `must be a non-empty string of at most ${max} characters, got ${describe(v)}`;

const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v)
      ? null
      : `must be one of ${values.join(', ')}, got ${describe(v)}`;

const listOf =
  (rule: Rule, what: string): Rule =>
  (v) => {
    if (!Array.isArray(v) || v.length === 0) return `must be a non-empty list of ${what}`;
    for (const [i, item] of v.entries()) {
      const problem = rule(item);
      if (problem) return `[${i}] ${problem}`;
    }
    return null;
  };

const port = int(1, 65535);
const ms = int(1, 600_000);

const recordType: Rule = (v) =>
  typeof v === 'string' && /^[A-Z][A-Z0-9]{0,9}$/.test(v)
    ? null
    : `must be a record type in upper case such as A, AAAA, MX, got ${describe(v)}`;

const ipLiteral: Rule = (v) =>
  typeof v === 'string' && isIP(v) !== 0 ? null : `must be an IP address, got ${describe(v)}`;

/** 200, "200-399", or a list of those: the HTTP probe's `expectedStatus`. */
const statusItem: Rule = (v) => {
  if (typeof v === 'number') return int(100, 599)(v);
  if (typeof v === 'string') {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(v.trim());
    if (
      m &&
      Number(m[1]) >= 100 &&
      Number(m[2] ?? m[1]) <= 599 &&
      Number(m[1]) <= Number(m[2] ?? m[1])
    )
      return null;
  }
  return `must be a status code or range such as 200 or "200-399", got ${describe(v)}`;
};
const expectedStatus: Rule = (v) =>
  Array.isArray(v) ? listOf(statusItem, 'status codes or ranges')(v) : statusItem(v);

const headerMap: Rule = (v) => {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return 'must be a mapping of header names to strings';
  for (const [name, value] of Object.entries(v)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return `"${name}" is not a header name`;
    if (typeof value !== 'string') return `${name} must be a string`;
  }
  return null;
};

const interfaceRef: Rule = (v) =>
  (typeof v === 'number' && Number.isInteger(v) && v > 0) || (typeof v === 'string' && v.length > 0)
    ? null
    : `must be an ifIndex or an interface name, got ${describe(v)}`;

/** `{ "3": 100000, "Gi0/0": 50000 }`: the SNMP probe's contractedRateKbps. */
const rateMap: Rule = (v) => {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return 'must be a mapping of ifIndex or interface name to kbit/s';
  for (const [name, rate] of Object.entries(v)) {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)
      return `${name} must be a positive number of kbit/s`;
  }
  return null;
};

const webPorts: Rule = listOf((v) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'must be { port, scheme }';
  const keys = Object.keys(v);
  if (keys.some((k) => k !== 'port' && k !== 'scheme')) return 'must have only port and scheme';
  return port(v.port ?? null) ?? oneOf(['http', 'https'])(v.scheme ?? null);
}, '{ port, scheme } pairs');

const anything: Rule = () => null;

const SCHEMA: Record<CheckKind, Record<string, Rule>> = {
  dnssec: {
    type: recordType,
    expiryWarningDays: int(0, 365),
    maxNsec3Iterations: int(0, 65535),
    /** An insecure answer is down (else up, with the reason). Set from the service's dnssecRequired. */
    dnssecRequired: bool,
  },
  'ns-ipv6': { port, queryTimeoutMs: ms },
  'ipv6-web': {
    ports: webPorts,
    requestTimeoutMs: ms,
    compareHeaders: listOf(text(128), 'header names'),
    similarityThreshold: num(0, 1),
    maxBodyBytes: int(1, 104_857_600),
    headers: headerMap,
    ca: text(1_000_000),
  },
  'ipv6-mail': { port, requestTimeoutMs: ms },
  http: {
    method: oneOf(['GET', 'HEAD']),
    headers: headerMap,
    expectedStatus,
    followRedirects: bool,
    maxRedirects: int(0, 20),
    keyword: text(),
    jsonPath: text(),
    jsonEquals: anything,
    maxBodyBytes: int(1, 104_857_600),
    degradedAfterMs: ms,
    degradedAfterRedirects: int(0, 20),
    verifyTls: bool,
    ca: text(1_000_000),
  },
  tls: { port, warnDays: int(0, 365), ca: text(1_000_000) },
  tcp: {
    port,
    connectTimeoutMs: ms,
    expectBanner: text(),
    readBanner: bool,
    readBannerMs: ms,
    bannerMaxBytes: int(1, 65536),
    slowConnectMs: ms,
  },
  icmp: {
    count: int(1, 20),
    waitMs: int(1, 60_000),
    intervalMs: int(200, 60_000),
    payloadBytes: int(0, 1472),
    slowRttMs: ms,
  },
  snmp: {
    port,
    requestTimeoutMs: ms,
    retries: int(0, 10),
    maxRepetitions: int(1, 100),
    watchInterfaces: listOf(interfaceRef, 'ifIndexes or interface names'),
    contractedRateKbps: rateMap,
    utilisationWarnPercent: num(1, 100),
  },
  smtp: {
    port,
    requestTimeoutMs: ms,
    quitTimeoutMs: ms,
    maxGreetingBytes: int(64, 65536),
  },
  'dns-answer': {
    server: ipLiteral,
    port,
    type: recordType,
    expect: listOf(text(), 'record data'),
    match: oneOf(['exact', 'contains']),
    rcode: oneOf(['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP']),
    allowEmpty: bool,
    protocol: oneOf(['auto', 'udp', 'tcp']),
    recursionDesired: bool,
    checkingDisabled: bool,
    queryTimeoutMs: ms,
    slowMs: ms,
    validate: bool,
    requireSecure: bool,
  },
};

/** Settings a check of the kind cannot run without (after defaults and overrides are merged). */
const REQUIRED: Partial<Record<CheckKind, string[]>> = { tcp: ['port'] };

/** The settings keys a kind accepts (for documentation and error messages). */
export function settingsKeys(kind: CheckKind): string[] {
  return Object.keys(SCHEMA[kind]);
}

/** Problems with some settings of a kind (a layer: defaults, an entry, an override), each prefixed with `path.key`. */
export function settingsProblems(kind: CheckKind, settings: unknown, path: string): string[] {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings))
    return [`${path}: must be a mapping of settings`];
  const schema = SCHEMA[kind];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(settings as JsonObject)) {
    const rule = schema[key];
    if (!rule) {
      problems.push(
        `${path}.${key}: unknown setting for ${kind} checks (known: ${Object.keys(schema).join(', ')})`,
      );
      continue;
    }
    const problem = rule(value);
    if (problem) problems.push(`${path}.${key}: ${problem}`);
  }
  return problems;
}

/** Settings the kind cannot run without that the merged settings lack, as problems. */
export function missingSettings(kind: CheckKind, settings: JsonObject, path: string): string[] {
  return (REQUIRED[kind] ?? [])
    .filter((key) => settings[key] === undefined)
    .map((key) => `${path}.${key}: required for ${kind} checks`);
}
