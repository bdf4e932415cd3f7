import { HttpProbe, type ExpectedStatus } from '../../../../probes/http/http-probe';
import type { JsonValue } from '../../checks/check.types';
import { numberAt } from '../observations';
import {
  CheckSettingsError,
  optBoolean,
  optNumber,
  optString,
  optStringMap,
  requireTargetString,
} from '../settings';
import { checkFamily, lookupResolver, resolveTarget } from './resolve';
import type { Adapter } from './types';

function expectedStatus(v: JsonValue | undefined): ExpectedStatus | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string'))
    return v as (number | string)[];
  throw new CheckSettingsError(`settings.expectedStatus is not a status, range or list`);
}

/**
 * http: the URL over the check's family. The URL's host is resolved here (A or AAAA through the
 * configured resolver) and the probe gets the addresses; redirects to other hosts resolve
 * through the same resolver. Latency: the whole run (`latency.totalMs`).
 */
export const httpAdapter: Adapter = {
  kind: 'http',
  async run({ check, target, settings }, deps, context) {
    const family = checkFamily(check.family, 'http');
    const url = requireTargetString(target, 'url', 'http');
    let host: string;
    try {
      host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      throw new CheckSettingsError(`target.url "${url}" is not a URL`);
    }
    const resolved = await resolveTarget(host, family, deps, context);
    if (!resolved.ok) return resolved.outcome;
    const method = optString(settings, 'method');
    if (method !== undefined && method !== 'GET' && method !== 'HEAD')
      throw new CheckSettingsError(`settings.method must be GET or HEAD, got ${method}`);
    const probe = new HttpProbe({ resolver: lookupResolver(deps, context) });
    return probe.run(
      undefined,
      {
        url,
        family,
        addresses: resolved.target.addresses,
        method,
        headers: optStringMap(settings, 'headers'),
        expectedStatus: expectedStatus(settings.expectedStatus),
        followRedirects: optBoolean(settings, 'followRedirects'),
        maxRedirects: optNumber(settings, 'maxRedirects'),
        keyword: optString(settings, 'keyword'),
        jsonPath: optString(settings, 'jsonPath'),
        ...(settings.jsonEquals !== undefined ? { jsonEquals: settings.jsonEquals } : {}),
        maxBodyBytes: optNumber(settings, 'maxBodyBytes'),
        degradedAfterMs: optNumber(settings, 'degradedAfterMs'),
        degradedAfterRedirects: optNumber(settings, 'degradedAfterRedirects'),
        ca: optString(settings, 'ca'),
        verifyTls: optBoolean(settings, 'verifyTls'),
      },
      context,
    );
  },
  latencyMs: (o) => numberAt(o, 'latency', 'totalMs'),
};
