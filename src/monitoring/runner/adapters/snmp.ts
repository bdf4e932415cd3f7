import {
  previousFrom,
  SnmpProbe,
  type InterfaceRef,
  type SnmpObservations,
  type SnmpPrevious,
} from '../../../../probes/snmp/snmp-probe';
import { inScope, outsideScopeOutcome } from '../../../../probes/run';
import type { JsonValue } from '../../checks/check.types';
import { numberAt } from '../observations';
import { CheckSettingsError, optNumber, optNumberMap, requireTargetString } from '../settings';
import { outcome } from './resolve';
import type { Adapter } from './types';

/** Interfaces kept in the observations when none is monitored (a device check on a big switch). */
export const MAX_UNMONITORED_INTERFACES = 64;

function interfaceRefs(v: JsonValue | undefined): InterfaceRef[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string'))
    return v as InterfaceRef[];
  throw new CheckSettingsError('settings.watchInterfaces must be a list of ifIndexes or names');
}

/** The previous run's SNMP observations, when they have the shape previousFrom needs. */
export function previousSnmp(observations: unknown): SnmpPrevious | undefined {
  if (!observations || typeof observations !== 'object') return undefined;
  const o = observations as Partial<SnmpObservations>;
  if (typeof o.sysUpTimeTicks !== 'number' || typeof o.at !== 'string') return undefined;
  if (Number.isNaN(Date.parse(o.at))) return undefined;
  const interfaces = Array.isArray(o.interfaces)
    ? o.interfaces.filter(
        (i) =>
          !!i &&
          typeof i === 'object' &&
          typeof i.ifIndex === 'number' &&
          (i.counters === null ||
            (!!i.counters &&
              typeof i.counters.inOctets === 'string' &&
              typeof i.counters.outOctets === 'string' &&
              (i.counters.counterBits === 32 || i.counters.counterBits === 64))),
      )
    : [];
  return previousFrom({ ...(o as SnmpObservations), interfaces });
}

/**
 * Monitored interfaces in full, plus (up to a bound) the others: what the next run needs for
 * rates, and what the reports show, without storing a 500-port switch on every result.
 */
function boundedInterfaces(o: SnmpObservations): SnmpObservations & { interfacesTotal: number } {
  const monitored = o.interfaces.filter((i) => i.monitored);
  const others = o.interfaces.filter((i) => !i.monitored);
  const room = monitored.length > 0 ? 0 : MAX_UNMONITORED_INTERFACES;
  return {
    ...o,
    interfaces: [...monitored, ...others.slice(0, room)],
    interfacesTotal: o.interfaces.length,
  };
}

/**
 * snmp: the device's agent at its management address. Credentials come from
 * `secrets.snmpCredentials(deviceId)` (decrypted for this run only, never stored in the result);
 * none → `not_tested` "SNMP not configured". A circuit's target names its interface, which is
 * watched, with `contractedRateKbps` from the settings; the previous result's observations give
 * the rates across runs. Latency: the first GET's round trip (`responseMs`).
 */
export const snmpAdapter: Adapter = {
  kind: 'snmp',
  async run({ target, settings, previous }, deps, context) {
    const deviceId = requireTargetString(target, 'deviceId', 'snmp');
    const host = requireTargetString(target, 'address', 'snmp');
    const base = { host, deviceId };
    if (!inScope(context, host)) return outsideScopeOutcome(host, base);
    let credentials;
    try {
      credentials = await deps.secrets.snmpCredentials(deviceId);
    } catch (error) {
      return outcome('not_tested', base, [
        {
          code: 'snmp_credentials_unreadable',
          message: `the SNMP credentials of device ${deviceId} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        },
      ]);
    }
    if (!credentials)
      return outcome('not_tested', base, [
        { code: 'snmp_not_configured', message: `SNMP not configured on device ${deviceId}` },
      ]);
    const iface = (target as { interface?: { ifIndex: number | null; name: string } }).interface;
    let watch = interfaceRefs(settings.watchInterfaces);
    if (!watch && iface) watch = [iface.ifIndex ?? iface.name];
    const result = await new SnmpProbe().run(
      { host, port: optNumber(settings, 'port'), credentials },
      {
        timeoutMs: optNumber(settings, 'requestTimeoutMs'),
        retries: optNumber(settings, 'retries'),
        maxRepetitions: optNumber(settings, 'maxRepetitions'),
        scope: context.scope,
        previous: previousSnmp(previous),
        watchInterfaces: watch,
        contractedRateKbps: optNumberMap(settings, 'contractedRateKbps'),
        utilisationWarnPercent: optNumber(settings, 'utilisationWarnPercent'),
      },
      context,
    );
    return { ...result, observations: boundedInterfaces(result.observations) };
  },
  latencyMs: (o) => numberAt(o, 'responseMs'),
};
