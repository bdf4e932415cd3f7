import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';

export class ImportFileDto {
  @ApiProperty({
    example: 'units.csv',
    description:
      'File name; its extension (.yaml/.yml/.csv) and, for CSV, its name say what it holds',
  })
  @Matches(/^[\w.-]{1,100}\.(ya?ml|csv)$/i, {
    message: '$property must be a file name ending in .yaml, .yml or .csv',
  })
  name!: string;

  @ApiProperty({
    description: 'File content: UTF-8 text, or base64 with encoding=base64 (to send raw bytes)',
  })
  @IsString()
  content!: string;

  @ApiPropertyOptional({ enum: ['utf8', 'base64'], default: 'utf8' })
  @IsOptional()
  @IsIn(['utf8', 'base64'])
  encoding?: 'utf8' | 'base64';
}

export class ImportRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Report what would change without writing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiProperty({ type: [ImportFileDto] })
  @ValidateNested({ each: true })
  @Type(() => ImportFileDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  files!: ImportFileDto[];
}
