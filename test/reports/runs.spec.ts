import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { App } from 'supertest/types';
import { ConfigError } from '../../src/config/config.loader';
import { ReportScheduler } from '../../src/reports/runs/report-scheduler';
import { loadSchedules, parseSchedules, periodBefore } from '../../src/reports/runs/schedules';
import { freshDatabase, NotifyProcess, startProcess } from '../notifications/support';
import { listen } from '../probes/http/servers';

const iso = (d: Date) => d.toISOString();

describe('report schedules file', () => {
  const base = {
    name: 'monthly',
    cron: '0 6 1 * *',
    period: 'previous_month',
    languages: ['vi', 'en'],
    formats: ['pdf', 'json'],
    email: { channel: 'mail', to: ['lanhdao@stttt.example.test'] },
  };

  it('reads a valid file with defaults for what is left out', () => {
    const [s, q] = parseSchedules(
      {
        version: 1,
        schedules: [base, { name: 'q', cron: '30 6 1 1,4,7,10 *', period: 'previous_quarter' }],
      },
      'f.yaml',
    );
    expect(s).toEqual({ ...base, unit: null });
    expect(q).toMatchObject({
      languages: ['vi'],
      formats: ['pdf'],
      email: { channel: '', to: [] },
    });
  });

  it('names every bad key and the file', () => {
    let problems: string[] = [];
    try {
      parseSchedules(
        {
          version: 1,
          schedules: [
            { ...base, cron: 'every month', colour: 'red' },
            { ...base, period: 'yesterday', formats: ['docx'], email: { to: ['not-an-address'] } },
          ],
        },
        'f.yaml',
      );
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems.join('\n')).toContain('schedules[0].colour (in f.yaml): unknown key');
    expect(problems.join('\n')).toContain('schedules[0].cron');
    expect(problems.join('\n')).toContain('schedules[1].name (in f.yaml): "monthly" is used twice');
    expect(problems.join('\n')).toContain('schedules[1].period');
    expect(problems.join('\n')).toContain('schedules[1].formats[0]');
    expect(problems.join('\n')).toContain('schedules[1].email.to[0]');
    expect(problems.join('\n')).toContain('schedules[1].email.channel');
  });

  it('the shipped file is valid', () => {
    expect(loadSchedules().map((s) => s.name)).toEqual(['monthly', 'quarterly']);
  });
});

describe('periodBefore (Asia/Ho_Chi_Minh calendar)', () => {
  it('gives the previous month and quarter, across a year boundary', () => {
    // 06:00 on 1 January 2026 in Vietnam is 23:00 UTC on 31 December 2025.
    const slot = new Date('2025-12-31T23:00:00Z');
    expect(periodBefore('previous_month', slot)).toEqual({
      from: new Date('2025-11-30T17:00:00Z'),
      to: new Date('2025-12-31T17:00:00Z'),
    });
    expect(periodBefore('previous_quarter', slot)).toEqual({
      from: new Date('2025-09-30T17:00:00Z'),
      to: new Date('2025-12-31T17:00:00Z'),
    });
    const may = new Date('2026-05-01T00:00:00Z');
    expect(periodBefore('previous_quarter', may)).toEqual({
      from: new Date('2025-12-31T17:00:00Z'),
      to: new Date('2026-03-31T17:00:00Z'),
    });
  });
});

describe('report runs', () => {
  let db: { url: string; drop(): Promise<void> };
  let p: NotifyProcess;
  let api: App;
  let smtp: SMTPServer;
  const mails: ParsedMail[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 50 * 1024 * 1024,
      onData(stream, _s, done) {
        simpleParser(stream)
          .then((m) => {
            mails.push(m);
            done();
          })
          .catch(done);
      },
    });
    const smtpPort = (await listen(smtp.server, '127.0.0.1')).port;
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-schedules-'));
    writeFileSync(
      join(dir, 'schedules.yaml'),
      [
        'version: 1',
        'schedules:',
        '  - name: monthly',
        "    cron: '0 6 1 * *'",
        '    period: previous_month',
        '    languages: [vi, en]',
        '    formats: [pdf, html, json, csv]',
        '    email:',
        '      channel: bao-cao',
        '      to: [lanhdao@stttt.example.test]',
      ].join('\n'),
    );
    db = await freshDatabase();
    p = await startProcess(db.url, {
      NETWATCH_REPORT_SCHEDULES: join(dir, 'schedules.yaml'),
      NETWATCH_PUBLIC_URL: 'https://netwatch.example.test',
    });
    api = p.http;
    await p.channels.create({
      name: 'bao-cao',
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port: smtpPort,
        security: 'none',
        from: 'netwatch@stttt.example.test',
        to: ['noc@stttt.example.test'],
      },
    });
  });

  afterAll(async () => {
    await p?.stop();
    await db?.drop();
    await new Promise<void>((done) => smtp?.close(() => done()));
  });

  it('generates on demand: every format and language, stored with checksums, downloadable', async () => {
    const res = await request(api)
      .post('/api/reports/runs')
      .send({ from: '2026-09-30T17:00:00Z', to: '2026-10-31T17:00:00Z' })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'succeeded', scheduleName: null, error: null });
    const names = (res.body.files as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'compliance-2026-10-01_2026-10-31.json',
        'compliance-2026-10-01_2026-10-31-vi.pdf',
        'compliance-2026-10-01_2026-10-31-en.pdf',
        'compliance-2026-10-01_2026-10-31-vi.html',
        'compliance-2026-10-01_2026-10-31-en.html',
      ]),
    );
    expect(names.filter((n) => n.endsWith('.csv')).length).toBeGreaterThanOrEqual(2 * 5);
    for (const f of res.body.files as { name: string; sha256: string; size: number }[]) {
      const got = await request(api)
        .get(`/api/reports/runs/${res.body.id}/files/${encodeURIComponent(f.name)}`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const body = got.body as Buffer;
      expect(body.length).toBe(f.size);
      expect(createHash('sha256').update(body).digest('hex')).toBe(f.sha256);
    }
    const pdf = await request(api)
      .get(`/api/reports/runs/${res.body.id}/files/compliance-2026-10-01_2026-10-31-vi.pdf`)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain('attachment');

    const listed = await request(api).get('/api/reports/runs?status=succeeded').expect(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(res.body.id);
  });

  it('refuses bad requests naming the field', async () => {
    const half = await request(api)
      .post('/api/reports/runs')
      .send({ from: '2026-10-01T00:00:00Z' })
      .expect(400);
    expect(half.body.details[0].field).toBe('to');
    const minute = await request(api)
      .post('/api/reports/runs')
      .send({ from: '2026-10-01T00:30:00Z', to: '2026-11-01T00:00:00Z' })
      .expect(400);
    expect(minute.body.details[0].field).toBe('from');
    const unit = await request(api).post('/api/reports/runs').send({ unit: 'NOPE' }).expect(400);
    expect(unit.body.details[0].field).toBe('unit');
    const format = await request(api)
      .post('/api/reports/runs')
      .send({ formats: ['docx'] })
      .expect(400);
    expect(format.body.details[0].field).toBe('formats');
    await request(api).get('/api/reports/runs/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('runs a due schedule once, stores it, and e-mails the PDFs through the outbox', async () => {
    const scheduler = p.app.get(ReportScheduler);
    // First sight: the schedule starts from now, nothing is generated.
    expect(await scheduler.tick()).toEqual([]);
    // As if the last slot handled were in October: the 1 November 06:00 slot is due.
    await p.ds.query(`UPDATE report_schedule_state SET last_slot = $1 WHERE name = 'monthly'`, [
      new Date('2026-10-15T00:00:00Z'),
    ]);
    const runs = await scheduler.tick();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scheduleName: 'monthly', status: 'succeeded' });
    expect(iso(runs[0].periodFrom)).toBe('2026-09-30T17:00:00.000Z');
    expect(iso(runs[0].periodTo)).toBe('2026-10-31T17:00:00.000Z');
    // Handled: not again.
    expect(await scheduler.tick()).toEqual([]);
    const [{ last_slot }]: { last_slot: Date }[] = await p.ds.query(
      `SELECT last_slot FROM report_schedule_state WHERE name = 'monthly'`,
    );
    expect(iso(last_slot)).toBe('2026-10-31T23:00:00.000Z');

    const schedules = await request(api).get('/api/reports/schedules').expect(200);
    expect(schedules.body.items[0]).toMatchObject({ name: 'monthly', period: 'previous_month' });
    expect(new Date(schedules.body.items[0].nextRun).getTime()).toBeGreaterThan(Date.now());

    const pass = await p.sender.runOnce();
    expect(pass).toMatchObject({ delivered: 1 });
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail.subject).toContain('Báo cáo tuân thủ 01/10/2026–31/10/2026');
    expect(mail.subject).toContain('Compliance report');
    expect(Array.isArray(mail.to) ? '' : mail.to?.text).toBe('lanhdao@stttt.example.test');
    expect(mail.text).toContain(`https://netwatch.example.test/api/reports/runs/${runs[0].id}`);
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual([
      'compliance-2026-10-01_2026-10-31-en.pdf',
      'compliance-2026-10-01_2026-10-31-vi.pdf',
    ]);
    const vi = runs[0].files.find((f) => f.name.endsWith('-vi.pdf'));
    const attached = mail.attachments.find((a) => a.filename?.endsWith('-vi.pdf'));
    expect(createHash('sha256').update(attached!.content).digest('hex')).toBe(vi?.sha256);
  });
});
