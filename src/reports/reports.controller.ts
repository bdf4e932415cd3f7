import { Controller, Get, Inject, Optional, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { FieldProblem, ValidationError } from '../common/errors';
import { currentScope } from '../common/request-context';
import { strictValidationPipe } from '../common/validation';
import { unitSubtreeSql } from '../inventory/crud/unit-subtree';
import { complianceCsv, sectionRows } from './compliance/compliance-csv';
import { buildComplianceReport } from './compliance/compliance-report';
import { lastLocalMonth, Period, periodProblems } from './compliance/period';
import { renderComplianceReport } from './compliance/render';
import { ComplianceRules } from './compliance/rules';
import {
  INCIDENT_REPORT_SETTINGS,
  IncidentReportSettings,
} from '../incidents/report/incident-report.settings';
import { ComplianceReportQueryDto } from './reports.dto';
import { Access, Scoped } from '../auth/permissions';

export const COMPLIANCE_RULES = Symbol('COMPLIANCE_RULES');
/** The clock of the reports (tests set it). */
export const REPORTS_CLOCK = Symbol('REPORTS_CLOCK');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Compliance reports (issue 7): JSON, one CSV table, or the whole report as HTML or PDF.
 * Figures and formats: src/reports/README.md. The letterhead of HTML/PDF uses the incident
 * report settings' organisation names when that provider is available, else their defaults.
 */
@ApiTags('reports')
@Access('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(COMPLIANCE_RULES) private readonly rules: ComplianceRules,
    @Inject(REPORTS_CLOCK) private readonly now: () => Date,
    @Optional()
    @Inject(INCIDENT_REPORT_SETTINGS)
    private readonly settings?: Partial<IncidentReportSettings>,
  ) {}

  @Get('compliance')
  @Scoped()
  @ApiOperation({
    summary:
      'Compliance report (IPv6 grid, DNSSEC, availability and SLA, incidents, scorecard) for a period and unit subtree',
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  async compliance(
    @Query(strictValidationPipe(ComplianceReportQueryDto)) q: ComplianceReportQueryDto,
  ) {
    const generatedAt = this.now();
    const problems: FieldProblem[] = [];
    let period: Period = lastLocalMonth(generatedAt);
    if ((q.from === undefined) !== (q.to === undefined)) {
      const missing = q.from === undefined ? 'from' : 'to';
      problems.push({
        field: missing,
        message: `${missing} is needed with ${missing === 'from' ? 'to' : 'from'}`,
      });
    } else if (q.from !== undefined && q.to !== undefined) {
      period = { from: new Date(q.from), to: new Date(q.to) };
      problems.push(...periodProblems(period));
    }
    const format = q.format ?? 'json';
    if (format === 'csv' && !q.section)
      problems.push({ field: 'section', message: 'section is required with format=csv' });
    if ((format === 'html' || format === 'pdf') && q.section)
      problems.push({
        field: 'section',
        message: `section applies to json and csv only (format=${format} is the whole report)`,
      });
    let unitId: string | null = null;
    if (q.unit !== undefined) {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id::text AS id FROM units WHERE code = $1 ${UUID.test(q.unit) ? 'OR id = $1::uuid' : ''} LIMIT 1`,
        [q.unit],
      );
      if (!rows.length) problems.push({ field: 'unit', message: `unit ${q.unit} not found` });
      else unitId = rows[0].id;
    }
    // A unit-scoped caller gets its own subtree; a unit outside it does not exist for it.
    const scope = currentScope();
    if (scope && unitId) {
      const inside: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM ${unitSubtreeSql('$1')} s WHERE s.id = $2`,
        [scope, unitId],
      );
      if (!inside.length) problems.push({ field: 'unit', message: `unit ${q.unit} not found` });
    } else if (scope) unitId = scope;
    if (problems.length) throw new ValidationError('invalid report query', problems);

    const report = await buildComplianceReport(this.dataSource, {
      ...period,
      unitId,
      generatedAt,
      rules: this.rules,
    });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    if (format === 'html' || format === 'pdf') {
      const lang = q.lang ?? 'vi';
      const body = await renderComplianceReport(report, {
        format,
        lang,
        organisation: this.settings?.organisation,
      });
      const name = `compliance-${day(period.from)}-${day(period.to)}-${lang}.${format}`;
      return new StreamableFile(body, {
        type: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8',
        disposition: `${format === 'pdf' ? 'attachment' : 'inline'}; filename="${name}"`,
        length: body.length,
      });
    }
    if (format === 'csv') {
      const section = q.section!;
      const csv = complianceCsv(report, section, q.lang ?? 'vi');
      return new StreamableFile(csv, {
        type: 'text/csv; charset=utf-8',
        disposition: `attachment; filename="compliance-${section}-${day(period.from)}-${day(period.to)}.csv"`,
        length: csv.length,
      });
    }
    if (q.section)
      return {
        report: report.report,
        generatedAt: report.generatedAt,
        period: report.period,
        scope: report.scope,
        section: q.section,
        rows: sectionRows(report, q.section),
      };
    return { ...report, lang: q.lang ?? 'vi' };
  }
}
