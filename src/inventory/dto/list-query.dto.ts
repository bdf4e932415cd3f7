import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PagingDto } from '../../common/paging.dto';

/**
 * Query parameters every list accepts. Resource-specific filters (`status`, `kind`, `role`,
 * `type`, `site`, `device`, ...) are declared by each resource and validated against that list;
 * anything else is rejected, so a misspelt filter never silently returns everything.
 */
export class ListQueryDto extends PagingDto {
  @ApiPropertyOptional({
    description: 'Field to sort by; prefix with - for descending',
    example: '-updatedAt',
  })
  @IsOptional()
  @Matches(/^-?[a-zA-Z]+$/)
  sort?: string;

  @ApiPropertyOptional({ description: 'Text search ignoring case and Vietnamese diacritics' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    description: 'Unit code or id: only objects of this unit and the units below it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  unit?: string;
}
