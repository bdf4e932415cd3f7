import { Type } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FieldProblem } from '../../common/errors';
import { InventoryEntity } from '../entities/base.entity';

/** Extra services a resource may need while mapping a request body to columns. */
export interface PrepareContext {
  seal(plain: string): string;
}

/** A list filter beyond the common ones (`q`, `unit`, paging, sort). */
export interface FilterSpec {
  description: string;
  /** Allowed values, if the filter is an enumeration (checked before any SQL runs). */
  values?: readonly string[];
  /** SQL condition on alias `o` using the named parameter `:value`. */
  sql: string;
  /** Converts the query-string value (e.g. a device name to its id); throws a ValidationError naming `param` if invalid. */
  parse?: (raw: string, em: EntityManager, param: string) => Promise<unknown>;
}

/**
 * Everything the generic CRUD service and controller need to know about one inventory type.
 * One definition per type keeps the per-type code to what actually differs.
 */
export interface ResourceDefinition<E extends InventoryEntity = InventoryEntity> {
  /** URL segment under /api and the name used in errors: `units`, `ip-addresses`. */
  path: string;
  /** Name in the change log and contact roles: `unit`, `ip_address`. */
  objectType: string;
  entity: Type<E>;
  createDto: Type<object>;
  updateDto: Type<object>;
  /** Entity properties folded into `search_text`. */
  searchFields: (keyof E & string)[];
  /** Sortable API fields; the first is the default. */
  sortable: (keyof E & string)[];
  filters: Record<string, FilterSpec>;
  /**
   * Condition limiting rows to a unit subtree, given the subtree subquery; null when the type
   * has no owning unit.
   */
  unitScope: ((subtree: string) => string) | null;
  /** Human-readable natural key for messages: a code, a name, `TTHC/10`. */
  describe(entity: E): string;
  /** PostgreSQL constraint name → API field, so a violated constraint names the field. */
  constraintFields: Record<string, string>;
  /** Body → columns. Only keys present in the body are returned (PATCH keeps the rest). */
  prepare?(body: Record<string, unknown>, ctx: PrepareContext): Partial<E>;
  /** Cross-row invariants checked inside the write transaction. */
  check?(em: EntityManager, candidate: E, existing: E | null): Promise<FieldProblem[]>;
  /** Response shape; defaults to every selected column except search_text. */
  present?(entity: E): Record<string, unknown>;
  /** Columns that are write-only secrets: loaded for comparison on update, never presented. */
  secretColumns?: (keyof E & string)[];
}
