/**
 * IPv6 web readiness against addresses that are not loopback: a network namespace joined by a
 * veth pair (fd42:6e77::1/64 here, fd42:6e77::2/64 inside), an HTTP server inside it, and an
 * address on the veth subnet that exists nowhere (fd42:6e77::3), so packets to it vanish.
 *
 * The probe scope allows only ::1/128 and fd42:6e77::/64: nothing else can be sent to, even by
 * mistake. Skipped, saying why, when namespaces cannot be created (not root, no `ip`).
 */
import { ServerLookup } from '../../probes/dns/lookup';
import { UdpTcpTransport } from '../../probes/dns/transport';
import { ipv6SelfTest, type SelfTestResult } from '../../probes/ipv6/self-test';
import { checkWebReadiness, type WebReadinessSettings } from '../../probes/ipv6/web-readiness';
import { ProbeScope } from '../../probes/scope';
import { start, type RunningServer } from '../support/dns/authoritative-server';
import { netnsAvailability, TestNetns, type NamespaceProcess } from '../support/netns';
import { a, aaaa, page, startHttp, zone } from '../probes/ipv6/servers';

const SCOPE = ProbeScope.parse('::1/128,fd42:6e77::/64');
const HOST_SIDE = 'fd42:6e77::1';
const NS_SIDE = 'fd42:6e77::2';
/** On the veth subnet, assigned to nobody: neighbour discovery never answers. */
const BLACK_HOLE = 'fd42:6e77::3';

const availability = netnsAvailability();
if (!availability.ok) console.warn(`ipv6-netns.interop.spec.ts skipped: ${availability.reason}`);
const describeWithNetns = availability.ok ? describe : describe.skip;

const BODY = '<html><body><h1>Cổng thông tin điện tử</h1><p>IPv6 trong namespace</p></body></html>';

/** Runs inside the namespace: one HTTP server on the namespace's address; exits with stdin. */
const NS_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(${JSON.stringify(BODY)});
});
server.listen({ host: ${JSON.stringify(NS_SIDE)}, port: 0, ipv6Only: true }, () =>
  console.log('listening ' + server.address().port));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
`;

describeWithNetns('IPv6 web readiness through a network namespace', () => {
  const tag = String(process.pid % 100000);
  let netns: TestNetns | undefined;
  let nsServer: NamespaceProcess;
  let nsPort: number;
  let dns: RunningServer;
  let loopback: Awaited<ReturnType<typeof startHttp>>;
  let selfTest: SelfTestResult;
  let settings: (ports: number[]) => WebReadinessSettings;

  beforeAll(async () => {
    netns = TestNetns.create({
      name: `nw6test${tag}`,
      hostInterface: `nw6h${tag}`,
      nsInterface: `nw6n${tag}`,
      hostAddress: `${HOST_SIDE}/64`,
      nsAddress: `${NS_SIDE}/64`,
    });
    nsServer = netns.spawnNode(NS_SERVER);
    nsPort = Number((await nsServer.waitFor(/listening (\d+)/))[1]);
    loopback = await startHttp('::1', (_req, res) => page(res, 200, BODY));
    dns = await start({
      zones: [
        zone('v6.test', [
          // One address answers, one is black-holed.
          aaaa('pair.v6.test', '::1'),
          aaaa('pair.v6.test', BLACK_HOLE),
          a('pair.v6.test', '127.0.0.1'), // outside the scope: never contacted
          aaaa('inside.v6.test', NS_SIDE),
        ]),
      ],
      addresses: ['::1'],
    });
    selfTest = await ipv6SelfTest({
      anchor: { kind: 'tcp', address: '::1', port: loopback.port },
      scope: SCOPE,
    });
    expect(selfTest.ipv6).toBe(true);
    const lookup = new ServerLookup(new UdpTcpTransport(), { address: '::1', port: dns.port });
    settings = (ports) => ({
      lookup,
      selfTest: { result: selfTest },
      ports: ports.map((port) => ({ port, scheme: 'http' })),
      timeoutMs: 1500,
      scope: SCOPE,
    });
  }, 30_000);

  afterAll(async () => {
    // Each step runs even when an earlier one failed.
    await dns?.stop().catch(() => undefined);
    await loopback?.close().catch(() => undefined);
    if (netns) {
      await netns.destroy();
      expect(netns.leftovers()).toEqual([]);
    }
  });

  const context = () => ({ signal: new AbortController().signal, now: () => new Date() });

  it('two AAAA, one black-holed: ipv6 down naming the bad address', async () => {
    const r = await checkWebReadiness('pair.v6.test', settings([loopback.port]), context());
    expect(r.ipv6.addresses.sort()).toEqual(['::1', BLACK_HOLE].sort());
    expect(r.ipv6.status).toBe('down');
    const reach = r.ipv6.observations.reach;
    expect(reach.find((x) => x.address === '::1')).toMatchObject({ ok: true });
    const bad = reach.find((x) => x.address === BLACK_HOLE);
    expect(bad?.ok).toBe(false);
    expect(['timeout', 'unreachable']).toContain(bad?.error?.code);
    expect(r.ipv6.reasons[0].code).toBe('ipv6_web_not_ready');
    expect(r.ipv6.reasons[1].message).toContain(`[${BLACK_HOLE}]:${loopback.port}`);
    // The answering address was still fetched over HTTP; the IPv4 side is outside the scope.
    expect(r.ipv6.observations.http).toEqual([
      expect.objectContaining({ address: '::1', ok: true, status: 200 }),
    ]);
    expect(r.ipv4.status).toBe('not_tested');
    expect(r.ipv4.reasons.map((x) => x.code)).toContain('address_out_of_scope');
    expect(r.grid).toEqual({ assigned: true, operational: false });
  });

  it('a host whose only AAAA is inside the namespace and answers: ipv6 up', async () => {
    const r = await checkWebReadiness('inside.v6.test', settings([nsPort]), context());
    expect(r.ipv6).toMatchObject({ status: 'up', family: 6, addresses: [NS_SIDE], reasons: [] });
    expect(r.ipv6.observations.http).toEqual([
      expect.objectContaining({ address: NS_SIDE, ok: true, status: 200 }),
    ]);
    expect(r.ipv4.status).toBe('down');
    expect(r.ipv4.reasons.map((x) => x.code)).toEqual(['ipv4_web_not_ready', 'no_a']);
    expect(r.comparison.status).toBe('not_compared');
    expect(r.grid).toEqual({ assigned: true, operational: true });
  });

  it('the namespace address is reachable only through the veth: nothing else is in scope', () => {
    expect(SCOPE.allows(NS_SIDE)).toBe(true);
    expect(SCOPE.allows(BLACK_HOLE)).toBe(true);
    expect(SCOPE.allows('2001:db8::1')).toBe(false);
    expect(SCOPE.allows('127.0.0.1')).toBe(false);
  });
});
