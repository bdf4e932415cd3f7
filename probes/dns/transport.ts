import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP, Socket } from 'node:net';
import { Address6 } from 'ip-address';
import { deadline } from '../net';
import {
  decodeMessage,
  DnsMessage,
  encodeQuery,
  MalformedMessageError,
  normalizeName,
} from './message';

export type AddressFamily = 4 | 6;

export interface DnsServer {
  /** An IP literal: the family is explicit, never chosen for the caller. */
  address: string;
  port: number;
}

export interface QuerySettings {
  recursionDesired?: boolean;
  checkingDisabled?: boolean;
  dnssecOk?: boolean;
  /** `auto`: UDP, then TCP when the answer is truncated. */
  protocol?: 'auto' | 'udp' | 'tcp';
  udpPayloadSize?: number;
  /** Per-query timeout; the caller's signal can end it sooner. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type QueryErrorCode =
  'timeout' | 'aborted' | 'network' | 'malformed' | 'mismatch' | 'truncated' | 'bad_server';

export type QueryResult =
  | { ok: true; message: DnsMessage; protocol: 'udp' | 'tcp'; family: AddressFamily; rttMs: number }
  | { ok: false; error: { code: QueryErrorCode; message: string }; family: AddressFamily | null };

/** The one I/O seam of the DNS code: tests and benchmarks may swap it. */
export interface DnsTransport {
  query(
    server: DnsServer,
    name: string,
    type: string,
    settings?: QuerySettings,
  ): Promise<QueryResult>;
}

const DEFAULTS = {
  recursionDesired: true,
  checkingDisabled: true,
  dnssecOk: true,
  protocol: 'auto',
  udpPayloadSize: 1232,
  timeoutMs: 3000,
} as const;

class QueryFailure extends Error {
  constructor(
    readonly code: QueryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function checkAnswer(message: DnsMessage, id: number, name: string, type: string): void {
  if (message.id !== id)
    throw new QueryFailure('mismatch', `answer id ${message.id} does not match query id ${id}`);
  const q = message.question;
  if (q && (q.name !== normalizeName(name) || q.type !== type)) {
    throw new QueryFailure(
      'mismatch',
      `answer is for ${q.name} ${q.type}, not ${normalizeName(name)} ${type}`,
    );
  }
}

function udpQuery(
  server: DnsServer,
  family: AddressFamily,
  query: Buffer,
  signal: AbortSignal,
  accept: (m: DnsMessage) => void,
): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    const done = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      socket.close();
      fn();
    };
    const onAbort = () => done(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => done(() => reject(new QueryFailure('network', err.message))));
    socket.on('message', (buf, rinfo) => {
      // Ignore datagrams from anyone but the server we asked (spoofing, stray answers).
      if (rinfo.address !== server.address || rinfo.port !== server.port) return;
      try {
        const message = decodeMessage(buf);
        accept(message);
        done(() => resolve(message));
      } catch (err) {
        if (err instanceof QueryFailure && err.code === 'mismatch') return; // keep waiting for ours
        done(() =>
          reject(
            err instanceof MalformedMessageError ? new QueryFailure('malformed', err.message) : err,
          ),
        );
      }
    });
    socket.send(query, server.port, server.address, (err) => {
      if (err) done(() => reject(new QueryFailure('network', err.message)));
    });
  });
}

function tcpQuery(
  server: DnsServer,
  query: Buffer,
  signal: AbortSignal,
  maxBytes = 65535 + 2,
): Promise<DnsMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const done = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      fn();
    };
    const onAbort = () => done(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => done(() => reject(new QueryFailure('network', err.message))));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length > maxBytes)
        return done(() =>
          reject(new QueryFailure('malformed', 'TCP answer longer than its length prefix allows')),
        );
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length < length + 2) return;
      try {
        const message = decodeMessage(received.subarray(2, 2 + length));
        done(() => resolve(message));
      } catch (err) {
        done(() =>
          reject(
            err instanceof MalformedMessageError ? new QueryFailure('malformed', err.message) : err,
          ),
        );
      }
    });
    socket.on('end', () =>
      done(() =>
        reject(new QueryFailure('malformed', 'connection closed before a complete answer')),
      ),
    );
    socket.connect({ host: server.address, port: server.port }, () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
  });
}

/**
 * DNS over UDP and TCP to one server. The address family is the server address's own: an IPv6
 * check never falls back to IPv4. EDNS0 with the DO bit, CD by default (bogus data must come
 * back so the validator can say why it is bogus), TCP retry when the UDP answer is truncated.
 */
export class UdpTcpTransport implements DnsTransport {
  async query(
    server: DnsServer,
    name: string,
    type: string,
    settings: QuerySettings = {},
  ): Promise<QueryResult> {
    const s = { ...DEFAULTS, ...settings };
    const ipVersion = isIP(server.address);
    if (ipVersion === 0)
      return {
        ok: false,
        family: null,
        error: { code: 'bad_server', message: `${server.address} is not an IP address` },
      };
    const family = ipVersion as AddressFamily;
    // The kernel reports the sender in canonical form; compare like with like.
    if (family === 6) server = { ...server, address: new Address6(server.address).correctForm() };
    const id = randomInt(0, 65536);
    const query = encodeQuery({
      id,
      name,
      type,
      recursionDesired: s.recursionDesired,
      checkingDisabled: s.checkingDisabled,
      dnssecOk: s.dnssecOk,
      udpPayloadSize: s.udpPayloadSize,
    });
    const { signal, timedOut, cleanup } = deadline(s.timeoutMs, s.signal);
    const started = performance.now();
    try {
      let protocol: 'udp' | 'tcp' = s.protocol === 'tcp' ? 'tcp' : 'udp';
      let message =
        protocol === 'tcp'
          ? await tcpQuery(server, query, signal)
          : await udpQuery(server, family, query, signal, (m) => checkAnswer(m, id, name, type));
      if (protocol === 'tcp') checkAnswer(message, id, name, type);
      if (message.flags.tc && protocol === 'udp') {
        if (s.protocol === 'udp')
          throw new QueryFailure('truncated', 'answer truncated and TCP not allowed');
        protocol = 'tcp';
        message = await tcpQuery(server, query, signal);
        checkAnswer(message, id, name, type);
      }
      return { ok: true, message, protocol, family, rttMs: performance.now() - started };
    } catch (err) {
      const failure = signal.aborted
        ? timedOut()
          ? new QueryFailure('timeout', `no answer within ${s.timeoutMs} ms`)
          : new QueryFailure('aborted', 'aborted by the caller')
        : err instanceof QueryFailure
          ? err
          : new QueryFailure('network', (err as Error).message);
      return { ok: false, family, error: { code: failure.code, message: failure.message } };
    } finally {
      cleanup();
    }
  }
}
