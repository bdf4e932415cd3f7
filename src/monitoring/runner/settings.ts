import type { CheckTarget, JsonObject, JsonValue } from '../checks/check.types';

/**
 * Typed reads of a check's JSON settings and target. Settings are validated when checks are
 * derived (src/monitoring/checks/settings-schema.ts); a value of the wrong type reaching the
 * runner is a definition error, reported as `not_tested` with reason `invalid_settings`, never
 * guessed around.
 */
export class CheckSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckSettingsError';
  }
}

function wrong(key: string, what: string, value: JsonValue): never {
  throw new CheckSettingsError(`settings.${key} must be ${what}, got ${JSON.stringify(value)}`);
}

export function optString(s: JsonObject, key: string): string | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : wrong(key, 'a string', v);
}

export function optNumber(s: JsonObject, key: string): number | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : wrong(key, 'a number', v);
}

export function optBoolean(s: JsonObject, key: string): boolean | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'boolean' ? v : wrong(key, 'true or false', v);
}

export function optStringList(s: JsonObject, key: string): string[] | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return wrong(key, 'a list of strings', v);
}

export function optStringMap(s: JsonObject, key: string): Record<string, string> | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  if (
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string')
  )
    return v as Record<string, string>;
  return wrong(key, 'a mapping of strings', v);
}

export function optNumberMap(s: JsonObject, key: string): Record<string, number> | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  if (
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'number')
  )
    return v as Record<string, number>;
  return wrong(key, 'a mapping of numbers', v);
}

/** A string field of the target (targets are a union of shapes; the kind decides which). */
export function targetString(target: CheckTarget, key: string): string | undefined {
  const v = (target as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function requireTargetString(target: CheckTarget, key: string, kind: string): string {
  const v = targetString(target, key);
  if (v === undefined) throw new CheckSettingsError(`a ${kind} check needs target.${key}`);
  return v;
}
