import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Address4, Address6 } from 'ip-address';

/**
 * The outbound rule: requests made on a user's behalf (webhooks, Telegram, SMTP) must not reach
 * cloud metadata services, link-local or unspecified addresses, or the service's own database,
 * unless an administrator allows the target (`notifications.allowedTargets`,
 * NETWATCH_OUTBOUND_ALLOW). Loopback in general stays allowed (on-host relays, tests); only the
 * database's port there is refused.
 *
 * The host is resolved (every address) and every address is judged: one forbidden address
 * refuses the target, so a name cannot hide a metadata address behind a harmless one. The caller
 * then connects to the addresses that were judged (see `pinnedLookup`), so a DNS answer that
 * changes between the check and the connection (rebinding) is never used. Framework-free.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (an IP literal to itself). */
export type LookupAll = (host: string) => Promise<ResolvedAddress[]>;

export interface Endpoint {
  host: string;
  port: number;
}

export type OutboundVerdict =
  | { kind: 'allowed'; host: string; port: number; addresses: ResolvedAddress[] }
  | { kind: 'refused'; reason: string }
  /** The name did not resolve: nothing can be said (and nothing can be sent) yet. */
  | { kind: 'unresolved'; reason: string; error: unknown };

/** Names of cloud metadata services (GCE, AWS, Alibaba short names included). */
const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Cloud metadata addresses: AWS/Azure/GCP/OCI/DO, AWS IPv6, GCP IPv6, Alibaba. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  'fd00:ec2::254',
  'fd20:ce::254',
  '100.100.100.200',
]);

const V4_LINK_LOCAL = new Address4('169.254.0.0/16');
const V4_THIS_NETWORK = new Address4('0.0.0.0/8');
const V4_LOOPBACK = new Address4('127.0.0.0/8');
const V6_LINK_LOCAL = new Address6('fe80::/10');
const V6_NAT64 = new Address6('64:ff9b::/96');
const V6_COMPAT = new Address6('::/96');

type Parsed = { family: 4; a: Address4 } | { family: 6; a: Address6 };

function parseIp(text: string): Parsed | null {
  const value = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  try {
    if (isIP(value) === 4) return { family: 4, a: new Address4(value) };
    if (isIP(value) === 6) return { family: 6, a: new Address6(value) };
  } catch {
    // not an address
  }
  return null;
}

/**
 * The address a packet really goes to, as IPv4 when an IPv6 form embeds one: IPv4-mapped
 * (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d).
 */
function effective(p: Parsed): Parsed {
  if (p.family === 4) return p;
  const a = p.a;
  const embedsV4 =
    a.isMapped4() ||
    a.isInSubnet(V6_NAT64) ||
    (a.isInSubnet(V6_COMPAT) && !['::', '::1'].includes(a.correctForm()));
  return embedsV4 ? { family: 4, a: a.to4() } : p;
}

function canonical(p: Parsed): string {
  return p.a.correctForm();
}

/** Why the address itself is forbidden (whatever the port), or null. */
function forbiddenAddress(p: Parsed): string | null {
  const text = canonical(p);
  if (METADATA_ADDRESSES.has(text)) return 'a cloud metadata address';
  if (p.family === 4) {
    if (p.a.isInSubnet(V4_LINK_LOCAL)) return 'a link-local address (169.254.0.0/16)';
    if (p.a.isInSubnet(V4_THIS_NETWORK)) return 'an unspecified address (0.0.0.0/8)';
  } else {
    if (p.a.isInSubnet(V6_LINK_LOCAL)) return 'a link-local address (fe80::/10)';
    if (text === '::') return 'the unspecified address (::)';
  }
  return null;
}

function isLoopback(p: Parsed): boolean {
  return p.family === 4 ? p.a.isInSubnet(V4_LOOPBACK) : canonical(p) === '::1';
}

function normaliseName(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

type AllowEntry =
  | { kind: 'cidr'; text: string; net: Parsed }
  | { kind: 'endpoint'; text: string; host: string; ip: Parsed | null; port: number };

/** `10.0.0.0/8`, `fe80::/10`, a bare address, `host:port` or `[v6]:port`; null if none of those. */
function parseAllowEntry(text: string): AllowEntry | null {
  const value = text.trim();
  const bracket = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value);
  const hostPort = bracket ?? /^([^:/\s]+):(\d{1,5})$/.exec(value);
  if (hostPort) {
    const port = Number(hostPort[2]);
    const host = normaliseName(hostPort[1]);
    const ip = parseIp(host);
    if (port < 1 || port > 65535) return null;
    if (bracket && ip?.family !== 6) return null;
    if (!ip && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host))
      return null;
    return { kind: 'endpoint', text: value, host, ip: ip && effective(ip), port };
  }
  const [address, length, extra] = value.split('/');
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (!ip || address.startsWith('[')) return null;
  const max = ip.family === 4 ? 32 : 128;
  if (length !== undefined && (!/^\d{1,3}$/.test(length) || Number(length) > max)) return null;
  try {
    const net: Parsed =
      ip.family === 4
        ? { family: 4, a: new Address4(`${address}/${length ?? max}`) }
        : { family: 6, a: new Address6(`${address}/${length ?? max}`) };
    return { kind: 'cidr', text: value, net };
  } catch {
    return null;
  }
}

/**
 * Checks allow-list entries; throws an Error naming `where` (the setting) for the first entry
 * that is neither a CIDR nor host:port.
 */
export function parseAllowList(entries: readonly string[], where?: string): AllowEntry[] {
  return entries.map((entry) => {
    const parsed = parseAllowEntry(entry);
    if (!parsed)
      throw new Error(
        `${where ? `${where}: ` : ''}${JSON.stringify(entry)} is neither a network in CIDR form (169.254.0.0/16, ` +
          `fd00::/8) nor host:port (db.internal:5432, [::1]:5432)`,
      );
    return parsed;
  });
}

/**
 * The TCP endpoint of a postgres:// URL (default port 5432), or null for a Unix socket or a URL
 * that cannot be read.
 */
export function databaseEndpoint(url: string): Endpoint | null {
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
    if (!host || host.startsWith('/')) return null;
    return { host: normaliseName(host), port: u.port ? Number(u.port) : 5432 };
  } catch {
    return null;
  }
}

export const systemLookup: LookupAll = async (host) => {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map((f) => ({ address: f.address, family: f.family === 6 ? 6 : 4 }));
};

function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [i.address] : []));
}

export interface OutboundGuardOptions {
  /** The service's own database endpoints (the configured DATABASE_URL or the embedded cluster). */
  protectedEndpoints?: Endpoint[];
  /** Allow-list entries (CIDRs and host:port); validated, throws naming `allowSetting`. */
  allow?: readonly string[];
  allowSetting?: string;
  lookup?: LookupAll;
  /** A name still unresolved after this long is `unresolved` (default 10 s). */
  lookupTimeoutMs?: number;
  /** This machine's own addresses (default: every interface's). */
  ownAddresses?: () => string[];
}

export class OutboundGuard {
  private readonly allow: AllowEntry[];
  private readonly lookup: LookupAll;
  private readonly protectedEndpoints: Endpoint[];
  private readonly ownAddresses: () => string[];

  constructor(options: OutboundGuardOptions = {}) {
    this.allow = parseAllowList(
      options.allow ?? [],
      options.allowSetting ?? 'notifications.allowedTargets',
    );
    const lookup = options.lookup ?? systemLookup;
    const timeoutMs = options.lookupTimeoutMs ?? 10_000;
    this.lookup = (host) => withTimeout(lookup(host), timeoutMs, `resolving ${host}`);
    this.protectedEndpoints = options.protectedEndpoints ?? [];
    this.ownAddresses = options.ownAddresses ?? localAddresses;
  }

  /** The guard of a running service: its database URL(s) and the configured allow-list. */
  static fromSettings(
    allow: readonly string[],
    databaseUrls: readonly (string | undefined)[],
    lookup?: LookupAll,
  ): OutboundGuard {
    const endpoints = databaseUrls.flatMap((u) => {
      const e = u ? databaseEndpoint(u) : null;
      return e ? [e] : [];
    });
    const unique = endpoints.filter(
      (e, i) => endpoints.findIndex((o) => o.host === e.host && o.port === e.port) === i,
    );
    return new OutboundGuard({
      protectedEndpoints: unique,
      allow,
      allowSetting: 'notifications.allowedTargets (NETWATCH_OUTBOUND_ALLOW)',
      lookup,
    });
  }

  /** Judges an http(s) URL (port defaulting to 80/443). */
  async checkUrl(url: string | URL): Promise<OutboundVerdict> {
    let u: URL;
    try {
      u = typeof url === 'string' ? new URL(url) : url;
    } catch {
      return { kind: 'refused', reason: 'not a URL' };
    }
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return this.check(u.hostname, port);
  }

  /** Judges host:port: resolves the host and every address must pass. */
  async check(hostInput: string, port: number): Promise<OutboundVerdict> {
    const host = normaliseName(hostInput);
    const shown = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const byName = this.allow.some(
      (e) => e.kind === 'endpoint' && e.host === host && e.port === port,
    );
    if (!byName && METADATA_NAMES.has(host))
      return { kind: 'refused', reason: `${shown} is a cloud metadata service name` };

    let addresses: ResolvedAddress[];
    try {
      addresses = await this.lookup(host);
    } catch (err) {
      return { kind: 'unresolved', reason: `${host} did not resolve`, error: err };
    }
    if (!addresses.length)
      return { kind: 'unresolved', reason: `${host} did not resolve`, error: null };
    if (byName) return { kind: 'allowed', host, port, addresses };

    const database = await this.databaseAddresses();
    const literal = parseIp(host) !== null;
    for (const { address } of addresses) {
      const raw = parseIp(address);
      if (!raw)
        return { kind: 'refused', reason: `${host} resolved to ${address}, not an address` };
      const ip = effective(raw);
      if (this.allowed(ip, port)) continue;
      const via = literal ? '' : ` (${host} resolves to ${address})`;
      const what = forbiddenAddress(ip);
      if (what) return { kind: 'refused', reason: `${shown} is ${what}${via}` };
      if (database.some((d) => d.port === port && d.matches(ip)))
        return { kind: 'refused', reason: `${shown} is this service's own database${via}` };
    }
    return { kind: 'allowed', host, port, addresses };
  }

  private allowed(ip: Parsed, port: number): boolean {
    return this.allow.some((e) => {
      if (e.kind === 'cidr') return e.net.family === ip.family && inSubnet(ip, e.net);
      return e.port === port && e.ip !== null && canonical(e.ip) === canonical(ip);
    });
  }

  /**
   * Each database endpoint with a test for "this address reaches it". A database on this
   * machine (loopback or one of its own addresses) is reached through any loopback or own
   * address, so all of them are its host.
   */
  private async databaseAddresses(): Promise<{ port: number; matches(ip: Parsed): boolean }[]> {
    if (!this.protectedEndpoints.length) return [];
    const own = new Set(
      this.ownAddresses().flatMap((a) => {
        const p = parseIp(a);
        return p ? [canonical(effective(p))] : [];
      }),
    );
    return Promise.all(
      this.protectedEndpoints.map(async (endpoint) => {
        let resolved: string[];
        try {
          resolved = (await this.lookup(endpoint.host)).map((r) => r.address);
        } catch {
          resolved = [endpoint.host];
        }
        const addresses = new Set(
          resolved.flatMap((a) => {
            const p = parseIp(a);
            return p ? [canonical(effective(p))] : [];
          }),
        );
        const local = [...addresses].some((a) => {
          const p = parseIp(a);
          return own.has(a) || (p !== null && isLoopback(p));
        });
        return {
          port: endpoint.port,
          matches: (ip: Parsed) =>
            addresses.has(canonical(ip)) || (local && (isLoopback(ip) || own.has(canonical(ip)))),
        };
      }),
    );
  }
}

/** `work`, or an ETIMEOUT error after `ms` (getaddrinfo itself cannot be cancelled). */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEOUT' })),
      ms,
    );
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function inSubnet(ip: Parsed, net: Parsed): boolean {
  if (ip.family === 4 && net.family === 4) return ip.a.isInSubnet(net.a);
  if (ip.family === 6 && net.family === 6) return ip.a.isInSubnet(net.a);
  return false;
}

/**
 * A `lookup` for net/http/tls that answers with the addresses the guard judged, never asking
 * DNS again: the connection goes where the check said it may.
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]) {
  return (
    _hostname: string,
    options: { all?: boolean; family?: number | string } | number | undefined,
    callback: (...args: unknown[]) => void,
  ): void => {
    const opts = typeof options === 'object' && options ? options : {};
    const wanted = Number(typeof options === 'number' ? options : (opts.family ?? 0));
    const usable = addresses.filter((a) => !wanted || a.family === wanted);
    if (!usable.length) {
      const err = Object.assign(new Error('no address of the wanted family'), {
        code: 'ENOTFOUND',
      });
      callback(err);
      return;
    }
    if (opts.all)
      callback(
        null,
        usable.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, usable[0].address, usable[0].family);
  };
}

/** A one-line explanation of a refusal, naming the rule and how to allow the target. */
export function refusalText(reason: string): string {
  return `refused by the outbound rule: ${reason}; an administrator can allow it with notifications.allowedTargets (NETWATCH_OUTBOUND_ALLOW)`;
}
