import { Logger } from '@nestjs/common';
import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { CheckRunner } from '../monitoring/runner/check-runner';
import { type DeviceSnmpColumns, snmpCredentialsOf } from '../monitoring/runner/snmp-credentials';
import type { SnmpSecrets } from '../monitoring/runner/adapters/types';
import { probeQueueName, RESULTS_QUEUE } from './identity';
import type { LocationResult, ProbeJobData, ResultBatch } from './protocol';
import { PROTOCOL_VERSION } from './protocol';
import { ResultBatcher } from './result-batcher';

/**
 * SNMP credentials of the jobs running now: each SNMP job carries its device's columns as
 * stored (secret sealed); they are opened with this worker's own key for the one run and
 * forgotten when no running job needs them. Nothing is cached, written or logged.
 */
export class JobSnmpSecrets implements SnmpSecrets {
  private readonly rows = new Map<string, { row: DeviceSnmpColumns; users: number }>();

  constructor(private readonly box: { open(envelope: string): string }) {}

  hold(deviceId: string, row: DeviceSnmpColumns): () => void {
    const entry = this.rows.get(deviceId);
    if (entry) {
      entry.row = row;
      entry.users++;
    } else this.rows.set(deviceId, { row, users: 1 });
    return () => {
      const e = this.rows.get(deviceId);
      if (e && --e.users <= 0) this.rows.delete(deviceId);
    };
  }

  async snmpCredentials(deviceId: string) {
    const entry = this.rows.get(deviceId);
    return entry ? snmpCredentialsOf(entry.row, this.box) : null;
  }
}

export interface ProbeWorkerOptions {
  location: string;
  concurrency: number;
  connection: ConnectionOptions;
  prefix: string;
  lockMs: number;
  stalledMs: number;
  batchMs: number;
  batchSize: number;
  runner: Pick<CheckRunner, 'run'>;
  secrets: JobSnmpSecrets;
  /** This worker's name (host-pid): on every job it runs and every result it sends. */
  name: string;
  /** A progress line every this many ms (0: none). */
  progressMs?: number;
}

/**
 * One worker process's consumer of `probe-<location>`: runs each job's check with the local
 * runner (this machine's probe scope, resolver and anchors), sends the result back in a batch
 * and completes the job only once the batch is stored. A worker killed mid-job never completes
 * it: its lock runs out, BullMQ's stalled check (in any worker of the location) puts the job
 * back, and another worker runs it; the scheduler keeps one answer per location.
 */
export class ProbeWorker {
  private readonly logger = new Logger('Worker');
  private worker: Worker | null = null;
  private results: Queue | null = null;
  private readonly batcher: ResultBatcher<LocationResult>;
  private progress: NodeJS.Timeout | null = null;
  readonly stats = { ran: 0, expired: 0, batches: 0, byStatus: {} as Record<string, number> };

  constructor(private readonly options: ProbeWorkerOptions) {
    this.batcher = new ResultBatcher<LocationResult>(
      async (results, batchId) => {
        const batch: ResultBatch = { v: PROTOCOL_VERSION, worker: options.name, results };
        // The batch id makes a resend after an unclear failure a no-op.
        await this.results!.add('batch', batch, {
          jobId: batchId,
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
        });
        this.stats.batches++;
      },
      {
        batchMs: options.batchMs,
        batchSize: options.batchSize,
        name: options.name,
        onRetry: (err, attempt) =>
          this.logger.warn(`sending results failed (attempt ${attempt}), retrying: ${err.message}`),
      },
    );
  }

  async start(): Promise<void> {
    const o = this.options;
    this.results = new Queue(RESULTS_QUEUE, { connection: o.connection, prefix: o.prefix });
    this.results.on('error', (err) => this.logger.warn(`results queue: ${err.message}`));
    this.worker = new Worker(probeQueueName(o.location), (job: Job) => this.process(job), {
      connection: o.connection,
      prefix: o.prefix,
      name: o.name,
      concurrency: o.concurrency,
      lockDuration: o.lockMs,
      stalledInterval: o.stalledMs,
      // A job whose worker died is put back twice; a third loss fails it (a poison job).
      maxStalledCount: 2,
      autorun: false,
    });
    this.worker.on('error', (err) =>
      this.logger.warn(`queue ${probeQueueName(o.location)}: ${err.message}`),
    );
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`job ${job?.id ?? '?'} failed: ${err.message}`),
    );
    void this.worker.run();
    await this.worker.waitUntilReady();
    if (o.progressMs)
      this.progress = setInterval(() => this.logger.log(this.summary()), o.progressMs).unref();
    this.logger.log(
      `worker ${o.name} consuming ${o.prefix}:${probeQueueName(o.location)} (concurrency ${o.concurrency})`,
    );
  }

  /** Finishes the running jobs, sends their results, closes the connections. */
  async stop(): Promise<void> {
    if (this.progress) clearInterval(this.progress);
    await this.worker?.close();
    await this.batcher.close();
    await this.results?.close();
    this.logger.log(`stopped: ${this.summary()}`);
  }

  summary(): string {
    const s = this.stats;
    const statuses = Object.entries(s.byStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return `${s.ran} checks run (${statuses || 'none'}), ${s.expired} expired skipped, ${s.batches} result batches`;
  }

  private async process(job: Job): Promise<{ status: string } | { skipped: string }> {
    const d = job.data as ProbeJobData;
    if (d?.v !== PROTOCOL_VERSION || !d.check)
      throw new UnrecoverableError(`job ${job.id}: unknown protocol version ${String(d?.v)}`);
    const startedAt = Date.now();
    // The scheduler stopped waiting: running it would only add load behind a backlog.
    if (startedAt > d.expiresAt) {
      this.stats.expired++;
      return { skipped: 'expired' };
    }
    const deviceId = (d.check.target as { deviceId?: unknown }).deviceId;
    const release =
      d.snmp && typeof deviceId === 'string' ? this.options.secrets.hold(deviceId, d.snmp) : null;
    let r;
    try {
      r = await this.options.runner.run(d.check, { observations: d.previous });
    } finally {
      release?.();
    }
    this.stats.ran++;
    this.stats.byStatus[r.status] = (this.stats.byStatus[r.status] ?? 0) + 1;
    await this.batcher.push({
      checkId: d.check.id,
      slotMs: d.slotMs,
      location: d.location,
      locations: d.locations,
      quorum: d.quorum,
      worker: this.options.name,
      status: r.status,
      family: r.family,
      durationMs: r.durationMs,
      latencyMs: r.latencyMs,
      reasons: r.reasons,
      observations: r.observations,
      enqueuedAt: d.enqueuedAt,
      startedAt,
    });
    return { status: r.status };
  }
}
