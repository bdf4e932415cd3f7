import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  INCIDENT_CATEGORIES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  IncidentCategory,
  IncidentSeverity,
  IncidentStatus,
  LINK_OBJECT_TYPES,
  LinkObjectType,
} from './incident-lifecycle';
import { PagingDto } from '../common/paging.dto';

/** `a,b` or repeated `?x=a&x=b` → ['a', 'b']. */
const toList = ({ value }: { value: unknown }): unknown =>
  value === undefined
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter((v) => v !== '');

const SEVERITY_DOC =
  '1 critical service down for many, 2 major service down, 3 minor: degraded or one object, 4 informational';

export class IncidentLinkDto {
  @ApiProperty({ enum: LINK_OBJECT_TYPES })
  @IsIn(LINK_OBJECT_TYPES)
  objectType!: LinkObjectType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  objectId!: string;
}

export class CreateIncidentDto {
  @ApiProperty({ maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ enum: INCIDENT_SEVERITIES, description: SEVERITY_DOC })
  @IsIn(INCIDENT_SEVERITIES)
  severity!: IncidentSeverity;

  @ApiProperty({ enum: INCIDENT_CATEGORIES })
  @IsIn(INCIDENT_CATEGORIES)
  category!: IncidentCategory;

  @ApiPropertyOptional({ nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignee?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ type: [IncidentLinkDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => IncidentLinkDto)
  links?: IncidentLinkDto[];
}

export class UpdateIncidentDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ enum: INCIDENT_SEVERITIES, description: SEVERITY_DOC })
  @IsOptional()
  @IsIn(INCIDENT_SEVERITIES)
  severity?: IncidentSeverity;

  @ApiPropertyOptional({ enum: INCIDENT_CATEGORIES })
  @IsOptional()
  @IsIn(INCIDENT_CATEGORIES)
  category?: IncidentCategory;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @ValidateIf((o: UpdateIncidentDto) => o.unitId !== undefined && o.unitId !== null)
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((o: UpdateIncidentDto) => o.rootCause !== undefined && o.rootCause !== null)
  @IsString()
  @MaxLength(20000)
  rootCause?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((o: UpdateIncidentDto) => o.actionsTaken !== undefined && o.actionsTaken !== null)
  @IsString()
  @MaxLength(20000)
  actionsTaken?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((o: UpdateIncidentDto) => o.reviewNotes !== undefined && o.reviewNotes !== null)
  @IsString()
  @MaxLength(20000)
  reviewNotes?: string | null;
}

export class ChangeStatusDto {
  @ApiProperty({ enum: INCIDENT_STATUSES })
  @IsIn(INCIDENT_STATUSES)
  status!: IncidentStatus;

  @ApiPropertyOptional({ maxLength: 20000, description: 'Recorded with the change' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  note?: string;
}

export class AssignDto {
  @ApiProperty({ nullable: true, maxLength: 200, description: 'null: unassign' })
  @ValidateIf((o: AssignDto) => o.assignee !== null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  assignee!: string | null;
}

export class NoteDto {
  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  text!: string;
}

/** Which incidents a query covers: unit subtree, severities, categories, opening period. */
export class IncidentScopeQueryDto {
  @ApiPropertyOptional({ description: 'Unit code or id: this unit and the units below it' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  unit?: string;

  @ApiPropertyOptional({ description: 'Comma-separated, e.g. 1,2' })
  @IsOptional()
  @Transform(({ value }) => {
    const list = toList({ value });
    return Array.isArray(list) ? list.map((v) => (/^\d+$/.test(String(v)) ? Number(v) : v)) : list;
  })
  @IsIn(INCIDENT_SEVERITIES, { each: true })
  severity?: IncidentSeverity[];

  @ApiPropertyOptional({ description: 'Comma-separated' })
  @IsOptional()
  @Transform(toList)
  @IsIn(INCIDENT_CATEGORIES, { each: true })
  category?: IncidentCategory[];

  @ApiPropertyOptional({ description: 'Opened at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Opened before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class IncidentListQueryDto extends IntersectionType(PagingDto, IncidentScopeQueryDto) {
  @ApiPropertyOptional({ description: 'Comma-separated, e.g. open,acknowledged' })
  @IsOptional()
  @Transform(toList)
  @IsIn(INCIDENT_STATUSES, { each: true })
  status?: IncidentStatus[];

  @ApiPropertyOptional({ enum: LINK_OBJECT_TYPES, description: 'Linked object type' })
  @IsOptional()
  @IsIn(LINK_OBJECT_TYPES)
  objectType?: LinkObjectType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Linked object id' })
  @IsOptional()
  @IsUUID()
  objectId?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Assigned to exactly this (e.g. a username)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  assignee?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Text in the title (ignoring case), or the incident number (42 or #42)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class IncidentMetricsQueryDto extends IncidentScopeQueryDto {}

export class MarkReportedDto {
  @ApiPropertyOptional({ description: 'When the report was sent (ISO 8601); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  reportedAt?: string;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: 200,
    description: 'Reference of the report (dispatch number)',
  })
  @ValidateIf((o: MarkReportedDto) => o.reference !== undefined && o.reference !== null)
  @IsString()
  @MaxLength(200)
  reference?: string | null;
}
