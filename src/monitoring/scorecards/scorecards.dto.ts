import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PagingDto } from '../../common/paging.dto';

/** Query of GET /api/status/scorecards; unknown parameters are refused (strict pipe). */
export class ScorecardListQueryDto extends PagingDto {
  @ApiPropertyOptional({
    description: 'Part of the domain name, or of a service name on it (accents ignored)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  search?: string;

  @ApiPropertyOptional({ description: 'Unit code or id: domains of this unit and those below it' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  unit?: string;
}
