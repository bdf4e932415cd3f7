import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { login } from '../support/auth';

/**
 * The zero-setup path a new user takes: the built service with no DATABASE_URL starts its own
 * PostgreSQL, migrates, loads the example province, serves it, and on SIGTERM stops cleanly
 * without leaving a postgres process behind.
 */
describe('npm start (built service, embedded PostgreSQL)', () => {
  const root = join(__dirname, '..', '..');
  let dataDir: string;
  let port: number;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'netwatch-start-'));
    port = await freePort();
  });

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const postmasterPid = () =>
    Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('serves /health and the example inventory, then shuts down cleanly on SIGTERM', async () => {
    // The service probes on its own: only loopback may be reached, and the resolver and every
    // example target lie outside that scope, so nothing is sent at all.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
      NETWATCH_RESOLVER: '198.51.100.53',
      NETWATCH_SYNC_SECONDS: '5',
      PORT: String(port),
      HOST: '127.0.0.1',
      NETWATCH_DATA_DIR: dataDir,
    };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const deadline = Date.now() + 90_000;
    let health: { status?: string } = {};
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        health = (await res.json()) as { status?: string };
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`service exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(health.status).toBe('ok');

    // No default credentials: the first start printed a random admin password, once.
    const printed = /created user "admin" with password (\S+)/.exec(output);
    expect(printed).not.toBeNull();
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/units`);
    expect(anonymous.status).toBe(401);
    const token = await login(`http://127.0.0.1:${port}`, 'admin', printed![1]);
    const authed = (url: string) =>
      globalThis.fetch(url, { headers: { authorization: `Bearer ${token}` } });

    const units = (await (
      await authed(`http://127.0.0.1:${port}/api/units?q=bao%20loc&kind=district`)
    ).json()) as {
      items: { code: string; name: string }[];
    };
    expect(units.items.map((u) => u.name)).toContain('Thành phố Bảo Lộc');
    const services = (await (
      await authed(`http://127.0.0.1:${port}/api/services?q=www.lamdong.gov.vn`)
    ).json()) as {
      total: number;
    };
    expect(services.total).toBeGreaterThan(0);
    const docs = await authed(`http://127.0.0.1:${port}/api/docs-json`);
    expect(docs.status).toBe(200);

    // The engine monitors the example inventory: checks derived, this instance the scheduler.
    let summary = { total: 0 };
    let metrics = '';
    for (
      let i = 0;
      i < 40 && (summary.total === 0 || !/netwatch_checks_run_total\{/.test(metrics));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 250));
      summary = (await (await authed(`http://127.0.0.1:${port}/api/status/summary`)).json()) as {
        total: number;
      };
      metrics = await (await authed(`http://127.0.0.1:${port}/metrics`)).text();
    }
    expect(summary.total).toBeGreaterThan(200);
    expect(metrics).toMatch(/netwatch_scheduler_leader 1/);

    const pgPid = postmasterPid();
    expect(alive(pgPid)).toBe(true);
    const exited = new Promise<number | null>((resolve) =>
      child?.on('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped cleanly');
    expect(alive(pgPid)).toBe(false);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 150_000);
});
