import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';

/** What every response carries, whatever its status or route. */
function expectSecurityHeaders(res: request.Response): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-powered-by']).toBeUndefined();
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("object-src 'none'");
}

const directive = (csp: string, name: string): string[] =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find((d) => d[0] === name)
    ?.slice(1) ?? [];

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('are on /health, on /api/units and on error responses', async () => {
    const health = await request(t.http).get('/health').expect(200);
    expectSecurityHeaders(health);
    const units = await request(t.http).get('/api/units').expect(200);
    expectSecurityHeaders(units);
    // The API's pages may run no script at all.
    const csp = units.headers['content-security-policy'] as string;
    expect(directive(csp, 'default-src')).toEqual(["'none'"]);
    expect(directive(csp, 'script-src')).toEqual([]);

    const missing = await request(t.http).get('/api/units/not-a-unit').expect(404);
    expectSecurityHeaders(missing);
    const invalid = await request(t.http).get('/api/units?colour=red').expect(400);
    expectSecurityHeaders(invalid);
    const noRoute = await request(t.http).get('/no/such/route').expect(404);
    expectSecurityHeaders(noRoute);
    const badJson = await request(t.http)
      .post('/api/units')
      .set('content-type', 'application/json')
      .send('{"broken":')
      .expect(400);
    expectSecurityHeaders(badJson);
  });

  it('a body of a type the API does not read is a 415 naming content-type, and nothing is made', async () => {
    const res = await request(t.http)
      .post('/api/reports/runs')
      .set('Content-Type', 'application/xml')
      .send('<run from="2026-10-01"/>')
      .expect(415);
    expect(res.body).toMatchObject({
      error: 'unsupported_media_type',
      details: [{ field: 'content-type' }],
    });
    const runs = await request(t.http).get('/api/reports/runs').expect(200);
    expect(runs.body.total).toBe(0);
    // JSON, YAML/CSV imports and empty bodies are read as before.
    await request(t.http)
      .post('/api/units')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ code: 'CT-1', kind: 'department', name: 'CT' }))
      .expect(201);
    await request(t.http).post('/api/auth/logout').expect(204);
  });

  it('send no HSTS unless it is configured', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(
      directive(res.headers['content-security-policy'] as string, 'upgrade-insecure-requests'),
    ).toEqual([]);
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('let the Swagger UI load: its page runs only same-origin scripts, which are served', async () => {
    const page = await request(t.http).get('/api/docs/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(page);
    const csp = page.headers['content-security-policy'] as string;
    expect(directive(csp, 'script-src')).toEqual(["'self'"]);
    expect(directive(csp, 'style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directive(csp, 'img-src')).toEqual(["'self'", 'data:']);

    const html = page.text;
    // CSP forbids inline scripts: every <script> must load a file.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attrs, body] of scripts) {
      expect(body.trim()).toBe('');
      expect(attrs).toMatch(/src=/);
    }
    const assets = [
      ...html.matchAll(/<script[^>]*src=["']([^"']+)["']/g),
      ...html.matchAll(/<link[^>]*rel=["']stylesheet["'][^>]*href=["']([^"']+)["']/g),
    ].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining([expect.stringContaining('swagger-ui-init.js')]));
    for (const asset of assets) {
      // Same origin: a relative path under /api/docs.
      expect(asset).not.toMatch(/^[a-z]+:|^\/\//i);
      const url = new URL(asset, 'http://netwatch.test/api/docs/').pathname;
      const res = await request(t.http).get(url).expect(200);
      expect(res.headers['content-type']).toMatch(/javascript|css/);
      expectSecurityHeaders(res);
    }
    // The document the UI shows is in its init script.
    const init = await request(t.http).get('/api/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('NetWatch');
  });
});

describe('HSTS when configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NETWATCH_HSTS_MAX_AGE: '31536000' });
  });
  afterAll(async () => t?.close());

  it('is sent with the configured max-age', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});

describe('CORS', () => {
  const allowedOrigin = 'https://noc.stttt.example';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NETWATCH_CORS_ORIGINS: `${allowedOrigin},http://127.0.0.1:8080` });
  });
  afterAll(async () => t?.close());

  const preflight = (origin: string) =>
    request(t.http)
      .options('/api/units')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');

  it('answers a preflight from an allowed origin', async () => {
    const res = await preflight(allowedOrigin);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toContain('Origin');
    expectSecurityHeaders(res);
  });

  it('gives another origin no CORS headers at all', async () => {
    for (const origin of ['https://evil.example', 'https://noc.stttt.example.evil', 'null']) {
      const res = await preflight(origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('marks actual responses for the allowed origin only', async () => {
    const ok = await request(t.http).get('/api/units').set('Origin', allowedOrigin).expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(ok.headers['access-control-expose-headers']).toContain('X-Request-Id');
    const other = await request(t.http)
      .get('/api/units')
      .set('Origin', 'https://evil.example')
      .expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('allows no cross-origin access at all', async () => {
    const pre = await request(t.http)
      .options('/api/units')
      .set('Origin', 'https://noc.stttt.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const res = await request(t.http)
      .get('/api/units')
      .set('Origin', 'https://noc.stttt.example')
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
