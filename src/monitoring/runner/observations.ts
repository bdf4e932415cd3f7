/**
 * Observations are stored as JSON with every result, so they must be JSON-safe and bounded:
 * no bodies, no raw certificate bytes, no unbounded lists. `boundObservations` makes any probe
 * output safe: Buffers become their length, bigints strings, Dates ISO text; long strings and
 * lists are cut (with a marker), deep nesting is cut; and when the whole still exceeds the size
 * budget, it is cut harder, then replaced by a stub that says so.
 */

export interface Limits {
  maxString: number;
  maxArray: number;
  maxDepth: number;
}

/** The size budget of one result's observations (serialised JSON, characters). */
export const MAX_OBSERVATION_CHARS = 128 * 1024;

const PASSES: Limits[] = [
  { maxString: 2048, maxArray: 100, maxDepth: 12 },
  { maxString: 512, maxArray: 20, maxDepth: 10 },
  { maxString: 128, maxArray: 5, maxDepth: 8 },
];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * jsonb cannot store U+0000, and one such string made the writer refuse the whole result. Probes
 * pass on what targets send (an SNMP agent's sysDescr with NUL bytes in it): U+FFFD instead.
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('\ufffd') : text;
}

export function jsonSafe(value: unknown, limits: Limits, depth = 0): Json | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return storableText(
        value.length > limits.maxString
          ? `${value.slice(0, limits.maxString)}… (${value.length} characters)`
          : value,
      );
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: value.byteLength };
  if (value instanceof RegExp) return value.source;
  if (depth >= limits.maxDepth) return '(nested too deep)';
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value.slice(0, limits.maxArray))
      out.push(jsonSafe(item, limits, depth + 1) ?? null);
    if (value.length > limits.maxArray)
      out.push(`(${value.length - limits.maxArray} more left out)`);
    return out;
  }
  if (value instanceof Map || value instanceof Set) return jsonSafe([...value], limits, depth);
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const safe = jsonSafe(v, limits, depth + 1);
    if (safe !== undefined) out[storableText(k)] = safe;
  }
  return out;
}

/** JSON-safe observations within `maxChars` (see the file comment). */
export function boundObservations(
  observations: object,
  maxChars = MAX_OBSERVATION_CHARS,
): Record<string, unknown> {
  let size = 0;
  for (const limits of PASSES) {
    const safe = jsonSafe(observations, limits);
    const text = JSON.stringify(safe ?? {});
    size = text.length;
    if (size <= maxChars && safe && typeof safe === 'object' && !Array.isArray(safe)) return safe;
  }
  return { truncated: true, reason: `observations too large (${size} characters)` };
}

/** A finite number at `path` inside untyped observations, else null. */
export function numberAt(value: unknown, ...path: string[]): number | null {
  let v: unknown = value;
  for (const key of path) {
    if (!v || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
