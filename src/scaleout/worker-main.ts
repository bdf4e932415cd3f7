import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { SecretBox } from '../common/secret-box';
import type { NetwatchConfig } from '../config/config.types';
import { resolveProbeScope } from '../monitoring/checks/scope';
import { createRunner, databaseDenials } from '../monitoring/monitoring.providers';
import { isLocation, LOCATION_PATTERN } from './identity';
import { JobSnmpSecrets, ProbeWorker } from './probe-worker';
import { redisConnection, redisDenials, shownRedisUrl } from './redis';

export class WorkerUsageError extends Error {}

/**
 * The key that opens the sealed SNMP secrets jobs carry: the deployment's configured key (every
 * node must have the same NETWATCH_SECRET_KEY). A worker never generates one: a key of its own
 * could open nothing, so SNMP checks report not_tested with the reason instead.
 */
function workerBox(config: NetwatchConfig): { open(envelope: string): string } {
  if (config.secrets.key)
    return new SecretBox(
      Buffer.from(config.secrets.key, 'base64'),
      config.secrets.previousKeys.map((k) => Buffer.from(k, 'base64')),
    );
  return {
    open: () => {
      throw new Error('this worker has no secrets.key (NETWATCH_SECRET_KEY) configured');
    },
  };
}

/**
 * `netwatch worker --location NAME`: a probe worker. Needs Redis and the configuration only (no
 * PostgreSQL): checks arrive as jobs, results leave as batches. Stops cleanly on SIGTERM/SIGINT
 * (running checks finish and their results are sent); a second signal exits at once.
 */
export async function runWorker(
  config: NetwatchConfig,
  opts: { location: string; concurrency?: number },
): Promise<ProbeWorker> {
  if (!isLocation(opts.location))
    throw new WorkerUsageError(
      `--location must match ${LOCATION_PATTERN.source}, got ${JSON.stringify(opts.location)}`,
    );
  const concurrency = opts.concurrency ?? config.scaleout.workerConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)
    throw new WorkerUsageError(`--concurrency must be 1-10000, got ${String(opts.concurrency)}`);
  const s = config.scaleout;
  const logger = new Logger('Worker');
  const resolved = resolveProbeScope({ configured: config.monitoring.probeScope });
  // Probes never reach the queue server, nor a configured database.
  const scope = resolved.scope.withDenied([
    ...redisDenials(s.redisUrl),
    ...(config.database.url ? databaseDenials(config.database.url) : []),
  ]);
  const secrets = new JobSnmpSecrets(workerBox(config));
  const runner = createRunner(config.monitoring, scope, secrets);
  const name = `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}`;
  logger.log(
    `location ${opts.location}, Redis ${shownRedisUrl(s.redisUrl)}, probe scope ${resolved.spec} (${resolved.source})`,
  );
  const worker = new ProbeWorker({
    location: opts.location,
    concurrency,
    connection: redisConnection(s.redisUrl),
    prefix: s.prefix,
    lockMs: s.lockMs,
    stalledMs: s.stalledMs,
    batchMs: s.batchMs,
    batchSize: s.batchSize,
    runner,
    secrets,
    name,
    progressMs: 60_000,
  });
  await worker.start();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`${signal}: finishing running checks`);
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`stopping failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return worker;
}
