import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Check definitions of the monitoring engine (src/monitoring/checks).
 *
 * - `checks`: what runs. Rows of origin `default` are derived from the inventory and
 *   config/checks.yaml and reconciled by `syncChecks` (never edit them: change an override);
 *   rows of origin `custom` are written by people and never touched by the sync. Custom keys
 *   start with `custom:` so they can never collide with a derived key.
 * - `check_overrides`: per-object changes to the derived checks, one row per
 *   (object, kind or all kinds, family or both). Inventory objects are referenced by id without a
 *   foreign key (the table spans three object types); the sync ignores rows of objects that are
 *   gone.
 */
export class Checks1764400001000 implements MigrationInterface {
  name = 'Checks1764400001000';

  async up(q: QueryRunner): Promise<void> {
    const kinds = `('dnssec','ns-ipv6','ipv6-web','ipv6-mail','http','tls','tcp','icmp','snmp','smtp','dns-answer')`;
    await q.query(`CREATE TABLE checks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      key varchar(255) NOT NULL CONSTRAINT checks_key_key UNIQUE,
      object_type varchar(16) CHECK (object_type IN ('service','device','circuit')),
      object_id uuid,
      unit_id uuid CONSTRAINT checks_unit_id_fkey REFERENCES units(id) ON DELETE SET NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ${kinds}),
      family smallint CHECK (family IN (4, 6)),
      target jsonb NOT NULL CHECK (jsonb_typeof(target) = 'object'),
      settings jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
      interval_seconds integer NOT NULL CHECK (interval_seconds BETWEEN 10 AND 86400),
      timeout_ms integer NOT NULL CHECK (timeout_ms BETWEEN 100 AND 600000),
      failure_threshold smallint NOT NULL DEFAULT 3 CHECK (failure_threshold BETWEEN 1 AND 100),
      success_threshold smallint NOT NULL DEFAULT 2 CHECK (success_threshold BETWEEN 1 AND 100),
      enabled boolean NOT NULL DEFAULT true,
      origin varchar(8) NOT NULL CHECK (origin IN ('default','custom')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      next_due_at timestamptz NOT NULL DEFAULT now(),
      -- Fixed times instead of an interval (node-cron syntax), e.g. '0 1 * * *'; NULL: interval.
      cron varchar(64),
      cron_timezone varchar(64),
      CONSTRAINT checks_timeout_within_interval CHECK (timeout_ms <= interval_seconds * 1000),
      CONSTRAINT checks_key_matches_origin CHECK ((origin = 'custom') = (key LIKE 'custom:%')),
      CONSTRAINT checks_default_has_object CHECK (
        origin = 'custom' OR (object_type IS NOT NULL AND object_id IS NOT NULL)),
      CONSTRAINT checks_object_pair CHECK ((object_type IS NULL) = (object_id IS NULL)))`);
    await q.query(`CREATE INDEX checks_object_idx ON checks (object_type, object_id)`);
    await q.query(`CREATE INDEX checks_unit_id_idx ON checks (unit_id)`);
    // The scheduler's question: which enabled checks are due?
    await q.query(`CREATE INDEX checks_due_idx ON checks (next_due_at) WHERE enabled`);

    await q.query(`CREATE TABLE check_overrides (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      object_type varchar(16) NOT NULL CHECK (object_type IN ('service','device','circuit')),
      object_id uuid NOT NULL,
      kind varchar(16) CHECK (kind IN ${kinds}),
      family smallint CHECK (family IN (4, 6)),
      interval_seconds integer CHECK (interval_seconds BETWEEN 10 AND 86400),
      timeout_ms integer CHECK (timeout_ms BETWEEN 100 AND 600000),
      failure_threshold smallint CHECK (failure_threshold BETWEEN 1 AND 100),
      success_threshold smallint CHECK (success_threshold BETWEEN 1 AND 100),
      disabled boolean,
      settings jsonb CHECK (settings IS NULL OR jsonb_typeof(settings) = 'object'),
      description text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    // One row per (object, kind, family), NULL meaning "all" (PostgreSQL 13 has no NULLS NOT DISTINCT).
    await q.query(`CREATE UNIQUE INDEX check_overrides_scope_key ON check_overrides
      (object_type, object_id, COALESCE(kind, ''), COALESCE(family, 0))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS check_overrides`);
    await q.query(`DROP TABLE IF EXISTS checks`);
  }
}
