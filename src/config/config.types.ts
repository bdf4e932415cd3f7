export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface NetwatchConfig {
  server: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    /** Origins (scheme://host[:port]) browsers may call the API from; empty: none. */
    corsOrigins: string[];
    /** Strict-Transport-Security max-age; 0: no HSTS header (set it when TLS is in front). */
    hstsMaxAgeSeconds: number;
  };
  dataDir: string;
  database: { url: string; embeddedPort: number; poolSize: number; logSql: boolean };
  secrets: {
    key: string;
    /** Old keys that still open secrets during a rotation (`netwatch secrets rotate`). */
    previousKeys: string[];
  };
  inventory: { loadExampleOnEmpty: boolean; exampleFile: string; importMaxBytes: number };
  log: { level: LogLevelName };
  monitoring: {
    enabled: boolean;
    /** CIDRs probes may send to; empty: the deployment default (all but link-local and metadata). */
    probeScope: string;
    /** DNS resolver for every check (IP[:port]); empty: the first nameserver of /etc/resolv.conf. */
    resolver: string;
    /** Where the probe host proves its own IPv6 ([v6]:port). */
    ipv6Anchor: string;
    trustAnchorFile: string;
    globalConcurrency: number;
    perHostConcurrency: number;
    /** How often the checks are re-derived from the inventory. */
    syncSeconds: number;
    rawRetentionDays: number;
    hourlyRetentionDays: number;
    dailyRetentionYears: number;
    /**
     * How long the only scheduler keeps leading after its PostgreSQL lock session died because the
     * database server is down (nobody can hold the lock then); 0: stand down at once.
     */
    lockGraceSeconds: number;
    /** Results held while PostgreSQL cannot take them (src/monitoring/results/README.md). */
    resultBuffer: {
      /** Results kept in memory; past it they go to the spool. */
      memoryRows: number;
      /** Spool folder; empty: <dataDir>/spool/results. */
      spoolDir: string;
      /** Spool bound in bytes; past it results are dropped and counted. 0: no spool. */
      spoolMaxBytes: number;
    };
  };
  auth: {
    /** The first admin's password; empty: a random one printed once at first start. */
    adminPassword: string;
    sessionHours: number;
    lockoutAttempts: number;
    lockoutMinutes: number;
  };
  reports: {
    /** Report schedules (relative to the project folder); config/report-schedules.yaml. */
    schedulesFile: string;
  };
  /** The department running NetWatch, as reports name it (empty: the built-in default). */
  organisation: {
    name: string;
    nameEn: string;
    managingBody: string;
    managingBodyEn: string;
  };
  incidents: {
    reportDueDays: number;
    reopenWindowMinutes: number;
    autoResolveSeverities: (1 | 2 | 3 | 4)[];
    degradedKinds: string[];
  };
  /** Scale-out (src/scaleout/README.md): probe workers on other machines through a queue. */
  scaleout: {
    /** `single`: this process runs every check (no Redis); `queue`: probe workers run them. */
    mode: 'single' | 'queue';
    /** Redis holding the BullMQ queues (redis:// or rediss://). */
    redisUrl: string;
    /** BullMQ key prefix, so several deployments (or tests) can share one Redis. */
    prefix: string;
    /** Locations a check runs from when its settings name none. */
    defaultLocations: string[];
    /** Time a location's result may take beyond the check's own timeout (queue wait, batching). */
    resultGraceMs: number;
    /** BullMQ lock of a running probe job; a worker that stops renewing it loses the job. */
    lockMs: number;
    /** How often workers look for stalled jobs (lost locks) and put them back in the queue. */
    stalledMs: number;
    /** Probe jobs one worker process runs at once (`netwatch worker --concurrency`). */
    workerConcurrency: number;
    /** A worker sends its results back every batchMs or every batchSize results. */
    batchMs: number;
    batchSize: number;
  };
  /** The public status page (`/status`, no sign-in): which shared services it shows. */
  publicStatus: {
    /** Heading of the page (Vietnamese / English); empty: the built-in one. */
    title: string;
    titleEn: string;
    /** Services by `hostname`, `kind:hostname` or id; only these are ever answered. */
    services: string[];
  };
  notifications: {
    enabled: boolean;
    publicUrl: string;
    pollMs: number;
    backoffBaseSeconds: number;
    backoffMaxSeconds: number;
    maxAttempts: number;
    stormThreshold: number;
    stormWindowSeconds: number;
    unacknowledgedReminderMinutes: number;
    unacknowledgedReminderMax: number;
    reportReminderHours: number;
    reminderScanSeconds: number;
    /**
     * Targets the outbound rule lets through although they are metadata, link-local or the
     * service's own database: CIDRs and host:port entries.
     */
    allowedTargets: string[];
  };
}

/** Injection token for the validated configuration. */
export const NETWATCH_CONFIG = Symbol('NETWATCH_CONFIG');
