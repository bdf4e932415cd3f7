import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ValidationError } from '../../common/errors';
import { sqlDatabase, SqlDatabase, sqlState } from './db';
import { histogramAddSql, histogramAggregateSql } from './histogram';
import { ResultSpool, ResultSpoolOptions, SpoolSegment } from './result-spool';
import { checkIntegers } from './settings';
import { CheckResult, RESULT_STATUSES, ResultStatus, UUID_PATTERN } from './types';

export interface ResultWriterOptions {
  /** Rows per INSERT; a full batch is flushed at once. Default 1000. */
  batchSize?: number;
  /** Rows queued for longer are flushed by a timer every this many ms. Default 1000. */
  flushIntervalMs?: number;
  /**
   * Queue bound. Beyond it `write` returns false and the result is dropped (counted in
   * `dropped`): when the database is slower than the probes, memory stays bounded and the caller
   * learns it at once. A failed batch is put back at the head of the queue, which may exceed the
   * bound by that batch. Default 100000.
   */
  maxQueued?: number;
  /**
   * A batch the database rejects as bad data (SQLSTATE class 22 or 23) is retried this many
   * times, then its rows are given up (`failedRows`). Other failures (connection lost, database
   * down) retry without limit; the queue bound then limits memory. Default 3.
   */
  maxAttempts?: number;
  /**
   * Disk buffer past memory: with it, a result that finds `maxQueued` rows in memory (or rows
   * already on disk, to keep the order) is appended to segment files instead of being dropped,
   * and read back as the database drains. Drops happen only at the spool's `maxBytes`.
   */
  spool?: ResultSpoolOptions;
  /** Called for every result refused (memory queue full without a spool, spool full, closed). */
  onDrop?: () => void;
  /** Called with errors of background (size or timer) flushes. */
  onError?: (err: unknown) => void;
  /** Called after each committed batch (for a write-latency metric). */
  onBatch?: (batch: { rows: number; inserted: number; ms: number }) => void;
}

export interface ResultWriterStats {
  /** Rows waiting to be written, in memory. */
  queued: number;
  /** Rows waiting on disk (the spool), not yet read back. */
  spooled: number;
  /** Bytes in the spool's segment files (and being written to them). */
  spoolBytes: number;
  /** Rows found in the spool at start-up (left by an earlier process), replayed. */
  recovered: number;
  /** Spool lines that could not be read back as a row (a torn line after a crash). */
  corruptRows: number;
  /** Rows inserted (a retried row already stored is not counted again). */
  written: number;
  /** Rows skipped because their (runId, at) was already stored. */
  duplicates: number;
  /** Batches committed. */
  batches: number;
  /** Results refused by `write` (queue full, or writer closed). */
  dropped: number;
  /** Rows given up after `maxAttempts` rejections by the database. */
  failedRows: number;
  /** Batches that failed (each is retried). */
  failedBatches: number;
  /** Duration of the last committed batch, ms. */
  lastFlushMs: number;
  lastError: string | null;
}

interface Queued {
  row: Row;
  attempts: number;
  /** The spool segment the row was read back from; the file goes once all its rows are done. */
  segment?: SpoolSegment;
}

/** A validated result, in column form. */
interface Row {
  checkId: string;
  at: string;
  status: ResultStatus;
  family: number | null;
  durationMs: number;
  latencyMs: number | null;
  reasons: string;
  observations: string | null;
  runId: string;
}

const MAX_INT = 2_147_483_647;

const STATUS_COLUMNS = RESULT_STATUSES;

function rollupUpsert(table: string, grain: 'hour' | 'day'): string {
  const counts = STATUS_COLUMNS.map((s) => `count(*) FILTER (WHERE status = '${s}')::int`);
  const add = [...STATUS_COLUMNS, 'total', 'latency_sum', 'latency_count'].map(
    (c) => `${c} = r.${c} + EXCLUDED.${c}`,
  );
  return `INSERT INTO ${table} AS r (check_id, bucket, ${STATUS_COLUMNS.join(', ')}, total,
        latency_sum, latency_count, latency_min, latency_max, latency_hist)
      SELECT check_id, date_trunc('${grain}', at, 'UTC'), ${counts.join(', ')}, count(*)::int,
        coalesce(sum(latency_ms::float8), 0), count(latency_ms)::int, min(latency_ms),
        max(latency_ms), ${histogramAggregateSql('latency_ms')}
      FROM ins GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (check_id, bucket) DO UPDATE SET ${add.join(', ')},
        latency_min = LEAST(r.latency_min, EXCLUDED.latency_min),
        latency_max = GREATEST(r.latency_max, EXCLUDED.latency_max),
        latency_hist = ${histogramAddSql('r.latency_hist', 'EXCLUDED.latency_hist')}
      RETURNING 1`;
}

/**
 * One statement per batch, hence one transaction: insert the rows (skipping those whose
 * (run_id, at) is stored already), then add exactly the inserted rows to the hourly and daily
 * rollups. Rows are sorted by key so concurrent writers lock rollup rows in the same order.
 */
export const BATCH_SQL = `WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::smallint[], $5::int[],
                         $6::real[], $7::jsonb[], $8::jsonb[], $9::uuid[])
      AS u(check_id, at, status, family, duration_ms, latency_ms, reasons, observations, run_id)
  ),
  ins AS (
    INSERT INTO check_results (check_id, at, status, family, duration_ms, latency_ms, reasons,
                               observations, run_id)
    SELECT check_id, at, status, family, duration_ms, latency_ms, reasons, observations, run_id
      FROM input ORDER BY run_id, at
    ON CONFLICT DO NOTHING
    RETURNING check_id, at, status, latency_ms
  ),
  hourly AS (${rollupUpsert('check_rollups_hourly', 'hour')}),
  daily AS (${rollupUpsert('check_rollups_daily', 'day')})
SELECT (SELECT count(*) FROM ins)::int AS inserted,
       (SELECT count(*) FROM hourly)::int AS hourly,
       (SELECT count(*) FROM daily)::int AS daily`;

/**
 * Batching writer of check results. `write` queues and returns at once; batches are written
 * when `batchSize` rows are queued and by a timer every `flushIntervalMs`. Each batch is one
 * multi-row INSERT (unnest of column arrays) that also updates the hourly and daily rollups
 * incrementally in the same transaction, and is idempotent: a retried batch is stored and
 * counted once. Batches are written one at a time, in order.
 */
export class ResultWriter {
  private readonly db: SqlDatabase;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly maxAttempts: number;
  private readonly onError: (err: unknown) => void;
  private readonly onBatch: (batch: { rows: number; inserted: number; ms: number }) => void;
  private queue: Queued[] = [];
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private pumping: Promise<void> | null = null;
  private closed = false;
  private readonly spool: ResultSpool | null;
  private readonly onDrop: () => void;
  /** Rows in `queue` read back from the spool: one segment at a time is held in memory. */
  private fromSpool = 0;
  private corruptRows = 0;
  private readonly counters: Omit<
    ResultWriterStats,
    'queued' | 'spooled' | 'spoolBytes' | 'recovered' | 'corruptRows'
  > = {
    written: 0,
    duplicates: 0,
    batches: 0,
    dropped: 0,
    failedRows: 0,
    failedBatches: 0,
    lastFlushMs: 0,
    lastError: null,
  };

  constructor(db: Pool | DataSource | SqlDatabase, options: ResultWriterOptions = {}) {
    this.db = sqlDatabase(db);
    const o = {
      batchSize: options.batchSize ?? 1000,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxQueued: options.maxQueued ?? 100_000,
      maxAttempts: options.maxAttempts ?? 3,
    };
    checkIntegers(o, {
      batchSize: [1, 100_000],
      flushIntervalMs: [1, 3_600_000],
      maxQueued: [1, 100_000_000],
      maxAttempts: [1, 1000],
    });
    this.batchSize = o.batchSize;
    this.maxQueued = o.maxQueued;
    this.maxAttempts = o.maxAttempts;
    this.onError = options.onError ?? (() => undefined);
    this.onBatch = options.onBatch ?? (() => undefined);
    this.onDrop = options.onDrop ?? (() => undefined);
    this.spool = options.spool ? ResultSpool.open(options.spool) : null;
    this.timer = setInterval(() => {
      if (this.queue.length > 0 || (this.spool?.unread ?? 0) > 0) this.pump(false);
    }, o.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Queues one result. Returns false, and counts a drop, when the queue is full or the writer is
   * closed. Throws a ValidationError for a malformed result (it would make its whole batch fail).
   */
  write(result: CheckResult): boolean {
    const row = toRow(result);
    if (!this.closed && this.spool && (this.queue.length >= this.maxQueued || this.spool.unread)) {
      if (this.spool.append(JSON.stringify(row))) return true;
      return this.drop();
    }
    if (this.closed || this.queue.length >= this.maxQueued) return this.drop();
    this.queue.push({ row, attempts: 0 });
    if (this.queue.length >= this.batchSize) this.pump(true);
    return true;
  }

  /**
   * Writes everything queued when called (after any batch in flight). Rejects with the database
   * error if a batch fails; its rows stay queued for the next flush.
   */
  flush(): Promise<void> {
    return this.enqueueDrain(false);
  }

  /**
   * Stops the timer, refuses further writes, and flushes what is queued. With a spool, rows the
   * database does not take now are written to the spool instead (replayed at the next start)
   * and close resolves; without one, it rejects with the database error.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    if (this.pumping) await this.pumping;
    if (!this.spool) return this.flush();
    try {
      await this.flush();
    } catch (err) {
      this.counters.lastError = err instanceof Error ? err.message : String(err);
      // Rows read back from a segment are still in its file: only the others move to disk.
      const spill = this.queue.filter((q) => !q.segment);
      this.queue = [];
      this.fromSpool = 0;
      for (const q of spill)
        if (!this.spool.append(JSON.stringify(q.row))) {
          this.counters.dropped++;
          this.onDrop();
        }
    } finally {
      await this.spool.close();
    }
  }

  stats(): ResultWriterStats {
    return {
      queued: this.queue.length,
      spooled: this.spool?.unread ?? 0,
      spoolBytes: this.spool?.bytes ?? 0,
      recovered: this.spool?.recovered ?? 0,
      corruptRows: this.corruptRows,
      ...this.counters,
    };
  }

  private drop(): false {
    this.counters.dropped++;
    this.onDrop();
    return false;
  }

  /** Drains after the drain in flight; `fullOnly` leaves a last partial batch queued. */
  private enqueueDrain(fullOnly: boolean): Promise<void> {
    const run = this.chain.then(() => this.drain(fullOnly));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Starts a background drain unless one is running; errors go to `onError`. Size-triggered
   * drains write only full batches, the timer writes the rest.
   */
  private pump(fullOnly: boolean): void {
    if (this.pumping) return;
    let failed = false;
    this.pumping = this.enqueueDrain(fullOnly)
      .catch((err: unknown) => {
        failed = true;
        this.onError(err);
      })
      .finally(() => {
        this.pumping = null;
        // After a failure the timer retries, so a database outage is not a busy loop.
        if (!failed && !this.closed && this.queue.length >= this.batchSize) this.pump(true);
      });
  }

  /**
   * Writes the batches queued when it starts (only the full ones if `fullOnly`), in order; a
   * full drain also reads the spool back, one segment at a time, once memory is nearly empty.
   */
  private async drain(fullOnly: boolean): Promise<void> {
    const n = this.queue.length / this.batchSize;
    let batches = fullOnly ? Math.floor(n) : Math.ceil(n);
    let spooled = fullOnly ? 0 : (this.spool?.unread ?? 0);
    for (;;) {
      if (batches <= 0 && spooled > 0 && this.fromSpool === 0) {
        // Memory holds no segment now: read the next one, oldest first.
        const read = await this.readSpool();
        if (read === 0 && !this.queue.length) break;
        spooled -= read;
        batches = Math.ceil(this.queue.length / this.batchSize);
      }
      if (batches-- <= 0 || this.queue.length === 0) break;
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.insert(batch.map((q) => q.row));
      } catch (err) {
        this.counters.failedBatches++;
        this.counters.lastError = err instanceof Error ? err.message : String(err);
        const state = sqlState(err);
        const badData = state !== undefined && (state.startsWith('22') || state.startsWith('23'));
        const retry = badData ? batch.filter((q) => ++q.attempts < this.maxAttempts) : batch;
        this.counters.failedRows += batch.length - retry.length;
        this.queue = retry.concat(this.queue);
        await this.done(batch.filter((q) => !retry.includes(q)));
        throw err;
      }
      await this.done(batch);
    }
  }

  /** Reads one spool segment into the queue; returns the lines it had. */
  private async readSpool(): Promise<number> {
    const next = await this.spool?.readNext();
    if (!next) return 0;
    let bad = 0;
    for (const line of next.lines) {
      const row = fromLine(line);
      if (!row) {
        bad++;
        continue;
      }
      this.queue.push({ row, attempts: 0, segment: next.segment });
      this.fromSpool++;
    }
    this.corruptRows += bad;
    if (bad) await this.spool?.commit(next.segment, bad);
    return next.lines.length;
  }

  /** Rows stored or given up: those read from the spool count toward deleting their segment. */
  private async done(batch: Queued[]): Promise<void> {
    const bySegment = new Map<SpoolSegment, number>();
    for (const q of batch)
      if (q.segment) bySegment.set(q.segment, (bySegment.get(q.segment) ?? 0) + 1);
    for (const [segment, n] of bySegment) {
      this.fromSpool -= n;
      await this.spool?.commit(segment, n);
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    const started = performance.now();
    const [res] = await this.db.query<{ inserted: number }>(BATCH_SQL, [
      rows.map((r) => r.checkId),
      rows.map((r) => r.at),
      rows.map((r) => r.status),
      rows.map((r) => r.family),
      rows.map((r) => r.durationMs),
      rows.map((r) => r.latencyMs),
      rows.map((r) => r.reasons),
      rows.map((r) => r.observations),
      rows.map((r) => r.runId),
    ]);
    this.counters.lastFlushMs = performance.now() - started;
    this.counters.batches++;
    this.counters.written += res.inserted;
    this.counters.duplicates += rows.length - res.inserted;
    this.onBatch({ rows: rows.length, inserted: res.inserted, ms: this.counters.lastFlushMs });
  }
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`check result ${field}: ${message}`, [{ field, message }]);
}

function json(field: string, value: unknown): string {
  const text = JSON.stringify(value);
  // jsonb cannot store U+0000; one such row would make its whole batch fail.
  if (text.includes('\\u0000')) throw invalid(field, 'contains U+0000, which jsonb cannot store');
  return text;
}

/** A spooled row read back, checked field by field (the file may be torn or edited); or null. */
function fromLine(line: string): Row | null {
  let v: Partial<Record<keyof Row, unknown>>;
  try {
    v = JSON.parse(line) as Partial<Record<keyof Row, unknown>>;
  } catch {
    return null;
  }
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.checkId === 'string' &&
    UUID_PATTERN.test(v.checkId) &&
    typeof v.runId === 'string' &&
    UUID_PATTERN.test(v.runId) &&
    typeof v.at === 'string' &&
    !Number.isNaN(Date.parse(v.at)) &&
    (RESULT_STATUSES as readonly unknown[]).includes(v.status) &&
    (v.family === null || v.family === 4 || v.family === 6) &&
    typeof v.durationMs === 'number' &&
    (v.latencyMs === null || typeof v.latencyMs === 'number') &&
    typeof v.reasons === 'string' &&
    (v.observations === null || typeof v.observations === 'string');
  return ok ? (v as Row) : null;
}

/** Validates a result and converts it to column values. */
export function toRow(r: CheckResult): Row {
  if (!UUID_PATTERN.test(r.checkId)) throw invalid('checkId', 'must be a UUID');
  if (!UUID_PATTERN.test(r.runId)) throw invalid('runId', 'must be a UUID');
  if (!(r.at instanceof Date) || Number.isNaN(r.at.getTime())) {
    throw invalid('at', 'must be a valid Date');
  }
  if (!(RESULT_STATUSES as readonly string[]).includes(r.status)) {
    throw invalid('status', `must be one of ${RESULT_STATUSES.join(', ')}`);
  }
  const family = r.family ?? null;
  if (family !== null && family !== 4 && family !== 6)
    throw invalid('family', 'must be 4, 6 or null');
  const durationMs = Math.round(r.durationMs);
  if (!Number.isFinite(durationMs) || durationMs < 0 || durationMs > MAX_INT) {
    throw invalid('durationMs', 'must be a number of ms from 0 to 2147483647');
  }
  const latencyMs = r.latencyMs ?? null;
  if (latencyMs !== null && !(Number.isFinite(latencyMs) && latencyMs >= 0 && latencyMs < 1e9)) {
    throw invalid('latencyMs', 'must be a finite number of ms >= 0, or null');
  }
  return {
    checkId: r.checkId,
    at: r.at.toISOString(),
    status: r.status,
    family,
    durationMs,
    latencyMs,
    reasons: json('reasons', r.reasons ?? []),
    observations: r.observations == null ? null : json('observations', r.observations),
    runId: r.runId,
  };
}
