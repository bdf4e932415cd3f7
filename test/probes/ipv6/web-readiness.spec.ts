import { randomUUID } from 'node:crypto';
import { ServerLookup } from '../../../probes/dns/lookup';
import { UdpTcpTransport } from '../../../probes/dns/transport';
import { ipv6SelfTest, type SelfTestResult } from '../../../probes/ipv6/self-test';
import {
  checkWebReadiness,
  type WebReadinessResult,
  type WebReadinessSettings,
} from '../../../probes/ipv6/web-readiness';
import { ProbeScope } from '../../../probes/scope';
import { start, type RunningServer } from '../../support/dns/authoritative-server';
import {
  a,
  aaaa,
  closedPort,
  cname,
  page,
  startHttp,
  startHttpPair,
  zone,
  type HttpHandler,
} from './servers';

/** A portal page whose volatile parts (time, tokens, session, nonce) come from `v`. */
function portal(v: { seed: number; article?: string }): string {
  const n = v.seed;
  const token = `tok${n}A9f3kLq0ZxV7bN2mW8cR4tY6uI1oP5sD`;
  const session = `${n}F0E1D2C3B4A59687766554433221100`;
  const day = `${10 + (n % 18)}/0${1 + (n % 8)}/2025`;
  const article =
    v.article ??
    `Sở Thông tin và Truyền thông tỉnh Lâm Đồng thông báo kế hoạch triển khai IPv6 cho các cơ quan
     nhà nước trên địa bàn tỉnh. Các đơn vị cần rà soát hệ thống, cập nhật bản ghi AAAA cho cổng
     thông tin điện tử, máy chủ thư điện tử và hệ thống tên miền, đồng thời ký số DNSSEC cho vùng
     tên miền của đơn vị. Báo cáo kết quả gửi về Sở trước ngày quy định để tổng hợp.`;
  return `<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="csrf-token" content="${token}">
<title>Cổng thông tin điện tử tỉnh Lâm Đồng</title>
<script nonce="n${n}x${n * 7}">window.__t = ${1738300000 + n * 37}; window.__build = "${token}";</script>
</head><body>
<!-- page generated ${day} ${n % 24}:1${n % 10}:0${n % 10} in 0.0${n}s -->
<nav><a href="/tin-tuc;jsessionid=${session}">Tin tức</a>
<a href="/lich-cong-tac?PHPSESSID=${session}&amp;tuan=12">Lịch công tác</a></nav>
<form method="post"><input type="hidden" name="_token" value="${token}">
<input name="q" placeholder="Tìm kiếm"></form>
<p>Cập nhật lúc ${n % 24}:0${n % 10}:1${n % 10} ngày ${day}, ${new Date(1738300000000 + n * 3_600_000).toISOString()}</p>
<article>${article}</article>
<footer>Request ${randomUUID()} · ${new Date(1738300000000 + n * 60_000).toUTCString()}</footer>
</body></html>`;
}

const OTHER_ARTICLE = `Ủy ban nhân dân tỉnh ban hành quyết định về quy chế quản lý, vận hành mạng
  truyền số liệu chuyên dùng; các huyện, thành phố báo cáo tình hình sử dụng đường truyền, thiết bị
  định tuyến và tường lửa, danh sách địa chỉ được cấp phát cho từng xã, phường, thị trấn trong quý.`;

const transport = new UdpTcpTransport();
const context = () => ({ signal: new AbortController().signal, now: () => new Date() });

describe('checkWebReadiness', () => {
  let dns: RunningServer;
  let settings: (port: number, extra?: Partial<WebReadinessSettings>) => WebReadinessSettings;
  let selfTestOk: SelfTestResult;
  const servers: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(s: T): T => {
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    dns = await start({
      zones: [
        zone('web.test', [
          a('v6only.web.test', '127.0.0.1'),
          aaaa('v6only.web.test', '::1'),
          a('v4only.web.test', '127.0.0.1'),
          a('dual.web.test', '127.0.0.1'),
          aaaa('dual.web.test', '::1'),
          cname('alias.web.test', 'dual.web.test'),
          a('mapped.web.test', '127.0.0.1'),
          aaaa('mapped.web.test', '::ffff:127.0.0.1'),
          aaaa('nat64.web.test', '64:ff9b::7f00:1'),
          a('nat64.web.test', '127.0.0.1'),
        ]),
      ],
    });
    // The probe host's IPv6: the DNS server's own TCP listener on ::1 is the anchor.
    selfTestOk = await ipv6SelfTest({ anchor: { kind: 'tcp', address: '::1', port: dns.port } });
    expect(selfTestOk.ipv6).toBe(true);
    const lookup = new ServerLookup(transport, { address: '127.0.0.1', port: dns.port });
    settings = (port, extra = {}) => ({
      lookup,
      selfTest: { result: selfTestOk },
      ports: [{ port, scheme: 'http' }],
      timeoutMs: 2000,
      ...extra,
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await dns?.stop();
  });

  const pair = async (v4: HttpHandler, v6: HttpHandler) => track(await startHttpPair(v4, v6));
  const run = (host: string, port: number, extra?: Partial<WebReadinessSettings>) =>
    checkWebReadiness(host, settings(port, extra), context());
  const codes = (r: WebReadinessResult['ipv6']) => r.reasons.map((x) => x.code);
  const SAME_BODY = portal({ seed: 1 });
  const same: HttpHandler = (_req, res) => page(res, 200, SAME_BODY);

  it('a host served only on ::1: ipv6 up, ipv4 down, nothing to compare', async () => {
    const server = track(await startHttp('::1', same));
    const r = await run('v6only.web.test', server.port);
    expect(r.ipv6).toMatchObject({ status: 'up', family: 6, addresses: ['::1'], reasons: [] });
    expect(r.ipv4.status).toBe('down');
    expect(codes(r.ipv4)).toEqual(['ipv4_web_not_ready', 'tcp_refused']);
    expect(r.ipv4.reasons[1].message).toContain(`127.0.0.1:${server.port}`);
    expect(r.comparison).toMatchObject({ status: 'not_compared', pairs: [] });
    expect(r.comparison.reason).toContain('IPv4');
    expect(r.grid).toEqual({ assigned: true, operational: true });
    expect(server.requests).toEqual([{ url: '/', host: `v6only.web.test:${server.port}` }]);
  });

  it('a host served only on 127.0.0.1 without AAAA: ipv4 up, ipv6 down (not assigned)', async () => {
    const server = track(await startHttp('127.0.0.1', same));
    const r = await run('v4only.web.test', server.port);
    expect(r.ipv4).toMatchObject({ status: 'up', family: 4, addresses: ['127.0.0.1'] });
    expect(r.ipv6).toMatchObject({ status: 'down', family: null, addresses: [] });
    expect(codes(r.ipv6)).toEqual(['ipv6_web_not_ready', 'no_aaaa']);
    expect(r.grid).toEqual({ assigned: false, operational: false });
  });

  it('AAAA ::1 with nothing listening there: ipv6 down naming the address, ipv4 up', async () => {
    const server = track(await startHttp('127.0.0.1', same));
    const r = await run('dual.web.test', server.port);
    expect(r.ipv4.status).toBe('up');
    expect(r.ipv6.status).toBe('down');
    expect(codes(r.ipv6)).toEqual(['ipv6_web_not_ready', 'tcp_refused']);
    expect(r.ipv6.reasons[1].message).toContain(`[::1]:${server.port}`);
    expect(r.ipv6.observations.reach).toEqual([
      expect.objectContaining({ address: '::1', port: server.port, ok: false }),
    ]);
    expect(r.ipv6.observations.http).toEqual([]);
    expect(r.grid).toEqual({ assigned: true, operational: false });
  });

  it('the same site on both families: two verdicts, both up, comparison equal', async () => {
    const p = await pair(same, same);
    const r = await run('dual.web.test', p.port);
    expect(r.ipv4).toMatchObject({ status: 'up', family: 4, reasons: [] });
    expect(r.ipv6).toMatchObject({ status: 'up', family: 6, reasons: [] });
    expect(r.comparison.status).toBe('equal');
    expect(r.comparison.pairs).toHaveLength(1);
    expect(r.comparison.pairs[0]).toMatchObject({
      ipv4Address: '127.0.0.1',
      ipv6Address: '::1',
      status: { ipv4: 200, ipv6: 200, equal: true },
      location: { equal: true },
      body: { method: 'text', similarity: 1, equal: true, threshold: 0.9 },
      equal: true,
    });
    expect(r.grid).toEqual({ assigned: true, operational: true });
    expect(r.ipv4.observations.http[0]).toMatchObject({ ok: true, status: 200 });
    expect(r.ipv6.observations.http[0].bodySha256).toBe(r.ipv4.observations.http[0].bodySha256);
  });

  it('follows a CNAME to the addresses', async () => {
    const p = await pair(same, same);
    const r = await run('alias.web.test', p.port);
    expect(r.ipv6.observations.dns.cnames).toEqual(['dual.web.test.']);
    expect(r.ipv6.addresses).toEqual(['::1']);
    expect(r.ipv6.status).toBe('up');
    expect(p.v6.port).toBe(p.port);
  });

  it('different volatile parts only (times, CSRF, nonce, session ids, UUIDs): still equal', async () => {
    let n = 0;
    const changing: HttpHandler = (_req, res) => page(res, 200, portal({ seed: ++n * 13 }));
    const p = await pair(changing, changing);
    const r = await run('dual.web.test', p.port);
    expect(r.ipv6.observations.http[0].bodySha256).not.toBe(r.ipv4.observations.http[0].bodySha256);
    expect(r.comparison.pairs[0].body.similarity).toBe(1);
    expect(r.comparison.status).toBe('equal');
    expect(r.ipv6.status).toBe('up');
  });

  it('a small edit stays above the threshold; another page falls below it', async () => {
    const edited = SAME_BODY.replace('tổng hợp', 'tổng hợp kịp thời');
    const small = await pair(same, (_req, res) => page(res, 200, edited));
    const r1 = await run('dual.web.test', small.port);
    expect(r1.comparison.pairs[0].body.similarity).toBeGreaterThanOrEqual(0.9);
    expect(r1.comparison.pairs[0].body.similarity).toBeLessThan(1);
    expect(r1.ipv6.status).toBe('up');

    const other = await pair(same, (_req, res) =>
      page(res, 200, portal({ seed: 1, article: OTHER_ARTICLE })),
    );
    const r2 = await run('dual.web.test', other.port);
    expect(r2.comparison.status).toBe('different');
    expect(r2.comparison.pairs[0].body.similarity).toBeLessThan(0.9);
    expect(r2.ipv6.status).toBe('degraded');
    expect(codes(r2.ipv6)).toEqual(['ipv6_web_degraded', 'body_differs']);
    expect(r2.ipv4.status).toBe('up');
    expect(r2.grid.operational).toBe(true);
  });

  it('an error status only over IPv6 is down; another status difference is degraded', async () => {
    const broken = await pair(same, (_req, res) => page(res, 503, 'Service Unavailable'));
    const r1 = await run('dual.web.test', broken.port);
    expect(r1.ipv6.status).toBe('down');
    expect(codes(r1.ipv6)).toEqual([
      'ipv6_web_not_ready',
      'http_error_over_ipv6',
      'http_server_error',
      'body_differs',
    ]);
    expect(r1.ipv6.reasons[1].message).toContain('HTTP 503 over IPv6, 200 over IPv4');
    expect(r1.ipv4.status).toBe('up');
    expect(r1.grid).toEqual({ assigned: true, operational: false });

    const body = portal({ seed: 1 });
    const other = await pair(same, (_req, res) => page(res, 203, body));
    const r2 = await run('dual.web.test', other.port);
    expect(r2.ipv6.status).toBe('degraded');
    expect(codes(r2.ipv6)).toEqual(['ipv6_web_degraded', 'status_differs']);
  });

  it('a different redirect target is degraded; relative and absolute spellings are equal', async () => {
    const redirect =
      (location: string): HttpHandler =>
      (_req, res) =>
        page(res, 301, '', { location });
    const differ = await pair(
      redirect('https://dual.web.test/'),
      redirect('https://www.lamdong.test/'),
    );
    const r1 = await run('dual.web.test', differ.port);
    expect(r1.ipv6.status).toBe('degraded');
    expect(codes(r1.ipv6)).toEqual(['ipv6_web_degraded', 'redirect_differs']);
    expect(r1.comparison.pairs[0].location).toEqual({
      ipv4: 'https://dual.web.test/',
      ipv6: 'https://www.lamdong.test/',
      equal: false,
    });

    const spelled = await pair(
      (_req, res) => page(res, 302, '', { location: '/trang-chu;jsessionid=AAA111' }),
      (req, res) =>
        page(res, 302, '', {
          location: `http://${req.headers.host}/trang-chu;jsessionid=BBB222`,
        }),
    );
    const r2 = await run('dual.web.test', spelled.port);
    expect(r2.comparison.pairs[0].location.equal).toBe(true);
    expect(r2.ipv6.status).toBe('up');
  });

  it('compares content-type and the configured headers', async () => {
    const body = portal({ seed: 1 });
    const p = await pair(
      (_req, res) => page(res, 200, body, { 'x-frame-options': 'DENY' }),
      (_req, res) =>
        page(res, 200, body, {
          'content-type': 'text/html; charset=UTF-8',
          'x-frame-options': 'SAMEORIGIN',
        }),
    );
    const plain = await run('dual.web.test', p.port);
    expect(plain.ipv6.status).toBe('up'); // charset case does not matter; x-frame-options not asked
    const r = await run('dual.web.test', p.port, { compareHeaders: ['X-Frame-Options'] });
    expect(r.ipv6.status).toBe('degraded');
    expect(codes(r.ipv6)).toEqual(['ipv6_web_degraded', 'header_differs']);
    expect(r.comparison.headersCompared).toEqual(['content-type', 'x-frame-options']);
    expect(r.ipv6.reasons[1].message).toContain('"SAMEORIGIN" over IPv6, "DENY" over IPv4');
  });

  it.each([
    ['mapped.web.test', 'IPv4-mapped'],
    ['nat64.web.test', 'NAT64'],
  ])('%s: an AAAA that reaches IPv4 does not count', async (host, why) => {
    const p = await pair(same, same);
    const r = await run(host, p.port);
    expect(r.ipv6.status).toBe('down');
    expect(r.ipv6.addresses).toEqual([]);
    expect(codes(r.ipv6)).toEqual(['ipv6_web_not_ready', 'no_aaaa']);
    expect(r.ipv6.reasons[1].message).toContain(why);
    expect(r.ipv6.observations.dns.ignored).toHaveLength(1);
    expect(r.ipv4.status).toBe('up');
    expect(r.grid).toEqual({ assigned: false, operational: false });
    expect(p.v4.requests).toHaveLength(1); // the AAAA was not used to reach the IPv4 server
    expect(p.v6.requests).toHaveLength(0);
  });

  it('without IPv6 on the probe host, ipv6 is not_tested (never down) and nothing is sent', async () => {
    const p = await pair(same, same);
    const dead = await closedPort('::1');
    const r = await run('dual.web.test', p.port, {
      selfTest: { anchor: { kind: 'tcp', address: '::1', port: dead }, timeoutMs: 1000 },
    });
    expect(r.selfTest.ipv6).toBe(false);
    expect(r.ipv6.status).toBe('not_tested');
    expect(codes(r.ipv6)).toEqual([
      'ipv6_web_not_tested',
      'probe_host_no_ipv6',
      'self_test_refused',
    ]);
    expect(r.ipv4.status).toBe('up');
    expect(r.comparison.status).toBe('not_compared');
    expect(r.grid).toEqual({ assigned: true, operational: null });
    expect(p.v6.requests).toHaveLength(0);

    // Even a host without AAAA is not judged down then; the DNS fact stays in the reasons.
    const v4 = track(await startHttp('127.0.0.1', same));
    const r2 = await run('v4only.web.test', v4.port, { selfTest: { result: r.selfTest } });
    expect(r2.ipv6.status).toBe('not_tested');
    expect(codes(r2.ipv6)).toContain('no_aaaa');
    expect(r2.grid).toEqual({ assigned: false, operational: false });
  });

  it('an HTTP anchor works as the self-test too', async () => {
    const anchor = track(await startHttp('::1', (_req, res) => page(res, 204, '')));
    const p = await pair(same, same);
    const r = await run('dual.web.test', p.port, {
      selfTest: {
        anchor: { kind: 'http', url: `http://anchor.test:${anchor.port}/`, address: '::1' },
      },
    });
    expect(r.selfTest).toMatchObject({ ipv6: true, observations: { httpStatus: 204 } });
    expect(r.ipv6.status).toBe('up');
  });

  it('addresses outside the probe scope are not_tested and never contacted', async () => {
    const p = await pair(same, same);
    const r = await run('dual.web.test', p.port, {
      scope: ProbeScope.parse('127.0.0.0/8'),
      selfTest: { anchor: { kind: 'tcp', address: '::1', port: dns.port } },
    });
    expect(r.ipv4.status).toBe('up');
    expect(r.ipv6.status).toBe('not_tested');
    // The self-test anchor (::1) is out of scope too: nothing at all goes to ::1.
    expect(codes(r.ipv6)).toContain('probe_host_no_ipv6');
    const withAnchorResult = await run('dual.web.test', p.port, {
      scope: ProbeScope.parse('127.0.0.0/8'),
      selfTest: { result: selfTestOk },
    });
    expect(withAnchorResult.ipv6.status).toBe('not_tested');
    expect(codes(withAnchorResult.ipv6)).toEqual(['ipv6_web_not_tested', 'address_out_of_scope']);
    expect(withAnchorResult.grid.operational).toBeNull();
    expect(p.v6.requests).toHaveLength(0);
  });

  it('every configured port must answer on every address', async () => {
    const p = await pair(same, same);
    const dead = await closedPort('::1');
    const r = await run('dual.web.test', p.port, {
      ports: [
        { port: p.port, scheme: 'http' },
        { port: dead, scheme: 'http' },
      ],
    });
    expect(r.ipv6.status).toBe('down');
    expect(r.ipv6.reasons.map((x) => x.message).join('\n')).toContain(`[::1]:${dead}`);
    expect(r.ipv6.observations.reach.filter((x) => x.ok)).toHaveLength(1);
  });

  it('a name that does not exist is down on both families', async () => {
    const r = await run('missing.web.test', 1);
    expect(r.ipv4.status).toBe('down');
    expect(r.ipv6.status).toBe('down');
    expect(codes(r.ipv6)).toEqual(['ipv6_web_not_ready', 'host_not_found']);
  });
});
