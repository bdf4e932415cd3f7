import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { nextCronRun } from '../../monitoring/scheduler/due';
import { REPORTS_CLOCK } from '../reports.controller';
import { ReportRun, ReportRunner } from './report-runner';
import { periodBefore, REPORT_TIME_ZONE, ReportSchedule } from './schedules';

export const REPORT_SCHEDULES = Symbol('REPORT_SCHEDULES');

/** Slots are looked for at most this often (the engine ticks every second). */
const CHECK_EVERY_MS = 5_000;
/** Missed slots are walked through at most this many steps (then the latest is taken). */
const MAX_SLOT_STEPS = 10_000;

/**
 * Runs the report schedules on the monitoring engine's ticks, so they run only in the one
 * elected scheduler. Each schedule remembers the last slot it handled
 * (`report_schedule_state`): a slot passes once; after downtime only the latest missed slot is
 * generated; on first sight a schedule starts from now (no backfill of the past).
 */
@Injectable()
export class ReportScheduler implements OnModuleDestroy {
  private readonly logger = new Logger('Reports');
  private running: Promise<ReportRun[]> | null = null;
  private lastCheck = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ReportRunner,
    @Inject(REPORT_SCHEDULES) readonly schedules: readonly ReportSchedule[],
    @Inject(REPORTS_CLOCK) private readonly now: () => Date,
  ) {}

  /** Lets a run in progress finish before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    await this.running;
  }

  attach(engine: EventEmitter): void {
    engine.on('tick', () => {
      if (Date.now() - this.lastCheck < CHECK_EVERY_MS) return;
      this.lastCheck = Date.now();
      void this.tick();
    });
  }

  /** Handles every due slot once; runs already in progress are not started twice. */
  async tick(): Promise<ReportRun[]> {
    if (this.running) return [];
    this.running = this.runDue().catch((err: unknown) => {
      this.logger.error(`report schedules failed: ${(err as Error).message}`);
      return [];
    });
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** The next slot of each schedule (for the API). */
  async nextRuns(): Promise<{ schedule: ReportSchedule; lastSlot: Date | null; nextRun: Date }[]> {
    const states = await this.states();
    const now = this.now();
    return this.schedules.map((schedule) => {
      const last = states.get(schedule.name) ?? null;
      return {
        schedule,
        lastSlot: last,
        nextRun: nextCronRun(schedule.cron, last && last > now ? last : now, REPORT_TIME_ZONE),
      };
    });
  }

  private async states(): Promise<Map<string, Date>> {
    const rows: { name: string; last_slot: Date }[] = await this.dataSource.query(
      `SELECT name, last_slot FROM report_schedule_state`,
    );
    return new Map(rows.map((r) => [r.name, new Date(r.last_slot)]));
  }

  private async runDue(): Promise<ReportRun[]> {
    const now = this.now();
    const states = await this.states();
    const runs: ReportRun[] = [];
    for (const schedule of this.schedules) {
      const last = states.get(schedule.name);
      if (!last) {
        await this.dataSource.query(
          `INSERT INTO report_schedule_state (name, last_slot) VALUES ($1, $2)
           ON CONFLICT (name) DO NOTHING`,
          [schedule.name, now],
        );
        continue;
      }
      let slot = nextCronRun(schedule.cron, last, REPORT_TIME_ZONE);
      if (slot > now) continue;
      for (let i = 0; i < MAX_SLOT_STEPS; i++) {
        const next = nextCronRun(schedule.cron, slot, REPORT_TIME_ZONE);
        if (next > now) break;
        slot = next;
      }
      const period = periodBefore(schedule.period, slot);
      this.logger.log(
        `schedule ${schedule.name}: generating the report for ${period.from.toISOString()} – ${period.to.toISOString()}`,
      );
      try {
        const { run } = await this.runner.run({
          scheduleName: schedule.name,
          period,
          unit: schedule.unit,
          languages: schedule.languages,
          formats: schedule.formats,
          requestedBy: `schedule:${schedule.name}`,
          email: schedule.email.channel ? schedule.email : undefined,
        });
        runs.push(run);
      } catch (err) {
        // A request the runner refuses (unknown unit or channel) will not get better by
        // retrying this slot: say so and move on to the next one.
        this.logger.error(`schedule ${schedule.name}: ${(err as Error).message}`);
      }
      await this.dataSource.query(
        `UPDATE report_schedule_state SET last_slot = $2 WHERE name = $1`,
        [schedule.name, slot],
      );
    }
    return runs;
  }
}
