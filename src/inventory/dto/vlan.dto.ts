import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { VLAN_STATUSES, VlanStatus } from '../inventory.enums';

export class CreateVlanDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  siteId!: string;

  @ApiProperty({ minimum: 1, maximum: 4094 })
  @IsInt()
  @Min(1)
  @Max(4094)
  vid!: number;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ enum: VLAN_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(VLAN_STATUSES)
  status?: VlanStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class UpdateVlanDto extends PartialType(CreateVlanDto) {}
