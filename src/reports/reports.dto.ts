import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { CSV_SECTION_NAMES, CsvSection } from './compliance/compliance-csv';

export const COMPLIANCE_FORMATS = ['json', 'csv', 'html', 'pdf'] as const;
export type ComplianceFormat = (typeof COMPLIANCE_FORMATS)[number];

/** Query of GET /api/reports/compliance; unknown parameters are rejected (strict pipe). */
export class ComplianceReportQueryDto {
  @ApiPropertyOptional({
    description:
      'Start (ISO 8601, a whole hour). Default with `to`: the last calendar month in Asia/Ho_Chi_Minh',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'End, exclusive (ISO 8601, a whole hour)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Unit code or id: this unit and the units below it' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  unit?: string;

  @ApiPropertyOptional({
    enum: ['vi', 'en'],
    description: 'Language (default vi): CSV header labels; HTML/PDF labels, numbers and dates',
  })
  @IsOptional()
  @IsIn(['vi', 'en'])
  lang?: 'vi' | 'en';

  @ApiPropertyOptional({
    enum: COMPLIANCE_FORMATS,
    description: 'Default json. html: one self-contained page; pdf: an A4 attachment',
  })
  @IsOptional()
  @IsIn(COMPLIANCE_FORMATS)
  format?: ComplianceFormat;

  @ApiPropertyOptional({
    enum: CSV_SECTION_NAMES,
    description: 'One table of the report (required with format=csv; json and csv only)',
  })
  @IsOptional()
  @IsIn(CSV_SECTION_NAMES)
  section?: CsvSection;
}
