import { PdfDocumentBuilder } from '../../common/pdf/pdf-document';
import type { ComplianceDocument } from './compliance-document';

/**
 * The compliance report as a PDF: A4, DejaVu Sans (Vietnamese diacritics intact and
 * extractable), letterhead, title, every section with its tables and vector charts, page
 * numbers. Reproducible: the creation date is the report's `generatedAt`, so the same report
 * gives the same bytes.
 */
export function renderCompliancePdf(d: ComplianceDocument): Promise<Buffer> {
  const pdf = new PdfDocumentBuilder({
    title: d.metaTitle,
    subject: d.title,
    keywords: 'NetWatch, IPv6, DNSSEC, SLA',
    creationDate: d.generatedAt,
    lang: d.lang,
    footerText: d.footer,
  });
  pdf.letterhead(d.letterhead);
  pdf.title(d.title, d.subtitle);
  for (const section of d.sections) {
    pdf.heading(section.title);
    for (const b of section.blocks) {
      switch (b.kind) {
        case 'paragraph':
          pdf.paragraph(b.text, { muted: b.muted, small: b.muted });
          break;
        case 'subheading':
          pdf.subheading(b.text);
          break;
        case 'keyValues':
          pdf.keyValues(b.rows, 0.42);
          break;
        case 'table':
          pdf.table(
            b.columns,
            b.indent
              ? b.rows.map((r, i) => [
                  '\u00a0\u00a0'.repeat(b.indent![i] ?? 0) + r[0],
                  ...r.slice(1),
                ])
              : b.rows,
          );
          break;
        case 'bars':
          pdf.barChart(b.chart);
          break;
        case 'line':
          pdf.lineChart(b.chart);
          break;
      }
    }
  }
  return pdf.end();
}
