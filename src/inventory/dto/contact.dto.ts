import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  CONTACT_OBJECT_TYPES,
  CONTACT_ROLES,
  ContactObjectType,
  ContactRoleName,
} from '../inventory.enums';

export class CreateContactDto {
  @ApiProperty({ example: 'ucsc@lamdong.gov.vn' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 255)
  name!: string;

  @ApiPropertyOptional({ example: '+84263123456' })
  @IsOptional()
  @Matches(/^\+?[0-9 ().-]{3,32}$/, {
    message: '$property must be a phone number such as +84 263 3812345',
  })
  phone?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  title?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string | null;
}

export class UpdateContactDto extends PartialType(CreateContactDto) {}

export class CreateContactRoleDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  contactId!: string;

  @ApiProperty({ enum: CONTACT_OBJECT_TYPES })
  @IsIn(CONTACT_OBJECT_TYPES)
  objectType!: ContactObjectType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  objectId!: string;

  @ApiProperty({ enum: CONTACT_ROLES })
  @IsIn(CONTACT_ROLES)
  role!: ContactRoleName;
}

export class UpdateContactRoleDto extends PartialType(CreateContactRoleDto) {}
