/**
 * Maintenance windows: one-off (start, end) or recurring (days of the week, a local start time,
 * a duration, a time zone). Pure; the caller resolves which objects and units a check belongs
 * to and passes them as refs.
 *
 * Recurrence is deliberately not cron: "every Sunday 01:00 for 2 hours in Asia/Ho_Chi_Minh" is
 * `{ daysOfWeek: [0], startTime: '01:00', durationMinutes: 120, timezone: 'Asia/Ho_Chi_Minh' }`.
 * That covers the maintenance schedules operators write and has no cron corner cases (day-of-month
 * OR day-of-week, step syntax) to get wrong.
 */

/** Object types a window can target directly. A unit is targeted as a subtree (`unit_subtree`). */
export const MAINTENANCE_OBJECT_TYPES = [
  'check',
  'site',
  'device',
  'interface',
  'circuit',
  'service',
] as const;
export type MaintenanceObjectType = (typeof MAINTENANCE_OBJECT_TYPES)[number];

export type MaintenanceTarget =
  | { kind: 'object'; objectType: MaintenanceObjectType; objectId: string }
  /** The unit and every unit below it, with everything that belongs to them. */
  | { kind: 'unit_subtree'; unitId: string };

export interface OneOffSchedule {
  kind: 'one_off';
  startsAt: Date;
  /** Exclusive. */
  endsAt: Date;
}

export interface RecurringSchedule {
  kind: 'recurring';
  /** 0 = Sunday … 6 = Saturday, in `timezone`. */
  daysOfWeek: number[];
  /** Local `HH:MM` (24-hour) in `timezone`. */
  startTime: string;
  /** 1 to 10080 (one week). A window may run past midnight and past the end of the week. */
  durationMinutes: number;
  /** `UTC`, a fixed offset (`+07:00`, `-0330`) or an IANA zone (`Asia/Ho_Chi_Minh`). */
  timezone: string;
}

export interface MaintenanceWindow {
  id: string;
  name: string;
  target: MaintenanceTarget;
  schedule: OneOffSchedule | RecurringSchedule;
}

/**
 * What a check belongs to: its own object(s) (`{ type: 'device', id }`, `{ type: 'check', id }`)
 * and, as `{ type: 'unit', id }`, its unit and every ancestor unit.
 */
export interface ObjectRef {
  type: string;
  id: string;
}

export interface ActiveWindow {
  window: MaintenanceWindow;
  /** The occurrence that covers the instant asked about. */
  startsAt: Date;
  endsAt: Date;
}

export const MAX_DURATION_MINUTES = 7 * 24 * 60;
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const START_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

function fixedOffsetMinutes(timezone: string): number | null {
  if (timezone === 'UTC' || timezone === 'Z') return 0;
  const m = FIXED_OFFSET.exec(timezone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Whether `timezone` is a fixed offset or a zone this Node.js knows. */
export function isValidTimezone(timezone: string): boolean {
  if (fixedOffsetMinutes(timezone) !== null) return true;
  if (FIXED_OFFSET.test(timezone)) return false;
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** Minutes to add to UTC to get local time in `timezone` at `instant`. */
export function offsetMinutesAt(timezone: string, instant: number): number {
  const fixed = fixedOffsetMinutes(timezone);
  if (fixed !== null) return fixed;
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  const truncated = instant - (((instant % 1000) + 1000) % 1000);
  return Math.round((asUtc - truncated) / MINUTE);
}

/**
 * The instant of a local wall-clock time. Exact for fixed offsets and zones without daylight
 * saving (Asia/Ho_Chi_Minh); in a DST gap or overlap it picks one of the candidates.
 */
function localToInstant(
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
  timezone: string,
): number {
  const wall = Date.UTC(year, month, day) + minuteOfDay * MINUTE;
  const first = wall - offsetMinutesAt(timezone, wall) * MINUTE;
  const second = offsetMinutesAt(timezone, first);
  return wall - second * MINUTE;
}

/** The occurrence of a recurring schedule that covers `at`, if any. */
export function recurringOccurrence(
  schedule: RecurringSchedule,
  at: Date,
): { startsAt: Date; endsAt: Date } | null {
  const m = START_TIME.exec(schedule.startTime);
  if (!m) throw new RangeError(`startTime must be HH:MM, got "${schedule.startTime}"`);
  const startMinute = Number(m[1]) * 60 + Number(m[2]);
  const t = at.getTime();
  const local = new Date(t + offsetMinutesAt(schedule.timezone, t) * MINUTE);
  // An occurrence that started d local days ago can still run if d <= duration in days.
  const daysBack = Math.ceil(schedule.durationMinutes / DAY_MINUTES) + 1;
  for (let d = 0; d <= daysBack; d += 1) {
    const day = new Date(
      Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - d),
    );
    if (!schedule.daysOfWeek.includes(day.getUTCDay())) continue;
    const start = localToInstant(
      day.getUTCFullYear(),
      day.getUTCMonth(),
      day.getUTCDate(),
      startMinute,
      schedule.timezone,
    );
    const end = start + schedule.durationMinutes * MINUTE;
    if (start <= t && t < end) return { startsAt: new Date(start), endsAt: new Date(end) };
  }
  return null;
}

/** The occurrence of a window that covers `at` (start inclusive, end exclusive), if any. */
export function occurrenceAt(
  window: MaintenanceWindow,
  at: Date,
): { startsAt: Date; endsAt: Date } | null {
  const s = window.schedule;
  if (s.kind === 'one_off') {
    const t = at.getTime();
    return s.startsAt.getTime() <= t && t < s.endsAt.getTime()
      ? { startsAt: s.startsAt, endsAt: s.endsAt }
      : null;
  }
  return recurringOccurrence(s, at);
}

function targets(target: MaintenanceTarget, refs: readonly ObjectRef[]): boolean {
  if (target.kind === 'object') {
    return refs.some((r) => r.type === target.objectType && r.id === target.objectId);
  }
  return refs.some((r) => r.type === 'unit' && r.id === target.unitId);
}

/** The windows that cover a check with these refs at `at`, in the order given. */
export function activeWindows(
  windows: readonly MaintenanceWindow[],
  objectRefs: readonly ObjectRef[],
  at: Date,
): ActiveWindow[] {
  const out: ActiveWindow[] = [];
  for (const window of windows) {
    if (!targets(window.target, objectRefs)) continue;
    const occurrence = occurrenceAt(window, at);
    if (occurrence) out.push({ window, ...occurrence });
  }
  return out;
}

/** Everything wrong with a window, as messages naming the field; empty when it is valid. */
export function validateMaintenanceWindow(window: MaintenanceWindow): string[] {
  const errors: string[] = [];
  if (window.name.trim() === '') errors.push('name: must not be empty');
  const t = window.target;
  if (t.kind === 'object' && !MAINTENANCE_OBJECT_TYPES.includes(t.objectType)) {
    errors.push(`target.objectType: must be one of ${MAINTENANCE_OBJECT_TYPES.join(', ')}`);
  }
  const s = window.schedule;
  if (s.kind === 'one_off') {
    if (Number.isNaN(s.startsAt.getTime()) || Number.isNaN(s.endsAt.getTime())) {
      errors.push('startsAt/endsAt: must be valid times');
    } else if (s.endsAt.getTime() <= s.startsAt.getTime()) {
      errors.push('endsAt: must be after startsAt');
    }
    return errors;
  }
  if (
    s.daysOfWeek.length === 0 ||
    s.daysOfWeek.some((d) => !Number.isInteger(d) || d < 0 || d > 6) ||
    new Set(s.daysOfWeek).size !== s.daysOfWeek.length
  ) {
    errors.push('daysOfWeek: must be distinct integers from 0 (Sunday) to 6 (Saturday)');
  }
  if (!START_TIME.test(s.startTime)) errors.push('startTime: must be HH:MM (00:00 to 23:59)');
  if (
    !Number.isInteger(s.durationMinutes) ||
    s.durationMinutes < 1 ||
    s.durationMinutes > MAX_DURATION_MINUTES
  ) {
    errors.push(`durationMinutes: must be an integer from 1 to ${MAX_DURATION_MINUTES}`);
  }
  if (!isValidTimezone(s.timezone)) {
    errors.push(`timezone: unknown time zone "${s.timezone}"`);
  }
  return errors;
}
