import { ApiError } from '../lib/api';
import { html } from '../lib/html';

/** The API's field problems (`details[{field,message}]`) by field, for messages beside inputs. */
export function fieldProblems(error: Error | null | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!(error instanceof ApiError)) return out;
  for (const d of error.details) (out[d.field] ??= []).push(d.message);
  return out;
}

/** The messages for one field, linked to its input by `aria-describedby={id}`. */
export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return html`<p class="field-error" id=${id}>${messages.join('; ')}</p>`;
}

/** A confirmation announced to screen readers (role=status), e.g. after an action. */
export function Confirmation({ text }: { text: string | null }) {
  return html`<div role="status" aria-live="polite" class=${text ? 'ok' : 'inc-status-empty'}>
    ${text ?? ''}
  </div>`;
}

/**
 * `datetime-local` values are wall-clock times without a zone: NetWatch reads and writes them in
 * Asia/Ho_Chi_Minh (UTC+7 all year, no DST), whatever the browser's zone.
 */
const VN_OFFSET_MS = 7 * 3_600_000;

export function toVnLocalInput(d: Date): string {
  return new Date(d.getTime() + VN_OFFSET_MS).toISOString().slice(0, 16);
}

export function fromVnLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const d = new Date(`${value}:00+07:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('.000Z', 'Z');
}

/** A local Vietnam calendar day (`YYYY-MM-DD`) as the instant it starts. */
export function vnDayStart(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const d = new Date(`${day}T00:00:00+07:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('.000Z', 'Z');
}

/** The local Vietnam day after `day` starts (periods end exclusive; forms show the last day). */
export function vnDayAfterStart(day: string): string | null {
  const start = vnDayStart(day);
  return start
    ? new Date(new Date(start).getTime() + 86_400_000).toISOString().replace('.000Z', 'Z')
    : null;
}

/** `YYYY-MM-DD` of an instant in Vietnam. */
export function vnDay(d: Date): string {
  return new Date(d.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}
