import type { Language, NotificationEvent } from '../notification.types';

/**
 * Every word a message shows, one table per language. Templates read labels from here only,
 * so a translation is reviewed in one place.
 */
export interface Labels {
  /** BCP 47 locale for Intl (dates). */
  locale: string;
  /** How a time reads: `{day}`, `{month}`, `{year}`, `{hour}`, `{minute}`, `{zone}`. */
  timePattern: string;
  /** Short name of each event, used in subjects and digest lines. */
  events: Record<NotificationEvent, string>;
  /** One sentence saying what happened, first line of a single message's body. */
  leads: Record<NotificationEvent, string>;
  /** "Mức 1" / "Severity 1". */
  severityShort: (severity: number) => string;
  severities: Record<1 | 2 | 3 | 4, string>;
  categories: Record<string, string>;
  statuses: Record<string, string>;
  fields: {
    incident: string;
    event: string;
    severity: string;
    category: string;
    status: string;
    unit: string;
    openedAt: string;
    eventAt: string;
    reportDueAt: string;
    assignee: string;
    description: string;
    url: string;
    time: string;
    title: string;
  };
  unassigned: string;
  overdueMark: string;
  /** Digest subject when every item is a newly opened incident. */
  digestNew: (count: number) => string;
  /** Digest subject otherwise. */
  digestEvents: (count: number) => string;
  /** ", cao nhất Mức 1": appended to a digest subject. */
  digestHighest: (severity: number) => string;
  digestIntro: (count: number) => string;
  footer: string;
}

const vi: Labels = {
  locale: 'vi-VN',
  timePattern: '{hour}:{minute} ngày {day}/{month}/{year} ({zone})',
  events: {
    opened: 'Mở sự cố',
    reopened: 'Mở lại sự cố',
    acknowledged: 'Đã tiếp nhận',
    resolved: 'Đã khắc phục',
    closed: 'Đã đóng',
    unacknowledged: 'Chưa được tiếp nhận',
    report_due: 'Sắp đến hạn báo cáo',
    report_overdue: 'Quá hạn báo cáo',
  },
  leads: {
    opened: 'Một sự cố mới vừa được mở.',
    reopened: 'Sự cố đã được mở lại.',
    acknowledged: 'Sự cố đã được tiếp nhận.',
    resolved: 'Sự cố đã được khắc phục.',
    closed: 'Sự cố đã được đóng.',
    unacknowledged: 'Nhắc việc: sự cố vẫn chưa có người tiếp nhận.',
    report_due: 'Nhắc việc: sắp đến hạn gửi báo cáo sự cố lên cấp trên.',
    report_overdue: 'Đã quá hạn gửi báo cáo sự cố lên cấp trên.',
  },
  severityShort: (s) => `Mức ${s}`,
  severities: { 1: 'Nghiêm trọng', 2: 'Cao', 3: 'Trung bình', 4: 'Thông tin' },
  categories: {
    outage: 'Mất dịch vụ',
    degraded_service: 'Suy giảm dịch vụ',
    dnssec_failure: 'Lỗi DNSSEC',
    ipv6_regression: 'Suy giảm IPv6',
    security_event: 'Sự kiện an toàn thông tin',
    other: 'Khác',
  },
  statuses: {
    open: 'Mới mở',
    acknowledged: 'Đã tiếp nhận',
    investigating: 'Đang xử lý',
    mitigated: 'Đã giảm thiểu',
    resolved: 'Đã khắc phục',
    closed: 'Đã đóng',
  },
  fields: {
    incident: 'Sự cố',
    event: 'Sự kiện',
    severity: 'Mức độ',
    category: 'Phân loại',
    status: 'Trạng thái',
    unit: 'Đơn vị',
    openedAt: 'Thời điểm mở',
    eventAt: 'Thời điểm sự kiện',
    reportDueAt: 'Hạn báo cáo',
    assignee: 'Người xử lý',
    description: 'Mô tả',
    url: 'Xem chi tiết',
    time: 'Thời điểm',
    title: 'Tiêu đề',
  },
  unassigned: 'Chưa phân công',
  overdueMark: 'đã quá hạn',
  digestNew: (n) => `${n} sự cố mới`,
  digestEvents: (n) => `${n} sự kiện sự cố`,
  digestHighest: (s) => `, cao nhất Mức ${s}`,
  digestIntro: (n) => `${n} sự kiện sự cố được gộp trong một thông báo:`,
  footer: 'Thông báo tự động từ NetWatch.',
};

const en: Labels = {
  locale: 'en-GB',
  timePattern: '{day}/{month}/{year} {hour}:{minute} ({zone})',
  events: {
    opened: 'Opened',
    reopened: 'Reopened',
    acknowledged: 'Acknowledged',
    resolved: 'Resolved',
    closed: 'Closed',
    unacknowledged: 'Still not acknowledged',
    report_due: 'Report due',
    report_overdue: 'Report overdue',
  },
  leads: {
    opened: 'A new incident was opened.',
    reopened: 'The incident was reopened.',
    acknowledged: 'The incident was acknowledged.',
    resolved: 'The incident was resolved.',
    closed: 'The incident was closed.',
    unacknowledged: 'Reminder: nobody has acknowledged the incident yet.',
    report_due: 'Reminder: the incident report to the higher authority is due soon.',
    report_overdue: 'The incident report to the higher authority is overdue.',
  },
  severityShort: (s) => `Severity ${s}`,
  severities: { 1: 'Critical', 2: 'Major', 3: 'Minor', 4: 'Informational' },
  categories: {
    outage: 'Outage',
    degraded_service: 'Degraded service',
    dnssec_failure: 'DNSSEC failure',
    ipv6_regression: 'IPv6 regression',
    security_event: 'Security event',
    other: 'Other',
  },
  statuses: {
    open: 'Open',
    acknowledged: 'Acknowledged',
    investigating: 'Investigating',
    mitigated: 'Mitigated',
    resolved: 'Resolved',
    closed: 'Closed',
  },
  fields: {
    incident: 'Incident',
    event: 'Event',
    severity: 'Severity',
    category: 'Category',
    status: 'Status',
    unit: 'Unit',
    openedAt: 'Opened',
    eventAt: 'Event time',
    reportDueAt: 'Report deadline',
    assignee: 'Assignee',
    description: 'Description',
    url: 'Details',
    time: 'Time',
    title: 'Title',
  },
  unassigned: 'Unassigned',
  overdueMark: 'overdue',
  digestNew: (n) => `${n} new incident${n === 1 ? '' : 's'}`,
  digestEvents: (n) => `${n} incident event${n === 1 ? '' : 's'}`,
  digestHighest: (s) => `, highest Severity ${s}`,
  digestIntro: (n) => `${n} incident event${n === 1 ? '' : 's'}, grouped into one message:`,
  footer: 'Automatic notification from NetWatch.',
};

export const LABELS: Readonly<Record<Language, Labels>> = { vi, en };

export function labelsFor(language: Language): Labels {
  return LABELS[language] ?? LABELS.vi;
}
