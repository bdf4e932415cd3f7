import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors';
import { ChangeLogEntry } from './entities';
import { Access } from '../auth/permissions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('change-log')
@Access('inventory')
@Controller('api/change-log')
export class ChangeLogController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Inventory changes, newest first (read-only: the log is append-only)' })
  @ApiQuery({ name: 'objectType', required: false, example: 'device' })
  @ApiQuery({ name: 'objectId', required: false })
  @ApiQuery({ name: 'requestId', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 time' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async list(
    @Query('objectType') objectType?: string,
    @Query('objectId') objectId?: string,
    @Query('requestId') requestId?: string,
    @Query('since') since?: string,
    @Query('limit') limit = '50',
    @Query('offset') offset = '0',
  ) {
    const problems = [];
    if (objectId && !UUID.test(objectId))
      problems.push({ field: 'objectId', message: 'objectId must be a UUID' });
    if (since && Number.isNaN(Date.parse(since)))
      problems.push({ field: 'since', message: 'since must be an ISO 8601 time' });
    const take = Number(limit);
    const skip = Number(offset);
    if (!Number.isInteger(take) || take < 1 || take > 500)
      problems.push({ field: 'limit', message: 'limit must be 1-500' });
    if (!Number.isInteger(skip) || skip < 0)
      problems.push({ field: 'offset', message: 'offset must be ≥ 0' });
    if (problems.length) throw new ValidationError('invalid query', problems);
    const qb = this.dataSource.getRepository(ChangeLogEntry).createQueryBuilder('c');
    if (objectType) qb.andWhere('c.object_type = :objectType', { objectType });
    if (objectId) qb.andWhere('c.object_id = :objectId', { objectId });
    if (requestId) qb.andWhere('c.request_id = :requestId', { requestId });
    if (since) qb.andWhere('c.at >= :since', { since: new Date(since) });
    const [items, total] = await qb.orderBy('c.id', 'DESC').take(take).skip(skip).getManyAndCount();
    return { items, total, limit: take, offset: skip };
  }
}
