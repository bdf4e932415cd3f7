import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TestApp } from '../support/app';

/** Fixtures for the dashboard's API routes, written straight to the database. */
export const tag = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function insertUnit(ds: DataSource, code: string, parentId: string | null) {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO units (code, kind, name, parent_id) VALUES ($1, 'department', $1, $2) RETURNING id`,
    [code, parentId],
  );
  return rows[0].id;
}

export async function insertService(
  ds: DataSource,
  unitId: string,
  kind: string,
  hostname: string,
  status = 'active',
) {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO services (kind, hostname, name, unit_id, status)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [kind, hostname, `Name of ${hostname}`, unitId, status],
  );
  return rows[0].id;
}

/** A check of a service with its current state (and the reasons the state machine keeps). */
export async function insertCheck(
  ds: DataSource,
  service: { id: string; unitId: string },
  kind: string,
  family: 4 | 6 | null,
  state: string | null,
  reasons: { code: string; message: string }[] = [],
) {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO checks (key, object_type, object_id, unit_id, kind, family, target,
       interval_seconds, timeout_ms, origin)
     VALUES ($1, 'service', $2, $3, $4, $5, '{}', 60, 1000, 'default') RETURNING id`,
    [tag(`test:${kind}`), service.id, service.unitId, kind, family],
  );
  if (state)
    await ds.query(
      `INSERT INTO check_states (check_id, state, counters, last_reasons, last_result_at)
       VALUES ($1, $2, '{"up":0,"notDown":0,"bad":0,"down":0,"notTested":0}', $3, now())`,
      [rows[0].id, state, JSON.stringify(reasons)],
    );
  return rows[0].id;
}

/** A raw result with observations (what the dnssec adapter stores). */
export async function insertResult(
  ds: DataSource,
  checkId: string,
  at: Date,
  status: string,
  observations: object | null,
) {
  await ds.query(
    `INSERT INTO check_results (check_id, at, status, duration_ms, observations, run_id)
     VALUES ($1, $2, $3, 10, $4, $5)`,
    [
      checkId,
      at,
      status,
      observations === null ? null : JSON.stringify(observations),
      randomUUID(),
    ],
  );
}

/** A user limited to `unitId`, signed in through the API; returns its session token. */
export async function scopedUser(t: TestApp, role: string, unitId: string): Promise<string> {
  const username = tag(`scoped-${role}`);
  await request(t.http)
    .post('/api/users')
    .send({ username, role, unitId, password: 'scoped-user-passphrase' })
    .expect(201);
  const login = await request(t.http)
    .post('/api/auth/login')
    .set('Authorization', '')
    .send({ username, password: 'scoped-user-passphrase' })
    .expect(200);
  return login.body.token as string;
}
