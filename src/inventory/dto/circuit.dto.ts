import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  CIRCUIT_TYPES,
  CircuitType,
  LIFECYCLE_STATUSES,
  LifecycleStatus,
} from '../inventory.enums';

export class CreateCircuitDto {
  @ApiProperty({ example: 'VNPT-LD-TSL-0001', description: 'Provider circuit ID' })
  @IsString()
  @Length(1, 128)
  cid!: string;

  @ApiProperty({ example: 'VNPT' })
  @IsString()
  @Length(1, 128)
  provider!: string;

  @ApiProperty({ enum: CIRCUIT_TYPES })
  @IsIn(CIRCUIT_TYPES)
  type!: CircuitType;

  @ApiPropertyOptional({ enum: LIFECYCLE_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES)
  status?: LifecycleStatus;

  @ApiPropertyOptional({ description: 'Contracted rate in kbit/s' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  rateKbps?: number | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'A end: a device interface (or aSiteId)' })
  @IsOptional()
  @IsUUID()
  aInterfaceId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'A end: a site (or aInterfaceId)' })
  @IsOptional()
  @IsUUID()
  aSiteId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  zInterfaceId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  zSiteId?: string | null;

  @ApiPropertyOptional({ example: '2015-06-01' })
  @IsOptional()
  @IsISO8601({ strict: true })
  installDate?: string | null;

  @ApiPropertyOptional({ example: '2027-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true })
  contractEndDate?: string | null;

  @ApiPropertyOptional({ example: 99.5 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 3 })
  @Min(0.001)
  @Max(100)
  slaTargetPercent?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class UpdateCircuitDto extends PartialType(CreateCircuitDto) {}
