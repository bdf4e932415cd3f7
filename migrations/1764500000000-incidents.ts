import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents of the incident response team (src/incidents, rules in its README).
 *
 * - `incidents`: one row per incident. `number` is the short human reference ("#42").
 *   `check_id` is set only on probe incidents (the check that opened it): the partial unique
 *   index `incidents_one_active_per_check` allows at most one active (not resolved/closed) probe
 *   incident per check. A partial index cannot look through `incident_links`, so the check is
 *   kept here as well as in a `check` link.
 * - `incident_links`: the objects an incident concerns (no foreign key: the table spans six
 *   object types).
 * - `incident_timeline`: append-only history (status changes, probe events, notes, ...).
 */
export class Incidents1764500000000 implements MigrationInterface {
  name = 'Incidents1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number serial NOT NULL CONSTRAINT incidents_number_key UNIQUE,
      title varchar(300) NOT NULL CHECK (length(btrim(title)) > 0),
      description text NOT NULL DEFAULT '',
      severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
      category varchar(32) NOT NULL CHECK (category IN
        ('outage','degraded_service','dnssec_failure','ipv6_regression','security_event','other')),
      status varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN
        ('open','acknowledged','investigating','mitigated','resolved','closed')),
      origin varchar(8) NOT NULL CHECK (origin IN ('probe','manual')),
      check_id uuid CONSTRAINT incidents_check_id_fkey REFERENCES checks(id) ON DELETE SET NULL,
      assignee text,
      unit_id uuid CONSTRAINT incidents_unit_id_fkey REFERENCES units(id) ON DELETE SET NULL,
      root_cause text,
      actions_taken text,
      review_notes text,
      opened_at timestamptz NOT NULL DEFAULT now(),
      acknowledged_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      report_due_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT incidents_check_only_probe CHECK (check_id IS NULL OR origin = 'probe'))`);
    await q.query(`CREATE UNIQUE INDEX incidents_one_active_per_check ON incidents (check_id)
      WHERE origin = 'probe' AND status NOT IN ('resolved','closed')`);
    await q.query(`CREATE INDEX incidents_opened_at_idx ON incidents (opened_at)`);
    await q.query(`CREATE INDEX incidents_unit_id_idx ON incidents (unit_id)`);
    await q.query(`CREATE INDEX incidents_status_idx ON incidents (status)`);
    await q.query(`CREATE INDEX incidents_check_resolved_idx ON incidents (check_id, resolved_at)
      WHERE check_id IS NOT NULL`);

    await q.query(`CREATE TABLE incident_links (
      incident_id uuid NOT NULL CONSTRAINT incident_links_incident_id_fkey
        REFERENCES incidents(id) ON DELETE CASCADE,
      object_type varchar(16) NOT NULL CHECK (object_type IN
        ('service','device','circuit','unit','check','site')),
      object_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT incident_links_pkey PRIMARY KEY (incident_id, object_type, object_id))`);
    await q.query(
      `CREATE INDEX incident_links_object_idx ON incident_links (object_type, object_id)`,
    );

    await q.query(`CREATE TABLE incident_timeline (
      id bigserial PRIMARY KEY,
      incident_id uuid NOT NULL CONSTRAINT incident_timeline_incident_id_fkey
        REFERENCES incidents(id) ON DELETE RESTRICT,
      at timestamptz NOT NULL DEFAULT now(),
      kind varchar(16) NOT NULL CHECK (kind IN
        ('status_change','probe_event','note','notification','link','edit')),
      actor text NOT NULL,
      body jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(body) = 'object'))`);
    await q.query(
      `CREATE INDEX incident_timeline_incident_idx ON incident_timeline (incident_id, id)`,
    );
    // Append-only like the change log: history cannot be rewritten, even by hand.
    await q.query(`CREATE FUNCTION incident_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'incident_timeline is append-only'; END $$`);
    await q.query(`CREATE TRIGGER incident_timeline_no_update BEFORE UPDATE OR DELETE ON incident_timeline
      FOR EACH ROW EXECUTE FUNCTION incident_timeline_append_only()`);
    await q.query(`CREATE TRIGGER incident_timeline_no_truncate BEFORE TRUNCATE ON incident_timeline
      FOR EACH STATEMENT EXECUTE FUNCTION incident_timeline_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS incident_timeline`);
    await q.query(`DROP TABLE IF EXISTS incident_links`);
    await q.query(`DROP TABLE IF EXISTS incidents`);
    await q.query(`DROP FUNCTION IF EXISTS incident_timeline_append_only()`);
  }
}
