import { TlsProbe } from '../../../../probes/tls/tls-probe';
import { optNumber, optString, requireTargetString } from '../settings';
import { checkFamily, lookupResolver, resolveTarget } from './resolve';
import type { Adapter } from './types';

/**
 * tls: handshake, chain, host name and expiry over the check's family, to the addresses of the
 * host resolved here. Observations keep the certificates' facts (subject, dates, fingerprints),
 * never their bytes. No headline latency.
 */
export const tlsAdapter: Adapter = {
  kind: 'tls',
  async run({ check, target, settings }, deps, context) {
    const family = checkFamily(check.family, 'tls');
    const host = requireTargetString(target, 'host', 'tls');
    const resolved = await resolveTarget(host, family, deps, context);
    if (!resolved.ok) return resolved.outcome;
    const probe = new TlsProbe({ resolver: lookupResolver(deps, context) });
    return probe.run(
      undefined,
      {
        host,
        family,
        addresses: resolved.target.addresses,
        port: optNumber(settings, 'port'),
        warnDays: optNumber(settings, 'warnDays'),
        ca: optString(settings, 'ca'),
      },
      context,
    );
  },
  latencyMs: () => null,
};
