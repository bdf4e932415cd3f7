import { lang } from './i18n';

/** Times are shown in the province's time zone whatever the browser's. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const locale = () => (lang() === 'vi' ? 'vi-VN' : 'en-GB');

export function fmtDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(locale(), {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function fmtDate(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleDateString(locale(), { timeZone: TIME_ZONE });
}

export function fmtTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleTimeString(locale(), { timeZone: TIME_ZONE });
}

export function fmtNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(locale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function fmtPercent(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return `${fmtNumber(n, digits)} %`;
}

/** A duration in seconds as "2 h 05 min" / "3 ngày 4 giờ"-style short text. */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const vi = lang() === 'vi';
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return vi ? `${d} ngày ${h} giờ` : `${d} d ${h} h`;
  if (h) return vi ? `${h} giờ ${m} phút` : `${h} h ${m} min`;
  if (m) return vi ? `${m} phút` : `${m} min`;
  return vi ? `${s} giây` : `${s} s`;
}
