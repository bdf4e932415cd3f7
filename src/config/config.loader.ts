import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { scopeAllowList } from '../monitoring/checks/scope';
import { parseAllowList } from '../common/outbound-guard';
import { projectRoot } from '../common/project-root';
import { LogLevelName, NetwatchConfig } from './config.types';
import { scaleoutProblems } from '../scaleout/scaleout-config';
import { publicStatusProblems } from '../monitoring/public-status.config';

/** A configuration value that cannot be used; the message names the key and where it came from. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Kind =
  | 'string'
  | 'port'
  | 'portOrZero'
  | 'positiveInt'
  | 'nonNegativeInt'
  | 'boolean'
  | 'logLevel'
  | 'url'
  | 'severityList'
  | 'stringList'
  | 'originList'
  | 'outboundAllowList';

interface Setting {
  path: string;
  env: string;
  kind: Kind;
}

/** Every setting, its environment override and its type. The README table mirrors this list. */
export const SETTINGS: readonly Setting[] = [
  { path: 'server.host', env: 'HOST', kind: 'string' },
  { path: 'server.port', env: 'PORT', kind: 'port' },
  { path: 'server.bodyLimitBytes', env: 'NETWATCH_BODY_LIMIT_BYTES', kind: 'positiveInt' },
  { path: 'server.corsOrigins', env: 'NETWATCH_CORS_ORIGINS', kind: 'originList' },
  { path: 'server.hstsMaxAgeSeconds', env: 'NETWATCH_HSTS_MAX_AGE', kind: 'nonNegativeInt' },
  { path: 'dataDir', env: 'NETWATCH_DATA_DIR', kind: 'string' },
  { path: 'database.url', env: 'DATABASE_URL', kind: 'url' },
  { path: 'database.embeddedPort', env: 'NETWATCH_PG_PORT', kind: 'portOrZero' },
  { path: 'database.poolSize', env: 'NETWATCH_DB_POOL_SIZE', kind: 'positiveInt' },
  { path: 'database.logSql', env: 'NETWATCH_DB_LOG_SQL', kind: 'boolean' },
  { path: 'secrets.key', env: 'NETWATCH_SECRET_KEY', kind: 'string' },
  {
    path: 'secrets.previousKeys',
    env: 'NETWATCH_SECRET_PREVIOUS_KEYS',
    kind: 'stringList',
  },
  { path: 'inventory.loadExampleOnEmpty', env: 'NETWATCH_LOAD_EXAMPLE', kind: 'boolean' },
  { path: 'inventory.exampleFile', env: 'NETWATCH_EXAMPLE_FILE', kind: 'string' },
  { path: 'inventory.importMaxBytes', env: 'NETWATCH_IMPORT_MAX_BYTES', kind: 'positiveInt' },
  { path: 'log.level', env: 'NETWATCH_LOG_LEVEL', kind: 'logLevel' },
  { path: 'monitoring.enabled', env: 'NETWATCH_MONITORING', kind: 'boolean' },
  { path: 'monitoring.probeScope', env: 'NETWATCH_PROBE_SCOPE', kind: 'string' },
  { path: 'monitoring.resolver', env: 'NETWATCH_RESOLVER', kind: 'string' },
  { path: 'monitoring.ipv6Anchor', env: 'NETWATCH_IPV6_ANCHOR', kind: 'string' },
  { path: 'monitoring.trustAnchorFile', env: 'NETWATCH_TRUST_ANCHOR', kind: 'string' },
  { path: 'monitoring.globalConcurrency', env: 'NETWATCH_CONCURRENCY', kind: 'positiveInt' },
  {
    path: 'monitoring.perHostConcurrency',
    env: 'NETWATCH_PER_HOST_CONCURRENCY',
    kind: 'positiveInt',
  },
  { path: 'monitoring.syncSeconds', env: 'NETWATCH_SYNC_SECONDS', kind: 'positiveInt' },
  { path: 'monitoring.rawRetentionDays', env: 'NETWATCH_RAW_RETENTION_DAYS', kind: 'positiveInt' },
  {
    path: 'monitoring.hourlyRetentionDays',
    env: 'NETWATCH_HOURLY_RETENTION_DAYS',
    kind: 'positiveInt',
  },
  {
    path: 'monitoring.dailyRetentionYears',
    env: 'NETWATCH_DAILY_RETENTION_YEARS',
    kind: 'positiveInt',
  },
  {
    path: 'monitoring.lockGraceSeconds',
    env: 'NETWATCH_LOCK_GRACE_SECONDS',
    kind: 'nonNegativeInt',
  },
  {
    path: 'monitoring.resultBuffer.memoryRows',
    env: 'NETWATCH_RESULT_MEMORY_ROWS',
    kind: 'positiveInt',
  },
  { path: 'monitoring.resultBuffer.spoolDir', env: 'NETWATCH_RESULT_SPOOL_DIR', kind: 'string' },
  {
    path: 'monitoring.resultBuffer.spoolMaxBytes',
    env: 'NETWATCH_RESULT_SPOOL_MAX_BYTES',
    kind: 'nonNegativeInt',
  },
  { path: 'auth.adminPassword', env: 'NETWATCH_ADMIN_PASSWORD', kind: 'string' },
  { path: 'auth.sessionHours', env: 'NETWATCH_SESSION_HOURS', kind: 'positiveInt' },
  { path: 'auth.lockoutAttempts', env: 'NETWATCH_LOCKOUT_ATTEMPTS', kind: 'positiveInt' },
  { path: 'auth.lockoutMinutes', env: 'NETWATCH_LOCKOUT_MINUTES', kind: 'positiveInt' },
  { path: 'reports.schedulesFile', env: 'NETWATCH_REPORT_SCHEDULES', kind: 'string' },
  { path: 'organisation.name', env: 'NETWATCH_ORG_NAME', kind: 'string' },
  { path: 'organisation.nameEn', env: 'NETWATCH_ORG_NAME_EN', kind: 'string' },
  { path: 'organisation.managingBody', env: 'NETWATCH_ORG_MANAGING_BODY', kind: 'string' },
  { path: 'organisation.managingBodyEn', env: 'NETWATCH_ORG_MANAGING_BODY_EN', kind: 'string' },
  {
    path: 'incidents.reportDueDays',
    env: 'NETWATCH_INCIDENT_REPORT_DUE_DAYS',
    kind: 'positiveInt',
  },
  {
    path: 'incidents.reopenWindowMinutes',
    env: 'NETWATCH_INCIDENT_REOPEN_MINUTES',
    kind: 'nonNegativeInt',
  },
  {
    path: 'incidents.autoResolveSeverities',
    env: 'NETWATCH_INCIDENT_AUTO_RESOLVE',
    kind: 'severityList',
  },
  { path: 'incidents.degradedKinds', env: 'NETWATCH_INCIDENT_DEGRADED_KINDS', kind: 'stringList' },
  { path: 'publicStatus.title', env: 'NETWATCH_PUBLIC_STATUS_TITLE', kind: 'string' },
  { path: 'publicStatus.titleEn', env: 'NETWATCH_PUBLIC_STATUS_TITLE_EN', kind: 'string' },
  { path: 'publicStatus.services', env: 'NETWATCH_PUBLIC_STATUS_SERVICES', kind: 'stringList' },
  { path: 'notifications.enabled', env: 'NETWATCH_NOTIFICATIONS', kind: 'boolean' },
  { path: 'notifications.publicUrl', env: 'NETWATCH_PUBLIC_URL', kind: 'string' },
  { path: 'notifications.pollMs', env: 'NETWATCH_NOTIFY_POLL_MS', kind: 'positiveInt' },
  {
    path: 'notifications.backoffBaseSeconds',
    env: 'NETWATCH_NOTIFY_BACKOFF_SECONDS',
    kind: 'positiveInt',
  },
  {
    path: 'notifications.backoffMaxSeconds',
    env: 'NETWATCH_NOTIFY_BACKOFF_MAX_SECONDS',
    kind: 'positiveInt',
  },
  { path: 'notifications.maxAttempts', env: 'NETWATCH_NOTIFY_MAX_ATTEMPTS', kind: 'positiveInt' },
  {
    path: 'notifications.stormThreshold',
    env: 'NETWATCH_NOTIFY_STORM_THRESHOLD',
    kind: 'positiveInt',
  },
  {
    path: 'notifications.stormWindowSeconds',
    env: 'NETWATCH_NOTIFY_STORM_WINDOW_SECONDS',
    kind: 'positiveInt',
  },
  {
    path: 'notifications.unacknowledgedReminderMinutes',
    env: 'NETWATCH_REMIND_UNACKNOWLEDGED_MINUTES',
    kind: 'nonNegativeInt',
  },
  {
    path: 'notifications.unacknowledgedReminderMax',
    env: 'NETWATCH_REMIND_UNACKNOWLEDGED_MAX',
    kind: 'positiveInt',
  },
  {
    path: 'notifications.reportReminderHours',
    env: 'NETWATCH_REMIND_REPORT_HOURS',
    kind: 'nonNegativeInt',
  },
  {
    path: 'notifications.reminderScanSeconds',
    env: 'NETWATCH_REMINDER_SCAN_SECONDS',
    kind: 'positiveInt',
  },
  {
    path: 'notifications.allowedTargets',
    env: 'NETWATCH_OUTBOUND_ALLOW',
    kind: 'outboundAllowList',
  },
  { path: 'scaleout.mode', env: 'NETWATCH_SCALEOUT_MODE', kind: 'string' },
  { path: 'scaleout.redisUrl', env: 'NETWATCH_REDIS_URL', kind: 'string' },
  { path: 'scaleout.prefix', env: 'NETWATCH_QUEUE_PREFIX', kind: 'string' },
  { path: 'scaleout.defaultLocations', env: 'NETWATCH_LOCATIONS', kind: 'stringList' },
  { path: 'scaleout.resultGraceMs', env: 'NETWATCH_RESULT_GRACE_MS', kind: 'positiveInt' },
  { path: 'scaleout.lockMs', env: 'NETWATCH_QUEUE_LOCK_MS', kind: 'positiveInt' },
  { path: 'scaleout.stalledMs', env: 'NETWATCH_QUEUE_STALLED_MS', kind: 'positiveInt' },
  {
    path: 'scaleout.workerConcurrency',
    env: 'NETWATCH_WORKER_CONCURRENCY',
    kind: 'positiveInt',
  },
  { path: 'scaleout.batchMs', env: 'NETWATCH_RESULT_BATCH_MS', kind: 'positiveInt' },
  { path: 'scaleout.batchSize', env: 'NETWATCH_RESULT_BATCH_SIZE', kind: 'positiveInt' },
];

const LOG_LEVELS: readonly LogLevelName[] = ['error', 'warn', 'log', 'debug', 'verbose'];

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => {
    if (node && typeof node === 'object') return (node as Record<string, unknown>)[key];
    return undefined;
  }, obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Converts one raw value (YAML scalar or environment string) to its typed form, or explains why not. */
function coerce(kind: Kind, raw: unknown): { value?: unknown; problem?: string } {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (kind) {
    case 'string':
      return typeof text === 'string' ? { value: text } : { problem: 'must be a string' };
    case 'url': {
      if (text === '' || text === null || text === undefined) return { value: '' };
      if (typeof text !== 'string') return { problem: 'must be a postgres:// URL' };
      try {
        const url = new URL(text);
        if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
          return { problem: 'must be a postgres:// or postgresql:// URL' };
        }
        return { value: text };
      } catch {
        return { problem: 'must be a postgres:// URL' };
      }
    }
    case 'boolean':
      if (typeof text === 'boolean') return { value: text };
      if (text === 'true' || text === '1') return { value: true };
      if (text === 'false' || text === '0') return { value: false };
      return { problem: 'must be true or false' };
    case 'severityList':
    case 'originList':
    case 'outboundAllowList':
    case 'stringList': {
      const items = Array.isArray(text)
        ? text.map((v) => String(v).trim())
        : typeof text === 'string' || typeof text === 'number'
          ? String(text)
              .split(',')
              .map((v) => v.trim())
          : null;
      if (!items) return { problem: 'must be a list or a comma-separated string' };
      const list = items.filter((v) => v !== '');
      if (kind === 'stringList') return { value: list };
      if (kind === 'originList') {
        const origins = list.map(origin);
        const bad = list.find((_, i) => origins[i] === null);
        return bad === undefined
          ? { value: [...new Set(origins)] }
          : {
              problem: `${JSON.stringify(bad)} is not an origin: write scheme://host[:port] (http or https, no path, no trailing slash)`,
            };
      }
      if (kind === 'outboundAllowList') {
        try {
          parseAllowList(list);
          return { value: list };
        } catch (err) {
          return { problem: (err as Error).message };
        }
      }
      if (list.some((v) => !/^[1-4]$/.test(v)))
        return { problem: 'must be severities from 1 to 4, e.g. 3,4' };
      return { value: [...new Set(list.map(Number))].sort() };
    }
    case 'logLevel':
      return LOG_LEVELS.includes(text as LogLevelName)
        ? { value: text }
        : { problem: `must be one of ${LOG_LEVELS.join(', ')}` };
    default: {
      const n =
        typeof text === 'number'
          ? text
          : typeof text === 'string' && /^\d+$/.test(text)
            ? Number(text)
            : NaN;
      const min = kind === 'portOrZero' || kind === 'nonNegativeInt' ? 0 : 1;
      const max =
        kind === 'positiveInt' || kind === 'nonNegativeInt' ? Number.MAX_SAFE_INTEGER : 65535;
      if (!Number.isInteger(n) || n < min || n > max) {
        return { problem: `must be an integer from ${min} to ${max}` };
      }
      return { value: n };
    }
  }
}

/** `https://noc.example.gov.vn[:8443]` as a browser sends it in Origin, or null. */
function origin(text: string): string | null {
  if (!/^https?:\/\/[^/?#@\s]+$/i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const b = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      b &&
      typeof b === 'object' &&
      !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads config/default.yaml (or NETWATCH_CONFIG), applies environment overrides and validates
 * every key. Unknown keys in the file are rejected too: a typo must not silently fall back to a
 * default.
 */
export function loadConfig(options: LoadOptions = {}): NetwatchConfig {
  const env = options.env ?? process.env;
  const defaultsFile = join(projectRoot(), 'config', 'default.yaml');
  const file = resolve(options.file ?? env.NETWATCH_CONFIG ?? defaultsFile);
  const read = (path: string): Record<string, unknown> => {
    let parsed: unknown;
    try {
      parsed = parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ConfigError([`${path}: ${(err as Error).message}`]);
    }
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ConfigError([`${path}: must be a YAML mapping`]);
    return parsed as Record<string, unknown>;
  };
  // A site's own file overlays the shipped defaults, so it names only what it changes.
  const fromFile =
    file === resolve(defaultsFile) ? read(file) : deepMerge(read(defaultsFile), read(file));
  const ownKeys = file === resolve(defaultsFile) ? fromFile : read(file);

  const problems: string[] = [];
  const known = new Set(SETTINGS.map((s) => s.path));
  const walk = (node: unknown, prefix: string): void => {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === 'object' && !Array.isArray(value) && !known.has(path))
        walk(value, path);
      else if (!known.has(path)) problems.push(`${path} (in ${file}): unknown setting`);
    }
  };
  walk(ownKeys, '');

  const result: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const envValue = env[setting.env];
    const fromEnv = envValue !== undefined && envValue !== '';
    const raw = fromEnv ? envValue : getPath(fromFile, setting.path);
    const source = fromEnv ? `environment ${setting.env}` : file;
    if (raw === undefined || raw === null) {
      if (setting.kind === 'url' || setting.kind === 'string') {
        setPath(result, setting.path, '');
        continue;
      }
      problems.push(`${setting.path} (${source}): missing`);
      continue;
    }
    const { value, problem } = coerce(setting.kind, raw);
    if (problem)
      problems.push(`${setting.path} (${source}): ${problem}, got ${JSON.stringify(raw)}`);
    else setPath(result, setting.path, value);
  }
  const config = result as unknown as NetwatchConfig;
  // Checked even when other keys are bad, so one run reports every problem.
  if (config.dataDir === '') problems.push('dataDir: must not be empty');
  const key = config.secrets?.key;
  const scope = config.monitoring?.probeScope;
  if (scope) {
    try {
      scopeAllowList(scope, 'monitoring.probeScope (NETWATCH_PROBE_SCOPE)');
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const n = config.notifications;
  if (n && n.backoffMaxSeconds < n.backoffBaseSeconds)
    problems.push(
      'notifications.backoffMaxSeconds: must be at least notifications.backoffBaseSeconds',
    );
  for (const [i, k] of (config.secrets?.previousKeys ?? []).entries())
    if (Buffer.from(k, 'base64').length !== 32)
      problems.push(
        `secrets.previousKeys[${i}] (NETWATCH_SECRET_PREVIOUS_KEYS): must be base64 of exactly 32 bytes`,
      );
  const buffer = config.monitoring?.resultBuffer;
  if (buffer && buffer.memoryRows > 100_000_000)
    problems.push(
      'monitoring.resultBuffer.memoryRows (NETWATCH_RESULT_MEMORY_ROWS): must be at most 100000000',
    );
  if (buffer && buffer.spoolMaxBytes > 0 && buffer.spoolMaxBytes < 1024)
    problems.push(
      'monitoring.resultBuffer.spoolMaxBytes (NETWATCH_RESULT_SPOOL_MAX_BYTES): must be 0 (no spool) or at least 1024',
    );
  if (config.scaleout) problems.push(...scaleoutProblems(config.scaleout));
  if (config.publicStatus) problems.push(...publicStatusProblems(config.publicStatus.services));
  if (key && Buffer.from(key, 'base64').length !== 32) {
    problems.push('secrets.key (NETWATCH_SECRET_KEY): must be base64 of exactly 32 bytes');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
