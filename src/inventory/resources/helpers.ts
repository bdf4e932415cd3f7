import { EntityManager } from 'typeorm';
import { FieldProblem, ValidationError } from '../../common/errors';
import { FilterSpec } from '../crud/resource-definition';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Standard `unit_id IN subtree` scope. */
export const byUnitColumn =
  (column = 'unit_id') =>
  (subtree: string) =>
    `o.${column} IN ${subtree}`;

/** An equality filter on a column with a fixed value set. */
export function enumFilter(
  column: string,
  values: readonly string[],
  description: string,
): FilterSpec {
  return { description, values, sql: `o.${column} = :value` };
}

/**
 * A filter on a referenced object given by natural key or id (`site=TTHC`, `device=tthc-core-rt01`).
 */
export function refFilter(
  column: string,
  table: string,
  keyColumn: string,
  description: string,
  sql = `o.${column} = :value`,
): FilterSpec {
  return {
    description,
    sql,
    parse: async (raw: string, em: EntityManager, param: string) => {
      const rows: { id: string }[] = await em.query(
        `SELECT id FROM ${table} WHERE ${UUID.test(raw) ? 'id' : keyColumn} = $1`,
        [raw],
      );
      if (!rows.length) {
        throw new ValidationError(`unknown ${table}`, [
          { field: param, message: `${param}: no ${table} ${raw}` },
        ]);
      }
      return rows[0].id;
    },
  };
}

/** Copies the listed body keys that are present (PATCH semantics). */
export function pick<T>(body: Record<string, unknown>, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in body) out[key] = body[key];
  return out as Partial<T>;
}

/** True when a row with this id exists in the table. */
export async function exists(
  em: EntityManager,
  table: string,
  id: string | null | undefined,
): Promise<boolean> {
  if (!id) return true;
  const rows: unknown[] = await em.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  return rows.length > 0;
}

export function problem(field: string, message: string): FieldProblem {
  return { field, message };
}
