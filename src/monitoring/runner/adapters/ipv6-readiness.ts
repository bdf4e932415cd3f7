import { checkMailReadiness } from '../../../../probes/ipv6/mail-readiness';
import { checkWebReadiness, type WebPort } from '../../../../probes/ipv6/web-readiness';
import type { JsonValue } from '../../checks/check.types';
import {
  CheckSettingsError,
  optNumber,
  optString,
  optStringList,
  optStringMap,
  requireTargetString,
  targetString,
} from '../settings';
import { resolverOutsideScope, runLookup } from './resolve';
import type { Adapter } from './types';

function webPorts(v: JsonValue | undefined): WebPort[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (
    Array.isArray(v) &&
    v.every(
      (p) =>
        !!p &&
        typeof p === 'object' &&
        !Array.isArray(p) &&
        typeof p.port === 'number' &&
        (p.scheme === 'http' || p.scheme === 'https'),
    )
  )
    return v as unknown as WebPort[];
  throw new CheckSettingsError('settings.ports must be a list of { port, scheme }');
}

/**
 * ipv6-web: checkWebReadiness for the host, both families judged. The check's result is the
 * IPv6 verdict (status, family, reasons); the whole result (both verdicts, the grid, the
 * comparison, the self-test) is kept in the observations for the compliance reports. The probe
 * host's IPv6 self-test is shared by the checks of a cycle (CheckRunner).
 */
export const ipv6WebAdapter: Adapter = {
  kind: 'ipv6-web',
  async run({ target, settings }, deps, context) {
    const host = requireTargetString(target, 'host', 'ipv6-web');
    const outside = resolverOutsideScope(deps, context, { host });
    if (outside) return outside;
    const result = await checkWebReadiness(
      host,
      {
        lookup: runLookup(deps, context),
        selfTest: { result: await deps.selfTest() },
        ports: webPorts(settings.ports),
        path: targetString(target, 'path'),
        timeoutMs: optNumber(settings, 'requestTimeoutMs'),
        compareHeaders: optStringList(settings, 'compareHeaders'),
        similarityThreshold: optNumber(settings, 'similarityThreshold'),
        maxBodyBytes: optNumber(settings, 'maxBodyBytes'),
        headers: optStringMap(settings, 'headers'),
        ca: optString(settings, 'ca'),
        scope: context.scope,
      },
      context,
    );
    const v6 = result.ipv6;
    return { status: v6.status, family: v6.family, reasons: v6.reasons, observations: result };
  },
  latencyMs: () => null,
};

/** ipv6-mail: checkMailReadiness for the domain; the IPv6 verdict, the whole result observed. */
export const ipv6MailAdapter: Adapter = {
  kind: 'ipv6-mail',
  async run({ target, settings }, deps, context) {
    const domain = requireTargetString(target, 'domain', 'ipv6-mail');
    const outside = resolverOutsideScope(deps, context, { domain });
    if (outside) return outside;
    const result = await checkMailReadiness(
      domain,
      {
        lookup: runLookup(deps, context),
        selfTest: { result: await deps.selfTest() },
        port: optNumber(settings, 'port'),
        timeoutMs: optNumber(settings, 'requestTimeoutMs'),
        scope: context.scope,
      },
      context,
    );
    const v6 = result.ipv6;
    return { status: v6.status, family: v6.family, reasons: v6.reasons, observations: result };
  },
  latencyMs: () => null,
};
