import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, SETTINGS } from './config.loader';

/** The full set of keys as a YAML document, so each test changes only what it is about. */
const VALID_YAML = `
server:
  host: 127.0.0.1
  port: 3100
  bodyLimitBytes: 1048576
dataDir: /var/lib/netwatch
database:
  url: ''
  embeddedPort: 0
  poolSize: 5
  logSql: false
secrets:
  key: ''
inventory:
  loadExampleOnEmpty: false
  exampleFile: config/inventory/example.yaml
  importMaxBytes: 2097152
log:
  level: warn
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netwatch-config-spec-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
function yamlFile(text: string): string {
  fileCount += 1;
  const file = join(dir, `config-${fileCount}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Runs `fn`, which must throw a ConfigError, and returns its problems. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect((err as ConfigError).message).toContain(problems[0]);
    return problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads config/default.yaml with its documented defaults when nothing is overridden', () => {
    const config = loadConfig({ env: {} });
    expect(config).toEqual({
      server: {
        host: '0.0.0.0',
        port: 3000,
        bodyLimitBytes: 26214400,
        corsOrigins: [],
        hstsMaxAgeSeconds: 0,
      },
      dataDir: './data',
      database: { url: '', embeddedPort: 0, poolSize: 10, logSql: false },
      secrets: { key: '', previousKeys: [] },
      inventory: {
        loadExampleOnEmpty: true,
        exampleFile: 'config/inventory/lamdong.example.yaml',
        importMaxBytes: 20971520,
      },
      log: { level: 'log' },
      monitoring: {
        enabled: true,
        probeScope: '',
        resolver: '',
        ipv6Anchor: '[2001:4860:4860::8888]:53',
        trustAnchorFile: 'config/dnssec/root-anchors.txt',
        globalConcurrency: 64,
        perHostConcurrency: 4,
        syncSeconds: 30,
        rawRetentionDays: 30,
        hourlyRetentionDays: 400,
        dailyRetentionYears: 5,
        lockGraceSeconds: 900,
        resultBuffer: { memoryRows: 100000, spoolDir: '', spoolMaxBytes: 536870912 },
      },
      scaleout: {
        mode: 'single',
        redisUrl: 'redis://127.0.0.1:6379',
        prefix: 'netwatch',
        defaultLocations: ['default'],
        resultGraceMs: 10000,
        lockMs: 30000,
        stalledMs: 30000,
        workerConcurrency: 64,
        batchMs: 200,
        batchSize: 100,
      },
      auth: { adminPassword: '', sessionHours: 12, lockoutAttempts: 5, lockoutMinutes: 15 },
      reports: { schedulesFile: 'config/report-schedules.yaml' },
      organisation: { name: '', nameEn: '', managingBody: '', managingBodyEn: '' },
      publicStatus: {
        title: '',
        titleEn: '',
        services: [
          'website:www.lamdong.gov.vn',
          'public_service:dichvucong.lamdong.gov.vn',
          'mail_domain:lamdong.gov.vn',
          'website:mail.lamdong.gov.vn',
        ],
      },
      incidents: {
        reportDueDays: 5,
        reopenWindowMinutes: 30,
        autoResolveSeverities: [3, 4],
        degradedKinds: ['dnssec', 'ipv6-web', 'ipv6-mail', 'ns-ipv6'],
      },
      notifications: {
        enabled: true,
        publicUrl: '',
        pollMs: 2000,
        backoffBaseSeconds: 10,
        backoffMaxSeconds: 900,
        maxAttempts: 50,
        stormThreshold: 5,
        stormWindowSeconds: 300,
        unacknowledgedReminderMinutes: 30,
        unacknowledgedReminderMax: 3,
        reportReminderHours: 24,
        reminderScanSeconds: 60,
        allowedTargets: [],
      },
    });
  });

  it('reads the file named by options.file or NETWATCH_CONFIG', () => {
    const file = yamlFile(VALID_YAML);
    expect(loadConfig({ file, env: {} }).server.port).toBe(3100);
    const viaEnv = loadConfig({ env: { NETWATCH_CONFIG: file } });
    expect(viaEnv.server).toEqual({
      host: '127.0.0.1',
      port: 3100,
      bodyLimitBytes: 1048576,
      corsOrigins: [],
      hstsMaxAgeSeconds: 0,
    });
    expect(viaEnv.log.level).toBe('warn');
  });

  it('lets the environment override every setting', () => {
    const key = randomBytes(32).toString('base64');
    const previous = randomBytes(32).toString('base64');
    const config = loadConfig({
      file: yamlFile(VALID_YAML),
      env: {
        HOST: '::1',
        PORT: '8080',
        NETWATCH_BODY_LIMIT_BYTES: '4096',
        NETWATCH_CORS_ORIGINS:
          'https://noc.stttt.example, http://[::1]:8080,HTTPS://Ops.Example:443',
        NETWATCH_HSTS_MAX_AGE: '31536000',
        NETWATCH_DATA_DIR: '/srv/netwatch',
        DATABASE_URL: 'postgresql://netwatch@127.0.0.1:5432/netwatch',
        NETWATCH_PG_PORT: '54329',
        NETWATCH_DB_POOL_SIZE: '20',
        NETWATCH_DB_LOG_SQL: 'true',
        NETWATCH_SECRET_KEY: key,
        NETWATCH_SECRET_PREVIOUS_KEYS: previous,
        NETWATCH_LOAD_EXAMPLE: '1',
        NETWATCH_EXAMPLE_FILE: '/srv/example.yaml',
        NETWATCH_IMPORT_MAX_BYTES: '1024',
        NETWATCH_LOG_LEVEL: 'debug',
        NETWATCH_MONITORING: 'false',
        NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
        NETWATCH_RESOLVER: '127.0.0.1:5353',
        NETWATCH_IPV6_ANCHOR: '[::1]:53',
        NETWATCH_TRUST_ANCHOR: '/srv/anchors.txt',
        NETWATCH_CONCURRENCY: '8',
        NETWATCH_PER_HOST_CONCURRENCY: '2',
        NETWATCH_SYNC_SECONDS: '5',
        NETWATCH_RAW_RETENTION_DAYS: '7',
        NETWATCH_HOURLY_RETENTION_DAYS: '60',
        NETWATCH_DAILY_RETENTION_YEARS: '2',
        NETWATCH_LOCK_GRACE_SECONDS: '0',
        NETWATCH_RESULT_MEMORY_ROWS: '500',
        NETWATCH_RESULT_SPOOL_DIR: '/srv/spool',
        NETWATCH_RESULT_SPOOL_MAX_BYTES: '1048576',
        NETWATCH_SCALEOUT_MODE: 'queue',
        NETWATCH_REDIS_URL: 'redis://:pw@10.0.0.5:6380/1',
        NETWATCH_QUEUE_PREFIX: 'nw-prod',
        NETWATCH_LOCATIONS: 'so-tttt,internet',
        NETWATCH_RESULT_GRACE_MS: '5000',
        NETWATCH_QUEUE_LOCK_MS: '20000',
        NETWATCH_QUEUE_STALLED_MS: '10000',
        NETWATCH_WORKER_CONCURRENCY: '128',
        NETWATCH_RESULT_BATCH_MS: '100',
        NETWATCH_RESULT_BATCH_SIZE: '50',
        NETWATCH_ADMIN_PASSWORD: 'a-long-admin-password',
        NETWATCH_SESSION_HOURS: '8',
        NETWATCH_LOCKOUT_ATTEMPTS: '3',
        NETWATCH_LOCKOUT_MINUTES: '30',
        NETWATCH_REPORT_SCHEDULES: '/srv/schedules.yaml',
        NETWATCH_ORG_NAME: 'Sở Khoa học và Công nghệ tỉnh Lâm Đồng',
        NETWATCH_ORG_NAME_EN: 'Department of Science and Technology',
        NETWATCH_ORG_MANAGING_BODY: 'UBND tỉnh Lâm Đồng',
        NETWATCH_ORG_MANAGING_BODY_EN: "Provincial People's Committee",
        NETWATCH_PUBLIC_STATUS_TITLE: 'Dịch vụ công',
        NETWATCH_PUBLIC_STATUS_TITLE_EN: 'Public services',
        NETWATCH_PUBLIC_STATUS_SERVICES: 'www.example.gov.vn, mail_domain:example.gov.vn',
        NETWATCH_INCIDENT_REPORT_DUE_DAYS: '3',
        NETWATCH_INCIDENT_REOPEN_MINUTES: '0',
        NETWATCH_INCIDENT_AUTO_RESOLVE: '4,2,4',
        NETWATCH_INCIDENT_DEGRADED_KINDS: 'dnssec, http',
        NETWATCH_NOTIFICATIONS: 'false',
        NETWATCH_PUBLIC_URL: 'https://netwatch.stttt.example',
        NETWATCH_NOTIFY_POLL_MS: '500',
        NETWATCH_NOTIFY_BACKOFF_SECONDS: '2',
        NETWATCH_NOTIFY_BACKOFF_MAX_SECONDS: '60',
        NETWATCH_NOTIFY_MAX_ATTEMPTS: '7',
        NETWATCH_NOTIFY_STORM_THRESHOLD: '9',
        NETWATCH_NOTIFY_STORM_WINDOW_SECONDS: '120',
        NETWATCH_REMIND_UNACKNOWLEDGED_MINUTES: '0',
        NETWATCH_REMIND_UNACKNOWLEDGED_MAX: '2',
        NETWATCH_REMIND_REPORT_HOURS: '12',
        NETWATCH_REMINDER_SCAN_SECONDS: '30',
        NETWATCH_OUTBOUND_ALLOW: '169.254.10.0/24, [::1]:5432,db.internal:5432',
      },
    });
    expect(config).toEqual({
      server: {
        host: '::1',
        port: 8080,
        bodyLimitBytes: 4096,
        // As browsers send Origin: lower-case, default port left out.
        corsOrigins: ['https://noc.stttt.example', 'http://[::1]:8080', 'https://ops.example'],
        hstsMaxAgeSeconds: 31536000,
      },
      dataDir: '/srv/netwatch',
      database: {
        url: 'postgresql://netwatch@127.0.0.1:5432/netwatch',
        embeddedPort: 54329,
        poolSize: 20,
        logSql: true,
      },
      secrets: { key, previousKeys: [previous] },
      inventory: {
        loadExampleOnEmpty: true,
        exampleFile: '/srv/example.yaml',
        importMaxBytes: 1024,
      },
      log: { level: 'debug' },
      monitoring: {
        enabled: false,
        probeScope: '127.0.0.0/8,::1/128',
        resolver: '127.0.0.1:5353',
        ipv6Anchor: '[::1]:53',
        trustAnchorFile: '/srv/anchors.txt',
        globalConcurrency: 8,
        perHostConcurrency: 2,
        syncSeconds: 5,
        rawRetentionDays: 7,
        hourlyRetentionDays: 60,
        dailyRetentionYears: 2,
        lockGraceSeconds: 0,
        resultBuffer: { memoryRows: 500, spoolDir: '/srv/spool', spoolMaxBytes: 1048576 },
      },
      scaleout: {
        mode: 'queue',
        redisUrl: 'redis://:pw@10.0.0.5:6380/1',
        prefix: 'nw-prod',
        defaultLocations: ['so-tttt', 'internet'],
        resultGraceMs: 5000,
        lockMs: 20000,
        stalledMs: 10000,
        workerConcurrency: 128,
        batchMs: 100,
        batchSize: 50,
      },
      auth: {
        adminPassword: 'a-long-admin-password',
        sessionHours: 8,
        lockoutAttempts: 3,
        lockoutMinutes: 30,
      },
      reports: { schedulesFile: '/srv/schedules.yaml' },
      organisation: {
        name: 'Sở Khoa học và Công nghệ tỉnh Lâm Đồng',
        nameEn: 'Department of Science and Technology',
        managingBody: 'UBND tỉnh Lâm Đồng',
        managingBodyEn: "Provincial People's Committee",
      },
      publicStatus: {
        title: 'Dịch vụ công',
        titleEn: 'Public services',
        services: ['www.example.gov.vn', 'mail_domain:example.gov.vn'],
      },
      incidents: {
        reportDueDays: 3,
        reopenWindowMinutes: 0,
        autoResolveSeverities: [2, 4],
        degradedKinds: ['dnssec', 'http'],
      },
      notifications: {
        enabled: false,
        publicUrl: 'https://netwatch.stttt.example',
        pollMs: 500,
        backoffBaseSeconds: 2,
        backoffMaxSeconds: 60,
        maxAttempts: 7,
        stormThreshold: 9,
        stormWindowSeconds: 120,
        unacknowledgedReminderMinutes: 0,
        unacknowledgedReminderMax: 2,
        reportReminderHours: 12,
        reminderScanSeconds: 30,
        allowedTargets: ['169.254.10.0/24', '[::1]:5432', 'db.internal:5432'],
      },
    });
    // Every setting in the table was exercised above.
    expect(SETTINGS).toHaveLength(70);
  });

  it('refuses severities outside 1-4 and a list where a number belongs', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: { NETWATCH_INCIDENT_AUTO_RESOLVE: '3,5', NETWATCH_NOTIFY_MAX_ATTEMPTS: '1,2' },
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('incidents.autoResolveSeverities');
    expect(problems[0]).toContain('NETWATCH_INCIDENT_AUTO_RESOLVE');
    expect(problems[1]).toContain('notifications.maxAttempts');
  });

  it('refuses a result buffer that cannot work, naming the key', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          NETWATCH_RESULT_SPOOL_MAX_BYTES: '100',
          NETWATCH_RESULT_MEMORY_ROWS: '0',
          NETWATCH_LOCK_GRACE_SECONDS: '-1',
        },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('monitoring.resultBuffer.memoryRows');
    expect(problems.join('\n')).toContain('monitoring.lockGraceSeconds');
    expect(problems.join('\n')).toContain(
      'monitoring.resultBuffer.spoolMaxBytes (NETWATCH_RESULT_SPOOL_MAX_BYTES): must be 0 (no spool) or at least 1024',
    );
  });

  it('ignores an empty environment variable (the file value stays)', () => {
    const config = loadConfig({
      file: yamlFile(VALID_YAML),
      env: { PORT: '', NETWATCH_LOG_LEVEL: '' },
    });
    expect(config.server.port).toBe(3100);
    expect(config.log.level).toBe('warn');
  });

  it.each(['abc', '0', '65536', '80.5', '-1', '3000abc'])(
    'refuses PORT=%s naming server.port and PORT',
    (port) => {
      const problems = problemsOf(() =>
        loadConfig({ file: yamlFile(VALID_YAML), env: { PORT: port } }),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('server.port');
      expect(problems[0]).toContain('PORT');
      expect(problems[0]).toContain(JSON.stringify(port));
    },
  );

  it('accepts port 0 only where it means "pick a free port"', () => {
    const file = yamlFile(VALID_YAML);
    expect(loadConfig({ file, env: { NETWATCH_PG_PORT: '0' } }).database.embeddedPort).toBe(0);
    expect(problemsOf(() => loadConfig({ file, env: { PORT: '0' } }))[0]).toContain('server.port');
  });

  it('names the file and the key of a bad value given in YAML', () => {
    const file = yamlFile(VALID_YAML.replace('port: 3100', 'port: http'));
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('server.port');
    expect(problems[0]).toContain(file);
  });

  it('refuses an unknown key in the YAML file, naming it and the file', () => {
    const file = yamlFile(`${VALID_YAML}\nserver2:\n  prot: 3000\n`);
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([expect.stringContaining('server2.prot')]);
    expect(problems[0]).toContain(file);
    expect(problems[0]).toContain('unknown setting');
  });

  it('refuses a misspelt nested key even though the right one is present', () => {
    const file = yamlFile(VALID_YAML.replace('  poolSize: 5', '  poolSize: 5\n  poolsize: 7'));
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([
      expect.stringContaining('database.poolsize'),
    ]);
  });

  it.each([
    ['NETWATCH_DB_LOG_SQL', 'yes', 'database.logSql'],
    ['NETWATCH_LOAD_EXAMPLE', 'on', 'inventory.loadExampleOnEmpty'],
    ['NETWATCH_DB_LOG_SQL', 'TRUE1', 'database.logSql'],
  ])('refuses a bad boolean %s=%s naming %s', (env, value, path) => {
    const problems = problemsOf(() =>
      loadConfig({ file: yamlFile(VALID_YAML), env: { [env]: value } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(path);
    expect(problems[0]).toContain(env);
    expect(problems[0]).toContain('true or false');
  });

  it('refuses a bad boolean in YAML', () => {
    const file = yamlFile(VALID_YAML.replace('logSql: false', 'logSql: maybe'));
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([
      expect.stringContaining('database.logSql'),
    ]);
  });

  it.each(['mysql://root@127.0.0.1/netwatch', 'http://127.0.0.1:5432/netwatch', 'not a url'])(
    'refuses DATABASE_URL=%s',
    (url) => {
      const problems = problemsOf(() =>
        loadConfig({ file: yamlFile(VALID_YAML), env: { DATABASE_URL: url } }),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('database.url');
      expect(problems[0]).toContain('DATABASE_URL');
      expect(problems[0]).toContain('postgres');
    },
  );

  it('refuses a secret key that is not 32 bytes, and accepts one that is', () => {
    const file = yamlFile(VALID_YAML);
    for (const bytes of [16, 31, 33, 64]) {
      const key = randomBytes(bytes).toString('base64');
      const problems = problemsOf(() => loadConfig({ file, env: { NETWATCH_SECRET_KEY: key } }));
      expect(problems).toEqual([expect.stringContaining('secrets.key')]);
      expect(problems[0]).toContain('32 bytes');
      // The key itself must never be echoed into logs.
      expect(problems[0]).not.toContain(key);
    }
    const key = randomBytes(32).toString('base64');
    expect(loadConfig({ file, env: { NETWATCH_SECRET_KEY: key } }).secrets.key).toBe(key);
  });

  it('refuses an unknown log level and an empty dataDir', () => {
    const file = yamlFile(VALID_YAML);
    expect(problemsOf(() => loadConfig({ file, env: { NETWATCH_LOG_LEVEL: 'trace' } }))).toEqual([
      expect.stringContaining('log.level'),
    ]);
    const noDataDir = yamlFile(VALID_YAML.replace('dataDir: /var/lib/netwatch', "dataDir: ''"));
    expect(problemsOf(() => loadConfig({ file: noDataDir, env: {} }))).toEqual([
      expect.stringContaining('dataDir'),
    ]);
  });

  it('overlays a site file on the shipped defaults: it names only what it changes', () => {
    const config = loadConfig({ file: yamlFile('server:\n  port: 8081\n'), env: {} });
    expect(config.server.port).toBe(8081);
    expect(config.database.poolSize).toBe(10);
    expect(config.monitoring.globalConcurrency).toBe(64);
  });

  it('reports a required setting emptied by a site file', () => {
    const file = yamlFile(VALID_YAML.replace('  poolSize: 5\n', '  poolSize: ~\n'));
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([
      expect.stringContaining('database.poolSize'),
    ]);
  });

  it('rejects a probe scope that is not a list of networks', () => {
    expect(
      problemsOf(() => loadConfig({ env: { NETWATCH_PROBE_SCOPE: '127.0.0.0/8,nonsense' } })),
    ).toEqual([expect.stringContaining('monitoring.probeScope')]);
  });

  it.each([
    'https://noc.example.gov.vn/',
    'https://noc.example.gov.vn/app',
    'noc.example.gov.vn',
    '*',
    'ftp://noc.example.gov.vn',
    'https://user@noc.example.gov.vn',
    'https://noc.example.gov.vn?x=1',
    'null',
  ])('refuses CORS origin %s naming server.corsOrigins', (value) => {
    const problems = problemsOf(() =>
      loadConfig({ env: { NETWATCH_CORS_ORIGINS: `https://ok.example.gov.vn,${value}` } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('server.corsOrigins');
    expect(problems[0]).toContain('NETWATCH_CORS_ORIGINS');
    expect(problems[0]).toContain(JSON.stringify(value));
    expect(problems[0]).toContain('scheme://host[:port]');
  });

  it('refuses CORS origins given in YAML naming the file', () => {
    const file = yamlFile('server:\n  corsOrigins: [https://a.example/path]\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([expect.stringContaining('server.corsOrigins')]);
    expect(problems[0]).toContain(file);
  });

  it.each([
    '10.0.0.0/33',
    'db.internal',
    'db.internal:0',
    '[db.internal]:5432',
    'not a target',
    '1.2.3.4:99999',
  ])('refuses outbound allow-list entry %s naming notifications.allowedTargets', (value) => {
    const problems = problemsOf(() =>
      loadConfig({ env: { NETWATCH_OUTBOUND_ALLOW: `127.0.0.1:5432,${value}` } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('notifications.allowedTargets');
    expect(problems[0]).toContain('NETWATCH_OUTBOUND_ALLOW');
    expect(problems[0]).toContain(JSON.stringify(value));
  });

  it('reports every problem at once', () => {
    const file = yamlFile(`${VALID_YAML}\nextra: 1\n`);
    const problems = problemsOf(() =>
      loadConfig({
        file,
        env: { PORT: 'x', NETWATCH_DB_LOG_SQL: 'maybe', NETWATCH_LOG_LEVEL: 'loud' },
      }),
    );
    expect(problems).toHaveLength(4);
    for (const key of ['extra', 'server.port', 'database.logSql', 'log.level']) {
      expect(problems.some((p) => p.startsWith(key))).toBe(true);
    }
  });

  it('refuses a missing, unparsable or non-mapping file, naming it', () => {
    const missing = join(dir, 'does-not-exist.yaml');
    expect(problemsOf(() => loadConfig({ file: missing, env: {} }))[0]).toContain(missing);
    const broken = yamlFile('server: [1, 2\n');
    expect(problemsOf(() => loadConfig({ file: broken, env: {} }))[0]).toContain(broken);
    const scalar = yamlFile('just text\n');
    expect(problemsOf(() => loadConfig({ file: scalar, env: {} }))).toEqual([
      expect.stringContaining('must be a YAML mapping'),
    ]);
  });
});
