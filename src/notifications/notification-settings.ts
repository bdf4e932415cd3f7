/** Settings of notifications and reminders (defaults below; README.md beside this file). */
export interface NotificationSettings {
  /** Run the sender and the reminder scanner in this process. */
  enabled: boolean;
  /** Base URL of this service as people reach it; incident links in messages start with it. */
  publicUrl: string;
  /** How often the sender looks for due messages. */
  pollMs: number;
  /** First retry delay; doubles per attempt up to `backoffMaxSeconds` (±20 % jitter). */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** Attempts before a message is marked `failed` (it stays listed and can be retried by hand). */
  maxAttempts: number;
  /** Storm control: at most this many messages per channel within `stormWindowSeconds`... */
  stormThreshold: number;
  /** ...beyond it, what is due is grouped into one digest message. */
  stormWindowSeconds: number;
  /** Remind about an incident still `open` this long after opening, then as often again; 0: off. */
  unacknowledgedReminderMinutes: number;
  /** At most this many unacknowledged reminders per incident. */
  unacknowledgedReminderMax: number;
  /** Remind this long before the upward report deadline when the report is not recorded; 0: off. */
  reportReminderHours: number;
  /** How often reminders are looked for. */
  reminderScanSeconds: number;
  /** The clock (tests inject one). */
  now: () => Date;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  enabled: true,
  publicUrl: '',
  pollMs: 2000,
  backoffBaseSeconds: 10,
  backoffMaxSeconds: 900,
  maxAttempts: 50,
  stormThreshold: 5,
  stormWindowSeconds: 300,
  unacknowledgedReminderMinutes: 30,
  unacknowledgedReminderMax: 3,
  reportReminderHours: 24,
  reminderScanSeconds: 60,
  now: () => new Date(),
};

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

export function resolveNotificationSettings(
  partial: Partial<NotificationSettings> = {},
): NotificationSettings {
  const s = { ...DEFAULT_NOTIFICATION_SETTINGS, ...partial };
  const positive: (keyof NotificationSettings)[] = [
    'pollMs',
    'backoffBaseSeconds',
    'backoffMaxSeconds',
    'maxAttempts',
    'stormThreshold',
    'stormWindowSeconds',
    'reminderScanSeconds',
    'unacknowledgedReminderMax',
  ];
  for (const key of positive) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new RangeError(`notifications.${key} must be a positive integer, got ${String(v)}`);
  }
  for (const key of ['unacknowledgedReminderMinutes', 'reportReminderHours'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 0)
      throw new RangeError(`notifications.${key} must be an integer ≥ 0, got ${s[key]}`);
  }
  if (s.backoffMaxSeconds < s.backoffBaseSeconds)
    throw new RangeError('notifications.backoffMaxSeconds must be ≥ backoffBaseSeconds');
  return s;
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (≥ 1). */
export function backoffMs(
  attempts: number,
  s: Pick<NotificationSettings, 'backoffBaseSeconds' | 'backoffMaxSeconds'>,
  random = Math.random,
): number {
  const exp = Math.min(s.backoffBaseSeconds * 2 ** Math.max(0, attempts - 1), s.backoffMaxSeconds);
  // Jitter spreads the retries of many messages that failed together (one receiver down).
  return Math.round(exp * 1000 * (0.8 + 0.4 * random()));
}
