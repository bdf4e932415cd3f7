import {
  DEFAULT_INCIDENT_REPORT_SETTINGS,
  OrganisationNames,
} from '../../incidents/report/incident-report.settings';
import type { ComplianceReport } from './compliance-report';
import { complianceDocument } from './compliance-document';
import type { RenderLang } from './format';
import { renderComplianceHtml } from './render-html';
import { renderCompliancePdf } from './render-pdf';

export type ComplianceRenderFormat = 'html' | 'pdf';

export interface ComplianceRenderOptions {
  format: ComplianceRenderFormat;
  lang: RenderLang;
  /**
   * Names in the letterhead, per language; each field defaults to
   * DEFAULT_INCIDENT_REPORT_SETTINGS.organisation (the Department of Information and
   * Communications of Lâm Đồng and the Provincial People's Committee).
   */
  organisation?: Partial<Record<RenderLang, Partial<OrganisationNames>>>;
}

/**
 * The compliance report rendered for people: one self-contained HTML file (UTF-8) or an A4 PDF,
 * in Vietnamese or English (labels, numbers, dates). Deterministic: the same report and options
 * give the same bytes. Layout: compliance-document.ts; drawing: render-html.ts, render-pdf.ts.
 */
export async function renderComplianceReport(
  report: ComplianceReport,
  options: ComplianceRenderOptions,
): Promise<Buffer> {
  const organisation: OrganisationNames = {
    ...DEFAULT_INCIDENT_REPORT_SETTINGS.organisation[options.lang],
    ...options.organisation?.[options.lang],
  };
  const doc = complianceDocument(report, options.lang, organisation);
  return options.format === 'pdf'
    ? renderCompliancePdf(doc)
    : Buffer.from(renderComplianceHtml(doc), 'utf8');
}
