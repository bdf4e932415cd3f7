import { IcmpProbe } from '../../../../probes/icmp/icmp-probe';
import { CheckSettingsError, optNumber, targetString } from '../settings';
import { firstNumber, probeEach } from './per-address';
import { checkFamily, resolveTarget } from './resolve';
import type { Adapter } from './types';

/**
 * icmp: echo to every address of the family (the device's management address, or the service
 * host's A/AAAA) through the system ping. Latency: average round trip of the first address
 * that replied.
 */
export const icmpAdapter: Adapter = {
  kind: 'icmp',
  async run({ check, target, settings }, deps, context) {
    const family = checkFamily(check.family, 'icmp');
    const host = targetString(target, 'address') ?? targetString(target, 'host');
    if (!host) throw new CheckSettingsError('an icmp check needs target.address or target.host');
    const resolved = await resolveTarget(host, family, deps, context);
    if (!resolved.ok) return resolved.outcome;
    const probe = new IcmpProbe({ command: deps.pingCommand });
    const icmp = {
      count: optNumber(settings, 'count'),
      waitMs: optNumber(settings, 'waitMs'),
      intervalMs: optNumber(settings, 'intervalMs'),
      payloadBytes: optNumber(settings, 'payloadBytes'),
      slowRttMs: optNumber(settings, 'slowRttMs'),
    };
    return probeEach(resolved.target, (address) => probe.run({ address }, icmp, context));
  },
  latencyMs: (o) => firstNumber(o, 'rttAvgMs'),
};
