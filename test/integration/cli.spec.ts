import { CSV_NAMES, FIXTURE_COMMUNITY } from '../fixtures/import/fixture';
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase } from '../support/database';
import { connect, rowCounts, snapshot } from './db-snapshot';

/**
 * The built CLI (`node dist/src/cli.js`, what `netwatch` runs) as a child process against a fresh
 * test database: import with and without --dry-run, repeat imports, error output, CSV export.
 */

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const FIXTURES = join(__dirname, '..', 'fixtures', 'import');
const YAML_FIXTURE = join(FIXTURES, 'small-province.yaml');
const COMMUNITY = FIXTURE_COMMUNITY;

/** Newest modification time of the sources the build compiles (specs excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Builds dist/ (npm run build) unless dist/src/cli.js is newer than every source file. */
async function ensureBuilt(): Promise<void> {
  const sources = Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'migrations')));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]{}\\/]/g, '\\$&');
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Each test runs the built CLI as several child processes (a few seconds each on a busy
// machine), so the default 30 s is too tight.
jest.setTimeout(90_000);

describe('netwatch CLI (built, as a child process)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Client;
  let work: string;

  /** Runs `node dist/src/cli.js ...args` in a scratch folder with DATABASE_URL set. */
  function cli(...args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: work,
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          NETWATCH_DATA_DIR: join(work, 'data'),
          NETWATCH_LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** A CLI run that must exit 0; a failure shows its output. */
  async function cliOk(...args: string[]): Promise<CliResult> {
    const result = await cli(...args);
    expect({ args, ...result }).toMatchObject({ code: 0 });
    return result;
  }

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    db = await connect(database.url);
    work = mkdtempSync(join(tmpdir(), 'netwatch-cli-'));
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('--help lists the commands', async () => {
    const top = await cliOk('--help');
    expect(top.stdout).toMatch(/^\s+inventory\b/m);
    expect(top.stdout).toMatch(/^\s+migrate\b/m);
    const inventory = await cliOk('inventory', '--help');
    expect(inventory.stdout).toMatch(/^\s+import \[options\] <files\.\.\.>/m);
    expect(inventory.stdout).toMatch(/^\s+export \[options\]/m);
    const importHelp = await cliOk('inventory', 'import', '--help');
    expect(importHelp.stdout).toContain('--dry-run');
    expect(importHelp.stdout).toContain('--json');
  });

  it('inventory import --dry-run prints a summary and writes nothing', async () => {
    const before = await snapshot(db);
    const { stdout } = await cliOk('inventory', 'import', '--dry-run', YAML_FIXTURE);
    expect(stdout).toMatch(/^DRY RUN: nothing was written\.$/m);
    expect(stdout).toMatch(/^24 records read in \d+ ms$/m);
    expect(stdout).toMatch(/^type\s+created\s+updated\s+unchanged$/m);
    expect(stdout).toMatch(/^unit\s+4\s+0\s+0$/m);
    expect(stdout).toMatch(/^ipAddress\s+4\s+0\s+0$/m);
    expect(stdout).toMatch(/^contactRole\s+4\s+0\s+0$/m);
    expect(stdout).toContain('Changes that would be made:');
    expect(stdout).toMatch(/^ {2}\+ unit X-DALAT-P2 {2}\[.*small-province\.yaml:\d+\]$/m);
    expect(stdout).not.toContain(COMMUNITY);
    expect(await snapshot(db)).toEqual(before);
    expect((await rowCounts(db)).units).toBe(0);
  });

  it('inventory import writes; the same import again prints "Nothing to change"', async () => {
    const first = await cliOk('inventory', 'import', YAML_FIXTURE);
    expect(first.stdout).not.toContain('DRY RUN');
    expect(first.stdout).toMatch(/^unit\s+4\s+0\s+0$/m);
    expect(first.stdout).toContain('Changes that were made:');
    expect(first.stdout).not.toContain('Nothing to change');
    expect(await rowCounts(db)).toMatchObject({
      units: 4,
      devices: 1,
      interfaces: 2,
      ip_addresses: 4,
      contact_roles: 4,
      change_log: 24,
    });
    const { rows } = await db.query<{ source: string; actor: string }>(
      'SELECT DISTINCT source, actor FROM change_log',
    );
    expect(rows).toEqual([{ source: 'import', actor: expect.stringMatching(/^cli:/) }]);

    const before = await snapshot(db);
    const second = await cliOk('inventory', 'import', YAML_FIXTURE);
    expect(second.stdout).toContain('Nothing to change');
    expect(second.stdout).toMatch(/^unit\s+0\s+0\s+4$/m);
    expect(second.stdout).not.toContain('Changes that were made');
    expect(await snapshot(db)).toEqual(before);
  });

  it('inventory import --json prints the report as JSON', async () => {
    const { stdout } = await cliOk('inventory', 'import', '--json', '--dry-run', YAML_FIXTURE);
    const report = JSON.parse(stdout) as {
      dryRun: boolean;
      records: number;
      changes: unknown[];
      summary: Record<string, { created: number; updated: number; unchanged: number }>;
    };
    expect(report).toMatchObject({ dryRun: true, records: 24, changes: [] });
    expect(report.summary.device).toEqual({ created: 0, updated: 0, unchanged: 1 });
  });

  it('a malformed file exits 1 with file:line: field: message lines on stderr and writes nothing', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'version: 1',
        'units:',
        '  - code: NEW-OK',
        '    kind: other',
        '    name: Đơn vị hợp lệ',
        '    colour: đỏ',
        'vlans:',
        '  - site: TTHC-TN',
        '    vid: ten',
        '    name: Mười',
        '',
      ].join('\n'),
    );
    const csvDir = join(work, 'bad-csv');
    mkdirSync(csvDir);
    writeFileSync(
      join(csvDir, 'units.csv'),
      'code,kind,name,parent\nNEW-A,other,Một,TN\nNEW-B,other,Hai,NO-SUCH-UNIT\n',
    );

    const before = await snapshot(db);
    const yaml = await cli('inventory', 'import', bad);
    expect(yaml.code).toBe(1);
    expect(yaml.stdout).toBe('');
    const lines = yaml.stderr.split('\n');
    expect(lines[0]).toMatch(/^error: import rejected, nothing was written: 2 problems/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^ {2}${escapeRegExp(bad)}:6: units\\[0\\]\\.colour: colour is not a field of unit`,
        ),
      ),
    );
    expect(lines).toContain(`  ${bad}:9: vlans[0].vid: vid must be a whole number`);

    const csv = await cli('inventory', 'import', join(csvDir, 'units.csv'));
    expect(csv.code).toBe(1);
    expect(csv.stderr.split('\n')).toContainEqual(
      expect.stringMatching(/^ {2}units\.csv:3: parent: .*NO-SUCH-UNIT/),
    );
    expect(await snapshot(db)).toEqual(before);
  });

  it('inventory export --format csv --out DIR writes the eleven CSV files, which re-import unchanged', async () => {
    const out = join(work, 'export');
    const result = await cliOk('inventory', 'export', '--format', 'csv', '--out', out);
    expect(result.stderr).toContain(out);
    expect(readdirSync(out).sort()).toEqual([...CSV_NAMES].sort());
    const units = readFileSync(join(out, 'units.csv'), 'utf8').split('\n');
    expect(units[0]).toBe('code,kind,name,name_en,parent,description');
    expect(units).toContain('X-DALAT-P1,commune,Phường 1,,H-DALAT,');
    for (const name of CSV_NAMES) {
      expect({ name, leaks: readFileSync(join(out, name), 'utf8').includes(COMMUNITY) }).toEqual({
        name,
        leaks: false,
      });
    }

    const before = await snapshot(db);
    const again = await cliOk('inventory', 'import', ...CSV_NAMES.map((n) => join(out, n)));
    expect(again.stdout).toContain('Nothing to change');
    expect(await snapshot(db)).toEqual(before);
  });

  it('inventory export writes YAML to standard output by default', async () => {
    const { stdout } = await cliOk('inventory', 'export');
    expect(stdout).toMatch(/^version: 1$/m);
    expect(stdout).toContain('- code: X-DALAT-P2');
    expect(stdout).toMatch(/snmp:\s+version: v2c/);
    expect(stdout).not.toContain(COMMUNITY);
  });
});
