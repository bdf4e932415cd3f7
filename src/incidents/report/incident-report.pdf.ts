import { KeyValueRow, PdfDocumentBuilder } from '../../common/pdf/pdf-document';
import type { LinkObjectType } from '../incident-lifecycle';
import type { IncidentReport } from './incident-report';
import { REPORT_LABELS, ReportLang } from './incident-report.labels';
import { formatDateTime, formatDuration, utcOffset } from './report-format';

/**
 * The report as a PDF (A4, DejaVu Sans): every label in `lang` (the report's language by
 * default; the API builds the report in the language it renders), times in the report's zone
 * with the offset shown. Names (organisation, unit, objects) are printed as the report holds
 * them. The same report gives the same bytes: the PDF's creation date is `generatedAt`.
 */
export async function renderIncidentReportPdf(
  report: IncidentReport,
  lang: ReportLang = report.lang,
): Promise<Buffer> {
  const t = REPORT_LABELS[lang];
  const zone = report.timeZone;
  const generatedAt = new Date(report.generatedAt);
  const time = (value: string | null, fallback = t.notYet) =>
    value ? formatDateTime(value, lang, zone) : fallback;
  const { incident } = report;
  const title = t.reportTitle[report.type];
  const pdf = new PdfDocumentBuilder({
    title: `${title} ${incident.reference}: ${incident.title}`,
    subject: t.legalBasis,
    keywords: `NetWatch, ${incident.reference}, ${t.reportType[report.type]}`,
    creationDate: generatedAt,
    lang,
    footerText: t.footer(incident.reference, t.reportType[report.type]),
  });

  let section = 0;
  const heading = (text: string) => pdf.heading(`${++section}. ${text}`);
  const text = (value: string | null, empty: string) => pdf.paragraph(value ?? empty);

  pdf.letterhead([report.organisation.managingBody, report.organisation.name]);
  pdf.title(title, `${incident.reference}: ${incident.title}`);
  pdf.paragraph(t.legalBasis, { muted: true, small: true });
  pdf.paragraph(t.timeNote(zone, utcOffset(generatedAt, zone)), { muted: true, small: true });

  heading(t.sections.organisation);
  const organisation: KeyValueRow[] = [
    { label: t.fields.organisation, value: report.organisation.name },
    { label: t.fields.managingBody, value: report.organisation.managingBody },
    { label: t.fields.recipients, value: report.organisation.recipients.join('\n') },
  ];
  const focal = report.organisation.focalPoint;
  if (focal)
    organisation.push({
      label: t.fields.focalPoint,
      value: [focal.name, focal.phone, focal.email].filter(Boolean).join(' · '),
    });
  organisation.push(
    { label: t.fields.reportType, value: t.reportType[report.type] },
    { label: t.fields.generatedAt, value: time(report.generatedAt) },
  );
  pdf.keyValues(organisation);

  heading(t.sections.incident);
  pdf.keyValues([
    { label: t.fields.number, value: incident.reference },
    { label: t.fields.title, value: incident.title },
    { label: t.fields.category, value: t.category[incident.category.code] },
    {
      label: t.fields.severity,
      value: `${incident.severity.level}. ${t.severity[incident.severity.level].label}: ${t.severity[incident.severity.level].meaning}`,
    },
    { label: t.fields.status, value: t.status[incident.status.code] },
    {
      label: t.fields.unit,
      value: report.unit ? `${report.unit.name} (${report.unit.code})` : t.notDetermined,
    },
    { label: t.fields.origin, value: t.origin[incident.origin] },
  ]);
  pdf.labelledText(t.fields.description, incident.description.trim() || t.none);

  heading(t.sections.times);
  const { times } = report;
  pdf.keyValues([
    { label: t.fields.detectedAt, value: time(times.detectedAt) },
    { label: t.fields.acknowledgedAt, value: time(times.acknowledgedAt) },
    { label: t.fields.resolvedAt, value: time(times.resolvedAt) },
    { label: t.fields.closedAt, value: time(times.closedAt) },
    { label: t.fields.reportDueAt, value: time(times.reportDueAt) },
    {
      label: t.fields.duration,
      value:
        times.durationSeconds === null ? t.notYet : formatDuration(times.durationSeconds, lang),
    },
  ]);

  heading(t.sections.affected);
  if (report.affectedSystems.length)
    pdf.table(
      [
        { header: t.columns.objectType, width: 0.2 },
        { header: t.columns.object, width: 0.38 },
        { header: t.columns.kind, width: 0.16 },
        { header: t.columns.unit, width: 0.26 },
      ],
      report.affectedSystems.map((o) => [
        t.objectType[o.objectType],
        o.found ? (o.label ?? '') : `${o.objectId} (${t.missingObject})`,
        o.kind ?? '',
        o.unit ? `${o.unit.name} (${o.unit.code})` : '',
      ]),
    );
  else pdf.paragraph(t.none);

  heading(t.sections.impact);
  pdf.keyValues([{ label: t.fields.affectedCount, value: String(report.impact.affectedCount) }]);
  const severity = t.severity[incident.severity.level];
  pdf.paragraph(
    t.impact({
      severity: `${severity.label}: ${severity.meaning}`,
      count: report.impact.affectedCount,
      parts: (Object.entries(report.impact.byType) as [LinkObjectType, number][])
        .filter(([type, count]) => type !== 'check' && count > 0)
        .map(([type, count]) => ({ type, count })),
      dependents: report.impact.alsoAffected.length,
    }),
  );
  if (report.impact.alsoAffected.length) {
    pdf.paragraph(t.fields.alsoAffected);
    pdf.table(
      [
        { header: t.columns.object, width: 0.36 },
        { header: t.columns.check, width: 0.38 },
        { header: t.columns.since, width: 0.26 },
      ],
      report.impact.alsoAffected.map((a) => [
        a.label ?? '',
        `${a.checkKind} · ${a.checkKey}`,
        formatDateTime(a.since, lang, zone, false),
      ]),
    );
  }

  heading(t.sections.cause[report.type]);
  text(report.cause, t.notDetermined);

  heading(t.sections.actions);
  text(report.actionsTaken, t.notRecorded);

  if (report.type === 'final') {
    heading(t.sections.review);
    text(report.reviewNotes, t.notRecorded);
  }

  heading(t.sections.contact);
  pdf.keyValues([{ label: t.fields.assignee, value: report.contact.assignee ?? t.notYet }]);
  if (report.contact.unitContacts.length) {
    pdf.paragraph(t.fields.unitContacts);
    pdf.table(
      [
        { header: t.columns.name, width: 0.3 },
        { header: t.columns.role, width: 0.2 },
        { header: t.columns.phone, width: 0.18 },
        { header: t.columns.email, width: 0.32 },
      ],
      report.contact.unitContacts.map((c) => [
        c.title ? `${c.name}\n${c.title}` : c.name,
        t.contactRole[c.role],
        c.phone ?? '',
        c.email,
      ]),
    );
  }

  heading(t.sections.timeline[report.type]);
  if (report.timeline.entries.length)
    pdf.table(
      [
        { header: `${t.columns.time} (${utcOffset(generatedAt, zone)})`, width: 0.19 },
        { header: t.columns.actor, width: 0.17 },
        { header: t.columns.event, width: 0.32 },
        { header: t.columns.detail, width: 0.32 },
      ],
      report.timeline.entries.map((e) => [
        formatDateTime(e.at, lang, zone, false),
        e.actor,
        e.kind === 'note'
          ? t.timelineKind.note
          : t.statusChange(e.from && t.status[e.from], e.to ? t.status[e.to] : ''),
        e.text ?? '',
      ]),
    );
  else pdf.paragraph(t.none);
  const others = Object.entries(report.timeline.otherCounts) as [
    keyof typeof t.timelineKind,
    number,
  ][];
  if (others.length)
    pdf.paragraph(t.timelineCounts(others.map(([kind, count]) => ({ kind, count }))), {
      muted: true,
      small: true,
    });

  pdf.space(1).paragraph(t.generatedBy, { muted: true, small: true });
  return pdf.end();
}

/** `incident-42-initial-vi.pdf` */
export function incidentReportFilename(report: IncidentReport, lang: ReportLang): string {
  return `incident-${report.incident.number}-${report.type}-${lang}.pdf`;
}
