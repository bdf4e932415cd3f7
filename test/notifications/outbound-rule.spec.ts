import * as http from 'node:http';
import request from 'supertest';
import { App } from 'supertest/types';
import {
  OutboundGuard,
  type LookupAll,
  type ResolvedAddress,
} from '../../src/common/outbound-guard';
import { emailDriver, telegramDriver, webhookDriver } from '../../src/notifications/channels';
import { listen, type Running } from '../probes/http/servers';
import { message, signal } from './channels/fixtures';
import { freshDatabase, type NotifyProcess, outboxOf, startProcess, tag } from './support';

/**
 * The outbound rule on notification channels: refused when a channel is saved (400 naming the
 * field) and again at every send (a target may become forbidden after it was saved). Every
 * target here is on loopback, so even a broken rule sends nothing off this machine: the
 * "forbidden" targets are the test database's port, or 0.0.0.0 / :: (which Linux delivers to
 * this host).
 */

let db: { url: string; drop(): Promise<void> };
let dbPort: number;
let p: NotifyProcess;
let api: App;

beforeAll(async () => {
  db = await freshDatabase();
  dbPort = Number(new URL(db.url).port || 5432);
  p = await startProcess(db.url);
  api = p.http;
});

afterAll(async () => {
  await p?.stop();
  await db?.drop();
});

type Problem = { field: string; message: string };
const fields = (body: { details: Problem[] }) => body.details.map((d) => d.field).sort();

describe('saving a channel', () => {
  it.each(['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]'])(
    "refuses a webhook pointed at the service's database (%s) with 400 naming config.url",
    async (host) => {
      const res = await request(api)
        .post('/api/notification-channels')
        .send({ name: tag('db'), kind: 'webhook', config: { url: `http://${host}:${dbPort}/x` } })
        .expect(400);
      expect(fields(res.body)).toEqual(['config.url']);
      expect(res.body.details[0].message).toContain("this service's own database");
      expect(res.body.details[0].message).toContain('NETWATCH_OUTBOUND_ALLOW');
      const list = await request(api).get('/api/notification-channels').expect(200);
      expect(JSON.stringify(list.body)).not.toContain(`:${dbPort}/x`);
    },
  );

  it('refuses metadata and link-local webhook targets without sending anything', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]:8080/',
      'http://0.0.0.0:8080/',
    ]) {
      const res = await request(api)
        .post('/api/notification-channels')
        .send({ name: tag('meta'), kind: 'webhook', config: { url } })
        .expect(400);
      expect(fields(res.body)).toEqual(['config.url']);
      expect(res.body.details[0].message).toContain('outbound rule');
    }
  });

  it('refuses a Telegram apiBase and an SMTP server on the database port, naming the field', async () => {
    const tg = await request(api)
      .post('/api/notification-channels')
      .send({
        name: tag('tg'),
        kind: 'telegram',
        config: { chatId: '-1001234', apiBase: `http://127.0.0.1:${dbPort}` },
        secret: { botToken: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      })
      .expect(400);
    expect(fields(tg.body)).toEqual(['config.apiBase']);
    const mail = await request(api)
      .post('/api/notification-channels')
      .send({
        name: tag('mail'),
        kind: 'email',
        config: {
          host: 'localhost',
          port: dbPort,
          security: 'none',
          from: 'netwatch@stttt.example.test',
          to: ['noc@stttt.example.test'],
        },
      })
      .expect(400);
    expect(fields(mail.body)).toEqual(['config.host']);
    expect(mail.body.details[0].message).toContain('own database');
  });

  it('refuses changing a saved channel to a forbidden target; other loopback ports are fine', async () => {
    const created = await request(api)
      .post('/api/notification-channels')
      .send({
        name: tag('ok'),
        kind: 'webhook',
        config: { url: `http://127.0.0.1:${dbPort + 1}/` },
      })
      .expect(201);
    const res = await request(api)
      .patch(`/api/notification-channels/${created.body.id}`)
      .send({ config: { url: `http://127.0.0.1:${dbPort}/` } })
      .expect(400);
    expect(fields(res.body)).toEqual(['config.url']);
    const got = await request(api).get(`/api/notification-channels/${created.body.id}`).expect(200);
    expect(got.body.config.url).toBe(`http://127.0.0.1:${dbPort + 1}/`);
  });
});

describe('an administrator’s exception, later removed', () => {
  it('lets the channel be saved; without it the send is refused for good (not retried)', async () => {
    const allowing = await startProcess(db.url, {
      NETWATCH_OUTBOUND_ALLOW: `127.0.0.1:${dbPort}`,
    });
    let channelId: string;
    try {
      const created = await request(allowing.http)
        .post('/api/notification-channels')
        .send({
          name: tag('allowed'),
          kind: 'webhook',
          config: { url: `http://127.0.0.1:${dbPort}/hook`, timeoutMs: 2000 },
        })
        .expect(201);
      channelId = created.body.id;
      await allowing.routes.create({ name: tag('r'), channelId, events: ['opened'] });
    } finally {
      await allowing.stop();
    }
    // `p` has no exception: the saved target is now forbidden.
    await p.incidents.create({ title: 'Mất kết nối', severity: 1, category: 'outage' });
    const pass = await p.sender.runOnce();
    expect(pass).toMatchObject({ delivered: 0, retrying: 0, failed: 1 });
    const [row] = await outboxOf(p.ds, channelId);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('refused by the outbound rule');
    expect(row.last_error).toContain("this service's own database");
  });
});

describe('at send time (drivers)', () => {
  /** A resolver the test changes, as DNS may change after a channel was saved. */
  function switchableDns(answer: string[]): { answer: string[]; lookup: LookupAll } {
    const dns = {
      answer,
      lookup: async (host: string): Promise<ResolvedAddress[]> => {
        if (host !== 'localhost')
          throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return dns.answer.map((address) => ({
          address,
          family: address.includes(':') ? 6 : 4,
        }));
      },
    };
    return dns;
  }

  let server: Running<http.Server>;
  const received: string[] = [];
  beforeAll(async () => {
    server = await listen(
      http.createServer((req, res) => {
        received.push(req.url ?? '');
        req.resume();
        req.on('end', () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"ok":true,"result":{"message_id":7}}'),
        );
      }),
      // Not 127.0.0.1: "localhost" reaches it only through the address the rule judged.
      '127.0.0.2',
    );
  });
  afterAll(() => server.close());
  beforeEach(() => received.splice(0));

  it('a webhook whose name now resolves to a forbidden address is refused, not retryable', async () => {
    const dns = switchableDns(['127.0.0.2']);
    const context = { guard: new OutboundGuard({ lookup: dns.lookup }) };
    const config = webhookDriver.parseConfig({ url: `http://localhost:${server.port}/hook` });
    const first = await webhookDriver.send(message(), config, {}, signal(), context);
    // Delivered to the judged (pinned) address: the system resolver would say 127.0.0.1 or ::1.
    expect(first).toMatchObject({ ok: true, code: 200 });
    expect(received).toEqual(['/hook']);

    dns.answer = ['0.0.0.0'];
    const later = await webhookDriver.send(message(), config, {}, signal(), context);
    expect(later).toEqual({
      ok: false,
      retryable: false,
      detail: expect.stringContaining('refused by the outbound rule'),
    });
    expect(later.detail).toContain('unspecified');
    expect(later.detail).toContain('NETWATCH_OUTBOUND_ALLOW');
    expect(received).toEqual(['/hook']);
  });

  it('a Telegram API base that now resolves to a forbidden address is refused, token kept out', async () => {
    const dns = switchableDns(['127.0.0.2']);
    const context = { guard: new OutboundGuard({ lookup: dns.lookup }) };
    const token = '123456:BBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const config = telegramDriver.parseConfig({
      chatId: '-100123',
      apiBase: `http://localhost:${server.port}`,
    });
    expect(
      await telegramDriver.send(message(), config, { botToken: token }, signal(), context),
    ).toMatchObject({ ok: true });
    dns.answer = ['::'];
    const later = await telegramDriver.send(
      message(),
      config,
      { botToken: token },
      signal(),
      context,
    );
    expect(later).toMatchObject({ ok: false, retryable: false });
    expect(later.detail).toContain('refused by the outbound rule');
    expect(later.detail).not.toContain('BBBBBBBB');
    expect(received).toHaveLength(1);
  });

  it("an SMTP server on the service's database port is refused at send time", async () => {
    const guard = OutboundGuard.fromSettings([], [db.url]);
    const config = emailDriver.parseConfig({
      host: '127.0.0.1',
      port: dbPort,
      security: 'none',
      from: 'netwatch@stttt.example.test',
      to: ['noc@stttt.example.test'],
    });
    const result = await emailDriver.send(message(), config, {}, signal(), { guard });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.detail).toContain("this service's own database");
  });

  it('the service passes its own rule to the drivers (it knows the database)', async () => {
    const result = await webhookDriver.send(
      message(),
      webhookDriver.parseConfig({ url: `http://localhost:${dbPort}/`, timeoutMs: 2000 }),
      {},
      signal(),
      p.channels.sendContext,
    );
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.detail).toContain("this service's own database");
  });
});
