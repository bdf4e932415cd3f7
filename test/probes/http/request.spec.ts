import * as http from 'node:http';
import * as https from 'node:https';
import { httpRequest, HttpRequestResult } from '../../../probes/http/request';
import { Issued, makeCa, makeLeaf } from '../tls/certs';
import {
  blackHole,
  closedPort,
  httpServer,
  httpsServer,
  listen,
  listenBoth,
  Running,
} from './servers';

/** httpRequest: one request to one loopback address; every failure is a result. */

function ok(r: HttpRequestResult) {
  if (!r.ok) throw new Error(`request failed: ${r.error.code} ${r.error.message}`);
  return r.response;
}
function failure(r: HttpRequestResult) {
  if (r.ok) throw new Error(`request answered ${r.response.status}, expected a failure`);
  return r;
}

describe('httpRequest over HTTP', () => {
  let both: Awaited<ReturnType<typeof listenBoth<http.Server>>>;
  const seen: { family: 4 | 6; method?: string; url?: string; host?: string; ua?: string }[] = [];

  beforeAll(async () => {
    both = await listenBoth((family) =>
      httpServer((req, res) => {
        seen.push({
          family,
          method: req.method,
          url: req.url,
          host: req.headers.host,
          ua: req.headers['user-agent'],
        });
        if (req.url === '/big') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(Buffer.alloc(300_000, 0x61));
          return;
        }
        if (req.url === '/hangup') {
          req.socket.destroy();
          return;
        }
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(201, { 'content-type': 'text/plain', 'x-family': String(family) });
        res.end(`hello over IPv${family}`);
      }),
    );
  });
  afterAll(async () => both.close());
  beforeEach(() => (seen.length = 0));

  it('connects to exactly the given address and records status, headers, body, timings and family', async () => {
    const r = ok(
      await httpRequest({
        url: `http://www.example.test:${both.port}/path?q=1`,
        address: '::1',
        headers: { 'User-Agent': 'jest', host: 'ignored.test' },
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe('hello over IPv6');
    expect(r.bodyTruncated).toBe(false);
    expect(r.headers['x-family']).toBe('6');
    expect(r.headers['set-cookie']).toBe('a=1, b=2');
    expect(r.family).toBe(6);
    expect(r.address).toBe('::1');
    expect(r.tls).toBeUndefined();
    const t = r.timings;
    expect(t.connectMs).toBeGreaterThan(0);
    expect(t.tlsMs).toBeUndefined();
    expect(t.firstByteMs).toBeGreaterThanOrEqual(t.connectMs);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.firstByteMs);
    // The Host header comes from the URL, never from the caller or the address.
    expect(seen).toEqual([
      {
        family: 6,
        method: 'GET',
        url: '/path?q=1',
        host: `www.example.test:${both.port}`,
        ua: 'jest',
      },
    ]);
  });

  it('uses the IPv4 address when given one', async () => {
    const r = ok(
      await httpRequest({
        url: `http://localhost:${both.port}/`,
        address: '127.0.0.1',
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.family).toBe(4);
    expect(r.body.toString()).toBe('hello over IPv4');
    expect(seen.map((s) => s.family)).toEqual([4]);
  });

  it('sends HEAD and reads no body', async () => {
    const r = ok(
      await httpRequest({
        url: `http://localhost:${both.port}/`,
        address: '127.0.0.1',
        method: 'HEAD',
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.length).toBe(0);
    expect(seen[0]?.method).toBe('HEAD');
  });

  it('stops reading at maxBodyBytes and marks the body truncated', async () => {
    const r = ok(
      await httpRequest({
        url: `http://localhost:${both.port}/big`,
        address: '127.0.0.1',
        maxBodyBytes: 1000,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.body.length).toBe(1000);
    expect(r.bodyTruncated).toBe(true);
    const whole = ok(
      await httpRequest({
        url: `http://localhost:${both.port}/big`,
        address: '127.0.0.1',
        maxBodyBytes: 300_000,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(whole.body.length).toBe(300_000);
    expect(whole.bodyTruncated).toBe(false);
  });

  it('reports a connection closed before any answer as reset', async () => {
    const r = failure(
      await httpRequest({
        url: `http://localhost:${both.port}/hangup`,
        address: '127.0.0.1',
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.error.code).toBe('reset');
    expect(r.family).toBe(4);
    expect(r.timings?.connectMs).toBeGreaterThan(0);
  });

  it('reports a closed port as refused', async () => {
    const port = await closedPort('::1');
    const r = failure(
      await httpRequest({
        url: `http://localhost:${port}/`,
        address: '::1',
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.error.code).toBe('refused');
    expect(r.family).toBe(6);
  });

  it.each([
    ['not a URL', 'nope', '127.0.0.1'],
    ['not http(s)', 'ftp://localhost/', '127.0.0.1'],
    ['a name, not an address', 'http://localhost/', 'localhost'],
    ['IPv4-mapped IPv6', 'http://localhost/', '::ffff:127.0.0.1'],
  ])('refuses a bad target (%s) without connecting', async (_what, url, address) => {
    const r = failure(await httpRequest({ url, address, signal: AbortSignal.timeout(3000) }));
    expect(r.error.code).toBe('bad_target');
    expect(seen).toEqual([]);
  });

  it('does nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = failure(
      await httpRequest({
        url: `http://localhost:${both.port}/`,
        address: '127.0.0.1',
        signal: controller.signal,
      }),
    );
    expect(r.error.code).toBe('aborted');
    expect(seen).toEqual([]);
  });
});

describe('httpRequest deadlines', () => {
  let hole: Running;
  beforeAll(async () => {
    hole = await listen(blackHole(), '127.0.0.1');
  });
  afterAll(async () => hole.close());

  it('ends a request to a silent server at the deadline (timeout) and closes the socket', async () => {
    const started = Date.now();
    const r = failure(
      await httpRequest({
        url: `http://localhost:${hole.port}/`,
        address: '127.0.0.1',
        signal: AbortSignal.timeout(300),
      }),
    );
    const elapsed = Date.now() - started;
    expect(r.error.code).toBe('timeout');
    expect(r.timings?.connectMs).toBeGreaterThan(0);
    expect(r.timings?.firstByteMs).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(500);
    await expect(waitForNoOpen(hole)).resolves.toBe(true);
  });

  it('calls an abort that is not a timeout "aborted"', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    const r = failure(
      await httpRequest({
        url: `http://localhost:${hole.port}/`,
        address: '127.0.0.1',
        signal: controller.signal,
      }),
    );
    expect(r.error).toEqual({ code: 'aborted', message: 'aborted (shutting down)' });
  });
});

async function waitForNoOpen(r: Running): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (r.open.size === 0) return true;
    await new Promise((done) => setTimeout(done, 10));
  }
  return false;
}

describe('httpRequest over HTTPS', () => {
  let ca: Issued;
  let good: Running<https.Server>;
  let expired: Running<https.Server>;
  const servernames: (string | false | null)[] = [];

  beforeAll(async () => {
    ca = await makeCa();
    const leaf = await makeLeaf(ca);
    const old = await makeLeaf(ca, { notBeforeDays: -60, notAfterDays: -2 });
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket as import('node:tls').TLSSocket;
      servernames.push(socket.servername);
      res.end('secure');
    };
    good = await listen(
      httpsServer({ cert: leaf.cert, key: leaf.key, maxVersion: 'TLSv1.2' }, handler),
      '::1',
    );
    expired = await listen(httpsServer({ cert: old.cert, key: old.key }, handler), '127.0.0.1');
  });
  afterAll(async () => {
    await good.close();
    await expired.close();
  });
  beforeEach(() => (servernames.length = 0));

  it('trusts the given CA, sends SNI from the URL and records the TLS facts', async () => {
    const r = ok(
      await httpRequest({
        url: `https://localhost:${good.port}/`,
        address: '::1',
        ca: ca.cert,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.body.toString()).toBe('secure');
    expect(r.tls).toEqual({
      protocol: 'TLSv1.2',
      cipher: expect.stringMatching(/^TLS_/),
      authorized: true,
    });
    expect(r.timings.tlsMs).toBeGreaterThanOrEqual(r.timings.connectMs);
    expect(r.timings.firstByteMs).toBeGreaterThanOrEqual(r.timings.tlsMs ?? Infinity);
    expect(servernames).toEqual(['localhost']);
  });

  it('sends no SNI for an IP-literal URL and checks the certificate against the IP', async () => {
    const r = ok(
      await httpRequest({
        url: `https://[::1]:${good.port}/`,
        address: '::1',
        ca: ca.cert,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.tls?.authorized).toBe(true);
    expect(servernames).toEqual([false]);
  });

  it('fails with tls when the chain is not trusted', async () => {
    const r = failure(
      await httpRequest({
        url: `https://localhost:${good.port}/`,
        address: '::1',
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.error.code).toBe('tls');
    expect(r.error.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
    expect(servernames).toEqual([]);
  });

  it('fails with tls for another name, and says so when not rejecting', async () => {
    const url = `https://other.test:${good.port}/`;
    const r = failure(
      await httpRequest({ url, address: '::1', ca: ca.cert, signal: AbortSignal.timeout(3000) }),
    );
    expect(r.error.code).toBe('tls');
    expect(r.error.message).toMatch(/other\.test/);
    const lax = ok(
      await httpRequest({
        url,
        address: '::1',
        ca: ca.cert,
        rejectUnauthorized: false,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(lax.tls).toMatchObject({
      authorized: false,
      authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('reports an expired certificate', async () => {
    const url = `https://localhost:${expired.port}/`;
    const r = failure(
      await httpRequest({
        url,
        address: '127.0.0.1',
        ca: ca.cert,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(r.error).toMatchObject({
      code: 'tls',
      message: expect.stringMatching(/CERT_HAS_EXPIRED/),
    });
    const lax = ok(
      await httpRequest({
        url,
        address: '127.0.0.1',
        ca: ca.cert,
        rejectUnauthorized: false,
        signal: AbortSignal.timeout(3000),
      }),
    );
    expect(lax.status).toBe(200);
    expect(lax.tls).toMatchObject({
      protocol: 'TLSv1.3',
      authorized: false,
      authorizationError: 'CERT_HAS_EXPIRED',
    });
  });

  it('fails with tls when the server does not speak TLS', async () => {
    const plain = await listen(
      httpServer((_req, res) => res.end('plain')),
      '127.0.0.1',
    );
    try {
      const r = failure(
        await httpRequest({
          url: `https://localhost:${plain.port}/`,
          address: '127.0.0.1',
          signal: AbortSignal.timeout(3000),
        }),
      );
      expect(r.error.code).toBe('tls');
    } finally {
      await plain.close();
    }
  });
});
