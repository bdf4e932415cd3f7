import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PREFIX_STATUSES, PrefixStatus } from '../inventory.enums';
import { IsIp } from './validators';

export class CreatePrefixDto {
  @ApiProperty({ example: '2001:db8:100::/48' })
  @IsIp('prefix')
  prefix!: string;

  @ApiPropertyOptional({ enum: PREFIX_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(PREFIX_STATUSES)
  status?: PrefixStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  vlanId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  siteId?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class UpdatePrefixDto extends PartialType(CreatePrefixDto) {}
