import type { ReportLang } from './incident-report.labels';

/** Names of the reporting organisation, in one language. */
export interface OrganisationNames {
  /** The operator that reports (the department running the systems). */
  name: string;
  /** Its managing body (cơ quan chủ quản), which receives the report. */
  managingBody: string;
  /** Who the report goes to: the managing body and the national coordinating team. */
  recipients: string[];
}

/** The incident response focal point of the organisation (đầu mối ứng cứu sự cố). */
export interface FocalPoint {
  name: string;
  phone: string | null;
  email: string | null;
}

/** Settings of the incident reports (README.md beside this file). */
export interface IncidentReportSettings {
  organisation: Record<ReportLang, OrganisationNames>;
  focalPoint: FocalPoint | null;
}

/**
 * The defaults: the Department of Information and Communications of Lâm Đồng reporting to the
 * Provincial People's Committee and VNCERT/CC. Names change with reorganisations: set them with
 * the `INCIDENT_REPORT_SETTINGS` provider rather than editing reports by hand.
 */
export const DEFAULT_INCIDENT_REPORT_SETTINGS: IncidentReportSettings = {
  organisation: {
    vi: {
      name: 'Sở Thông tin và Truyền thông tỉnh Lâm Đồng',
      managingBody: 'Ủy ban nhân dân tỉnh Lâm Đồng',
      recipients: [
        'Ủy ban nhân dân tỉnh Lâm Đồng (cơ quan chủ quản)',
        'Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam (VNCERT/CC)',
      ],
    },
    en: {
      name: 'Department of Information and Communications of Lâm Đồng Province',
      managingBody: "Lâm Đồng Provincial People's Committee",
      recipients: [
        "Lâm Đồng Provincial People's Committee (managing body)",
        'Vietnam Computer Emergency Response Team (VNCERT/CC)',
      ],
    },
  },
  focalPoint: null,
};

/** Optional provider token; without it the controller uses the defaults. */
export const INCIDENT_REPORT_SETTINGS = Symbol('INCIDENT_REPORT_SETTINGS');

export function resolveIncidentReportSettings(
  partial: Partial<IncidentReportSettings> = {},
): IncidentReportSettings {
  return {
    organisation: {
      vi: { ...DEFAULT_INCIDENT_REPORT_SETTINGS.organisation.vi, ...partial.organisation?.vi },
      en: { ...DEFAULT_INCIDENT_REPORT_SETTINGS.organisation.en, ...partial.organisation?.en },
    },
    focalPoint:
      partial.focalPoint === undefined
        ? DEFAULT_INCIDENT_REPORT_SETTINGS.focalPoint
        : partial.focalPoint,
  };
}
