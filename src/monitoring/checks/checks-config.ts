import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../common/project-root';
import { ConfigError } from '../../config/config.loader';
import {
  DEVICE_ROLES,
  DeviceRole,
  SERVICE_KINDS,
  ServiceKind,
} from '../../inventory/inventory.enums';
import {
  CHECK_KINDS,
  CheckFamily,
  CheckKind,
  isCheckKind,
  JsonObject,
  PER_FAMILY_KINDS,
} from './check.types';
import { missingSettings, settingsProblems } from './settings-schema';

/**
 * config/checks.yaml: the default checks of every inventory object kind. Loaded and validated
 * as a whole, like src/config/config.loader.ts: every problem is reported at once, each naming
 * its key and the file, and an unknown key is an error (a typo never falls back to a default).
 */

export { ConfigError };

/** Schedule and strictness of a check; every check kind has all of them in config. */
export interface Schedule {
  intervalSeconds: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
}

export interface KindDefaults extends Schedule {
  settings: JsonObject;
}

/** One default check of an object kind, with the kind's defaults already merged in. */
export interface CheckTemplate extends Schedule {
  kind: CheckKind;
  /** Per-family kinds on services: the families to check (one check each). Otherwise null. */
  families: CheckFamily[] | null;
  settings: JsonObject;
}

export interface ChecksConfig {
  /** Where the configuration came from (for messages). */
  source: string;
  kinds: Record<CheckKind, KindDefaults>;
  services: Record<ServiceKind, CheckTemplate[]>;
  devices: { default: CheckTemplate[]; roles: Partial<Record<DeviceRole, CheckTemplate[]>> };
  circuits: CheckTemplate[];
}

/** Which check kinds make sense on which object. */
const SERVICE_CHECK_KINDS: readonly CheckKind[] = CHECK_KINDS.filter((k) => k !== 'snmp');
const DEVICE_CHECK_KINDS: readonly CheckKind[] = ['icmp', 'snmp', 'tcp'];
const CIRCUIT_CHECK_KINDS: readonly CheckKind[] = ['snmp'];

export const SCHEDULE_LIMITS = {
  intervalSeconds: [10, 86_400],
  timeoutMs: [100, 600_000],
  failureThreshold: [1, 100],
  successThreshold: [1, 100],
} as const satisfies Record<keyof Schedule, readonly [number, number]>;

const SCHEDULE_KEYS = Object.keys(SCHEDULE_LIMITS) as (keyof Schedule)[];

type Problems = string[];

function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** `problem` for a schedule value out of range, or null. */
export function scheduleProblem(key: keyof Schedule, value: unknown): string | null {
  const [min, max] = SCHEDULE_LIMITS[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? null
    : `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`;
}

/** The run's deadline must end before the next run starts. */
export function timeoutProblem(s: Pick<Schedule, 'intervalSeconds' | 'timeoutMs'>): string | null {
  return s.timeoutMs <= s.intervalSeconds * 1000
    ? null
    : `timeoutMs (${s.timeoutMs}) must not exceed intervalSeconds (${s.intervalSeconds}) × 1000`;
}

function unknownKeys(
  node: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  at: string,
  problems: Problems,
): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key))
      problems.push(
        `${path ? `${path}.` : ''}${key} (${at}): unknown key (allowed: ${allowed.join(', ')})`,
      );
  }
}

function parseKinds(raw: unknown, at: string, problems: Problems): Record<CheckKind, KindDefaults> {
  const result = {} as Record<CheckKind, KindDefaults>;
  if (!isMapping(raw)) {
    problems.push(`kinds (${at}): must be a mapping of check kind to its defaults`);
    return result;
  }
  for (const key of Object.keys(raw)) {
    if (!isCheckKind(key))
      problems.push(`kinds.${key} (${at}): unknown check kind (known: ${CHECK_KINDS.join(', ')})`);
  }
  for (const kind of CHECK_KINDS) {
    const path = `kinds.${kind}`;
    const node = raw[kind];
    if (!isMapping(node)) {
      problems.push(`${path} (${at}): missing; every check kind needs its defaults`);
      continue;
    }
    unknownKeys(node, [...SCHEDULE_KEYS, 'settings'], path, at, problems);
    const defaults: Partial<KindDefaults> = { settings: {} };
    let complete = true;
    for (const key of SCHEDULE_KEYS) {
      const problem = node[key] === undefined ? 'missing' : scheduleProblem(key, node[key]);
      if (problem) {
        problems.push(`${path}.${key} (${at}): ${problem}`);
        complete = false;
      } else defaults[key] = node[key] as number;
    }
    if (node.settings !== undefined && node.settings !== null) {
      const bad = settingsProblems(kind, node.settings, `${path}.settings`);
      problems.push(...bad.map((p) => withSource(p, at)));
      if (!bad.length) defaults.settings = node.settings as JsonObject;
    }
    if (complete) {
      const t = timeoutProblem(defaults as KindDefaults);
      if (t) problems.push(`${path} (${at}): ${t}`);
    }
    result[kind] = defaults as KindDefaults;
  }
  return result;
}

/** `a.b: message` → `a.b (in file): message`. */
function withSource(problem: string, at: string): string {
  const i = problem.indexOf(': ');
  return i < 0 ? `${problem} (${at})` : `${problem.slice(0, i)} (${at})${problem.slice(i)}`;
}

function parseEntries(
  raw: unknown,
  path: string,
  objectKind: 'service' | 'device' | 'circuit',
  kinds: Record<CheckKind, KindDefaults>,
  at: string,
  problems: Problems,
): CheckTemplate[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${path} (${at}): must be a list of checks ({ kind: ... })`);
    return [];
  }
  const allowedKinds =
    objectKind === 'service'
      ? SERVICE_CHECK_KINDS
      : objectKind === 'device'
        ? DEVICE_CHECK_KINDS
        : CIRCUIT_CHECK_KINDS;
  const seen = new Set<CheckKind>();
  const templates: CheckTemplate[] = [];
  raw.forEach((entry: unknown, i) => {
    const here = `${path}[${i}]`;
    const node: Record<string, unknown> | null =
      typeof entry === 'string' ? { kind: entry } : isMapping(entry) ? entry : null;
    if (!node) {
      problems.push(`${here} (${at}): must be a mapping with a kind`);
      return;
    }
    unknownKeys(node, ['kind', 'families', ...SCHEDULE_KEYS, 'settings'], here, at, problems);
    const kind = node.kind;
    if (!isCheckKind(kind)) {
      problems.push(
        `${here}.kind (${at}): must be one of ${allowedKinds.join(', ')}, got ${JSON.stringify(kind)}`,
      );
      return;
    }
    if (!allowedKinds.includes(kind)) {
      problems.push(
        `${here}.kind (${at}): ${kind} checks do not apply to a ${objectKind} (allowed: ${allowedKinds.join(', ')})`,
      );
      return;
    }
    if (seen.has(kind)) {
      problems.push(
        `${here}.kind (${at}): ${kind} is listed twice; an object has one check per kind and family`,
      );
      return;
    }
    seen.add(kind);
    const base = kinds[kind];
    if (!base) return; // already reported under kinds
    const perFamily = objectKind === 'service' && PER_FAMILY_KINDS.includes(kind);
    let families: CheckFamily[] | null = perFamily ? [4, 6] : null;
    if (node.families !== undefined) {
      if (!perFamily) {
        problems.push(
          `${here}.families (${at}): only for ${PER_FAMILY_KINDS.join(', ')} checks of services; ` +
            (objectKind === 'service'
              ? `${kind} judges both families in one run`
              : `the family of a ${objectKind} check is that of the device's management address`),
        );
      } else if (
        !Array.isArray(node.families) ||
        node.families.length === 0 ||
        node.families.some((f) => f !== 4 && f !== 6) ||
        new Set(node.families).size !== node.families.length
      ) {
        problems.push(
          `${here}.families (${at}): must be [4, 6], [4] or [6], got ${JSON.stringify(node.families)}`,
        );
      } else families = [...(node.families as CheckFamily[])].sort();
    }
    const template: CheckTemplate = { ...base, kind, families, settings: { ...base.settings } };
    for (const key of SCHEDULE_KEYS) {
      if (node[key] === undefined) continue;
      const problem = scheduleProblem(key, node[key]);
      if (problem) problems.push(`${here}.${key} (${at}): ${problem}`);
      else template[key] = node[key] as number;
    }
    if (node.settings !== undefined && node.settings !== null) {
      const bad = settingsProblems(kind, node.settings, `${here}.settings`);
      problems.push(...bad.map((p) => withSource(p, at)));
      if (!bad.length) Object.assign(template.settings, node.settings as JsonObject);
    }
    const t = timeoutProblem(template);
    if (t) problems.push(`${here} (${at}): ${t}`);
    problems.push(
      ...missingSettings(kind, template.settings, `${here}.settings`).map((p) => withSource(p, at)),
    );
    templates.push(template);
  });
  return templates;
}

/** Validates a parsed checks.yaml. Throws ConfigError listing every problem. */
export function parseChecksConfig(raw: unknown, source: string): ChecksConfig {
  const at = `in ${source}`;
  if (!isMapping(raw)) throw new ConfigError([`${source}: must be a YAML mapping`]);
  const problems: Problems = [];
  unknownKeys(raw, ['version', 'kinds', 'objects'], '', at, problems);
  if (raw.version !== 1)
    problems.push(`version (${at}): must be 1, got ${JSON.stringify(raw.version)}`);
  const kinds = parseKinds(raw.kinds, at, problems);

  const services = {} as Record<ServiceKind, CheckTemplate[]>;
  const devices: ChecksConfig['devices'] = { default: [], roles: {} };
  let circuits: CheckTemplate[] = [];
  const objects = raw.objects;
  if (!isMapping(objects)) {
    problems.push(`objects (${at}): must be a mapping of object kind to its checks`);
  } else {
    unknownKeys(objects, [...SERVICE_KINDS, 'device', 'circuit'], 'objects', at, problems);
    for (const kind of SERVICE_KINDS) {
      if (!(kind in objects))
        problems.push(
          `objects.${kind} (${at}): missing; write an empty list (${kind}: []) for no checks`,
        );
      services[kind] = parseEntries(
        objects[kind],
        `objects.${kind}`,
        'service',
        kinds,
        at,
        problems,
      );
    }
    const device = objects.device;
    if (!isMapping(device)) {
      problems.push(`objects.device (${at}): must be a mapping with default (and optional roles)`);
    } else {
      unknownKeys(device, ['default', 'roles'], 'objects.device', at, problems);
      if (!('default' in device))
        problems.push(`objects.device.default (${at}): missing; the checks of every device role`);
      devices.default = parseEntries(
        device.default,
        'objects.device.default',
        'device',
        kinds,
        at,
        problems,
      );
      if (device.roles !== undefined && device.roles !== null) {
        if (!isMapping(device.roles)) {
          problems.push(`objects.device.roles (${at}): must be a mapping of device role to checks`);
        } else {
          unknownKeys(device.roles, DEVICE_ROLES, 'objects.device.roles', at, problems);
          for (const role of DEVICE_ROLES) {
            if (device.roles[role] === undefined) continue;
            devices.roles[role] = parseEntries(
              device.roles[role],
              `objects.device.roles.${role}`,
              'device',
              kinds,
              at,
              problems,
            );
          }
        }
      }
    }
    if (!('circuit' in objects))
      problems.push(`objects.circuit (${at}): missing; write circuit: [] for no checks`);
    circuits = parseEntries(objects.circuit, 'objects.circuit', 'circuit', kinds, at, problems);
  }
  if (problems.length) throw new ConfigError(problems);
  return { source, kinds, services, devices, circuits };
}

export interface ChecksConfigLoadOptions {
  /** Default: NETWATCH_CHECKS_CONFIG, else config/checks.yaml in the project folder. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/** Reads and validates config/checks.yaml (or NETWATCH_CHECKS_CONFIG). */
export function loadChecksConfig(options: ChecksConfigLoadOptions = {}): ChecksConfig {
  const env = options.env ?? process.env;
  const file = resolve(
    options.file || env.NETWATCH_CHECKS_CONFIG || join(projectRoot(), 'config', 'checks.yaml'),
  );
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file}: ${(err as Error).message}`]);
  }
  return parseChecksConfig(raw, file);
}

/** The checks an active device of this role gets: its role's list, else the default list. */
export function deviceTemplates(config: ChecksConfig, role: DeviceRole): CheckTemplate[] {
  return config.devices.roles[role] ?? config.devices.default;
}
