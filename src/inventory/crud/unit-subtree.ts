/**
 * One SQL subquery selecting the ids of a unit and every unit below it (recursive CTE), so a
 * subtree filter is a single query however deep the tree. `placeholder` is the root id's
 * parameter: `:name` in a query builder, `$1` in raw SQL.
 */
export function unitSubtreeSql(placeholder = ':unitRoot'): string {
  return `(WITH RECURSIVE subtree(id) AS (
    SELECT id FROM units WHERE id = ${placeholder}
    UNION ALL SELECT u.id FROM units u JOIN subtree s ON u.parent_id = s.id
  ) SELECT id FROM subtree)`;
}
