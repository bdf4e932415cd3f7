import { createHash } from 'node:crypto';

/**
 * "Same website over IPv4 and IPv6": the rules that decide whether two HTTP bodies are the same
 * page, once the parts that change on every request are taken out. probes/ipv6/README.md lists
 * them for people; keep the two in step.
 */

/** Default body similarity a pair of responses must reach to count as the same page. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.9;

export const SIMILARITY_MEASURE =
  'multiset Jaccard on word tokens (sum of min counts / sum of max counts) after volatile parts are stripped';

/** Field names whose values are per-request secrets: CSRF tokens, ASP.NET state, form ids. */
const TOKEN_FIELD =
  /csrf|xsrf|authenticity_token|requestverificationtoken|^_?token$|__viewstate|__eventvalidation|form_build_id|form_token|nonce/i;

/** Query or path parameters that carry a session id. */
const SESSION_PARAM =
  /(^|[?&;\s"'])(phpsessid|jsessionid|aspsessionid\w*|asp\.net_sessionid|sessionid|session_id|sid)=[^&#"'\s<>;]*/gi;

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';

/** Replacements, in order; each names the rule in the README. */
const RULES: { name: string; pattern: RegExp; replacement: string }[] = [
  // 1. HTML comments (build stamps, "generated in 0.03 s", cache keys).
  { name: 'html-comments', pattern: /<!--[\s\S]*?-->/g, replacement: ' ' },
  // 2. nonce attributes (CSP nonces on <script>/<style>).
  {
    name: 'nonce-attributes',
    pattern: /\bnonce\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi,
    replacement: 'nonce=""',
  },
  // 4. Session ids in URLs: ;jsessionid=..., ?PHPSESSID=..., &sid=...
  { name: 'url-session-ids', pattern: /;jsessionid=[^?#"'\s<>]*/gi, replacement: ';jsessionid=~' },
  { name: 'session-parameters', pattern: SESSION_PARAM, replacement: '$1$2=~' },
  // 5. Timestamps: ISO 8601, RFC 1123 (HTTP dates), d/m/yyyy (Vietnamese style) with an
  //    optional time, bare times, Unix epoch seconds and milliseconds (cache busters).
  {
    name: 'iso-8601',
    pattern:
      /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    replacement: '~time~',
  },
  {
    name: 'rfc-1123',
    pattern: new RegExp(
      `\\b${DAY},? \\d{1,2} ${MONTH} \\d{4} \\d{2}:\\d{2}(?::\\d{2})?(?: (?:GMT|UTC|[+-]\\d{4}))?`,
      'g',
    ),
    replacement: '~time~',
  },
  {
    name: 'day-month-year',
    pattern: /\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?\b/g,
    replacement: '~time~',
  },
  { name: 'clock-time', pattern: /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, replacement: '~time~' },
  { name: 'epoch', pattern: /\b1\d{9}(?:\d{3})?\b/g, replacement: '~time~' },
  // 6. Random identifiers: UUIDs, and long runs of base64/hex that mix letters and digits.
  {
    name: 'uuid',
    pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
    replacement: '~id~',
  },
  {
    name: 'long-tokens',
    pattern: /(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{32,}={0,2}/g,
    replacement: '~id~',
  },
];

/** 3. Values of form fields and meta tags whose name says they hold a per-request token. */
function blankTokenFields(html: string): string {
  return html.replace(/<(?:input|meta)\b[^>]*>/gi, (tag) => {
    const names = [...tag.matchAll(/\b(?:name|id|property)\s*=\s*["']?([^"'\s>]+)/gi)].map(
      (m) => m[1],
    );
    if (!names.some((n) => TOKEN_FIELD.test(n))) return tag;
    return tag.replace(/\b(value|content)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '$1=""');
  });
}

/** The text with every volatile part replaced by a fixed placeholder, whitespace collapsed. */
export function stripVolatile(text: string): string {
  let out = blankTokenFields(text.normalize('NFC'));
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replacement);
  return out.replace(/\s+/g, ' ').trim();
}

export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}_~]+/gu) ?? [];
}

/** Multiset Jaccard similarity of two token lists: 1 for identical, 0 for disjoint. */
export function tokenSimilarity(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const counts = new Map<string, [number, number]>();
  for (const t of a) {
    const c = counts.get(t) ?? [0, 0];
    c[0]++;
    counts.set(t, c);
  }
  for (const t of b) {
    const c = counts.get(t) ?? [0, 0];
    c[1]++;
    counts.set(t, c);
  }
  let min = 0;
  let max = 0;
  for (const [x, y] of counts.values()) {
    min += Math.min(x, y);
    max += Math.max(x, y);
  }
  return max === 0 ? 1 : min / max;
}

/** `text/html; charset=UTF-8` → `text/html;charset=utf-8`; empty when absent. */
export function normalizeContentType(value: string | undefined): string {
  if (!value) return '';
  return value
    .split(';')
    .map((part) => part.trim().replace(/"/g, '').toLowerCase())
    .filter(Boolean)
    .join(';');
}

/** Bodies compared as text: text/*, JSON, XML, JavaScript; or no type and no NUL byte. */
export function isTextual(contentType: string, body: Buffer): boolean {
  const type = normalizeContentType(contentType).split(';')[0];
  if (!type) return !body.subarray(0, 4096).includes(0);
  return (
    type.startsWith('text/') ||
    /[/+](json|xml)$/.test(type) ||
    /javascript|ecmascript/.test(type) ||
    type === 'application/xhtml+xml'
  );
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=([^;]+)/.exec(normalizeContentType(contentType))?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

export interface BodyComparison {
  /** `text`: token similarity after stripping; `binary`: SHA-256 equality (1 or 0). */
  method: 'text' | 'binary';
  similarity: number;
  equal: boolean;
  threshold: number;
}

/** Compares two bodies by the rules above (text when both are textual). */
export function compareBodies(
  a: { body: Buffer; contentType: string },
  b: { body: Buffer; contentType: string },
  threshold: number,
): BodyComparison {
  if (isTextual(a.contentType, a.body) && isTextual(b.contentType, b.body)) {
    const similarity = tokenSimilarity(
      tokenize(stripVolatile(decode(a.body, a.contentType))),
      tokenize(stripVolatile(decode(b.body, b.contentType))),
    );
    const rounded = Math.round(similarity * 1000) / 1000;
    return { method: 'text', similarity: rounded, equal: similarity >= threshold, threshold };
  }
  const same = sha256(a.body) === sha256(b.body);
  return { method: 'binary', similarity: same ? 1 : 0, equal: same, threshold };
}

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * A redirect target made comparable: resolved against the request URL (relative and absolute
 * spellings of one target are equal), session ids and other volatile parts stripped.
 */
export function normalizeLocation(location: string | undefined, requestUrl: string): string | null {
  if (location === undefined || location === '') return null;
  let absolute: string;
  try {
    absolute = new URL(location, requestUrl).href;
  } catch {
    absolute = location.trim();
  }
  return stripVolatile(absolute);
}
