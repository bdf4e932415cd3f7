import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Access, Scoped } from '../auth/permissions';
import { NotFoundError } from '../common/errors';
import { PagingDto } from '../common/paging.dto';
import { currentScope } from '../common/request-context';
import { strictValidationPipe } from '../common/validation';
import { CrudRegistry } from './crud/crud.registry';
import { ChangeLogEntry } from './entities';
import { RESOURCES } from './resources';

/**
 * The change log of one inventory object (the object detail page). Unlike GET /api/change-log,
 * which spans every unit, this honours a unit scope: a scoped caller gets the history only of
 * an object it can read (else 404, as for the object itself).
 */
@ApiTags('change-log')
@Access('inventory')
@Scoped()
@Controller('api/change-log/objects')
export class ObjectChangesController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
  ) {}

  @Get(':type/:id')
  @ApiOperation({
    summary: "One object's inventory changes, newest first (type as the change log names it)",
  })
  async list(
    @Param('type') type: string,
    @Param('id') id: string,
    @Query(strictValidationPipe(PagingDto)) q: PagingDto,
  ) {
    const def = RESOURCES.find((d) => d.objectType === type);
    if (!def) throw new NotFoundError(`no object type ${type}`);
    // Throws not found for a bad id, and for an object outside the caller's unit.
    if (currentScope()) await this.registry.for(def).get(id);
    else if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new NotFoundError(`${type} ${id} not found`);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const [items, total] = await this.dataSource
      .getRepository(ChangeLogEntry)
      .createQueryBuilder('c')
      .where('c.object_type = :type AND c.object_id = :id', { type, id })
      .orderBy('c.id', 'DESC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { items, total, limit, offset };
  }
}
