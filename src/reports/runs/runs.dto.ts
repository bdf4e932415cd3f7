import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PagingDto } from '../../common/paging.dto';
import { REPORT_FORMATS, REPORT_LANGS, ReportFormat, ReportLang } from './schedules';

/** Body of POST /api/reports/runs (on-demand generation). */
export class CreateRunDto {
  @ApiPropertyOptional({
    description: 'Start (ISO 8601, whole hour); with `to`. Default: the last calendar month',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'End, exclusive (ISO 8601, whole hour)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Unit code or id (its subtree); default: the province' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  unit?: string;

  @ApiPropertyOptional({ enum: REPORT_LANGS, isArray: true, default: ['vi', 'en'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(REPORT_LANGS, { each: true })
  languages?: ReportLang[];

  @ApiPropertyOptional({ enum: REPORT_FORMATS, isArray: true, default: REPORT_FORMATS })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(REPORT_FORMATS, { each: true })
  formats?: ReportFormat[];
}

export class RunListQueryDto extends PagingDto {
  @ApiPropertyOptional({ description: 'Schedule name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  schedule?: string;

  @ApiPropertyOptional({ enum: ['running', 'succeeded', 'failed'] })
  @IsOptional()
  @IsIn(['running', 'succeeded', 'failed'])
  status?: 'running' | 'succeeded' | 'failed';
}
