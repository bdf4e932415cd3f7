import type {
  IncidentSummary,
  Language,
  NotificationEvent,
  NotificationItem,
  NotificationMessage,
} from '../notification.types';
import { labelsFor, type Labels } from './labels';

/** Every message's times are shown in Vietnam's zone (UTC+7), whatever the server's zone. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const SUBJECT_TITLE_MAX = 120;
const DESCRIPTION_MAX = 1500;
const ELLIPSIS = '…';

export interface RenderedText {
  subject: string;
  text: string;
}

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending with an ellipsis when cut, never
 * splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, Math.max(end, 0)).trimEnd() + ELLIPSIS;
}

/** Whitespace and control characters collapsed to single spaces: safe on one line. */
export function oneLine(text: string, max = Infinity): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return truncate(line, max);
}

/** Control characters removed except line breaks and tabs; CRLF and CR become LF. */
function multiLine(text: string, max: number): string {
  const cleaned = text
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .trim();
  return truncate(cleaned, max);
}

/** "08:05 ngày 02/03/2026 (GMT+7)" / "02/03/2026 08:05 (GMT+7)". */
export function formatTime(date: Date, language: Language): string {
  const labels = labelsFor(language);
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '—';
  const parts = new Intl.DateTimeFormat(labels.locale, {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const values: Record<string, string> = {
    day: part('day'),
    month: part('month'),
    year: part('year'),
    hour: part('hour'),
    minute: part('minute'),
    zone: part('timeZoneName'),
  };
  return labels.timePattern.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
}

export function eventLabel(event: NotificationEvent, language: Language): string {
  return labelsFor(language).events[event] ?? event;
}

export function severityLabel(severity: number, language: Language): string {
  return labelsFor(language).severities[severity as 1 | 2 | 3 | 4] ?? String(severity);
}

export function categoryLabel(category: string, language: Language): string {
  const categories = labelsFor(language).categories;
  return Object.hasOwn(categories, category) ? categories[category] : category;
}

export function statusLabel(status: string, language: Language): string {
  const statuses = labelsFor(language).statuses;
  return Object.hasOwn(statuses, status) ? statuses[status] : status;
}

function unitText(incident: IncidentSummary): string | null {
  const name = incident.unitName ? oneLine(incident.unitName, 200) : '';
  const code = incident.unitCode ? oneLine(incident.unitCode, 64) : '';
  if (name && code) return `${name} (${code})`;
  return name || code || null;
}

const isDigest = (message: NotificationMessage) => message.items.length !== 1;

const SHOWS_REPORT_DEADLINE: readonly NotificationEvent[] = ['report_due', 'report_overdue'];

/** The label/value rows of a single-item message, in display order (values are plain text). */
function rows(item: NotificationItem, language: Language, labels: Labels): [string, string][] {
  const { incident, event } = item;
  const f = labels.fields;
  const out: [string, string][] = [
    [f.incident, `#${incident.number} ${oneLine(incident.title)}`],
    [f.event, eventLabel(event, language)],
    [f.severity, `${incident.severity} – ${severityLabel(incident.severity, language)}`],
    [f.category, categoryLabel(incident.category, language)],
    [f.status, statusLabel(incident.status, language)],
  ];
  const unit = unitText(incident);
  if (unit) out.push([f.unit, unit]);
  out.push([f.openedAt, formatTime(incident.openedAt, language)]);
  if (event !== 'opened') out.push([f.eventAt, formatTime(item.at, language)]);
  if (SHOWS_REPORT_DEADLINE.includes(event)) {
    const due = formatTime(incident.reportDueAt, language);
    out.push([f.reportDueAt, event === 'report_overdue' ? `${due} – ${labels.overdueMark}` : due]);
  }
  out.push([f.assignee, incident.assignee ? oneLine(incident.assignee, 200) : labels.unassigned]);
  return out;
}

function singleSubject(item: NotificationItem, language: Language, labels: Labels): string {
  const { incident } = item;
  return (
    `[NetWatch] #${incident.number} ${labels.severityShort(incident.severity)} – ` +
    `${eventLabel(item.event, language)}: ${oneLine(incident.title, SUBJECT_TITLE_MAX)}`
  );
}

function digestSubject(message: NotificationMessage, labels: Labels): string {
  const n = message.items.length;
  const allNew = n > 0 && message.items.every((i) => i.event === 'opened');
  const head = allNew ? labels.digestNew(n) : labels.digestEvents(n);
  const highest = n > 0 ? Math.min(...message.items.map((i) => i.incident.severity)) : null;
  return `[NetWatch] ${head}${highest === null ? '' : labels.digestHighest(highest)}`;
}

/** One digest line: "#42 Mức 1 – Mở sự cố: title · unit · time · url". */
function digestLine(item: NotificationItem, language: Language, labels: Labels): string {
  const { incident } = item;
  const parts = [
    `#${incident.number} ${labels.severityShort(incident.severity)} – ` +
      `${eventLabel(item.event, language)}: ${oneLine(incident.title, SUBJECT_TITLE_MAX)}`,
  ];
  const unit = unitText(incident);
  if (unit) parts.push(unit);
  parts.push(formatTime(item.at, language));
  if (incident.url) parts.push(oneLine(incident.url));
  return parts.join(' · ');
}

/** Subject and plain-text body (e-mail text part, Telegram, Zalo). The body starts with the subject. */
export function renderText(message: NotificationMessage, language: Language): RenderedText {
  const labels = labelsFor(language);
  if (isDigest(message)) {
    const subject = digestSubject(message, labels);
    const lines = [
      subject,
      '',
      labels.digestIntro(message.items.length),
      '',
      ...message.items.map((item) => `• ${digestLine(item, language, labels)}`),
      '',
      labels.footer,
    ];
    return { subject, text: lines.join('\n') };
  }
  const item = message.items[0];
  const subject = singleSubject(item, language, labels);
  const lines = [subject, '', labels.leads[item.event] ?? '', ''];
  for (const [label, value] of rows(item, language, labels)) lines.push(`${label}: ${value}`);
  const description = multiLine(item.incident.description ?? '', DESCRIPTION_MAX);
  if (description) lines.push('', `${labels.fields.description}:`, description);
  if (item.incident.url) lines.push('', `${labels.fields.url}: ${oneLine(item.incident.url)}`);
  lines.push('', labels.footer);
  return { subject, text: lines.join('\n') };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** A link only for http(s) URLs; anything else is shown as text. */
function link(url: string, label: string): string {
  const clean = oneLine(url);
  return /^https?:\/\//i.test(clean)
    ? `<a href="${escapeHtml(clean)}">${escapeHtml(label)}</a>`
    : escapeHtml(clean);
}

const STYLE = {
  body: 'font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222',
  table: 'border-collapse:collapse',
  th: 'text-align:left;padding:4px 12px 4px 0;vertical-align:top;color:#555',
  td: 'padding:4px 12px 4px 0;vertical-align:top',
  pre: 'white-space:pre-wrap;font-family:inherit;margin:0',
  footer: 'color:#777;font-size:12px',
};

/** The e-mail HTML part. Every value from the message is escaped. */
export function renderHtml(message: NotificationMessage, language: Language): string {
  const labels = labelsFor(language);
  const { subject } = renderText(message, language);
  const out: string[] = [
    '<!DOCTYPE html>',
    `<html lang="${language}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    `<h2>${escapeHtml(subject)}</h2>`,
  ];
  if (isDigest(message)) {
    const f = labels.fields;
    out.push(
      `<p>${escapeHtml(labels.digestIntro(message.items.length))}</p>`,
      `<table style="${STYLE.table}">`,
      '<tr>' +
        [f.incident, f.severity, f.event, f.title, f.unit, f.time]
          .map((h) => `<th style="${STYLE.th}">${escapeHtml(h)}</th>`)
          .join('') +
        '</tr>',
    );
    for (const item of message.items) {
      const { incident } = item;
      const number = `#${incident.number}`;
      const cells = [
        incident.url ? link(incident.url, number) : escapeHtml(number),
        escapeHtml(`${incident.severity} – ${severityLabel(incident.severity, language)}`),
        escapeHtml(eventLabel(item.event, language)),
        escapeHtml(oneLine(incident.title, SUBJECT_TITLE_MAX)),
        escapeHtml(unitText(incident) ?? ''),
        escapeHtml(formatTime(item.at, language)),
      ];
      out.push('<tr>' + cells.map((c) => `<td style="${STYLE.td}">${c}</td>`).join('') + '</tr>');
    }
    out.push('</table>');
  } else {
    const item = message.items[0];
    out.push(
      `<p>${escapeHtml(labels.leads[item.event] ?? '')}</p>`,
      `<table style="${STYLE.table}">`,
    );
    for (const [label, value] of rows(item, language, labels)) {
      out.push(
        `<tr><th style="${STYLE.th}">${escapeHtml(label)}</th>` +
          `<td style="${STYLE.td}">${escapeHtml(value)}</td></tr>`,
      );
    }
    out.push('</table>');
    const description = multiLine(item.incident.description ?? '', DESCRIPTION_MAX);
    if (description) {
      out.push(
        `<h3>${escapeHtml(labels.fields.description)}</h3>`,
        `<pre style="${STYLE.pre}">${escapeHtml(description)}</pre>`,
      );
    }
    if (item.incident.url) out.push(`<p>${link(item.incident.url, labels.fields.url)}</p>`);
  }
  out.push(`<p style="${STYLE.footer}">${escapeHtml(labels.footer)}</p>`, '</body>', '</html>');
  return out.join('\n');
}
