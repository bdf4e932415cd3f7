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
