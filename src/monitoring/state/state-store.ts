/**
 * Persistence of check state records (table `check_states`). Takes a TypeORM `DataSource` or
 * `EntityManager` (inside a transaction, pass the transaction's manager).
 */

import type { EntityManager } from 'typeorm';
import type { Reason } from '../../../probes/probe';
import {
  CHECK_STATES,
  STREAK_NAMES,
  type CheckState,
  type CheckStateRecord,
  type Counters,
} from './state-machine';

/** What the store needs: a `DataSource` and an `EntityManager` both fit. */
export type Queryable = Pick<EntityManager, 'query'>;

type StoredCounters = Record<string, { count: number; since: string | null }>;

interface CheckStateRow {
  check_id: string;
  state: string;
  counters: StoredCounters;
  since: Date | null;
  last_result_at: Date | null;
  last_change_at: Date | null;
  alerted: boolean;
  last_reasons: Reason[];
}

const COLUMNS = `check_id, state, counters, since, last_result_at, last_change_at, alerted, last_reasons`;

function toCounters(stored: StoredCounters, checkId: string): Counters {
  const out = {} as Counters;
  for (const name of STREAK_NAMES) {
    const s = stored[name];
    if (!s || !Number.isInteger(s.count) || s.count < 0) {
      throw new Error(`check_states ${checkId}: counters.${name} is malformed`);
    }
    out[name] = { count: s.count, since: s.since === null ? null : new Date(s.since) };
  }
  return out;
}

function fromRow(row: CheckStateRow): CheckStateRecord {
  if (!(CHECK_STATES as readonly string[]).includes(row.state)) {
    throw new Error(`check_states ${row.check_id}: unknown state "${row.state}"`);
  }
  return {
    checkId: row.check_id,
    state: row.state as CheckState,
    counters: toCounters(row.counters, row.check_id),
    since: row.since,
    lastResultAt: row.last_result_at,
    lastChangeAt: row.last_change_at,
    alerted: row.alerted,
    lastReasons: row.last_reasons,
  };
}

function toStored(counters: Counters): StoredCounters {
  const out: StoredCounters = {};
  for (const name of STREAK_NAMES) {
    const s = counters[name];
    out[name] = { count: s.count, since: s.since ? s.since.toISOString() : null };
  }
  return out;
}

function toMap(rows: CheckStateRow[]): Map<string, CheckStateRecord> {
  return new Map(rows.map((row) => [row.check_id, fromRow(row)]));
}

/** Every stored record, by check id. */
export async function loadAllStates(db: Queryable): Promise<Map<string, CheckStateRecord>> {
  const rows: CheckStateRow[] = await db.query(
    `SELECT ${COLUMNS} FROM check_states ORDER BY check_id`,
  );
  return toMap(rows);
}

/** The stored records of these checks; a check without a row is simply absent from the map. */
export async function loadStates(
  db: Queryable,
  checkIds: readonly string[],
): Promise<Map<string, CheckStateRecord>> {
  if (checkIds.length === 0) return new Map();
  const rows: CheckStateRow[] = await db.query(
    `SELECT ${COLUMNS} FROM check_states WHERE check_id = ANY($1::uuid[]) ORDER BY check_id`,
    [[...new Set(checkIds)]],
  );
  return toMap(rows);
}

export interface UpsertResult {
  /** Check ids written. */
  written: string[];
  /** Check ids not written because the stored record has a newer result (another writer won). */
  stale: string[];
}

/**
 * Inserts or updates many records in one statement. A record never replaces a stored one with a
 * newer `last_result_at`, so a slow writer cannot move a check back in time (a record without a
 * result cannot replace one with a result: delete the row to reset a check). When a check id
 * appears twice, the later record wins.
 */
export async function upsertStates(
  db: Queryable,
  records: readonly CheckStateRecord[],
): Promise<UpsertResult> {
  const byId = new Map<string, CheckStateRecord>();
  for (const r of records) byId.set(r.checkId, r);
  if (byId.size === 0) return { written: [], stale: [] };
  const payload = [...byId.values()].map((r) => ({
    check_id: r.checkId,
    state: r.state,
    counters: toStored(r.counters),
    since: r.since?.toISOString() ?? null,
    last_result_at: r.lastResultAt?.toISOString() ?? null,
    last_change_at: r.lastChangeAt?.toISOString() ?? null,
    alerted: r.alerted,
    last_reasons: r.lastReasons,
  }));
  const rows: { check_id: string }[] = await db.query(
    `INSERT INTO check_states AS s (${COLUMNS}, updated_at)
     SELECT ${COLUMNS}, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(check_id uuid, state varchar, counters jsonb,
            since timestamptz, last_result_at timestamptz, last_change_at timestamptz,
            alerted boolean, last_reasons jsonb)
     ON CONFLICT (check_id) DO UPDATE SET
       state = EXCLUDED.state,
       counters = EXCLUDED.counters,
       since = EXCLUDED.since,
       last_result_at = EXCLUDED.last_result_at,
       last_change_at = EXCLUDED.last_change_at,
       alerted = EXCLUDED.alerted,
       last_reasons = EXCLUDED.last_reasons,
       updated_at = now()
     WHERE s.last_result_at IS NULL OR EXCLUDED.last_result_at >= s.last_result_at
     RETURNING check_id`,
    [JSON.stringify(payload)],
  );
  const written = new Set(rows.map((row) => row.check_id));
  return {
    written: [...byId.keys()].filter((id) => written.has(id.toLowerCase())),
    stale: [...byId.keys()].filter((id) => !written.has(id.toLowerCase())),
  };
}
