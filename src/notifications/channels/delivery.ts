import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  OutboundGuard,
  pinnedLookup,
  refusalText,
  type ResolvedAddress,
} from '../../common/outbound-guard';
import type { DeliveryResult, NotificationMessage } from '../notification.types';

/**
 * Shared pieces of the channel drivers: message sanity checks, secret scrubbing, and one HTTP
 * POST (outbound rule, deadline, retry classification) used by the webhook and Telegram drivers.
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
  /** The outbound rule; absent: the default rule (no database known, no exceptions). */
  guard?: OutboundGuard;
}

let defaultGuard: OutboundGuard | null = null;

/** The rule when a caller has none: metadata, link-local and unspecified addresses refused. */
export function outboundGuard(guard?: OutboundGuard): OutboundGuard {
  return guard ?? (defaultGuard ??= new OutboundGuard());
}

/** A refused target: sending again cannot help until the channel or the allow-list changes. */
export function refusedResult(reason: string, scrub: (text: string) => string): DeliveryResult {
  return { ok: false, retryable: false, detail: scrub(refusalText(reason)) };
}

class Cancelled extends Error {}

/** Settles with `work`, or rejects with Cancelled as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // As it is: errors from another realm are not `instanceof Error` but carry their code.
        reject(e as Error);
      },
    );
  });
}

/**
 * POSTs once, never following redirects, within `timeoutMs` and until the caller's signal
 * aborts. The target must pass the outbound rule first (a refusal is final, not retryable), and
 * the connection goes to the addresses the rule judged: node:http with a pinned `lookup`, not
 * global fetch, whose connection cannot be pinned without a dispatcher from the separate undici
 * package. TLS still verifies the certificate against the URL's host name. Network failures,
 * timeouts and cancellation come back as a retryable failure; any HTTP response (whatever its
 * status) comes back as a response.
 */
export async function post(opts: PostOptions): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  const failed = (detail: string, retryable = true): PostOutcome => ({
    kind: 'failed',
    result: { ok: false, retryable, detail: opts.scrub(detail) },
  });
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    return failed('the target is not a valid URL', false);
  }
  try {
    const verdict = await untilAborted(outboundGuard(opts.guard).checkUrl(url), signal);
    if (verdict.kind === 'refused')
      return { kind: 'failed', result: refusedResult(verdict.reason, opts.scrub) };
    if (verdict.kind === 'unresolved')
      return failed(`network error: ${networkError(verdict.error ?? verdict.reason)}`);
    const response = await untilAborted(request(url, opts, verdict.addresses, signal), signal);
    return { kind: 'response', response };
  } catch (err) {
    if (opts.signal.aborted) return failed('cancelled before the request completed');
    if (timeout.aborted) return failed(`timed out after ${opts.timeoutMs} ms`);
    return failed(`network error: ${networkError(err)}`);
  }
}

/** One POST over node:http(s) to the judged addresses; the body read up to `maxBodyBytes`. */
function request(
  url: URL,
  opts: PostOptions,
  addresses: ResolvedAddress[],
  signal: AbortSignal,
): Promise<HttpResponse> {
  const body = Buffer.from(opts.body, 'utf8');
  const headers: Record<string, string> = {};
  opts.headers.forEach((value, name) => (headers[name] = value));
  headers['content-length'] = String(body.length);
  const max = opts.maxBodyBytes ?? 65536;
  return new Promise<HttpResponse>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers,
        agent: false,
        lookup: pinnedLookup(addresses) as unknown as LookupFunction,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const location = res.headers.location;
          resolve({
            status: res.statusCode ?? 0,
            body: new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max)),
            location: typeof location === 'string' ? location : null,
          });
          // Whatever is left unread is let go with the connection.
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size >= max) finish();
        });
        res.on('end', finish);
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the connection closed before the body ended')));
      },
    );
    const onAbort = () => req.destroy(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.on('error', reject);
    req.end(body);
  });
}

/** "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9" from fetch's TypeError and its cause. */
function networkError(err: unknown): string {
  // Duck-typed: errors may come from another realm (instanceof Error would be false).
  const isError = (e: unknown): e is { message: string; code?: unknown } =>
    typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
  if (typeof err === 'string') return excerpt(err, 200);
  const cause = isError(err) ? (err as { cause?: unknown }).cause : undefined;
  // Several addresses tried (happy eyeballs): the first one's error says enough.
  const first = (err as { errors?: unknown[] } | null)?.errors?.[0];
  const source = isError(cause) ? cause : isError(first) ? first : isError(err) ? err : null;
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
