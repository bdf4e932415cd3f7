import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CheckResult } from './results/types';
import { ResultWriter, ResultWriterOptions } from './results/result-writer';
import { PartitionManager } from './results/partition-manager';
import { CheckDefinition } from './checks/check.types';
import { ChecksConfig } from './checks/checks-config';
import { CheckRow as SyncCheckRow, syncChecks } from './checks/sync';
import { resumeDue, nextDue } from './scheduler/due';
import { LeaderLock } from './scheduler/leader-lock';
import { bounded, isConnectionError } from './scheduler/db-errors';
import { OutageTracker } from './scheduler/outage';
import { bufferMetrics } from './results/buffer-metrics';
import { ConcurrencyLimiter } from './scheduler/limiter';
import { EngineMetrics } from './metrics';
import { evaluateRound } from './state/round';
import { CheckStateRecord, ProbeResult, TransitionEvent } from './state/state-machine';
import { loadStates, upsertStates } from './state/state-store';
import { activeWindows, MaintenanceWindow, ObjectRef } from './state/maintenance';
import { loadMaintenanceWindows } from './state/maintenance-store';

/** A check as stored, with what the scheduler needs. */
export type StoredCheck = CheckDefinition & {
  id: string;
  nextDueAt: Date;
  cron?: string | null;
  cronTimezone?: string | null;
};

/** A check's schedule: its cron expression when it has one, else its interval. */
const scheduleOf = (c: {
  intervalSeconds: number;
  cron?: string | null;
  cronTimezone?: string | null;
}) =>
  c.cron
    ? { cron: c.cron, timezone: c.cronTimezone ?? undefined }
    : { intervalSeconds: c.intervalSeconds };

/** What the engine needs to run one check (the runner's contract). */
export interface CheckExecutor {
  run(
    check: StoredCheck,
    previous?: { observations?: unknown },
  ): Promise<CheckResult & { status: ProbeResult['status'] }>;
}

export interface EngineOptions {
  databaseUrl: string;
  checksConfig: ChecksConfig;
  executor: CheckExecutor;
  metrics: EngineMetrics;
  globalConcurrency: number;
  perHostConcurrency: number;
  syncSeconds: number;
  retention: { rawDays: number; hourlyDays: number; dailyYears: number };
  now?: () => Date;
  /** How often the scheduler looks for due checks (ms). */
  tickMs?: number;
  /** False: no timer; the caller drives tick() (tests, benchmarks). */
  autoTick?: boolean;
  /**
   * The scheduler's leader election. Default: the PostgreSQL advisory lock (`LeaderLock`, with
   * `lockGraceSeconds`). Queue mode passes a `RedisLeaderLock`, so that a PostgreSQL outage does
   * not stop the scheduler.
   */
  lock?: SchedulerLockFactory;
  /**
   * Default lock only: how long the scheduler keeps leading while the lock's database server is
   * down (see LeaderLock `graceMs`). Default 0: stand down at once.
   */
  lockGraceSeconds?: number;
  /** Results held while the database cannot take them (see results/README.md, Buffering). */
  resultBuffer?: ResultBufferOptions;
  /** Bound on the tick's own statements (due checks, claim, reconnect probe), ms. Default 10000. */
  dbTimeoutMs?: number;
}

export interface ResultBufferOptions {
  /** Results kept in memory; past it they go to the spool (or are dropped without one). Default 100000. */
  memoryRows?: number;
  /** Spool folder; unset: no spool (memory only). */
  spoolDir?: string;
  /** Spool bound in bytes; past it results are dropped and counted. Default 512 MiB. */
  spoolMaxBytes?: number;
  /** Rows per spool segment file. Default 10000. */
  segmentRows?: number;
}

/** What the engine needs from a leader election (the PostgreSQL lock, or Redis in queue mode). */
export interface SchedulerLock {
  start(): Promise<unknown>;
  stop(): Promise<void>;
  readonly isLeader: boolean;
}

export type SchedulerLockFactory = (handlers: {
  onAcquired: () => void;
  onLost: (reason: string) => void;
  /** Optional: things worth a log line that are not a loss (grace started, lock taken again). */
  onNotice?: (message: string) => void;
}) => SchedulerLock;

/** Results kept per check while their states cannot be saved (oldest dropped beyond it). */
const PENDING_PER_CHECK = 100;

/** A `checks` row with the scheduler's columns, its target and settings typed. */
type CheckRow = Omit<SyncCheckRow, 'target' | 'settings'> & {
  target: CheckDefinition['target'];
  settings: CheckDefinition['settings'];
  next_due_at: Date;
  cron: string | null;
  cron_timezone: string | null;
};

const toCheck = (r: CheckRow): StoredCheck => ({
  id: r.id,
  key: r.key,
  objectType: r.object_type,
  objectId: r.object_id,
  unitId: r.unit_id,
  kind: r.kind,
  family: r.family,
  target: r.target,
  settings: r.settings,
  intervalSeconds: r.interval_seconds,
  timeoutMs: r.timeout_ms,
  thresholds: { failure: r.failure_threshold, success: r.success_threshold },
  enabled: r.enabled,
  nextDueAt: new Date(r.next_due_at),
  cron: r.cron,
  cronTimezone: r.cron_timezone,
});

/** The host a check's packets go to, for per-host concurrency. */
function hostOf(check: StoredCheck): string {
  const t = check.target as Record<string, unknown>;
  return String(t.address ?? t.host ?? t.domain ?? t.zone ?? t.name ?? check.objectId ?? check.key);
}

/**
 * The monitoring engine: one elected scheduler (advisory lock) that keeps the checks in step
 * with the inventory, runs the due ones within the concurrency limits, writes results in
 * batches, and moves each check's state machine (thresholds, maintenance, dependencies).
 * Transitions are emitted as `transition` events (incidents subscribe to them); every leader
 * tick is emitted as `tick` (scheduled report runs subscribe to it).
 */
export class MonitoringEngine extends EventEmitter {
  private readonly logger = new Logger('Monitoring');
  private readonly lock: SchedulerLock;
  private readonly limiter: ConcurrencyLimiter;
  private readonly writer: ResultWriter;
  private readonly partitions: PartitionManager;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** The last tick claimed all it could: more may be due, so a freed slot ticks again at once. */
  private moreDue = false;
  private lastSync = 0;
  private lastPartitions = 0;
  private readonly inFlight = new Set<string>();
  private readonly lastObservations = new Map<string, unknown>();
  /** Results not yet applied to the state machines, oldest first, per check. */
  private pending = new Map<string, ProbeResult[]>();
  /** Every enabled check as of the last sync: the schedule while the database is away. */
  private schedule = new Map<string, StoredCheck>();
  /** Next due times decided from memory during an outage, written back when it ends. */
  private readonly dirtyDue = new Map<string, Date>();
  private readonly outage: OutageTracker;
  private lastProbe = 0;
  private checksById = new Map<string, StoredCheck>();
  private windows: MaintenanceWindow[] = [];
  private unitAncestors = new Map<string, string[]>();
  private parents = new Map<string, string[]>();
  lastTickAt: Date | null = null;
  private leading: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: EngineOptions,
  ) {
    super();
    this.now = options.now ?? (() => new Date());
    this.limiter = new ConcurrencyLimiter(options.globalConcurrency, options.perHostConcurrency);
    const buffer = bufferMetrics(options.metrics.registry);
    this.outage = new OutageTracker(this.logger, () => this.writer.stats(), this.now);
    this.writer = this.createWriter(options.resultBuffer, {
      onError: (err) => {
        if (isConnectionError(err)) this.outage.enter(err, this.schedule.size);
        else this.logger.error(`writing results failed: ${(err as Error).message}`);
      },
      onBatch: (b) => options.metrics.dbWrite.observe(b.ms / 1000),
      onDrop: () => {
        buffer.dropped.inc();
        this.outage.dropped(options.resultBuffer?.spoolMaxBytes);
      },
    });
    buffer.track(() => this.writer.stats());
    this.partitions = new PartitionManager(dataSource, {
      rawDays: options.retention.rawDays,
      hourlyDays: options.retention.hourlyDays,
      dailyYears: options.retention.dailyYears,
    });
    const handlers = {
      onAcquired: () => {
        this.leading = this.lead();
      },
      onLost: (reason: string) => this.standDown(reason),
      onNotice: (message: string) => this.logger.warn(message),
    };
    this.lock = options.lock
      ? options.lock(handlers)
      : new LeaderLock({
          url: options.databaseUrl,
          pollMs: 5000,
          graceMs: (options.lockGraceSeconds ?? 0) * 1000,
          ...handlers,
        });
  }

  /**
   * The writer, with a spool when configured. A spool folder another process holds (two
   * instances on one data folder) is not shared: this one runs with the memory queue only.
   */
  private createWriter(
    buffer: ResultBufferOptions | undefined,
    hooks: Pick<ResultWriterOptions, 'onError' | 'onBatch' | 'onDrop'>,
  ): ResultWriter {
    const base: ResultWriterOptions = { ...hooks, maxQueued: buffer?.memoryRows };
    if (!buffer?.spoolDir) return new ResultWriter(this.dataSource, base);
    try {
      const spool = {
        dir: buffer.spoolDir,
        maxBytes: buffer.spoolMaxBytes,
        segmentRows: buffer.segmentRows,
      };
      const writer = new ResultWriter(this.dataSource, { ...base, spool });
      const { recovered } = writer.stats();
      if (recovered)
        this.logger.warn(`${recovered} results left in ${buffer.spoolDir} are written again`);
      return writer;
    } catch (err) {
      this.logger.warn(`result spool not used: ${(err as Error).message}`);
      return new ResultWriter(this.dataSource, base);
    }
  }

  /** Resolves once this instance, having won the lock, has synced and resumed its schedule. */
  whenLeading(): Promise<void> {
    return this.leading;
  }

  get role(): 'leader' | 'standby' {
    return this.lock.isLeader ? 'leader' : 'standby';
  }

  async start(): Promise<void> {
    this.options.metrics.scheduler.role = 'standby';
    await this.lock.start();
    if (!this.lock.isLeader) this.logger.log('another instance runs the scheduler; standing by');
  }

  async stop(): Promise<void> {
    this.options.metrics.scheduler.role = 'disabled';
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.lock.stop();
    try {
      await this.drain();
    } catch (err) {
      // The database is away: states are not saved; results go to the spool (if any) on close.
      this.logger.warn(`stopping without saving check states: ${(err as Error).message}`);
    }
    await this.writer.close();
  }

  /** Became the scheduler: sync, prepare partitions, spread overdue checks, start ticking. */
  private async lead(): Promise<void> {
    this.options.metrics.leader.set(1);
    this.options.metrics.scheduler.role = 'leader';
    this.logger.log('this instance runs the scheduler');
    try {
      await this.maintain(true);
      await this.resume();
    } catch (err) {
      if (isConnectionError(err)) this.outage.enter(err, this.schedule.size);
      else this.logger.error(`scheduler start-up failed: ${(err as Error).message}`);
    }
    if (!this.timer && this.options.autoTick !== false) {
      this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
      this.timer.unref();
    }
  }

  private standDown(reason: string): void {
    this.options.metrics.leader.set(0);
    this.options.metrics.scheduler.role = 'standby';
    this.logger.warn(`scheduler lock lost (${reason}): standing by`);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Inventory sync, partitions, topology and maintenance windows, at their own pace. */
  private async maintain(force = false): Promise<void> {
    const now = this.now().getTime();
    if (force || now - this.lastSync >= this.options.syncSeconds * 1000) {
      const r = await syncChecks(this.dataSource, this.options.checksConfig);
      if (r.created || r.updated || r.removed)
        this.logger.log(
          `checks synced: +${r.created} ~${r.updated} -${r.removed} (${r.total} in all)`,
        );
      for (const p of r.problems) this.logger.warn(`check override: ${p}`);
      this.options.metrics.checksDefined.set(r.total);
      this.windows = await loadMaintenanceWindows(this.dataSource);
      await this.loadTopology();
      await this.loadSchedule();
      this.lastSync = now;
    }
    if (force || now - this.lastPartitions >= 3_600_000) {
      await this.partitions.maintain(this.now());
      this.lastPartitions = now;
    }
  }

  /**
   * Topology for dependency suppression: a check behind a circuit (dedicated line, MPLS, VPN)
   * depends on that circuit's check when the check's unit lies in the circuit unit's subtree —
   * a commune's services behind its district's line.
   */
  private async loadTopology(): Promise<void> {
    const units: { id: string; parent_id: string | null }[] = await this.dataSource.query(
      'SELECT id, parent_id FROM units',
    );
    const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
    this.unitAncestors = new Map(
      units.map((u) => {
        const chain: string[] = [];
        for (let p: string | null | undefined = u.id; p && chain.length < 64; p = parentOf.get(p))
          chain.push(p);
        return [u.id, chain];
      }),
    );
    const lines: { check_id: string; unit_id: string }[] = await this.dataSource.query(
      `SELECT ch.id AS check_id, c.unit_id FROM checks ch JOIN circuits c ON ch.object_type = 'circuit' AND ch.object_id = c.id
       WHERE c.type IN ('dedicated_line','mpls','vpn') AND c.unit_id IS NOT NULL AND ch.enabled`,
    );
    const checks: { id: string; unit_id: string | null; object_type: string }[] =
      await this.dataSource.query('SELECT id, unit_id, object_type FROM checks WHERE enabled');
    // A line owned by the province itself is no dependency of everything below it.
    const roots = new Set(units.filter((u) => !u.parent_id).map((u) => u.id));
    this.parents = new Map();
    for (const c of checks) {
      if (!c.unit_id || c.object_type === 'circuit') continue;
      const ancestors = new Set(this.unitAncestors.get(c.unit_id) ?? []);
      const behind = lines
        .filter((l) => ancestors.has(l.unit_id) && !roots.has(l.unit_id))
        .map((l) => l.check_id);
      if (behind.length) this.parents.set(c.id, behind);
    }
  }

  /** Every enabled check with its next due time: what the scheduler runs from if the database goes. */
  private async loadSchedule(): Promise<void> {
    const rows: CheckRow[] = await this.dataSource.query('SELECT * FROM checks WHERE enabled');
    this.schedule = new Map(rows.map((r) => [r.id, toCheck(r)]));
    // Times decided from memory and not yet written back stay authoritative.
    for (const [id, due] of this.dirtyDue) {
      const c = this.schedule.get(id);
      if (c) c.nextDueAt = due;
    }
  }

  /** Keeps the in-memory schedule in step with due times written to the database. */
  private remember(ids: readonly string[], dues: readonly Date[]): void {
    ids.forEach((id, i) => {
      const c = this.schedule.get(id);
      if (c) c.nextDueAt = dues[i];
    });
  }

  /** After (re)election: overdue checks are spread over their interval, not run all at once. */
  private async resume(): Promise<void> {
    const rows: CheckRow[] = await this.dataSource.query(
      'SELECT * FROM checks WHERE enabled AND next_due_at <= $1',
      [this.now()],
    );
    if (!rows.length) return;
    const now = this.now();
    const ids = rows.map((r) => r.id);
    const dues = rows.map((r) =>
      resumeDue(
        scheduleOf({
          intervalSeconds: r.interval_seconds,
          cron: r.cron,
          cronTimezone: r.cron_timezone,
        }),
        r.id,
        null,
        now,
      ),
    );
    await this.dataSource.query(
      'UPDATE checks SET next_due_at = d.due FROM unnest($1::uuid[], $2::timestamptz[]) AS d(id, due) WHERE checks.id = d.id',
      [ids, dues],
    );
    this.remember(ids, dues);
  }

  /**
   * One scheduler pass (the timer calls it every second; tests call it directly). While the
   * database is unreachable the due checks come from the in-memory schedule (see
   * scheduler/README.md); the database is probed again at most once a second.
   */
  async tick(): Promise<void> {
    if (this.ticking || !this.lock.isLeader) return;
    this.ticking = true;
    try {
      this.lastTickAt = this.now();
      this.options.metrics.scheduler.lastTickAt = this.lastTickAt;
      // Other scheduled work (report runs) rides on the one elected scheduler.
      this.emit('tick', this.lastTickAt);
      if (this.outage.down && !(await this.databaseBack())) {
        this.runFromMemory();
        return;
      }
      try {
        await this.maintain();
        await this.settle();
        await this.runFromDatabase();
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        this.outage.enter(err, this.schedule.size);
        this.runFromMemory();
      }
    } catch (err) {
      this.logger.error(`scheduler tick failed: ${(err as Error).message}`);
    } finally {
      this.options.metrics.queueDepth.set(this.limiter.queued);
      this.ticking = false;
    }
  }

  private async runFromDatabase(): Promise<void> {
    const free = this.options.globalConcurrency * 2 - this.inFlight.size;
    if (free <= 0) return;
    const timeout = this.options.dbTimeoutMs ?? 10_000;
    const rows: CheckRow[] = await bounded(
      this.dataSource.query(
        `SELECT * FROM checks WHERE enabled AND next_due_at <= $1 ${this.inFlight.size ? 'AND NOT (id = ANY($3::uuid[]))' : ''}
         ORDER BY next_due_at LIMIT $2`,
        this.inFlight.size ? [this.now(), free, [...this.inFlight]] : [this.now(), free],
      ),
      timeout,
      'due checks',
    );
    this.moreDue = rows.length === free;
    if (!rows.length) return;
    const checks = rows.map(toCheck);
    // Claim them first (next due time written before running), so a crash or a new leader never runs them twice.
    const ran = this.now();
    const ids = checks.map((c) => c.id);
    const dues = checks.map((c) => nextDue(scheduleOf(c), c.id, ran));
    await bounded(
      this.dataSource.query(
        'UPDATE checks SET next_due_at = d.due FROM unnest($1::uuid[], $2::timestamptz[]) AS d(id, due) WHERE checks.id = d.id',
        [ids, dues],
      ),
      timeout,
      'claiming due checks',
    );
    this.remember(ids, dues);
    for (const check of checks) this.launch(check);
  }

  /** The due checks of the in-memory schedule, claimed in memory (written back later). */
  private runFromMemory(): void {
    const free = this.options.globalConcurrency * 2 - this.inFlight.size;
    if (free <= 0) return;
    const now = this.now().getTime();
    const due = [...this.schedule.values()]
      .filter((c) => c.nextDueAt.getTime() <= now && !this.inFlight.has(c.id))
      .sort((a, b) => a.nextDueAt.getTime() - b.nextDueAt.getTime())
      .slice(0, free);
    this.moreDue = due.length === free;
    const ran = this.now();
    for (const c of due) {
      c.nextDueAt = nextDue(scheduleOf(c), c.id, ran);
      this.dirtyDue.set(c.id, c.nextDueAt);
      this.outage.ran();
      this.launch({ ...c });
    }
  }

  /**
   * During an outage: is the database back? If so, the due times decided in memory are written
   * back (never moving a check earlier than what is stored) and the outage ends.
   */
  private async databaseBack(): Promise<boolean> {
    const now = Date.now();
    if (now - this.lastProbe < 1000) return false;
    this.lastProbe = now;
    try {
      const timeout = Math.min(this.options.dbTimeoutMs ?? 10_000, 5000);
      await bounded(this.dataSource.query('SELECT 1'), timeout, 'database probe');
      const ids = [...this.dirtyDue.keys()];
      const dues = [...this.dirtyDue.values()];
      if (ids.length)
        await bounded(
          this.dataSource.query(
            `UPDATE checks SET next_due_at = GREATEST(checks.next_due_at, d.due)
               FROM unnest($1::uuid[], $2::timestamptz[]) AS d(id, due) WHERE checks.id = d.id`,
            [ids, dues],
          ),
          this.options.dbTimeoutMs ?? 10_000,
          'restoring due times',
        );
      // Only what was written: a check run from memory meanwhile stays dirty.
      ids.forEach((id, i) => {
        if (this.dirtyDue.get(id) === dues[i]) this.dirtyDue.delete(id);
      });
      this.outage.leave(ids.length);
      return true;
    } catch (err) {
      if (!isConnectionError(err)) this.logger.error(`database probe: ${(err as Error).message}`);
      return false;
    }
  }

  private launch(check: StoredCheck): void {
    this.inFlight.add(check.id);
    this.checksById.set(check.id, check);
    void (async () => {
      const release = await this.limiter.acquire(hostOf(check));
      this.options.metrics.running.set(this.limiter.active);
      const started = performance.now();
      try {
        const result = await this.options.executor.run(check, {
          observations: this.lastObservations.get(check.id),
        });
        // Only SNMP reads its previous observation (counters → rates); keep nothing else.
        if (check.kind === 'snmp') this.lastObservations.set(check.id, result.observations);
        this.writer.write(result);
        const list = this.pending.get(check.id) ?? [];
        list.push({ status: result.status, at: result.at, reasons: result.reasons ?? [] });
        if (list.length > PENDING_PER_CHECK) list.shift();
        this.pending.set(check.id, list);
        this.options.metrics.checksRun.inc({ kind: check.kind, status: result.status });
        if (result.status === 'down') this.options.metrics.checkFailures.inc({ kind: check.kind });
      } catch (err) {
        this.logger.error(`check ${check.key} failed to run: ${(err as Error).message}`);
        this.options.metrics.checkFailures.inc({ kind: check.kind });
      } finally {
        this.options.metrics.checkDuration.observe(
          { kind: check.kind },
          (performance.now() - started) / 1000,
        );
        release();
        this.options.metrics.running.set(this.limiter.active);
        this.inFlight.delete(check.id);
        if (this.moreDue && this.lock.isLeader && this.options.autoTick !== false) void this.tick();
      }
    })();
  }

  /**
   * Moves the state machines for the results gathered since the last tick and persists them.
   * When loading or saving the states fails (database away), the results are kept, merged with
   * those that arrive meanwhile, and applied at a later call, in order: transitions are late,
   * not lost.
   */
  async settle(): Promise<TransitionEvent[]> {
    if (!this.pending.size) return [];
    const batch = this.pending;
    this.pending = new Map();
    try {
      return await this.applyResults(batch);
    } catch (err) {
      for (const [id, list] of batch) {
        const merged = list.concat(this.pending.get(id) ?? []);
        this.pending.set(id, merged.slice(-PENDING_PER_CHECK));
      }
      throw err;
    }
  }

  /** Applies each check's results in order: round i takes every check's i-th result. */
  private async applyResults(batch: Map<string, ProbeResult[]>): Promise<TransitionEvent[]> {
    const ids = [
      ...new Set([
        ...batch.keys(),
        ...[...batch.keys()].flatMap((id) => this.parents.get(id) ?? []),
      ]),
    ];
    const records: Map<string, CheckStateRecord> = await loadStates(this.dataSource, ids);
    const changed = new Map<string, CheckStateRecord>();
    const events: TransitionEvent[] = [];
    const cycles = new Map<string, string[]>();
    const rounds = Math.max(...[...batch.values()].map((l) => l.length));
    for (let i = 0; i < rounds; i++) {
      const results = new Map<string, ProbeResult>();
      for (const [id, list] of batch) if (i < list.length) results.set(id, list[i]);
      const out = evaluateRound({
        records,
        results,
        settings: (id) => {
          const c = this.checksById.get(id);
          const failure = c?.thresholds.failure ?? 3;
          return {
            failureThreshold: failure,
            successThreshold: c?.thresholds.success ?? 2,
            degradedThreshold: failure,
          };
        },
        parentsOf: (id) => this.parents.get(id) ?? [],
        maintenanceOf: (id, at) => {
          const c = this.checksById.get(id);
          if (!c || !this.windows.length) return [];
          const refs: ObjectRef[] = [
            { type: c.objectType, id: c.objectId },
            { type: 'check', id: c.id },
            ...(c.unitId
              ? (this.unitAncestors.get(c.unitId) ?? []).map((u) => ({ type: 'unit', id: u }))
              : []),
          ];
          return activeWindows(this.windows, refs, at).map((w) => ({
            id: w.window.id,
            name: w.window.name,
          }));
        },
      });
      for (const [id, record] of out.records) {
        records.set(id, record);
        changed.set(id, record);
      }
      events.push(...out.events);
      for (const cycle of out.cycles) cycles.set(cycle.join(' → '), cycle);
    }
    await upsertStates(this.dataSource, [...changed.values()]);
    // Settled checks are reloaded when next due; holding every check ever claimed would only grow.
    for (const id of batch.keys()) if (!this.inFlight.has(id)) this.checksById.delete(id);
    for (const e of events) this.emit('transition', e);
    for (const cycle of cycles.keys()) this.logger.warn(`dependency cycle ignored: ${cycle}`);
    return events;
  }

  /** Waits for running checks and settles their results (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await new Promise((r) => setTimeout(r, 20));
    await this.settle();
    await this.writer.flush();
  }

  /**
   * Scale-out (src/scaleout): stores a result that arrived after its run stopped waiting (a
   * probe worker's late answer, or one for a run of a previous process). Written like any result
   * (idempotent by runId and at); it does not move the check's state, which its next run does.
   */
  acceptLateResult(result: CheckResult): boolean {
    return this.writer.write(result);
  }
}
