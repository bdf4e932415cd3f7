import { isDeepStrictEqual } from 'node:util';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { mapDatabaseError } from '../../common/database-errors';
import { ForbiddenError, NotFoundError, ValidationError } from '../../common/errors';
import { currentScope } from '../../common/request-context';
import { SecretBox } from '../../common/secret-box';
import { foldForSearch, likePattern } from '../../common/search-text';
import { ChangeLogService } from '../change-log.service';
import { ContactRole } from '../entities';
import { InventoryEntity } from '../entities/base.entity';
import { ResourceDefinition } from './resource-definition';
import { unitSubtreeSql } from './unit-subtree';

export interface ListOptions {
  limit?: number;
  offset?: number;
  sort?: string;
  q?: string;
  unit?: string;
  filters?: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface WriteResult<E> {
  entity: E;
  /** Fields whose stored value changed (secret columns included by name, never by value). */
  changedFields: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HIDDEN = new Set(['searchText']);

/**
 * Create/read/update/delete, listing and change logging for one inventory type, driven by its
 * ResourceDefinition. Every write runs in a transaction (the caller's, for imports) together with
 * its change-log entry.
 */
export class CrudService<E extends InventoryEntity> {
  constructor(
    readonly def: ResourceDefinition<E>,
    private readonly dataSource: DataSource,
    private readonly changeLog: ChangeLogService,
    private readonly secrets: SecretBox,
  ) {}

  present(entity: E): Record<string, unknown> {
    if (this.def.present) return this.def.present(entity);
    const secret = new Set<string>(this.def.secretColumns ?? []);
    return Object.fromEntries(
      Object.entries(entity).filter(([k]) => !HIDDEN.has(k) && !secret.has(k)),
    );
  }

  async list(options: ListOptions, em: EntityManager = this.dataSource.manager): Promise<Page<E>> {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    const qb = em.getRepository(this.def.entity).createQueryBuilder('o');
    if (!this.applyScope(qb)) return { items: [], total: 0, limit, offset };
    if (options.q) qb.andWhere(`o.search_text LIKE :q`, { q: likePattern(options.q) });
    if (options.unit) {
      if (!this.def.unitScope) {
        throw new ValidationError('unit filter not available', [
          { field: 'unit', message: `${this.def.path} have no owning unit` },
        ]);
      }
      qb.andWhere(this.def.unitScope(unitSubtreeSql()), {
        unitRoot: await this.resolveUnit(em, options.unit),
      });
    }
    for (const [key, raw] of Object.entries(options.filters ?? {})) {
      const spec = this.def.filters[key];
      if (spec.values && !spec.values.includes(raw)) {
        throw new ValidationError(`invalid filter ${key}`, [
          { field: key, message: `${key} must be one of ${spec.values.join(', ')}` },
        ]);
      }
      const value = spec.parse ? await spec.parse(raw, em, key) : raw;
      const param = `f_${key}`;
      qb.andWhere(spec.sql.replace(/:value\b/g, `:${param}`), { [param]: value });
    }
    const [field, direction] = this.sortOrder(options.sort);
    qb.orderBy(`o.${field}`, direction).addOrderBy('o.id', 'ASC').take(limit).skip(offset);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, limit, offset };
  }

  private sortOrder(sort: string | undefined): [string, 'ASC' | 'DESC'] {
    const sortable: string[] = [...this.def.sortable, 'createdAt', 'updatedAt'];
    if (!sort) return [sortable[0], 'ASC'];
    const field = sort.replace(/^-/, '');
    if (!sortable.includes(field)) {
      throw new ValidationError('invalid sort', [
        { field: 'sort', message: `sort must be one of ${sortable.join(', ')}` },
      ]);
    }
    return [field, sort.startsWith('-') ? 'DESC' : 'ASC'];
  }

  /** A unit given by code or id → its id. */
  async resolveUnit(em: EntityManager, ref: string): Promise<string> {
    const row: { id: string }[] = await em.query(
      UUID.test(ref)
        ? 'SELECT id FROM units WHERE id = $1'
        : 'SELECT id FROM units WHERE code = $1',
      [ref],
    );
    const scope = currentScope();
    // A unit outside a scoped caller's subtree does not exist for it (no existence oracle).
    const visible =
      row.length &&
      (!scope ||
        (
          (await em.query(`SELECT 1 FROM ${unitSubtreeSql('$1')} s WHERE s.id = $2`, [
            scope,
            row[0].id,
          ])) as unknown[]
        ).length > 0);
    if (!visible)
      throw new NotFoundError(`unit ${ref} not found`, [
        { field: 'unit', message: `no unit ${ref}` },
      ]);
    return row[0].id;
  }

  async get(
    id: string,
    em: EntityManager = this.dataSource.manager,
    withSecrets = false,
  ): Promise<E> {
    const entity = UUID.test(id) ? await this.load(em, id, withSecrets) : null;
    if (!entity) throw new NotFoundError(`${this.def.objectType} ${id} not found`);
    return entity;
  }

  /**
   * Limits a query to the caller's unit subtree (a unit-scoped user or token); false when the
   * type has no owning unit, so a scoped caller sees none of it.
   */
  private applyScope(qb: SelectQueryBuilder<E>): boolean {
    const scope = currentScope();
    if (!scope) return true;
    if (!this.def.unitScope) return false;
    qb.andWhere(this.def.unitScope(unitSubtreeSql(':scopeRoot')), { scopeRoot: scope });
    return true;
  }

  /** A scoped caller may not create or move an object outside its unit subtree. */
  private async assertInScope(m: EntityManager, id: string): Promise<void> {
    if (!currentScope()) return;
    if (!(await this.load(m, id, false)))
      throw new ForbiddenError('outside your unit', [
        {
          field: this.def.objectType === 'unit' ? 'parentId' : 'unitId',
          message: `the ${this.def.objectType} would be outside your unit`,
        },
      ]);
  }

  private async load(em: EntityManager, id: string, withSecrets: boolean): Promise<E | null> {
    const qb = em
      .getRepository(this.def.entity)
      .createQueryBuilder('o')
      .where('o.id = :id', { id });
    if (!this.applyScope(qb)) return null;
    if (withSecrets) for (const column of this.def.secretColumns ?? []) qb.addSelect(`o.${column}`);
    return qb.getOne();
  }

  async create(body: object, em?: EntityManager): Promise<E> {
    return this.inTransaction(em, async (m) => {
      const candidate = m.create(this.def.entity, this.prepare(body) as E);
      await this.checkOrThrow(m, candidate, null);
      this.fold(candidate);
      const saved = await this.guard(() => m.save(this.def.entity, candidate));
      await this.assertInScope(m, saved.id);
      const created = await this.get(saved.id, m);
      await this.changeLog.record(
        m,
        this.def.objectType,
        saved.id,
        'create',
        null,
        this.present(created),
      );
      return created;
    });
  }

  /** Applies the fields present in `body`; writes nothing (not even the change log) if nothing differs. */
  async update(id: string, body: object, em?: EntityManager): Promise<WriteResult<E>> {
    return this.inTransaction(em, async (m) => {
      const existing = await this.get(id, m, true);
      const changes = this.prepare(body);
      const candidate = m.create(this.def.entity, { ...existing, ...changes } as E);
      const changedFields = Object.entries(changes)
        .filter(([key, value]) => !this.sameValue(key, existing[key as keyof E], value))
        .map(([key]) => key);
      if (!changedFields.length) return { entity: this.stripSecrets(existing), changedFields };
      await this.checkOrThrow(m, candidate, existing);
      this.fold(candidate);
      await this.guard(() => m.save(this.def.entity, candidate));
      await this.assertInScope(m, id);
      const updated = await this.get(id, m);
      const before = this.present(this.stripSecrets(existing));
      const after = this.present(updated);
      const secretChanged = (this.def.secretColumns ?? []).filter((c) => changedFields.includes(c));
      await this.changeLog.record(
        m,
        this.def.objectType,
        id,
        'update',
        before,
        secretChanged.length ? { ...after, secretsChanged: secretChanged } : after,
      );
      return { entity: updated, changedFields };
    });
  }

  async remove(id: string, em?: EntityManager): Promise<void> {
    await this.inTransaction(em, async (m) => {
      const existing = await this.get(id, m);
      await this.guard(() => m.delete(this.def.entity, { id }));
      await m.delete(ContactRole, { objectType: this.def.objectType, objectId: id });
      await this.changeLog.record(
        m,
        this.def.objectType,
        id,
        'delete',
        this.present(existing),
        null,
      );
    });
  }

  /** Sealed secrets differ on every seal (random IV), so compare what they contain. */
  private sameValue(key: string, stored: unknown, next: unknown): boolean {
    const secret = (this.def.secretColumns as string[] | undefined)?.includes(key);
    if (secret && typeof stored === 'string' && typeof next === 'string') {
      return this.secrets.open(stored) === this.secrets.open(next);
    }
    return isDeepStrictEqual(normalise(stored), normalise(next));
  }

  private stripSecrets(entity: E): E {
    const copy = { ...entity };
    for (const column of this.def.secretColumns ?? []) delete copy[column];
    return copy;
  }

  private prepare(body: object): Partial<E> {
    const plain = { ...(body as Record<string, unknown>) };
    if (this.def.prepare) return this.def.prepare(plain, { seal: (s) => this.secrets.seal(s) });
    return plain as Partial<E>;
  }

  private fold(entity: E): void {
    entity.searchText = foldForSearch(
      this.def.searchFields
        .map((f) => entity[f])
        .filter((v) => v !== null && v !== undefined)
        .join(' '),
    );
  }

  private async checkOrThrow(m: EntityManager, candidate: E, existing: E | null): Promise<void> {
    const problems = this.def.check ? await this.def.check(m, candidate, existing) : [];
    if (problems.length) throw new ValidationError(`${this.def.objectType} is not valid`, problems);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapDatabaseError(err, this.def.objectType, this.def.constraintFields);
    }
  }

  private inTransaction<T>(
    em: EntityManager | undefined,
    fn: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    return em ? fn(em) : this.dataSource.transaction(fn);
  }
}

/** Values as PostgreSQL hands them back (dates, numerics as strings) compared by content. */
function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return String(value);
  return value;
}
