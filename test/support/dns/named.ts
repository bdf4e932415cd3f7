/**
 * Runs BIND's `named` (interop tier) as one authoritative, loopback-only server for a folder of
 * zone files, like the fixture hierarchy's `named.conf.template` describes.
 *
 * The zone files are copied into a fresh temporary folder that is also named's working
 * directory, so named never writes next to the fixtures; `stop()` kills it by PID and removes
 * the folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { projectRoot } from '../../../src/common/project-root';
import { originOfFile } from './zones';

export const NAMED_TEMPLATE = 'test/fixtures/dns/named.conf.template';

export interface StartNamedOptions {
  /** Folder of `<zone>.zone` files (`root.zone` for the root), relative to the project root. */
  zoneDir: string;
  /** Default: a free high port (the same for UDP and TCP, 127.0.0.1 and ::1). */
  port?: number;
  /** A named.conf template with `@PORT@` and `@ZONEDIR@`; default: the fixture template if it
   * exists and `zoneDir` is the fixture folder, else a configuration built from the files. */
  template?: string;
  /** How long to wait for named to answer; default 20 s. */
  timeoutMs?: number;
}

export interface RunningNamed {
  port: number;
  pid: number;
  /** What named printed (it runs with -g: log to stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** The `named` binary, or undefined when BIND is not installed. */
export function findNamed(): string | undefined {
  for (const candidate of ['/usr/sbin/named', '/usr/local/sbin/named', '/usr/bin/named']) {
    if (existsSync(candidate)) return candidate;
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v named'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

/** A port free for UDP and TCP on 127.0.0.1, 127.0.0.2 and ::1 at the time of asking. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (await portFree(port)) return port;
  }
  throw new Error('no free port found');
}

async function portFree(port: number): Promise<boolean> {
  const checks: Promise<boolean>[] = [];
  for (const address of ['127.0.0.1', '127.0.0.2', '::1']) {
    checks.push(
      new Promise((resolve) => {
        const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
        socket.once('error', () => {
          socket.close();
          resolve(false);
        });
        socket.bind({ address, port, exclusive: true }, () => socket.close(() => resolve(true)));
      }),
      new Promise((resolve) => {
        const server = net.createServer();
        server.once('error', () => resolve(false));
        server.listen({ host: address, port, exclusive: true }, () =>
          server.close(() => resolve(true)),
        );
      }),
    );
  }
  return (await Promise.all(checks)).every(Boolean);
}

function buildConfig(zoneFiles: string[]): string {
  const zones = zoneFiles.map((file) => {
    const origin = originOfFile(file);
    const name = origin === '.' ? '.' : `${origin}.`;
    return `zone "${name}" {\n\ttype primary;\n\tfile "@ZONEDIR@/${file}";\n};\n`;
  });
  return `options {
\tdirectory "@ZONEDIR@";
\tpid-file none;
\tsession-keyfile none;
\tlisten-on port @PORT@ { 127.0.0.1; 127.0.0.2; };
\tlisten-on-v6 port @PORT@ { ::1; };
\trecursion no;
\tdnssec-validation no;
\tnotify no;
\tallow-transfer { none; };
};

controls {};

${zones.join('\n')}`;
}

/** Starts named and resolves once it answers a SOA query over UDP. */
export async function startNamed(options: StartNamedOptions): Promise<RunningNamed> {
  const named = findNamed();
  if (!named) throw new Error('BIND named is not installed');
  const root = projectRoot();
  const zoneDir = isAbsolute(options.zoneDir) ? options.zoneDir : join(root, options.zoneDir);
  const zoneFiles = readdirSync(zoneDir)
    .filter((file) => file.endsWith('.zone'))
    .sort();
  if (zoneFiles.length === 0) throw new Error(`no *.zone files in ${zoneDir}`);

  const work = mkdtempSync(join(tmpdir(), 'netwatch-named-'));
  for (const file of zoneFiles) copyFileSync(join(zoneDir, file), join(work, file));

  let template = options.template;
  if (template === undefined) {
    const fixtureTemplate = join(root, NAMED_TEMPLATE);
    const isFixtureDir = zoneDir === join(root, 'test/fixtures/dns/zones');
    template =
      isFixtureDir && existsSync(fixtureTemplate)
        ? readFileSync(fixtureTemplate, 'utf8')
        : buildConfig(zoneFiles);
  }
  const port = options.port ?? (await freePort());
  const config = template.replaceAll('@PORT@', String(port)).replaceAll('@ZONEDIR@', work);
  const configFile = join(work, 'named.conf');
  writeFileSync(configFile, config);

  let output = '';
  const child: ChildProcess = spawn(named, ['-g', '-c', configFile], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async (): Promise<void> => {
    if (running && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (running && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(work, { recursive: true, force: true });
  };

  const firstZone = originOfFile(zoneFiles[0]);
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  try {
    for (;;) {
      if (!running) throw new Error(`named exited:\n${output}`);
      if (await answersSoa(port, firstZone)) break;
      if (Date.now() > deadline)
        throw new Error(`named did not answer on port ${port}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  if (child.pid === undefined) throw new Error('named has no PID');
  return { port, pid: child.pid, log: () => output, stop };
}

function answersSoa(port: number, zone: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const id = Math.floor(Math.random() * 0xffff);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    socket.on('error', () => done(false));
    socket.on('message', (message) => {
      try {
        const response = dnsPacket.decode(message);
        done(
          response.id === id &&
            ((response.flags ?? 0) & 0xf) === 0 &&
            (response.answers?.length ?? 0) > 0,
        );
      } catch {
        done(false);
      }
    });
    socket.send(
      dnsPacket.encode({ type: 'query', id, questions: [{ name: zone, type: 'SOA' }] }),
      port,
      '127.0.0.1',
    );
  });
}
