/** Persistence of maintenance windows (table `maintenance_windows`). */

import {
  MAINTENANCE_OBJECT_TYPES,
  validateMaintenanceWindow,
  type MaintenanceObjectType,
  type MaintenanceTarget,
  type MaintenanceWindow,
} from './maintenance';
import type { Queryable } from './state-store';

interface WindowRow {
  id: string;
  name: string;
  kind: 'one_off' | 'recurring';
  starts_at: Date | null;
  ends_at: Date | null;
  days_of_week: number[] | null;
  start_time: string | null;
  duration_minutes: number | null;
  timezone: string | null;
  object_type: string | null;
  object_id: string | null;
  unit_id: string | null;
}

function malformed(id: string): Error {
  return new Error(`maintenance_windows ${id}: row does not match its kind`);
}

function targetOf(row: WindowRow): MaintenanceTarget {
  if (row.unit_id) return { kind: 'unit_subtree', unitId: row.unit_id };
  const type = row.object_type;
  if (!type || !row.object_id || !(MAINTENANCE_OBJECT_TYPES as readonly string[]).includes(type)) {
    throw malformed(row.id);
  }
  return { kind: 'object', objectType: type as MaintenanceObjectType, objectId: row.object_id };
}

function fromRow(row: WindowRow): MaintenanceWindow {
  const target = targetOf(row);
  if (row.kind === 'one_off') {
    if (!row.starts_at || !row.ends_at) throw malformed(row.id);
    return {
      id: row.id,
      name: row.name,
      target,
      schedule: { kind: 'one_off', startsAt: row.starts_at, endsAt: row.ends_at },
    };
  }
  if (!row.days_of_week || !row.start_time || row.duration_minutes === null || !row.timezone) {
    throw malformed(row.id);
  }
  return {
    id: row.id,
    name: row.name,
    target,
    schedule: {
      kind: 'recurring',
      daysOfWeek: row.days_of_week.map(Number),
      startTime: row.start_time.slice(0, 5),
      durationMinutes: row.duration_minutes,
      timezone: row.timezone,
    },
  };
}

export async function loadMaintenanceWindows(db: Queryable): Promise<MaintenanceWindow[]> {
  const rows: WindowRow[] = await db.query(
    `SELECT id, name, kind, starts_at, ends_at, days_of_week, start_time::text AS start_time,
            duration_minutes, timezone, object_type, object_id, unit_id
       FROM maintenance_windows ORDER BY created_at, id`,
  );
  return rows.map(fromRow);
}

/** Validates and inserts a window; returns its id (the given `id` is ignored). */
export async function insertMaintenanceWindow(
  db: Queryable,
  window: Omit<MaintenanceWindow, 'id'>,
): Promise<string> {
  const errors = validateMaintenanceWindow({ ...window, id: '' });
  if (errors.length > 0) throw new RangeError(`invalid maintenance window: ${errors.join('; ')}`);
  const s = window.schedule;
  const t = window.target;
  const rows: { id: string }[] = await db.query(
    `INSERT INTO maintenance_windows (name, kind, starts_at, ends_at, days_of_week, start_time,
        duration_minutes, timezone, object_type, object_id, unit_id)
     VALUES ($1, $2, $3, $4, $5::smallint[], $6::time, $7, $8, $9, $10, $11)
     RETURNING id`,
    [
      window.name,
      s.kind,
      s.kind === 'one_off' ? s.startsAt.toISOString() : null,
      s.kind === 'one_off' ? s.endsAt.toISOString() : null,
      s.kind === 'recurring' ? s.daysOfWeek : null,
      s.kind === 'recurring' ? s.startTime : null,
      s.kind === 'recurring' ? s.durationMinutes : null,
      s.kind === 'recurring' ? s.timezone : null,
      t.kind === 'object' ? t.objectType : null,
      t.kind === 'object' ? t.objectId : null,
      t.kind === 'unit_subtree' ? t.unitId : null,
    ],
  );
  return rows[0].id;
}
