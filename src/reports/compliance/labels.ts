import type { IncidentCategory } from '../../incidents/incident-lifecycle';
import { REPORT_LABELS } from '../../incidents/report/incident-report.labels';
import type { RenderLang } from './format';

/**
 * Every fixed word of the rendered compliance report (HTML and PDF), in Vietnamese and English.
 * Incident categories and severities are the incident reports' own labels, so both reports
 * name them alike.
 */
export interface ComplianceLabels {
  title: string;
  wholeProvince: string;
  sections: {
    summary: string;
    ipv6: string;
    dnssec: string;
    availability: string;
    incidents: string;
    scorecard: string;
    trend: string;
  };
  fields: {
    organisation: string;
    period: string;
    previousPeriod: string;
    scope: string;
    generatedAt: string;
    inventory: string;
    ipv6Operational: string;
    dnssec: string;
    availability: string;
    sla: string;
    incidents: string;
    score: string;
    zones: string;
    signed: string;
    validating: string;
    validationStates: string;
    expiringSoon: string;
    downMinutes: string;
    servicesMeetingTarget: string;
    meanUptime: string;
    downtime: string;
    circuitsSla: string;
    incidentsTotal: string;
    mtta: string;
    mttr: string;
    weights: string;
  };
  sub: {
    ipv6Grid: string;
    ipv6Ranking: string;
    ipv6NotOperational: string;
    dnssecUnits: string;
    dnssecAttention: string;
    servicesBelowTarget: string;
    circuits: string;
    providers: string;
    bySeverity: string;
    byCategory: string;
    byUnit: string;
    longest: string;
    scoreTable: string;
    trendTable: string;
  };
  columns: {
    unit: string;
    rank: string;
    services: string;
    web: string;
    mail: string;
    dns: string;
    all: string;
    previous: string;
    changePp: string;
    change: string;
    hostname: string;
    family: string;
    aaaa: string;
    operationalPct: string;
    zones: string;
    signed: string;
    validating: string;
    bogus: string;
    downMinutes: string;
    validation: string;
    validPct: string;
    expiry: string;
    warnings: string;
    criticality: string;
    target: string;
    uptime: string;
    downtime: string;
    circuit: string;
    provider: string;
    sla: string;
    meetsSla: string;
    circuits: string;
    meeting: string;
    breaching: string;
    meanUptime: string;
    minUptime: string;
    severity: string;
    category: string;
    count: string;
    number: string;
    incidentTitle: string;
    openedAt: string;
    duration: string;
    status: string;
    ipv6: string;
    dnssec: string;
    availability: string;
    incidents: string;
    score: string;
    subtreeScore: string;
    previousScore: string;
    period: string;
    availabilityPct: string;
    ipv6OperationalPct: string;
  };
  charts: {
    ipv6ByUnit: string;
    scoreByUnit: string;
    trend: string;
    thisPeriod: string;
    previousPeriod: string;
    availability: string;
    ipv6Operational: string;
  };
  values: {
    yes: string;
    no: string;
    unknown: string;
    total: string;
    noUnit: string;
    ongoing: string;
    none: string;
    family: Record<'web' | 'mail' | 'dns', string>;
    validation: Record<'secure' | 'insecure' | 'bogus' | 'indeterminate', string>;
    criticality: Record<'low' | 'medium' | 'high' | 'critical', string>;
    category: Record<IncidentCategory, string>;
    severity: Record<1 | 2 | 3 | 4, string>;
  };
  text: {
    /** The subtitle under the title. */
    subtitle: (period: string, scope: string) => string;
    timeNote: string;
    ipv6Method: (threshold: string) => string;
    dnssecMethod: string;
    availabilityMethod: string;
    scorecardMethod: string;
    trendMethod: (periods: number) => string;
    /** "… and 12 more (CSV section ipv6-services)". */
    more: (n: number, section: string) => string;
    ofTotal: (part: number, whole: number, percent: string) => string;
    scores: (score: string, previous: string, change: string) => string;
    footer: (period: string) => string;
  };
}

const vi: ComplianceLabels = {
  title: 'Báo cáo tuân thủ',
  wholeProvince: 'Toàn tỉnh',
  sections: {
    summary: 'Tổng quan',
    ipv6: 'Sẵn sàng IPv6',
    dnssec: 'DNSSEC',
    availability: 'Tính sẵn sàng / SLA',
    incidents: 'Sự cố',
    scorecard: 'Bảng điểm',
    trend: 'Xu hướng',
  },
  fields: {
    organisation: 'Đơn vị báo cáo',
    period: 'Kỳ báo cáo',
    previousPeriod: 'Kỳ trước',
    scope: 'Phạm vi',
    generatedAt: 'Thời điểm lập',
    inventory: 'Đơn vị / dịch vụ / kênh truyền',
    ipv6Operational: 'IPv6 hoạt động',
    dnssec: 'DNSSEC (đã ký / xác thực đúng)',
    availability: 'Tính sẵn sàng trung bình',
    sla: 'Kênh truyền đạt / không đạt SLA',
    incidents: 'Sự cố (kỳ trước)',
    score: 'Điểm tuân thủ',
    zones: 'Số vùng (zone)',
    signed: 'Đã ký',
    validating: 'Xác thực đúng',
    validationStates: 'An toàn / không ký / lỗi / không xác định / chưa rõ',
    expiringSoon: 'Chữ ký sắp hết hạn',
    downMinutes: 'Thời gian lỗi',
    servicesMeetingTarget: 'Dịch vụ đạt mục tiêu',
    meanUptime: 'Tỷ lệ hoạt động trung bình',
    downtime: 'Tổng thời gian gián đoạn',
    circuitsSla: 'Kênh truyền đạt / không đạt SLA',
    incidentsTotal: 'Số sự cố (kỳ trước)',
    mtta: 'Thời gian tiếp nhận (trung bình / trung vị)',
    mttr: 'Thời gian khắc phục (trung bình / trung vị)',
    weights: 'Trọng số',
  },
  sub: {
    ipv6Grid: 'Bảng IPv6 theo đơn vị (hoạt động / số dịch vụ)',
    ipv6Ranking: 'Xếp hạng đơn vị',
    ipv6NotOperational: 'Dịch vụ chưa hoạt động IPv6',
    dnssecUnits: 'DNSSEC theo đơn vị',
    dnssecAttention: 'Vùng cần xử lý',
    servicesBelowTarget: 'Dịch vụ không đạt mục tiêu',
    circuits: 'Kênh truyền',
    providers: 'Nhà cung cấp',
    bySeverity: 'Theo mức độ',
    byCategory: 'Theo loại',
    byUnit: 'Theo đơn vị',
    longest: 'Sự cố kéo dài nhất',
    scoreTable: 'Điểm theo đơn vị',
    trendTable: 'Số liệu theo kỳ',
  },
  columns: {
    unit: 'Đơn vị',
    rank: 'Hạng',
    services: 'Dịch vụ',
    web: 'Web',
    mail: 'Thư điện tử',
    dns: 'DNS',
    all: 'Tổng',
    previous: 'Kỳ trước',
    changePp: 'Thay đổi (điểm %)',
    change: 'Thay đổi',
    hostname: 'Tên miền',
    family: 'Loại',
    aaaa: 'Có AAAA',
    operationalPct: 'Tỷ lệ hoạt động',
    zones: 'Số vùng',
    signed: 'Đã ký',
    validating: 'Xác thực đúng',
    bogus: 'Lỗi xác thực',
    downMinutes: 'Thời gian lỗi',
    validation: 'Trạng thái',
    validPct: 'Tỷ lệ hợp lệ',
    expiry: 'Còn hạn (ngày)',
    warnings: 'Cảnh báo',
    criticality: 'Mức quan trọng',
    target: 'Mục tiêu',
    uptime: 'Tỷ lệ hoạt động',
    downtime: 'Gián đoạn',
    circuit: 'Kênh truyền',
    provider: 'Nhà cung cấp',
    sla: 'SLA',
    meetsSla: 'Đạt SLA',
    circuits: 'Số kênh',
    meeting: 'Đạt',
    breaching: 'Không đạt',
    meanUptime: 'Trung bình',
    minUptime: 'Thấp nhất',
    severity: 'Mức độ',
    category: 'Loại sự cố',
    count: 'Số lượng',
    number: 'Số',
    incidentTitle: 'Tiêu đề',
    openedAt: 'Phát hiện lúc',
    duration: 'Thời gian',
    status: 'Tình trạng',
    ipv6: 'IPv6',
    dnssec: 'DNSSEC',
    availability: 'Sẵn sàng',
    incidents: 'Sự cố',
    score: 'Điểm',
    subtreeScore: 'Điểm cả khối',
    previousScore: 'Kỳ trước',
    period: 'Kỳ',
    availabilityPct: 'Tính sẵn sàng',
    ipv6OperationalPct: 'IPv6 hoạt động',
  },
  charts: {
    ipv6ByUnit: 'Tỷ lệ dịch vụ hoạt động IPv6 theo đơn vị',
    scoreByUnit: 'Điểm tuân thủ theo đơn vị (cả khối)',
    trend: 'Xu hướng tính sẵn sàng và IPv6',
    thisPeriod: 'Kỳ này',
    previousPeriod: 'Kỳ trước',
    availability: 'Tính sẵn sàng',
    ipv6Operational: 'IPv6 hoạt động',
  },
  values: {
    yes: 'Có',
    no: 'Không',
    unknown: 'Chưa rõ',
    total: 'Tổng cộng',
    noUnit: 'Chưa xác định đơn vị',
    ongoing: 'Chưa khắc phục',
    none: 'Không có.',
    family: { web: 'Web', mail: 'Thư điện tử', dns: 'DNS' },
    validation: {
      secure: 'An toàn',
      insecure: 'Không ký',
      bogus: 'Lỗi xác thực',
      indeterminate: 'Không xác định',
    },
    criticality: { low: 'Thấp', medium: 'Trung bình', high: 'Cao', critical: 'Trọng yếu' },
    category: REPORT_LABELS.vi.category,
    severity: {
      1: REPORT_LABELS.vi.severity[1].label,
      2: REPORT_LABELS.vi.severity[2].label,
      3: REPORT_LABELS.vi.severity[3].label,
      4: REPORT_LABELS.vi.severity[4].label,
    },
  },
  text: {
    subtitle: (period, scope) => `Kỳ báo cáo: ${period} · Phạm vi: ${scope}`,
    timeNote: 'Thời gian theo giờ Việt Nam (UTC+07:00).',
    ipv6Method: (threshold) =>
      `Mỗi dịch vụ được xét theo từng loại (web, thư điện tử, DNS). Một dịch vụ hoạt động IPv6 ` +
      `khi đã công bố bản ghi AAAA và tỷ lệ kiểm tra IPv6 đạt trong kỳ từ ${threshold} trở lên.`,
    dnssecMethod:
      'Trạng thái xác thực tại cuối kỳ; tỷ lệ hợp lệ là tỷ lệ kết quả kiểm tra DNSSEC đạt trong kỳ.',
    availabilityMethod:
      'Tỷ lệ hoạt động của dịch vụ là của phép kiểm tra kém nhất (HTTP, TCP, ICMP); ' +
      'mục tiêu theo mức quan trọng của dịch vụ, SLA theo hợp đồng kênh truyền.',
    scorecardMethod:
      'Điểm 0–100 của mỗi đơn vị là trung bình có trọng số của các thành phần áp dụng; ' +
      'điểm cả khối gộp đơn vị và các đơn vị trực thuộc, theo số dịch vụ.',
    trendMethod: (n) =>
      `${n} kỳ liên tiếp có cùng độ dài, kỳ cuối là kỳ báo cáo; số liệu lấy từ dữ liệu tổng hợp ` +
      `theo giờ và theo ngày. Tính sẵn sàng: trung bình tỷ lệ hoạt động của các dịch vụ có số ` +
      `liệu; IPv6: tỷ lệ dịch vụ có kiểm tra IPv6 đạt ngưỡng hoạt động trong kỳ.`,
    more: (n, section) => `… và ${n} dòng nữa (xem tệp CSV “${section}”).`,
    ofTotal: (part, whole, percent) => `${percent} (${part}/${whole})`,
    scores: (score, previous, change) => `${score} (kỳ trước ${previous}, thay đổi ${change})`,
    footer: (period) => `NetWatch · Báo cáo tuân thủ · ${period}`,
  },
};

const en: ComplianceLabels = {
  title: 'Compliance report',
  wholeProvince: 'Whole province',
  sections: {
    summary: 'Summary',
    ipv6: 'IPv6 readiness',
    dnssec: 'DNSSEC',
    availability: 'Availability / SLA',
    incidents: 'Incidents',
    scorecard: 'Scorecard',
    trend: 'Trend',
  },
  fields: {
    organisation: 'Reporting organisation',
    period: 'Period',
    previousPeriod: 'Previous period',
    scope: 'Scope',
    generatedAt: 'Generated at',
    inventory: 'Units / services / circuits',
    ipv6Operational: 'IPv6 operational',
    dnssec: 'DNSSEC (signed / validating)',
    availability: 'Mean availability',
    sla: 'Circuits meeting / breaching SLA',
    incidents: 'Incidents (previous period)',
    score: 'Compliance score',
    zones: 'Zones',
    signed: 'Signed',
    validating: 'Validating',
    validationStates: 'Secure / insecure / bogus / indeterminate / unknown',
    expiringSoon: 'Signatures expiring soon',
    downMinutes: 'Time in error',
    servicesMeetingTarget: 'Services meeting their target',
    meanUptime: 'Mean uptime',
    downtime: 'Total downtime',
    circuitsSla: 'Circuits meeting / breaching SLA',
    incidentsTotal: 'Incidents (previous period)',
    mtta: 'Time to acknowledge (mean / median)',
    mttr: 'Time to resolve (mean / median)',
    weights: 'Weights',
  },
  sub: {
    ipv6Grid: 'IPv6 grid per unit (operational / services)',
    ipv6Ranking: 'Unit ranking',
    ipv6NotOperational: 'Services not operational over IPv6',
    dnssecUnits: 'DNSSEC per unit',
    dnssecAttention: 'Zones needing attention',
    servicesBelowTarget: 'Services below their target',
    circuits: 'Circuits',
    providers: 'Providers',
    bySeverity: 'By severity',
    byCategory: 'By category',
    byUnit: 'By unit',
    longest: 'Longest incidents',
    scoreTable: 'Scores per unit',
    trendTable: 'Figures per period',
  },
  columns: {
    unit: 'Unit',
    rank: 'Rank',
    services: 'Services',
    web: 'Web',
    mail: 'Mail',
    dns: 'DNS',
    all: 'All',
    previous: 'Previous',
    changePp: 'Change (pp)',
    change: 'Change',
    hostname: 'Hostname',
    family: 'Family',
    aaaa: 'AAAA',
    operationalPct: 'Operational',
    zones: 'Zones',
    signed: 'Signed',
    validating: 'Validating',
    bogus: 'Bogus',
    downMinutes: 'Time in error',
    validation: 'State',
    validPct: 'Valid',
    expiry: 'Days to expiry',
    warnings: 'Warnings',
    criticality: 'Criticality',
    target: 'Target',
    uptime: 'Uptime',
    downtime: 'Downtime',
    circuit: 'Circuit',
    provider: 'Provider',
    sla: 'SLA',
    meetsSla: 'Meets SLA',
    circuits: 'Circuits',
    meeting: 'Meeting',
    breaching: 'Breaching',
    meanUptime: 'Mean',
    minUptime: 'Lowest',
    severity: 'Severity',
    category: 'Category',
    count: 'Count',
    number: 'No.',
    incidentTitle: 'Title',
    openedAt: 'Detected at',
    duration: 'Duration',
    status: 'Status',
    ipv6: 'IPv6',
    dnssec: 'DNSSEC',
    availability: 'Availability',
    incidents: 'Incidents',
    score: 'Score',
    subtreeScore: 'Subtree score',
    previousScore: 'Previous',
    period: 'Period',
    availabilityPct: 'Availability',
    ipv6OperationalPct: 'IPv6 operational',
  },
  charts: {
    ipv6ByUnit: 'Share of services operational over IPv6, per unit',
    scoreByUnit: 'Compliance score per unit (subtree)',
    trend: 'Availability and IPv6 trend',
    thisPeriod: 'This period',
    previousPeriod: 'Previous period',
    availability: 'Availability',
    ipv6Operational: 'IPv6 operational',
  },
  values: {
    yes: 'Yes',
    no: 'No',
    unknown: 'Unknown',
    total: 'Total',
    noUnit: 'No unit',
    ongoing: 'Ongoing',
    none: 'None.',
    family: { web: 'Web', mail: 'Mail', dns: 'DNS' },
    validation: {
      secure: 'Secure',
      insecure: 'Insecure',
      bogus: 'Bogus',
      indeterminate: 'Indeterminate',
    },
    criticality: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' },
    category: REPORT_LABELS.en.category,
    severity: {
      1: REPORT_LABELS.en.severity[1].label,
      2: REPORT_LABELS.en.severity[2].label,
      3: REPORT_LABELS.en.severity[3].label,
      4: REPORT_LABELS.en.severity[4].label,
    },
  },
  text: {
    subtitle: (period, scope) => `Period: ${period} · Scope: ${scope}`,
    timeNote: 'Times are Vietnam time (UTC+07:00).',
    ipv6Method: (threshold) =>
      `Each service is counted per family (web, mail, DNS). A service is operational over IPv6 ` +
      `when it publishes an AAAA record and its IPv6 checks passed at least ${threshold} of the time.`,
    dnssecMethod:
      'Validation state at the end of the period; "valid" is the share of DNSSEC check results that passed.',
    availabilityMethod:
      "A service's uptime is its worst check's (HTTP, TCP, ICMP); targets follow the service's " +
      "criticality, SLAs the circuit's contract.",
    scorecardMethod:
      'Each unit scores 0–100: the weighted mean of the components that apply; the subtree ' +
      'score combines a unit and the units below it, weighted by services.',
    trendMethod: (n) =>
      `${n} consecutive periods of equal length ending with the report's period, from the hourly ` +
      `and daily rollups. Availability: mean uptime of the services with data; IPv6: share of ` +
      `services whose IPv6 check reached the operational threshold in the period.`,
    more: (n, section) => `… and ${n} more rows (see the CSV section “${section}”).`,
    ofTotal: (part, whole, percent) => `${percent} (${part}/${whole})`,
    scores: (score, previous, change) => `${score} (previous ${previous}, change ${change})`,
    footer: (period) => `NetWatch · Compliance report · ${period}`,
  },
};

export const COMPLIANCE_LABELS: Record<RenderLang, ComplianceLabels> = { vi, en };
