import { CreateUnitDto, UpdateUnitDto } from '../dto/unit.dto';
import { Unit } from '../entities';
import { UNIT_KINDS } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { unitSubtreeSql } from '../crud/unit-subtree';
import { enumFilter, problem, refFilter } from './helpers';

export const unitResource: ResourceDefinition<Unit> = {
  path: 'units',
  objectType: 'unit',
  entity: Unit,
  createDto: CreateUnitDto,
  updateDto: UpdateUnitDto,
  searchFields: ['code', 'name', 'nameEn'],
  sortable: ['code', 'name', 'kind'],
  filters: {
    kind: enumFilter('kind', UNIT_KINDS, 'Unit kind'),
    parent: refFilter('parent_id', 'units', 'code', 'Direct children of this unit (code or id)'),
  },
  unitScope: (subtree) => `o.id IN ${subtree}`,
  describe: (u) => u.code,
  constraintFields: {
    units_code_key: 'code',
    units_parent_id_fkey: 'parentId',
    units_not_own_parent: 'parentId',
  },
  async check(em, candidate, existing) {
    // A unit cannot move under itself or one of its descendants: the tree must stay a tree.
    if (!existing || !candidate.parentId || candidate.parentId === existing.parentId) return [];
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM ${unitSubtreeSql('$1')} s WHERE s.id = $2`,
      [existing.id, candidate.parentId],
    );
    return rows.length
      ? [problem('parentId', 'parentId must not be the unit itself or one of its descendants')]
      : [];
  },
};
