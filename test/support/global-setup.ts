import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { TEMPLATE_DB, withDatabase } from './database';

/**
 * Once per test run: dist/ built, a PostgreSQL (embedded in a fresh temporary folder, or DATABASE_URL), one
 * template database with every migration applied, and its address for the workers. Each suite
 * clones the template (CREATE DATABASE ... TEMPLATE), so migrations run once and suites stay
 * independent.
 */
export default async function globalSetup(): Promise<void> {
  // Safety net for every test and every service a test starts: probes reach loopback only.
  process.env.NETWATCH_PROBE_SCOPE ??= '127.0.0.0/8,::1/128';
  // Tests that run the real CLI or service as a child process use dist/: build it once here,
  // so those specs never build concurrently or run stale code.
  execFileSync(
    process.execPath,
    [
      join(__dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
    ],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: 'inherit',
    },
  );
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'netwatch-test-'));
    const pg = await startEmbeddedPostgres({ dataDir, port: 0 });
    (globalThis as { __NETWATCH_PG__?: { stop(): Promise<void> } }).__NETWATCH_PG__ = pg;
    serverUrl = pg.url;
  }
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const ds = new DataSource(dataSourceOptions({ url: withDatabase(serverUrl, TEMPLATE_DB) }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.NETWATCH_TEST_SERVER_URL = serverUrl;
}
