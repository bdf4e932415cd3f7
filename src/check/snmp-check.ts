import { isIP } from 'node:net';
import {
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SnmpAuthProtocol,
  SnmpCredentials,
  SnmpPrivProtocol,
} from '../../probes/snmp/session';
import { previousFrom, SnmpObservations, SnmpProbe } from '../../probes/snmp/snmp-probe';
import { ProbeOutcome } from '../../probes/probe';
import { ServerLookup } from '../../probes/dns/lookup';
import { UdpTcpTransport } from '../../probes/dns/transport';
import { parseScope, resolverFor, UsageError } from './dns-check';

export interface SnmpCheckOptions {
  port?: number;
  community?: string;
  user?: string;
  authProtocol?: string;
  authKey?: string;
  privProtocol?: string;
  privKey?: string;
  timeoutMs?: number;
  retries?: number;
  /** Sample twice, this many seconds apart, to report traffic rates. */
  sampleSeconds?: number;
  watch?: string[];
  /** `ifName=kbit/s`: the contracted rate of the circuit on that interface. */
  rates?: string[];
  scope?: string;
  /** DNS server for a HOST given by name (as for every check command). */
  server?: string;
  /** Address family used when HOST is a name: 4 (A, default) or 6 (AAAA). */
  family?: 4 | 6;
}

export interface SnmpCheckReport {
  host: string;
  status: ProbeOutcome['status'];
  reasons: string[];
  observations: SnmpObservations;
}

function credentials(o: SnmpCheckOptions): SnmpCredentials {
  if (o.user) {
    const auth = (o.authProtocol ?? 'sha256').toLowerCase();
    const priv = (o.privProtocol ?? 'aes').toLowerCase();
    if (!(SNMP_AUTH_PROTOCOLS as readonly string[]).includes(auth))
      throw new UsageError(`--auth-protocol must be one of ${SNMP_AUTH_PROTOCOLS.join(', ')}`);
    if (!(SNMP_PRIV_PROTOCOLS as readonly string[]).includes(priv))
      throw new UsageError(`--priv-protocol must be one of ${SNMP_PRIV_PROTOCOLS.join(', ')}`);
    if (!o.authKey || !o.privKey)
      throw new UsageError(
        'SNMPv3 needs --auth-key and --priv-key (or NETWATCH_SNMP_AUTH_KEY / NETWATCH_SNMP_PRIV_KEY)',
      );
    return {
      version: 'v3',
      username: o.user,
      authProtocol: auth as SnmpAuthProtocol,
      authKey: o.authKey,
      privProtocol: priv as SnmpPrivProtocol,
      privKey: o.privKey,
    };
  }
  if (!o.community)
    throw new UsageError(
      'give --community (or NETWATCH_SNMP_COMMUNITY) for v2c, or --user with keys for v3',
    );
  return { version: 'v2c', community: o.community };
}

function contractedRates(list: string[] | undefined): Record<string, number> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, number> = {};
  for (const item of list) {
    const m = /^(.+)=(\d+)$/.exec(item);
    if (!m)
      throw new UsageError(`--rate must be INTERFACE=KBPS (ifIndex or ifName), got "${item}"`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** A device given by name: its A (or, with --family 6, AAAA) record, through --server. */
async function resolveHost(name: string, o: SnmpCheckOptions): Promise<string> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new UsageError(`"${name}" is neither an IP address nor a host name`);
  const type = o.family === 6 ? 'AAAA' : 'A';
  const lookup = new ServerLookup(
    new UdpTcpTransport(),
    resolverFor(o.server, parseScope(o.scope)),
  );
  const res = await lookup.query(name, type);
  const record = res.ok ? res.message.answers.find((r) => r.type === type) : undefined;
  if (!record)
    throw new UsageError(
      `${name} has no ${type} record${res.ok ? '' : ` (${res.error})`}; give the address instead`,
    );
  return String(record.data);
}

/** One-shot SNMP check of a device; with --sample-seconds, two polls so traffic rates can be shown. */
export async function runSnmpCheck(name: string, o: SnmpCheckOptions): Promise<SnmpCheckReport> {
  const host = isIP(name) ? name : await resolveHost(name, o);
  const target = { host, port: o.port ?? 161, credentials: credentials(o) };
  const settings = {
    timeoutMs: o.timeoutMs ?? 2000,
    retries: o.retries ?? 1,
    scope: parseScope(o.scope),
    watchInterfaces: o.watch,
    contractedRateKbps: contractedRates(o.rates),
  };
  const probe = new SnmpProbe();
  const context = () => ({
    signal: AbortSignal.timeout((settings.timeoutMs * (settings.retries + 1) + 1000) * 4),
    now: () => new Date(),
    scope: settings.scope,
  });
  let outcome = await probe.run(target, settings, context());
  if (o.sampleSeconds && outcome.status !== 'down' && outcome.status !== 'not_tested') {
    await new Promise((r) => setTimeout(r, o.sampleSeconds! * 1000));
    outcome = await probe.run(
      target,
      { ...settings, previous: previousFrom(outcome.observations) },
      context(),
    );
  }
  return {
    host,
    status: outcome.status,
    reasons: outcome.reasons.map((r) => r.message),
    observations: outcome.observations,
  };
}
