import { createHmac, timingSafeEqual } from 'node:crypto';
import Mustache from 'mustache';
import type {
  ChannelDriver,
  ChannelTarget,
  DeliveryResult,
  IncidentSummary,
  Language,
  NotificationItem,
  NotificationMessage,
  SendContext,
} from '../notification.types';
import {
  categoryLabel,
  eventLabel,
  renderText,
  severityLabel,
  statusLabel,
  truncate,
} from '../templates';
import { excerpt, post, reportRefused, scrubber, statusFailure, unusableMessage } from './delivery';
import { readHeaders, readHttpUrl, Reader, urlTarget } from './validation';

export const WEBHOOK_TEMPLATES = ['netwatch', 'zalo', 'custom'] as const;
export type WebhookTemplate = (typeof WEBHOOK_TEMPLATES)[number];

export interface WebhookConfig {
  url: string;
  template: WebhookTemplate;
  /** Mustache template producing JSON (template `custom` only). */
  body?: string;
  language: Language;
  /** Non-secret extra headers. */
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Zalo OA follower to message (template `zalo` only). */
  zaloUserId?: string;
}

export interface WebhookSecret {
  /** Key of the HMAC-SHA256 signature header. */
  hmacKey?: string;
  /** Secret headers, e.g. Zalo's `access_token`. */
  headers?: Record<string, string>;
}

/** Zalo OA limits a text message to 2000 characters. */
export const ZALO_TEXT_MAX = 2000;
const CUSTOM_BODY_MAX = 16384;
const DEFAULT_TIMEOUT_MS = 10_000;

export const HEADER_DELIVERY = 'X-NetWatch-Delivery';
export const HEADER_TIMESTAMP = 'X-NetWatch-Timestamp';
export const HEADER_SIGNATURE = 'X-NetWatch-Signature';

/** Headers the driver sets itself, or that only the HTTP client may set. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
]);

function reservedHeader(lower: string): string | null {
  if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-netwatch-'))
    return 'is set by NetWatch and cannot be overridden';
  return null;
}

/** Config headers are stored in clear: anything that looks like a credential belongs in the secret. */
function configHeader(lower: string): string | null {
  return (
    reservedHeader(lower) ??
    (/authorization|cookie|token|secret|passw|api-?key/.test(lower)
      ? 'looks like a credential: put it in secret.headers'
      : null)
  );
}

// ---------------------------------------------------------------------------------------------
// Signatures

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<rawBody>">`. */
export function signWebhook(
  rawBody: string | Buffer,
  timestamp: number | string,
  key: string,
): string {
  const mac = createHmac('sha256', key);
  mac.update(`${timestamp}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * For receivers (and tests): true when `signature` is the HMAC of `timestamp` and the raw body
 * under `key`, and the timestamp is within `toleranceSeconds` of `nowMs` (replay protection).
 * Compares in constant time.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  timestamp: string | number | undefined | null,
  signature: string | undefined | null,
  key: string,
  toleranceSeconds = 300,
  nowMs: number = Date.now(),
): boolean {
  if (timestamp === undefined || timestamp === null || !signature || !key) return false;
  const ts = String(timestamp);
  if (!/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(nowMs / 1000 - Number(ts)) > toleranceSeconds) return false;
  if (!/^sha256=[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signWebhook(rawBody, ts, key).slice('sha256='.length), 'hex');
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// ---------------------------------------------------------------------------------------------
// Bodies

function iso(date: Date | null): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

/** The IncidentSummary with ISO dates: what JSON bodies carry. */
export function incidentJson(incident: IncidentSummary) {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    category: incident.category,
    status: incident.status,
    unitCode: incident.unitCode,
    unitName: incident.unitName,
    openedAt: iso(incident.openedAt),
    acknowledgedAt: iso(incident.acknowledgedAt),
    resolvedAt: iso(incident.resolvedAt),
    reportDueAt: iso(incident.reportDueAt),
    assignee: incident.assignee,
    url: incident.url,
  };
}

function itemJson(item: NotificationItem) {
  return { event: item.event, at: iso(item.at), incident: incidentJson(item.incident) };
}

export function netwatchBody(message: NotificationMessage, language: Language) {
  const { subject, text } = renderText(message, language);
  return { deliveryId: message.deliveryId, subject, text, items: message.items.map(itemJson) };
}

export function zaloBody(message: NotificationMessage, language: Language, userId: string) {
  return {
    recipient: { user_id: userId },
    message: { text: truncate(renderText(message, language).text, ZALO_TEXT_MAX) },
  };
}

/** What a custom template sees: the message, rendered text, items, and the first item's fields. */
export function customView(message: NotificationMessage, language: Language) {
  const { subject, text } = renderText(message, language);
  const items = message.items.map((item) => ({
    event: item.event,
    eventLabel: eventLabel(item.event, language),
    at: iso(item.at),
    incident: {
      ...incidentJson(item.incident),
      severityLabel: severityLabel(item.incident.severity, language),
      categoryLabel: categoryLabel(item.incident.category, language),
      statusLabel: statusLabel(item.incident.status, language),
    },
  }));
  const first = items[0];
  return {
    deliveryId: message.deliveryId,
    language,
    subject,
    text,
    count: items.length,
    digest: items.length > 1,
    items,
    event: first?.event ?? null,
    eventLabel: first?.eventLabel ?? null,
    at: first?.at ?? null,
    incident: first?.incident ?? null,
  };
}

/** Every interpolated value becomes the inside of a JSON string literal. */
const jsonStringEscape = (value: unknown): string => JSON.stringify(String(value)).slice(1, -1);

/** Renders a custom template; throws when the template or its output is not usable JSON. */
export function renderCustomBody(template: string, view: object): string {
  const rendered = new Mustache.Writer().render(template, view, undefined, {
    escape: jsonStringEscape,
  });
  JSON.parse(rendered);
  return rendered;
}

type Span = [string, string, number, number, ...unknown[]];

/** Triple mustaches and `{{& }}` would skip the JSON escaping; partials have nothing to load. */
function forbiddenTag(spans: Span[]): string | null {
  for (const span of spans) {
    if (span[0] === '&') return `unescaped tag {{{${span[1]}}}} or {{&${span[1]}}} is not allowed`;
    if (span[0] === '>') return `partial {{>${span[1]}}} is not allowed`;
    if (Array.isArray(span[4])) {
      const inner = forbiddenTag(span[4] as Span[]);
      if (inner) return inner;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Samples for checking a custom template before it is stored

const SAMPLE_INCIDENT: IncidentSummary = {
  id: '00000000-0000-4000-8000-000000000042',
  number: 42,
  title: 'Mất kết nối "cổng dịch vụ công"\ntại Sở',
  description: 'Mô tả\tcó "ngoặc kép", \\ gạch chéo và\nxuống dòng',
  severity: 1,
  category: 'outage',
  status: 'open',
  unitCode: 'STTTT',
  unitName: 'Sở Thông tin và Truyền thông',
  openedAt: new Date('2026-03-02T01:05:00Z'),
  acknowledgedAt: null,
  resolvedAt: null,
  reportDueAt: new Date('2026-03-07T01:05:00Z'),
  assignee: 'Nguyễn Văn An',
  url: 'https://netwatch.example.gov.vn/incidents/42',
};

const SAMPLES: NotificationMessage[] = [
  {
    deliveryId: 'sample-delivery-1',
    items: [{ event: 'opened', at: SAMPLE_INCIDENT.openedAt, incident: SAMPLE_INCIDENT }],
  },
  {
    deliveryId: 'sample-delivery-2',
    items: [
      { event: 'opened', at: SAMPLE_INCIDENT.openedAt, incident: SAMPLE_INCIDENT },
      {
        event: 'resolved',
        at: new Date('2026-03-02T03:00:00Z'),
        incident: { ...SAMPLE_INCIDENT, number: 43, status: 'resolved', severity: 3 },
      },
    ],
  },
];

function checkCustomTemplate(template: string, language: Language): string | null {
  let spans: Span[];
  try {
    spans = Mustache.parse(template) as unknown as Span[];
  } catch (err) {
    return `is not a valid Mustache template: ${(err as Error).message}`;
  }
  const tag = forbiddenTag(spans);
  if (tag) return tag;
  for (const sample of SAMPLES) {
    try {
      renderCustomBody(template, customView(sample, language));
    } catch (err) {
      const kind = sample.items.length > 1 ? 'digest' : 'single-incident';
      return `does not produce JSON for a sample ${kind} message: ${(err as Error).message}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Driver

function parseConfig(input: unknown): WebhookConfig {
  const r = new Reader('config', input, [
    'url',
    'template',
    'body',
    'language',
    'headers',
    'timeoutMs',
    'zaloUserId',
  ]);
  const url = readHttpUrl(r, 'url', { required: true });
  const template = r.oneOf('template', WEBHOOK_TEMPLATES, 'netwatch');
  const language = r.language();
  const headers = readHeaders(r, 'headers', configHeader);
  const timeoutMs = r.int('timeoutMs', 1000, 60_000, DEFAULT_TIMEOUT_MS);
  const config: WebhookConfig = { url: url?.href ?? '', template, language, timeoutMs };
  if (headers && Object.keys(headers).length) config.headers = headers;

  if (template === 'custom') {
    const body = r.string('body', { required: true, max: CUSTOM_BODY_MAX });
    if (body !== undefined) {
      const problem = checkCustomTemplate(body, language);
      if (problem) r.add('body', problem);
      else config.body = body;
    }
  } else if (r.has('body')) {
    r.add('body', 'is only for template custom');
  }

  if (template === 'zalo') {
    const id = r.string('zaloUserId', {
      required: true,
      max: 64,
      pattern: /^[0-9]+$/,
      patternText: 'the numeric user_id of a follower of the Official Account',
    });
    if (id) config.zaloUserId = id;
  } else if (r.has('zaloUserId')) {
    r.add('zaloUserId', 'is only for template zalo');
  }
  r.done('webhook channel config');
  return config;
}

function parseSecret(input: unknown): WebhookSecret {
  const r = new Reader('secret', input, ['hmacKey', 'headers'], true);
  const secret: WebhookSecret = {};
  const hmacKey = r.string('hmacKey', { min: 16, max: 1024 });
  if (hmacKey !== undefined) secret.hmacKey = hmacKey;
  const headers = readHeaders(r, 'headers', reservedHeader);
  if (headers && Object.keys(headers).length) secret.headers = headers;
  r.done('webhook channel secret');
  return secret;
}

function buildBody(
  message: NotificationMessage,
  config: WebhookConfig,
): { ok: true; body: string } | { ok: false; result: DeliveryResult } {
  switch (config.template) {
    case 'zalo':
      if (!config.zaloUserId)
        return {
          ok: false,
          result: { ok: false, retryable: false, detail: 'config.zaloUserId is missing' },
        };
      return {
        ok: true,
        body: JSON.stringify(zaloBody(message, config.language, config.zaloUserId)),
      };
    case 'custom':
      try {
        return {
          ok: true,
          body: renderCustomBody(config.body ?? '', customView(message, config.language)),
        };
      } catch (err) {
        return {
          ok: false,
          result: {
            ok: false,
            retryable: false,
            detail: `template did not produce JSON: ${excerpt((err as Error).message)}`,
          },
        };
      }
    default:
      return { ok: true, body: JSON.stringify(netwatchBody(message, config.language)) };
  }
}

/** Zalo answers HTTP 200 with `{"error": <non-zero>, "message": ...}` when it refuses a message. */
function zaloRefusal(body: string): { error: number; message: string } | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const { error, message } = parsed as { error?: unknown; message?: unknown };
      if (typeof error === 'number' && error !== 0)
        return { error, message: typeof message === 'string' ? message : '' };
    }
  } catch {
    // not JSON: nothing to say
  }
  return null;
}

async function send(
  message: NotificationMessage,
  config: WebhookConfig,
  secret: WebhookSecret,
  signal: AbortSignal,
  context: SendContext = {},
): Promise<DeliveryResult> {
  const unusable = reportRefused(message) ?? unusableMessage(message);
  if (unusable) return unusable;
  const built = buildBody(message, config);
  if (!built.ok) return built.result;

  const scrub = scrubber([secret.hmacKey, ...Object.values(secret.headers ?? {})]);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = new Headers();
  for (const [name, value] of Object.entries(config.headers ?? {})) headers.set(name, value);
  for (const [name, value] of Object.entries(secret.headers ?? {})) headers.set(name, value);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('User-Agent', 'NetWatch');
  headers.set(HEADER_DELIVERY, message.deliveryId);
  headers.set(HEADER_TIMESTAMP, String(timestamp));
  if (secret.hmacKey)
    headers.set(HEADER_SIGNATURE, signWebhook(built.body, timestamp, secret.hmacKey));

  const outcome = await post({
    url: config.url,
    headers,
    body: built.body,
    timeoutMs: config.timeoutMs,
    signal,
    scrub,
    guard: context.guard,
  });
  if (outcome.kind === 'failed') return outcome.result;
  const { response } = outcome;
  if (response.status >= 200 && response.status <= 299) {
    if (config.template === 'zalo') {
      const refusal = zaloRefusal(response.body);
      if (refusal)
        return {
          ok: false,
          code: response.status,
          retryable: false,
          detail: scrub(
            `Zalo refused the message: error ${refusal.error} ${excerpt(refusal.message)}`.trim(),
          ),
        };
    }
    return {
      ok: true,
      code: response.status,
      retryable: false,
      detail: `delivered (${response.status})`,
    };
  }
  return statusFailure(response, 'receiver', scrub(excerpt(response.body)));
}

export const webhookDriver: ChannelDriver<WebhookConfig, WebhookSecret> = {
  kind: 'webhook',
  parseConfig,
  parseSecret,
  targets: (config): ChannelTarget[] => [urlTarget('config.url', config.url)],
  send,
};
