import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * Query parameters every list accepts. Resource-specific filters (`status`, `kind`, `role`,
 * `type`, `site`, `device`, ...) are declared by each resource and validated against that list;
 * anything else is rejected, so a misspelt filter never silently returns everything.
 */
export class ListQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

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
