import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { NotFoundError } from '../common/errors';
import { PagingDto } from '../common/paging.dto';
import { strictValidationPipe } from '../common/validation';
import { AuditService } from './audit.service';
import { Access } from '../auth/permissions';

export class AuditQueryDto extends PagingDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  actor?: string;

  @ApiPropertyOptional({ description: 'e.g. api_change' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  action?: string;

  @ApiPropertyOptional({ enum: ['ok', 'refused', 'error'] })
  @IsOptional()
  @IsIn(['ok', 'refused', 'error'])
  outcome?: 'ok' | 'refused' | 'error';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ApiPropertyOptional({ description: 'Paths starting with this, e.g. /api/services' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  path?: string;

  @ApiPropertyOptional({ description: 'At or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** The audit log, read-only: there is no route that changes it. */
@ApiTags('audit')
@Access('audit')
@Controller('api/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit entries, newest first' })
  async list(@Query(strictValidationPipe(AuditQueryDto)) q: AuditQueryDto) {
    return this.audit.list({
      actor: q.actor,
      action: q.action,
      outcome: q.outcome,
      requestId: q.requestId,
      pathPrefix: q.path,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      limit: q.limit,
      offset: q.offset,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One entry with the inventory changes its request made' })
  async get(@Param('id') id: string) {
    const entry = await this.audit.get(id);
    if (!entry) throw new NotFoundError(`audit entry ${id} not found`);
    return entry;
  }
}
