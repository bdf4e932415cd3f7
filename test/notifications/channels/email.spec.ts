import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions } from 'smtp-server';
import {
  emailDriver,
  messageIdFor,
  type EmailConfig,
} from '../../../src/notifications/channels/email';
import { renderText } from '../../../src/notifications/templates';
import { blackHole, closedPort, listen, type Running } from '../../probes/http/servers';
import { digest, fields, item, message, problemsOf, signal } from './fixtures';

interface Sink {
  port: number;
  mails: ParsedMail[];
  envelopes: { from: string; to: string[]; secure: boolean; user?: string }[];
  logins: { username?: string; password?: string; method: string }[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that parses what it receives. */
async function sink(options: Partial<SMTPServerOptions> = {}): Promise<Sink> {
  const mails: ParsedMail[] = [];
  const envelopes: Sink['envelopes'] = [];
  const logins: Sink['logins'] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    ...options,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          envelopes.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: session.user as string | undefined,
          });
          callback();
        })
        .catch(callback);
    },
    onAuth:
      options.onAuth ??
      ((auth, _session, callback) => {
        logins.push({
          username: auth.username,
          password: auth.password ?? undefined,
          method: auth.method,
        });
        if (auth.username === 'netwatch' && auth.password === 'mật-khẩu-SMTP-2026')
          callback(null, { user: auth.username });
        else
          callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }),
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    mails,
    envelopes,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const config = (input: Record<string, unknown>): EmailConfig =>
  emailDriver.parseConfig({
    host: '127.0.0.1',
    from: 'netwatch@stttt.gov.vn',
    to: ['trucban@stttt.gov.vn', 'lanhdao@stttt.gov.vn'],
    ...input,
  });

describe('e-mail channel: plain SMTP sink', () => {
  let smtp: Sink;
  beforeAll(async () => {
    smtp = await sink({ disabledCommands: ['STARTTLS', 'AUTH'] });
  });
  afterAll(() => smtp.close());

  it('delivers Vietnamese subject, text and HTML parts, with the delivery Message-ID', async () => {
    const m = message([item('report_overdue')]);
    const result = await emailDriver.send(
      m,
      config({ port: smtp.port, security: 'none' }),
      {},
      signal(),
    );
    expect(result).toMatchObject({ ok: true, code: 250, retryable: false });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    const { subject, text } = renderText(m, 'vi');
    expect(mail.subject).toBe(subject);
    expect(mail.subject).toBe(
      '[NetWatch] #42 Mức 1 – Quá hạn báo cáo: Mất kết nối cổng dịch vụ công',
    );
    expect(mail.text?.trimEnd()).toBe(text);
    expect(mail.text).toContain('Đơn vị: Sở Thông tin và Truyền thông (STTTT)');
    expect(mail.html).toEqual(expect.stringContaining('<html lang="vi">'));
    expect(mail.html).toEqual(expect.stringContaining('Sở Thông tin và Truyền thông'));
    expect(mail.messageId).toBe(`<${m.deliveryId}@netwatch>`);
    expect(messageIdFor(m.deliveryId)).toBe(mail.messageId);
    expect(mail.headers.get('x-netwatch-delivery')).toBe(m.deliveryId);
    expect(mail.from?.value).toEqual([{ address: 'netwatch@stttt.gov.vn', name: 'NetWatch' }]);
    expect(smtp.envelopes[0]).toMatchObject({
      from: 'netwatch@stttt.gov.vn',
      to: ['trucban@stttt.gov.vn', 'lanhdao@stttt.gov.vn'],
      secure: false,
    });
  });

  it('sends a digest in English', async () => {
    smtp.mails.splice(0);
    const result = await emailDriver.send(
      digest(12),
      config({ port: smtp.port, security: 'none', language: 'en', to: ['noc@stttt.gov.vn'] }),
      {},
      signal(),
    );
    expect(result.ok).toBe(true);
    expect(smtp.mails[0].subject).toBe('[NetWatch] 12 new incidents, highest Severity 2');
    expect(smtp.mails[0].html).toEqual(expect.stringContaining('#111'));
  });

  it('refuses to go on without STARTTLS when starttls is configured: not retryable', async () => {
    const before = smtp.mails.length;
    const result = await emailDriver.send(message(), config({ port: smtp.port }), {}, signal());
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.detail).toContain('STARTTLS');
    expect(smtp.mails).toHaveLength(before);
  });
});

describe('e-mail channel: authentication over STARTTLS', () => {
  let smtp: Sink;
  beforeAll(async () => {
    // smtp-server's built-in self-signed certificate: verification has to be turned off.
    smtp = await sink({ authOptional: false });
  });
  afterAll(() => smtp.close());

  it('logs in with the username and the secret password, after STARTTLS', async () => {
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, username: 'netwatch', rejectUnauthorized: false }),
      { password: 'mật-khẩu-SMTP-2026' },
      signal(),
    );
    expect(result).toMatchObject({ ok: true, code: 250 });
    expect(smtp.logins).toEqual([
      expect.objectContaining({ username: 'netwatch', password: 'mật-khẩu-SMTP-2026' }),
    ]);
    expect(smtp.envelopes[0]).toMatchObject({ secure: true, user: 'netwatch' });
  });

  it('a refused login (535) is not retryable and the password stays out of detail', async () => {
    const password = 'wrong-password-do-not-log';
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, username: 'netwatch', rejectUnauthorized: false }),
      { password },
      signal(),
    );
    expect(result).toMatchObject({ ok: false, code: 535, retryable: false });
    expect(result.detail).not.toContain(password);
    expect(result.detail).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('checks the certificate by default: an unverifiable one is not retryable', async () => {
    const before = smtp.logins.length;
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, username: 'netwatch' }),
      { password: 'mật-khẩu-SMTP-2026' },
      signal(),
    );
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.detail).toMatch(/certificate/i);
    expect(smtp.logins).toHaveLength(before); // the password never went out
  });

  it('a username without a password is not retryable, and nothing is tried', async () => {
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, username: 'netwatch', rejectUnauthorized: false }),
      {},
      signal(),
    );
    expect(result).toEqual({
      ok: false,
      retryable: false,
      detail: 'secret.password is required when config.username is set',
    });
  });
});

describe('e-mail channel: implicit TLS', () => {
  let smtp: Sink;
  beforeAll(async () => {
    smtp = await sink({ secure: true });
  });
  afterAll(() => smtp.close());

  it('delivers over SMTPS', async () => {
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, security: 'tls', rejectUnauthorized: false }),
      {},
      signal(),
    );
    expect(result).toMatchObject({ ok: true, code: 250 });
    expect(smtp.envelopes[0].secure).toBe(true);
  });
});

describe('e-mail channel: refusals and failures', () => {
  let smtp: Sink;
  let rcptCode = 451;
  beforeAll(async () => {
    smtp = await sink({
      disabledCommands: ['STARTTLS', 'AUTH'],
      onRcptTo(address: SMTPServerAddress, _session, callback) {
        if (address.address.startsWith('refuse'))
          callback(
            Object.assign(new Error(`Mailbox ${address.address} unavailable`), {
              responseCode: rcptCode,
            }),
          );
        else callback();
      },
    });
  });
  afterAll(() => smtp.close());

  it('451 on RCPT is retryable', async () => {
    rcptCode = 451;
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, security: 'none', to: ['refuse@stttt.gov.vn'] }),
      {},
      signal(),
    );
    expect(result).toMatchObject({ ok: false, code: 451, retryable: true });
  });

  it('550 on RCPT is not retryable', async () => {
    rcptCode = 550;
    const result = await emailDriver.send(
      message(),
      config({ port: smtp.port, security: 'none', to: ['refuse@stttt.gov.vn'] }),
      {},
      signal(),
    );
    expect(result).toMatchObject({ ok: false, code: 550, retryable: false });
    expect(result.detail).toContain('550');
    expect(smtp.mails).toHaveLength(0);
  });

  it('one refused recipient among others: delivered to the rest, the refusal named', async () => {
    rcptCode = 550;
    const result = await emailDriver.send(
      message(),
      config({
        port: smtp.port,
        security: 'none',
        to: ['trucban@stttt.gov.vn', 'refuse@stttt.gov.vn'],
      }),
      {},
      signal(),
    );
    expect(result).toMatchObject({ ok: true, code: 250 });
    expect(result.detail).toContain('refused for refuse@stttt.gov.vn');
    expect(smtp.envelopes.at(-1)?.to).toEqual(['trucban@stttt.gov.vn']);
  });

  it('connection refused is retryable', async () => {
    const port = await closedPort();
    const result = await emailDriver.send(
      message(),
      config({ port, security: 'none' }),
      {},
      signal(),
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.detail).toContain('ECONNREFUSED');
  });

  describe('a server that never greets', () => {
    let hole: Running;
    beforeAll(async () => {
      hole = await listen(blackHole(), '127.0.0.1');
    });
    afterAll(() => hole.close());

    it('times out after timeoutMs: retryable', async () => {
      const started = Date.now();
      const result = await emailDriver.send(
        message(),
        config({ port: hole.port, security: 'none', timeoutMs: 1000 }),
        {},
        signal(),
      );
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.detail).toMatch(/tim(ed|e) ?out/i);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('stops when the caller aborts', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      const result = await emailDriver.send(
        message(),
        config({ port: hole.port, security: 'none', timeoutMs: 30_000 }),
        {},
        controller.signal,
      );
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.detail).toContain('cancelled');
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});

describe('e-mail channel: validation', () => {
  it('fills in defaults', () => {
    expect(
      emailDriver.parseConfig({
        host: 'mail.stttt.gov.vn',
        from: 'netwatch@stttt.gov.vn',
        to: ['noc@stttt.gov.vn'],
      }),
    ).toEqual({
      host: 'mail.stttt.gov.vn',
      port: 587,
      security: 'starttls',
      from: 'netwatch@stttt.gov.vn',
      to: ['noc@stttt.gov.vn'],
      language: 'vi',
      timeoutMs: 30_000,
      rejectUnauthorized: true,
    });
    expect(config({ security: 'tls' }).port).toBe(465);
    expect(emailDriver.parseSecret(undefined)).toEqual({});
  });

  it.each([
    [{ host: undefined }, 'config.host', 'is required'],
    [{ host: 'mail server' }, 'config.host', 'host name or an IP address'],
    [{ port: 0 }, 'config.port', '1 to 65535'],
    [{ security: 'ssl' }, 'config.security', 'starttls, tls, none'],
    [{ from: 'NetWatch <netwatch@stttt.gov.vn>' }, 'config.from', 'e-mail address'],
    [{ from: undefined }, 'config.from', 'is required'],
    [{ to: [] }, 'config.to', '1 to 50'],
    [{ to: 'noc@stttt.gov.vn' }, 'config.to', '1 to 50'],
    [{ to: Array.from({ length: 51 }, (_, i) => `u${i}@stttt.gov.vn`) }, 'config.to', '1 to 50'],
    [{ to: ['noc@stttt.gov.vn', 'not-an-address'] }, 'config.to[1]', 'e-mail address'],
    [{ to: ['a@stttt.gov.vn', 'b@x.vn\r\nBcc: c@evil.example'] }, 'config.to[1]', 'e-mail address'],
    [{ to: ['a@stttt.gov.vn', 'A@stttt.gov.vn'] }, 'config.to[1]', 'listed twice'],
    [{ username: 'netwatch', security: 'none' }, 'config.username', 'never sent over plain SMTP'],
    [{ timeoutMs: 10 }, 'config.timeoutMs', '1000 to 120000'],
    [{ rejectUnauthorized: 'no' }, 'config.rejectUnauthorized', 'true or false'],
    [{ password: 'x' }, 'config.password', 'unknown field'],
  ])('config %j → %s', (input, field, text) => {
    expect(problemsOf(() => config(input))).toContainEqual({
      field,
      message: expect.stringContaining(text),
    });
  });

  it('secret: password must be a string, never echoed', () => {
    expect(fields(() => emailDriver.parseSecret({ password: 12345 }))).toEqual(['secret.password']);
    expect(fields(() => emailDriver.parseSecret({ pass: 'x' }))).toEqual(['secret.pass']);
    const problems = problemsOf(() => emailDriver.parseSecret({ password: 'x'.repeat(2000) }));
    expect(JSON.stringify(problems)).not.toContain('xxxx');
  });
});
