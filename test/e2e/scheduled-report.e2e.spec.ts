import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { E2E_ADMIN_PASSWORD, login } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { parsePdf } from '../support/pdf';

/**
 * The done-when of the compliance reports: the running service, with the example province
 * loaded, generates its scheduled monthly report by itself, in both languages and every format,
 * and serves the files. The schedule fires every 5 seconds here instead of monthly.
 */
describe('running service: scheduled monthly compliance report', () => {
  const root = join(__dirname, '..', '..');
  let dir: string;
  let db: { url: string; drop(): Promise<void> };
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netwatch-e2e-report-'));
    db = await createTestDatabase();
    writeFileSync(
      join(dir, 'schedules.yaml'),
      [
        'version: 1',
        'schedules:',
        '  - name: monthly',
        "    cron: '*/5 * * * * *'",
        '    period: previous_month',
        '    languages: [vi, en]',
        '    formats: [pdf, html, json, csv]',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates it in both languages and all formats, downloadable through the API', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NETWATCH_DATA_DIR: dir,
        NETWATCH_LOAD_EXAMPLE: 'true',
        // Every example target is documentation space, outside this scope: nothing is sent.
        NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
        NETWATCH_RESOLVER: '198.51.100.53',
        NETWATCH_REPORT_SCHEDULES: join(dir, 'schedules.yaml'),
        NETWATCH_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    type Run = {
      id: string;
      status: string;
      files: { name: string; format: string; lang: string; sha256: string }[];
    };
    let run: Run | undefined;
    let token = '';
    const fetch = (url: string) =>
      globalThis.fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const deadline = Date.now() + 90_000;
    while (!run && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`service exited:\n${output}`);
      try {
        token ||= await login(base, 'admin', E2E_ADMIN_PASSWORD);
        const list = (await (await fetch(`${base}/api/reports/runs?schedule=monthly`)).json()) as {
          items: { id: string; status: string }[];
        };
        const done = list.items.find((r) => r.status !== 'running');
        if (done) run = (await (await fetch(`${base}/api/reports/runs/${done.id}`)).json()) as Run;
      } catch {
        // not listening yet
      }
      if (!run) await new Promise((r) => setTimeout(r, 500));
    }
    if (!run) throw new Error(`no scheduled run within 90 s\n${output.slice(-3000)}`);
    expect(run.status).toBe('succeeded');
    const kinds = new Set(run.files.map((f) => `${f.format}:${f.lang}`));
    for (const k of ['pdf:vi', 'pdf:en', 'html:vi', 'html:en', 'csv:vi', 'csv:en'])
      expect(kinds).toContain(k);
    expect(run.files.some((f) => f.format === 'json')).toBe(true);

    for (const f of run.files.filter((x) => x.format !== 'csv')) {
      const res = await fetch(
        `${base}/api/reports/runs/${run.id}/files/${encodeURIComponent(f.name)}`,
      );
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex')).toBe(f.sha256);
      if (f.format === 'pdf' && f.lang === 'vi') {
        const { text } = await parsePdf(body);
        expect(text).toContain('Sở Thông tin và Truyền thông');
      }
      if (f.format === 'json') {
        const report = JSON.parse(body.toString('utf8')) as { scorecard?: unknown };
        expect(report.scorecard).toBeDefined();
      }
    }

    const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 150_000);
});
