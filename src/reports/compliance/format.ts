import { formatDuration } from '../../incidents/report/report-format';
import { DAY_MS, VIETNAM_OFFSET_MS } from './period';

/**
 * Numbers and dates of the rendered compliance report, per language. Written by hand rather
 * than with Intl so the output does not depend on the ICU data Node was built with (the same
 * report must give the same bytes everywhere):
 *
 * - numbers: at most 2 decimals, trailing zeros dropped; vi "1.440,5" (dot thousands, comma
 *   decimals), en "1,440.5";
 * - percentages: vi "99,95 %" (a no-break space before the sign, as Vietnamese typesetting
 *   does), en "99.95%";
 * - dates in Asia/Ho_Chi_Minh (UTC+7 all year): vi "01/11/2026", en "1 Nov 2026"; times
 *   "01/11/2026 14:05" / "1 Nov 2026 14:05".
 */

export type RenderLang = 'vi' | 'en';

/** The placeholder of a missing value. */
export const DASH = '—';
/** No-break space: keeps "99,95 %" on one line. */
const NBSP = '\u00a0';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A number with at most `decimals` decimals (trailing zeros dropped), grouped per language. */
export function formatNumber(value: number | null, lang: RenderLang, decimals = 2): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  const fixed = Math.abs(value).toFixed(decimals);
  const negative = value < 0 && /[1-9]/.test(fixed);
  let [int, frac = ''] = fixed.split('.');
  frac = frac.replace(/0+$/, '');
  const group = lang === 'vi' ? '.' : ',';
  int = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? '-' : ''}${int}${frac ? (lang === 'vi' ? ',' : '.') + frac : ''}`;
}

/** "99,95 %" / "99.95%". */
export function formatPercent(value: number | null, lang: RenderLang): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return lang === 'vi' ? `${formatNumber(value, lang)}${NBSP}%` : `${formatNumber(value, lang)}%`;
}

/** A change with its sign: "+50", "-3,2", "0"; null: the dash. */
export function formatChange(value: number | null, lang: RenderLang): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  const text = formatNumber(value, lang);
  return value > 0 && text !== '0' ? `+${text}` : text;
}

function local(value: string | Date): Date {
  return new Date(new Date(value).getTime() + VIETNAM_OFFSET_MS);
}
const two = (n: number) => String(n).padStart(2, '0');

/** A date in Vietnam time: "01/11/2026" / "1 Nov 2026". */
export function formatDate(value: string | Date, lang: RenderLang): string {
  const d = local(value);
  return lang === 'vi'
    ? `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
    : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A time in Vietnam time: "01/11/2026 14:05" / "1 Nov 2026 14:05". */
export function formatDateTime(value: string | Date, lang: RenderLang): string {
  const d = local(value);
  return `${formatDate(value, lang)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

const isLocalMidnight = (value: string | Date) =>
  (new Date(value).getTime() + VIETNAM_OFFSET_MS) % DAY_MS === 0;

/**
 * A period [from, to): whole local days as "02/03/2026 – 03/03/2026" (the last day shown is
 * the day before the exclusive end); otherwise both times.
 */
export function formatPeriod(from: string | Date, to: string | Date, lang: RenderLang): string {
  if (isLocalMidnight(from) && isLocalMidnight(to)) {
    const last = new Date(new Date(to).getTime() - DAY_MS);
    const a = formatDate(from, lang);
    const b = formatDate(last, lang);
    return a === b ? a : `${a} – ${b}`;
  }
  return `${formatDateTime(from, lang)} – ${formatDateTime(to, lang)}`;
}

/** Minutes: "1.440 phút" / "1,440 min". */
export function formatMinutes(value: number | null, lang: RenderLang): string {
  if (value === null) return DASH;
  return `${formatNumber(value, lang)} ${lang === 'vi' ? 'phút' : 'min'}`;
}

/** A duration in seconds: "1 ngày 2 giờ 5 phút" / "1 d 2 h 5 min"; null: the dash. */
export function formatSeconds(value: number | null, lang: RenderLang): string {
  return value === null ? DASH : formatDuration(value, lang);
}
