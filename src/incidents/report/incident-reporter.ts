import { DataSource } from 'typeorm';
import { IncidentsService } from '../incidents.service';
import { BuildReportOptions, buildIncidentReport, IncidentReport } from './incident-report';
import { loadIncidentReportContext } from './incident-report.context';
import { renderIncidentReportPdf } from './incident-report.pdf';
import { IncidentReportSettings } from './incident-report.settings';

/** Loads an incident and what its report needs, then builds the report or its PDF. */
export class IncidentReporter {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly dataSource: DataSource,
    private readonly settings: IncidentReportSettings,
  ) {}

  /** The report of incident `id` (NotFoundError if unknown; final while active is refused). */
  async build(
    id: string,
    options: Omit<BuildReportOptions, 'generatedAt'> & { generatedAt?: Date },
  ): Promise<IncidentReport> {
    const detail = await this.incidents.get(id);
    const context = await loadIncidentReportContext(this.dataSource, detail, this.settings);
    return buildIncidentReport(detail, context, {
      ...options,
      generatedAt: options.generatedAt ?? this.incidents.settings.now(),
    });
  }

  async pdf(
    id: string,
    options: Omit<BuildReportOptions, 'generatedAt'> & { generatedAt?: Date },
  ): Promise<{ report: IncidentReport; pdf: Buffer }> {
    const report = await this.build(id, options);
    return { report, pdf: await renderIncidentReportPdf(report, options.lang) };
  }
}
