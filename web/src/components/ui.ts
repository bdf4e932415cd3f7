import type { ComponentChildren } from 'preact';
import { ApiError } from '../lib/api';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';

const t = messages({
  vi: {
    loading: 'Đang tải…',
    previous: 'Trang trước',
    next: 'Trang sau',
    range: '{from}–{to} trên {total}',
    none: 'Không có dữ liệu.',
    up: 'Hoạt động',
    down: 'Lỗi',
    degraded: 'Suy giảm',
    unreachable: 'Không tới được',
    not_tested: 'Chưa kiểm tra',
    unknown: 'Không rõ',
    maintenance: 'Bảo trì',
  },
  en: {
    loading: 'Loading…',
    previous: 'Previous page',
    next: 'Next page',
    range: '{from}–{to} of {total}',
    none: 'Nothing to show.',
    up: 'Up',
    down: 'Down',
    degraded: 'Degraded',
    unreachable: 'Unreachable',
    not_tested: 'Not tested',
    unknown: 'Unknown',
    maintenance: 'Maintenance',
  },
});

const STATES = [
  'up',
  'down',
  'degraded',
  'unreachable',
  'not_tested',
  'unknown',
  'maintenance',
] as const;
export type CheckState = (typeof STATES)[number];

export function stateLabel(state: string): string {
  return (STATES as readonly string[]).includes(state) ? t(state as CheckState) : state;
}

/** A check state as a coloured badge with its word (colour is never the only cue). */
export function StateBadge({ state }: { state: string }) {
  return html`<span class=${`badge state-${state}`}>${stateLabel(state)}</span>`;
}

export function Loading() {
  return html`<p class="muted" role="status">${t('loading')}</p>`;
}

export function Empty({ children }: { children?: ComponentChildren }) {
  return html`<p class="muted">${children ?? t('none')}</p>`;
}

/** An API error with the fields it names, announced to screen readers. */
export function ErrorBox({ error }: { error?: Error | null }) {
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return html`<div class="error" role="alert">
    <strong>${error.message}</strong>
    ${
      details.length > 0 &&
      html`<ul>
        ${details.map((d) => html`<li><code>${d.field}</code>: ${d.message}</li>`)}
      </ul>`
    }
  </div>`;
}

/** Server-side paging: the API returns one page and the total, never the whole list. */
export function Pager({
  offset,
  limit,
  total,
  onChange,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return html`<nav class="pager" aria-label="pager">
    <button
      type="button"
      disabled=${offset === 0}
      onClick=${() => onChange(Math.max(0, offset - limit))}
    >
      ‹ ${t('previous')}
    </button>
    <span>${t('range', { from, to, total })}</span>
    <button type="button" disabled=${to >= total} onClick=${() => onChange(offset + limit)}>
      ${t('next')} ›
    </button>
  </nav>`;
}

export function Card({
  title,
  children,
  actions,
}: {
  title: ComponentChildren;
  children?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return html`<section class="card">
    <header class="card-head">
      <h2>${title}</h2>
      ${actions}
    </header>
    ${children}
  </section>`;
}
