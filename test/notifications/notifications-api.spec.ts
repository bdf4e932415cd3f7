import * as http from 'node:http';
import request from 'supertest';
import { App } from 'supertest/types';
import { listen, type Running } from '../probes/http/servers';
import { freshDatabase, NotifyProcess, startProcess, tag } from './support';

let db: { url: string; drop(): Promise<void> };
let p: NotifyProcess;
let api: App;
let receiver: Running<http.Server>;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  p = await startProcess(db.url);
  api = p.http;
  receiver = await listen(
    http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    }),
    '127.0.0.1',
  );
});

afterAll(async () => {
  await receiver?.close();
  await p?.stop();
  await db?.drop();
});

const hookUrl = () => `http://127.0.0.1:${receiver.port}/hook`;
const fields = (body: { details: { field: string }[] }) =>
  [...new Set(body.details.map((d) => d.field))].sort();

describe('notification channels', () => {
  it('creates a channel; secrets are write-only (never returned, only named)', async () => {
    const created = await request(api)
      .post('/api/notification-channels')
      .send({
        name: tag('noc'),
        kind: 'webhook',
        config: { url: hookUrl(), template: 'netwatch' },
        secret: { hmacKey: 'super-secret-hmac-key-123' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      kind: 'webhook',
      enabled: true,
      secretFields: ['hmacKey'],
    });
    expect(JSON.stringify(created.body)).not.toContain('super-secret');
    const got = await request(api).get(`/api/notification-channels/${created.body.id}`).expect(200);
    expect(JSON.stringify(got.body)).not.toContain('super-secret');
    const list = await request(api).get('/api/notification-channels').expect(200);
    expect(JSON.stringify(list.body)).not.toContain('super-secret');
    // Stored encrypted, not as plain text.
    const raw: { secret: string }[] = await p.ds.query(
      `SELECT secret FROM notification_channels WHERE id = $1`,
      [created.body.id],
    );
    expect(raw[0].secret).toMatch(/^v1:/);
    expect(raw[0].secret).not.toContain('super-secret');

    // PATCH without secret keeps it; null clears it.
    const renamed = await request(api)
      .patch(`/api/notification-channels/${created.body.id}`)
      .send({ name: tag('noc2') })
      .expect(200);
    expect(renamed.body.secretFields).toEqual(['hmacKey']);
    const cleared = await request(api)
      .patch(`/api/notification-channels/${created.body.id}`)
      .send({ secret: null })
      .expect(200);
    expect(cleared.body.secretFields).toEqual([]);
  });

  it('sends a signed test message on demand', async () => {
    const created = await request(api)
      .post('/api/notification-channels')
      .send({
        name: tag('t'),
        kind: 'webhook',
        config: { url: hookUrl(), template: 'netwatch' },
        secret: { hmacKey: 'another-long-secret-key' },
      })
      .expect(201);
    const before = received.length;
    const res = await request(api)
      .post(`/api/notification-channels/${created.body.id}/test`)
      .expect(200);
    expect(res.body).toMatchObject({ ok: true, code: 204 });
    expect(received).toHaveLength(before + 1);
    expect(received.at(-1)?.headers['x-netwatch-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('rejects bad input naming the field, and changes nothing', async () => {
    const badUrl = await request(api)
      .post('/api/notification-channels')
      .send({ name: tag('x'), kind: 'webhook', config: { url: 'ftp://example.test/' } })
      .expect(400);
    expect(fields(badUrl.body)).toEqual(['config.url']);
    const unknown = await request(api)
      .post('/api/notification-channels')
      .send({ name: tag('x'), kind: 'webhook', config: { url: hookUrl() }, colour: 'red' })
      .expect(400);
    expect(fields(unknown.body)).toEqual(['colour']);
    const kind = await request(api)
      .post('/api/notification-channels')
      .send({ name: tag('x'), kind: 'pigeon' })
      .expect(400);
    expect(fields(kind.body)).toEqual(['kind']);
    const badToken = await request(api)
      .post('/api/notification-channels')
      .send({
        name: tag('tg'),
        kind: 'telegram',
        config: { chatId: '-1001234' },
        secret: { botToken: 'not-a-token' },
      })
      .expect(400);
    expect(fields(badToken.body)).toEqual(['secret.botToken']);
    expect(JSON.stringify(badToken.body)).not.toContain('not-a-token');
    const name = tag('dup');
    await request(api)
      .post('/api/notification-channels')
      .send({ name, kind: 'webhook', config: { url: hookUrl() } })
      .expect(201);
    const dup = await request(api)
      .post('/api/notification-channels')
      .send({ name, kind: 'webhook', config: { url: hookUrl() } })
      .expect(409);
    expect(fields(dup.body)).toEqual(['name']);
  });
});

describe('routes and outbox', () => {
  it('routes by unit, severity and category; the outbox lists the message and its attempts', async () => {
    const channel = await request(api)
      .post('/api/notification-channels')
      .send({ name: tag('r'), kind: 'webhook', config: { url: hookUrl() } })
      .expect(201);
    const badRoute = await request(api)
      .post('/api/notification-routes')
      .send({
        name: tag('bad'),
        channelId: '00000000-0000-4000-8000-000000000000',
        events: ['opened', 'sometimes'],
        maxSeverity: 7,
      })
      .expect(400);
    expect(fields(badRoute.body)).toEqual(['events', 'maxSeverity']);
    const missingChannel = await request(api)
      .post('/api/notification-routes')
      .send({
        name: tag('bad'),
        channelId: '00000000-0000-4000-8000-000000000000',
        events: ['opened'],
      })
      .expect(400);
    expect(fields(missingChannel.body)).toEqual(['channelId']);

    const route = await request(api)
      .post('/api/notification-routes')
      .send({
        name: tag('sev12'),
        channelId: channel.body.id,
        maxSeverity: 2,
        categories: ['outage'],
        events: ['opened'],
      })
      .expect(201);
    expect(route.body).toMatchObject({ maxSeverity: 2, categories: ['outage'], unitId: null });

    const major = await request(api)
      .post('/api/incidents')
      .send({ title: 'Cổng thông tin mất kết nối', severity: 2, category: 'outage' })
      .expect(201);
    await request(api)
      .post('/api/incidents')
      .send({ title: 'minor', severity: 3, category: 'outage' })
      .expect(201);
    const queued = await request(api)
      .get(`/api/notifications/outbox?channel=${channel.body.id}`)
      .expect(200);
    expect(queued.body.total).toBe(1);
    expect(queued.body.items[0]).toMatchObject({
      incidentId: major.body.id,
      event: 'opened',
      status: 'pending',
    });

    await p.sender.runOnce();
    const one = await request(api)
      .get(`/api/notifications/outbox/${queued.body.items[0].id}`)
      .expect(200);
    expect(one.body).toMatchObject({ status: 'sent', attempts: 1 });
    expect(one.body.history).toEqual([
      expect.objectContaining({ ok: true, code: 204, deliveryId: `nw-${one.body.id}` }),
    ]);
    const metrics = await request(api).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/netwatch_notifications_delivered_total\{kind="webhook"\} [1-9]/);
    expect(metrics.text).toMatch(/netwatch_notifications_pending \d+/);
    // Only a failed message can be queued again.
    const retry = await request(api)
      .post(`/api/notifications/outbox/${one.body.id}/retry`)
      .expect(400);
    expect(fields(retry.body)).toEqual(['id']);
    await request(api).get('/api/notifications/outbox/999999999').expect(404);
    await request(api).get('/api/notifications/outbox?status=lost').expect(400);

    await request(api).delete(`/api/notification-routes/${route.body.id}`).expect(204);
    await request(api).get(`/api/notification-routes/${route.body.id}`).expect(404);
  });

  it('records the upward report and lists MTTA/MTTR per severity', async () => {
    const inc = await request(api)
      .post('/api/incidents')
      .send({ title: 'm', severity: 1, category: 'security_event' })
      .expect(201);
    await request(api)
      .patch(`/api/incidents/${inc.body.id}/reported`)
      .send({ reference: 'Công văn 123/STTTT-CNTT' })
      .expect(200);
    const got = await request(api).get(`/api/incidents/${inc.body.id}`).expect(200);
    expect(got.body.reportReference).toBe('Công văn 123/STTTT-CNTT');
    expect(got.body.reportedAt).not.toBeNull();
    const bad = await request(api)
      .patch(`/api/incidents/${inc.body.id}/reported`)
      .send({ reportedAt: 'yesterday' })
      .expect(400);
    expect(fields(bad.body)).toEqual(['reportedAt']);
    const metrics = await request(api)
      .get('/api/incidents/metrics?severity=1&category=security_event')
      .expect(200);
    expect(metrics.body.total).toBe(1);
    expect(metrics.body.durationsBySeverity['1']).toHaveProperty('mttr');
  });
});
