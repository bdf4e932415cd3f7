/**
 * Small loopback servers for the IPv6 and SMTP readiness tests: HTTP and SMTP-greeting servers
 * bound to one address (IPv6 sockets are IPv6-only), DNS zones built inline, and ports known to
 * be closed. Every server tracks its connections so `close()` leaves nothing behind.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { ZoneRecord } from '../../../probes/dns/presentation';
import type { ZoneData } from '../../support/dns/authoritative-server';

export interface Closable {
  port: number;
  address: string;
  close(): Promise<void>;
}

function listen(server: net.Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, ipv6Only: address.includes(':'), exclusive: true }, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : port);
    });
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
}

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP server on one address; with `tls` (PEM cert and key) an HTTPS server. */
export async function startHttp(
  address: string,
  handler: HttpHandler,
  port = 0,
  tls?: { cert: string; key: string },
): Promise<Closable & { requests: { url: string; host: string }[] }> {
  const requests: { url: string; host: string }[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ url: req.url ?? '', host: req.headers.host ?? '' });
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.keepAliveTimeout = 100;
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  if (tls) server.on('tlsClientError', () => undefined);
  const bound = await listen(server, address, port);
  return { port: bound, address, requests, close: closer(server, sockets) };
}

/** Two servers on the same port number, one per family; retries when ::1 has the port taken. */
export async function startHttpPair(
  v4: HttpHandler,
  v6: HttpHandler,
  tls?: { v4: { cert: string; key: string }; v6: { cert: string; key: string } },
): Promise<{
  port: number;
  v4: Awaited<ReturnType<typeof startHttp>>;
  v6: Awaited<ReturnType<typeof startHttp>>;
  close(): Promise<void>;
}> {
  for (let attempt = 0; ; attempt++) {
    const s4 = await startHttp('127.0.0.1', v4, 0, tls?.v4);
    try {
      const s6 = await startHttp('::1', v6, s4.port, tls?.v6);
      return {
        port: s4.port,
        v4: s4,
        v6: s6,
        close: async () => {
          await Promise.all([s4.close(), s6.close()]);
        },
      };
    } catch (error) {
      await s4.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 10) throw error;
    }
  }
}

export function page(res: http.ServerResponse, status: number, body: string, headers = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}

/** A port on `address` where nothing listens (bound, then closed). */
export async function closedPort(address: string): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, address, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * What an SMTP test server does on a new connection:
 * - `greeting`: written as is (CRLFs included), then QUIT is answered `221`; with `thenClose`
 *   the connection is closed right after the greeting;
 * - `silent`: accepts and says nothing.
 */
export type SmtpBehaviour = { greeting: string | string[]; thenClose?: boolean } | 'silent';

export async function startSmtp(
  address: string,
  behaviour: SmtpBehaviour,
  port = 0,
): Promise<Closable & { quits: number; connections: number }> {
  const sockets = new Set<net.Socket>();
  const state = { quits: 0, connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (behaviour === 'silent') return;
    const parts = Array.isArray(behaviour.greeting) ? behaviour.greeting : [behaviour.greeting];
    // Parts arrive in separate writes, to exercise reassembly.
    parts.forEach((part, i) => setTimeout(() => socket.writable && socket.write(part), i * 5));
    if (behaviour.thenClose) setTimeout(() => socket.end(), parts.length * 5);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      if (/^QUIT\r\n/m.test(buffered)) {
        state.quits++;
        socket.end('221 2.0.0 Bye\r\n');
      }
    });
  });
  const bound = await listen(server, address, port);
  return {
    port: bound,
    address,
    get quits() {
      return state.quits;
    },
    get connections() {
      return state.connections;
    },
    close: closer(server, sockets),
  };
}

/** SMTP servers on 127.0.0.1 and ::1 with the same port number (MX checks use one port). */
export async function startSmtpPair(
  v4: SmtpBehaviour,
  v6: SmtpBehaviour,
): Promise<{
  port: number;
  v4: Awaited<ReturnType<typeof startSmtp>>;
  v6: Awaited<ReturnType<typeof startSmtp>>;
  close(): Promise<void>;
}> {
  for (let attempt = 0; ; attempt++) {
    const s4 = await startSmtp('127.0.0.1', v4);
    try {
      const s6 = await startSmtp('::1', v6, s4.port);
      return {
        port: s4.port,
        v4: s4,
        v6: s6,
        close: async () => {
          await Promise.all([s4.close(), s6.close()]);
        },
      };
    } catch (error) {
      await s4.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 10) throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// DNS

const rr = (record: Omit<ZoneRecord, 'ttl' | 'class' | 'flush'>): ZoneRecord =>
  ({ ttl: 300, class: 'IN', flush: false, ...record }) as ZoneRecord;

export const a = (name: string, address: string) => rr({ name, type: 'A', data: address });
export const aaaa = (name: string, address: string) => rr({ name, type: 'AAAA', data: address });
export const cname = (name: string, target: string) => rr({ name, type: 'CNAME', data: target });
export const mx = (name: string, preference: number, exchange: string) =>
  rr({ name, type: 'MX', data: { preference, exchange } });

/** An unsigned zone with SOA and NS at the apex, plus the records given. */
export function zone(origin: string, records: ZoneRecord[]): ZoneData {
  return {
    origin,
    records: [
      rr({
        name: origin,
        type: 'SOA',
        data: {
          mname: `ns.${origin}`,
          rname: `hostmaster.${origin}`,
          serial: 1,
          refresh: 3600,
          retry: 600,
          expire: 86400,
          minimum: 300,
        },
      }),
      rr({ name: origin, type: 'NS', data: `ns.${origin}` }),
      rr({ name: `ns.${origin}`, type: 'A', data: '127.0.0.1' }),
      ...records,
    ],
  };
}
