import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monitoring state: one row per check (the state machine's record, see
 * src/monitoring/state/README.md) and the maintenance windows. Hand-written so that PostgreSQL
 * checks the value sets and the shape of each kind of window.
 */
export class CheckState1764400002000 implements MigrationInterface {
  name = 'CheckState1764400002000';

  async up(q: QueryRunner): Promise<void> {
    // check_id has no foreign key yet: the checks table comes with the scheduler.
    await q.query(`CREATE TABLE check_states (
      check_id uuid PRIMARY KEY,
      state varchar(16) NOT NULL CHECK (state IN ('up','degraded','down','not_tested','unknown','unreachable')),
      counters jsonb NOT NULL CONSTRAINT check_states_counters_shape CHECK (
        jsonb_typeof(counters) = 'object' AND counters ?& ARRAY['up','notDown','bad','down','notTested']),
      since timestamptz,
      last_result_at timestamptz,
      last_change_at timestamptz,
      alerted boolean NOT NULL DEFAULT false,
      last_reasons jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(last_reasons) = 'array'),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT check_states_up_not_alerted CHECK (NOT (alerted AND state = 'up')),
      CONSTRAINT check_states_change_after_result CHECK (
        last_change_at IS NULL OR (last_result_at IS NOT NULL AND last_change_at <= last_result_at)))`);
    await q.query(`CREATE INDEX check_states_state_idx ON check_states (state)`);

    await q.query(`CREATE TABLE maintenance_windows (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(255) NOT NULL CHECK (btrim(name) <> ''),
      kind varchar(16) NOT NULL CHECK (kind IN ('one_off','recurring')),
      starts_at timestamptz,
      ends_at timestamptz,
      days_of_week smallint[],
      start_time time(0),
      duration_minutes integer,
      timezone varchar(64),
      object_type varchar(16) CHECK (object_type IN ('check','site','device','interface','circuit','service')),
      object_id uuid,
      unit_id uuid CONSTRAINT maintenance_windows_unit_id_fkey REFERENCES units(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT maintenance_windows_one_off CHECK (kind <> 'one_off' OR (
        starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at
        AND days_of_week IS NULL AND start_time IS NULL AND duration_minutes IS NULL)),
      CONSTRAINT maintenance_windows_recurring CHECK (kind <> 'recurring' OR (
        starts_at IS NULL AND ends_at IS NULL
        AND days_of_week IS NOT NULL AND cardinality(days_of_week) BETWEEN 1 AND 7
        AND days_of_week <@ ARRAY[0,1,2,3,4,5,6]::smallint[]
        AND start_time IS NOT NULL AND extract(second FROM start_time) = 0
        AND duration_minutes IS NOT NULL AND duration_minutes BETWEEN 1 AND 10080
        AND timezone IS NOT NULL AND timezone <> '')),
      CONSTRAINT maintenance_windows_one_target CHECK (
        (object_type IS NOT NULL AND object_id IS NOT NULL AND unit_id IS NULL)
        OR (object_type IS NULL AND object_id IS NULL AND unit_id IS NOT NULL)))`);
    await q.query(
      `CREATE INDEX maintenance_windows_object_idx ON maintenance_windows (object_type, object_id)`,
    );
    await q.query(`CREATE INDEX maintenance_windows_unit_id_idx ON maintenance_windows (unit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS maintenance_windows`);
    await q.query(`DROP TABLE IF EXISTS check_states`);
  }
}
