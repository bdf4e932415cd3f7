import type { FieldProblem } from '../../common/errors';
import { ValidationError } from '../../common/errors';
import { LANGUAGES, type ChannelTarget, type Language } from '../notification.types';

/**
 * Small readers for channel settings. Each collects problems naming `config.<field>` or
 * `secret.<field>` and the driver throws one ValidationError with all of them. Problems about
 * secrets never repeat the value.
 */
export class Reader {
  readonly problems: FieldProblem[] = [];
  readonly obj: Record<string, unknown>;

  /**
   * @param prefix `config` or `secret`
   * @param known the fields the object may have; anything else is refused (a typo is never ignored)
   * @param emptyAllowed null/undefined read as `{}` (secrets whose fields are all optional)
   */
  constructor(
    readonly prefix: 'config' | 'secret',
    input: unknown,
    readonly known: readonly string[],
    emptyAllowed = false,
  ) {
    if ((input === undefined || input === null) && emptyAllowed) {
      this.obj = {};
    } else if (!input || typeof input !== 'object' || Array.isArray(input)) {
      this.problems.push({ field: prefix, message: 'must be an object' });
      this.obj = {};
    } else {
      this.obj = input as Record<string, unknown>;
      for (const key of Object.keys(this.obj)) {
        if (!known.includes(key)) this.add(key, `unknown field (known: ${known.join(', ')})`);
      }
    }
  }

  field(key: string): string {
    return `${this.prefix}.${key}`;
  }

  add(key: string, message: string): void {
    this.problems.push({ field: this.field(key), message });
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  /** Shows a config value in a message; secrets are never shown. */
  private show(value: unknown): string {
    if (this.prefix === 'secret') return '';
    const text = JSON.stringify(value) ?? String(value);
    return `, got ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
  }

  string(
    key: string,
    opts: {
      required?: boolean;
      max?: number;
      min?: number;
      pattern?: RegExp;
      patternText?: string;
    } = {},
  ): string | undefined {
    const value = this.obj[key];
    if (value === undefined || value === null) {
      if (opts.required) this.add(key, 'is required');
      return undefined;
    }
    const max = opts.max ?? 1024;
    const min = opts.min ?? 1;
    if (typeof value !== 'string') {
      this.add(key, `must be a string${this.show(value)}`);
      return undefined;
    }
    if (value.length < min || value.length > max) {
      this.add(
        key,
        min > 1
          ? `must be ${min} to ${max} characters long`
          : `must be a non-empty string of at most ${max} characters`,
      );
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.add(key, `must be ${opts.patternText ?? `like ${opts.pattern}`}${this.show(value)}`);
      return undefined;
    }
    return value;
  }

  int(key: string, min: number, max: number, fallback: number): number {
    const value = this.obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.add(key, `must be an integer from ${min} to ${max}${this.show(value)}`);
      return fallback;
    }
    return value;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.add(key, `must be true or false${this.show(value)}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const value = this.obj[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !values.includes(value as T)) {
      this.add(key, `must be one of ${values.join(', ')}${this.show(value)}`);
      return fallback;
    }
    return value as T;
  }

  language(): Language {
    return this.oneOf('language', LANGUAGES, 'vi');
  }

  /** Throws one ValidationError listing every problem, if there is any. */
  done(what: string): void {
    if (this.problems.length === 0) return;
    // Not an object at all: the fields' "is required" would only repeat that.
    const root = this.problems.filter((p) => p.field === this.prefix);
    const problems = root.length ? root : this.problems;
    const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new ValidationError(`invalid ${what}: ${summary}`, problems);
  }
}

/** RFC 7230 token: a header name. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Visible ASCII, spaces and tabs: a header value fetch accepts, no CR/LF. */
export const HEADER_VALUE = /^[\t\x20-\x7e]{0,4096}$/;

/**
 * A map of header names to values. `forbidden(name)` returns why a (lower-case) name may not be
 * set, or null. Problems name `<prefix>.headers.<Name>`; secret values are never shown.
 */
export function readHeaders(
  reader: Reader,
  key: string,
  forbidden: (lowerName: string) => string | null,
  maxHeaders = 20,
): Record<string, string> | undefined {
  const value = reader.obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    reader.add(key, 'must be an object of header names to string values');
    return undefined;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > maxHeaders) {
    reader.add(key, `at most ${maxHeaders} headers`);
    return undefined;
  }
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  let ok = true;
  for (const [name, v] of entries) {
    const field = `${key}.${name}`;
    if (!HEADER_NAME.test(name)) {
      reader.add(field, 'is not a valid header name');
      ok = false;
      continue;
    }
    const lower = name.toLowerCase();
    const why = forbidden(lower);
    if (why) {
      reader.add(field, why);
      ok = false;
      continue;
    }
    if (seen.has(lower)) {
      reader.add(field, 'is given twice (header names are case-insensitive)');
      ok = false;
      continue;
    }
    seen.add(lower);
    if (typeof v !== 'string' || !HEADER_VALUE.test(v)) {
      reader.add(
        field,
        'must be a string of printable ASCII (no line breaks), at most 4096 characters',
      );
      ok = false;
      continue;
    }
    out[name] = v;
  }
  return ok ? out : undefined;
}

/**
 * An absolute http(s) URL without credentials or fragment. Returns the URL or records a
 * problem. `httpOnlyLoopback`: plain http only to a loopback host.
 */
export function readHttpUrl(
  reader: Reader,
  key: string,
  opts: { required: boolean; fallback?: string; httpOnlyLoopback?: boolean },
): URL | undefined {
  const raw = reader.string(key, { required: opts.required, max: 2048 }) ?? opts.fallback;
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    reader.add(key, 'must be an absolute http or https URL');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    reader.add(key, `must use http or https, not ${url.protocol.replace(/:$/, '')}`);
    return undefined;
  }
  if (url.username || url.password) {
    reader.add(key, 'must not contain a user name or password (put credentials in the secret)');
    return undefined;
  }
  if (url.hash) {
    reader.add(key, 'must not have a fragment (#...)');
    return undefined;
  }
  if (opts.httpOnlyLoopback && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    reader.add(key, 'must use https (plain http is allowed only to a loopback address)');
    return undefined;
  }
  return url;
}

/** The host and port an http(s) URL connects to (80/443 by default). */
export function urlTarget(field: string, url: string): ChannelTarget {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { field, host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * A plain mailbox address (local@domain), what SMTP puts in MAIL FROM / RCPT TO. Display
 * names, comments and quoted local parts are not accepted.
 */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS host name (letters, digits, hyphens, dots). */
export function isHostname(value: string): boolean {
  return value.length <= 253 && DOMAIN.test(value);
}

export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && DOMAIN.test(domain);
}
