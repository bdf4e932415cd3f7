import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (src/audit): one row per change made through the API (every POST, PUT, PATCH
 * and DELETE, accepted or refused), with actor, source address and request id. Append-only like
 * the change log: a trigger refuses UPDATE, DELETE and TRUNCATE. The inventory change log joins
 * it by request id (what exactly changed).
 */
export class AuditLog1764800000000 implements MigrationInterface {
  name = 'AuditLog1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor varchar(255) NOT NULL,
      source_address varchar(64),
      request_id varchar(128),
      action varchar(16) NOT NULL,
      method varchar(8),
      path varchar(500),
      status smallint,
      outcome varchar(8) NOT NULL CHECK (outcome IN ('ok','refused','error')),
      detail jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'))`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_request_idx ON audit_log (request_id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor, at)`);
    await q.query(`CREATE INDEX change_log_request_idx ON change_log (request_id)`);
    await q.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_append_only()`);
    await q.query(`DROP INDEX IF EXISTS change_log_request_idx`);
  }
}
