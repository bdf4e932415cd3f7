import { fmtDateTime } from '../lib/format';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { stateLabel } from './ui';
import { objectTypeLabel, statusLabel, TimelineEntry } from './incident-common';

const t = messages({
  vi: {
    status_change: 'Đổi trạng thái',
    probe_event: 'Sự kiện giám sát',
    note: 'Ghi chú',
    notification: 'Thông báo',
    link: 'Liên kết',
    edit: 'Sửa',
    opened: 'Mở sự cố ({to})',
    change: '{from} → {to}',
    probe: 'Kiểm tra {kind}: {from} → {to}',
    check: 'kiểm tra',
    suppressed: 'không cảnh báo ({why})',
    affectedBy: 'bị ảnh hưởng: {label}',
    sent: 'Đã gửi “{event}” qua {channel} ({kind})',
    digest: ', gộp {n} thông báo',
    failed: 'Gửi “{event}” qua {channel} ({kind}) thất bại sau {n} lần: {detail}',
    linked: 'Gắn {type}',
    empty: '(trống)',
    by: 'bởi {actor}',
    none: 'Chưa có mục nào.',
    f_title: 'Tiêu đề',
    f_description: 'Mô tả',
    f_severity: 'Mức độ',
    f_category: 'Loại',
    f_unitId: 'Đơn vị',
    f_rootCause: 'Nguyên nhân',
    f_actionsTaken: 'Biện pháp đã thực hiện',
    f_reviewNotes: 'Rút kinh nghiệm',
    f_assignee: 'Người xử lý',
    f_reportedAt: 'Thời điểm báo cáo cấp trên',
    f_reportReference: 'Số hiệu báo cáo',
    label: 'Dòng thời gian sự cố',
  },
  en: {
    status_change: 'Status change',
    probe_event: 'Monitoring event',
    note: 'Note',
    notification: 'Notification',
    link: 'Link',
    edit: 'Edit',
    opened: 'Opened ({to})',
    change: '{from} → {to}',
    probe: '{kind} check: {from} → {to}',
    check: 'check',
    suppressed: 'no alert ({why})',
    affectedBy: 'affected: {label}',
    sent: 'Sent “{event}” through {channel} ({kind})',
    digest: ', a digest of {n}',
    failed: 'Sending “{event}” through {channel} ({kind}) failed after {n} attempts: {detail}',
    linked: 'Linked {type}',
    empty: '(empty)',
    by: 'by {actor}',
    none: 'No entries yet.',
    f_title: 'Title',
    f_description: 'Description',
    f_severity: 'Severity',
    f_category: 'Category',
    f_unitId: 'Unit',
    f_rootCause: 'Root cause',
    f_actionsTaken: 'Actions taken',
    f_reviewNotes: 'Review',
    f_assignee: 'Assignee',
    f_reportedAt: 'Upward report sent',
    f_reportReference: 'Report reference',
    label: 'Incident timeline',
  },
});

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const str = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return t('empty');
  if (typeof v !== 'string') return JSON.stringify(v);
  return ISO_TIME.test(v) ? fmtDateTime(v) : v;
};

const FIELDS = [
  'title',
  'description',
  'severity',
  'category',
  'unitId',
  'rootCause',
  'actionsTaken',
  'reviewNotes',
  'assignee',
  'reportedAt',
  'reportReference',
] as const;

function fieldLabel(field: string) {
  return (FIELDS as readonly string[]).includes(field)
    ? html`${t(`f_${field}` as 'f_title')}`
    : html`<code>${field}</code>`;
}

/** A linked object's label (from the page), or null while unknown. */
export type ObjectLabel = (objectType: string, objectId: string) => string | null;

/** What one timeline entry says, in words; the raw body stays available in the API. */
function describe(e: TimelineEntry, labelOf: ObjectLabel) {
  const b = e.body;
  switch (e.kind) {
    case 'status_change': {
      const head =
        b.from === null || b.from === undefined
          ? t('opened', { to: statusLabel(String(b.to)) })
          : t('change', { from: statusLabel(String(b.from)), to: statusLabel(String(b.to)) });
      return html`<strong>${head}</strong>${
          typeof b.note === 'string' && html`<p class="inc-note">${b.note}</p>`
        }`;
    }
    case 'note':
      return html`<p class="inc-note">${str(b.text)}</p>`;
    case 'probe_event': {
      // The engine stores reasons as { code, message } (older rows: plain strings).
      const reasons = Array.isArray(b.reasons)
        ? b.reasons.map((r: unknown) =>
            r && typeof r === 'object' && 'message' in r ? String(r.message) : String(r),
          )
        : [];
      const affected = b.affected as { label?: string; kind?: string } | undefined;
      return html`<span>
          ${t('probe', {
            kind: String(affected?.kind ?? t('check')),
            from: stateLabel(String(b.from ?? '—')),
            to: stateLabel(String(b.to ?? '—')),
          })}
          ${affected?.label && html` · ${t('affectedBy', { label: affected.label })}`}
          ${
            b.alert === false &&
            html` · <em>${t('suppressed', { why: String(b.suppressedBy ?? '—') })}</em>`
          }
        </span>
        ${
          reasons.length > 0 &&
          html`<ul class="inc-list">
            ${reasons.map((r) => html`<li>${r}</li>`)}
          </ul>`
        }`;
    }
    case 'notification': {
      const p = {
        event: String(b.event ?? ''),
        channel: String(b.channel ?? ''),
        kind: String(b.channelKind ?? ''),
      };
      if (b.delivered === false)
        return html`<span class="diff-remove"
          >✗ ${t('failed', { ...p, n: String(b.attempts ?? '?'), detail: str(b.detail) })}</span
        >`;
      return html`<span
        >✓ ${t('sent', p)}${typeof b.digestOf === 'number' && t('digest', { n: b.digestOf })}</span
      >`;
    }
    case 'link': {
      const type = String(b.objectType ?? '');
      const id = String(b.objectId ?? '');
      const page = ['service', 'device', 'circuit', 'unit', 'site'].includes(type);
      const label = labelOf(type, id);
      const text = label ?? id;
      return html`<span
        >${t('linked', { type: objectTypeLabel(type) })}:${' '}
        ${page ? html`<a href=${href(`/objects/${type}/${id}`)}>${text}</a>` : html`<code>${text}</code>`}</span
      >`;
    }
    case 'edit': {
      const changes = (b.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
      return html`<ul class="inc-list">
        ${Object.entries(changes).map(
          ([field, c]) =>
            html`<li>
              ${fieldLabel(field)}: <span class="diff-remove">${str(c?.from)}</span>${' → '}<span
                class="diff-add"
                >${str(c?.to)}</span
              >
            </li>`,
        )}
      </ul>`;
    }
    default:
      return html`<code>${JSON.stringify(b)}</code>`;
  }
}

/** Every entry of the incident's timeline, oldest first (as the API keeps it: append-only). */
export function IncidentTimeline({
  entries,
  labelOf = () => null,
}: {
  entries: TimelineEntry[];
  labelOf?: ObjectLabel;
}) {
  if (!entries.length)
    return html`<p class="muted" data-testid="incident-timeline">${t('none')}</p>`;
  return html`<ol
    class="timeline inc-timeline"
    data-testid="incident-timeline"
    aria-label=${t('label')}
  >
    ${entries.map(
      (e) =>
        html`<li key=${e.id} class=${`inc-tl-${e.kind}`}>
          <div class="inc-tl-head">
            <time datetime=${e.at}>${fmtDateTime(e.at)}</time>
            <span class="badge inc-tl-kind">${t(e.kind)}</span>
            <span class="muted small">${t('by', { actor: e.actor })}</span>
          </div>
          <div class="inc-tl-body">${describe(e, labelOf)}</div>
        </li>`,
    )}
  </ol>`;
}
