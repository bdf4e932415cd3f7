import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { fmtDateTime, fmtDuration, fmtTime } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { lang, messages } from '../lib/i18n';
import { href } from '../lib/router';
import { can, useMe } from '../lib/session';
import { ErrorBox, Loading } from '../components/ui';
import {
  categoryLabel,
  IncidentDetail,
  IncidentStatusBadge,
  objectTypeLabel,
  ReportBadge,
  reportOverdue,
  SeverityBadge,
} from '../components/incident-common';
import {
  AckButton,
  Act,
  ActionSource,
  AssignForm,
  NoteForm,
  ReportDownload,
  ReportedForm,
  StatusForm,
} from '../components/incident-actions';
import { Confirmation } from '../components/incident-fields';
import { IncidentTimeline } from '../components/incident-timeline';

const t = messages({
  vi: {
    back: '← Danh sách sự cố',
    severity: 'Mức độ',
    category: 'Loại',
    status: 'Trạng thái',
    unit: 'Đơn vị',
    assignee: 'Người xử lý',
    origin: 'Nguồn',
    probe: 'Giám sát tự động',
    manual: 'Người dùng mở',
    opened: 'Mở lúc',
    acknowledged: 'Tiếp nhận lúc',
    resolved: 'Khắc phục lúc',
    closed: 'Đóng lúc',
    duration: 'Thời gian xử lý',
    reportDue: 'Hạn báo cáo cấp trên',
    report: 'Báo cáo cấp trên',
    reportedAt: 'đã gửi {at}',
    reference: 'số {ref}',
    overdueBy: 'quá hạn {d}',
    dueIn: 'còn {d}',
    description: 'Mô tả',
    rootCause: 'Nguyên nhân',
    actionsTaken: 'Biện pháp đã thực hiện',
    reviewNotes: 'Rút kinh nghiệm',
    objects: 'Đối tượng liên quan',
    subject: 'Đối tượng của sự cố',
    affected: 'Bị ảnh hưởng theo (phía sau thiết bị/kênh lỗi)',
    noObjects: 'Sự cố không gắn với đối tượng nào.',
    notFound: '(không còn trong danh mục)',
    since: 'từ {at}',
    timeline: 'Dòng thời gian',
    actions: 'Xử lý',
    nobody: 'Chưa giao',
    none: '—',
    updated: 'Cập nhật lúc {at}; tự làm mới mỗi 15 giây.',
    readOnly: 'Bạn chỉ có quyền xem sự cố này.',
  },
  en: {
    back: '← All incidents',
    severity: 'Severity',
    category: 'Category',
    status: 'Status',
    unit: 'Unit',
    assignee: 'Assignee',
    origin: 'Origin',
    probe: 'Automatic monitoring',
    manual: 'Opened by a person',
    opened: 'Opened',
    acknowledged: 'Acknowledged',
    resolved: 'Resolved',
    closed: 'Closed',
    duration: 'Time to resolve',
    reportDue: 'Upward report due',
    report: 'Upward report',
    reportedAt: 'sent {at}',
    reference: 'ref. {ref}',
    overdueBy: 'overdue by {d}',
    dueIn: '{d} left',
    description: 'Description',
    rootCause: 'Root cause',
    actionsTaken: 'Actions taken',
    reviewNotes: 'Review',
    objects: 'Affected objects',
    subject: 'What the incident is about',
    affected: 'Also affected (behind the failed device or circuit)',
    noObjects: 'The incident is linked to no object.',
    notFound: '(no longer in the inventory)',
    since: 'since {at}',
    timeline: 'Timeline',
    actions: 'Handling',
    nobody: 'Unassigned',
    none: '—',
    updated: 'Updated at {at}; refreshes every 15 seconds.',
    readOnly: 'You may only view this incident.',
  },
});

const POLL_MS = 15_000;
/** Object types with a page of their own (`/objects/:type/:id`). */
const OBJECT_PAGES = ['service', 'device', 'circuit', 'unit', 'site'];

/** The incident report's JSON gives the links' labels and the unit in one request. */
interface ReportLabels {
  unit: { id: string; code: string; name: string } | null;
  affectedSystems: {
    objectType: string;
    objectId: string;
    found: boolean;
    label: string | null;
    kind: string | null;
  }[];
}

function objectLink(type: string | null, id: string | null, label: string) {
  if (type && id && OBJECT_PAGES.includes(type))
    return html`<a href=${href(`/objects/${type}/${id}`)}>${label}</a>`;
  return html`<span>${label}</span>`;
}

export function IncidentDetailPage({ id }: { id: string }) {
  const me = useMe();
  const writable = can(me, 'incidents', true);
  const detail = useApi<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`, undefined, {
    pollMs: POLL_MS,
  });
  const i = detail.data;
  // Labels change only when links do: re-read the report when the link count changes.
  const labels = useApi<ReportLabels>(
    i ? `/api/incidents/${encodeURIComponent(id)}/report` : null,
    i ? { type: 'initial', lang: lang(), format: 'json' } : undefined,
  );
  const linkCount = i ? i.links.length + i.affected.length : -1;
  const seenLinks = useRef(-1);
  useEffect(() => {
    if (seenLinks.current >= 0 && linkCount !== seenLinks.current) labels.reload();
    seenLinks.current = linkCount;
  }, [linkCount]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ error: Error; source?: ActionSource } | null>(null);

  const act: Act = useCallback(
    async (fn, ok, source) => {
      setBusy(true);
      setDone(null);
      setFailure(null);
      try {
        await fn();
        setDone(ok);
        detail.reload();
        return true;
      } catch (err) {
        setFailure({
          error: err instanceof Error ? err : new ApiError(0, String(err), 'error'),
          source,
        });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [detail.reload],
  );

  if (!i && detail.loading) return html`<${Loading} />`;
  if (!i)
    return html`<p><a href=${href('/incidents')}>${t('back')}</a></p>
      <h1 id="page-title">#${id}</h1>
      <${ErrorBox} error=${detail.error} />`;

  const errorFor = (s: ActionSource) => (failure?.source === s ? failure.error : null);
  const labelOf = (type: string, objectId: string) =>
    labels.data?.affectedSystems.find((o) => o.objectType === type && o.objectId === objectId);
  const unit = labels.data?.unit;
  const now = Date.now();
  const due = new Date(i.reportDueAt).getTime();
  const dueText = i.reportedAt
    ? [
        t('reportedAt', { at: fmtDateTime(i.reportedAt) }),
        i.reportReference ? t('reference', { ref: i.reportReference }) : '',
      ]
        .filter(Boolean)
        .join(', ')
    : reportOverdue(i, now)
      ? t('overdueBy', { d: fmtDuration((now - due) / 1000) })
      : t('dueIn', { d: fmtDuration((due - now) / 1000) });
  const duration =
    i.resolvedAt &&
    fmtDuration((new Date(i.resolvedAt).getTime() - new Date(i.openedAt).getTime()) / 1000);

  const fact = (label: string, value: unknown) =>
    html`<div>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  const prose = (label: string, text: string | null) =>
    text
      ? html`<h3>${label}</h3>
          <p class="inc-prose-text">${text}</p>`
      : null;

  return html`
    <p><a href=${href('/incidents')}>${t('back')}</a></p>
    <div class="inc-head">
      <h1 id="page-title">#${i.number} ${i.title}</h1>
      <div class="inc-badges">
        <${SeverityBadge} severity=${i.severity} long=${true} />
        <${IncidentStatusBadge} status=${i.status} />
        <${ReportBadge} incident=${i} />
        ${writable && html`<${AckButton} incident=${i} act=${act} busy=${busy} />`}
      </div>
    </div>
    <${Confirmation} text=${done} />
    ${failure && !failure.source && html`<${ErrorBox} error=${failure.error} />`}
    ${detail.error && html`<${ErrorBox} error=${detail.error} />`}
    <div class="inc-layout">
      <div class="inc-main">
        <section class="card" aria-labelledby="incident-facts">
          <h2 id="incident-facts" class="visually-hidden">${t('status')}</h2>
          <dl class="inc-facts">
            ${fact(t('severity'), html`<${SeverityBadge} severity=${i.severity} long=${true} />`)}
            ${fact(t('category'), categoryLabel(i.category))}
            ${fact(t('status'), html`<${IncidentStatusBadge} status=${i.status} />`)}
            ${fact(
              t('unit'),
              unit
                ? objectLink('unit', unit.id, `${unit.code} – ${unit.name}`)
                : i.unitId
                  ? objectLink('unit', i.unitId, i.unitId)
                  : t('none'),
            )}
            ${fact(t('assignee'), i.assignee ?? t('nobody'))}
            ${fact(t('origin'), i.origin === 'probe' ? t('probe') : t('manual'))}
            ${fact(t('opened'), fmtDateTime(i.openedAt))}
            ${fact(t('acknowledged'), fmtDateTime(i.acknowledgedAt))}
            ${fact(t('resolved'), fmtDateTime(i.resolvedAt))}
            ${i.closedAt && fact(t('closed'), fmtDateTime(i.closedAt))}
            ${duration && fact(t('duration'), duration)}
            ${fact(t('reportDue'), fmtDateTime(i.reportDueAt))}
            ${fact(
              t('report'),
              html`<${ReportBadge} incident=${i} /> <span class="small">${dueText}</span>`,
            )}
          </dl>
          ${prose(t('description'), i.description)} ${prose(t('rootCause'), i.rootCause)}
          ${prose(t('actionsTaken'), i.actionsTaken)} ${prose(t('reviewNotes'), i.reviewNotes)}
        </section>

        <section class="card" aria-labelledby="incident-objects">
          <h2 id="incident-objects">${t('objects')}</h2>
          ${i.links.length === 0 && i.affected.length === 0 && html`<p class="muted">${t('noObjects')}</p>`}
          ${
            i.links.length > 0 &&
            html`<h3>${t('subject')}</h3>
              <ul class="inc-objects" data-testid="incident-objects">
                ${i.links.map((l) => {
                  const o = labelOf(l.objectType, l.objectId);
                  return html`<li key=${`${l.objectType}:${l.objectId}`}>
                    <span class="badge inc-obj-type">${objectTypeLabel(l.objectType)}</span>
                    ${objectLink(l.objectType, l.objectId, o?.label ?? l.objectId)}
                    ${o?.kind && html` <span class="muted small">${o.kind}</span>`}
                    ${o && !o.found && html` <span class="muted small">${t('notFound')}</span>`}
                  </li>`;
                })}
              </ul>`
          }
          ${
            i.affected.length > 0 &&
            html`<h3>${t('affected')}</h3>
              <ul class="inc-objects">
                ${i.affected.map(
                  (a) =>
                    html`<li key=${a.checkId}>
                      <span class="badge inc-obj-type">
                        ${a.objectType ? objectTypeLabel(a.objectType) : a.kind}
                      </span>
                      ${objectLink(a.objectType, a.objectId, a.label ?? a.key)}
                      <span class="muted small">
                        ${a.kind} · ${t('since', { at: fmtDateTime(a.since) })}</span
                      >
                    </li>`,
                )}
              </ul>`
          }
        </section>

        <section class="card" aria-labelledby="incident-timeline-title">
          <h2 id="incident-timeline-title">${t('timeline')}</h2>
          <${IncidentTimeline}
            entries=${i.timeline}
            labelOf=${(type: string, objectId: string) => labelOf(type, objectId)?.label ?? null}
          />
        </section>
      </div>

      <aside class="inc-side" aria-label=${t('actions')}>
        ${
          writable
            ? html`
                <${StatusForm}
                  key=${`status-${i.status}`}
                  incident=${i}
                  act=${act}
                  busy=${busy}
                  error=${errorFor('status')}
                />
                <${AssignForm} incident=${i} act=${act} busy=${busy} error=${errorFor('assign')} />
                <${NoteForm} incident=${i} act=${act} busy=${busy} error=${errorFor('note')} />
                <${ReportedForm}
                  key=${`reported-${i.reportedAt ?? ''}`}
                  incident=${i}
                  act=${act}
                  busy=${busy}
                  error=${errorFor('reported')}
                />
              `
            : html`<p class="muted card">${t('readOnly')}</p>`
        }
        <${ReportDownload} key=${`download-${i.status}`} incident=${i} act=${act} busy=${busy} />
      </aside>
    </div>
    ${
      detail.updatedAt &&
      html`<p class="muted small">${t('updated', { at: fmtTime(detail.updatedAt) })}</p>`
    }
  `;
}
