import { AddressInfo, createServer, Server, Socket } from 'node:net';

/** What a test server does with each connection. */
export type Behaviour =
  | { kind: 'silent' }
  | { kind: 'banner'; chunks: string[]; gapMs?: number }
  | { kind: 'reset' }
  | { kind: 'close' };

export interface TestServer {
  host: string;
  port: number;
  /** Remote addresses of every accepted connection, in order. */
  connections: string[];
  behaviour: Behaviour;
  /** Connections currently open on the server side. */
  open(): number;
  /** Resolves once every server-side connection has closed. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

/** A TCP server on a loopback address only (port 0: an ephemeral one). */
export async function listen(
  host: '127.0.0.1' | '::1',
  behaviour: Behaviour = { kind: 'silent' },
  port = 0,
): Promise<TestServer> {
  if (!LOOPBACK.has(host)) throw new Error(`refusing to listen on ${host}`);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let waiters: (() => void)[] = [];
  const server: Server = createServer();
  const state: TestServer = {
    host,
    port: 0,
    connections: [],
    behaviour,
    open: () => sockets.size,
    drained: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  server.on('connection', (socket) => {
    sockets.add(socket);
    state.connections.push(socket.remoteAddress ?? '?');
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
    });
    const b = state.behaviour;
    if (b.kind === 'reset') socket.resetAndDestroy();
    else if (b.kind === 'close') socket.end();
    else if (b.kind === 'banner') {
      b.chunks.forEach((chunk, i) => {
        const t = setTimeout(
          () => {
            timers.delete(t);
            if (!socket.destroyed) socket.write(chunk);
          },
          i * (b.gapMs ?? 0),
        );
        timers.add(t);
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === '::1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** A port on `host` where nothing listens (bound, then released). */
export async function closedPort(host: '127.0.0.1' | '::1'): Promise<number> {
  const s = await listen(host);
  const port = s.port;
  await s.close();
  return port;
}

/** An IPv4 and an IPv6 loopback server on the same port (retries when the port is taken). */
export async function dualPair(): Promise<{ v4: TestServer; v6: TestServer }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const v6 = await listen('::1');
    try {
      const v4 = await listen('127.0.0.1', { kind: 'silent' }, v6.port);
      return { v4, v6 };
    } catch {
      await v6.close();
    }
  }
  throw new Error('no port free on both 127.0.0.1 and ::1');
}
