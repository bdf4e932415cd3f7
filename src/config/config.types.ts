export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface NetwatchConfig {
  server: { host: string; port: number; bodyLimitBytes: number };
  dataDir: string;
  database: { url: string; embeddedPort: number; poolSize: number; logSql: boolean };
  secrets: { key: string };
  inventory: { loadExampleOnEmpty: boolean; exampleFile: string; importMaxBytes: number };
  log: { level: LogLevelName };
}

/** Injection token for the validated configuration. */
export const NETWATCH_CONFIG = Symbol('NETWATCH_CONFIG');
