import { TcpProbe } from '../../../../probes/tcp/tcp-probe';
import { CheckSettingsError, optBoolean, optNumber, optString, targetString } from '../settings';
import { firstNumber, probeEach } from './per-address';
import { checkFamily, resolveTarget } from './resolve';
import type { Adapter } from './types';

const probe = new TcpProbe();

/**
 * tcp: a handshake (and optional banner) to `settings.port` on every address of the family:
 * the device's management address, or the service host's A/AAAA. Latency: connect time of
 * the first address that connected.
 */
export const tcpAdapter: Adapter = {
  kind: 'tcp',
  async run({ check, target, settings }, deps, context) {
    const family = checkFamily(check.family, 'tcp');
    const host = targetString(target, 'address') ?? targetString(target, 'host');
    if (!host) throw new CheckSettingsError('a tcp check needs target.address or target.host');
    const port = optNumber(settings, 'port');
    if (port === undefined) throw new CheckSettingsError('a tcp check needs settings.port');
    const resolved = await resolveTarget(host, family, deps, context);
    if (!resolved.ok) return resolved.outcome;
    const tcp = {
      connectTimeoutMs: optNumber(settings, 'connectTimeoutMs'),
      expectBanner: optString(settings, 'expectBanner'),
      readBanner: optBoolean(settings, 'readBanner'),
      readBannerMs: optNumber(settings, 'readBannerMs'),
      bannerMaxBytes: optNumber(settings, 'bannerMaxBytes'),
      slowConnectMs: optNumber(settings, 'slowConnectMs'),
    };
    return probeEach(resolved.target, (address) => probe.run({ address, port }, tcp, context));
  },
  latencyMs: (o) => firstNumber(o, 'connectMs'),
};
