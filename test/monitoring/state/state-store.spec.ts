import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CheckState1764400002000 } from '../../../migrations/1764400002000-check-state';
import {
  insertMaintenanceWindow,
  loadMaintenanceWindows,
} from '../../../src/monitoring/state/maintenance-store';
import type { MaintenanceWindow } from '../../../src/monitoring/state/maintenance';
import {
  initialRecord,
  resolveSettings,
  step,
  type CheckStateRecord,
} from '../../../src/monitoring/state/state-machine';
import {
  loadAllStates,
  loadStates,
  upsertStates,
  type Queryable,
} from '../../../src/monitoring/state/state-store';
import { createTestDatabase } from '../../support/database';

/**
 * The state store and the maintenance windows against a real PostgreSQL: round trips, one
 * statement per batch, the stale-write guard and the CHECK constraints.
 */

const SETTINGS = resolveSettings();
const T0 = Date.parse('2025-06-02T00:00:00Z');

let db: { url: string; drop(): Promise<void> };
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ type: 'postgres', url: db.url });
  await ds.initialize();
  const [row] = (await ds.query(`SELECT to_regclass('check_states') IS NOT NULL AS exists`)) as {
    exists: boolean;
  }[];
  if (!row.exists) {
    const runner = ds.createQueryRunner();
    try {
      await new CheckState1764400002000().up(runner);
    } finally {
      await runner.release();
    }
  }
});

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  if (db) await db.drop();
});

beforeEach(async () => {
  await ds.query(`DELETE FROM check_states`);
  await ds.query(`DELETE FROM maintenance_windows`);
});

/** A record after a sequence of results (U up, G degraded, D down, N not_tested), a minute apart. */
function record(sequence: string, checkId = randomUUID(), startMinute = 0): CheckStateRecord {
  const codes = { U: 'up', G: 'degraded', D: 'down', N: 'not_tested' } as const;
  let r = initialRecord(checkId);
  [...sequence].forEach((ch, i) => {
    const status = codes[ch as keyof typeof codes];
    r = step(
      r,
      {
        status,
        at: new Date(T0 + (startMinute + i) * 60_000),
        reasons: [{ code: `r_${status}`, message: `Kết quả "${status}" \\ ${i}` }],
      },
      SETTINGS,
    ).record;
  });
  return r;
}

/** Counts the statements sent, to prove that a batch is one statement. */
function counting(target: Queryable): { db: Queryable; count: () => number } {
  let n = 0;
  return {
    db: {
      query: (sql: string, parameters?: unknown[]) => {
        n += 1;
        return target.query(sql, parameters);
      },
    } as Queryable,
    count: () => n,
  };
}

describe('check state store', () => {
  it('round-trips records of every shape in one statement', async () => {
    const records = [
      initialRecord(randomUUID()),
      record('UU'),
      record('UUDDD'),
      record('UUGGGNN'),
      record('NNN'),
      record('UUDDDU'),
    ];
    const c = counting(ds);
    const result = await upsertStates(c.db, records);
    expect(c.count()).toBe(1);
    expect(result).toEqual({ written: records.map((r) => r.checkId), stale: [] });

    const loaded = await loadAllStates(ds);
    expect(loaded.size).toBe(records.length);
    for (const r of records) expect(loaded.get(r.checkId)).toEqual(r);
  });

  it('writes a large batch in one statement', async () => {
    const records = Array.from({ length: 500 }, (_, i) => record(i % 2 ? 'UUDDD' : 'UU'));
    const c = counting(ds);
    await upsertStates(c.db, records);
    expect(c.count()).toBe(1);
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM check_states`)) as {
      n: number;
    }[];
    expect(n).toBe(500);
  });

  it('loads some records, and nothing for an empty list', async () => {
    const records = [record('UU'), record('DDD'), record('GGG')];
    await upsertStates(ds, records);
    const some = await loadStates(ds, [records[0].checkId, records[2].checkId, randomUUID()]);
    expect([...some.keys()].sort()).toEqual([records[0].checkId, records[2].checkId].sort());
    expect(some.get(records[2].checkId)).toEqual(records[2]);
    const c = counting(ds);
    expect((await loadStates(c.db, [])).size).toBe(0);
    expect(c.count()).toBe(0);
  });

  it('updates a record with a newer result and refuses an older one', async () => {
    const id = randomUUID();
    const old = record('UU', id);
    const newer = record('UUDDD', id);
    await upsertStates(ds, [newer]);
    expect(await upsertStates(ds, [old])).toEqual({ written: [], stale: [id] });
    expect((await loadStates(ds, [id])).get(id)).toEqual(newer);

    const newest = step(
      newer,
      { status: 'up', at: new Date(T0 + 3_600_000), reasons: [] },
      SETTINGS,
    ).record;
    expect(await upsertStates(ds, [newest])).toEqual({ written: [id], stale: [] });
    expect((await loadStates(ds, [id])).get(id)).toEqual(newest);
    // Writing the same record again is harmless.
    expect(await upsertStates(ds, [newest])).toEqual({ written: [id], stale: [] });
  });

  it('the later of two records of one check in a batch wins', async () => {
    const id = randomUUID();
    const first = record('UU', id);
    const second = record('UUDDD', id);
    await upsertStates(ds, [first, second]);
    expect((await loadAllStates(ds)).get(id)).toEqual(second);
  });

  it('after a restart the reloaded state does not alert again', async () => {
    const down = record('UUDDD');
    expect(down).toMatchObject({ state: 'down', alerted: true });
    await upsertStates(ds, [down]);
    const reloaded = (await loadStates(ds, [down.checkId])).get(down.checkId);
    if (!reloaded) throw new Error('not stored');
    const next = step(
      reloaded,
      { status: 'down', at: new Date(T0 + 10 * 60_000), reasons: [] },
      SETTINGS,
    );
    expect(next.event).toBeNull();
    expect(next.record.state).toBe('down');
  });

  it('CHECK constraints refuse impossible records', async () => {
    const good = record('UU');
    await expect(upsertStates(ds, [{ ...good, state: 'broken' as 'up' }])).rejects.toThrow(
      /check constraint/,
    );
    await expect(upsertStates(ds, [{ ...good, alerted: true }])).rejects.toThrow(
      /check_states_up_not_alerted/,
    );
    await expect(
      upsertStates(ds, [{ ...good, lastChangeAt: new Date(good.lastResultAt!.getTime() + 1) }]),
    ).rejects.toThrow(/check_states_change_after_result/);
    await expect(
      ds.query(
        `INSERT INTO check_states (check_id, state, counters) VALUES (gen_random_uuid(), 'up', '{"up": 1}')`,
      ),
    ).rejects.toThrow(/check_states_counters_shape/);
  });
});

describe('maintenance windows', () => {
  let unitId: string;

  beforeAll(async () => {
    const [row] = (await ds.query(
      `INSERT INTO units (code, kind, name) VALUES ('LD-STATE', 'province', 'Lâm Đồng') RETURNING id`,
    )) as { id: string }[];
    unitId = row.id;
  });

  it('round-trips one-off and recurring windows', async () => {
    const oneOff: Omit<MaintenanceWindow, 'id'> = {
      name: 'Thay thiết bị lõi',
      target: { kind: 'object', objectType: 'device', objectId: randomUUID() },
      schedule: {
        kind: 'one_off',
        startsAt: new Date('2025-06-01T10:00:00Z'),
        endsAt: new Date('2025-06-01T12:00:00Z'),
      },
    };
    const weekly: Omit<MaintenanceWindow, 'id'> = {
      name: 'weekly',
      target: { kind: 'unit_subtree', unitId },
      schedule: {
        kind: 'recurring',
        daysOfWeek: [0, 6],
        startTime: '01:00',
        durationMinutes: 120,
        timezone: 'Asia/Ho_Chi_Minh',
      },
    };
    const a = await insertMaintenanceWindow(ds, oneOff);
    const b = await insertMaintenanceWindow(ds, weekly);
    const loaded = await loadMaintenanceWindows(ds);
    expect(loaded).toEqual([
      { id: a, ...oneOff },
      { id: b, ...weekly },
    ]);
  });

  it('validates before inserting', async () => {
    await expect(
      insertMaintenanceWindow(ds, {
        name: 'bad',
        target: { kind: 'unit_subtree', unitId },
        schedule: {
          kind: 'recurring',
          daysOfWeek: [0],
          startTime: '01:00',
          durationMinutes: 60,
          timezone: 'Nowhere/Land',
        },
      }),
    ).rejects.toThrow(/timezone/);
  });

  it.each([
    [
      'a one-off window with recurrence fields',
      `('x', 'one_off', now(), now() + interval '1 hour', '{0}', NULL, NULL, NULL, 'device', gen_random_uuid(), NULL)`,
      /maintenance_windows_one_off/,
    ],
    [
      'a one-off window ending before it starts',
      `('x', 'one_off', now(), now() - interval '1 hour', NULL, NULL, NULL, NULL, 'device', gen_random_uuid(), NULL)`,
      /maintenance_windows_one_off/,
    ],
    [
      'a recurring window with a day 7',
      `('x', 'recurring', NULL, NULL, '{7}', '01:00', 60, 'UTC', 'device', gen_random_uuid(), NULL)`,
      /maintenance_windows_recurring/,
    ],
    [
      'a recurring window with seconds',
      `('x', 'recurring', NULL, NULL, '{1}', '01:00:30', 60, 'UTC', 'device', gen_random_uuid(), NULL)`,
      /maintenance_windows_recurring/,
    ],
    [
      'a recurring window without a time zone',
      `('x', 'recurring', NULL, NULL, '{1}', '01:00', 60, NULL, 'device', gen_random_uuid(), NULL)`,
      /maintenance_windows_recurring/,
    ],
    [
      'a window with two targets',
      `('x', 'recurring', NULL, NULL, '{1}', '01:00', 60, 'UTC', 'device', gen_random_uuid(), 'UNIT')`,
      /maintenance_windows_one_target/,
    ],
    [
      'a window with no target',
      `('x', 'recurring', NULL, NULL, '{1}', '01:00', 60, 'UTC', NULL, NULL, NULL)`,
      /maintenance_windows_one_target/,
    ],
  ])('refuses %s', async (_name, values, constraint) => {
    await expect(
      ds.query(
        `INSERT INTO maintenance_windows (name, kind, starts_at, ends_at, days_of_week, start_time,
           duration_minutes, timezone, object_type, object_id, unit_id)
         VALUES ${values.replace('UNIT', unitId)}`,
      ),
    ).rejects.toThrow(constraint);
  });
});

describe('migration', () => {
  it('down drops both tables and up creates them again', async () => {
    const runner = ds.createQueryRunner();
    try {
      const migration = new CheckState1764400002000();
      await migration.down(runner);
      const exists = async (): Promise<boolean[]> => {
        const [row] = (await ds.query(
          `SELECT to_regclass('check_states') IS NOT NULL AS a, to_regclass('maintenance_windows') IS NOT NULL AS b`,
        )) as { a: boolean; b: boolean }[];
        return [row.a, row.b];
      };
      expect(await exists()).toEqual([false, false]);
      await migration.up(runner);
      expect(await exists()).toEqual([true, true]);
    } finally {
      await runner.release();
    }
  });
});
