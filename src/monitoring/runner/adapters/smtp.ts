import type * as dnsPacket from 'dns-packet';
import { fqdn, normalizeName } from '../../../../probes/dns/message';
import { lookupAddresses, type AddressLookup } from '../../../../probes/ipv6/addresses';
import type { ProbeContext } from '../../../../probes/probe';
import { inScope, OUTSIDE_SCOPE } from '../../../../probes/run';
import { SmtpBannerProbe } from '../../../../probes/smtp/smtp-banner';
import { optNumber, requireTargetString } from '../settings';
import { probeEach } from './per-address';
import {
  checkFamily,
  outcome,
  recordTypeOf,
  resolverOutsideScope,
  runLookup,
  type ResolvedTarget,
} from './resolve';
import type { Adapter, RunnerDeps } from './types';

/** MX hosts looked at per run (lowest preference first). */
const MAX_MX_HOSTS = 10;

type MxResult =
  | { ok: true; hosts: string[]; records: string[]; nullMx: boolean; implicit: boolean }
  | { ok: false; code: string; message: string };

async function mxHosts(domain: string, deps: RunnerDeps, context: ProbeContext): Promise<MxResult> {
  const res = await runLookup(deps, context).query(domain, 'MX');
  if (!res.ok)
    return { ok: false, code: 'dns_failed', message: `MX query for ${fqdn(domain)}: ${res.error}` };
  const m = res.message;
  if (m.rcode === 'NXDOMAIN')
    return { ok: false, code: 'nxdomain', message: `${fqdn(domain)} does not exist (NXDOMAIN)` };
  if (m.rcode !== 'NOERROR')
    return { ok: false, code: 'dns_failed', message: `MX query for ${fqdn(domain)}: ${m.rcode}` };
  const records = m.answers
    .filter((r): r is dnsPacket.MxAnswer => r.type === 'MX')
    .map((r) => ({
      preference: r.data.preference ?? 0,
      exchange: normalizeName(r.data.exchange || '.'),
    }))
    .sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange));
  const real = records.filter((r) => r.exchange !== '.');
  return {
    ok: true,
    records: records.map((r) => `${r.preference} ${fqdn(r.exchange)}`),
    nullMx: records.length > 0 && real.length === 0,
    implicit: records.length === 0,
    hosts:
      records.length === 0 ? [normalizeName(domain)] : [...new Set(real.map((r) => r.exchange))],
  };
}

/**
 * smtp: a `220` greeting on every address of the family of every MX host of the domain (the
 * domain itself when it has no MX, RFC 5321 §5.1). MX and A/AAAA go to the configured resolver.
 * A null MX (RFC 7505) is `not_tested`: the domain accepts no mail by design. No headline
 * latency (the greeting timings are in the observations).
 */
export const smtpAdapter: Adapter = {
  kind: 'smtp',
  async run({ check, target, settings }, deps, context) {
    const family = checkFamily(check.family, 'smtp');
    const domain = requireTargetString(target, 'domain', 'smtp');
    const type = recordTypeOf(family);
    const obs: ResolvedTarget & { mx?: string[]; mxHosts?: Partial<AddressLookup>[] } = {
      host: domain,
      family,
      addresses: [],
    };
    const outside = resolverOutsideScope(deps, context, obs);
    if (outside) return outside;
    const mx = await mxHosts(domain, deps, context);
    if (!mx.ok) return outcome('down', obs, [{ code: mx.code, message: mx.message }]);
    obs.mx = mx.records;
    if (mx.nullMx)
      return outcome('not_tested', obs, [
        { code: 'null_mx', message: `${fqdn(domain)} has a null MX: it accepts no mail` },
      ]);
    const hosts = mx.hosts.slice(0, MAX_MX_HOSTS);
    const lookups = await Promise.all(
      hosts.map((h) => lookupAddresses(runLookup(deps, context), h, type)),
    );
    obs.mxHosts = lookups.map((l) => ({
      name: l.name,
      result: l.result,
      addresses: l.addresses,
      ...(l.error ? { error: l.error } : {}),
    }));
    obs.addresses = [...new Set(lookups.flatMap((l) => l.addresses))];
    if (obs.addresses.length === 0) {
      const failed = lookups.filter((l) => l.result !== 'ok');
      if (failed.length === lookups.length)
        return outcome('down', obs, [
          {
            code: 'dns_failed',
            message: `no ${type} for the mail hosts of ${fqdn(domain)}: ${failed.map((l) => l.error).join('; ')}`,
          },
        ]);
      return outcome('not_tested', obs, [
        {
          code: 'no_address',
          message: `no ${type} record for the mail hosts of ${fqdn(domain)} (${hosts.map(fqdn).join(', ')})`,
        },
      ]);
    }
    const outsideAddresses = obs.addresses.filter((a) => !inScope(context, a));
    if (outsideAddresses.length > 0)
      return outcome('not_tested', obs, [
        {
          code: OUTSIDE_SCOPE.code,
          message: `${OUTSIDE_SCOPE.message}: ${outsideAddresses.join(', ')}`,
        },
      ]);
    const probe = new SmtpBannerProbe();
    const smtp = {
      timeoutMs: optNumber(settings, 'requestTimeoutMs'),
      quitTimeoutMs: optNumber(settings, 'quitTimeoutMs'),
      maxGreetingBytes: optNumber(settings, 'maxGreetingBytes'),
      scope: context.scope,
    };
    const port = optNumber(settings, 'port');
    return probeEach(obs, (address) => probe.run({ address, port }, smtp, context));
  },
  latencyMs: () => null,
};
