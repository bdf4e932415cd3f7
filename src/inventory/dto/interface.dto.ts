import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsMACAddress,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class CreateInterfaceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  deviceId!: string;

  @ApiProperty({ example: 'GigabitEthernet0/0/1' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'SNMP ifIndex' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  ifIndex?: number | null;

  @ApiPropertyOptional({ example: '00:1a:2b:3c:4d:5e' })
  @IsOptional()
  @IsMACAddress()
  macAddress?: string | null;

  @ApiPropertyOptional({ description: 'Nominal speed in kbit/s' })
  @IsOptional()
  @IsInt()
  @Min(0)
  speedKbps?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateInterfaceDto extends PartialType(CreateInterfaceDto) {}
