import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import {
  CRITICALITIES,
  Criticality,
  SERVICE_KINDS,
  SERVICE_STATUSES,
  ServiceKind,
  ServiceStatus,
} from '../inventory.enums';
import { IsHostname } from './validators';

export class CreateServiceDto {
  @ApiProperty({ enum: SERVICE_KINDS })
  @IsIn(SERVICE_KINDS)
  kind!: ServiceKind;

  @ApiProperty({ example: 'www.lamdong.gov.vn', description: 'Host name, mail domain or zone' })
  @IsHostname()
  hostname!: string;

  @ApiProperty({ example: 'Cổng thông tin điện tử tỉnh Lâm Đồng' })
  @IsString()
  @Length(1, 255)
  name!: string;

  @ApiPropertyOptional({ example: 'https://www.lamdong.gov.vn/' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url?: string | null;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiPropertyOptional({ enum: CRITICALITIES, default: 'medium' })
  @IsOptional()
  @IsIn(CRITICALITIES)
  criticality?: Criticality;

  @ApiPropertyOptional({
    default: false,
    description: 'Must be IPv6-ready under the national plan',
  })
  @IsOptional()
  @IsBoolean()
  ipv6Required?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'Must be DNSSEC-signed under the national plan',
  })
  @IsOptional()
  @IsBoolean()
  dnssecRequired?: boolean;

  @ApiPropertyOptional({ enum: SERVICE_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(SERVICE_STATUSES)
  status?: ServiceStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class UpdateServiceDto extends PartialType(CreateServiceDto) {}
