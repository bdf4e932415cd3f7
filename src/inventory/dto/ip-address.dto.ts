import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ADDRESS_STATUSES, AddressStatus } from '../inventory.enums';
import { IsHostname, IsIp } from './validators';

export class CreateIpAddressDto {
  @ApiProperty({ example: '198.51.100.10/26', description: 'Host address with prefix length' })
  @IsIp('interface')
  address!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  interfaceId?: string | null;

  @ApiPropertyOptional({ example: 'ns1.lamdong.gov.vn' })
  @IsOptional()
  @IsHostname()
  dnsName?: string | null;

  @ApiPropertyOptional({ enum: ADDRESS_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(ADDRESS_STATUSES)
  status?: AddressStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class UpdateIpAddressDto extends PartialType(CreateIpAddressDto) {}
