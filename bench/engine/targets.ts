/**
 * The loopback targets of the engine benchmark, run in a child process so the benchmark's own
 * process (and its RSS) is the engine's: the in-process authoritative DNS server of the tests
 * (127.0.0.1 and ::1, UDP and TCP), several tiny HTTP servers (keep-alive off) and several TCP
 * listeners per family. Loopback only. Started by `startTargets()` (targets-client.ts); reports
 * its ports over IPC and exits when the parent says `stop`, disconnects, or after its own
 * time limit.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { start as startDns } from '../../test/support/dns/authoritative-server';
import { a, aaaa, zone } from '../../test/probes/ipv6/servers';
import { BENCH_ZONE, BENCH_ZONE_NAMES, type Endpoint, type TargetsMessage } from './protocol';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 4);
const LIMIT_MS = (Number(process.env.BENCH_SECONDS ?? 900) + 120) * 1000;
const ADDRESSES = ['127.0.0.1', '::1'] as const;

interface Closer {
  close(): Promise<void>;
}

function listen(server: net.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: 0, ipv6Only: address.includes(':') }, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : 0);
    });
  });
}

function tracked(server: net.Server): Closer {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function startHttp(address: Endpoint['address']): Promise<[Endpoint, Closer]> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': '2',
      connection: 'close',
    });
    res.end('ok');
  });
  server.keepAliveTimeout = 0;
  const closer = tracked(server);
  return [{ address, port: await listen(server, address) }, closer];
}

async function startTcp(address: Endpoint['address']): Promise<[Endpoint, Closer]> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.resume();
    socket.on('end', () => socket.end());
  });
  const closer = tracked(server);
  return [{ address, port: await listen(server, address) }, closer];
}

async function main(): Promise<void> {
  const closers: Closer[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(closers.map((c) => c.close().catch(() => undefined)));
    process.exit(code);
  };
  process.on('disconnect', () => void stop(0));
  process.on('message', (m: unknown) => {
    if (m === 'stop') void stop(0);
  });
  setTimeout(() => void stop(3), LIMIT_MS).unref();

  const records = [];
  for (let i = 0; i < BENCH_ZONE_NAMES; i++) {
    records.push(a(`h${i}.${BENCH_ZONE}`, '127.0.0.1'), aaaa(`h${i}.${BENCH_ZONE}`, '::1'));
  }
  const dns = await startDns({ zones: [zone(BENCH_ZONE, records)], addresses: [...ADDRESSES] });
  closers.push({ close: () => dns.stop() });
  // The server logs every query; keep that log from growing over a long run.
  const trim = setInterval(() => dns.queries.splice(0), 1000);
  trim.unref();

  const httpEndpoints: Endpoint[] = [];
  const tcpEndpoints: Endpoint[] = [];
  for (const address of ADDRESSES) {
    for (let i = 0; i < SERVERS; i++) {
      const [h, hc] = await startHttp(address);
      closers.push(hc);
      httpEndpoints.push(h);
      const [t, tc] = await startTcp(address);
      closers.push(tc);
      tcpEndpoints.push(t);
    }
  }
  const ready: TargetsMessage = {
    type: 'ready',
    dnsPort: dns.port,
    http: httpEndpoints,
    tcp: tcpEndpoints,
  };
  process.send?.(ready);
}

main().catch((err: unknown) => {
  process.stderr.write(`targets: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
