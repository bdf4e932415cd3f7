import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PagingDto } from '../common/paging.dto';
import { INCIDENT_CATEGORIES } from '../incidents/incident-lifecycle';
import {
  CHANNEL_KINDS,
  ChannelKind,
  NOTIFICATION_EVENTS,
  NotificationEvent,
} from './notification.types';

const CONFIG_DOC =
  'Non-secret settings of the channel kind (see src/notifications/channels/README.md)';
const SECRET_DOC =
  'Secrets of the channel kind (webhook hmacKey/headers, SMTP password, Telegram botToken); ' +
  'write-only: never returned. null clears them; absent keeps them.';

export class CreateChannelDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS)
  kind!: ChannelKind;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: CONFIG_DOC, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ description: SECRET_DOC, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  secret?: Record<string, unknown>;
}

export class UpdateChannelDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: CHANNEL_KINDS, description: 'Cannot change; accepted if equal' })
  @IsOptional()
  @IsIn(CHANNEL_KINDS)
  kind?: ChannelKind;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: CONFIG_DOC, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: SECRET_DOC,
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  @ValidateIf((o: UpdateChannelDto) => o.secret !== undefined && o.secret !== null)
  @IsObject()
  secret?: Record<string, unknown> | null;
}

class RouteFields {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Unit subtree; null: all' })
  @ValidateIf((o: RouteFields) => o.unitId !== undefined && o.unitId !== null)
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 4,
    default: 4,
    description: 'Severities 1..maxSeverity match (1 is the most urgent)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  maxSeverity?: 1 | 2 | 3 | 4;

  @ApiPropertyOptional({ enum: INCIDENT_CATEGORIES, isArray: true, nullable: true })
  @ValidateIf((o: RouteFields) => o.categories !== undefined && o.categories !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(INCIDENT_CATEGORIES, { each: true })
  categories?: string[] | null;
}

export class CreateRouteDto extends RouteFields {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  channelId!: string;

  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTIFICATION_EVENTS.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_EVENTS, { each: true })
  events!: NotificationEvent[];
}

export class UpdateRouteDto extends RouteFields {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_EVENTS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(NOTIFICATION_EVENTS, { each: true })
  events?: NotificationEvent[];
}

export class RouteListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  channel?: string;
}

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

export class OutboxQueryDto extends PagingDto {
  @ApiPropertyOptional({ enum: OUTBOX_STATUSES })
  @IsOptional()
  @IsIn(OUTBOX_STATUSES)
  status?: (typeof OUTBOX_STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  channel?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  incident?: string;
}

export class OutboxIdParam {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  id!: number;
}
