import type { DeliveryResult, NotificationMessage } from '../notification.types';

/**
 * Shared pieces of the channel drivers: message sanity checks, secret scrubbing, and one HTTP
 * POST with a deadline and the retry classification used by the webhook and Telegram drivers.
 */

/** What a delivery id may look like to go into a header and a Message-ID. */
const DELIVERY_ID = /^[A-Za-z0-9._~+=-]{1,200}$/;

/** Why the message cannot be sent by any channel (a bug upstream), or null. */
export function unusableMessage(message: NotificationMessage): DeliveryResult | null {
  if (!DELIVERY_ID.test(message.deliveryId ?? ''))
    return { ok: false, retryable: false, detail: 'message has an unusable deliveryId' };
  if (!message.report && (!Array.isArray(message.items) || message.items.length === 0))
    return { ok: false, retryable: false, detail: 'message has no items' };
  return null;
}

/** Reports go out as e-mail attachments; other channels refuse them for good. */
export function reportRefused(message: NotificationMessage): DeliveryResult | null {
  return message.report
    ? { ok: false, retryable: false, detail: 'reports are delivered by e-mail channels only' }
    : null;
}

/** Replaces every occurrence of each secret (and its URL-encoded form) by `***`. */
export function scrubber(secrets: (string | undefined)[]): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    needles.add(s);
    needles.add(encodeURIComponent(s));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const n of sorted) out = out.split(n).join('***');
    return out;
  };
}

/** A short one-line excerpt of a response body for `detail`. */
export function excerpt(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** 408, 425, 429 and 5xx are worth retrying; other 4xx are not. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

export interface HttpResponse {
  status: number;
  /** The body, cut at `maxBodyBytes`. */
  body: string;
  location: string | null;
}

export type PostOutcome =
  { kind: 'response'; response: HttpResponse } | { kind: 'failed'; result: DeliveryResult };

export interface PostOptions {
  url: string;
  headers: Headers;
  body: string;
  timeoutMs: number;
  /** The caller's signal (the sender loop shutting down). */
  signal: AbortSignal;
  /** Applied to every text that can reach `detail`. */
  scrub: (text: string) => string;
  maxBodyBytes?: number;
}

/**
 * POSTs once, never following redirects, within `timeoutMs` and until the caller's signal
 * aborts. Network failures, timeouts and cancellation come back as a retryable failure; any
 * HTTP response (whatever its status) comes back as a response.
 */
export async function post(opts: PostOptions): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  try {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: opts.headers,
      body: opts.body,
      redirect: 'manual',
      signal,
    });
    const body = await readCapped(res, opts.maxBodyBytes ?? 65536);
    return {
      kind: 'response',
      response: { status: res.status, body, location: res.headers.get('location') },
    };
  } catch (err) {
    let detail: string;
    if (opts.signal.aborted) detail = 'cancelled before the request completed';
    else if (timeout.aborted) detail = `timed out after ${opts.timeoutMs} ms`;
    else detail = `network error: ${networkError(err)}`;
    return { kind: 'failed', result: { ok: false, retryable: true, detail: opts.scrub(detail) } };
  }
}

/** Reads at most `max` bytes of the body as UTF-8, then lets the rest go. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= max) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/** "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9" from fetch's TypeError and its cause. */
function networkError(err: unknown): string {
  // Duck-typed: errors may come from another realm (instanceof Error would be false).
  const isError = (e: unknown): e is { message: string; code?: unknown } =>
    typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
  const cause = isError(err) ? (err as { cause?: unknown }).cause : undefined;
  const source = isError(cause) ? cause : isError(err) ? err : null;
  if (!source) return String(err);
  const code = source.code;
  const message = excerpt(source.message, 200);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The result for an HTTP status that is not a success. */
export function statusFailure(response: HttpResponse, what: string, text: string): DeliveryResult {
  const { status } = response;
  if (status >= 300 && status <= 399) {
    return {
      ok: false,
      code: status,
      retryable: false,
      detail: `${what} answered with a redirect (${status}), not followed`,
    };
  }
  return {
    ok: false,
    code: status,
    retryable: retryableStatus(status),
    detail: `${what} answered ${status}${text ? `: ${text}` : ''}`,
  };
}
