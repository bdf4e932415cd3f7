import { ProbeScope } from '../../../probes/scope';
import {
  parseReply,
  readSmtpBanner,
  SmtpBannerProbe,
  type SmtpBannerFailure,
  type SmtpBannerResult,
  type SmtpBannerSuccess,
} from '../../../probes/smtp/smtp-banner';
import { closedPort, startSmtp, type Closable } from '../ipv6/servers';

function success(r: SmtpBannerResult): SmtpBannerSuccess {
  if (!r.ok) throw new Error(`expected a 220 greeting, got ${r.error.code}: ${r.error.message}`);
  return r;
}

function failure(r: SmtpBannerResult): SmtpBannerFailure {
  if (r.ok) throw new Error(`expected a failure, got a greeting: ${r.lines.join(' / ')}`);
  return r;
}

describe('parseReply', () => {
  it('reads a one-line reply and what it consumed', () => {
    const r = parseReply(Buffer.from('220 mx.example ESMTP\r\nrest'));
    expect(r).toEqual({
      kind: 'reply',
      code: 220,
      lines: ['mx.example ESMTP'],
      crlf: true,
      consumed: 22,
    });
  });

  it('reads a multi-line reply up to its last line, and a bare code', () => {
    const r = parseReply(Buffer.from('220-first\r\n220-second\r\n220\r\n'));
    expect(r).toMatchObject({ kind: 'reply', code: 220, lines: ['first', 'second', ''] });
  });

  it('waits for more while the bytes can still become a reply', () => {
    for (const partial of ['', '2', '22', '220', '220\r', '220-first\r\n220 las'])
      expect(parseReply(Buffer.from(partial))).toEqual({ kind: 'incomplete' });
  });

  it('notes bare LF line ends', () => {
    expect(parseReply(Buffer.from('220 ok\n'))).toMatchObject({ kind: 'reply', crlf: false });
  });

  it('refuses other protocols before a line ends, and a code that changes mid-reply', () => {
    expect(parseReply(Buffer.from('SSH-2.0-Open'))).toMatchObject({ kind: 'garbage' });
    expect(parseReply(Buffer.from('HTTP/1.1 400'))).toMatchObject({ kind: 'garbage' });
    expect(parseReply(Buffer.from('2200 x\r\n'))).toMatchObject({ kind: 'garbage' });
    expect(parseReply(Buffer.from('220-a\r\n250 b\r\n'))).toMatchObject({
      kind: 'garbage',
      message: expect.stringContaining('220 to 250'),
    });
  });
});

describe('readSmtpBanner', () => {
  const servers: Closable[] = [];
  const serve = async (...args: Parameters<typeof startSmtp>) => {
    const s = await startSmtp(...args);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it.each([
    ['127.0.0.1', 4],
    ['::1', 6],
  ] as const)(
    'reads a 220 greeting over %s, says QUIT and records 221',
    async (address, family) => {
      const server = await serve(address, { greeting: '220 mx.web.test ESMTP ready\r\n' });
      const r = success(await readSmtpBanner({ address, port: server.port, timeoutMs: 2000 }));
      expect(r).toMatchObject({
        family,
        address,
        code: 220,
        lines: ['mx.web.test ESMTP ready'],
        crlf: true,
        quitReply: 221,
      });
      expect(r.timings.connectMs).toBeGreaterThanOrEqual(0);
      expect(r.timings.greetingMs).toBeGreaterThanOrEqual(0);
      expect(server.quits).toBe(1);
    },
  );

  it('joins a multi-line greeting that arrives in pieces', async () => {
    const server = await serve('::1', {
      greeting: ['220-mx.web.test ESMTP\r\n22', '0-Xin chào\r\n', '220 ready\r\n'],
    });
    const r = success(await readSmtpBanner({ address: '::1', port: server.port, timeoutMs: 2000 }));
    expect(r.lines).toEqual(['mx.web.test ESMTP', 'Xin chào', 'ready']);
  });

  it('fails a 554 greeting as not_220 and keeps the code', async () => {
    const server = await serve('127.0.0.1', { greeting: '554 5.3.2 no service for you\r\n' });
    const r = failure(
      await readSmtpBanner({ address: '127.0.0.1', port: server.port, timeoutMs: 2000 }),
    );
    expect(r.error).toMatchObject({ code: 'not_220', phase: 'greeting' });
    expect(r.error.message).toContain('554');
    expect(r.replyCode).toBe(554);
  });

  it('times out on a server that accepts and says nothing', async () => {
    const server = await serve('::1', 'silent');
    const started = Date.now();
    const r = failure(await readSmtpBanner({ address: '::1', port: server.port, timeoutMs: 300 }));
    expect(r.error).toMatchObject({ code: 'timeout', phase: 'greeting' });
    expect(r.timings.connectMs).toBeDefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort('::1');
    const r = failure(await readSmtpBanner({ address: '::1', port, timeoutMs: 2000 }));
    expect(r.error).toMatchObject({ code: 'refused', phase: 'connect' });
    expect(r.family).toBe(6);
  });

  it('fails another protocol on the port as garbage', async () => {
    const server = await serve('127.0.0.1', { greeting: 'SSH-2.0-OpenSSH_9.6\r\n' });
    const r = failure(
      await readSmtpBanner({ address: '127.0.0.1', port: server.port, timeoutMs: 2000 }),
    );
    expect(r.error.code).toBe('garbage');
    expect(r.received).toContain('SSH-2.0');
  });

  it('fails an endless greeting as garbage', async () => {
    const server = await serve('127.0.0.1', { greeting: '220-' + 'x'.repeat(300) });
    const r = failure(
      await readSmtpBanner({
        address: '127.0.0.1',
        port: server.port,
        timeoutMs: 2000,
        maxGreetingBytes: 256,
      }),
    );
    expect(r.error.code).toBe('garbage');
    expect(r.error.message).toContain('longer than 256 bytes');
  });

  it('reports a server that closes before greeting', async () => {
    const server = await serve('127.0.0.1', { greeting: '220-half a greet', thenClose: true });
    const r = failure(
      await readSmtpBanner({ address: '127.0.0.1', port: server.port, timeoutMs: 2000 }),
    );
    expect(r.error).toMatchObject({ code: 'closed', phase: 'greeting' });
    expect(r.received).toBe('220-half a greet');
    expect(server.connections).toBe(1);
  });

  it('sends nothing outside the probe scope, nor for a name instead of an address', async () => {
    const server = await serve('127.0.0.1', { greeting: '220 ok\r\n' });
    const scope = ProbeScope.parse('::1/128');
    const r = failure(await readSmtpBanner({ address: '127.0.0.1', port: server.port, scope }));
    expect(r.error.code).toBe('out_of_scope');
    const named = failure(await readSmtpBanner({ address: 'localhost', port: server.port }));
    expect(named.error.code).toBe('bad_address');
    expect(server.connections).toBe(0);
  });

  it('stops when the caller aborts', async () => {
    const server = await serve('::1', 'silent');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const r = failure(
      await readSmtpBanner({
        address: '::1',
        port: server.port,
        timeoutMs: 5000,
        signal: controller.signal,
      }),
    );
    expect(r.error.code).toBe('aborted');
  });

  it('maps results to probe outcomes', async () => {
    const good = await serve('::1', { greeting: '220 ok\r\n' });
    const bad = await serve('::1', { greeting: '421 busy\r\n' });
    const probe = new SmtpBannerProbe();
    const context = { signal: new AbortController().signal, now: () => new Date() };
    const up = await probe.run({ address: '::1', port: good.port }, { timeoutMs: 2000 }, context);
    expect(up).toMatchObject({ status: 'up', family: 6, reasons: [] });
    const down = await probe.run({ address: '::1', port: bad.port }, { timeoutMs: 2000 }, context);
    expect(down).toMatchObject({ status: 'down', family: 6 });
    expect(down.reasons[0].code).toBe('smtp_not_220');
    const outside = await probe.run(
      { address: '::1', port: good.port },
      { scope: ProbeScope.parse('127.0.0.0/8') },
      context,
    );
    expect(outside).toMatchObject({ status: 'not_tested', family: null });
  });
});
