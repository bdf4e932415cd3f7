import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance report runs (src/reports/runs, rules in src/reports/README.md).
 *
 * - `report_runs`: one generation of a report, scheduled or on demand: period, unit, the
 *   parameters asked for, outcome. A scheduled run is unique per (schedule, period, unit), so
 *   a slot is generated once even if two schedulers overlap during a fail-over.
 * - `report_files`: the files of a run (JSON, one CSV per section, HTML, PDF per language),
 *   with their SHA-256; kept in the database so every instance can serve them.
 * - `report_schedule_state`: the last cron slot each schedule was handled for, so a slot missed
 *   while the service was down is caught up once, and a restart does not repeat one.
 */
export class ReportRuns1764700000000 implements MigrationInterface {
  name = 'ReportRuns1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE report_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind varchar(16) NOT NULL DEFAULT 'compliance' CHECK (kind IN ('compliance')),
      schedule_name varchar(100),
      period_from timestamptz NOT NULL,
      period_to timestamptz NOT NULL,
      unit_id uuid CONSTRAINT report_runs_unit_id_fkey REFERENCES units(id) ON DELETE SET NULL,
      parameters jsonb NOT NULL DEFAULT '{}',
      status varchar(10) NOT NULL DEFAULT 'running'
        CHECK (status IN ('running','succeeded','failed')),
      error text,
      requested_by text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      CHECK (period_to > period_from))`);
    await q.query(`CREATE UNIQUE INDEX report_runs_one_per_slot ON report_runs
      (schedule_name, period_from, period_to, COALESCE(unit_id, '00000000-0000-0000-0000-000000000000'))
      WHERE schedule_name IS NOT NULL`);
    await q.query(`CREATE INDEX report_runs_started_idx ON report_runs (started_at DESC)`);

    await q.query(`CREATE TABLE report_files (
      run_id uuid NOT NULL CONSTRAINT report_files_run_id_fkey REFERENCES report_runs(id)
        ON DELETE CASCADE,
      name varchar(200) NOT NULL,
      format varchar(8) NOT NULL CHECK (format IN ('json','csv','html','pdf')),
      lang varchar(2) NOT NULL CHECK (lang IN ('vi','en')),
      content_type varchar(100) NOT NULL,
      size integer NOT NULL,
      sha256 char(64) NOT NULL,
      content bytea NOT NULL,
      CONSTRAINT report_files_pkey PRIMARY KEY (run_id, name))`);

    await q.query(`CREATE TABLE report_schedule_state (
      name varchar(100) PRIMARY KEY,
      last_slot timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report_schedule_state`);
    await q.query(`DROP TABLE IF EXISTS report_files`);
    await q.query(`DROP TABLE IF EXISTS report_runs`);
  }
}
