/**
 * The vocabulary of check definitions: what the monitoring engine runs, against which inventory
 * object, how often and how strictly. Definitions are data (JSON-safe), stored in `checks`.
 */

/** Every check kind; each maps onto one probe of `probes/` (see the README in this folder). */
export const CHECK_KINDS = [
  'dnssec',
  'ns-ipv6',
  'ipv6-web',
  'ipv6-mail',
  'http',
  'tls',
  'tcp',
  'icmp',
  'snmp',
  'smtp',
  'dns-answer',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** Kinds that judge one address family per check: a service gets one check per listed family. */
export const PER_FAMILY_KINDS: readonly CheckKind[] = [
  'http',
  'tls',
  'tcp',
  'icmp',
  'smtp',
  'dns-answer',
];

/** Inventory objects that carry checks. */
export const CHECK_OBJECT_TYPES = ['service', 'device', 'circuit'] as const;
export type CheckObjectType = (typeof CHECK_OBJECT_TYPES)[number];

export type CheckFamily = 4 | 6;
export type CheckOrigin = 'default' | 'custom';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Thresholds {
  /** Consecutive failing runs before the check counts as failing. */
  failure: number;
  /** Consecutive passing runs before a failing check counts as recovered. */
  success: number;
}

/**
 * Where a check sends its packets. Hosts are names resolved at run time (through the configured
 * resolver, one family per check); addresses are IP literals. Never holds a credential.
 */
export type CheckTarget =
  /** http: the URL to fetch; `host` is the URL's host. */
  | { url: string; host: string }
  /** tls, icmp (by name), tcp (by name): a host name or IP literal. */
  | { host: string }
  /** dnssec and dns-answer: a name and record type. */
  | { name: string; type: string }
  /** ns-ipv6: the zone whose name servers are judged. */
  | { zone: string }
  /** ipv6-web: a web host, and the path asked on every port. */
  | { host: string; path: string }
  /** ipv6-mail and smtp: the mail domain (its MX set is resolved at run time). */
  | { domain: string }
  /** icmp and tcp to a device: its management address. */
  | { deviceId: string; address: string }
  /**
   * snmp: the device (its credentials are decrypted by the runner from `devices.snmp_secret`)
   * and, for a circuit, the interface it terminates on.
   */
  | {
      deviceId: string;
      address: string;
      interface?: { id: string; name: string; ifIndex: number | null; end: 'a' | 'z' };
    };

/** One check as the engine stores and runs it. */
export interface CheckDefinition {
  /** Stable natural key: `service:<id>:http:6`, `device:<id>:icmp`, `circuit:<id>:snmp`. */
  key: string;
  objectType: CheckObjectType;
  objectId: string;
  unitId: string | null;
  kind: CheckKind;
  /** The one family this check judges; null for kinds that judge both (dnssec, ipv6-web...). */
  family: CheckFamily | null;
  target: CheckTarget;
  /** Probe settings (JSON-safe); defaults from config/checks.yaml, then overrides. */
  settings: JsonObject;
  intervalSeconds: number;
  timeoutMs: number;
  thresholds: Thresholds;
  enabled: boolean;
}

/** A row of `check_overrides`: the most specific matching row wins per field. */
export interface CheckOverride {
  objectType: CheckObjectType;
  objectId: string;
  /** Null: every kind of that object. */
  kind: CheckKind | null;
  /** Null: both families (and family-less checks). */
  family: CheckFamily | null;
  intervalSeconds: number | null;
  timeoutMs: number | null;
  failureThreshold: number | null;
  successThreshold: number | null;
  /** True: the matching checks stay defined but do not run. False re-enables (a more specific row can undo a broader one). */
  disabled: boolean | null;
  /** Merged key by key over the defaults. */
  settings: JsonObject | null;
}

export function isCheckKind(value: unknown): value is CheckKind {
  return typeof value === 'string' && (CHECK_KINDS as readonly string[]).includes(value);
}
