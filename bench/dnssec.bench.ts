/**
 * DNSSEC validation throughput, side by side with Unbound: N names of a signed zone served by
 * BIND named on loopback; our validator and Unbound (validating, same trust anchor, stub to the
 * same named) each resolve every name once, cold, with the same concurrency. Prints names/s and
 * the ratio. Needs the OS packages bind9, bind9-utils and unbound (the interop tier's .ci/run
 * installs them). Bounded: stops after the names are done or BENCH_SECONDS.
 *
 *   npm run bench:dnssec            # 10,000 names
 *   BENCH_NAMES=2000 npm run bench:dnssec
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrustAnchors } from '../probes/dns/dnssec/anchors';
import { DnssecValidator } from '../probes/dns/dnssec/validator';
import { ServerLookup } from '../probes/dns/lookup';
import { UdpTcpTransport } from '../probes/dns/transport';
import { freePort } from '../src/database/embedded-postgres';

const NAMES = Number(process.env.BENCH_NAMES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ALGORITHM = process.env.BENCH_ALGORITHM ?? 'ECDSAP256SHA256';
const LIMIT_MS = Number(process.env.BENCH_SECONDS ?? 300) * 1000;
const ZONE = 'bench.gov.test';

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function makeZone(dir: string): string {
  const lines = [
    `$TTL 3600`,
    `${ZONE}. IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300`,
    `${ZONE}. IN NS ns1.${ZONE}.`,
    `ns1.${ZONE}. IN A 127.0.0.1`,
  ];
  for (let i = 0; i < NAMES; i++) lines.push(`h${i}.${ZONE}. IN A 127.0.0.1`);
  writeFileSync(join(dir, 'zone.db'), `${lines.join('\n')}\n`);
  sh('dnssec-keygen', ['-q', '-a', ALGORITHM, '-f', 'KSK', '-n', 'ZONE', `${ZONE}.`], dir);
  sh('dnssec-keygen', ['-q', '-a', ALGORITHM, '-n', 'ZONE', `${ZONE}.`], dir);
  sh(
    'dnssec-signzone',
    [
      '-q',
      '-S',
      '-K',
      dir,
      '-3',
      '-',
      '-s',
      '20250101000000',
      '-e',
      '20450101000000',
      '-o',
      `${ZONE}.`,
      '-f',
      'zone.signed',
      'zone.db',
    ],
    dir,
  );
  const ksk = readdirSync(dir).find(
    (f) => f.endsWith('.key') && readFileSync(join(dir, f), 'utf8').includes('DNSKEY 257'),
  );
  if (!ksk) throw new Error('no KSK generated');
  return sh('dnssec-dsfromkey', ['-2', join(dir, ksk)], dir);
}

function daemon(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { stdio: 'ignore' });
}

async function waitFor(port: number): Promise<void> {
  const transport = new UdpTcpTransport();
  for (let i = 0; i < 100; i++) {
    const r = await transport.query({ address: '127.0.0.1', port }, `${ZONE}`, 'SOA', {
      timeoutMs: 200,
    });
    if (r.ok) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`nothing answers on 127.0.0.1:${port}`);
}

/** Runs `work(i)` for every index with at most CONCURRENCY in flight; returns seconds. */
async function pool(work: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < NAMES && performance.now() - started < LIMIT_MS) await work(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (next < NAMES) throw new Error(`time limit reached after ${next} names`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-dnssec-bench-'));
  const children: ChildProcess[] = [];
  try {
    process.stderr.write(`signing ${NAMES} names (${ALGORITHM}, NSEC3)...\n`);
    const ds = makeZone(dir);
    writeFileSync(join(dir, 'anchor.ds'), ds);
    const namedPort = await freePort();
    const unboundPort = await freePort();
    writeFileSync(
      join(dir, 'named.conf'),
      `options { directory "${dir}"; pid-file none; session-keyfile none; listen-on port ${namedPort} { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; notify no; dnssec-validation no; };\ncontrols {};\nzone "${ZONE}." { type primary; file "${join(dir, 'zone.signed')}"; };\n`,
    );
    writeFileSync(
      join(dir, 'unbound.conf'),
      [
        'server:',
        `  interface: 127.0.0.1@${unboundPort}`,
        '  do-ip6: no',
        '  username: ""',
        '  chroot: ""',
        `  directory: "${dir}"`,
        '  pidfile: ""',
        '  use-syslog: no',
        '  logfile: ""',
        '  num-threads: 1',
        '  do-not-query-localhost: no',
        '  module-config: "validator iterator"',
        `  trust-anchor-file: "${join(dir, 'anchor.ds')}"`,
        '  val-log-level: 0',
        '  root-hints: ""',
        '  access-control: 127.0.0.0/8 allow',
        // Unbound answers the reserved test. TLD itself (RFC 6761) unless told not to.
        '  local-zone: "test." nodefault',
        'stub-zone:',
        `  name: "${ZONE}."`,
        `  stub-addr: 127.0.0.1@${namedPort}`,
        '',
      ].join('\n'),
    );
    children.push(daemon('named', ['-g', '-c', join(dir, 'named.conf')]));
    await waitFor(namedPort);
    children.push(daemon('unbound', ['-d', '-c', join(dir, 'unbound.conf')]));
    await waitFor(unboundPort);

    const transport = new UdpTcpTransport();
    const anchors = parseTrustAnchors(ds, 'bench anchor');
    const validator = new DnssecValidator({
      lookup: new ServerLookup(transport, { address: '127.0.0.1', port: namedPort }),
      anchors,
    });
    let notSecure = 0;
    const ours = await pool(async (i) => {
      const r = await validator.validate(`h${i}.${ZONE}`, 'A');
      if (r.status !== 'secure') notSecure++;
    });
    let notAd = 0;
    const unbound = await pool(async (i) => {
      const r = await transport.query(
        { address: '127.0.0.1', port: unboundPort },
        `h${i}.${ZONE}`,
        'A',
        { checkingDisabled: false, timeoutMs: 5000 },
      );
      if (!r.ok || !r.message.flags.ad) notAd++;
    });
    if (notSecure || notAd)
      throw new Error(`validation failures: ours ${notSecure}, unbound without AD ${notAd}`);

    const rows = [
      ['NetWatch validator (node:crypto)', NAMES, ours],
      ['Unbound 1.17 (1 thread)', NAMES, unbound],
    ] as const;
    process.stdout.write(
      `\nDNSSEC validation, cold, ${ALGORITHM} + NSEC3, ${CONCURRENCY} in flight, served by named on loopback\n\n`,
    );
    process.stdout.write(
      '| validator                         | names  | seconds | names/s |\n|-----------------------------------|--------|---------|---------|\n',
    );
    for (const [who, n, s] of rows) {
      process.stdout.write(
        `| ${who.padEnd(33)} | ${String(n).padStart(6)} | ${s.toFixed(2).padStart(7)} | ${(n / s).toFixed(0).padStart(7)} |\n`,
      );
    }
    process.stdout.write(
      `\nratio (Unbound names/s ÷ NetWatch names/s): ${(ours / unbound).toFixed(2)}  (target ≤ 2)\n`,
    );
  } finally {
    if (!process.env.BENCH_KEEP) for (const c of children) c.kill('SIGTERM');
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
