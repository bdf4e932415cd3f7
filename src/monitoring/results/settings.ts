import { ValidationError } from '../../common/errors';

/** How long each tier is kept. Retention drops whole partitions (partition-manager.ts). */
export interface RetentionSettings {
  /** Raw results (`check_results`), in days. A daily partition goes once all of it is older. */
  rawDays: number;
  /** Hourly rollups, in days. A monthly partition goes once all of it is older. */
  hourlyDays: number;
  /** Daily rollups, in calendar years. A yearly partition goes once all of it is older. */
  dailyYears: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { rawDays: 30, hourlyDays: 400, dailyYears: 5 };

/** Checks that every named setting is an integer in [min, max]; names the first bad one. */
export function checkIntegers(
  values: Record<string, number>,
  limits: Record<string, [number, number]>,
): void {
  for (const [key, [min, max]] of Object.entries(limits)) {
    const v = values[key];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new ValidationError(`${key}: must be an integer from ${min} to ${max}, got ${v}`, [
        { field: key, message: `must be an integer from ${min} to ${max}` },
      ]);
    }
  }
}

export function retentionSettings(partial: Partial<RetentionSettings> = {}): RetentionSettings {
  const s = { ...DEFAULT_RETENTION, ...partial };
  checkIntegers({ ...s }, { rawDays: [1, 3650], hourlyDays: [1, 36500], dailyYears: [1, 100] });
  return s;
}
