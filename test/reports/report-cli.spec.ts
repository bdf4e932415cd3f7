import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netwatch } from '../support/cli';
import { createTestDatabase } from '../support/database';
import { parsePdf } from '../support/pdf';

// Each test runs the built CLI as several child processes (a few seconds each on a busy
// machine), so the default 30 s is too tight.
jest.setTimeout(90_000);

/** `netwatch report compliance` against a real database (the example province loaded once). */
describe('netwatch report compliance', () => {
  let db: { url: string; drop(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  const out = mkdtempSync(join(tmpdir(), 'netwatch-report-cli-'));
  const period = ['--from', '2026-09-30T17:00:00Z', '--to', '2026-10-31T17:00:00Z'];

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, NETWATCH_LOG_LEVEL: 'error' };
    const imported = await netwatch(
      ['inventory', 'import', 'config/inventory/lamdong.example.yaml'],
      env,
    );
    expect(imported.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('writes the JSON to standard output', async () => {
    const run = await netwatch(
      ['report', 'compliance', ...period, '--format', 'json', '--out', '-'],
      env,
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { period: { from: string; to: string } };
    expect(report.period).toMatchObject({
      from: '2026-09-30T17:00:00.000Z',
      to: '2026-10-31T17:00:00.000Z',
    });
  });

  it('writes a Vietnamese PDF of one unit subtree, and English CSVs into a folder', async () => {
    const pdf = join(out, 'q.pdf');
    const run = await netwatch(
      ['report', 'compliance', ...period, '--unit', 'STTTT', '--out', pdf],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sha256');
    const { text } = await parsePdf(readFileSync(pdf));
    expect(text).toContain('Sở Thông tin và Truyền thông');

    const csvDir = join(out, 'csv');
    const csv = await netwatch(
      ['report', 'compliance', ...period, '--lang', 'en', '--format', 'csv', '--out', csvDir],
      env,
    );
    expect(csv.code).toBe(0);
    const files = readdirSync(csvDir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.every((f) => f.endsWith('-en.csv'))).toBe(true);
  }, 60_000);

  it('refuses bad options with exit code 2, naming the option, and writes nothing', async () => {
    const half = await netwatch(['report', 'compliance', '--from', '2026-10-01T00:00:00Z'], env);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--from and --to go together');
    const minute = await netwatch(
      ['report', 'compliance', '--from', '2026-10-01T00:30:00Z', '--to', '2026-11-01T00:00:00Z'],
      env,
    );
    expect(minute.code).toBe(2);
    expect(minute.stderr).toContain('--from');
    const unit = await netwatch(
      ['report', 'compliance', ...period, '--unit', 'NOPE', '--out', join(out, 'x.pdf')],
      env,
    );
    expect(unit.code).toBe(1);
    expect(unit.stderr).toContain('unit: unit NOPE not found');
    expect(existsSync(join(out, 'x.pdf'))).toBe(false);
    const format = await netwatch(['report', 'compliance', '--format', 'docx'], env);
    expect(format.code).toBe(2);
  });
});
