import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadTrustAnchors } from '../../probes/dns/dnssec/anchors';
import { databaseEndpoint } from '../common/outbound-guard';
import { projectRoot } from '../common/project-root';
import { SecretBox } from '../common/secret-box';
import { parseServer, systemResolver } from '../check/dns-check';
import { NetwatchConfig } from '../config/config.types';
import { loadChecksConfig } from './checks/checks-config';
import { resolveProbeScope } from './checks/scope';
import { MonitoringEngine } from './engine';
import { RedisLeaderLock } from './scheduler/redis-leader-lock';
import { EngineMetrics } from './metrics';
import { CheckRunner, type SnmpSecrets } from './runner/check-runner';
import { type DeviceSnmpColumns, deviceSnmpSecrets } from './runner/snmp-credentials';
import type { ProbeScope } from '../../probes/scope';
import { QueueExecutor } from '../scaleout/queue-executor';
import { redisConnection } from '../scaleout/redis';

/**
 * The database's port on its own address and, when the database is on this machine (a
 * loopback name or address, or the embedded cluster), on every loopback address. A remote
 * database given by name is not covered (its addresses are not known here).
 */
export function databaseDenials(databaseUrl: string): { cidr: string; port: number }[] {
  const db = databaseEndpoint(databaseUrl);
  if (!db) return [];
  const literal = isIP(db.host.replace(/^\[|\]$/g, ''));
  const host = db.host.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host.startsWith('127.') || host === '::1';
  const out: { cidr: string; port: number }[] = [];
  if (literal) out.push({ cidr: literal === 6 ? `${host}/128` : `${host}/32`, port: db.port });
  if (local) out.push({ cidr: '127.0.0.0/8', port: db.port }, { cidr: '::1/128', port: db.port });
  return out;
}

/** Builds the engine from the validated configuration (one place for all its dependencies). */
export function createEngine(
  dataSource: DataSource,
  config: NetwatchConfig,
  databaseUrl: string,
  box: SecretBox,
  metrics: EngineMetrics,
): MonitoringEngine {
  const m = config.monitoring;
  // Checks never reach the service's own database, whatever the inventory says.
  const scope = resolveProbeScope({ configured: m.probeScope }).scope.withDenied(
    databaseDenials(databaseUrl),
  );
  const loadSnmp = async (deviceId: string): Promise<DeviceSnmpColumns | null> => {
    const rows: DeviceSnmpColumns[] = await dataSource.query(
      `SELECT snmp_version AS "snmpVersion", snmp_username AS "snmpUsername", snmp_auth_protocol AS "snmpAuthProtocol",
                snmp_priv_protocol AS "snmpPrivProtocol", snmp_secret AS "snmpSecret" FROM devices WHERE id = $1`,
      [deviceId],
    );
    return rows[0] ?? null;
  };
  // Queue mode: probe workers run the checks (src/scaleout); the SNMP secret travels sealed.
  const queued =
    config.scaleout.mode === 'queue'
      ? new QueueExecutor({
          connection: redisConnection(config.scaleout.redisUrl),
          prefix: config.scaleout.prefix,
          defaultLocations: config.scaleout.defaultLocations,
          resultGraceMs: config.scaleout.resultGraceMs,
          loadSnmp,
          metrics,
        })
      : null;
  const executor = queued ?? createRunner(m, scope, deviceSnmpSecrets(loadSnmp, box));
  const engine = new MonitoringEngine(dataSource, {
    databaseUrl,
    checksConfig: loadChecksConfig(),
    executor,
    metrics,
    globalConcurrency: m.globalConcurrency,
    perHostConcurrency: m.perHostConcurrency,
    syncSeconds: m.syncSeconds,
    retention: {
      rawDays: m.rawRetentionDays,
      hourlyDays: m.hourlyRetentionDays,
      dailyYears: m.dailyRetentionYears,
    },
    // PostgreSQL outage: results buffered in memory, then in the spool (results/README.md).
    resultBuffer: {
      memoryRows: m.resultBuffer.memoryRows,
      spoolDir:
        m.resultBuffer.spoolMaxBytes === 0
          ? undefined
          : m.resultBuffer.spoolDir || join(config.dataDir, 'spool', 'results'),
      spoolMaxBytes: m.resultBuffer.spoolMaxBytes || undefined,
    },
    lockGraceSeconds: m.lockGraceSeconds,
    // Queue mode elects the scheduler in Redis, so a PostgreSQL outage does not stop it.
    lock: queued
      ? (handlers) =>
          new RedisLeaderLock({
            url: config.scaleout.redisUrl,
            key: `${config.scaleout.prefix}:scheduler:leader`,
            ...handlers,
          })
      : undefined,
  });
  if (queued) {
    // Answers that come after their run stopped waiting are stored through the engine's writer.
    queued.onLateResult = (result) => engine.acceptLateResult(result);
    // The queue connections close after the engine has drained (runs in flight still wait for
    // their answers); the engine has no executor-closing hook of its own.
    const stopEngine = engine.stop.bind(engine);
    engine.stop = async () => {
      await stopEngine();
      await queued.close();
    };
  }
  return engine;
}

/** The probe runner from the monitoring settings (the engine's, and each probe worker's). */
export function createRunner(
  m: NetwatchConfig['monitoring'],
  scope: ProbeScope,
  secrets: SnmpSecrets,
): CheckRunner {
  const anchorFile = isAbsolute(m.trustAnchorFile)
    ? m.trustAnchorFile
    : join(projectRoot(), m.trustAnchorFile);
  const anchor = parseServer(m.ipv6Anchor);
  return new CheckRunner({
    resolver: m.resolver ? parseServer(m.resolver) : systemResolver(),
    anchors: loadTrustAnchors(anchorFile),
    scope,
    ipv6Anchor: { kind: 'tcp', address: anchor.address, port: anchor.port },
    secrets,
  });
}
