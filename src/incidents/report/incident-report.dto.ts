import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { REPORT_LANGS, REPORT_TYPES, ReportLang, ReportType } from './incident-report.labels';

export const REPORT_FORMATS = ['json', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `GET /api/incidents/:id/report` query; unknown parameters are refused. */
export class IncidentReportQueryDto {
  @ApiPropertyOptional({
    enum: REPORT_TYPES,
    default: 'initial',
    description: 'initial: soon after detection; final: after handling (resolved or closed only)',
  })
  @IsOptional()
  @IsIn(REPORT_TYPES)
  type?: ReportType;

  @ApiPropertyOptional({ enum: REPORT_LANGS, default: 'vi' })
  @IsOptional()
  @IsIn(REPORT_LANGS)
  lang?: ReportLang;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}
