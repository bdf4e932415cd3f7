import { isIP } from 'node:net';
import { Address4, Address6 } from 'ip-address';
import type { ProbeOutcome } from '../../../probes/probe';
import { outsideScopeOutcome } from '../../../probes/run';
import { ProbeScope } from '../../../probes/scope';
import type { CheckDefinition } from './check.types';

/**
 * The probe scope of the monitoring engine: the networks probes may send packets to.
 *
 * `ProbeScope` (probes/scope.ts) is an allow-list, which is what every probe asks before each
 * packet. Writing "everything except ..." as an allow-list by hand is error-prone, so the scope
 * here is written as a spec of CIDRs where an entry starting with `!` is excluded; the spec is
 * turned into the exact allow-list (the complement, as the fewest CIDRs) and handed to
 * `ProbeScope.parse`, so probes need nothing new.
 *
 * Where it comes from, first match wins:
 * 1. NETWATCH_PROBE_SCOPE (non-empty);
 * 2. `monitoring.probeScope` in config/default.yaml (non-empty), passed in as `configured`;
 * 3. the default: everything except link-local (169.254.0.0/16, fe80::/10) and cloud metadata
 *    (169.254.169.254, fd00:ec2::254).
 * An explicit value replaces the default entirely: `127.0.0.0/8,::1/128` allows only loopback;
 * `0.0.0.0/0,::/0` allows metadata addresses too (add `!169.254.0.0/16,...` to keep them out).
 */

export const DEFAULT_PROBE_SCOPE =
  '0.0.0.0/0,::/0,!169.254.0.0/16,!fe80::/10,!169.254.169.254/32,!fd00:ec2::254/128';

export interface ResolvedProbeScope {
  scope: ProbeScope;
  /** The spec as written (or the default). */
  spec: string;
  /** `environment NETWATCH_PROBE_SCOPE`, the configuration file, or `default`. */
  source: string;
  /** The allow-list the spec amounts to. */
  allow: string[];
}

interface Range {
  start: bigint;
  end: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function rangeOf(entry: string, where: string): { family: 4 | 6; range: Range } {
  try {
    const a = entry.includes(':') ? new Address6(entry) : new Address4(entry);
    return {
      family: a instanceof Address6 ? 6 : 4,
      range: { start: a.startAddress().bigInt(), end: a.endAddress().bigInt() },
    };
  } catch {
    throw new Error(`${where}: "${entry}" is not a network in CIDR form`);
  }
}

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1n) {
      if (r.end > last.end) last.end = r.end;
    } else out.push({ ...r });
  }
  return out;
}

function subtract(allow: Range[], deny: Range[]): Range[] {
  let result = merge(allow);
  for (const d of merge(deny)) {
    result = result.flatMap((r) => {
      if (d.end < r.start || d.start > r.end) return [r];
      const parts: Range[] = [];
      if (d.start > r.start) parts.push({ start: r.start, end: d.start - 1n });
      if (d.end < r.end) parts.push({ start: d.end + 1n, end: r.end });
      return parts;
    });
  }
  return result;
}

/** The fewest CIDRs covering exactly the range. */
function toCidrs(range: Range, family: 4 | 6): string[] {
  const bits = BITS[family];
  const out: string[] = [];
  let start = range.start;
  while (start <= range.end) {
    let size = 0;
    // Grow the block while it stays aligned on `start` and inside the range.
    while (
      size < bits &&
      (start & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      start + (1n << BigInt(size + 1)) - 1n <= range.end
    )
      size += 1;
    const address =
      family === 4
        ? Address4.fromBigInt(start).correctForm()
        : Address6.fromBigInt(start).correctForm();
    out.push(`${address}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}

/**
 * `0.0.0.0/0,::/0,!169.254.0.0/16` → the allow-list CIDRs. Only `!` entries: everything minus
 * them. `where` names the setting in errors.
 */
export function scopeAllowList(spec: string, where: string): string[] {
  const entries = spec
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error(`${where}: lists no network`);
  const allow: Record<4 | 6, Range[]> = { 4: [], 6: [] };
  const deny: Record<4 | 6, Range[]> = { 4: [], 6: [] };
  for (const entry of entries) {
    const negated = entry.startsWith('!');
    const { family, range } = rangeOf(negated ? entry.slice(1).trim() : entry, where);
    (negated ? deny : allow)[family].push(range);
  }
  if (!allow[4].length && !allow[6].length) {
    allow[4].push({ start: 0n, end: (1n << 32n) - 1n });
    allow[6].push({ start: 0n, end: (1n << 128n) - 1n });
  }
  return ([4, 6] as const).flatMap((family) =>
    subtract(allow[family], deny[family]).flatMap((r) => toCidrs(r, family)),
  );
}

/** A ProbeScope from a spec with `!` exclusions. */
export function parseScopeSpec(spec: string, where = 'probe scope'): ProbeScope {
  const allow = scopeAllowList(spec, where);
  // An empty allow-list (everything excluded) allows nothing; ProbeScope.parse('') is that.
  return ProbeScope.parse(allow.join(','));
}

/** The engine's probe scope: NETWATCH_PROBE_SCOPE, else the configured value, else the default. */
export function resolveProbeScope(
  options: { env?: NodeJS.ProcessEnv; configured?: string; configSource?: string } = {},
): ResolvedProbeScope {
  const env = options.env ?? process.env;
  const fromEnv = env.NETWATCH_PROBE_SCOPE?.trim();
  const configured = options.configured?.trim();
  const [spec, source] = fromEnv
    ? [fromEnv, 'environment NETWATCH_PROBE_SCOPE']
    : configured
      ? [configured, options.configSource ?? 'config/default.yaml']
      : [DEFAULT_PROBE_SCOPE, 'default'];
  const where = source === 'default' ? 'default probe scope' : `monitoring.probeScope (${source})`;
  const allow = scopeAllowList(spec, where);
  return { scope: ProbeScope.parse(allow.join(',')), spec, source, allow };
}

export type ScopeVerdict =
  | { inScope: true }
  | {
      inScope: false;
      /** Each address outside the scope, with what it is (`target`, `resolver`, `server`). */
      outside: { address: string; role: 'target' | 'resolver' | 'server' }[];
      /** What to record for the run instead of probing: `not_tested`, reason `outside_scope`. */
      outcome: ProbeOutcome<Record<string, never>>;
    };

/** `192.0.2.53`, `192.0.2.53:53`, `[2001:db8::53]:53` or `2001:db8::53` → the address. */
function addressOf(text: string): string | null {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracket) return isIP(bracket[1]) ? bracket[1] : null;
  if (isIP(text)) return text;
  const hostPort = /^([^:]+):\d+$/.exec(text);
  return hostPort && isIP(hostPort[1]) ? hostPort[1] : null;
}

/**
 * Would this check send outside the scope, before any lookup? Judges the addresses known in
 * advance: a target address (device management address, an IP-literal host or URL host), a
 * configured DNS server, and the resolver when the check must resolve a name. Addresses found at
 * run time (a website's AAAA, a zone's name servers) are judged by the probes themselves, packet
 * by packet. Outside: the run is `not_tested` with reason `outside probe scope` and no packet
 * leaves.
 */
export function checkTargetsInScope(
  check: Pick<CheckDefinition, 'target' | 'settings'>,
  scope: ProbeScope,
  resolverAddress?: string | null,
): ScopeVerdict {
  const target = check.target as Record<string, unknown>;
  const outside: { address: string; role: 'target' | 'resolver' | 'server' }[] = [];
  let needsResolver = false;
  const judge = (address: string, role: 'target' | 'resolver' | 'server') => {
    if (!scope.allows(address) && !outside.some((o) => o.address === address))
      outside.push({ address, role });
  };
  const host = (name: unknown) => {
    if (typeof name !== 'string' || !name) return;
    if (isIP(name)) judge(name, 'target');
    else needsResolver = true;
  };
  if (typeof target.address === 'string') judge(target.address, 'target');
  host(target.host);
  if (typeof target.url === 'string') {
    try {
      host(new URL(target.url).hostname.replace(/^\[(.*)\]$/, '$1'));
    } catch {
      // A malformed URL sends nothing; the probe reports it.
    }
  }
  const server = check.settings.server;
  if (typeof server === 'string') judge(server, 'server');
  else if (['name', 'zone', 'domain'].some((k) => typeof target[k] === 'string'))
    needsResolver = true;
  if (needsResolver && resolverAddress) {
    const resolver = addressOf(resolverAddress);
    // An unparseable resolver is never in scope (nothing could be sent to it safely).
    if (!resolver || !scope.allows(resolver))
      outside.push({ address: resolverAddress, role: 'resolver' });
  }
  if (!outside.length) return { inScope: true };
  const described = outside.map((o) => `${o.address} (${o.role})`).join(', ');
  return { inScope: false, outside, outcome: outsideScopeOutcome(described, {}) };
}
