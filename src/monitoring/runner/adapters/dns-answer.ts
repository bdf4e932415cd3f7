import { isIP } from 'node:net';
import { DnsAnswerProbe } from '../../../../probes/dns-answer/dns-answer-probe';
import { numberAt } from '../observations';
import {
  CheckSettingsError,
  optBoolean,
  optNumber,
  optString,
  optStringList,
  requireTargetString,
  targetString,
} from '../settings';
import { checkFamily, outcome } from './resolve';
import type { Adapter } from './types';

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  key: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CheckSettingsError(
    `settings.${key} must be one of ${allowed.join(', ')}, got ${value}`,
  );
}

/**
 * dns-answer: a name and type asked at `settings.server` (an IP literal), else at the configured
 * resolver, over the check's family: the server's address must be of that family (a family-6
 * check against an IPv4-only resolver is `not_tested`). With `validate`, the runner's trust
 * anchors are used. Latency: the response time (`rttMs`).
 */
export const dnsAnswerAdapter: Adapter = {
  kind: 'dns-answer',
  async run({ check, target, settings }, deps, context) {
    const family = checkFamily(check.family, 'dns-answer');
    const name = requireTargetString(target, 'name', 'dns-answer');
    const configured = optString(settings, 'server');
    const server = configured ?? deps.resolver.address;
    const port = optNumber(settings, 'port') ?? (configured ? 53 : deps.resolver.port);
    if (isIP(server) !== family)
      return outcome('not_tested', { server, port, family, name }, [
        {
          code: 'no_address',
          message: `the DNS server ${server} is not an IPv${family} address, so IPv${family} cannot be tested`,
        },
      ]);
    const probe = new DnsAnswerProbe({ transport: deps.transport });
    return probe.run(
      { server, port, name, type: targetString(target, 'type') ?? optString(settings, 'type') },
      {
        expect: optStringList(settings, 'expect'),
        match: oneOf(optString(settings, 'match'), ['exact', 'contains'] as const, 'match'),
        rcode: optString(settings, 'rcode'),
        allowEmpty: optBoolean(settings, 'allowEmpty'),
        protocol: oneOf(
          optString(settings, 'protocol'),
          ['auto', 'udp', 'tcp'] as const,
          'protocol',
        ),
        recursionDesired: optBoolean(settings, 'recursionDesired'),
        checkingDisabled: optBoolean(settings, 'checkingDisabled'),
        timeoutMs: optNumber(settings, 'queryTimeoutMs'),
        slowMs: optNumber(settings, 'slowMs'),
        validate: optBoolean(settings, 'validate'),
        anchors: deps.anchors,
        requireSecure: optBoolean(settings, 'requireSecure'),
      },
      context,
    );
  },
  latencyMs: (o) => numberAt(o, 'rttMs'),
};
