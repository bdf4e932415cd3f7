import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { parse, stringify } from 'yaml';
import { freePort } from '../../src/database/embedded-postgres';
import { verifyWebhookSignature } from '../../src/notifications/channels';
import { a, zone } from '../probes/ipv6/servers';
import { listen, type Running } from '../probes/http/servers';
import { E2E_ADMIN_PASSWORD, login } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { RunningServer, start as startDns } from '../support/dns/authoritative-server';

/**
 * The whole path in the running service: a website fails its probe → the engine moves the check
 * to down → an incident opens → a local webhook and a local SMTP server are told → the website
 * recovers → the incident resolves itself (severity 3) and that is told too → the metrics API
 * shows the MTTR. Every packet goes to loopback.
 */
describe('running service: probe failure → incident → notifications → recovery', () => {
  const root = join(__dirname, '..', '..');
  const HMAC = 'e2e-webhook-signing-key';
  let dir: string;
  let db: { url: string; drop(): Promise<void> };
  let dns: RunningServer;
  let site: Running<http.Server>;
  let hook: Running<http.Server>;
  let smtp: SMTPServer;
  let smtpPort: number;
  let child: ChildProcess | undefined;
  let output = '';
  let siteUp = true;
  const hooks: { event: string; signed: boolean }[] = [];
  const mails: { subject: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netwatch-e2e-notify-'));
    db = await createTestDatabase();
    site = await listen(
      http.createServer((_req, res) =>
        siteUp ? res.writeHead(200).end('Cổng thông tin') : res.writeHead(503).end('down'),
      ),
      '127.0.0.1',
    );
    dns = await startDns({ zones: [zone('e2e.test', [a('www.e2e.test', '127.0.0.1')])] });
    hook = await listen(
      http.createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const body = JSON.parse(raw) as { items: { event: string }[] };
          for (const item of body.items)
            hooks.push({
              event: item.event,
              signed: verifyWebhookSignature(
                raw,
                String(req.headers['x-netwatch-timestamp']),
                String(req.headers['x-netwatch-signature']),
                HMAC,
                300,
              ),
            });
          res.writeHead(200).end();
        });
      }),
      '127.0.0.1',
    );
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _s, done) {
        simpleParser(stream)
          .then((m) => {
            mails.push({ subject: m.subject ?? '' });
            done();
          })
          .catch(done);
      },
    });
    smtpPort = (await listen(smtp.server, '127.0.0.1')).port;

    // Only websites get checks here: one http check over IPv4, every 10 s, down after one failure.
    const checks = parse(readFileSync(join(root, 'config', 'checks.yaml'), 'utf8')) as {
      objects: Record<string, unknown>;
    };
    for (const kind of Object.keys(checks.objects))
      checks.objects[kind] = kind === 'device' ? { default: [] } : [];
    checks.objects.website = [
      {
        kind: 'http',
        families: [4],
        intervalSeconds: 10,
        timeoutMs: 3000,
        failureThreshold: 1,
        successThreshold: 1,
      },
    ];
    writeFileSync(join(dir, 'checks.yaml'), stringify(checks));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await new Promise<void>((done) => smtp?.close(() => done()));
    await hook?.close();
    await site?.close();
    await dns?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens, notifies by webhook and e-mail, resolves on recovery, and counts MTTR', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NETWATCH_DATA_DIR: dir,
        NETWATCH_LOAD_EXAMPLE: 'false',
        NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
        NETWATCH_RESOLVER: `127.0.0.1:${dns.port}`,
        NETWATCH_IPV6_ANCHOR: `[::1]:${site.port}`,
        NETWATCH_CHECKS_CONFIG: join(dir, 'checks.yaml'),
        NETWATCH_SYNC_SECONDS: '1',
        NETWATCH_NOTIFY_POLL_MS: '200',
        NETWATCH_PUBLIC_URL: 'https://netwatch.example.test',
        NETWATCH_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    let token = '';
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    };
    const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (child?.exitCode !== null) throw new Error(`service exited:\n${output}`);
        const value = await probe().catch(() => undefined);
        if (value !== undefined) return value;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`timed out waiting for ${what}\n${output.slice(-3000)}`);
    };
    await until('health', async () => ((await fetch(`${base}/health`)).ok ? true : undefined));
    token = await login(base, 'admin', E2E_ADMIN_PASSWORD);

    const channel = await api<{ id: string }>('POST', '/api/notification-channels', {
      name: 'Nhóm ứng cứu (webhook)',
      kind: 'webhook',
      config: { url: `http://127.0.0.1:${hook.port}/hook`, template: 'netwatch' },
      secret: { hmacKey: HMAC },
    });
    const mail = await api<{ id: string }>('POST', '/api/notification-channels', {
      name: 'Nhóm ứng cứu (thư)',
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port: smtpPort,
        security: 'none',
        from: 'netwatch@stttt.example.test',
        to: ['ucsc@stttt.example.test'],
      },
    });
    for (const c of [channel, mail])
      await api('POST', '/api/notification-routes', {
        name: `all-${c.id}`,
        channelId: c.id,
        events: ['opened', 'resolved'],
      });
    const unit = await api<{ id: string }>('POST', '/api/units', {
      code: 'E2E',
      kind: 'department',
      name: 'Sở Thông tin và Truyền thông',
    });
    await api('POST', '/api/services', {
      kind: 'website',
      hostname: 'www.e2e.test',
      name: 'Cổng thông tin thử',
      url: `http://www.e2e.test:${site.port}/`,
      unitId: unit.id,
      criticality: 'low',
    });

    // The check appears and runs; then the website fails.
    await until('the http check to be up', async () => {
      const s = await api<{ items: { kind: string; state: string }[] }>(
        'GET',
        '/api/status/checks?kind=http',
      );
      return s.items.some((c) => c.state === 'up') ? true : undefined;
    });
    siteUp = false;
    type Incident = { id: string; status: string; severity: number; title: string };
    const incident = await until('an incident', async () => {
      const list = await api<{ items: Incident[] }>('GET', '/api/incidents');
      return list.items[0];
    });
    expect(incident).toMatchObject({ status: 'open', severity: 3 });
    expect(incident.title).toContain('www.e2e.test');
    await until('webhook and mail for opened', async () =>
      hooks.some((h) => h.event === 'opened') && mails.length >= 1 ? true : undefined,
    );
    expect(hooks.every((h) => h.signed)).toBe(true);
    expect(mails[0].subject).toContain('www.e2e.test');

    siteUp = true;
    await until('the incident to resolve', async () => {
      const i = await api<Incident>('GET', `/api/incidents/${incident.id}`);
      return i.status === 'resolved' ? true : undefined;
    });
    await until('webhook and mail for resolved', async () =>
      hooks.some((h) => h.event === 'resolved') && mails.length >= 2 ? true : undefined,
    );
    expect(hooks.map((h) => h.event)).toEqual(['opened', 'resolved']);
    expect(mails).toHaveLength(2);

    const metrics = await api<{ total: number; mttr: { count: number; averageSeconds: number } }>(
      'GET',
      '/api/incidents/metrics?unit=E2E',
    );
    expect(metrics.total).toBe(1);
    expect(metrics.mttr.count).toBe(1);
    expect(metrics.mttr.averageSeconds).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 150_000);
});
