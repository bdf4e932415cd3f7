import { isIP } from 'node:net';
import { ServerLookup } from '../../../../probes/dns/lookup';
import type { AddressResolver, ResolveResult } from '../../../../probes/http/addresses';
import { lookupAddresses, type IgnoredAddress } from '../../../../probes/ipv6/addresses';
import type {
  AddressFamily,
  ProbeContext,
  ProbeOutcome,
  ProbeStatus,
  Reason,
} from '../../../../probes/probe';
import { inScope, outsideScopeOutcome } from '../../../../probes/run';
import { CheckSettingsError } from '../settings';
import type { RunnerDeps } from './types';

/** Per DNS query while resolving a target (a kind's `queryTimeoutMs` overrides it where it has one). */
export const DEFAULT_QUERY_TIMEOUT_MS = 3000;

export const recordTypeOf = (family: AddressFamily): 'A' | 'AAAA' => (family === 4 ? 'A' : 'AAAA');

/**
 * A lookup to the configured resolver for this run: the run's signal ends its queries at the
 * deadline. Never node's resolver, never /etc/hosts.
 */
export function runLookup(
  deps: RunnerDeps,
  context: ProbeContext,
  timeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
): ServerLookup {
  return new ServerLookup(deps.transport, deps.resolver, { timeoutMs, signal: context.signal });
}

/** `not_tested`, outside scope, when the resolver itself may not be asked; else null. */
export function resolverOutsideScope<O extends object>(
  deps: RunnerDeps,
  context: ProbeContext,
  observations: O,
): ProbeOutcome<O> | null {
  const address = deps.resolver.address;
  if (inScope(context, address)) return null;
  const out = outsideScopeOutcome(address, observations);
  out.reasons[0] = { ...out.reasons[0], message: `${out.reasons[0].message} (the resolver)` };
  return out;
}

export interface ResolvedTarget {
  host: string;
  family: AddressFamily;
  /** The addresses of that family the check will send to. */
  addresses: string[];
  /** CNAMEs followed, and records that do not count as the family's addresses. */
  cnames?: string[];
  ignored?: IgnoredAddress[];
}

export function outcome<O extends object>(
  status: ProbeStatus,
  observations: O,
  reasons: Reason[],
  family: AddressFamily | null = null,
): ProbeOutcome<O> {
  return { status, family, observations, reasons };
}

/**
 * The addresses of one family for a host name or IP literal, through the configured resolver
 * (A for IPv4, AAAA for IPv6: never the other). Before anything is sent to the target:
 * - the resolver outside the scope → `not_tested`, nothing asked;
 * - no address of the family → `not_tested` "no A/AAAA record";
 * - the name does not exist / the resolver failed → `down`;
 * - any address outside the scope → `not_tested` "outside probe scope", nothing sent.
 */
export async function resolveTarget(
  host: string,
  family: AddressFamily,
  deps: RunnerDeps,
  context: ProbeContext,
  queryTimeoutMs?: number,
): Promise<{ ok: true; target: ResolvedTarget } | { ok: false; outcome: ProbeOutcome<object> }> {
  const type = recordTypeOf(family);
  const base: ResolvedTarget = { host, family, addresses: [] };
  const literal = isIP(host);
  if (literal !== 0) {
    if (literal !== family)
      return {
        ok: false,
        outcome: outcome('not_tested', base, [
          { code: 'no_address', message: `no ${type} record: ${host} is an IPv${literal} address` },
        ]),
      };
    base.addresses = [host];
  } else {
    const outside = resolverOutsideScope(deps, context, base);
    if (outside) return { ok: false, outcome: outside };
    const found = await lookupAddresses(runLookup(deps, context, queryTimeoutMs), host, type);
    base.cnames = found.cnames;
    base.ignored = found.ignored;
    if (found.result === 'nxdomain')
      return {
        ok: false,
        outcome: outcome('down', base, [
          { code: 'nxdomain', message: found.error ?? `${host} does not exist` },
        ]),
      };
    if (found.result === 'error')
      return {
        ok: false,
        outcome: outcome('down', base, [
          { code: 'dns_failed', message: `resolving ${host} ${type}: ${found.error ?? 'failed'}` },
        ]),
      };
    if (found.addresses.length === 0)
      return {
        ok: false,
        outcome: outcome('not_tested', base, [
          { code: 'no_address', message: `no ${type} record for ${host}` },
        ]),
      };
    base.addresses = found.addresses;
  }
  const outside = base.addresses.filter((a) => !inScope(context, a));
  if (outside.length > 0)
    return { ok: false, outcome: outsideScopeOutcome(outside.join(', '), base) };
  return { ok: true, target: base };
}

/**
 * An AddressResolver (the HTTP and TLS probes' seam, used for redirects to other hosts) that
 * asks the configured resolver, one record type, never node's dns.
 */
export function lookupResolver(
  deps: RunnerDeps,
  context: ProbeContext,
  queryTimeoutMs?: number,
): AddressResolver {
  return async (hostname, family): Promise<ResolveResult> => {
    const type = recordTypeOf(family);
    if (!inScope(context, deps.resolver.address))
      return { ok: false, code: 'dns_failed', message: `the resolver is outside the probe scope` };
    const found = await lookupAddresses(runLookup(deps, context, queryTimeoutMs), hostname, type);
    if (found.result === 'nxdomain')
      return { ok: false, code: 'nxdomain', message: found.error ?? `${hostname} does not exist` };
    if (found.result === 'error')
      return {
        ok: false,
        code: 'dns_failed',
        message: found.error ?? `resolving ${hostname} failed`,
      };
    if (found.addresses.length === 0)
      return { ok: false, code: 'no_address', message: `no ${type} record for ${hostname}` };
    return { ok: true, addresses: found.addresses };
  };
}

/** The check's family, for kinds that judge exactly one. */
export function checkFamily(family: AddressFamily | null, kind: string): AddressFamily {
  if (family !== 4 && family !== 6)
    throw new CheckSettingsError(
      `a ${kind} check judges one address family; check.family is ${String(family)}`,
    );
  return family;
}
