import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The engine's Prometheus metrics, on their own registry (served at /metrics). */
export class EngineMetrics {
  readonly registry = new Registry();
  readonly checksRun = new Counter({
    name: 'netwatch_checks_run_total',
    help: 'Checks run, by kind and result status',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });
  readonly checkFailures = new Counter({
    name: 'netwatch_check_failures_total',
    help: 'Checks that ended down (target failure) or with a probe error',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly checkDuration = new Histogram({
    name: 'netwatch_check_duration_seconds',
    help: 'Wall time of one check run',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'netwatch_queue_depth',
    help: 'Checks due and waiting for a concurrency slot',
    registers: [this.registry],
  });
  readonly running = new Gauge({
    name: 'netwatch_checks_running',
    help: 'Checks running now',
    registers: [this.registry],
  });
  readonly dbWrite = new Histogram({
    name: 'netwatch_db_write_seconds',
    help: 'Time to write one batch of results and rollups',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'netwatch_scheduler_leader',
    help: '1 when this instance runs the scheduler',
    registers: [this.registry],
  });
  readonly checksDefined = new Gauge({
    name: 'netwatch_checks_defined',
    help: 'Enabled checks derived from the inventory',
    registers: [this.registry],
  });

  readonly notificationsDelivered = new Counter({
    name: 'netwatch_notifications_delivered_total',
    help: 'Notification messages delivered (a digest counts once), by channel kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly notificationFailures = new Counter({
    name: 'netwatch_notification_failures_total',
    help: 'Failed delivery attempts, by channel kind and whether they will be retried',
    labelNames: ['kind', 'retrying'] as const,
    registers: [this.registry],
  });
  readonly notificationsPending = new Gauge({
    name: 'netwatch_notifications_pending',
    help: 'Outbox messages not yet delivered (pending or being sent)',
    registers: [this.registry],
  });

  // Scale-out (queue mode, src/scaleout): what the scheduler hands to probe workers and gets back.
  readonly scaleoutJobs = new Counter({
    name: 'netwatch_scaleout_jobs_dispatched_total',
    help: 'Probe jobs handed to the queue of a location',
    labelNames: ['location'] as const,
    registers: [this.registry],
  });
  readonly scaleoutResults = new Counter({
    name: 'netwatch_scaleout_results_total',
    help: 'Location results received, by outcome: on_time, late (run no longer waiting, stored through the late path), duplicate (ignored: a retried job answered twice)',
    labelNames: ['location', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly scaleoutQueueLatency = new Histogram({
    name: 'netwatch_scaleout_queue_latency_seconds',
    help: 'Time a probe job waited in its queue (enqueued to started by a worker)',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly scaleoutResultLatency = new Histogram({
    name: 'netwatch_scaleout_result_latency_seconds',
    help: 'Time from enqueueing a probe job to receiving its result (queue, probe, batching)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  /** Scheduler liveness for /health: the engine keeps it current. */
  scheduler: { role: 'disabled' | 'leader' | 'standby'; lastTickAt: Date | null } = {
    role: 'disabled',
    lastTickAt: null,
  };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'netwatch_' });
  }
}
