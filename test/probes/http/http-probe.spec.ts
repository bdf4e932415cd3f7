import { getEventListeners, setMaxListeners } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressResolver, ResolveResult } from '../../../probes/http/addresses';
import {
  HttpProbe,
  HttpProbeSettings,
  HttpSettingsError,
  parseExpectedStatus,
} from '../../../probes/http/http-probe';
import { runProbe } from '../../../probes/run';
import { ProbeScope } from '../../../probes/scope';
import { Issued, makeCa, makeLeaf } from '../tls/certs';
import {
  blackHole,
  closedPort,
  context,
  httpServer,
  httpsServer,
  listen,
  listenBoth,
  Running,
  until,
} from './servers';

/** A resolver that answers from a table and records what it was asked; never any packet. */
function tableResolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolver: AddressResolver = async (hostname, family) => {
    asked.push(`${hostname} ${family === 4 ? 'A' : 'AAAA'}`);
    const all = table[hostname];
    if (!all) return { ok: false, code: 'nxdomain', message: `${hostname} does not exist` };
    const mine = all.filter((a) => a.includes(':') === (family === 6));
    const result: ResolveResult = mine.length
      ? { ok: true, addresses: mine }
      : {
          ok: false,
          code: 'no_address',
          message: `${hostname} has no ${family === 4 ? 'A' : 'AAAA'}`,
        };
    return result;
  };
  return { resolver, asked };
}

const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

/** The loopback web site most tests use: one handler, the same port on 127.0.0.1 and ::1. */
function site(family: 4 | 6, hits: string[]): http.Server {
  return httpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(`${family} ${url.pathname}`);
    const path = url.pathname;
    const redirect = (to: string) => {
      res.writeHead(302, { location: to });
      res.end();
    };
    if (path === '/') {
      res.end(`<html><title>Cổng thông tin</title><body>hello from IPv${family}</body></html>`);
    } else if (path === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'ok',
          checks: [
            { name: 'db', ok: true },
            { name: 'dns', ok: false },
          ],
        }),
      );
    } else if (path === '/not-json') {
      res.end('{"status": ');
    } else if (path === '/error') {
      res.writeHead(503);
      res.end('maintenance');
    } else if (path === '/slow') {
      const timer = setTimeout(() => res.end('finally'), Number(url.searchParams.get('ms') ?? 300));
      res.on('close', () => clearTimeout(timer));
    } else if (path === '/start') {
      redirect('/middle');
    } else if (path === '/middle') {
      redirect(`http://localhost:${(req.socket.localPort ?? 0).toString()}/`);
    } else if (path === '/loop-a') {
      redirect('/loop-b');
    } else if (path === '/loop-b') {
      redirect('/loop-a#again');
    } else if (path.startsWith('/chain/')) {
      redirect(`/chain/${Number(path.slice(7)) + 1}`);
    } else if (path === '/elsewhere') {
      redirect(`http://v4only.test:${(req.socket.localPort ?? 0).toString()}/`);
    } else if (path === '/ftp') {
      redirect('ftp://localhost/file');
    } else if (path === '/no-location') {
      res.writeHead(302);
      res.end();
    } else if (path === '/huge') {
      // 64 MiB offered, written as fast as the client reads: a probe that loaded it whole would show.
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      res.on('error', () => undefined);
      res.on('close', () => huge.push({ sent, finished: res.writableFinished }));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      pump();
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
}
const huge: { sent: number; finished: boolean }[] = [];

describe('HttpProbe over plain HTTP', () => {
  let both: Awaited<ReturnType<typeof listenBoth<http.Server>>>;
  const hits: string[] = [];
  const probe = new HttpProbe({ resolver: tableResolver({}).resolver });
  const base = (
    family: 4 | 6,
    path = '/',
    extra: Partial<HttpProbeSettings> = {},
  ): HttpProbeSettings => ({
    url: `http://localhost:${both.port}${path}`,
    family,
    addresses: ['127.0.0.1', '::1'],
    ...extra,
  });

  beforeAll(async () => {
    both = await listenBoth((family) => site(family, hits));
  });
  afterAll(async () => both.close());
  beforeEach(() => (hits.length = 0));

  describe('address family', () => {
    it.each([4, 6] as const)(
      'fetches over IPv%s only, from that family’s address',
      async (family) => {
        const out = await probe.run(
          undefined,
          base(family, '/', { keyword: `hello from IPv${family}` }),
          context(),
        );
        expect(out.status).toBe('up');
        expect(out.family).toBe(family);
        expect(out.reasons).toEqual([]);
        const o = out.observations;
        expect(o.address).toBe(family === 4 ? '127.0.0.1' : '::1');
        expect(o.addresses).toEqual([family === 4 ? '127.0.0.1' : '::1']);
        expect(o.status).toBe(200);
        expect(o.finalUrl).toBe(`http://localhost:${both.port}/`);
        expect(o.keyword).toEqual({ text: `hello from IPv${family}`, found: true });
        expect(o.bodyBytes).toBe(
          Buffer.byteLength(
            `<html><title>Cổng thông tin</title><body>hello from IPv${family}</body></html>`,
          ),
        );
        expect(o.bodyTruncated).toBe(false);
        expect(o.tls).toBeNull();
        expect(o.latency.dnsMs).toBe(0);
        expect(o.latency.connectMs).toBeGreaterThan(0);
        expect(o.latency.firstByteMs).toBeGreaterThanOrEqual(0);
        expect(o.latency.totalMs).toBeGreaterThanOrEqual(o.latency.connectMs ?? Infinity);
        expect(hits).toEqual([`${family} /`]);
      },
    );
  });

  describe('status code', () => {
    it('is down on a status outside the expected ones, up when it is expected', async () => {
      const down = await probe.run(undefined, base(4, '/error'), context());
      expect(down.status).toBe('down');
      expect(down.family).toBe(4); // it answered, wrongly
      expect(down.reasons).toEqual([
        { code: 'http_down', message: `GET http://localhost:${both.port}/error over IPv4 failed` },
        { code: 'status_unexpected', message: 'status 503, expected 200-399' },
      ]);
      expect(down.observations.status).toBe(503);
      const up = await probe.run(
        undefined,
        base(4, '/error', { expectedStatus: ['5xx'] }),
        context(),
      );
      expect(up.status).toBe('up');
    });

    it('parses codes, ranges and classes, and refuses nonsense', () => {
      expect(parseExpectedStatus([200, '301-302', '4xx'])).toEqual([
        [200, 200],
        [301, 302],
        [400, 499],
      ]);
      expect(() => parseExpectedStatus('2OO')).toThrow(HttpSettingsError);
      expect(() => parseExpectedStatus('399-200')).toThrow(/within 100-599/);
      expect(() => parseExpectedStatus([])).toThrow(/empty/);
    });
  });

  describe('keyword and JSON conditions', () => {
    it('is down when the keyword is missing', async () => {
      const out = await probe.run(undefined, base(6, '/', { keyword: 'Sở Thông tin' }), context());
      expect(out.status).toBe('down');
      expect(codes(out.reasons)).toEqual(['http_down', 'keyword_missing']);
      expect(out.observations.keyword).toEqual({ text: 'Sở Thông tin', found: false });
    });

    it('matches a UTF-8 keyword', async () => {
      const out = await probe.run(
        undefined,
        base(6, '/', { keyword: 'Cổng thông tin' }),
        context(),
      );
      expect(out.status).toBe('up');
    });

    it.each([
      ['$.status', 'ok', 'up'],
      ['$.status', 'fine', 'down'],
      ["$.checks[?(@.name==='db')].ok", true, 'up'],
      ["$.checks[?(@.name==='dns')].ok", true, 'down'],
      ['$.checks[*].name', 'dns', 'up'],
    ] as const)('judges %s equals %j as %s', async (jsonPath, jsonEquals, status) => {
      const out = await probe.run(undefined, base(4, '/json', { jsonPath, jsonEquals }), context());
      expect(out.status).toBe(status);
      expect(out.observations.json?.met).toBe(status === 'up');
      if (status === 'down')
        expect(codes(out.reasons)).toEqual(['http_down', 'json_condition_false']);
    });

    it('without jsonEquals, requires the path to match something', async () => {
      const yes = await probe.run(
        undefined,
        base(4, '/json', { jsonPath: '$.checks[0].name' }),
        context(),
      );
      expect(yes.status).toBe('up');
      expect(yes.observations.json).toEqual({
        path: '$.checks[0].name',
        values: ['db'],
        met: true,
      });
      const no = await probe.run(undefined, base(4, '/json', { jsonPath: '$.missing' }), context());
      expect(no.status).toBe('down');
      expect(no.reasons[1]).toEqual({
        code: 'json_condition_false',
        message: '$.missing matches nothing',
      });
    });

    it('is down when the body is not JSON', async () => {
      const out = await probe.run(
        undefined,
        base(4, '/not-json', { jsonPath: '$.status', jsonEquals: 'ok' }),
        context(),
      );
      expect(out.status).toBe('down');
      expect(codes(out.reasons)).toEqual(['http_down', 'json_invalid']);
    });
  });

  describe('body size', () => {
    it('reads only maxBodyBytes of an oversized body and closes the connection', async () => {
      huge.length = 0;
      const started = Date.now();
      const out = await probe.run(
        undefined,
        base(4, '/huge', { maxBodyBytes: 100_000, keyword: 'y' }),
        context(),
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect(out.observations.bodyBytes).toBe(100_000);
      expect(out.observations.bodyTruncated).toBe(true);
      expect(out.status).toBe('down');
      expect(out.reasons[1]).toEqual({
        code: 'keyword_missing',
        message: 'body does not contain "y" (only the first 100000 bytes were read)',
      });
      await until(() => huge.length === 1, 2000, 'the server to see the connection close');
      expect(huge[0]?.finished).toBe(false);
      expect(huge[0]?.sent).toBeLessThan(32 * 1024 * 1024);
    });

    it('does not judge JSON in a truncated body', async () => {
      const out = await probe.run(
        undefined,
        base(4, '/json', { maxBodyBytes: 10, jsonPath: '$.status' }),
        context(),
      );
      expect(out.status).toBe('down');
      expect(codes(out.reasons)).toEqual(['http_down', 'json_truncated']);
    });
  });

  describe('redirects', () => {
    it('follows redirects and records the chain', async () => {
      const out = await probe.run(undefined, base(6, '/start'), context());
      expect(out.status).toBe('up');
      expect(out.observations.redirects).toEqual([
        {
          url: `http://localhost:${both.port}/start`,
          address: '::1',
          status: 302,
          location: `http://localhost:${both.port}/middle`,
        },
        {
          url: `http://localhost:${both.port}/middle`,
          address: '::1',
          status: 302,
          location: `http://localhost:${both.port}/`,
        },
      ]);
      expect(out.observations.finalUrl).toBe(`http://localhost:${both.port}/`);
      expect(hits).toEqual(['6 /start', '6 /middle', '6 /']);
    });

    it('is degraded when the chain is longer than degradedAfterRedirects', async () => {
      const out = await probe.run(
        undefined,
        base(6, '/start', { degradedAfterRedirects: 1 }),
        context(),
      );
      expect(out.status).toBe('degraded');
      expect(out.family).toBe(6);
      expect(out.reasons).toEqual([
        {
          code: 'http_degraded',
          message: `GET http://localhost:${both.port}/start over IPv6 answered, degraded`,
        },
        { code: 'many_redirects', message: '2 redirects, more than 1' },
      ]);
    });

    it('does not follow when told not to', async () => {
      const out = await probe.run(
        undefined,
        base(4, '/start', { followRedirects: false }),
        context(),
      );
      expect(out.status).toBe('up');
      expect(out.observations.status).toBe(302);
      expect(out.observations.redirects).toEqual([]);
      expect(hits).toEqual(['4 /start']);
    });

    it('is down on a redirect loop, and stops there', async () => {
      const out = await probe.run(undefined, base(4, '/loop-a'), context());
      expect(out.status).toBe('down');
      expect(out.reasons[1]).toEqual({
        code: 'redirect_loop',
        message: `redirect loop: http://localhost:${both.port}/loop-a → http://localhost:${both.port}/loop-b → http://localhost:${both.port}/loop-a`,
      });
      expect(hits).toEqual(['4 /loop-a', '4 /loop-b']);
    });

    it('is down after more than maxRedirects', async () => {
      const out = await probe.run(undefined, base(4, '/chain/0', { maxRedirects: 3 }), context());
      expect(out.status).toBe('down');
      expect(codes(out.reasons)).toEqual(['http_down', 'too_many_redirects']);
      expect(out.observations.redirects).toHaveLength(4);
      expect(hits).toEqual(['4 /chain/0', '4 /chain/1', '4 /chain/2', '4 /chain/3']);
    });

    it('is down on a redirect to something that is not http(s), or without Location', async () => {
      const ftp = await probe.run(undefined, base(4, '/ftp'), context());
      expect(codes(ftp.reasons)).toEqual(['http_down', 'redirect_invalid']);
      const bare = await probe.run(
        undefined,
        base(4, '/no-location', { expectedStatus: '200' }),
        context(),
      );
      expect(bare.reasons[1]).toEqual({
        code: 'status_unexpected',
        message: 'status 302 (redirect without Location), expected 200',
      });
    });

    it('resolves a redirect to another host in the same family only', async () => {
      const { resolver, asked } = tableResolver({ 'v4only.test': ['127.0.0.1'] });
      const p = new HttpProbe({ resolver });
      const v6 = await p.run(undefined, base(6, '/elsewhere'), context());
      expect(v6.status).toBe('down');
      expect(v6.family).toBe(6);
      expect(v6.reasons[1]).toEqual({
        code: 'redirect_unreachable',
        message: `redirect to http://v4only.test:${both.port}/: v4only.test has no AAAA`,
      });
      expect(asked).toEqual(['v4only.test AAAA']);
      const v4 = await p.run(undefined, base(4, '/elsewhere'), context());
      expect(v4.status).toBe('up');
      expect(asked).toEqual(['v4only.test AAAA', 'v4only.test A']);
      expect(hits).toEqual(['6 /elsewhere', '4 /elsewhere', '4 /']);
    });
  });

  describe('latency', () => {
    it('is degraded when slower than degradedAfterMs', async () => {
      const out = await probe.run(
        undefined,
        base(4, '/slow?ms=250', { degradedAfterMs: 100 }),
        context(),
      );
      expect(out.status).toBe('degraded');
      expect(out.reasons[1]?.code).toBe('slow');
      expect(out.observations.latency.firstByteMs).toBeGreaterThanOrEqual(200);
      const fast = await probe.run(undefined, base(4, '/', { degradedAfterMs: 1000 }), context());
      expect(fast.status).toBe('up');
    });

    it('is down at the deadline, within the timeout and a small margin', async () => {
      const started = Date.now();
      const out = await probe.run(undefined, base(6, '/slow?ms=5000'), context(400));
      const elapsed = Date.now() - started;
      expect(out.status).toBe('down');
      expect(out.family).toBeNull();
      expect(out.reasons[1]?.code).toBe('timeout');
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(400 + 200);
    });
  });
});

describe('HttpProbe never crosses families', () => {
  const probe = new HttpProbe({ resolver: tableResolver({}).resolver });
  let v4: Running<http.Server>;
  let v6: Running<http.Server>;
  beforeAll(async () => {
    v4 = await listen(
      httpServer((_q, res) => res.end('v4')),
      '127.0.0.1',
    );
    v6 = await listen(
      httpServer((_q, res) => res.end('v6')),
      '::1',
    );
  });
  afterAll(async () => {
    await v4.close();
    await v6.close();
  });

  it('an IPv6 check of a server on 127.0.0.1 only is not_tested without an IPv6 address, and never connects', async () => {
    const url = `http://localhost:${v4.port}/`;
    const before = v4.connections;
    const noV6 = await probe.run(
      undefined,
      { url, family: 6, addresses: ['127.0.0.1'] },
      context(),
    );
    expect(noV6.status).toBe('not_tested');
    expect(noV6.family).toBeNull();
    expect(noV6.reasons).toEqual([
      { code: 'http_not_tested', message: `GET ${url} over IPv6 not tested` },
      { code: 'no_address', message: 'no IPv6 address among those given for localhost' },
    ]);
    const literal = await probe.run(
      undefined,
      { url: `http://127.0.0.1:${v4.port}/`, family: 6 },
      context(),
    );
    expect(literal.status).toBe('not_tested');
    const mapped = await probe.run(
      undefined,
      { url, family: 6, addresses: ['::ffff:127.0.0.1'] },
      context(),
    );
    expect(mapped.status).toBe('not_tested');
    expect(v4.connections).toBe(before);
  });

  it('an IPv6 check of a server on 127.0.0.1 only is down when ::1 refuses, with no IPv4 fallback', async () => {
    const before = v4.connections;
    const out = await probe.run(
      undefined,
      { url: `http://localhost:${v4.port}/`, family: 6, addresses: ['::1', '127.0.0.1'] },
      context(),
    );
    // ::1 on that port is nothing (or something else): in either case not our IPv4 server.
    expect(out.observations.addresses).toEqual(['::1']);
    expect(out.status).toBe('down');
    expect(out.observations.attempts.map((a) => [a.address, a.error.code])).toEqual([
      ['::1', 'refused'],
    ]);
    expect(v4.connections).toBe(before);
  });

  it('an IPv4 check of a server on ::1 only never connects over IPv6', async () => {
    const before = v6.connections;
    const out = await probe.run(
      undefined,
      { url: `http://localhost:${v6.port}/`, family: 4, addresses: ['::1'] },
      context(),
    );
    expect(out.status).toBe('not_tested');
    const literal = await probe.run(
      undefined,
      { url: `http://[::1]:${v6.port}/`, family: 4 },
      context(),
    );
    expect(literal.status).toBe('not_tested');
    expect(v6.connections).toBe(before);
  });

  it('sends nothing to an address outside the probe scope', async () => {
    const scope = ProbeScope.parse('127.0.0.1/32');
    const before = { v4: v4.connections, v6: v6.connections };
    const outside = await probe.run(
      undefined,
      { url: `http://localhost:${v6.port}/`, family: 6, addresses: ['::1'] },
      { ...context(), scope },
    );
    expect(outside.status).toBe('not_tested');
    expect(outside.reasons[1]).toEqual({
      code: 'outside_scope',
      message: 'outside probe scope: ::1',
    });
    expect(v6.connections).toBe(before.v6);
    const partly = await probe.run(
      undefined,
      { url: `http://localhost:${v4.port}/`, family: 4, addresses: ['127.0.0.2', '127.0.0.1'] },
      { ...context(), scope },
    );
    expect(partly.status).toBe('up');
    expect(partly.observations.outsideScope).toEqual(['127.0.0.2']);
    expect(partly.observations.attempts).toEqual([]);
    expect(v4.connections).toBe(before.v4 + 1);
  });

  it('tries the next address of the same family when one refuses, and says so (degraded)', async () => {
    const out = await probe.run(
      undefined,
      { url: `http://localhost:${v4.port}/`, family: 4, addresses: ['127.0.0.2', '127.0.0.1'] },
      context(),
    );
    expect(out.status).toBe('degraded');
    expect(out.observations.address).toBe('127.0.0.1');
    expect(out.reasons[1]).toEqual({
      code: 'address_failed',
      message: 'answered from 127.0.0.1 after 127.0.0.2 (refused) failed',
    });
  });
});

describe('HttpProbe failures to connect', () => {
  const probe = new HttpProbe({ resolver: tableResolver({}).resolver });

  it('is down, refused, on a closed port', async () => {
    const port = await closedPort('127.0.0.1');
    const out = await probe.run(
      undefined,
      { url: `http://127.0.0.1:${port}/`, family: 4 },
      context(),
    );
    expect(out.status).toBe('down');
    expect(out.family).toBeNull();
    expect(out.reasons[1]?.code).toBe('refused');
    expect(out.reasons[1]?.message).toContain(`via 127.0.0.1`);
  });

  it('ends a black-hole target (accepts, never answers) within the timeout and 200 ms', async () => {
    const hole = await listen(blackHole(), '::1');
    try {
      const started = Date.now();
      const out = await probe.run(
        undefined,
        { url: `http://[::1]:${hole.port}/`, family: 6 },
        context(500),
      );
      const elapsed = Date.now() - started;
      expect(out.status).toBe('down');
      expect(out.reasons[1]?.code).toBe('timeout');
      expect(out.observations.latency.connectMs).toBeGreaterThan(0);
      expect(elapsed).toBeLessThan(500 + 200);
      expect(hole.connections).toBe(1);
      await until(() => hole.open.size === 0, 1000, 'the probe to close its socket');
    } finally {
      await hole.close();
    }
  });

  it('winds down within the runner’s grace at its deadline, keeping its observations', async () => {
    const hole = await listen(blackHole(), '127.0.0.1');
    try {
      const result = await runProbe(
        probe,
        undefined,
        { url: `http://127.0.0.1:${hole.port}/`, family: 4 },
        { timeoutMs: 300 },
      );
      expect(result.end).toBe('deadline');
      expect(result.status).toBe('down');
      expect(codes(result.reasons)).toEqual(['deadline', 'http_down', 'timeout']);
      expect(result.observations.attempts?.[0]?.error.code).toBe('timeout');
      expect(result.durationMs).toBeLessThan(300 + 50 + 100);
    } finally {
      await hole.close();
    }
  });

  it('reports NXDOMAIN as down and NODATA as not_tested', async () => {
    const { resolver } = tableResolver({ 'v4only.test': ['127.0.0.1'] });
    const p = new HttpProbe({ resolver });
    const nx = await p.run(undefined, { url: 'http://missing.test/', family: 4 }, context());
    expect(nx.status).toBe('down');
    expect(codes(nx.reasons)).toEqual(['http_down', 'nxdomain']);
    const nodata = await p.run(undefined, { url: 'http://v4only.test/', family: 6 }, context());
    expect(nodata.status).toBe('not_tested');
  });

  it('throws on settings validation should have caught', async () => {
    const ctx = context();
    const bad: [Partial<HttpProbeSettings>, RegExp][] = [
      [{ url: 'localhost' }, /not a URL/],
      [{ url: 'ftp://x/' }, /not http/],
      [{ family: 5 as 4 }, /family/],
      [{ addresses: ['example.test'] }, /not an IP/],
      [{ expectedStatus: '2xx,3xx' }, /expectedStatus/],
      [{ jsonEquals: 1 }, /jsonEquals needs jsonPath/],
      [{ method: 'HEAD', keyword: 'x' }, /need a body/],
      [{ maxRedirects: -1 }, /maxRedirects/],
      [{ degradedAfterMs: 0 }, /degradedAfterMs/],
    ];
    for (const [patch, message] of bad) {
      await expect(
        probe.run(undefined, { url: 'http://127.0.0.1:1/', family: 4, ...patch }, ctx),
      ).rejects.toThrow(message);
    }
  });
});

describe('HttpProbe over HTTPS', () => {
  let ca: Issued;
  let servers: Running<https.Server>[] = [];
  let good: Running<https.Server>;
  let tls12: Running<https.Server>;
  let expired: Running<https.Server>;
  let otherName: Running<https.Server>;
  const probe = new HttpProbe({ resolver: tableResolver({}).resolver });
  const settings = (r: Running, extra: Partial<HttpProbeSettings> = {}): HttpProbeSettings => ({
    url: `https://localhost:${r.port}/`,
    family: r.host.includes(':') ? 6 : 4,
    addresses: [r.host],
    ca: ca.cert,
    ...extra,
  });

  beforeAll(async () => {
    ca = await makeCa();
    const [leaf, old, other] = await Promise.all([
      makeLeaf(ca),
      makeLeaf(ca, { notBeforeDays: -100, notAfterDays: -1 }),
      makeLeaf(ca, { dns: ['other.test'], ips: [] }),
    ]);
    const handler = (_q: http.IncomingMessage, res: http.ServerResponse) => res.end('secure hello');
    good = await listen(httpsServer({ cert: leaf.cert, key: leaf.key }, handler), '::1');
    tls12 = await listen(
      httpsServer({ cert: leaf.cert, key: leaf.key, maxVersion: 'TLSv1.2' }, handler),
      '127.0.0.1',
    );
    expired = await listen(httpsServer({ cert: old.cert, key: old.key }, handler), '127.0.0.1');
    otherName = await listen(httpsServer({ cert: other.cert, key: other.key }, handler), '::1');
    servers = [good, tls12, expired, otherName];
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('is up with a certificate from the given CA, and summarises TLS', async () => {
    const out = await probe.run(undefined, settings(good, { keyword: 'secure' }), context());
    expect(out.status).toBe('up');
    expect(out.family).toBe(6);
    expect(out.observations.tls).toEqual({
      protocol: 'TLSv1.3',
      cipher: expect.stringMatching(/^TLS_/),
      authorized: true,
    });
    expect(out.observations.latency.tlsMs).toBeGreaterThan(0);
  });

  it('reports the negotiated version of a server limited to TLS 1.2', async () => {
    const out = await probe.run(undefined, settings(tls12), context());
    expect(out.status).toBe('up');
    expect(out.observations.tls?.protocol).toBe('TLSv1.2');
  });

  it('is down when the CA is not trusted (system store only)', async () => {
    const out = await probe.run(undefined, { ...settings(good), ca: undefined }, context());
    expect(out.status).toBe('down');
    expect(out.family).toBeNull();
    expect(out.reasons[1]?.code).toBe('tls');
  });

  it('is down on an expired certificate; with verifyTls false it records it and is up', async () => {
    const out = await probe.run(undefined, settings(expired), context());
    expect(out.status).toBe('down');
    expect(out.reasons[1]).toMatchObject({
      code: 'tls',
      message: expect.stringMatching(/CERT_HAS_EXPIRED/),
    });
    const lax = await probe.run(undefined, settings(expired, { verifyTls: false }), context());
    expect(lax.status).toBe('up');
    expect(lax.observations.tls).toMatchObject({
      authorized: false,
      authorizationError: 'CERT_HAS_EXPIRED',
    });
  });

  it('is down on a certificate for another name', async () => {
    const out = await probe.run(undefined, settings(otherName), context());
    expect(out.status).toBe('down');
    expect(out.reasons[1]?.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|other\.test/);
  });
});

describe('HttpProbe handles', () => {
  it('leaves no socket, timer or listener behind after 1,000 probes', async () => {
    const server = await listen(
      httpServer((_q, res) => res.end('ok')),
      '127.0.0.1',
    );
    try {
      const probe = new HttpProbe({ resolver: tableResolver({}).resolver });
      const controller = new AbortController();
      setMaxListeners(100, controller.signal); // 20 probes share it at once
      const ctx = { signal: controller.signal, now: () => new Date() };
      const count = () => {
        const counts: Record<string, number> = {};
        for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
        return counts;
      };
      const before = count();
      let up = 0;
      const settings = {
        url: `http://localhost:${server.port}/`,
        family: 4 as const,
        addresses: ['127.0.0.1'],
      };
      const worker = async () => {
        for (let i = 0; i < 50; i++)
          if ((await probe.run(undefined, settings, ctx)).status === 'up') up++;
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(up).toBe(1000);
      expect(server.connections).toBe(1000);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      // The server's side of the last connections closes a moment after ours.
      await until(() => server.open.size === 0, 3000, 'server-side sockets to close');
      await until(
        () => {
          const after = count();
          return ['TCPSocketWrap', 'TLSWrap', 'Timeout'].every(
            (k) => (after[k] ?? 0) <= (before[k] ?? 0),
          );
        },
        3000,
        () => `handles back to ${JSON.stringify(before)} (now ${JSON.stringify(count())})`,
      );
    } finally {
      await server.close();
    }
  });
});
