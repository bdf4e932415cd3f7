import {
  Controller,
  Get,
  Inject,
  Optional,
  Param,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { strictValidationPipe } from '../../common/validation';
import { IncidentsService } from '../incidents.service';
import { IncidentReportQueryDto } from './incident-report.dto';
import { incidentReportFilename } from './incident-report.pdf';
import {
  INCIDENT_REPORT_SETTINGS,
  IncidentReportSettings,
  resolveIncidentReportSettings,
} from './incident-report.settings';
import { IncidentReporter } from './incident-reporter';
import { Access, Scoped } from '../../auth/permissions';

/**
 * Incident reports for the managing body and VNCERT/CC (Decision 05/2017/QĐ-TTg, Circular
 * 20/2017/TT-BTTTT): JSON or PDF, initial or final, Vietnamese or English. README.md beside
 * this file lists the fields.
 */
@ApiTags('incidents')
@Access('incidents')
@Scoped()
@Controller('api/incidents')
export class IncidentReportController {
  private readonly reporter: IncidentReporter;

  constructor(
    incidents: IncidentsService,
    dataSource: DataSource,
    @Optional()
    @Inject(INCIDENT_REPORT_SETTINGS)
    settings?: Partial<IncidentReportSettings>,
  ) {
    this.reporter = new IncidentReporter(
      incidents,
      dataSource,
      resolveIncidentReportSettings(settings ?? {}),
    );
  }

  @Get(':id/report')
  @ApiOperation({
    summary: 'Incident report (initial or final) as JSON or PDF',
    description:
      'type=initial|final (default initial; final only once resolved or closed), lang=vi|en ' +
      '(default vi), format=json|pdf (default json). PDF is sent as an attachment named ' +
      'incident-<number>-<type>-<lang>.pdf.',
  })
  @ApiProduces('application/json', 'application/pdf')
  async report(
    @Param('id') id: string,
    @Query(strictValidationPipe(IncidentReportQueryDto)) q: IncidentReportQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const options = { type: q.type ?? 'initial', lang: q.lang ?? 'vi' } as const;
    if ((q.format ?? 'json') === 'json') return this.reporter.build(id, options);
    const { report, pdf } = await this.reporter.pdf(id, options);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="${incidentReportFilename(report, options.lang)}"`,
      length: pdf.length,
    });
  }
}
