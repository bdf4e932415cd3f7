import { Logger } from '@nestjs/common';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Reason } from '../../probes/probe';
import type { CheckExecutor, StoredCheck } from '../monitoring/engine';
import type { EngineMetrics } from '../monitoring/metrics';
import type { CheckResult } from '../monitoring/results/types';
import type { DeviceSnmpColumns } from '../monitoring/runner/snmp-credentials';
import { combineOutcomes, type LocationOutcome, missingOutcome } from './combine';
import {
  isLocation,
  probeJobId,
  probeQueueName,
  RESULTS_QUEUE,
  runKey,
  slotRunId,
} from './identity';
import {
  type LocationResult,
  PROTOCOL_VERSION,
  type ProbeJobData,
  type ResultBatch,
} from './protocol';

export type ExecutorResult = Awaited<ReturnType<CheckExecutor['run']>>;

/** Where a check runs and how many of its locations must say down. */
export type RunPlan = { locations: string[]; quorum: number } | { problem: string };

/**
 * `settings.locations` (a list of location names; default: the configured default locations)
 * and `settings.downQuorum` (k, 1 ≤ k ≤ number of locations; default 1).
 */
export function planOf(
  settings: Record<string, unknown> | null | undefined,
  defaults: string[],
): RunPlan {
  const raw = settings?.locations ?? defaults;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every(isLocation))
    return {
      problem: 'settings.locations must be a non-empty list of location names (a-z, 0-9, _ and -)',
    };
  const locations = [...new Set(raw)];
  const k = settings?.downQuorum ?? 1;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > locations.length)
    return {
      problem: `settings.downQuorum must be an integer from 1 to ${locations.length} (the number of locations), got ${JSON.stringify(k)}`,
    };
  return { locations, quorum: k };
}

interface Run {
  checkId: string;
  slot: Date;
  locations: string[];
  quorum: number;
  outcomes: Map<string, LocationOutcome>;
  done: () => void;
}

export interface QueueExecutorOptions {
  connection: ConnectionOptions;
  prefix: string;
  defaultLocations: string[];
  /** A location's result may come this long after the check's own timeout. */
  resultGraceMs: number;
  /** The device's SNMP columns as stored (secret still sealed), for SNMP checks. */
  loadSnmp?: (deviceId: string) => Promise<DeviceSnmpColumns | null>;
  metrics?: EngineMetrics;
  /** Probe jobs kept after completion (their ids refuse a second dispatch of the slot). */
  keepCompleted?: { age: number; count: number };
  now?: () => number;
}

/**
 * The engine's executor in queue mode: each run becomes one BullMQ job per location on
 * `probe-<location>`, consumed by `netwatch worker` processes; their answers come back in batches
 * on the `results` queue and are combined by the k-of-n rule (combine.ts) into one result per
 * slot.
 *
 * Answers for a run this process no longer waits for (its timeout passed, or this process
 * restarted in between) take the late path: gathered until every location answered or the grace
 * passed, combined the same way, and handed to `onLateResult` (the engine's writer). A slot this
 * process already stored is recognised for a while (`finished`) and its late answers dropped;
 * past that, the writer's (runId, at) check stores it once anyway.
 *
 * The results consumer starts with the first run, that is in the elected scheduler only: a
 * standby would otherwise take batches the leader waits for.
 */
export class QueueExecutor implements CheckExecutor {
  private readonly logger = new Logger('Scaleout');
  private readonly queues = new Map<string, Queue>();
  private readonly runs = new Map<string, Run>();
  private readonly late = new Map<string, { run: Run; timer: NodeJS.Timeout }>();
  /** Slots stored recently → when to forget them. */
  private readonly finished = new Map<string, number>();
  private remembered = 0;
  private consumer: Worker | null = null;
  private closed = false;
  private readonly now: () => number;
  /** Set by whoever owns the result writer (monitoring.providers.ts: the engine). */
  onLateResult: ((result: CheckResult) => void) | null = null;

  constructor(private readonly options: QueueExecutorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs waiting for answers now (tests, shutdown). */
  get waiting(): number {
    return this.runs.size;
  }

  async run(check: StoredCheck, previous?: { observations?: unknown }): Promise<ExecutorResult> {
    if (this.closed) throw new Error('the queue executor is closed');
    this.startConsumer();
    const slot = check.nextDueAt;
    const plan = planOf(check.settings, this.options.defaultLocations);
    if ('problem' in plan)
      return notTested(check.id, slot, [
        { code: 'invalid_settings', message: `check ${check.key}: ${plan.problem}` },
      ]);
    const { locations, quorum } = plan;
    const snmp = check.kind === 'snmp' ? await this.snmpOf(check) : undefined;
    const key = runKey(check.id, slot.getTime());
    const enqueuedAt = this.now();
    const timeoutMs =
      Number.isFinite(check.timeoutMs) && check.timeoutMs > 0 ? check.timeoutMs : 30_000;
    const waitMs = timeoutMs + this.options.resultGraceMs;
    let done!: () => void;
    const answered = new Promise<void>((resolve) => (done = resolve));
    const run: Run = { checkId: check.id, slot, locations, quorum, outcomes: new Map(), done };
    this.runs.set(key, run);
    const timer = setTimeout(done, waitMs);
    const { nextDueAt: _slot, cron: _cron, cronTimezone: _tz, ...definition } = check;
    const failed: Reason[] = [];
    try {
      await Promise.all(
        locations.map(async (location) => {
          const data: ProbeJobData = {
            v: PROTOCOL_VERSION,
            check: definition,
            slotMs: slot.getTime(),
            location,
            locations,
            quorum,
            previous: previous?.observations,
            snmp,
            enqueuedAt,
            expiresAt: enqueuedAt + waitMs,
          };
          try {
            await this.queue(location).add('probe', data, {
              jobId: probeJobId(check.id, slot, location),
              // A job's processor fails only on a broken job (the probe's own failures are
              // results); one more try on another worker, then it is given up.
              attempts: 2,
              backoff: { type: 'fixed', delay: 1000 },
              removeOnComplete: this.options.keepCompleted ?? { age: 900, count: 10_000 },
              removeOnFail: { age: 86_400, count: 1000 },
            });
            this.options.metrics?.scaleoutJobs.inc({ location });
          } catch (err) {
            failed.push({
              code: 'dispatch_failed',
              message: `location ${location}: the job could not be queued: ${(err as Error).message}`,
            });
          }
        }),
      );
      // Nothing queued at all: no answer can come.
      if (failed.length === locations.length) done();
      await answered;
    } finally {
      clearTimeout(timer);
      this.runs.delete(key);
    }
    this.remember(key, waitMs);
    const outcomes = locations.map((l) => run.outcomes.get(l) ?? missingOutcome(l));
    const result = combineOutcomes(check.id, slot, outcomes, quorum);
    if (failed.length) result.reasons = [...failed, ...(result.reasons ?? [])];
    return result;
  }

  /** Takes one batch from the `results` queue (the consumer calls it; exposed for tests). */
  accept(batch: ResultBatch): void {
    if (batch?.v !== PROTOCOL_VERSION || !Array.isArray(batch.results)) {
      this.logger.warn(
        `result batch of an unknown protocol version ignored (worker ${String(batch?.worker)})`,
      );
      return;
    }
    const now = this.now();
    for (const r of batch.results) {
      const m = this.options.metrics;
      m?.scaleoutQueueLatency.observe(Math.max(0, r.startedAt - r.enqueuedAt) / 1000);
      m?.scaleoutResultLatency.observe(Math.max(0, now - r.enqueuedAt) / 1000);
      const key = runKey(r.checkId, r.slotMs);
      const run = this.runs.get(key);
      if (run) {
        // Settled before counting: `m?.` would skip evaluating the argument without metrics.
        const fresh = this.settle(run, r);
        m?.scaleoutResults.inc({ location: r.location, outcome: fresh ? 'on_time' : 'duplicate' });
        continue;
      }
      if (this.finished.has(key)) {
        m?.scaleoutResults.inc({ location: r.location, outcome: 'duplicate' });
        continue;
      }
      m?.scaleoutResults.inc({ location: r.location, outcome: 'late' });
      this.lateAnswer(key, r);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.runs.values()) run.done();
    for (const [key, l] of this.late) {
      clearTimeout(l.timer);
      this.emitLate(key);
    }
    await this.consumer?.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.consumer = null;
    this.queues.clear();
  }

  /** Records one location's answer in a run; false when that location had answered already. */
  private settle(run: Run, r: LocationResult): boolean {
    if (!run.locations.includes(r.location) || run.outcomes.has(r.location)) return false;
    run.outcomes.set(r.location, {
      location: r.location,
      status: r.status,
      family: r.family,
      latencyMs: r.latencyMs,
      durationMs: r.durationMs,
      reasons: r.reasons,
      observations: r.observations,
      worker: r.worker,
    });
    if (run.outcomes.size === run.locations.length) run.done();
    return true;
  }

  private lateAnswer(key: string, r: LocationResult): void {
    let entry = this.late.get(key);
    if (!entry) {
      const locations =
        Array.isArray(r.locations) && r.locations.length ? r.locations : [r.location];
      const run: Run = {
        checkId: r.checkId,
        slot: new Date(r.slotMs),
        locations,
        quorum: Math.min(Math.max(1, r.quorum || 1), locations.length),
        outcomes: new Map(),
        done: () => this.emitLate(key),
      };
      entry = { run, timer: setTimeout(() => this.emitLate(key), this.options.resultGraceMs) };
      entry.timer.unref();
      this.late.set(key, entry);
    }
    this.settle(entry.run, r);
  }

  private emitLate(key: string): void {
    const entry = this.late.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.late.delete(key);
    this.remember(key, this.options.resultGraceMs);
    const { run } = entry;
    const result = combineOutcomes(
      run.checkId,
      run.slot,
      run.locations.map((l) => run.outcomes.get(l) ?? missingOutcome(l)),
      run.quorum,
    );
    if (this.onLateResult) this.onLateResult(result);
    else
      this.logger.warn(`late result of check ${run.checkId} dropped: nothing stores late results`);
  }

  /** Keeps a stored slot's key for twice its wait, so its stragglers are known duplicates. */
  private remember(key: string, waitMs: number): void {
    const now = this.now();
    this.finished.set(key, now + 2 * waitMs + 60_000);
    if (++this.remembered % 1000 === 0)
      for (const [k, until] of this.finished) if (until < now) this.finished.delete(k);
  }

  private queue(location: string): Queue {
    let q = this.queues.get(location);
    if (!q) {
      q = new Queue(probeQueueName(location), {
        connection: this.options.connection,
        prefix: this.options.prefix,
      });
      q.on('error', (err) => this.logger.warn(`queue ${probeQueueName(location)}: ${err.message}`));
      this.queues.set(location, q);
    }
    return q;
  }

  private startConsumer(): void {
    if (this.consumer) return;
    this.consumer = new Worker(
      RESULTS_QUEUE,
      async (job) => {
        this.accept(job.data as ResultBatch);
      },
      {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency: 4,
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
      },
    );
    this.consumer.on('error', (err) => this.logger.warn(`results consumer: ${err.message}`));
    this.logger.log(`queue mode: waiting for results on ${this.options.prefix}:${RESULTS_QUEUE}`);
  }

  private async snmpOf(check: StoredCheck): Promise<DeviceSnmpColumns | null> {
    const deviceId = (check.target as { deviceId?: unknown }).deviceId;
    if (!this.options.loadSnmp || typeof deviceId !== 'string') return null;
    return this.options.loadSnmp(deviceId);
  }
}

function notTested(checkId: string, slot: Date, reasons: Reason[]): ExecutorResult {
  return {
    checkId,
    at: slot,
    status: 'not_tested',
    family: null,
    durationMs: 0,
    latencyMs: null,
    reasons,
    observations: {},
    runId: slotRunId(checkId, slot),
  };
}
