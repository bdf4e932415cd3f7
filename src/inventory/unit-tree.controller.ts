import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors';
import { CrudRegistry } from './crud/crud.registry';
import { unitResource } from './resources';
import { Access, Scoped } from '../auth/permissions';

export interface UnitTreeNode {
  id: string;
  code: string;
  kind: string;
  name: string;
  nameEn: string | null;
  children: UnitTreeNode[];
}

@ApiTags('units')
@Access('inventory')
// The root resolves through the scoped unit resource: outside a scope it does not exist, and
// everything below an in-scope unit is in scope.
@Scoped()
@Controller('api/units')
export class UnitTreeController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
  ) {}

  /** The unit and everything below it as a nested tree, read with one recursive query. */
  @Get(':ref/tree')
  @ApiOperation({ summary: 'A unit (code or id) and its descendants as a nested tree' })
  @ApiQuery({ name: 'depth', required: false, description: 'Levels below the unit (default: all)' })
  async tree(@Param('ref') ref: string, @Query('depth') depthText?: string): Promise<UnitTreeNode> {
    const depth = depthText === undefined ? 1000 : Number(depthText);
    if (!Number.isInteger(depth) || depth < 0) {
      throw new ValidationError('invalid depth', [
        { field: 'depth', message: 'depth must be a whole number ≥ 0' },
      ]);
    }
    const rootId = await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, ref);
    const rows: (Omit<UnitTreeNode, 'children'> & { parentId: string | null; level: number })[] =
      await this.dataSource.query(
        `WITH RECURSIVE t AS (
         SELECT id, parent_id, 0 AS level FROM units WHERE id = $1
         UNION ALL SELECT u.id, u.parent_id, t.level + 1 FROM units u JOIN t ON u.parent_id = t.id WHERE t.level < $2)
       SELECT u.id, u.code, u.kind, u.name, u.name_en AS "nameEn", t.parent_id AS "parentId", t.level
       FROM t JOIN units u ON u.id = t.id ORDER BY t.level, u.code`,
        [rootId, depth],
      );
    const nodes = new Map<string, UnitTreeNode>();
    for (const { parentId, level: _level, ...row } of rows) {
      const node = { ...row, children: [] };
      nodes.set(row.id, node);
      if (parentId && row.id !== rootId) nodes.get(parentId)?.children.push(node);
    }
    return nodes.get(rootId) as UnitTreeNode;
  }
}
