/** Network helpers shared by the probes: endpoints for messages, deadlines, TCP connects, errno codes. */
import { isIP, Socket } from 'node:net';
import type { AddressFamily } from './probe';
import type { ProbeScope } from './scope';

/** `[2001:db8::1]:443` or `198.51.100.1:443`, for messages. */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export interface Deadline {
  signal: AbortSignal;
  /** True once our own timer (not the caller) ended the operation. */
  timedOut(): boolean;
  cleanup(): void;
}

/** Our timeout and the caller's signal as one signal; `cleanup` must be called. */
export function deadline(timeoutMs: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    // Named like AbortSignal.timeout()'s reason, so the HTTP seam reports `timeout`.
    controller.abort(
      Object.assign(new Error(`timed out after ${timeoutMs} ms`), { name: 'TimeoutError' }),
    );
  }, timeoutMs);
  const onAbort = () => controller.abort(new Error('aborted by the caller'));
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    cleanup: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

export type ConnectErrorCode =
  | 'bad_address'
  | 'out_of_scope'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'reset'
  | 'aborted'
  | 'network';

export type ConnectResult =
  | { ok: true; address: string; port: number; family: AddressFamily; connectMs: number }
  | {
      ok: false;
      address: string;
      port: number;
      family: AddressFamily | null;
      error: { code: ConnectErrorCode; message: string };
    };

export function connectErrorCode(code: string | undefined): ConnectErrorCode {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EHOSTDOWN':
      return 'unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    default:
      return 'network';
  }
}

export interface ConnectOptions {
  /** An IP literal: the family is the literal's, nothing is resolved, nothing falls back. */
  address: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  scope?: ProbeScope;
}

/** A TCP handshake to one address and port, then an immediate close. */
export async function tcpConnect(o: ConnectOptions): Promise<ConnectResult> {
  const { address, port } = o;
  const version = isIP(address);
  if (version === 0)
    return {
      ok: false,
      address,
      port,
      family: null,
      error: { code: 'bad_address', message: `${address} is not an IP address` },
    };
  const family = version as AddressFamily;
  const fail = (code: ConnectErrorCode, message: string): ConnectResult => ({
    ok: false,
    address,
    port,
    family,
    error: { code, message },
  });
  if (o.scope && !o.scope.allows(address, port))
    return fail(
      'out_of_scope',
      `${endpoint(address, port)} is outside the probe scope; nothing sent`,
    );
  if (o.signal?.aborted) return fail('aborted', 'aborted by the caller');
  const where = endpoint(address, port);
  const started = performance.now();
  return new Promise<ConnectResult>((resolve) => {
    const socket = new Socket();
    const finish = (result: ConnectResult) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish(fail('timeout', `TCP connect to ${where} timed out after ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
    const onAbort = () => finish(fail('aborted', `TCP connect to ${where} aborted by the caller`));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish(fail(connectErrorCode(err.code), `TCP connect to ${where}: ${err.message}`)),
    );
    socket.connect({ host: address, port, family }, () =>
      finish({
        ok: true,
        address,
        port,
        family,
        connectMs: Math.round((performance.now() - started) * 10) / 10,
      }),
    );
  });
}
