#!/usr/bin/env node
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import { runDnsCheck, UsageError } from './check/dns-check';
import {
  readinessExitCode,
  ReadinessOptions,
  runMailCheck,
  runWebCheck,
} from './check/readiness-check';
import {
  formatMailScorecard,
  formatSnmpScorecard,
  formatWebScorecard,
} from './check/readiness-scorecard';
import { runSnmpCheck } from './check/snmp-check';
import { COLOUR, formatScorecard, PLAIN } from './check/dns-scorecard';
import { DataSource } from 'typeorm';
import { DomainError } from './common/errors';
import { SecretBox } from './common/secret-box';
import { rotateSecrets } from './common/secret-rotation';
import { runWithActor } from './common/request-context';
import { ConfigError, loadConfig } from './config/config.loader';
import { InventoryExporter } from './inventory/import/exporter';
import { ImportReport, InventoryImporter, readImportFiles } from './inventory/import/importer';
import { lastLocalMonth, Period, periodProblems } from './reports/compliance/period';
import { periodLabel, ReportRunner } from './reports/runs/report-runner';
import { ReportFormat, ReportLang } from './reports/runs/schedules';
import { logLevels, RunningService, startService } from './service';
import { runWorker, WorkerUsageError } from './scaleout/worker-main';

/** Starts what a one-shot command needs (database, migrations; no HTTP) and always stops it. */
async function withService<T>(fn: (service: RunningService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const level = config.log.level === 'log' ? 'warn' : config.log.level;
  Logger.overrideLogger(logLevels(level));
  const service = await startService(
    { ...config, log: { level } },
    { listen: false, loadExample: false },
  );
  try {
    return await fn(service);
  } finally {
    await service.stop();
  }
}

function printReport(report: ImportReport): void {
  const verb = report.dryRun ? 'would be' : 'were';
  const rows = Object.entries(report.summary).filter(
    ([, s]) => s.created + s.updated + s.unchanged > 0,
  );
  process.stdout.write(
    `${report.dryRun ? 'DRY RUN: nothing was written.\n' : ''}${report.records} records read in ${report.durationMs} ms\n\n`,
  );
  process.stdout.write(
    `${'type'.padEnd(14)}${'created'.padStart(9)}${'updated'.padStart(9)}${'unchanged'.padStart(11)}\n`,
  );
  for (const [type, s] of rows) {
    process.stdout.write(
      `${type.padEnd(14)}${String(s.created).padStart(9)}${String(s.updated).padStart(9)}${String(s.unchanged).padStart(11)}\n`,
    );
  }
  if (report.changes.length) {
    process.stdout.write(`\nChanges that ${verb} made:\n`);
    for (const c of report.changes) {
      const fields = c.fields ? ` (${c.fields.join(', ')})` : '';
      process.stdout.write(
        `  ${c.action === 'create' ? '+' : '~'} ${c.type} ${c.key}${fields}  [${c.file}:${c.line}]\n`,
      );
    }
  } else {
    process.stdout.write('\nNothing to change: the inventory already matches.\n');
  }
}

function fail(err: unknown): never {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof DomainError) {
    process.stderr.write(`error: ${err.message}\n`);
    for (const d of err.details) {
      const where = [d.file, d.line].filter((x) => x !== undefined).join(':');
      process.stderr.write(`  ${where ? `${where}: ` : ''}${d.field}: ${d.message}\n`);
    }
    process.exit(1);
  }
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}

const program = new Command('netwatch')
  .description('NetWatch: network inventory and IPv6/DNSSEC compliance monitor (one-shot commands)')
  .showHelpAfterError()
  // Usage errors (unknown option, missing argument) exit with 2, help with 0; set before the
  // subcommands are added so they inherit it.
  .exitOverride()
  .addHelpText(
    'after',
    '\nThe database is DATABASE_URL if set, else the embedded PostgreSQL under NETWATCH_DATA_DIR (./data);\n' +
      "a running service's embedded database is shared, not started twice.",
  );

const inventory = program.command('inventory').description('import and export the inventory');

inventory
  .command('import')
  .description(
    'import YAML or CSV files (all-or-nothing; re-importing the same files changes nothing)',
  )
  .argument(
    '<files...>',
    'inventory.yaml, or CSV files named units.csv, sites.csv, devices.csv, ...',
  )
  .option('--dry-run', 'show what would change without writing anything')
  .option('--json', 'print the report as JSON')
  .action(async (files: string[], opts: { dryRun?: boolean; json?: boolean }) => {
    try {
      const input = files.map((f) => ({ name: f, content: readFileSync(resolve(f)) }));
      // Refuse a malformed file before connecting to (or starting) a database.
      const records = readImportFiles(input, loadConfig().inventory.importMaxBytes);
      const report = await withService(async (service) => {
        const importer = service.app.get(InventoryImporter);
        const bar =
          process.stderr.isTTY && !opts.json
            ? new SingleBar({
                stream: process.stderr,
                format: 'importing [{bar}] {value}/{total} records',
              })
            : undefined;
        try {
          return await runWithActor(
            { actor: `cli:${userInfo().username}`, requestId: null, source: 'import' },
            () =>
              importer.importRecords(records, {
                dryRun: opts.dryRun,
                onProgress: (done, total) => {
                  if (!bar) return;
                  if (done === 1) bar.start(total, 0);
                  bar.update(done);
                },
              }),
          );
        } finally {
          bar?.stop();
        }
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(report);
    } catch (err) {
      fail(err);
    }
  });

inventory
  .command('export')
  .description('export the inventory (SNMP credentials are never exported)')
  .addOption(
    new Option('--format <format>', 'output format').choices(['yaml', 'csv']).default('yaml'),
  )
  .option(
    '--out <path>',
    'YAML: output file (default: standard output); CSV: output folder (default: ./inventory-export)',
  )
  .action(async (opts: { format: 'yaml' | 'csv'; out?: string }) => {
    try {
      await withService(async (service) => {
        const exporter = service.app.get(InventoryExporter);
        if (opts.format === 'yaml') {
          const yaml = await exporter.yaml();
          if (opts.out) writeFileSync(opts.out, yaml);
          else process.stdout.write(yaml);
          return;
        }
        const dir = resolve(opts.out ?? 'inventory-export');
        mkdirSync(dir, { recursive: true });
        for (const file of await exporter.csv()) writeFileSync(join(dir, file.name), file.content);
        process.stderr.write(`CSV files written to ${dir}\n`);
      });
    } catch (err) {
      fail(err);
    }
  });

const check = program
  .command('check')
  .description('one-shot checks printed as a scorecard (no database needed)');

check
  .command('dns')
  .description(
    'DNS and DNSSEC scorecard of a name: chain of trust, signature expiry, name servers over IPv4/IPv6',
  )
  .argument('<name>', 'domain name, e.g. www.lamdong.gov.vn')
  .option('--type <type>', 'record type to ask for (A, AAAA, MX, TXT, ...)', 'A')
  .option(
    '--server <host:port>',
    'send every query to this server (IP literal; [IPv6]:PORT); default: the system resolver',
  )
  .option(
    '--trust-anchor <file>',
    'DS or DNSKEY records in zone-file format (default: config/dnssec/root-anchors.txt)',
  )
  .option('--now <iso-8601>', 'judge signature validity at this time instead of now')
  .option('--ns-port <port>', 'DNS port of the name servers (default: the --server port, else 53)')
  .option('--expiry-days <days>', 'warn about signatures expiring within this many days', '14')
  .option('--timeout <ms>', 'per-query timeout in milliseconds', '3000')
  .option('--json', 'print one JSON object instead of the scorecard')
  .addHelpText(
    'after',
    '\nExit code: 0 when the answer is secure or insecure, 1 when bogus or indeterminate, 2 for usage errors.\n' +
      'NETWATCH_PROBE_SCOPE (CIDRs) limits where queries may be sent.',
  )
  .action(
    async (
      name: string,
      opts: {
        type: string;
        server?: string;
        trustAnchor?: string;
        now?: string;
        nsPort?: string;
        expiryDays: string;
        timeout: string;
        json?: boolean;
      },
    ) => {
      const int = (text: string | undefined, flag: string, min: number, max: number) => {
        if (text === undefined) return undefined;
        const n = Number(text);
        if (!Number.isInteger(n) || n < min || n > max)
          throw new UsageError(
            `${flag} must be a whole number from ${min} to ${max}, got "${text}"`,
          );
        return n;
      };
      try {
        const report = await runDnsCheck(name, {
          type: opts.type,
          server: opts.server,
          trustAnchor: opts.trustAnchor,
          now: opts.now,
          nsPort: int(opts.nsPort, '--ns-port', 1, 65535),
          expiryDays: int(opts.expiryDays, '--expiry-days', 0, 3650),
          timeoutMs: int(opts.timeout, '--timeout', 1, 60000),
          scope: process.env.NETWATCH_PROBE_SCOPE,
        });
        const colour = process.stdout.isTTY && !process.env.NO_COLOR;
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : formatScorecard(report, colour ? COLOUR : PLAIN),
        );
        process.exitCode =
          report.dnssec.status === 'secure' || report.dnssec.status === 'insecure' ? 0 : 1;
      } catch (err) {
        if (err instanceof UsageError) {
          process.stderr.write(`error: ${err.message}\n`);
          process.exit(2);
        }
        fail(err);
      }
    },
  );

interface ReadinessFlags {
  server?: string;
  trustAnchor?: string;
  ipv6Anchor?: string;
  timeout: string;
  ca?: string;
  json?: boolean;
}

/** Options every web/mail/domain check shares with `check dns`. */
function readinessOptions(cmd: Command): Command {
  return cmd
    .option(
      '--server <host:port>',
      'send every DNS query to this server (IP literal); default: the system resolver',
    )
    .option(
      '--trust-anchor <file>',
      'DS/DNSKEY trust anchors for the DNSSEC part (default: config/dnssec/root-anchors.txt)',
    )
    .option(
      '--ipv6-anchor <[v6]:port>',
      `where this host proves its own IPv6 first (default: NETWATCH_IPV6_ANCHOR or ${'[2001:4860:4860::8888]:53'})`,
    )
    .option('--timeout <ms>', 'per connection / request / query, in milliseconds', '10000')
    .option('--ca <file>', 'PEM bundle to trust for HTTPS instead of the system store')
    .option('--json', 'print one JSON object instead of the scorecard');
}

function readinessFrom(flags: ReadinessFlags): ReadinessOptions {
  const timeoutMs = Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120000)
    throw new UsageError(`--timeout must be 1-120000, got "${flags.timeout}"`);
  return {
    server: flags.server,
    scope: process.env.NETWATCH_PROBE_SCOPE,
    ipv6Anchor: flags.ipv6Anchor,
    timeoutMs,
    ca: flags.ca,
  };
}

function portOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(`${flag} must be 1-65535, got "${text}"`);
  return n;
}

/** Runs a check action: usage errors exit 2, anything else unexpected exits 1 with a message. */
function checkAction<A extends unknown[]>(fn: (...args: A) => Promise<number>) {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      fail(err);
    }
  };
}

const colourStyle = () => (process.stdout.isTTY && !process.env.NO_COLOR ? COLOUR : PLAIN);

readinessOptions(
  check
    .command('web')
    .description(
      'IPv6 readiness of a web host: AAAA, reach on every address (80/443), same content as IPv4',
    )
    .argument('<host>', 'web host name, e.g. www.lamdong.gov.vn')
    .option('--port <port>', 'HTTP port', '80')
    .option('--https-port <port>', 'HTTPS port', '443'),
).action(
  checkAction(async (host: string, flags: ReadinessFlags & { port: string; httpsPort: string }) => {
    const report = await runWebCheck(host, {
      ...readinessFrom(flags),
      port: portOption(flags.port, '--port'),
      httpsPort: portOption(flags.httpsPort, '--https-port'),
    });
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatWebScorecard(report, colourStyle()),
    );
    return readinessExitCode(report);
  }),
);

readinessOptions(
  check
    .command('mail')
    .description(
      'IPv6 readiness of a mail domain: every MX has AAAA and greets with 220 over IPv6 on every address',
    )
    .argument('<domain>', 'mail domain, e.g. lamdong.gov.vn')
    .option('--smtp-port <port>', 'SMTP port', '25'),
).action(
  checkAction(async (domain: string, flags: ReadinessFlags & { smtpPort: string }) => {
    const report = await runMailCheck(domain, {
      ...readinessFrom(flags),
      smtpPort: portOption(flags.smtpPort, '--smtp-port'),
    });
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatMailScorecard(report, colourStyle()),
    );
    return readinessExitCode(report);
  }),
);

readinessOptions(
  check
    .command('domain', { isDefault: true })
    .description(
      'internet.nl-style scorecard of one domain: DNS + DNSSEC, web and mail (also: netwatch check DOMAIN)',
    )
    .argument('<domain>', 'domain, e.g. lamdong.gov.vn')
    .option('--port <port>', 'HTTP port', '80')
    .option('--https-port <port>', 'HTTPS port', '443')
    .option('--smtp-port <port>', 'SMTP port', '25')
    .option('--now <iso-8601>', 'judge DNSSEC signature validity at this time'),
).action(
  checkAction(
    async (
      domain: string,
      flags: ReadinessFlags & { port: string; httpsPort: string; smtpPort: string; now?: string },
    ) => {
      const options = readinessFrom(flags);
      const [dns, web, mail] = await Promise.all([
        runDnsCheck(domain, {
          type: 'SOA',
          server: flags.server,
          trustAnchor: flags.trustAnchor,
          now: flags.now,
          timeoutMs: Math.min(options.timeoutMs ?? 5000, 60000),
          scope: options.scope,
        }),
        runWebCheck(domain, {
          ...options,
          port: portOption(flags.port, '--port'),
          httpsPort: portOption(flags.httpsPort, '--https-port'),
        }),
        runMailCheck(domain, { ...options, smtpPort: portOption(flags.smtpPort, '--smtp-port') }),
      ]);
      const style = colourStyle();
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ domain: dns.name, dns, web, mail }, null, 2)}\n`
          : `${formatScorecard(dns, style)}\n${formatWebScorecard(web, style)}\n${formatMailScorecard(mail, style)}`,
      );
      const dnsBad = dns.dnssec.status === 'bogus' || dns.dnssec.status === 'indeterminate';
      return dnsBad ? 1 : readinessExitCode(web, mail);
    },
  ),
);

const collect = (value: string, previous: string[] = []) => [...previous, value];

check
  .command('snmp')
  .description('SNMP status of a device: uptime and reboots, interfaces, traffic and utilisation')
  .argument('<host>', 'the device management address, or a name resolved through --server')
  .option('--port <port>', 'SNMP port', '161')
  .option(
    '--server <host:port>',
    'DNS server for a host given by name (IP literal); default: the system resolver',
  )
  .option(
    '--trust-anchor <file>',
    'accepted as by every check command (SNMP itself does no DNSSEC)',
  )
  .option('--family <4|6>', 'address family when HOST is a name', '4')
  .option(
    '--community <community>',
    'v2c community (or NETWATCH_SNMP_COMMUNITY, which keeps it out of the process list)',
  )
  .option('--user <name>', 'SNMPv3 user (authPriv)')
  .option('--auth-protocol <p>', 'v3 auth: md5, sha, sha224, sha256, sha384, sha512', 'sha256')
  .option('--auth-key <key>', 'v3 auth key (or NETWATCH_SNMP_AUTH_KEY)')
  .option('--priv-protocol <p>', 'v3 privacy: des, aes, aes256b, aes256r', 'aes')
  .option('--priv-key <key>', 'v3 privacy key (or NETWATCH_SNMP_PRIV_KEY)')
  .option('--timeout <ms>', 'per attempt', '2000')
  .option('--retries <n>', 'resends after the first attempt', '1')
  .option('--sample-seconds <n>', 'poll twice, N seconds apart, to show traffic rates')
  .option(
    '--watch <interface>',
    'an interface whose state decides the status (repeatable)',
    collect,
  )
  .option(
    '--rate <interface=kbps>',
    'contracted rate of the circuit on an interface (repeatable)',
    collect,
  )
  .option('--json', 'print one JSON object instead of the scorecard')
  .action(
    checkAction(
      async (
        host: string,
        f: {
          port: string;
          server?: string;
          family: string;
          community?: string;
          user?: string;
          authProtocol: string;
          authKey?: string;
          privProtocol: string;
          privKey?: string;
          timeout: string;
          retries: string;
          sampleSeconds?: string;
          watch?: string[];
          rate?: string[];
          json?: boolean;
        },
      ) => {
        const int = (text: string | undefined, flag: string, min: number, max: number) => {
          if (text === undefined) return undefined;
          const n = Number(text);
          if (!Number.isInteger(n) || n < min || n > max)
            throw new UsageError(`${flag} must be ${min}-${max}, got "${text}"`);
          return n;
        };
        if (f.family !== '4' && f.family !== '6')
          throw new UsageError(`--family must be 4 or 6, got "${f.family}"`);
        const report = await runSnmpCheck(host, {
          server: f.server,
          family: f.family === '6' ? 6 : 4,
          port: int(f.port, '--port', 1, 65535),
          community: f.community ?? process.env.NETWATCH_SNMP_COMMUNITY,
          user: f.user,
          authProtocol: f.authProtocol,
          authKey: f.authKey ?? process.env.NETWATCH_SNMP_AUTH_KEY,
          privProtocol: f.privProtocol,
          privKey: f.privKey ?? process.env.NETWATCH_SNMP_PRIV_KEY,
          timeoutMs: int(f.timeout, '--timeout', 1, 60000),
          retries: int(f.retries, '--retries', 0, 10),
          sampleSeconds: int(f.sampleSeconds, '--sample-seconds', 1, 300),
          watch: f.watch,
          rates: f.rate,
          scope: process.env.NETWATCH_PROBE_SCOPE,
        });
        process.stdout.write(
          f.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : formatSnmpScorecard(report, colourStyle()),
        );
        return report.status === 'down' ? 1 : 0;
      },
    ),
  );

program
  .command('worker')
  .description(
    'run a probe worker (scale-out, queue mode): checks from the queue of one location, results back in batches; needs Redis, not PostgreSQL',
  )
  .requiredOption('--location <name>', 'the vantage point this worker probes from, e.g. hanoi-vnpt')
  .option('--concurrency <n>', 'checks run at once (default: scaleout.workerConcurrency)')
  .addHelpText(
    'after',
    '\nRedis: NETWATCH_REDIS_URL (scaleout.redisUrl); where probes may go: NETWATCH_PROBE_SCOPE.\n' +
      'SNMP secrets arrive sealed: set the same NETWATCH_SECRET_KEY as the scheduler. SIGTERM stops cleanly.',
  )
  .action(async (opts: { location: string; concurrency?: string }) => {
    try {
      const config = loadConfig();
      Logger.overrideLogger(logLevels(config.log.level));
      const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
      await runWorker(config, { location: opts.location, concurrency });
    } catch (err) {
      if (err instanceof WorkerUsageError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      fail(err);
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    try {
      await withService(async () => undefined);
      process.stdout.write('database schema is up to date\n');
    } catch (err) {
      fail(err);
    }
  });

program
  .command('secrets')
  .description('manage the key that encrypts stored secrets')
  .command('rotate')
  .description(
    'seal every stored secret (SNMP credentials, channel secrets) with secrets.key, opening old ones with secrets.previousKeys',
  )
  .addHelpText(
    'after',
    '\nRotation: generate a key (openssl rand -base64 32), start with NETWATCH_SECRET_KEY=<new>\n' +
      'NETWATCH_SECRET_PREVIOUS_KEYS=<old>, run `netwatch secrets rotate`, then drop the old key.',
  )
  .action(async () => {
    try {
      const result = await withService((service) =>
        rotateSecrets(service.app.get(DataSource), service.app.get(SecretBox)),
      );
      for (const [table, n] of Object.entries(result.resealed))
        process.stdout.write(`${table}: ${n} secret(s) sealed with the current key\n`);
      process.stdout.write(`${result.alreadyCurrent} already sealed with the current key\n`);
    } catch (err) {
      fail(err);
    }
  });

const report = program.command('report').description('generate reports');

report
  .command('compliance')
  .description(
    'the compliance report (IPv6, DNSSEC, availability/SLA, incidents, scorecard) for a period, from the rollups',
  )
  .option('--from <time>', 'start (ISO 8601, a whole hour); default: the last calendar month')
  .option('--to <time>', 'end, exclusive (ISO 8601, a whole hour)')
  .option('--unit <code>', 'a unit code: that unit and the units below it (default: the province)')
  .addOption(new Option('--lang <lang>', 'language').choices(['vi', 'en']).default('vi'))
  .addOption(
    new Option('--format <format>', 'output format')
      .choices(['pdf', 'csv', 'html', 'json'])
      .default('pdf'),
  )
  .option(
    '--out <path>',
    'file to write (csv: a folder, one file per section); default: a name with the period in the current folder; "-" writes JSON or HTML to standard output',
  )
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  netwatch report compliance                      last month, Vietnamese PDF\n' +
      '  netwatch report compliance --from 2026-01-01T00:00:00+07:00 --to 2026-04-01T00:00:00+07:00 \\\n' +
      '      --unit STTTT --lang en --format html --out q1.html',
  )
  .action(
    async (opts: {
      from?: string;
      to?: string;
      unit?: string;
      lang: ReportLang;
      format: ReportFormat;
      out?: string;
    }) => {
      try {
        if ((opts.from === undefined) !== (opts.to === undefined))
          throw new UsageError('--from and --to go together');
        const period: Period =
          opts.from && opts.to
            ? { from: new Date(opts.from), to: new Date(opts.to) }
            : lastLocalMonth(new Date());
        const problems = periodProblems(period);
        if (problems.length)
          throw new UsageError(problems.map((p) => `--${p.field}: ${p.message}`).join('; '));
        if (opts.out === '-' && (opts.format === 'pdf' || opts.format === 'csv'))
          throw new UsageError('--out - is for json and html only');
        const files = await withService(async (service) => {
          const runner = service.app.get(ReportRunner);
          const unitId = opts.unit ? await runner.resolveUnit(opts.unit) : null;
          const bar = process.stderr.isTTY
            ? new SingleBar({ stream: process.stderr, format: '{step} [{bar}] {value}/{total}' })
            : undefined;
          try {
            return await runner.files(
              { period, languages: [opts.lang], formats: [opts.format] },
              unitId,
              (step, done, total) => {
                if (!bar) return;
                if (done === 0) bar.start(total, 0, { step });
                bar.update(done, { step });
              },
            );
          } finally {
            bar?.stop();
          }
        });
        if (opts.out === '-') {
          process.stdout.write(files[0].content);
          return;
        }
        if (opts.format === 'csv') {
          const dir = resolve(opts.out ?? `compliance-${periodLabel(period)}-${opts.lang}`);
          mkdirSync(dir, { recursive: true });
          for (const f of files) writeFileSync(join(dir, f.name), f.content);
          process.stdout.write(`${files.length} CSV files written to ${dir}\n`);
          return;
        }
        const path = resolve(opts.out ?? files[0].name);
        writeFileSync(path, files[0].content);
        process.stdout.write(`${path} (${files[0].size} bytes, sha256 ${files[0].sha256})\n`);
      } catch (err) {
        fail(err);
      }
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  fail(err);
});
