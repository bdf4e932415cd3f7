import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';

/**
 * Loopback servers for the HTTP and TLS probe tests. Each one counts the connections it
 * accepted (so a test can prove that nothing reached it) and closes every socket it holds.
 */
export interface Running<S extends net.Server = net.Server> {
  server: S;
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Sockets still open on the server side. */
  open: Set<net.Socket>;
  close(): Promise<void>;
}

export function listen<S extends net.Server>(
  server: S,
  host: string,
  port = 0,
): Promise<Running<S>> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      const running: Running<S> = {
        server,
        host,
        port: address.port,
        connections: 0,
        open: new Set(),
        close: () =>
          new Promise<void>((done) => {
            for (const s of running.open) s.destroy();
            server.close(() => done());
          }),
      };
      // TLS servers report the raw TCP socket on 'connection' too.
      server.on('connection', (socket: net.Socket) => {
        running.connections++;
        running.open.add(socket);
        socket.on('close', () => running.open.delete(socket));
      });
      resolve(running);
    });
  });
}

/** Two servers on one port: one on 127.0.0.1, one on ::1 (retried if ::1 has that port taken). */
export async function listenBoth<S extends net.Server>(
  make: (family: 4 | 6) => S,
): Promise<{ v4: Running<S>; v6: Running<S>; port: number; close(): Promise<void> }> {
  for (let i = 0; i < 20; i++) {
    const v4 = await listen(make(4), '127.0.0.1');
    try {
      const v6 = await listen(make(6), '::1', v4.port);
      return {
        v4,
        v6,
        port: v4.port,
        close: async () => {
          await v4.close();
          await v6.close();
        },
      };
    } catch {
      await v4.close();
    }
  }
  throw new Error('no port free on both 127.0.0.1 and ::1');
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const r = await listen(net.createServer(), host);
  await r.close();
  return r.port;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export function httpServer(handler: Handler): http.Server {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 1000;
  return server;
}

export function httpsServer(options: https.ServerOptions, handler: Handler): https.Server {
  const server = https.createServer(options, handler);
  server.keepAliveTimeout = 1000;
  return server;
}

/** Accepts TCP connections, reads and discards what comes, never says anything. */
export function blackHole(): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.resume();
  });
}

/**
 * A TLS server that finishes handshakes and closes. `servernames` records the SNI of every
 * ClientHello that had one (recorded while the handshake runs, so a client that hangs up at
 * once is still seen).
 */
export function tlsServer(options: tls.TlsOptions): tls.Server & { servernames: string[] } {
  const servernames: string[] = [];
  const server = tls.createServer(
    {
      ...options,
      SNICallback: (name, callback) => {
        servernames.push(name);
        callback(null, undefined);
      },
    },
    (socket) => socket.end(),
  );
  server.on('tlsClientError', () => undefined);
  return Object.assign(server, { servernames });
}

export const context = (timeoutMs = 3000, now: () => Date = () => new Date()) => ({
  signal: AbortSignal.timeout(timeoutMs),
  now,
});

/** Waits until `ready()` holds (polling), or fails after `ms`. */
export async function until(
  ready: () => boolean,
  ms = 2000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
