import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, LookupFunction, Socket } from 'node:net';
import { Address6 } from 'ip-address';
import { checkServerIdentity, PeerCertificate, TLSSocket } from 'node:tls';

/**
 * One HTTP(S) request to one IP address: the low-level seam of the HTTP probe. No DNS, no
 * redirects, no judgement: it connects to exactly the address it is given (so the address
 * family is explicit and never falls back), sends one request and records the facts.
 * A target failure is a result, never an exception.
 */

export interface HttpRequestOptions {
  /** http:// or https://; the Host header and the TLS SNI come from it. */
  url: string;
  /** IP literal to connect to; the family is this address's. Never resolved, never a fallback. */
  address: string;
  /** Default GET. */
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Default 1 MiB: reading stops beyond it and the body is marked truncated. */
  maxBodyBytes?: number;
  /** The deadline: its abort destroys the socket. */
  signal: AbortSignal;
  /** PEM bundle to trust instead of the default (Node's bundled) root store. */
  ca?: string | Buffer;
  /** Default true. When false the TLS facts still say whether the chain (and name) were valid. */
  rejectUnauthorized?: boolean;
}

export interface HttpResponseFacts {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  bodyTruncated: boolean;
  /**
   * Milliseconds from the start of the request, cumulative like curl's `time_*`:
   * TCP connected, TLS established (https only), first response byte, body read.
   */
  timings: { connectMs: number; tlsMs?: number; firstByteMs: number; totalMs: number };
  /** https only. `authorized` covers the chain and the host name; `authorizationError` is OpenSSL's or Node's code. */
  tls?: { protocol: string; cipher: string; authorized: boolean; authorizationError?: string };
  family: 4 | 6;
  address: string;
}

export type HttpRequestErrorCode =
  'timeout' | 'aborted' | 'refused' | 'reset' | 'tls' | 'protocol' | 'bad_target';

export type HttpRequestResult =
  | { ok: true; response: HttpResponseFacts }
  | {
      ok: false;
      error: { code: HttpRequestErrorCode; message: string };
      family: 4 | 6 | null;
      timings?: Partial<HttpResponseFacts['timings']>;
    };

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The family of an IP literal, or null. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is
 * refused: a dual-stack socket would reach IPv4 through it while claiming IPv6.
 */
export function addressFamily(address: string): 4 | 6 | null {
  const v = isIP(address);
  if (v === 4) return 4;
  if (v !== 6) return null;
  try {
    return new Address6(address).isMapped4() ? null : 6;
  } catch {
    return null;
  }
}

/** `timeout` when the signal's reason is a TimeoutError (AbortSignal.timeout), else `aborted`. */
export function abortCode(signal: AbortSignal): 'timeout' | 'aborted' {
  const reason: unknown = signal.reason;
  // Duck-typed: a DOMException or an Error from another realm fails `instanceof Error`.
  return typeof reason === 'object' &&
    reason !== null &&
    'name' in reason &&
    reason.name === 'TimeoutError'
    ? 'timeout'
    : 'aborted';
}

export function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const detail = reason === undefined || reason === null ? '' : errorMessage(reason);
  return abortCode(signal) === 'timeout'
    ? `deadline reached${detail ? ` (${detail})` : ''}`
    : `aborted${detail ? ` (${detail})` : ''}`;
}

const UNREACHABLE = new Set([
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
  'ENETDOWN',
  'EHOSTDOWN',
]);

/**
 * Maps a socket, TLS or parser error to a result code. `stage` says how far the connection got:
 * an error between TCP connect and TLS established is a TLS failure.
 */
export function classifyError(
  err: unknown,
  stage: { tls: boolean; connected: boolean; secure: boolean },
): { code: HttpRequestErrorCode; message: string } {
  const code = errorCode(err);
  const text = errorMessage(err);
  const message = code && !text.includes(code) ? `${code}: ${text}` : text;
  if (code === 'ECONNREFUSED') return { code: 'refused', message };
  // The union has no "unreachable": no route is reported as a refused connection, named in the message.
  if (code && UNREACHABLE.has(code)) return { code: 'refused', message: `unreachable: ${message}` };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { code: 'reset', message };
  if (stage.tls && stage.connected && !stage.secure) return { code: 'tls', message };
  if (code?.startsWith('ERR_SSL') || code?.startsWith('ERR_TLS')) return { code: 'tls', message };
  if (!stage.connected) return { code: 'refused', message };
  return { code: 'protocol', message };
}

/** The message of anything thrown (an Error from any realm, a DOMException, a string). */
export function errorMessage(err: unknown): string {
  if (
    typeof err === 'object' &&
    err !== null &&
    'message' in err &&
    typeof err.message === 'string'
  )
    return err.message;
  return String(err);
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code: unknown = err.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Node types `authorizationError` as an Error; at run time it is OpenSSL's code string. */
export function authorizationErrorText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return errorCode(value) ?? errorMessage(value);
}

/** The host part of a URL without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function badTarget(message: string, family: 4 | 6 | null = null): HttpRequestResult {
  return { ok: false, error: { code: 'bad_target', message }, family };
}

export function httpRequest(o: HttpRequestOptions): Promise<HttpRequestResult> {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    return Promise.resolve(badTarget(`"${o.url}" is not a URL`));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.resolve(badTarget(`${url.protocol} is not http: or https:`));
  const family = addressFamily(o.address);
  if (family === null)
    return Promise.resolve(
      badTarget(`"${o.address}" is not an IPv4 or IPv6 address (IPv4-mapped IPv6 is refused)`),
    );
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0)
    return Promise.resolve(
      badTarget(`maxBodyBytes ${maxBodyBytes} is not a whole number ≥ 0`, family),
    );
  if (o.signal.aborted)
    return Promise.resolve({
      ok: false,
      family,
      error: { code: abortCode(o.signal), message: abortMessage(o.signal) },
    });
  return new Promise<HttpRequestResult>((resolve) => run(o, url, family, maxBodyBytes, resolve));
}

function run(
  o: HttpRequestOptions,
  url: URL,
  family: 4 | 6,
  maxBodyBytes: number,
  resolve: (r: HttpRequestResult) => void,
): void {
  const isHttps = url.protocol === 'https:';
  const host = urlHost(url);
  const method = o.method ?? 'GET';
  const start = performance.now();
  const since = () => round(performance.now() - start);
  const timings: Partial<HttpResponseFacts['timings']> = {};
  const stage = { tls: isHttps, connected: false, secure: false };
  let socket: Socket | undefined;
  let tlsFacts: HttpResponseFacts['tls'];
  let response: http.IncomingMessage | undefined;
  const chunks: Buffer[] = [];
  let bodyBytes = 0;
  let truncated = false;
  let settled = false;

  // Only ever the given address: the host is an IP literal, so Node skips the lookup; this
  // override makes sure that, whatever changes, no name is ever resolved.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: o.address, family }]);
    else callback(null, o.address, family);
  };

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {}))
    if (name.toLowerCase() !== 'host') headers[name] = value;
  headers.Host = url.host;

  const options: https.RequestOptions = {
    method,
    host: o.address,
    port: url.port ? Number(url.port) : isHttps ? 443 : 80,
    path: `${url.pathname}${url.search}`,
    headers,
    setHost: false,
    agent: false,
    family,
    lookup,
  };
  if (url.username || url.password)
    options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  if (isHttps) {
    // RFC 6066 §3: no SNI for an IP literal ('' stops Node deriving one).
    options.servername = isIP(host) ? '' : host;
    options.rejectUnauthorized = o.rejectUnauthorized ?? true;
    options.checkServerIdentity = (_h: string, cert: PeerCertificate) =>
      checkServerIdentity(host, cert);
    if (o.ca !== undefined) options.ca = o.ca;
  }

  const finish = (result: HttpRequestResult) => {
    if (settled) return;
    settled = true;
    o.signal.removeEventListener('abort', onAbort);
    req.destroy();
    socket?.destroy();
    resolve(result);
  };
  const fail = (err: unknown) =>
    finish({ ok: false, family, error: classifyError(err, stage), timings: { ...timings } });
  const succeed = () => {
    if (!response) return;
    const facts: HttpResponseFacts = {
      status: response.statusCode ?? 0,
      headers: flattenHeaders(response.headers),
      body: Buffer.concat(chunks, bodyBytes),
      bodyTruncated: truncated,
      timings: {
        connectMs: timings.connectMs ?? 0,
        ...(timings.tlsMs !== undefined ? { tlsMs: timings.tlsMs } : {}),
        firstByteMs: timings.firstByteMs ?? since(),
        totalMs: since(),
      },
      family,
      address: o.address,
    };
    if (tlsFacts) facts.tls = tlsFacts;
    finish({ ok: true, response: facts });
  };
  const onAbort = () =>
    finish({
      ok: false,
      family,
      error: { code: abortCode(o.signal), message: abortMessage(o.signal) },
      timings: { ...timings },
    });

  const req = (isHttps ? https : http).request(options);
  o.signal.addEventListener('abort', onAbort, { once: true });

  req.on('socket', (s: Socket) => {
    socket = s;
    if (settled) {
      s.destroy();
      return;
    }
    const onConnect = () => {
      stage.connected = true;
      timings.connectMs = since();
    };
    if (s.connecting) s.once('connect', onConnect);
    else onConnect();
    if (s instanceof TLSSocket) {
      s.once('secureConnect', () => {
        stage.secure = true;
        timings.tlsMs = since();
        const cipher = s.getCipher();
        tlsFacts = {
          protocol: s.getProtocol() ?? 'unknown',
          cipher: cipher.standardName ?? cipher.name,
          authorized: s.authorized,
        };
        const error = authorizationErrorText(s.authorizationError);
        if (!s.authorized && error) tlsFacts.authorizationError = error;
      });
    }
    s.once('data', () => {
      timings.firstByteMs ??= since();
    });
  });
  req.on('error', fail);
  req.on('response', (res: http.IncomingMessage) => {
    response = res;
    timings.firstByteMs ??= since();
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = maxBodyBytes - bodyBytes;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        bodyBytes += room;
        truncated = true;
        succeed(); // stop reading: the socket is destroyed, the rest is never loaded
        return;
      }
      chunks.push(chunk);
      bodyBytes += chunk.length;
    });
    res.on('end', succeed);
    res.on('error', fail);
    res.on('close', () => {
      if (settled) return;
      if (res.complete) succeed();
      else {
        const err = Object.assign(new Error('connection closed before the body ended'), {
          code: 'ECONNRESET',
        });
        fail(err);
      }
    });
  });
  req.end();
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
