import { html } from '../lib/html';
import { messages } from '../lib/i18n';

/**
 * Incident types, words and badges shared by the incidents board, the incident page and any
 * page that lists incidents (overview, object detail). The statuses, categories, severities and
 * transition table are the server's own (bundled from src/incidents), so the two cannot drift.
 */
import {
  ACTIVE_STATUSES,
  INCIDENT_CATEGORIES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  TRANSITIONS,
  type IncidentCategory,
  type IncidentSeverity,
  type IncidentStatus,
} from '../../../src/incidents/incident-lifecycle';

export {
  ACTIVE_STATUSES,
  INCIDENT_CATEGORIES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  TRANSITIONS,
  type IncidentCategory,
  type IncidentSeverity,
  type IncidentStatus,
};

export interface Incident {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: IncidentSeverity;
  category: IncidentCategory;
  status: IncidentStatus;
  origin: 'probe' | 'manual';
  checkId: string | null;
  assignee: string | null;
  unitId: string | null;
  rootCause: string | null;
  actionsTaken: string | null;
  reviewNotes: string | null;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  reportDueAt: string;
  reportedAt: string | null;
  reportReference: string | null;
  updatedAt: string;
}

export interface TimelineEntry {
  id: string;
  at: string;
  kind: 'status_change' | 'probe_event' | 'note' | 'notification' | 'link' | 'edit';
  actor: string;
  body: Record<string, unknown>;
}

export interface AffectedCheck {
  checkId: string;
  key: string;
  kind: string;
  objectType: string | null;
  objectId: string | null;
  label: string | null;
  since: string;
}

export interface IncidentDetail extends Incident {
  links: { objectType: string; objectId: string }[];
  affected: AffectedCheck[];
  timeline: TimelineEntry[];
}

const t = messages({
  vi: {
    open: 'Mới phát hiện',
    acknowledged: 'Đã tiếp nhận',
    investigating: 'Đang xử lý',
    mitigated: 'Đã khắc phục tạm thời',
    resolved: 'Đã khắc phục',
    closed: 'Đã đóng',
    outage: 'Gián đoạn dịch vụ',
    degraded_service: 'Suy giảm chất lượng dịch vụ',
    dnssec_failure: 'Lỗi DNSSEC',
    ipv6_regression: 'Suy giảm khả năng IPv6',
    security_event: 'Sự kiện an toàn thông tin',
    other: 'Khác',
    sev1: '1 – Rất nghiêm trọng',
    sev2: '2 – Nghiêm trọng',
    sev3: '3 – Nhẹ',
    sev4: '4 – Thông tin',
    sevShort: 'Mức {n}',
    overdue: 'Quá hạn báo cáo',
    reported: 'Đã báo cáo',
    notReported: 'Chưa báo cáo',
    service: 'dịch vụ',
    device: 'thiết bị',
    circuit: 'kênh truyền',
    unit: 'đơn vị',
    site: 'địa điểm',
    check: 'kiểm tra',
  },
  en: {
    open: 'Open',
    acknowledged: 'Acknowledged',
    investigating: 'Investigating',
    mitigated: 'Mitigated',
    resolved: 'Resolved',
    closed: 'Closed',
    outage: 'Outage',
    degraded_service: 'Degraded service',
    dnssec_failure: 'DNSSEC failure',
    ipv6_regression: 'IPv6 regression',
    security_event: 'Security event',
    other: 'Other',
    sev1: '1 – Critical',
    sev2: '2 – Major',
    sev3: '3 – Minor',
    sev4: '4 – Informational',
    sevShort: 'Sev {n}',
    overdue: 'Report overdue',
    reported: 'Reported',
    notReported: 'Not reported',
    service: 'service',
    device: 'device',
    circuit: 'circuit',
    unit: 'unit',
    site: 'site',
    check: 'check',
  },
});

export function statusLabel(s: string): string {
  return (INCIDENT_STATUSES as readonly string[]).includes(s) ? t(s as IncidentStatus) : s;
}

export function categoryLabel(c: string): string {
  return (INCIDENT_CATEGORIES as readonly string[]).includes(c) ? t(c as IncidentCategory) : c;
}

export function severityLabel(n: number): string {
  return n >= 1 && n <= 4 ? t(`sev${n}` as 'sev1') : String(n);
}

const OBJECT_TYPES = ['service', 'device', 'circuit', 'unit', 'site', 'check'] as const;

/** A linked object's type in words ("dịch vụ", "thiết bị", ...). */
export function objectTypeLabel(type: string): string {
  return (OBJECT_TYPES as readonly string[]).includes(type) ? t(type as 'service') : type;
}

export function isActive(s: IncidentStatus): boolean {
  return ACTIVE_STATUSES.includes(s);
}

/** Severity as a badge with its number and word (colour is never the only cue). */
export function SeverityBadge({ severity, long = false }: { severity: number; long?: boolean }) {
  return html`<span class=${`badge sev-${severity}`} title=${severityLabel(severity)}
    >${long ? severityLabel(severity) : t('sevShort', { n: severity })}</span
  >`;
}

export function IncidentStatusBadge({ status }: { status: string }) {
  return html`<span class=${`badge inc-${status}`}>${statusLabel(status)}</span>`;
}

/** Whether the upward report is late: past its deadline and not recorded. */
export function reportOverdue(i: Incident, now = Date.now()): boolean {
  return !i.reportedAt && new Date(i.reportDueAt).getTime() < now;
}

/** "Đã báo cáo" / "Quá hạn báo cáo" / "Chưa báo cáo" as a badge. */
export function ReportBadge({ incident }: { incident: Incident }) {
  if (incident.reportedAt) return html`<span class="badge inc-reported">${t('reported')}</span>`;
  if (reportOverdue(incident))
    return html`<span class="badge inc-overdue">⚠ ${t('overdue')}</span>`;
  return html`<span class="badge inc-unreported">${t('notReported')}</span>`;
}
