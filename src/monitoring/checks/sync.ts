import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { CheckDefinition, CheckOverride, JsonValue } from './check.types';
import type { ChecksConfig } from './checks-config';
import {
  CircuitSnapshot,
  deriveChecks,
  DeviceSnapshot,
  InterfaceSnapshot,
  InventorySnapshot,
  ServiceSnapshot,
} from './derive';

/**
 * Reconciles the `checks` table with the inventory: derive the desired default checks, then
 * insert the new ones, update the changed ones and delete the default checks whose object (or
 * kind, or family) is gone, all in one transaction. Custom checks (origin `custom`) are never
 * read for writing, updated or deleted. Running it twice in a row gives 0/0/0.
 *
 * Concurrent syncs (several instances, or a timer and an inventory-change hook) are serialised
 * by a transaction-scoped advisory lock, so each sees the previous one's result.
 */

export interface SyncResult {
  created: number;
  updated: number;
  removed: number;
  /** Default checks after the sync, and custom checks (untouched). */
  total: number;
  custom: number;
  /** Overrides that could not be applied (the rest of the sync went ahead). */
  problems: string[];
  durationMs: number;
}

/** The transaction-scoped advisory lock that serialises syncs. */
const SYNC_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('netwatch.checks.sync'))`;

/** A `checks` row as PostgreSQL returns it. */
export interface CheckRow {
  id: string;
  key: string;
  object_type: CheckDefinition['objectType'];
  object_id: string;
  unit_id: string | null;
  kind: CheckDefinition['kind'];
  family: 4 | 6 | null;
  target: JsonValue;
  settings: JsonValue;
  interval_seconds: number;
  timeout_ms: number;
  failure_threshold: number;
  success_threshold: number;
  enabled: boolean;
}

/** JSON with object keys sorted, so jsonb read back compares equal to what was derived. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function toRow(c: CheckDefinition): Omit<CheckRow, 'id'> {
  return {
    key: c.key,
    object_type: c.objectType,
    object_id: c.objectId,
    unit_id: c.unitId,
    kind: c.kind,
    family: c.family,
    target: c.target as JsonValue,
    settings: c.settings,
    interval_seconds: c.intervalSeconds,
    timeout_ms: c.timeoutMs,
    failure_threshold: c.thresholds.failure,
    success_threshold: c.thresholds.success,
    enabled: c.enabled,
  };
}

function sameRow(a: Omit<CheckRow, 'id'>, b: Omit<CheckRow, 'id'>): boolean {
  return (
    a.object_type === b.object_type &&
    a.object_id === b.object_id &&
    a.unit_id === b.unit_id &&
    a.kind === b.kind &&
    a.family === b.family &&
    a.interval_seconds === b.interval_seconds &&
    a.timeout_ms === b.timeout_ms &&
    a.failure_threshold === b.failure_threshold &&
    a.success_threshold === b.success_threshold &&
    a.enabled === b.enabled &&
    canonicalJson(a.target) === canonicalJson(b.target) &&
    canonicalJson(a.settings) === canonicalJson(b.settings)
  );
}

/** The inventory fields derivation needs, in one round trip per table. */
export async function loadInventorySnapshot(m: EntityManager): Promise<InventorySnapshot> {
  // One after another: a transaction has one connection, which runs one query at a time.
  const services = await m.query<ServiceSnapshot[]>(
    `SELECT id, kind, hostname, url, unit_id AS "unitId", status,
            dnssec_required AS "dnssecRequired"
       FROM services`,
  );
  const devices = await m.query<DeviceSnapshot[]>(
    `SELECT id, name, role, status, host(management_address) AS "managementAddress",
            unit_id AS "unitId", snmp_version AS "snmpVersion"
       FROM devices`,
  );
  // Only the interfaces circuits terminate on: the only ones derivation looks at.
  const interfaces = await m.query<InterfaceSnapshot[]>(
    `SELECT i.id, i.device_id AS "deviceId", i.name, i.if_index AS "ifIndex", i.enabled
       FROM interfaces i
      WHERE i.id IN (SELECT a_interface_id FROM circuits UNION SELECT z_interface_id FROM circuits)`,
  );
  const circuits = await m.query<CircuitSnapshot[]>(
    `SELECT id, cid, status, rate_kbps AS "rateKbps", unit_id AS "unitId",
            a_interface_id AS "aInterfaceId", z_interface_id AS "zInterfaceId"
       FROM circuits`,
  );
  return { services, devices, interfaces, circuits };
}

export async function loadOverrides(m: EntityManager): Promise<CheckOverride[]> {
  return m.query<CheckOverride[]>(
    `SELECT object_type AS "objectType", object_id AS "objectId", kind, family,
            interval_seconds AS "intervalSeconds", timeout_ms AS "timeoutMs",
            failure_threshold AS "failureThreshold", success_threshold AS "successThreshold",
            disabled, settings
       FROM check_overrides`,
  );
}

const RECORDSET = `jsonb_to_recordset($1::jsonb) AS x(
  id uuid, key text, object_type text, object_id uuid, unit_id uuid, kind text, family smallint,
  target jsonb, settings jsonb, interval_seconds integer, timeout_ms integer,
  failure_threshold smallint, success_threshold smallint, enabled boolean)`;

/** Derives the desired checks and reconciles the `checks` table in one transaction. */
export async function syncChecks(
  dataSource: DataSource,
  config: ChecksConfig,
): Promise<SyncResult> {
  const started = performance.now();
  return dataSource.transaction(async (m) => {
    await m.query(SYNC_LOCK_SQL);
    const inventory = await loadInventorySnapshot(m);
    const overrides = await loadOverrides(m);
    const existing = await m.query<(CheckRow & { origin: string })[]>(
      `SELECT id, key, object_type, object_id, unit_id, kind, family, target, settings,
              interval_seconds, timeout_ms, failure_threshold, success_threshold, enabled, origin
         FROM checks`,
    );
    const problems: string[] = [];
    const desired = deriveChecks(inventory, config, { overrides, problems });

    const current = new Map<string, CheckRow>();
    let custom = 0;
    for (const row of existing) {
      if (row.origin === 'default') current.set(row.key, row);
      else custom += 1;
    }
    const inserts: Omit<CheckRow, 'id'>[] = [];
    const updates: CheckRow[] = [];
    for (const check of desired) {
      const row = toRow(check);
      const before = current.get(check.key);
      if (!before) inserts.push(row);
      else {
        current.delete(check.key);
        if (!sameRow(before, row)) updates.push({ ...row, id: before.id });
      }
    }
    const removals = [...current.values()].map((r) => r.id);

    if (inserts.length)
      await m.query(
        `INSERT INTO checks (key, object_type, object_id, unit_id, kind, family, target, settings,
                             interval_seconds, timeout_ms, failure_threshold, success_threshold,
                             enabled, origin)
         SELECT key, object_type, object_id, unit_id, kind, family, target, settings,
                interval_seconds, timeout_ms, failure_threshold, success_threshold, enabled, 'default'
           FROM ${RECORDSET}`,
        [JSON.stringify(inserts)],
      );
    if (updates.length)
      // A check that comes back on, or whose interval got shorter, is due no later than one new
      // interval from now; otherwise its schedule is kept.
      await m.query(
        `UPDATE checks c SET
            object_type = x.object_type, object_id = x.object_id, unit_id = x.unit_id,
            kind = x.kind, family = x.family, target = x.target, settings = x.settings,
            interval_seconds = x.interval_seconds, timeout_ms = x.timeout_ms,
            failure_threshold = x.failure_threshold, success_threshold = x.success_threshold,
            enabled = x.enabled, updated_at = now(),
            next_due_at = CASE
              WHEN x.enabled AND NOT c.enabled THEN now()
              WHEN x.interval_seconds < c.interval_seconds
                THEN LEAST(c.next_due_at, now() + x.interval_seconds * interval '1 second')
              ELSE c.next_due_at END
           FROM ${RECORDSET}
          WHERE c.id = x.id AND c.origin = 'default'`,
        [JSON.stringify(updates)],
      );
    if (removals.length)
      await m.query(`DELETE FROM checks WHERE id = ANY($1::uuid[]) AND origin = 'default'`, [
        removals,
      ]);

    return {
      created: inserts.length,
      updated: updates.length,
      removed: removals.length,
      total: desired.length,
      custom,
      problems,
      durationMs: performance.now() - started,
    };
  });
}
