import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../common/project-root';
import { ConfigError } from '../../config/config.loader';

/**
 * config/compliance.yaml: the weights and thresholds of the compliance scorecard. Validated as a
 * whole: every problem is reported at once, naming its key and the file; an unknown key is an
 * error (a typo never falls back to a default silently).
 */

export const CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Criticality = (typeof CRITICALITIES)[number];
export const DNSSEC_STATES = ['secure', 'insecure', 'bogus', 'indeterminate', 'unknown'] as const;
export type DnssecState = (typeof DNSSEC_STATES)[number];
export const SEVERITIES = ['1', '2', '3', '4'] as const;

export interface ComplianceRules {
  weights: { ipv6: number; dnssec: number; availability: number; incidents: number };
  ipv6: { operationalThresholdPercent: number; assignedPoints: number; onlyRequired: boolean };
  dnssec: {
    points: Record<DnssecState, number>;
    expiryWarningDays: number;
    expiringPoints: number;
    onlyRequired: boolean;
  };
  availability: { targets: Record<Criticality, number>; pointsPerPercentBelow: number };
  incidents: { penalties: Record<'1' | '2' | '3' | '4', number> };
}

/** The shipped rules (the same as config/compliance.yaml as shipped). */
export const DEFAULT_COMPLIANCE_RULES: ComplianceRules = {
  weights: { ipv6: 35, dnssec: 25, availability: 30, incidents: 10 },
  ipv6: { operationalThresholdPercent: 95, assignedPoints: 40, onlyRequired: false },
  dnssec: {
    points: { secure: 100, insecure: 0, bogus: 0, indeterminate: 0, unknown: 0 },
    expiryWarningDays: 14,
    expiringPoints: 50,
    onlyRequired: false,
  },
  availability: {
    targets: { critical: 99.9, high: 99.5, medium: 99, low: 98 },
    pointsPerPercentBelow: 20,
  },
  incidents: { penalties: { '1': 25, '2': 10, '3': 3, '4': 0 } },
};

type Shape = { [key: string]: Shape | 'number' | 'percent' | 'points' | 'boolean' | 'days' };

const SHAPE: Shape = {
  weights: { ipv6: 'number', dnssec: 'number', availability: 'number', incidents: 'number' },
  ipv6: {
    operationalThresholdPercent: 'percent',
    assignedPoints: 'points',
    onlyRequired: 'boolean',
  },
  dnssec: {
    points: Object.fromEntries(DNSSEC_STATES.map((s) => [s, 'points'])) as Shape,
    expiryWarningDays: 'days',
    expiringPoints: 'points',
    onlyRequired: 'boolean',
  },
  availability: {
    targets: Object.fromEntries(CRITICALITIES.map((c) => [c, 'percent'])) as Shape,
    pointsPerPercentBelow: 'number',
  },
  incidents: { penalties: Object.fromEntries(SEVERITIES.map((s) => [s, 'points'])) as Shape },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Validates parsed rules. Every key is optional (a missing key keeps the shipped default);
 * unknown keys and bad values are errors. Throws ConfigError listing every problem.
 */
export function validateComplianceRules(
  raw: unknown,
  source = 'compliance rules',
): ComplianceRules {
  const problems: string[] = [];
  const out = structuredClone(DEFAULT_COMPLIANCE_RULES) as unknown as Record<string, unknown>;
  if (raw === null || raw === undefined) return DEFAULT_COMPLIANCE_RULES;
  if (!isObject(raw)) throw new ConfigError([`${source}: must be a mapping`]);
  const { version, ...rest } = raw;
  if (version !== undefined && version !== 1)
    problems.push(`version (in ${source}): must be 1, got ${JSON.stringify(version)}`);
  const walk = (
    value: Record<string, unknown>,
    shape: Shape,
    target: Record<string, unknown>,
    path: string,
  ) => {
    for (const [key, v] of Object.entries(value)) {
      const name = path ? `${path}.${key}` : key;
      const kind = shape[key];
      if (kind === undefined) {
        problems.push(`${name} (in ${source}): unknown key`);
        continue;
      }
      if (typeof kind === 'object') {
        if (!isObject(v)) problems.push(`${name} (in ${source}): must be a mapping`);
        else walk(v, kind, target[key] as Record<string, unknown>, name);
        continue;
      }
      const fail = (what: string) =>
        problems.push(`${name} (in ${source}): must be ${what}, got ${JSON.stringify(v)}`);
      if (kind === 'boolean') {
        if (typeof v !== 'boolean') fail('true or false');
        else target[key] = v;
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        fail('a number');
        continue;
      }
      if (kind === 'number' && v < 0) fail('a number ≥ 0');
      else if ((kind === 'percent' || kind === 'points') && (v < 0 || v > 100))
        fail('a number from 0 to 100');
      else if (kind === 'days' && (!Number.isInteger(v) || v < 0 || v > 3650))
        fail('an integer from 0 to 3650');
      else target[key] = v;
    }
  };
  walk(rest, SHAPE, out, '');
  const rules = out as unknown as ComplianceRules;
  if (!problems.length && Object.values(rules.weights).every((w) => w === 0))
    problems.push(`weights (in ${source}): at least one weight must be > 0`);
  if (problems.length) throw new ConfigError(problems);
  return rules;
}

/** Reads config/compliance.yaml (or NETWATCH_COMPLIANCE_CONFIG, or `file`). */
export function loadComplianceRules(
  options: { file?: string; env?: NodeJS.ProcessEnv } = {},
): ComplianceRules {
  const env = options.env ?? process.env;
  const file = resolve(
    options.file ||
      env.NETWATCH_COMPLIANCE_CONFIG ||
      join(projectRoot(), 'config', 'compliance.yaml'),
  );
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot be read (${(err as Error).message})`]);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid YAML (${(err as Error).message})`]);
  }
  return validateComplianceRules(parsed, file);
}
