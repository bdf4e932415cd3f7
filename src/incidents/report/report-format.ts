import { REPORT_LABELS, ReportLang } from './incident-report.labels';

const PARTS = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = PARTS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    PARTS.set(timeZone, f);
  }
  return f;
}

function parts(date: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    formatter(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
}

/** The zone's offset at `date` as "UTC+07:00". */
export function utcOffset(date: Date, timeZone: string): string {
  const name = parts(date, timeZone).timeZoneName ?? 'GMT';
  return name === 'GMT' ? 'UTC+00:00' : name.replace('GMT', 'UTC');
}

/**
 * A time in `timeZone`: Vietnamese "02/03/2026 15:00", English "2026-03-02 15:00"; with
 * `withZone` the offset follows, e.g. "02/03/2026 15:00 (UTC+07:00)".
 */
export function formatDateTime(
  value: string | Date,
  lang: ReportLang,
  timeZone: string,
  withZone = true,
): string {
  const date = new Date(value);
  const p = parts(date, timeZone);
  const text =
    lang === 'vi'
      ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`
      : `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  return withZone ? `${text} (${utcOffset(date, timeZone)})` : text;
}

/** "1 ngày 2 giờ 5 phút" / "1 d 2 h 5 min"; under a minute in seconds. */
export function formatDuration(seconds: number, lang: ReportLang): string {
  const u = REPORT_LABELS[lang].units;
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} ${u.second}`;
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const out: string[] = [];
  if (days) out.push(`${days} ${u.day}`);
  if (hours) out.push(`${hours} ${u.hour}`);
  if (minutes || !out.length) out.push(`${minutes} ${u.minute}`);
  return out.join(' ');
}
