import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  DEVICE_ROLES,
  DeviceRole,
  LIFECYCLE_STATUSES,
  LifecycleStatus,
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SNMP_VERSIONS,
  SnmpAuthProtocol,
  SnmpPrivProtocol,
  SnmpVersion,
} from '../inventory.enums';
import { DEVICE_NAME_PATTERN, IsIp } from './validators';

/**
 * SNMP settings as written by a user. Secrets (community, keys) are write-only: they are
 * encrypted on save and never appear in a response, a log line or an export. Leaving the
 * secrets out keeps the stored ones (so an export re-imports, and a PATCH of the user name need
 * not resend keys); a device whose SNMP is on must end up with credentials (checked on save).
 */
export class SnmpSettingsDto {
  @ApiProperty({ enum: SNMP_VERSIONS })
  @IsIn(SNMP_VERSIONS)
  version!: SnmpVersion;

  @ApiPropertyOptional({
    writeOnly: true,
    description: 'v2c community (left out: keep the stored one)',
  })
  @ValidateIf((o: SnmpSettingsDto) => o.version === 'v2c' && o.community !== undefined)
  @IsString()
  @Length(1, 255)
  community?: string;

  @ApiPropertyOptional({ description: 'v3 user name (required for v3)' })
  @ValidateIf((o: SnmpSettingsDto) => o.version === 'v3')
  @IsString()
  @Length(1, 128)
  username?: string;

  @ApiPropertyOptional({ enum: SNMP_AUTH_PROTOCOLS })
  @ValidateIf((o: SnmpSettingsDto) => o.version === 'v3')
  @IsIn(SNMP_AUTH_PROTOCOLS)
  authProtocol?: SnmpAuthProtocol;

  @ApiPropertyOptional({ writeOnly: true, minLength: 8, description: 'Give both keys or neither' })
  @ValidateIf(
    (o: SnmpSettingsDto) =>
      o.version === 'v3' && (o.authKey !== undefined || o.privKey !== undefined),
  )
  @IsString()
  @Length(8, 255)
  authKey?: string;

  @ApiPropertyOptional({ enum: SNMP_PRIV_PROTOCOLS })
  @ValidateIf((o: SnmpSettingsDto) => o.version === 'v3')
  @IsIn(SNMP_PRIV_PROTOCOLS)
  privProtocol?: SnmpPrivProtocol;

  @ApiPropertyOptional({ writeOnly: true, minLength: 8, description: 'Give both keys or neither' })
  @ValidateIf(
    (o: SnmpSettingsDto) =>
      o.version === 'v3' && (o.authKey !== undefined || o.privKey !== undefined),
  )
  @IsString()
  @Length(8, 255)
  privKey?: string;
}

export class CreateDeviceDto {
  @ApiProperty({ example: 'tthc-core-rt01' })
  @Matches(DEVICE_NAME_PATTERN, {
    message: '$property must be 1-128 characters: a-z, 0-9, _ . - (lower case)',
  })
  name!: string;

  @ApiProperty({ enum: DEVICE_ROLES })
  @IsIn(DEVICE_ROLES)
  role!: DeviceRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  vendor?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  model?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  serialNumber?: string | null;

  @ApiPropertyOptional({ example: '198.51.100.2' })
  @IsOptional()
  @IsIp('host')
  managementAddress?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  siteId?: string | null;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiPropertyOptional({ enum: LIFECYCLE_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES)
  status?: LifecycleStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional({
    type: SnmpSettingsDto,
    description: 'Leave out to keep the stored settings',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SnmpSettingsDto)
  snmp?: SnmpSettingsDto;
}

export class UpdateDeviceDto extends PartialType(CreateDeviceDto) {}
