import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { loadTrustAnchors } from '../../probes/dns/dnssec/anchors';
import { DnssecResult } from '../../probes/dns/dnssec/result';
import { DnssecValidator, TrustAnchor } from '../../probes/dns/dnssec/validator';
import { ServerLookup } from '../../probes/dns/lookup';
import { normalizeName } from '../../probes/dns/message';
import { checkNameServers, NameServerReport } from '../../probes/dns/nameservers';
import { DnsServer, UdpTcpTransport } from '../../probes/dns/transport';
import { ProbeScope } from '../../probes/scope';
import { projectRoot } from '../common/project-root';

/** A command-line mistake: exit code 2. */
export class UsageError extends Error {}

export interface DnsCheckOptions {
  type: string;
  server?: string;
  trustAnchor?: string;
  now?: string;
  nsPort?: number;
  expiryDays?: number;
  timeoutMs?: number;
  scope?: string;
}

export interface DnsCheckReport {
  name: string;
  type: string;
  server: string;
  checkedAt: string;
  answer: DnssecResult['answer'];
  dnssec: {
    status: DnssecResult['status'];
    reasons: string[];
    earliestExpiry: string | null;
    daysToExpiry: number | null;
    diagnostics: DnssecResult['diagnostics'];
  };
  nameServers: NameServerReport | null;
}

/** `HOST:PORT`, `[v6]:PORT`, or a bare address (port 53). Only IP literals: the family is explicit. */
export function parseServer(text: string): DnsServer {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = bracket
    ? [bracket[1], bracket[2]]
    : isIP(text) === 6
      ? [text, undefined]
      : (text.split(':') as [string, string | undefined]);
  const n = port === undefined ? 53 : Number(port);
  if (!isIP(host))
    throw new UsageError(
      `--server must be an IP address (HOST:PORT or [IPv6]:PORT), got "${text}"`,
    );
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(`--server port must be 1-65535, got "${port}"`);
  return { address: host, port: n };
}

/** The first name server of /etc/resolv.conf: the machine's own resolver. */
export function systemResolver(): DnsServer {
  let text = '';
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    throw new UsageError('no --server given and /etc/resolv.conf cannot be read');
  }
  const line = text.split('\n').find((l) => /^\s*nameserver\s+\S+/.test(l));
  const address = line?.trim().split(/\s+/)[1];
  if (!address || !isIP(address))
    throw new UsageError('no --server given and /etc/resolv.conf names no resolver');
  return { address, port: 53 };
}

export function parseScope(text: string | undefined): ProbeScope | undefined {
  try {
    return text ? ProbeScope.parse(text) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The DNS server every query goes to: --server, else the system resolver; refused outside the scope. */
export function resolverFor(
  serverOption: string | undefined,
  scope: ProbeScope | undefined,
): DnsServer {
  const server = serverOption ? parseServer(serverOption) : systemResolver();
  if (scope && !scope.allows(server.address)) {
    throw new UsageError(
      `server ${server.address} is outside the probe scope (${scope.toString()}); nothing was sent`,
    );
  }
  return server;
}

/** Runs the DNS/DNSSEC scorecard for one name: validation with diagnostics, then the zone's name servers. */
export async function runDnsCheck(name: string, o: DnsCheckOptions): Promise<DnsCheckReport> {
  if (!/^[A-Za-z0-9_.*-]+\.?$/.test(name) || name.length > 254)
    throw new UsageError(`"${name}" is not a domain name`);
  const type = o.type.toUpperCase();
  if (!/^[A-Z0-9]+$/.test(type))
    throw new UsageError(`--type must be a record type such as A, AAAA, MX; got "${o.type}"`);
  let now: Date | undefined;
  if (o.now !== undefined) {
    now = new Date(o.now);
    if (Number.isNaN(now.getTime()))
      throw new UsageError(`--now must be an ISO 8601 time, got "${o.now}"`);
  }
  let scope: ProbeScope | undefined;
  try {
    scope = o.scope ? ProbeScope.parse(o.scope) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const server = o.server ? parseServer(o.server) : systemResolver();
  if (scope && !scope.allows(server.address)) {
    throw new UsageError(
      `server ${server.address} is outside the probe scope (${o.scope}); nothing was sent`,
    );
  }
  let anchors: TrustAnchor[];
  try {
    anchors = loadTrustAnchors(
      o.trustAnchor ?? join(projectRoot(), 'config', 'dnssec', 'root-anchors.txt'),
    );
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const transport = new UdpTcpTransport();
  const lookup = new ServerLookup(transport, server, { timeoutMs: o.timeoutMs ?? 3000 });
  const clock = () => now ?? new Date();
  const validator = new DnssecValidator({
    lookup,
    anchors,
    now: clock,
    expiryWarningDays: o.expiryDays,
  });
  const result = await validator.validate(name, type);

  const zone = await zoneOf(normalizeName(name), lookup);
  const nameServers = zone
    ? await checkNameServers(zone, {
        lookup,
        transport,
        port: o.nsPort ?? (o.server ? server.port : 53),
        scope,
        timeoutMs: o.timeoutMs,
      })
    : null;
  return {
    name: result.name,
    type,
    server: `${server.address.includes(':') ? `[${server.address}]` : server.address}:${server.port}`,
    checkedAt: clock().toISOString(),
    answer: result.answer,
    dnssec: {
      status: result.status,
      reasons: result.reasons,
      earliestExpiry: result.diagnostics.earliestExpiry,
      daysToExpiry: result.diagnostics.daysToExpiry,
      diagnostics: result.diagnostics,
    },
    nameServers,
  };
}

/** The zone a name belongs to: the owner of the SOA in the answer or authority section. */
async function zoneOf(name: string, lookup: ServerLookup): Promise<string | null> {
  const res = await lookup.query(name, 'SOA');
  if (!res.ok) return null;
  const soa = [...res.message.answers, ...res.message.authorities].find((r) => r.type === 'SOA');
  return soa ? normalizeName(soa.name) : null;
}
