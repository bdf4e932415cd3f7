import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Role, ROLES } from './permissions';

export class LoginDto {
  @ApiProperty({ maxLength: 64 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class CreateUserDto {
  @ApiProperty({ description: 'Lower-case letters, digits, ".", "_", "-"', maxLength: 64 })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'username: lower-case letters, digits, ".", "_" or "-" (up to 64)',
  })
  username!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'Unit subtree the user is limited to (not for admins)',
  })
  @ValidateIf((o: CreateUserDto) => o.unitId !== undefined && o.unitId !== null)
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ description: 'Absent: a random one, returned once', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @ValidateIf((o: UpdateUserDto) => o.unitId !== undefined && o.unitId !== null)
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class ResetPasswordDto {
  @ApiPropertyOptional({ description: 'Absent: a random one, returned once', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
}

export class CreateTokenDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: ROLES, description: 'Default: your role; never wider' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'Unit subtree the token is limited to; default: yours; never wider',
  })
  @ValidateIf((o: CreateTokenDto) => o.unitId !== undefined && o.unitId !== null)
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ description: 'Expiry (ISO 8601); absent: until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
