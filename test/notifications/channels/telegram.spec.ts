import { renderText } from '../../../src/notifications/templates';
import { telegramDriver, type TelegramConfig } from '../../../src/notifications/channels/telegram';
import { blackHole, closedPort, listen, type Running } from '../../probes/http/servers';
import { digest, fields, message, problemsOf, receiver, signal } from './fixtures';

const TOKEN = '123456789:AAH-fake_token_for_tests_0123456789';

describe('Telegram channel', () => {
  let answer: { status: number; body: string } = { status: 200, body: '' };
  let api: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    // A fake Bot API on loopback. Its answers quote the request path (and so the token), as
    // some proxies and error pages do.
    api = await receiver((req, res) => {
      res
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(answer.body.replace('{path}', req.url));
    });
  });
  afterAll(() => api.close());
  beforeEach(() => api.requests.splice(0));

  const config = (input: Record<string, unknown> = {}): TelegramConfig =>
    telegramDriver.parseConfig({
      chatId: '-1001234567890',
      apiBase: `http://127.0.0.1:${api.port}`,
      ...input,
    });
  const secret = { botToken: TOKEN };

  it('calls sendMessage with the chat, the text and no link preview', async () => {
    answer = { status: 200, body: '{"ok":true,"result":{"message_id":7,"chat":{"id":-1}}}' };
    const m = message();
    const result = await telegramDriver.send(m, config(), secret, signal());
    expect(result).toEqual({
      ok: true,
      code: 200,
      retryable: false,
      detail: 'sent (message_id 7)',
    });
    expect(api.requests).toHaveLength(1);
    const req = api.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toEqual({
      chat_id: '-1001234567890',
      text: renderText(m, 'vi').text,
      disable_web_page_preview: true,
    });
    expect(req.body).toContain('Mở sự cố');
  });

  it('keeps a path in apiBase (a local Bot API server behind a prefix), English text', async () => {
    answer = { status: 200, body: '{"ok":true,"result":{"message_id":8}}' };
    const result = await telegramDriver.send(
      message(),
      config({
        apiBase: `http://127.0.0.1:${api.port}/tg/`,
        chatId: '@netwatch_alerts',
        language: 'en',
      }),
      secret,
      signal(),
    );
    expect(result.ok).toBe(true);
    expect(api.requests[0].url).toBe(`/tg/bot${TOKEN}/sendMessage`);
    const body = JSON.parse(api.requests[0].body);
    expect(body.chat_id).toBe('@netwatch_alerts');
    expect(body.text).toContain('Severity 1 – Opened');
  });

  it('cuts the text at 4096 characters', async () => {
    answer = { status: 200, body: '{"ok":true,"result":{"message_id":9}}' };
    const m = digest(200);
    expect(renderText(m, 'vi').text.length).toBeGreaterThan(4096);
    await telegramDriver.send(m, config(), secret, signal());
    const text: string = JSON.parse(api.requests[0].body).text;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.length).toBeGreaterThan(4000);
    expect(text.endsWith('…')).toBe(true);
  });

  it.each([
    [
      400,
      '{"ok":false,"error_code":400,"description":"Bad Request: chat not found {path}"}',
      false,
    ],
    [401, '{"ok":false,"error_code":401,"description":"Unauthorized {path}"}', false],
    [403, '{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked {path}"}', false],
    [404, '{"ok":false,"error_code":404,"description":"Not Found {path}"}', false],
    [
      429,
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}',
      true,
    ],
    [500, '{"ok":false,"error_code":500,"description":"Internal Server Error {path}"}', true],
    [502, '<html>Bad Gateway {path}</html>', true],
  ])('HTTP %i → not ok, retryable %s, and no token in detail', async (status, body, retryable) => {
    answer = { status, body };
    const result = await telegramDriver.send(message(), config(), secret, signal());
    expect(result).toMatchObject({ ok: false, code: status, retryable });
    expect(result.detail).toContain(`Telegram answered ${status}`);
    expect(result.detail).not.toContain(TOKEN);
    expect(result.detail).not.toContain(TOKEN.split(':')[1]);
    if (body.includes('description') && status !== 429)
      expect(result.detail).toContain('/***/sendMessage');
    if (status === 429) expect(result.detail).toContain('retry after 5 s');
  });

  it('200 without ok:true is not a delivery', async () => {
    answer = { status: 200, body: '{"ok":false,"description":"odd {path}"}' };
    const result = await telegramDriver.send(message(), config(), secret, signal());
    expect(result).toMatchObject({ ok: false, code: 200, retryable: false });
    expect(result.detail).not.toContain(TOKEN);
  });

  it('a redirect is not followed', async () => {
    answer = { status: 302, body: '' };
    const result = await telegramDriver.send(message(), config(), secret, signal());
    expect(result).toMatchObject({ ok: false, code: 302, retryable: false });
    expect(result.detail).toContain('redirect (302)');
  });

  it('connection refused: retryable, no token', async () => {
    const port = await closedPort();
    const result = await telegramDriver.send(
      message(),
      config({ apiBase: `http://127.0.0.1:${port}` }),
      secret,
      signal(),
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.detail).toContain('ECONNREFUSED');
    expect(result.detail).not.toContain(TOKEN);
  });

  describe('an API that never answers', () => {
    let hole: Running;
    beforeAll(async () => {
      hole = await listen(blackHole(), '127.0.0.1');
    });
    afterAll(() => hole.close());

    it('times out: retryable', async () => {
      const result = await telegramDriver.send(
        message(),
        config({ apiBase: `http://127.0.0.1:${hole.port}`, timeoutMs: 1000 }),
        secret,
        signal(),
      );
      expect(result).toEqual({ ok: false, retryable: true, detail: 'timed out after 1000 ms' });
    });
  });

  it('a token that does not look like one is refused at send time too, without echoing it', async () => {
    const result = await telegramDriver.send(
      message(),
      config(),
      { botToken: 'nope:short' },
      signal(),
    );
    expect(result).toEqual({
      ok: false,
      retryable: false,
      detail: 'secret.botToken is not a bot token',
    });
    expect(api.requests).toHaveLength(0);
  });
});

describe('Telegram channel: validation', () => {
  it('fills in defaults', () => {
    expect(telegramDriver.parseConfig({ chatId: '-100123' })).toEqual({
      chatId: '-100123',
      apiBase: 'https://api.telegram.org',
      language: 'vi',
      timeoutMs: 10_000,
    });
    expect(telegramDriver.parseSecret({ botToken: TOKEN })).toEqual({ botToken: TOKEN });
  });

  it.each([
    [{}, 'config.chatId', 'is required'],
    [{ chatId: -100123 }, 'config.chatId', 'must be a string'],
    [{ chatId: 'my group' }, 'config.chatId', 'numeric chat id'],
    [{ chatId: '@a' }, 'config.chatId', 'numeric chat id'],
    [{ chatId: '1', apiBase: 'http://telegram.example.com' }, 'config.apiBase', 'loopback'],
    [{ chatId: '1', apiBase: 'file:///etc/passwd' }, 'config.apiBase', 'http or https'],
    [{ chatId: '1', apiBase: 'https://api.telegram.org/?x=1' }, 'config.apiBase', 'query string'],
    [{ chatId: '1', timeoutMs: 100 }, 'config.timeoutMs', '1000 to 60000'],
    [{ chatId: '1', language: 'ru' }, 'config.language', 'vi, en'],
    [{ chatId: '1', botToken: TOKEN }, 'config.botToken', 'unknown field'],
  ])('config %j → %s', (input, field, text) => {
    const problems = problemsOf(() => telegramDriver.parseConfig(input));
    expect(problems).toContainEqual({ field, message: expect.stringContaining(text) });
    // A token misplaced into the config is not repeated either.
    expect(JSON.stringify(problems)).not.toContain(TOKEN);
  });

  it('accepts http to loopback only (tests, a local Bot API server)', () => {
    expect(
      telegramDriver.parseConfig({ chatId: '1', apiBase: 'http://localhost:8081' }).apiBase,
    ).toBe('http://localhost:8081');
    expect(telegramDriver.parseConfig({ chatId: '1', apiBase: 'http://[::1]:8081/' }).apiBase).toBe(
      'http://[::1]:8081',
    );
  });

  it.each([
    [undefined],
    [{}],
    [{ botToken: '123456:short' }],
    [{ botToken: 'abc:AAH-fake_token_for_tests_0123456789' }],
    [{ botToken: `${TOKEN}\n` }],
  ])('secret %j → secret.botToken (or secret), value never echoed', (input) => {
    const problems = problemsOf(() => telegramDriver.parseSecret(input));
    expect(problems.map((p) => p.field)).toEqual([
      input === undefined ? 'secret' : 'secret.botToken',
    ]);
    expect(JSON.stringify(problems)).not.toContain('AAH-fake');
    expect(JSON.stringify(problems)).not.toContain('short');
  });

  it('refuses unknown secret fields', () => {
    expect(fields(() => telegramDriver.parseSecret({ botToken: TOKEN, chatId: '1' }))).toEqual([
      'secret.chatId',
    ]);
  });
});
