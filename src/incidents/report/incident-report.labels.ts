import type {
  IncidentCategory,
  IncidentSeverity,
  IncidentStatus,
  LinkObjectType,
  TimelineKind,
} from '../incident-lifecycle';

export const REPORT_LANGS = ['vi', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

export const REPORT_TYPES = ['initial', 'final'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** Every word of the incident report in one language (Vietnamese is the default). */
export interface ReportLabels {
  reportTitle: Record<ReportType, string>;
  /** Reference to the rules, under the title. */
  legalBasis: string;
  sections: {
    organisation: string;
    incident: string;
    times: string;
    affected: string;
    impact: string;
    cause: Record<ReportType, string>;
    actions: string;
    review: string;
    contact: string;
    timeline: Record<ReportType, string>;
  };
  fields: {
    organisation: string;
    managingBody: string;
    recipients: string;
    focalPoint: string;
    reportType: string;
    generatedAt: string;
    number: string;
    title: string;
    category: string;
    severity: string;
    status: string;
    unit: string;
    origin: string;
    description: string;
    detectedAt: string;
    acknowledgedAt: string;
    resolvedAt: string;
    closedAt: string;
    reportDueAt: string;
    duration: string;
    affectedCount: string;
    alsoAffected: string;
    assignee: string;
    unitContacts: string;
  };
  columns: {
    objectType: string;
    object: string;
    kind: string;
    unit: string;
    time: string;
    actor: string;
    event: string;
    detail: string;
    check: string;
    since: string;
    name: string;
    role: string;
    phone: string;
    email: string;
  };
  reportType: Record<ReportType, string>;
  origin: Record<'probe' | 'manual', string>;
  severity: Record<IncidentSeverity, { label: string; meaning: string }>;
  category: Record<IncidentCategory, string>;
  status: Record<IncidentStatus, string>;
  objectType: Record<LinkObjectType, string>;
  timelineKind: Record<TimelineKind, string>;
  contactRole: Record<'security' | 'technical', string>;
  /** Shown for an empty value. */
  none: string;
  notYet: string;
  notDetermined: string;
  notRecorded: string;
  /** A link whose object is no longer in the inventory. */
  missingObject: string;
  /** "time zone" note under the title. */
  timeNote: (zone: string, offset: string) => string;
  /** Impact sentence. */
  impact: (args: {
    severity: string;
    count: number;
    parts: { type: LinkObjectType; count: number }[];
    /** Checks failing because of this incident. */
    dependents: number;
  }) => string;
  /** Counts of the other timeline entries (final report). */
  timelineCounts: (parts: { kind: TimelineKind; count: number }[]) => string;
  statusChange: (from: string | null, to: string) => string;
  units: { day: string; hour: string; minute: string; second: string };
  footer: (reference: string, type: string) => string;
  generatedBy: string;
}

const VI: ReportLabels = {
  reportTitle: {
    initial: 'Báo cáo ban đầu sự cố',
    final: 'Báo cáo kết thúc xử lý sự cố',
  },
  legalBasis:
    'Theo Quyết định số 05/2017/QĐ-TTg và Thông tư số 20/2017/TT-BTTTT về điều phối, ứng cứu sự cố an toàn thông tin mạng',
  sections: {
    organisation: 'Đơn vị báo cáo',
    incident: 'Thông tin sự cố',
    times: 'Thời gian',
    affected: 'Hệ thống, dịch vụ bị ảnh hưởng',
    impact: 'Mức độ, phạm vi ảnh hưởng',
    cause: { initial: 'Nguyên nhân (nếu đã xác định)', final: 'Nguyên nhân gốc' },
    actions: 'Biện pháp đã thực hiện',
    review: 'Đánh giá và bài học kinh nghiệm',
    contact: 'Người xử lý và đầu mối liên hệ',
    timeline: { initial: 'Diễn biến xử lý', final: 'Toàn bộ diễn biến xử lý' },
  },
  fields: {
    organisation: 'Đơn vị báo cáo',
    managingBody: 'Cơ quan chủ quản',
    recipients: 'Nơi nhận',
    focalPoint: 'Đầu mối ứng cứu sự cố',
    reportType: 'Loại báo cáo',
    generatedAt: 'Thời điểm lập báo cáo',
    number: 'Số hiệu sự cố',
    title: 'Tên sự cố',
    category: 'Loại sự cố',
    severity: 'Mức độ',
    status: 'Trạng thái hiện tại',
    unit: 'Đơn vị vận hành',
    origin: 'Nguồn phát hiện',
    description: 'Mô tả',
    detectedAt: 'Thời điểm phát hiện',
    acknowledgedAt: 'Thời điểm tiếp nhận',
    resolvedAt: 'Thời điểm khắc phục xong',
    closedAt: 'Thời điểm đóng sự cố',
    reportDueAt: 'Hạn báo cáo',
    duration: 'Thời gian xử lý',
    affectedCount: 'Số đối tượng bị ảnh hưởng',
    alsoAffected: 'Kiểm tra giám sát báo lỗi theo sự cố này',
    assignee: 'Người xử lý',
    unitContacts: 'Đầu mối của đơn vị',
  },
  columns: {
    objectType: 'Loại',
    object: 'Đối tượng',
    kind: 'Phân loại',
    unit: 'Đơn vị',
    time: 'Thời điểm',
    actor: 'Người thực hiện',
    event: 'Sự kiện',
    detail: 'Nội dung',
    check: 'Kiểm tra',
    since: 'Từ lúc',
    name: 'Họ và tên',
    role: 'Vai trò',
    phone: 'Điện thoại',
    email: 'Thư điện tử',
  },
  reportType: { initial: 'Báo cáo ban đầu', final: 'Báo cáo kết thúc' },
  origin: { probe: 'Hệ thống giám sát tự động', manual: 'Người dùng báo' },
  severity: {
    1: {
      label: 'Rất nghiêm trọng',
      meaning:
        'Dịch vụ ngừng hoạt động với nhiều người dùng (dịch vụ trọng yếu, toàn bộ một địa bàn)',
    },
    2: { label: 'Nghiêm trọng', meaning: 'Một dịch vụ ngừng hoạt động' },
    3: {
      label: 'Nhẹ',
      meaning: 'Dịch vụ bị suy giảm, hoặc chỉ một đối tượng bị ảnh hưởng',
    },
    4: { label: 'Thông tin', meaning: 'Không ảnh hưởng người dùng, ghi nhận để theo dõi' },
  },
  category: {
    outage: 'Gián đoạn dịch vụ',
    degraded_service: 'Suy giảm chất lượng dịch vụ',
    dnssec_failure: 'Lỗi DNSSEC',
    ipv6_regression: 'Suy giảm khả năng IPv6',
    security_event: 'Sự kiện an toàn thông tin',
    other: 'Khác',
  },
  status: {
    open: 'Mới phát hiện',
    acknowledged: 'Đã tiếp nhận',
    investigating: 'Đang xử lý',
    mitigated: 'Đã khắc phục tạm thời',
    resolved: 'Đã khắc phục',
    closed: 'Đã đóng',
  },
  objectType: {
    service: 'Dịch vụ',
    device: 'Thiết bị',
    circuit: 'Kênh truyền',
    unit: 'Đơn vị',
    check: 'Kiểm tra giám sát',
    site: 'Địa điểm',
  },
  timelineKind: {
    status_change: 'Chuyển trạng thái',
    probe_event: 'Sự kiện giám sát',
    note: 'Ghi chú',
    notification: 'Thông báo',
    link: 'Liên kết đối tượng',
    edit: 'Cập nhật thông tin',
  },
  contactRole: { security: 'An toàn thông tin', technical: 'Kỹ thuật' },
  none: 'Không có',
  notYet: 'Chưa có',
  notDetermined: 'Chưa xác định',
  notRecorded: 'Chưa ghi nhận',
  missingObject: 'không còn trong danh mục',
  timeNote: (zone, offset) => `Thời gian theo giờ Việt Nam (${zone}, ${offset})`,
  impact: ({ severity, count, parts, dependents }) =>
    `${severity}. ` +
    (count
      ? `${count} đối tượng bị ảnh hưởng: ${parts.map((p) => `${p.count} ${VI.objectType[p.type].toLowerCase()}`).join(', ')}.`
      : 'Chưa xác định đối tượng bị ảnh hưởng.') +
    (dependents ? ` Ngoài ra ${dependents} kiểm tra giám sát khác báo lỗi do sự cố này.` : ''),
  timelineCounts: (parts) =>
    `Ngoài ra: ${parts.map((p) => `${p.count} ${VI.timelineKind[p.kind].toLowerCase()}`).join(', ')}.`,
  statusChange: (from, to) => (from ? `${from} → ${to}` : to),
  units: { day: 'ngày', hour: 'giờ', minute: 'phút', second: 'giây' },
  footer: (reference, type) => `NetWatch · Sự cố ${reference} · ${type}`,
  generatedBy: 'Báo cáo do hệ thống NetWatch lập tự động từ dữ liệu sự cố.',
};

const EN: ReportLabels = {
  reportTitle: { initial: 'Initial incident report', final: 'Final incident report' },
  legalBasis:
    'Under Decision 05/2017/QĐ-TTg and Circular 20/2017/TT-BTTTT on coordinating responses to cybersecurity incidents',
  sections: {
    organisation: 'Reporting organisation',
    incident: 'Incident',
    times: 'Times',
    affected: 'Affected systems and services',
    impact: 'Impact and scope',
    cause: { initial: 'Cause (if known)', final: 'Root cause' },
    actions: 'Actions taken',
    review: 'Review and lessons learned',
    contact: 'Handling and contact',
    timeline: { initial: 'Timeline', final: 'Full timeline' },
  },
  fields: {
    organisation: 'Reporting organisation',
    managingBody: 'Managing body',
    recipients: 'Recipients',
    focalPoint: 'Incident response contact',
    reportType: 'Report type',
    generatedAt: 'Report generated',
    number: 'Incident number',
    title: 'Title',
    category: 'Category',
    severity: 'Severity',
    status: 'Current status',
    unit: 'Operating unit',
    origin: 'Detected by',
    description: 'Description',
    detectedAt: 'Detected',
    acknowledgedAt: 'Acknowledged',
    resolvedAt: 'Resolved',
    closedAt: 'Closed',
    reportDueAt: 'Report due',
    duration: 'Duration',
    affectedCount: 'Objects affected',
    alsoAffected: 'Monitoring checks failing because of this incident',
    assignee: 'Assignee',
    unitContacts: 'Unit contacts',
  },
  columns: {
    objectType: 'Type',
    object: 'Object',
    kind: 'Kind',
    unit: 'Unit',
    time: 'Time',
    actor: 'By',
    event: 'Event',
    detail: 'Detail',
    check: 'Check',
    since: 'Since',
    name: 'Name',
    role: 'Role',
    phone: 'Phone',
    email: 'Email',
  },
  reportType: { initial: 'Initial report', final: 'Final report' },
  origin: { probe: 'Automatic monitoring', manual: 'Reported by a person' },
  severity: {
    1: {
      label: 'Critical',
      meaning: 'A service is down for many users (a critical service, a whole district)',
    },
    2: { label: 'Major', meaning: 'A service is down' },
    3: { label: 'Minor', meaning: 'A service is degraded, or a single object is affected' },
    4: { label: 'Informational', meaning: 'No user impact, recorded for follow-up' },
  },
  category: {
    outage: 'Outage',
    degraded_service: 'Degraded service',
    dnssec_failure: 'DNSSEC failure',
    ipv6_regression: 'IPv6 regression',
    security_event: 'Security event',
    other: 'Other',
  },
  status: {
    open: 'Open',
    acknowledged: 'Acknowledged',
    investigating: 'Investigating',
    mitigated: 'Mitigated',
    resolved: 'Resolved',
    closed: 'Closed',
  },
  objectType: {
    service: 'Service',
    device: 'Device',
    circuit: 'Circuit',
    unit: 'Unit',
    check: 'Monitoring check',
    site: 'Site',
  },
  timelineKind: {
    status_change: 'Status change',
    probe_event: 'Monitoring event',
    note: 'Note',
    notification: 'Notification',
    link: 'Object linked',
    edit: 'Edit',
  },
  contactRole: { security: 'Security', technical: 'Technical' },
  none: 'None',
  notYet: 'Not yet',
  notDetermined: 'Not yet determined',
  notRecorded: 'Not recorded',
  missingObject: 'no longer in the inventory',
  timeNote: (zone, offset) => `Times in Vietnam time (${zone}, ${offset})`,
  impact: ({ severity, count, parts, dependents }) =>
    `${severity}. ` +
    (count
      ? `${count} object${count === 1 ? '' : 's'} affected: ${parts.map((p) => `${p.count} ${EN.objectType[p.type].toLowerCase()}${p.count === 1 ? '' : 's'}`).join(', ')}.`
      : 'No affected object identified yet.') +
    (dependents
      ? ` Also ${dependents} other monitoring check${dependents === 1 ? '' : 's'} failing because of this incident.`
      : ''),
  timelineCounts: (parts) =>
    `Also recorded: ${parts.map((p) => `${p.count} × ${EN.timelineKind[p.kind].toLowerCase()}`).join(', ')}.`,
  statusChange: (from, to) => (from ? `${from} → ${to}` : to),
  units: { day: 'd', hour: 'h', minute: 'min', second: 's' },
  footer: (reference, type) => `NetWatch · Incident ${reference} · ${type}`,
  generatedBy: 'Generated by NetWatch from the incident record.',
};

export const REPORT_LABELS: Readonly<Record<ReportLang, ReportLabels>> = { vi: VI, en: EN };
