import { isIP } from 'node:net';
import type { Circuit, Device, NetworkInterface, Service } from '../../inventory/entities';
import type { ServiceKind } from '../../inventory/inventory.enums';
import {
  CheckDefinition,
  CheckFamily,
  CheckKind,
  CheckObjectType,
  CheckOverride,
  CheckTarget,
  JsonObject,
} from './check.types';
import {
  CheckTemplate,
  ChecksConfig,
  deviceTemplates,
  scheduleProblem,
  Schedule,
  timeoutProblem,
} from './checks-config';
import { missingSettings, settingsKeys, settingsProblems } from './settings-schema';

/**
 * Inventory → desired checks. Pure: no I/O, no clock; the same snapshot, configuration and
 * overrides always give the same list (sorted by key), which is what makes a re-sync a no-op.
 *
 * Which objects get checks:
 * - services with status `active` (planned and retired ones get none): the list of their kind
 *   in config/checks.yaml, per-family kinds once per family;
 * - devices with status `active` and a management address: the list of their role (else the
 *   default list), on the management address's family; `snmp` only when SNMP is configured
 *   (version v2c or v3). Credentials are never copied: the target names the device and the
 *   runner decrypts `devices.snmp_secret` when it runs;
 * - circuits with status `active` whose A end, else Z end, is an enabled interface of an active
 *   device with a management address and SNMP configured: SNMP on that interface, with
 *   utilisation judged against the circuit's `rate_kbps` (its contracted rate).
 */

/** The inventory fields derivation reads, as the entities have them. */
export type ServiceSnapshot = Pick<
  Service,
  'id' | 'kind' | 'hostname' | 'url' | 'unitId' | 'status' | 'dnssecRequired'
>;
export type DeviceSnapshot = Pick<
  Device,
  'id' | 'name' | 'role' | 'status' | 'managementAddress' | 'unitId' | 'snmpVersion'
>;
export type InterfaceSnapshot = Pick<
  NetworkInterface,
  'id' | 'deviceId' | 'name' | 'ifIndex' | 'enabled'
>;
export type CircuitSnapshot = Pick<
  Circuit,
  'id' | 'cid' | 'status' | 'rateKbps' | 'unitId' | 'aInterfaceId' | 'zInterfaceId'
>;

export interface InventorySnapshot {
  services: ServiceSnapshot[];
  devices: DeviceSnapshot[];
  interfaces: InterfaceSnapshot[];
  circuits: CircuitSnapshot[];
}

export interface DeriveOptions {
  overrides?: CheckOverride[];
  /** Overrides that could not be applied are described here (and skipped). */
  problems?: string[];
}

/**
 * The natural key: `<objectType>:<objectId>:<kind>[:<family>]`. The family is part of the key
 * only for a service's per-family checks; a device's or circuit's check keeps its key when the
 * management address changes family.
 */
export function checkKey(
  objectType: CheckObjectType,
  objectId: string,
  kind: CheckKind,
  family: CheckFamily | null,
): string {
  return `${objectType}:${objectId}:${kind}${family === null ? '' : `:${family}`}`;
}

/** A check before its target is built: target depends on the final settings. */
interface Draft {
  objectType: CheckObjectType;
  objectId: string;
  unitId: string | null;
  kind: CheckKind;
  family: CheckFamily | null;
  /** One of a service's per-family checks: the family is part of the key. */
  perFamily: boolean;
  schedule: Schedule;
  settings: JsonObject;
  enabled: boolean;
  target: (settings: JsonObject) => CheckTarget;
}

function draftKey(d: Draft): string {
  return checkKey(d.objectType, d.objectId, d.kind, d.perFamily ? d.family : null);
}

function schedule(t: CheckTemplate): Schedule {
  return {
    intervalSeconds: t.intervalSeconds,
    timeoutMs: t.timeoutMs,
    failureThreshold: t.failureThreshold,
    successThreshold: t.successThreshold,
  };
}

/** `198.51.100.1/32` → `198.51.100.1`; null when not an IP literal. */
function hostAddress(inet: string | null): { address: string; family: CheckFamily } | null {
  if (!inet) return null;
  const address = inet.replace(/\/\d+$/, '');
  const v = isIP(address);
  return v === 4 || v === 6 ? { address, family: v } : null;
}

interface WebEndpoint {
  url: string;
  host: string;
  path: string;
  /** An explicit https port in the URL. */
  tlsPort: number | null;
}

function webEndpoint(s: ServiceSnapshot): WebEndpoint {
  const fallback = `https://${s.hostname}/`;
  let url: URL;
  try {
    url = new URL(s.url || fallback);
  } catch {
    url = new URL(fallback);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url: url.toString(),
    host,
    path: `${url.pathname}${url.search}` || '/',
    tlsPort: url.protocol === 'https:' && url.port ? Number(url.port) : null,
  };
}

const DNSSEC_TYPE: Record<ServiceKind, string> = {
  website: 'A',
  public_service: 'A',
  other: 'A',
  mail_domain: 'MX',
  dns_zone: 'SOA',
};

function serviceTarget(
  s: ServiceSnapshot,
  kind: CheckKind,
  web: WebEndpoint,
): (settings: JsonObject) => CheckTarget {
  return (settings) => {
    const type = typeof settings.type === 'string' ? settings.type : null;
    switch (kind) {
      case 'http':
        return { url: web.url, host: web.host };
      case 'tls':
        return { host: web.host };
      case 'ipv6-web':
        return { host: web.host, path: web.path };
      case 'dnssec':
        return { name: s.hostname, type: type ?? DNSSEC_TYPE[s.kind] };
      case 'dns-answer':
        return { name: s.hostname, type: type ?? 'A' };
      case 'ns-ipv6':
        return { zone: s.hostname };
      case 'ipv6-mail':
      case 'smtp':
        return { domain: s.hostname };
      case 'icmp':
      case 'tcp':
      case 'snmp':
        return { host: s.hostname };
    }
  };
}

function serviceDrafts(s: ServiceSnapshot, config: ChecksConfig): Draft[] {
  if (s.status !== 'active') return [];
  const web = webEndpoint(s);
  const drafts: Draft[] = [];
  for (const t of config.services[s.kind] ?? []) {
    const settings: JsonObject = { ...t.settings };
    if (t.kind === 'tls' && web.tlsPort !== null) settings.port = web.tlsPort;
    // Whether an insecure (unsigned) answer is a failure: the service's own requirement.
    if (t.kind === 'dnssec') settings.dnssecRequired = s.dnssecRequired;
    for (const family of t.families ?? [null]) {
      drafts.push({
        objectType: 'service',
        objectId: s.id,
        unitId: s.unitId,
        kind: t.kind,
        family,
        perFamily: family !== null,
        schedule: schedule(t),
        settings: { ...settings },
        enabled: true,
        target: serviceTarget(s, t.kind, web),
      });
    }
  }
  return drafts;
}

function snmpOn(d: DeviceSnapshot): boolean {
  return d.snmpVersion === 'v2c' || d.snmpVersion === 'v3';
}

function deviceDrafts(d: DeviceSnapshot, config: ChecksConfig): Draft[] {
  if (d.status !== 'active') return [];
  const mgmt = hostAddress(d.managementAddress);
  if (!mgmt) return [];
  return deviceTemplates(config, d.role)
    .filter((t) => t.kind !== 'snmp' || snmpOn(d))
    .map((t) => ({
      objectType: 'device' as const,
      objectId: d.id,
      unitId: d.unitId,
      kind: t.kind,
      family: mgmt.family,
      perFamily: false,
      schedule: schedule(t),
      settings: { ...t.settings },
      enabled: true,
      target: () => ({ deviceId: d.id, address: mgmt.address }),
    }));
}

interface Termination {
  end: 'a' | 'z';
  iface: InterfaceSnapshot;
  device: DeviceSnapshot;
  address: string;
  family: CheckFamily;
}

/** The end SNMP can watch: A first, then Z. */
function termination(
  c: CircuitSnapshot,
  interfaces: Map<string, InterfaceSnapshot>,
  devices: Map<string, DeviceSnapshot>,
): Termination | null {
  for (const [end, id] of [
    ['a', c.aInterfaceId],
    ['z', c.zInterfaceId],
  ] as const) {
    const iface = id ? interfaces.get(id) : undefined;
    if (!iface || !iface.enabled) continue;
    const device = devices.get(iface.deviceId);
    if (!device || device.status !== 'active' || !snmpOn(device)) continue;
    const mgmt = hostAddress(device.managementAddress);
    if (!mgmt) continue;
    return { end, iface, device, ...mgmt };
  }
  return null;
}

function circuitDrafts(
  c: CircuitSnapshot,
  config: ChecksConfig,
  interfaces: Map<string, InterfaceSnapshot>,
  devices: Map<string, DeviceSnapshot>,
): Draft[] {
  if (c.status !== 'active') return [];
  const term = termination(c, interfaces, devices);
  if (!term) return [];
  // The SNMP probe names interfaces by ifIndex (preferred) or ifName/ifDescr.
  const ref = term.iface.ifIndex ?? term.iface.name;
  return config.circuits.map((t) => {
    const settings: JsonObject = { ...t.settings, watchInterfaces: [ref] };
    if (c.rateKbps !== null) settings.contractedRateKbps = { [String(ref)]: c.rateKbps };
    return {
      objectType: 'circuit' as const,
      objectId: c.id,
      unitId: c.unitId ?? term.device.unitId,
      kind: t.kind,
      family: term.family,
      perFamily: false,
      schedule: schedule(t),
      settings,
      enabled: true,
      target: () => ({
        deviceId: term.device.id,
        address: term.address,
        interface: {
          id: term.iface.id,
          name: term.iface.name,
          ifIndex: term.iface.ifIndex,
          end: term.end,
        },
      }),
    };
  });
}

/** How specific an override is: object < family < kind < kind + family. */
function specificity(o: CheckOverride): number {
  return (o.kind ? 2 : 0) + (o.family ? 1 : 0);
}

function overrideName(o: CheckOverride): string {
  return `override ${o.objectType}:${o.objectId}${o.kind ? `:${o.kind}` : ''}${o.family ? ` family ${o.family}` : ''}`;
}

/**
 * Applies the overrides that match a draft, least specific first. An override whose values are
 * invalid for this check (a setting the kind does not know, a timeout longer than the interval)
 * is skipped as a whole and reported.
 */
function applyOverrides(draft: Draft, overrides: CheckOverride[], problems: string[]): void {
  const matching = overrides
    .filter(
      (o) =>
        (o.kind === null || o.kind === draft.kind) &&
        (o.family === null || o.family === draft.family),
    )
    .sort((a, b) => specificity(a) - specificity(b));
  for (const o of matching) {
    const name = overrideName(o);
    const next: Schedule = { ...draft.schedule };
    const layerProblems: string[] = [];
    for (const key of [
      'intervalSeconds',
      'timeoutMs',
      'failureThreshold',
      'successThreshold',
    ] as const) {
      const value = o[key];
      if (value === null || value === undefined) continue;
      const problem = scheduleProblem(key, value);
      if (problem) layerProblems.push(`${key}: ${problem}`);
      else next[key] = value;
    }
    const settings: JsonObject = { ...draft.settings };
    if (o.settings) {
      // An object-wide override spans kinds: it sets only the keys this kind knows.
      const known = settingsKeys(draft.kind);
      const layer = Object.fromEntries(
        Object.entries(o.settings).filter(([k]) => o.kind !== null || known.includes(k)),
      );
      const present = Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== null));
      layerProblems.push(...settingsProblems(draft.kind, present, 'settings'));
      for (const [k, v] of Object.entries(layer)) {
        // null removes the key: back to the probe's own default.
        if (v === null) delete settings[k];
        else settings[k] = v;
      }
      layerProblems.push(...missingSettings(draft.kind, settings, 'settings'));
    }
    const timeout = timeoutProblem(next);
    if (timeout) layerProblems.push(timeout);
    if (layerProblems.length) {
      problems.push(`${name} not applied to ${draftKey(draft)}: ${layerProblems.join('; ')}`);
      continue;
    }
    draft.schedule = next;
    draft.settings = settings;
    if (o.disabled !== null && o.disabled !== undefined) draft.enabled = !o.disabled;
  }
}

/** The desired default checks of the whole inventory, sorted by key. */
export function deriveChecks(
  inventory: InventorySnapshot,
  config: ChecksConfig,
  options: DeriveOptions = {},
): CheckDefinition[] {
  const problems = options.problems ?? [];
  const interfaces = new Map(inventory.interfaces.map((i) => [i.id, i]));
  const devices = new Map(inventory.devices.map((d) => [d.id, d]));
  const overridesByObject = new Map<string, CheckOverride[]>();
  for (const o of options.overrides ?? []) {
    const id = `${o.objectType}:${o.objectId}`;
    overridesByObject.set(id, [...(overridesByObject.get(id) ?? []), o]);
  }

  const drafts: Draft[] = [
    ...inventory.services.flatMap((s) => serviceDrafts(s, config)),
    ...inventory.devices.flatMap((d) => deviceDrafts(d, config)),
    ...inventory.circuits.flatMap((c) => circuitDrafts(c, config, interfaces, devices)),
  ];
  const checks = drafts.map((draft): CheckDefinition => {
    const overrides = overridesByObject.get(`${draft.objectType}:${draft.objectId}`);
    if (overrides) applyOverrides(draft, overrides, problems);
    return {
      key: draftKey(draft),
      objectType: draft.objectType,
      objectId: draft.objectId,
      unitId: draft.unitId,
      kind: draft.kind,
      family: draft.family,
      target: draft.target(draft.settings),
      settings: draft.settings,
      intervalSeconds: draft.schedule.intervalSeconds,
      timeoutMs: draft.schedule.timeoutMs,
      thresholds: {
        failure: draft.schedule.failureThreshold,
        success: draft.schedule.successThreshold,
      },
      enabled: draft.enabled,
    };
  });
  return checks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
