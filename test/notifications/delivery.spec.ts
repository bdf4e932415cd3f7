import * as http from 'node:http';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature } from '../../src/notifications/channels';
import { closedPort, listen, type Running } from '../probes/http/servers';
import {
  FAST_RETRY,
  freshDatabase,
  insertUnit,
  NotifyProcess,
  outboxOf,
  sleep,
  startProcess,
  tag,
} from './support';

const HMAC_KEY = 'a-long-shared-webhook-secret';

/** A webhook receiver on loopback that can be switched between down (503) and up. */
interface Hook {
  running: Running<http.Server>;
  url: string;
  up: boolean;
  /** Requests answered 200, with their delivery id, body and whether the signature verified. */
  delivered: { delivery: string; body: Record<string, unknown>; signed: boolean }[];
  refused: number;
}

async function hook(): Promise<Hook> {
  const state = { up: true, delivered: [], refused: 0 } as unknown as Hook;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!state.up) {
        state.refused += 1;
        res.writeHead(503).end('down for maintenance');
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      state.delivered.push({
        delivery: String(req.headers['x-netwatch-delivery']),
        body: JSON.parse(raw) as Record<string, unknown>,
        signed: verifyWebhookSignature(
          raw,
          String(req.headers['x-netwatch-timestamp']),
          String(req.headers['x-netwatch-signature']),
          HMAC_KEY,
          300,
        ),
      });
      res.writeHead(200).end('ok');
    });
  });
  state.running = await listen(server, '127.0.0.1');
  state.url = `http://127.0.0.1:${state.running.port}/hook`;
  return state;
}

/** An SMTP sink on loopback keeping every message it accepted, parsed. */
async function smtpSink(port = 0) {
  const messages: { subject: string; text: string; html: string; messageId: string; to: string }[] =
    [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
            to: Array.isArray(mail.to) ? '' : (mail.to?.text ?? ''),
          });
          callback();
        })
        .catch(callback);
    },
  });
  const running = await listen(server.server, '127.0.0.1', port);
  return {
    messages,
    port: running.port,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

let db: { url: string; drop(): Promise<void> };
let p: NotifyProcess;
let province: string;

beforeAll(async () => {
  db = await freshDatabase();
  p = await startProcess(db.url, { ...FAST_RETRY, NETWATCH_NOTIFY_MAX_ATTEMPTS: '3' });
  province = await insertUnit(p.ds, tag('LD'), null, 'Tỉnh Lâm Đồng');
});

afterAll(async () => {
  await p?.stop();
  await db?.drop();
});

async function webhookChannel(url: string, name = tag('hook')) {
  return p.channels.create({
    name,
    kind: 'webhook',
    config: { url, template: 'netwatch', language: 'vi' },
    secret: { hmacKey: HMAC_KEY },
  });
}

/** Delivers everything due now; with retries pending, waits out the 1 s backoff first. */
async function drain(times = 1) {
  for (let i = 0; i < times; i++) {
    if (i) await sleep(1300);
    await p.sender.runOnce();
  }
}

describe('routing', () => {
  it('queues one message per matching channel, by unit subtree, severity, category and event', async () => {
    const district = await insertUnit(p.ds, tag('D'), province);
    const other = await insertUnit(p.ds, tag('O'));
    const a = await webhookChannel('http://127.0.0.1:9/a');
    const b = await webhookChannel('http://127.0.0.1:9/b');
    // a: the province subtree, severity 1-2, outages; twice (two routes, one message).
    for (const name of [tag('r1'), tag('r2')])
      await p.routes.create({
        name,
        channelId: a.id,
        unitId: province,
        maxSeverity: 2,
        categories: ['outage'],
        events: ['opened', 'resolved'],
      });
    // b: everything, but only `opened`.
    await p.routes.create({ name: tag('r3'), channelId: b.id, events: ['opened'] });

    const inDistrict = await p.incidents.create({
      title: 'Mất kết nối',
      severity: 2,
      category: 'outage',
      unitId: district,
    });
    const minor = await p.incidents.create({
      title: 'minor',
      severity: 3,
      category: 'outage',
      unitId: district,
    });
    const elsewhere = await p.incidents.create({
      title: 'x',
      severity: 1,
      category: 'outage',
      unitId: other,
    });
    const dnssec = await p.incidents.create({
      title: 'y',
      severity: 1,
      category: 'dnssec_failure',
      unitId: district,
    });
    await p.incidents.changeStatus(inDistrict.id, 'acknowledged');
    await p.incidents.changeStatus(inDistrict.id, 'resolved');

    const rowsA = await outboxOf(p.ds, a.id);
    expect(rowsA.map((r) => [r.incident_id, r.event])).toEqual([
      [inDistrict.id, 'opened'],
      [inDistrict.id, 'resolved'],
    ]);
    const rowsB = await outboxOf(p.ds, b.id);
    expect(rowsB.map((r) => r.incident_id)).toEqual([
      inDistrict.id,
      minor.id,
      elsewhere.id,
      dnssec.id,
    ]);
    await p.channels.remove(a.id);
    await p.channels.remove(b.id);
  });

  it('writes nothing when the event itself is rolled back', async () => {
    const c = await webhookChannel('http://127.0.0.1:9/c');
    await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
    await expect(
      p.incidents.create({
        title: 'bad link',
        severity: 1,
        category: 'outage',
        links: [{ objectType: 'device', objectId: '00000000-0000-4000-8000-000000000000' }],
      }),
    ).rejects.toMatchObject({ details: [{ field: 'links.0.objectId' }] });
    expect(await outboxOf(p.ds, c.id)).toEqual([]);
    await p.channels.remove(c.id);
  });
});

describe('webhook delivery', () => {
  it('retries while the receiver is down and delivers exactly once when it returns', async () => {
    const h = await hook();
    try {
      const c = await webhookChannel(h.url);
      await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
      h.up = false;
      const inc = await p.incidents.create({
        title: 'Cổng dịch vụ công không truy cập được',
        severity: 1,
        category: 'outage',
        unitId: province,
      });
      await drain(2);
      let [row] = await outboxOf(p.ds, c.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 2 });
      expect(row.last_error).toMatch(/503/);
      expect(h.refused).toBe(2);

      h.up = true;
      await drain(2);
      await p.sender.runOnce();
      [row] = await outboxOf(p.ds, c.id);
      expect(row).toMatchObject({ status: 'sent', attempts: 3, delivery_id: `nw-${row.id}` });
      expect(h.delivered).toHaveLength(1);
      expect(h.delivered[0]).toMatchObject({ delivery: `nw-${row.id}`, signed: true });
      const items = h.delivered[0].body.items as { event: string; incident: { id: string } }[];
      expect(items.map((i) => [i.event, i.incident.id])).toEqual([['opened', inc.id]]);

      // Every attempt is recorded; the incident's timeline says it was sent.
      const attempts: { ok: boolean; code: number | null }[] = await p.ds.query(
        `SELECT ok, code FROM notification_attempts WHERE outbox_id = $1 ORDER BY id`,
        [row.id],
      );
      expect(attempts).toEqual([
        { ok: false, code: 503 },
        { ok: false, code: 503 },
        { ok: true, code: 200 },
      ]);
      const timeline = (await p.incidents.get(inc.id)).timeline.filter(
        (e) => e.kind === 'notification',
      );
      expect(timeline).toHaveLength(1);
      expect(timeline[0].body).toMatchObject({ channel: c.name, delivered: true });
    } finally {
      await h.running.close();
    }
  });

  it('gives up after maxAttempts (failed, listed) and a non-retryable answer at once', async () => {
    const gone = http.createServer((_req, res) => res.writeHead(404).end());
    const g = await listen(gone, '127.0.0.1');
    try {
      const c = await webhookChannel(`http://127.0.0.1:${g.port}/nowhere`);
      await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
      const inc = await p.incidents.create({ title: 'z', severity: 2, category: 'other' });
      await drain();
      const [row] = await outboxOf(p.ds, c.id);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      const entry = (await p.incidents.get(inc.id)).timeline.find((e) => e.kind === 'notification');
      expect(entry?.body).toMatchObject({ delivered: false });
    } finally {
      await g.close();
    }
  });

  it('stops retrying after maxAttempts', async () => {
    const h = await hook();
    try {
      h.up = false;
      const c = await webhookChannel(h.url);
      await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
      await p.incidents.create({ title: 'w', severity: 2, category: 'other' });
      await drain(4);
      const [row] = await outboxOf(p.ds, c.id);
      expect(row).toMatchObject({ status: 'failed', attempts: 3 });
      expect(h.refused).toBe(3);
    } finally {
      await h.running.close();
    }
  });
});

describe('restarts', () => {
  it('a new process delivers what the stopped one could not, once', async () => {
    const h = await hook();
    const db2 = await freshDatabase();
    let first: NotifyProcess | undefined = await startProcess(db2.url, FAST_RETRY);
    let second: NotifyProcess | undefined;
    try {
      h.up = false;
      const c = await first.channels.create({
        name: 'hook',
        kind: 'webhook',
        config: { url: h.url, template: 'netwatch' },
        secret: { hmacKey: HMAC_KEY },
      });
      await first.routes.create({ name: 'all', channelId: c.id, events: ['opened'] });
      for (const title of ['một', 'hai', 'ba'])
        await first.incidents.create({ title, severity: 1, category: 'outage' });
      await first.sender.runOnce();
      expect(h.refused).toBe(3);
      await first.stop();
      first = undefined;

      // A process that died mid-send leaves its claim behind; it expires and is taken over.
      await claimLeftByCrash(db2.url);

      h.up = true;
      second = await startProcess(db2.url, FAST_RETRY);
      await sleep(1300);
      await second.sender.runOnce();
      await second.sender.runOnce();
      expect(h.delivered.map((d) => d.delivery).sort()).toEqual(
        (await outboxOf(second.ds, c.id)).map((r) => `nw-${r.id}`).sort(),
      );
      expect(h.delivered).toHaveLength(3);
      expect((await outboxOf(second.ds, c.id)).every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await first?.stop();
      await second?.stop();
      await db2.drop();
      await h.running.close();
    }
  });
});

/** Marks the newest message as claimed by a process that died (claim expired a second ago). */
async function claimLeftByCrash(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `UPDATE notification_outbox SET status = 'sending', claimed_until = now() - interval '1 second'
       WHERE id = (SELECT max(id) FROM notification_outbox)`,
    );
  } finally {
    await client.end();
  }
}

describe('e-mail delivery', () => {
  it('sends one message per event to a real SMTP server, in Vietnamese', async () => {
    const sink = await smtpSink();
    try {
      const c = await p.channels.create({
        name: tag('mail'),
        kind: 'email',
        config: {
          host: '127.0.0.1',
          port: sink.port,
          security: 'none',
          from: 'netwatch@stttt.lamdong.gov.vn',
          to: ['ucsc@stttt.lamdong.gov.vn'],
          language: 'vi',
        },
      });
      await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
      const inc = await p.incidents.create({
        title: 'Thư điện tử công vụ ngừng hoạt động',
        severity: 1,
        category: 'outage',
        unitId: province,
      });
      await drain();
      await drain();
      expect(sink.messages).toHaveLength(1);
      const [row] = await outboxOf(p.ds, c.id);
      expect(sink.messages[0].subject).toContain('Thư điện tử công vụ ngừng hoạt động');
      expect(sink.messages[0].subject).toContain(`#${(await p.incidents.get(inc.id)).number}`);
      expect(sink.messages[0].text).toContain('Tỉnh Lâm Đồng');
      expect(sink.messages[0].messageId).toContain(`nw-${row.id}`);
    } finally {
      await sink.close();
    }
  });
});

describe('e-mail while the mail server is down', () => {
  it('retries while nothing listens, then delivers once when the server is back', async () => {
    const port = await closedPort();
    const c = await p.channels.create({
      name: tag('mail-down'),
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port,
        security: 'none',
        from: 'netwatch@stttt.lamdong.gov.vn',
        to: ['noc@stttt.lamdong.gov.vn'],
        language: 'en',
        timeoutMs: 2000,
      },
    });
    await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
    await p.incidents.create({ title: 'Mail relay down', severity: 1, category: 'outage' });
    await drain(2);
    let [row] = await outboxOf(p.ds, c.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);

    const sink = await smtpSink(port);
    try {
      await drain(2);
      await p.sender.runOnce();
      [row] = await outboxOf(p.ds, c.id);
      expect(row).toMatchObject({ status: 'sent', attempts: 3 });
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0].subject).toContain('Mail relay down');
    } finally {
      await sink.close();
    }
  });
});

describe('storm control', () => {
  it('groups what is due beyond the threshold into one digest, and holds the rest', async () => {
    const h = await hook();
    try {
      const c = await webhookChannel(h.url);
      await p.routes.create({ name: tag('r'), channelId: c.id, events: ['opened'] });
      // Threshold 5 per 300 s: 12 incidents at once are one digest.
      for (let i = 1; i <= 12; i++)
        await p.incidents.create({ title: `Sự cố ${i}`, severity: 2, category: 'outage' });
      const pass = await p.sender.runOnce();
      expect(pass).toMatchObject({ delivered: 1, digests: 1, rowsDelivered: 12 });
      expect(h.delivered).toHaveLength(1);
      expect((h.delivered[0].body.items as unknown[]).length).toBe(12);
      expect(h.delivered[0].delivery).toMatch(/^nw-digest-/);

      // Four more, one at a time, still fit the budget (1 + 4 = 5 messages)...
      for (let i = 13; i <= 16; i++) {
        await p.incidents.create({ title: `Sự cố ${i}`, severity: 2, category: 'outage' });
        await p.sender.runOnce();
      }
      expect(h.delivered).toHaveLength(5);
      // ...the next ones wait for the window to free a slot, then go out together.
      await p.incidents.create({ title: 'Sự cố 17', severity: 2, category: 'outage' });
      await p.incidents.create({ title: 'Sự cố 18', severity: 2, category: 'outage' });
      const held = await p.sender.runOnce();
      expect(held).toMatchObject({ held: 2, delivered: 0 });
      const waiting: { next: Date; attempts: number }[] = await p.ds.query(
        `SELECT next_attempt_at AS next, attempts FROM notification_outbox
         WHERE channel_id = $1 AND status = 'pending'`,
        [c.id],
      );
      expect(waiting).toHaveLength(2);
      for (const w of waiting) {
        expect(w.attempts).toBe(0);
        expect(new Date(w.next).getTime()).toBeGreaterThan(Date.now() + 200_000);
      }
    } finally {
      await h.running.close();
    }
  });
});

describe('reminders', () => {
  it('reminds about unacknowledged incidents and the report deadline, once each', async () => {
    const c = await webhookChannel('http://127.0.0.1:9/reminders');
    await p.routes.create({
      name: tag('r'),
      channelId: c.id,
      events: ['unacknowledged', 'report_due', 'report_overdue'],
    });
    const inc = await p.incidents.create({ title: 'r', severity: 2, category: 'outage' });
    const reported = await p.incidents.create({ title: 's', severity: 2, category: 'outage' });
    await p.incidents.changeStatus(reported.id, 'acknowledged');
    await p.incidents.markReported(reported.id, { reference: 'BC-01' });
    const opened = inc.openedAt.getTime();
    const at = (minutes: number) => new Date(opened + minutes * 60_000);
    const events = async () =>
      (await outboxOf(p.ds, c.id))
        .filter((r) => r.incident_id === inc.id || r.incident_id === reported.id)
        .map((r) => `${r.incident_id === inc.id ? 'inc' : 'reported'}:${r.event}`);

    await p.reminders.runOnce(at(29));
    expect(await events()).toEqual([]);
    await p.reminders.runOnce(at(31));
    await p.reminders.runOnce(at(32));
    expect(await events()).toEqual(['inc:unacknowledged']);
    // Skipping ahead issues the latest reminder only, and never more than three.
    await p.reminders.runOnce(at(200));
    await p.reminders.runOnce(at(300));
    expect(await events()).toEqual(['inc:unacknowledged', 'inc:unacknowledged']);
    const seqs: { seq: number }[] = await p.ds.query(
      `SELECT seq FROM incident_reminders WHERE incident_id = $1 AND kind = 'unacknowledged'
       ORDER BY seq`,
      [inc.id],
    );
    expect(seqs.map((s) => s.seq)).toEqual([1, 3]);

    // Report deadline 5 days after opening: reminded 24 h before, then overdue.
    await p.reminders.runOnce(at(5 * 1440 - 25 * 60));
    expect((await events()).filter((e) => e.includes('report'))).toEqual([]);
    await p.reminders.runOnce(at(5 * 1440 - 23 * 60));
    await p.reminders.runOnce(at(5 * 1440 + 1));
    await p.reminders.runOnce(at(5 * 1440 + 60));
    expect((await events()).filter((e) => e.includes('report'))).toEqual([
      'inc:report_due',
      'inc:report_overdue',
    ]);
    await p.channels.remove(c.id);
  });

  it('acknowledging stops the unacknowledged reminders', async () => {
    const c = await webhookChannel('http://127.0.0.1:9/ack');
    await p.routes.create({ name: tag('r'), channelId: c.id, events: ['unacknowledged'] });
    const inc = await p.incidents.create({ title: 'a', severity: 2, category: 'outage' });
    await p.incidents.changeStatus(inc.id, 'acknowledged');
    await p.reminders.runOnce(new Date(inc.openedAt.getTime() + 45 * 60_000));
    expect(await outboxOf(p.ds, c.id)).toEqual([]);
    await p.channels.remove(c.id);
  });
});
