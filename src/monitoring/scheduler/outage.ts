import type { ResultWriterStats } from '../results/result-writer';

interface Log {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * The engine's view of a database outage, so that it is told once, not once a tick: one warning
 * when the database goes away, one line when it is back (duration, results produced and
 * buffered meanwhile), and one warning per outage when the buffer starts dropping results.
 */
export class OutageTracker {
  private since: number | null = null;
  private runs = 0;
  private droppedAtStart = 0;
  private dropWarned = false;

  constructor(
    private readonly logger: Log,
    private readonly stats: () => ResultWriterStats,
    private readonly now: () => Date,
  ) {}

  get down(): boolean {
    return this.since !== null;
  }

  enter(err: unknown, scheduled: number): void {
    if (this.since !== null) return;
    this.since = this.now().getTime();
    this.runs = 0;
    this.droppedAtStart = this.stats().dropped;
    this.logger.warn(
      `PostgreSQL unreachable (${err instanceof Error ? err.message : String(err)}): checks run on ` +
        `from the in-memory schedule (${scheduled} checks); results are buffered until it returns`,
    );
  }

  /** A check was started from the in-memory schedule. */
  ran(): void {
    this.runs++;
  }

  dropped(spoolMaxBytes: number | undefined): void {
    if (this.dropWarned) return;
    this.dropWarned = true;
    this.logger.warn(
      `result buffer full (${spoolMaxBytes ? `spool at ${spoolMaxBytes} bytes` : 'memory queue'}): ` +
        'results are being dropped and counted (netwatch_results_dropped_total)',
    );
  }

  leave(restoredDue: number): void {
    if (this.since === null) return;
    const seconds = Math.round((this.now().getTime() - this.since) / 1000);
    const s = this.stats();
    this.logger.log(
      `PostgreSQL is back after ${seconds} s: ${this.runs} checks run from memory meanwhile; ` +
        `${s.queued + s.spooled} results buffered (${s.spooled} on disk, ${s.spoolBytes} bytes) ` +
        `are being written; ${s.dropped - this.droppedAtStart} dropped; ${restoredDue} next-due times restored`,
    );
    this.since = null;
    this.dropWarned = false;
  }
}
