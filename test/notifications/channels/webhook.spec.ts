import * as http from 'node:http';
import type { DeliveryResult } from '../../../src/notifications/notification.types';
import { renderText } from '../../../src/notifications/templates';
import {
  signWebhook,
  verifyWebhookSignature,
  webhookDriver,
  type WebhookConfig,
  type WebhookSecret,
} from '../../../src/notifications/channels/webhook';
import { blackHole, closedPort, listen, type Running } from '../../probes/http/servers';
import { digest, fields, item, message, problemsOf, receiver, signal } from './fixtures';

const HMAC_KEY = 'k3y-for-the-webhook-receiver-0001';
const ZALO_TOKEN = 'zalo-oa-access-token-SECRET-value-123';

const config = (input: Record<string, unknown>): WebhookConfig => webhookDriver.parseConfig(input);
const secret = (input: unknown): WebhookSecret => webhookDriver.parseSecret(input);

describe('webhook channel: netwatch template', () => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver();
  });
  afterAll(() => hook.close());
  beforeEach(() => hook.requests.splice(0));

  it('POSTs the JSON body with the delivery headers and a signature the receiver verifies', async () => {
    const m = message([item('opened')]);
    const before = Math.floor(Date.now() / 1000);
    const result = await webhookDriver.send(
      m,
      config({ url: hook.url('/hook?src=netwatch'), headers: { 'X-Province': 'Tuyen Quang' } }),
      secret({ hmacKey: HMAC_KEY, headers: { 'X-Receiver-Key': 'receiver-key-value' } }),
      signal(),
    );
    expect(result).toEqual({ ok: true, code: 200, retryable: false, detail: 'delivered (200)' });
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hook?src=netwatch');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.headers['user-agent']).toBe('NetWatch');
    expect(req.headers['x-netwatch-delivery']).toBe(m.deliveryId);
    expect(req.headers['x-province']).toBe('Tuyen Quang');
    expect(req.headers['x-receiver-key']).toBe('receiver-key-value');
    const ts = Number(req.headers['x-netwatch-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    const sig = req.headers['x-netwatch-signature'] as string;
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(req.body, ts, sig, HMAC_KEY)).toBe(true);
    // The signature covers the timestamp, the body and the key.
    expect(verifyWebhookSignature(req.body, ts + 1, sig, HMAC_KEY)).toBe(false);
    expect(verifyWebhookSignature(req.body.replace('42', '43'), ts, sig, HMAC_KEY)).toBe(false);
    expect(verifyWebhookSignature(req.body, ts, sig, `${HMAC_KEY}x`)).toBe(false);

    const body = JSON.parse(req.body);
    const { subject, text } = renderText(m, 'vi');
    expect(body).toEqual({
      deliveryId: m.deliveryId,
      subject,
      text,
      items: [
        {
          event: 'opened',
          at: '2026-03-02T01:05:00.000Z',
          incident: {
            id: '3f0a6a52-5d1c-4c39-9d0e-2b0f3f6f0042',
            number: 42,
            title: 'Mất kết nối cổng dịch vụ công',
            description: 'Cổng dịch vụ công không phản hồi từ 08:00.\nĐã kiểm tra đường truyền.',
            severity: 1,
            category: 'outage',
            status: 'open',
            unitCode: 'STTTT',
            unitName: 'Sở Thông tin và Truyền thông',
            openedAt: '2026-03-02T01:05:00.000Z',
            acknowledgedAt: null,
            resolvedAt: null,
            reportDueAt: '2026-03-07T01:05:00.000Z',
            assignee: 'Nguyễn Văn An',
            url: 'https://netwatch.stttt.gov.vn/incidents/42',
          },
        },
      ],
    });
  });

  it('sends English text when configured, and no signature without a key', async () => {
    const m = digest(3);
    const result = await webhookDriver.send(
      m,
      config({ url: hook.url(), language: 'en' }),
      secret(undefined),
      signal(),
    );
    expect(result.ok).toBe(true);
    const req = hook.requests[0];
    expect(req.headers['x-netwatch-signature']).toBeUndefined();
    expect(req.headers['x-netwatch-timestamp']).toMatch(/^\d+$/);
    const body = JSON.parse(req.body);
    expect(body.subject).toBe('[NetWatch] 3 new incidents, highest Severity 2');
    expect(body.items.map((i: { incident: { number: number } }) => i.incident.number)).toEqual([
      100, 101, 102,
    ]);
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"a":"Sở"}';
  const ts = 1_772_413_500;
  const sig = signWebhook(body, ts, HMAC_KEY);

  it('accepts within the tolerance and refuses a replay outside it', () => {
    expect(verifyWebhookSignature(body, String(ts), sig, HMAC_KEY, 300, (ts + 299) * 1000)).toBe(
      true,
    );
    expect(verifyWebhookSignature(body, ts, sig, HMAC_KEY, 300, (ts - 299) * 1000)).toBe(true);
    expect(verifyWebhookSignature(body, ts, sig, HMAC_KEY, 300, (ts + 301) * 1000)).toBe(false);
  });

  it('refuses malformed input instead of throwing', () => {
    const now = ts * 1000;
    expect(verifyWebhookSignature(body, ts, sig.slice(0, -2), HMAC_KEY, 300, now)).toBe(false);
    expect(
      verifyWebhookSignature(body, ts, sig.replace('sha256=', 'sha1='), HMAC_KEY, 300, now),
    ).toBe(false);
    expect(verifyWebhookSignature(body, '12abc', sig, HMAC_KEY, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, undefined, sig, HMAC_KEY, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, ts, undefined, HMAC_KEY, 300, now)).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(body), ts, sig, HMAC_KEY, 300, now)).toBe(true);
  });
});

describe('webhook channel: zalo template', () => {
  let zalo: Awaited<ReturnType<typeof receiver>>;
  let answer = '{"error":0,"message":"Success","data":{"message_id":"abc"}}';
  beforeAll(async () => {
    zalo = await receiver((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer),
    );
  });
  afterAll(() => zalo.close());
  beforeEach(() => zalo.requests.splice(0));

  const zaloConfig = () =>
    config({ url: zalo.url('/v3.0/oa/message/cs'), template: 'zalo', zaloUserId: '2468013579' });

  it('fits the OA send-message API: recipient, text, access_token header', async () => {
    answer = '{"error":0,"message":"Success"}';
    const m = message([item('unacknowledged')]);
    const result = await webhookDriver.send(
      m,
      zaloConfig(),
      secret({ headers: { access_token: ZALO_TOKEN } }),
      signal(),
    );
    expect(result.ok).toBe(true);
    const req = zalo.requests[0];
    expect(req.headers['access_token']).toBe(ZALO_TOKEN);
    expect(JSON.parse(req.body)).toEqual({
      recipient: { user_id: '2468013579' },
      message: { text: renderText(m, 'vi').text },
    });
  });

  it('cuts the text to 2000 characters', async () => {
    answer = '{"error":0,"message":"Success"}';
    await webhookDriver.send(digest(80), zaloConfig(), secret({}), signal());
    const text: string = JSON.parse(zalo.requests[0].body).message.text;
    expect(renderText(digest(80), 'vi').text.length).toBeGreaterThan(2000);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.length).toBeGreaterThan(1900);
    expect(text.endsWith('…')).toBe(true);
  });

  it('reports a refusal Zalo wraps in HTTP 200, without the token', async () => {
    answer = `{"error":-216,"message":"Access token ${ZALO_TOKEN} is invalid"}`;
    const result = await webhookDriver.send(
      message(),
      zaloConfig(),
      secret({ headers: { access_token: ZALO_TOKEN } }),
      signal(),
    );
    expect(result).toMatchObject({ ok: false, code: 200, retryable: false });
    expect(result.detail).toContain('error -216');
    expect(result.detail).not.toContain(ZALO_TOKEN);
  });
});

describe('webhook channel: custom template', () => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver();
  });
  afterAll(() => hook.close());
  beforeEach(() => hook.requests.splice(0));

  const template = [
    '{"msg_type": "text", "id": "{{deliveryId}}", "n": {{incident.number}},',
    ' "title": "{{incident.title}}", "unit": "{{incident.unitName}}",',
    ' "sev": "{{incident.severityLabel}}", "event": "{{eventLabel}}",',
    ' "all": [{{#items}}"#{{incident.number}} {{incident.title}}",{{/items}} null],',
    ' "text": "{{text}}"}',
  ].join('\n');

  it('escapes every value into the JSON string: quotes, backslashes, newlines, Vietnamese', async () => {
    const title = 'Lỗi "DNSSEC" tại \\\\ns1\\ \n}"], "x": 1 {{incident.id}}\u0001 Sở';
    const m = message([
      item('opened', { title }),
      item('resolved', { number: 43, title: 'Khôi phục' }),
    ]);
    const result = await webhookDriver.send(
      m,
      config({ url: hook.url(), template: 'custom', body: template }),
      secret({}),
      signal(),
    );
    expect(result.ok).toBe(true);
    const body = JSON.parse(hook.requests[0].body);
    expect(body).toEqual({
      msg_type: 'text',
      id: m.deliveryId,
      n: 42,
      title,
      unit: 'Sở Thông tin và Truyền thông',
      sev: 'Nghiêm trọng',
      event: 'Mở sự cố',
      all: [`#42 ${title}`, '#43 Khôi phục', null],
      text: renderText(m, 'vi').text,
    });
  });

  it('a template that breaks for a real message is a non-retryable failure, nothing sent', async () => {
    // Valid for the samples (they have an assignee); invalid JSON when there is none.
    const cfg = config({
      url: hook.url(),
      template: 'custom',
      body: '{"who": "{{incident.assignee}}"{{^incident.assignee}},{{/incident.assignee}}}',
    });
    const result = await webhookDriver.send(
      message([item('opened', { assignee: null })]),
      cfg,
      secret({}),
      signal(),
    );
    expect(result.ok).toBe(false);
    expect(result.retryable).toBe(false);
    expect(result.detail).toMatch(/^template did not produce JSON: /);
    expect(hook.requests).toHaveLength(0);
  });

  it('is checked against sample messages when configured', () => {
    const bad = (body: unknown) =>
      problemsOf(() => config({ url: hook.url(), template: 'custom', body }));
    expect(bad(undefined)).toEqual([{ field: 'config.body', message: 'is required' }]);
    expect(bad('{"t": {{incident.title}}}')[0]).toMatchObject({
      field: 'config.body',
      message: expect.stringContaining(
        'does not produce JSON for a sample single-incident message',
      ),
    });
    expect(bad('{"t": "{{{incident.title}}}"}')[0].message).toContain('unescaped tag');
    expect(bad('{"t": "{{&incident.title}}"}')[0].message).toContain('unescaped tag');
    expect(bad('{"t": "{{>other}}"}')[0].message).toContain('partial');
    expect(bad('{"t": "{{#items}}"}')[0].message).toContain('not a valid Mustache template');
    expect(bad('{"list": [{{#items}}{{incident.number}},{{/items}}]}')[0].message).toContain(
      'sample single-incident message',
    );
    expect(fields(() => config({ url: hook.url(), body: '{}' }))).toEqual(['config.body']);
  });
});

describe('webhook channel: outcomes', () => {
  let status = 200;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let target: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    target = await receiver();
    hook = await receiver((req, res) => {
      if (status >= 300 && status < 400) {
        res.writeHead(status, { location: target.url('/elsewhere') }).end();
        return;
      }
      // Echoes the request headers: a receiver's error page may show what it got.
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'nope', got: req.headers }));
    });
  });
  afterAll(async () => {
    await hook.close();
    await target.close();
  });

  const send = (timeoutMs = 5000, s: AbortSignal = signal()) =>
    webhookDriver.send(
      message(),
      config({ url: hook.url(), timeoutMs }),
      secret({ hmacKey: HMAC_KEY, headers: { Authorization: 'Bearer very-secret-bearer-token' } }),
      s,
    );

  it.each([
    [200, true, false],
    [204, true, false],
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, false],
    [410, false, false],
    [408, false, true],
    [425, false, true],
    [429, false, true],
    [500, false, true],
    [502, false, true],
    [503, false, true],
  ])('HTTP %i → ok %s, retryable %s', async (code, ok, retryable) => {
    status = code;
    const result = await send();
    expect(result).toMatchObject({ ok, retryable, code });
    expect(result.detail).not.toContain('very-secret-bearer-token');
    expect(result.detail).not.toContain(HMAC_KEY);
    if (!ok && code !== 204) {
      expect(result.detail).toContain(`answered ${code}`);
      expect(result.detail).toContain('"authorization":"***"');
    }
  });

  it.each([301, 302, 307, 308])(
    'redirect %i is not followed: not ok, not retryable',
    async (code) => {
      status = code;
      target.requests.splice(0);
      const result = await send();
      expect(result).toMatchObject({ ok: false, retryable: false, code });
      expect(result.detail).toContain(`redirect (${code})`);
      expect(target.requests).toHaveLength(0);
    },
  );

  it('connection refused is retryable', async () => {
    const port = await closedPort();
    const result = await webhookDriver.send(
      message(),
      config({ url: `http://127.0.0.1:${port}/hook` }),
      secret({}),
      signal(),
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.detail).toContain('ECONNREFUSED');
    expect(result.code).toBeUndefined();
  });

  describe('a receiver that never answers', () => {
    let hole: Running;
    beforeAll(async () => {
      hole = await listen(blackHole(), '127.0.0.1');
    });
    afterAll(() => hole.close());

    it('times out after timeoutMs: retryable', async () => {
      const started = Date.now();
      const result = await webhookDriver.send(
        message(),
        config({ url: `http://127.0.0.1:${hole.port}/hook`, timeoutMs: 1000 }),
        secret({}),
        signal(),
      );
      expect(result).toEqual({ ok: false, retryable: true, detail: 'timed out after 1000 ms' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('stops when the caller aborts', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      const result: DeliveryResult = await webhookDriver.send(
        message(),
        config({ url: `http://127.0.0.1:${hole.port}/hook`, timeoutMs: 30_000 }),
        secret({}),
        controller.signal,
      );
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.detail).toContain('cancelled');
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  it('a slow body counts against the timeout too', async () => {
    const slow = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
      }),
      '127.0.0.1',
    );
    try {
      const result = await webhookDriver.send(
        message(),
        config({ url: `http://127.0.0.1:${slow.port}/`, timeoutMs: 1000 }),
        secret({}),
        signal(),
      );
      expect(result).toEqual({ ok: false, retryable: true, detail: 'timed out after 1000 ms' });
    } finally {
      await slow.close();
    }
  });

  it('refuses a message without items or with an unusable delivery id', async () => {
    const cfg = config({ url: hook.url() });
    expect(await webhookDriver.send(message([]), cfg, secret({}), signal())).toMatchObject({
      ok: false,
      retryable: false,
      detail: 'message has no items',
    });
    expect(
      await webhookDriver.send(message([item()], 'id\r\nX-Evil: 1'), cfg, secret({}), signal()),
    ).toMatchObject({ ok: false, retryable: false });
  });
});

describe('webhook channel: validation', () => {
  it('fills in defaults', () => {
    expect(config({ url: 'https://hooks.example.gov.vn/netwatch' })).toEqual({
      url: 'https://hooks.example.gov.vn/netwatch',
      template: 'netwatch',
      language: 'vi',
      timeoutMs: 10_000,
    });
    expect(secret(undefined)).toEqual({});
  });

  it.each([
    [{}, 'config.url', 'is required'],
    [{ url: 'ftp://example.com/x' }, 'config.url', 'http or https'],
    [{ url: 'not a url' }, 'config.url', 'absolute http or https URL'],
    [{ url: 'https://user:pw@example.com/' }, 'config.url', 'user name or password'],
    [
      { url: 'https://example.com/', template: 'slack' },
      'config.template',
      'netwatch, zalo, custom',
    ],
    [{ url: 'https://example.com/', language: 'fr' }, 'config.language', 'vi, en'],
    [{ url: 'https://example.com/', timeoutMs: 999 }, 'config.timeoutMs', '1000 to 60000'],
    [{ url: 'https://example.com/', timeoutMs: 60_001 }, 'config.timeoutMs', '1000 to 60000'],
    [{ url: 'https://example.com/', template: 'zalo' }, 'config.zaloUserId', 'is required'],
    [
      { url: 'https://example.com/', template: 'zalo', zaloUserId: 'abc' },
      'config.zaloUserId',
      'numeric user_id',
    ],
    [
      { url: 'https://example.com/', zaloUserId: '123' },
      'config.zaloUserId',
      'only for template zalo',
    ],
    [{ url: 'https://example.com/', urll: 'x' }, 'config.urll', 'unknown field'],
    [
      { url: 'https://example.com/', headers: { 'Content-Type': 'text/plain' } },
      'config.headers.Content-Type',
      'cannot be overridden',
    ],
    [
      { url: 'https://example.com/', headers: { host: 'evil' } },
      'config.headers.host',
      'cannot be overridden',
    ],
    [
      { url: 'https://example.com/', headers: { 'content-length': '1' } },
      'config.headers.content-length',
      'cannot be overridden',
    ],
    [
      { url: 'https://example.com/', headers: { 'X-NetWatch-Signature': 'x' } },
      'config.headers.X-NetWatch-Signature',
      'cannot be overridden',
    ],
    [
      { url: 'https://example.com/', headers: { Authorization: 'Bearer x' } },
      'config.headers.Authorization',
      'secret.headers',
    ],
    [
      { url: 'https://example.com/', headers: { 'Bad Name': 'x' } },
      'config.headers.Bad Name',
      'header name',
    ],
    [
      { url: 'https://example.com/', headers: { 'X-A': 'one\r\nX-B: two' } },
      'config.headers.X-A',
      'no line breaks',
    ],
    [
      { url: 'https://example.com/', headers: { 'X-A': 'Sở' } },
      'config.headers.X-A',
      'printable ASCII',
    ],
    [{ url: 'https://example.com/', headers: ['X-A'] }, 'config.headers', 'must be an object'],
  ])('config %j → %s', (input, field, message) => {
    const problems = problemsOf(() => config(input));
    expect(problems).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('refuses a config that is not an object', () => {
    expect(fields(() => webhookDriver.parseConfig('https://example.com/'))).toEqual(['config']);
    expect(fields(() => webhookDriver.parseConfig(null))).toEqual(['config']);
  });

  it('reports every problem at once', () => {
    expect(
      fields(() => config({ url: 'gopher://x', template: 'zalo', timeoutMs: 'fast' })),
    ).toEqual(['config.url', 'config.timeoutMs', 'config.zaloUserId']);
  });

  it.each([
    [{ hmacKey: 'short-key' }, 'secret.hmacKey', '16 to 1024 characters'],
    [{ hmacKey: 1234567890123456 }, 'secret.hmacKey', 'must be a string'],
    [
      { headers: { access_token: 'tok\nen-value' } },
      'secret.headers.access_token',
      'no line breaks',
    ],
    [
      { headers: { 'X-NetWatch-Timestamp': '1' } },
      'secret.headers.X-NetWatch-Timestamp',
      'cannot be overridden',
    ],
    [{ headers: { 'User-Agent': 'x' } }, 'secret.headers.User-Agent', 'cannot be overridden'],
    [{ token: 'x' }, 'secret.token', 'unknown field'],
  ])('secret %j → %s', (input, field, message) => {
    const problems = problemsOf(() => secret(input));
    expect(problems).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('never repeats a secret value in a problem', () => {
    const value = 'short-secret';
    const problems = problemsOf(() =>
      secret({ hmacKey: value, headers: { access_token: `${value}\r\n` } }),
    );
    expect(problems).toHaveLength(2);
    expect(JSON.stringify(problems)).not.toContain(value);
    let message = '';
    try {
      secret({ hmacKey: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('secret.hmacKey');
    expect(message).not.toContain(value);
  });

  it('accepts secret headers such as Authorization and access_token', () => {
    expect(
      secret({ hmacKey: HMAC_KEY, headers: { Authorization: 'Bearer abc', access_token: 'zzz' } }),
    ).toEqual({ hmacKey: HMAC_KEY, headers: { Authorization: 'Bearer abc', access_token: 'zzz' } });
  });
});
