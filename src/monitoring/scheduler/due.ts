import { createHash } from 'node:crypto';
import { createTask, validate } from 'node-cron';

export interface Schedule {
  /** Fixed interval in seconds; or a cron expression (node-cron syntax, 5 or 6 fields). */
  intervalSeconds?: number;
  cron?: string;
  /** Time zone for cron, e.g. Asia/Ho_Chi_Minh. */
  timezone?: string;
}

/** A stable fraction in [0, 1) per check, so the same check always lands at the same offset. */
export function spreadFraction(checkId: string): number {
  return createHash('sha1').update(checkId).digest().readUInt32BE(0) / 2 ** 32;
}

export function assertSchedule(s: Schedule): void {
  if (s.cron !== undefined) {
    if (!validate(s.cron)) throw new Error(`invalid cron expression "${s.cron}"`);
  } else if (!s.intervalSeconds || s.intervalSeconds < 1) {
    throw new Error('a schedule needs intervalSeconds ≥ 1 or a cron expression');
  }
}

/**
 * The next cron occurrence strictly after `after`. node-cron's own "next run" counts from the
 * real clock; the scheduler needs it from any instant (injected clocks, resumed schedules), so
 * we walk forward with its public `match()`: minute by minute, second by second only for
 * six-field expressions. Bounded at one year plus a day.
 */
export function nextCronRun(cron: string, after: Date, timezone?: string): Date {
  const task = createTask(cron, () => undefined, { timezone });
  const withSeconds = cron.trim().split(/\s+/).length === 6;
  try {
    const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
    const limit = start + 367 * 86_400_000;
    for (let minute = Math.floor(start / 60_000) * 60_000; minute < limit; minute += 60_000) {
      if (!withSeconds) {
        if (minute >= start && task.match(new Date(minute))) return new Date(minute);
        continue;
      }
      for (let t = Math.max(minute, start); t < minute + 60_000; t += 1000) {
        if (task.match(new Date(t))) return new Date(t);
      }
    }
    throw new Error(`"${cron}" has no run within a year after ${after.toISOString()}`);
  } finally {
    void task.destroy();
  }
}

/**
 * When a check is next due. Intervals get a per-check jitter (up to `jitterFraction` of the
 * interval) so checks created together spread out instead of running in bursts.
 */
export function nextDue(s: Schedule, checkId: string, lastRunAt: Date, jitterFraction = 0.1): Date {
  if (s.cron !== undefined) return nextCronRun(s.cron, lastRunAt, s.timezone);
  const intervalMs = (s.intervalSeconds ?? 60) * 1000;
  const jitter = (spreadFraction(checkId) - 0.5) * jitterFraction * intervalMs;
  return new Date(lastRunAt.getTime() + intervalMs + jitter);
}

/**
 * On (re)start: a check whose due time is in the past is not run at once with every other
 * overdue check; it is placed at its own stable offset within the next interval. A check due
 * in the future keeps its time, so a restart neither bursts nor runs anything twice.
 */
export function resumeDue(s: Schedule, checkId: string, storedDue: Date | null, now: Date): Date {
  if (storedDue && storedDue.getTime() > now.getTime()) return storedDue;
  if (s.cron !== undefined) return nextCronRun(s.cron, now, s.timezone);
  const intervalMs = (s.intervalSeconds ?? 60) * 1000;
  return new Date(now.getTime() + spreadFraction(checkId) * intervalMs);
}
