import { performance } from 'node:perf_hooks';
import type { Probe, ProbeContext, ProbeOutcome, ProbeStatus, Reason } from '../probe';
import type { ProbeScope } from '../scope';
import {
  bitsPerSecond,
  counterDelta,
  CounterBits,
  FALLBACK_MAX_BPS,
  formatTicks,
  judgeUptime,
  parseCounter,
  plausibleOctets,
} from './counters';
import {
  IF_COLUMNS,
  IFX_COLUMNS,
  IfStatus,
  ifStatus,
  instanceIndex,
  SYS_DESCR,
  SYS_NAME,
  SYS_UPTIME,
} from './oids';
import {
  AddressFamily,
  DES_UNAVAILABLE,
  desAvailable,
  familyOf,
  SnmpCredentials,
  SnmpError,
  SnmpErrorCode,
  SnmpSession,
  SnmpVarbind,
  UsmFailure,
  withSession,
} from './session';

export interface SnmpTarget {
  /** An IP literal (udp4 or udp6 follows from it). */
  host: string;
  /** Default 161. */
  port?: number;
  credentials: SnmpCredentials;
}

/** A timestamp as the engine stores it (ISO 8601) or as a Date. */
export type Instant = string | Date;

export interface PreviousInterfaceCounters {
  /** Decimal strings (64-bit counters exceed 2^53); numbers are accepted when safe. */
  inOctets: string | number;
  outOctets: string | number;
  at: Instant;
  counterBits: CounterBits;
}

/** What the previous run observed; `previousFrom(observations)` builds it. */
export interface SnmpPrevious {
  sysUpTimeTicks: number;
  at: Instant;
  /** By ifIndex. */
  interfaces?: Record<string, PreviousInterfaceCounters>;
}

/**
 * An interface as settings name it: a number is an ifIndex; a string is the ifIndex in decimal,
 * an ifName or an ifDescr.
 */
export type InterfaceRef = number | string;

export interface SnmpProbeSettings {
  /** Per attempt; default 2000 ms. */
  timeoutMs?: number;
  /** Resends after the first attempt; default 1. */
  retries?: number;
  /** getBulk size while walking the interface tables; default 25. */
  maxRepetitions?: number;
  /** Networks the probe may send to; outside it the outcome is `not_tested` and nothing is sent. */
  scope?: ProbeScope;
  previous?: SnmpPrevious;
  /** Interfaces whose state decides the status (admin up and oper down → degraded). */
  watchInterfaces?: InterfaceRef[];
  /**
   * The contracted rate of the circuit terminating on an interface, in kbit/s, keyed by ifIndex
   * (as a string: "3") or by ifName/ifDescr. A key that equals an ifIndex wins over a name.
   * These interfaces are monitored too.
   */
  contractedRateKbps?: Record<string, number>;
  /** Utilisation (in or out) above this on a monitored interface → degraded. Default 90. */
  utilisationWarnPercent?: number;
}

export type CapacitySource = 'contracted' | 'ifHighSpeed' | 'ifSpeed';

export interface SnmpInterfaceObservation {
  ifIndex: number;
  ifDescr: string | null;
  ifName: string | null;
  ifAlias: string | null;
  ifType: number | null;
  /** bit/s; 4294967295 means "faster than that, see ifHighSpeed". */
  ifSpeed: number | null;
  /** Mbit/s. */
  ifHighSpeed: number | null;
  adminStatus: IfStatus | null;
  operStatus: IfStatus | null;
  /** Raw counters (decimal strings), for the next run. Null when the agent gave none. */
  counters: { inOctets: string; outOctets: string; counterBits: CounterBits } | null;
  /** Named in watchInterfaces or contractedRateKbps. */
  monitored: boolean;
  /** bit/s since the previous observation. */
  rate: { inBps: number; outBps: number; intervalSeconds: number; wrapped: boolean } | null;
  /** Why `rate` is null: first observation, counters reset, ... */
  rateUnavailable: string | null;
  /** What utilisation is computed against, and where that figure came from. */
  capacity: { bps: number; source: CapacitySource } | null;
  utilisation: { inPercent: number; outPercent: number } | null;
}

export interface SnmpObservations {
  host: string;
  port: number;
  version: SnmpCredentials['version'];
  /** When this observation was made (the context clock), ISO 8601. */
  at: string;
  /** Round trip of the first GET (sysDescr, sysUpTime, sysName), ms. */
  responseMs: number | null;
  sysDescr: string | null;
  sysName: string | null;
  sysUpTimeTicks: number | null;
  /** Null when there is no previous observation to compare with. */
  rebooted: boolean | null;
  interfaces: SnmpInterfaceObservation[];
  /** Set when the agent did not (fully) answer. */
  error?: { code: SnmpErrorCode; usm?: UsmFailure; message: string };
}

const DEFAULT_PORT = 161;
const DEFAULT_WARN_PERCENT = 90;
/** ifSpeed's ceiling: the interface is faster, ifHighSpeed says by how much. */
const IF_SPEED_SATURATED = 4294967295;
/** Oper states that mean "not passing traffic" (dormant and testing are deliberate states). */
const OPER_DOWN: ReadonlySet<IfStatus> = new Set(['down', 'lowerLayerDown', 'notPresent']);

interface RawInterface {
  ifIndex: number;
  ifDescr?: string;
  ifName?: string;
  ifAlias?: string;
  ifType?: number;
  ifSpeed?: number;
  ifHighSpeed?: number;
  ifAdminStatus?: number;
  ifOperStatus?: number;
  ifInOctets?: bigint;
  ifOutOctets?: bigint;
  ifHCInOctets?: bigint;
  ifHCOutOctets?: bigint;
}

type Column = keyof Omit<RawInterface, 'ifIndex'>;

function text(value: SnmpVarbind['value']): string | null {
  if (Buffer.isBuffer(value)) return value.toString('utf8').replace(/\0+$/, '');
  if (typeof value === 'string') return value;
  return null;
}

function num(value: SnmpVarbind['value']): number | null {
  return typeof value === 'number' ? value : null;
}

function big(value: SnmpVarbind['value']): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return null;
}

function instant(value: Instant): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}

function errorReason(error: SnmpError, where: string): Reason {
  const code: Record<SnmpErrorCode, string> = {
    timeout: 'snmp_no_answer',
    aborted: 'snmp_aborted',
    auth: 'snmp_auth_failed',
    agent_error: 'snmp_agent_error',
    network: 'snmp_network_error',
    protocol: 'snmp_protocol_error',
    unsupported: 'snmp_unsupported',
  };
  const message =
    error.code === 'aborted'
      ? `${where}: the run's deadline passed before the agent answered`
      : `${where}: ${error.message}`;
  return { code: code[error.code], message };
}

function toSnmpError(err: unknown): SnmpError {
  if (err instanceof SnmpError) return err;
  throw err; // a programming error, not a target failure
}

/** Walks the columns we need; HC counters first, the 32-bit ones only for rows without them. */
async function readInterfaces(session: SnmpSession): Promise<Map<number, RawInterface>> {
  const rows = new Map<number, RawInterface>();
  const row = (ifIndex: number) => {
    let r = rows.get(ifIndex);
    if (!r) rows.set(ifIndex, (r = { ifIndex }));
    return r;
  };
  const walk = async (
    column: string,
    key: Column,
    read: (value: SnmpVarbind['value']) => RawInterface[Column] | null,
  ) => {
    for (const vb of await session.subtree(column)) {
      const ifIndex = instanceIndex(column, vb.oid);
      if (ifIndex === null || vb.missing) continue;
      const value = read(vb.value);
      if (value !== null && value !== undefined) Object.assign(row(ifIndex), { [key]: value });
    }
  };
  await walk(IF_COLUMNS.ifDescr, 'ifDescr', text);
  await walk(IF_COLUMNS.ifType, 'ifType', num);
  await walk(IF_COLUMNS.ifSpeed, 'ifSpeed', num);
  await walk(IF_COLUMNS.ifAdminStatus, 'ifAdminStatus', num);
  await walk(IF_COLUMNS.ifOperStatus, 'ifOperStatus', num);
  await walk(IFX_COLUMNS.ifName, 'ifName', text);
  await walk(IFX_COLUMNS.ifAlias, 'ifAlias', text);
  await walk(IFX_COLUMNS.ifHighSpeed, 'ifHighSpeed', num);
  await walk(IFX_COLUMNS.ifHCInOctets, 'ifHCInOctets', big);
  await walk(IFX_COLUMNS.ifHCOutOctets, 'ifHCOutOctets', big);
  const hasHc = (r: RawInterface) => r.ifHCInOctets !== undefined && r.ifHCOutOctets !== undefined;
  if ([...rows.values()].some((r) => !hasHc(r))) {
    await walk(IF_COLUMNS.ifInOctets, 'ifInOctets', big);
    await walk(IF_COLUMNS.ifOutOctets, 'ifOutOctets', big);
  }
  return rows;
}

function counters(r: RawInterface): SnmpInterfaceObservation['counters'] {
  if (r.ifHCInOctets !== undefined && r.ifHCOutOctets !== undefined)
    return {
      inOctets: r.ifHCInOctets.toString(),
      outOctets: r.ifHCOutOctets.toString(),
      counterBits: 64,
    };
  if (r.ifInOctets !== undefined && r.ifOutOctets !== undefined)
    return {
      inOctets: r.ifInOctets.toString(),
      outOctets: r.ifOutOctets.toString(),
      counterBits: 32,
    };
  return null;
}

/** The interface's own idea of its speed, bit/s: ifHighSpeed, else ifSpeed (unless saturated or 0). */
function physicalSpeed(r: RawInterface): { bps: number; source: 'ifHighSpeed' | 'ifSpeed' } | null {
  if (r.ifHighSpeed !== undefined && r.ifHighSpeed > 0)
    return { bps: r.ifHighSpeed * 1e6, source: 'ifHighSpeed' };
  if (r.ifSpeed !== undefined && r.ifSpeed > 0 && r.ifSpeed < IF_SPEED_SATURATED)
    return { bps: r.ifSpeed, source: 'ifSpeed' };
  return null;
}

/** Which settings keys name this interface: its ifIndex first, then ifName, then ifDescr. */
function keysOf(r: RawInterface): string[] {
  return [String(r.ifIndex), r.ifName, r.ifDescr].filter((k): k is string => k !== undefined);
}

function matches(r: RawInterface, ref: InterfaceRef): boolean {
  return typeof ref === 'number' ? r.ifIndex === ref : keysOf(r).includes(ref);
}

interface RateResult {
  rate: SnmpInterfaceObservation['rate'];
  rateUnavailable: string | null;
  reset: boolean;
}

type Counters = SnmpInterfaceObservation['counters'];

function computeRate(
  now: Counters,
  previous: PreviousInterfaceCounters | undefined,
  nowMs: number,
  rebooted: boolean,
  boundBps: number | null,
): RateResult {
  const none = (why: string, reset = false): RateResult => ({
    rate: null,
    rateUnavailable: why,
    reset,
  });
  if (!now) return none('no octet counters');
  if (!previous) return none('first observation');
  if (rebooted) return none('counters reset', true);
  if (previous.counterBits !== now.counterBits)
    return none(`counter width changed from ${previous.counterBits} to ${now.counterBits} bits`);
  const seconds = (nowMs - instant(previous.at)) / 1000;
  if (!(seconds > 0)) return none('no time elapsed since the previous observation');
  const prevIn = parseCounter(previous.inOctets);
  const prevOut = parseCounter(previous.outOctets);
  if (prevIn === null || prevOut === null) return none('previous counters unreadable');
  const bits = now.counterBits;
  if (bits === 32 && boundBps !== null && (boundBps / 8) * seconds >= 2 ** 32) {
    return none(
      `a 32-bit counter can wrap more than once in ${Math.round(seconds)} s at ${boundBps} bit/s`,
    );
  }
  const max = plausibleOctets(boundBps ?? FALLBACK_MAX_BPS, seconds);
  const dIn = counterDelta(prevIn, BigInt(now.inOctets), bits, max);
  const dOut = counterDelta(prevOut, BigInt(now.outOctets), bits, max);
  if (!dIn.ok) return none('counters reset', true);
  if (!dOut.ok) return none('counters reset', true);
  return {
    rate: {
      inBps: bitsPerSecond(dIn.octets, seconds),
      outBps: bitsPerSecond(dOut.octets, seconds),
      intervalSeconds: seconds,
      wrapped: dIn.wrapped || dOut.wrapped,
    },
    rateUnavailable: null,
    reset: false,
  };
}
function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Builds the `previous` setting of the next run from this run's observations. */
export function previousFrom(o: SnmpObservations): SnmpPrevious | undefined {
  if (o.sysUpTimeTicks === null) return undefined;
  const interfaces: Record<string, PreviousInterfaceCounters> = {};
  for (const i of o.interfaces) {
    if (i.counters) interfaces[String(i.ifIndex)] = { ...i.counters, at: o.at };
  }
  return { sysUpTimeTicks: o.sysUpTimeTicks, at: o.at, interfaces };
}

/**
 * Device status over SNMP: system group, reboot detection, interfaces with rates and utilisation.
 * A failing agent is an outcome (down, with reasons); only bad settings throw.
 */
export class SnmpProbe implements Probe<SnmpTarget, SnmpProbeSettings, SnmpObservations> {
  readonly kind = 'snmp';

  async run(
    target: SnmpTarget,
    settings: SnmpProbeSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<SnmpObservations>> {
    const family: AddressFamily = familyOf(target.host);
    const port = target.port ?? DEFAULT_PORT;
    const warnPercent = settings.utilisationWarnPercent ?? DEFAULT_WARN_PERCENT;
    const at = context.now();
    const where = `SNMP ${target.credentials.version} to ${family === 6 ? `[${target.host}]` : target.host}:${port}`;
    const observations: SnmpObservations = {
      host: target.host,
      port,
      version: target.credentials.version,
      at: at.toISOString(),
      responseMs: null,
      sysDescr: null,
      sysName: null,
      sysUpTimeTicks: null,
      rebooted: null,
      interfaces: [],
    };
    const outcome = (status: ProbeStatus, reasons: Reason[]): ProbeOutcome<SnmpObservations> => ({
      status,
      family: status === 'up' || status === 'degraded' ? family : null,
      observations,
      reasons,
    });

    if (settings.scope && !settings.scope.allows(target.host)) {
      return outcome('not_tested', [
        {
          code: 'outside_probe_scope',
          message: `${target.host} is outside the probe scope (${settings.scope.toString()}); nothing was sent`,
        },
      ]);
    }

    const credentials = target.credentials;
    if (credentials.version === 'v3' && credentials.privProtocol === 'des' && !desAvailable()) {
      return outcome('not_tested', [{ code: 'snmp_unsupported', message: DES_UNAVAILABLE }]);
    }

    let rows = new Map<number, RawInterface>();
    let walkError: SnmpError | null = null;
    let systemError: SnmpError | null = null;
    await withSession(
      { host: target.host, port },
      target.credentials,
      {
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
        maxRepetitions: settings.maxRepetitions,
        signal: context.signal,
      },
      async (session) => {
        const started = performance.now();
        let system: SnmpVarbind[];
        try {
          system = await session.get([SYS_DESCR, SYS_UPTIME, SYS_NAME]);
        } catch (err) {
          systemError = toSnmpError(err);
          return;
        }
        observations.responseMs = round(performance.now() - started);
        const value = (oid: string) => system.find((v) => v.oid === oid && !v.missing)?.value;
        observations.sysDescr = text(value(SYS_DESCR) ?? null);
        observations.sysName = text(value(SYS_NAME) ?? null);
        observations.sysUpTimeTicks = num(value(SYS_UPTIME) ?? null);
        try {
          rows = await readInterfaces(session);
        } catch (err) {
          walkError = toSnmpError(err);
        }
      },
    );

    if (systemError) {
      const e: SnmpError = systemError;
      observations.error = { code: e.code, message: e.message, ...(e.usm ? { usm: e.usm } : {}) };
      // Our own limits are no verdict on the target.
      return outcome(e.code === 'unsupported' ? 'not_tested' : 'down', [errorReason(e, where)]);
    }

    const reasons: Reason[] = [];
    let degraded = false;

    // Reboot: uptime went backwards, or is shorter than the time since the previous observation.
    const previous = settings.previous;
    let rebooted = false;
    if (previous && observations.sysUpTimeTicks !== null) {
      const elapsed = (at.getTime() - instant(previous.at)) / 1000;
      const judgement = judgeUptime(previous.sysUpTimeTicks, observations.sysUpTimeTicks, elapsed);
      rebooted = judgement.rebooted;
      observations.rebooted = rebooted;
      if (rebooted)
        reasons.push({
          code: 'snmp_rebooted',
          message: `${where}: the agent restarted (${judgement.detail}); up ${formatTicks(observations.sysUpTimeTicks)}`,
        });
    }

    if (walkError) {
      const e: SnmpError = walkError;
      observations.error = { code: e.code, message: e.message, ...(e.usm ? { usm: e.usm } : {}) };
      degraded = true;
      reasons.push({
        code: 'snmp_interfaces_incomplete',
        message: `${where}: the system group answered but the interface tables did not (${e.message})`,
      });
    }

    const watch = settings.watchInterfaces ?? [];
    const contracted = settings.contractedRateKbps ?? {};
    const resets: number[] = [];
    for (const r of [...rows.values()].sort((a, b) => a.ifIndex - b.ifIndex)) {
      const c = counters(r);
      const physical = physicalSpeed(r);
      const contractKey = keysOf(r).find((k) => Object.hasOwn(contracted, k));
      const contractedBps = contractKey !== undefined ? contracted[contractKey] * 1000 : null;
      const capacity: SnmpInterfaceObservation['capacity'] =
        contractedBps !== null && contractedBps > 0
          ? { bps: contractedBps, source: 'contracted' }
          : physical;
      // A wrap is plausible up to what the line can carry: the faster of its two speeds.
      const bound = Math.max(physical?.bps ?? 0, contractedBps ?? 0) || null;
      const rate = computeRate(
        c,
        previous?.interfaces?.[String(r.ifIndex)],
        at.getTime(),
        rebooted,
        bound,
      );
      if (rate.reset) resets.push(r.ifIndex);
      const utilisation =
        rate.rate && capacity
          ? {
              inPercent: round((rate.rate.inBps / capacity.bps) * 100),
              outPercent: round((rate.rate.outBps / capacity.bps) * 100),
            }
          : null;
      observations.interfaces.push({
        ifIndex: r.ifIndex,
        ifDescr: r.ifDescr ?? null,
        ifName: r.ifName ?? null,
        ifAlias: r.ifAlias ?? null,
        ifType: r.ifType ?? null,
        ifSpeed: r.ifSpeed ?? null,
        ifHighSpeed: r.ifHighSpeed ?? null,
        adminStatus: ifStatus(r.ifAdminStatus),
        operStatus: ifStatus(r.ifOperStatus),
        counters: c,
        monitored: watch.some((ref) => matches(r, ref)) || contractKey !== undefined,
        rate: rate.rate
          ? { ...rate.rate, inBps: round(rate.rate.inBps), outBps: round(rate.rate.outBps) }
          : null,
        rateUnavailable: rate.rateUnavailable,
        capacity,
        utilisation,
      });
    }

    if (resets.length > 0) {
      reasons.push({
        code: 'counters_reset',
        message: `${where}: counters reset on ifIndex ${resets.join(', ')}${rebooted ? ' (agent restarted)' : ''}; no rate this run`,
      });
    }

    // Monitored interfaces that are missing, down, or too busy.
    if (!walkError) {
      const refs: InterfaceRef[] = [...watch, ...Object.keys(contracted)];
      const seen = new Set<string>();
      for (const ref of refs) {
        const key = `${typeof ref}:${ref}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const found = [...rows.values()].some((r) => matches(r, ref));
        if (!found) {
          degraded = true;
          reasons.push({
            code: 'interface_missing',
            message: `${where}: monitored interface ${JSON.stringify(ref)} is not in the agent's ifTable`,
          });
        }
      }
    }
    for (const i of observations.interfaces) {
      if (!i.monitored) continue;
      const label = `${i.ifName ?? i.ifDescr ?? 'interface'} (ifIndex ${i.ifIndex}${i.ifAlias ? `, "${i.ifAlias}"` : ''})`;
      if (i.adminStatus === 'up' && i.operStatus !== null && OPER_DOWN.has(i.operStatus)) {
        degraded = true;
        reasons.push({
          code: 'interface_down',
          message: `${label} is administratively up but operationally ${i.operStatus}`,
        });
      }
      if (i.utilisation && i.capacity) {
        const worst = Math.max(i.utilisation.inPercent, i.utilisation.outPercent);
        if (worst > warnPercent) {
          degraded = true;
          const against =
            i.capacity.source === 'contracted'
              ? `the contracted rate of ${i.capacity.bps / 1000} kbit/s`
              : `${i.capacity.source} ${i.capacity.bps} bit/s (no contracted rate)`;
          reasons.push({
            code: 'utilisation_high',
            message: `${label} at ${i.utilisation.inPercent} % in, ${i.utilisation.outPercent} % out of ${against}; warn above ${warnPercent} %`,
          });
        }
      }
    }

    return outcome(degraded ? 'degraded' : 'up', reasons);
  }
}
