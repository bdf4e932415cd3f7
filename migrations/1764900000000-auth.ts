import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, sessions and API tokens (src/auth, rules in its README).
 *
 * - `users`: role and optional unit scope; the password as an scrypt hash; failed logins and
 *   the lockout time.
 * - `sessions`: one per login; only the SHA-256 of the token is stored; revoked on logout and on
 *   password change.
 * - `api_tokens`: tokens for automation, shown once, stored as SHA-256; a role and scope no
 *   wider than their owner's; revocable.
 */
export class Auth1764900000000 implements MigrationInterface {
  name = 'Auth1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username varchar(64) NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
      display_name varchar(200) NOT NULL DEFAULT '',
      role varchar(16) NOT NULL CHECK (role IN ('admin','operator','responder','viewer')),
      unit_id uuid CONSTRAINT users_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      password_hash text NOT NULL,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      failed_logins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_username_key UNIQUE (username))`);
    await q.query(`CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash char(64) NOT NULL CONSTRAINT sessions_token_hash_key UNIQUE,
      user_id uuid NOT NULL CONSTRAINT sessions_user_id_fkey REFERENCES users(id) ON DELETE CASCADE,
      source_address varchar(64),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz)`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id)`);
    await q.query(`CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL CHECK (length(btrim(name)) > 0),
      token_hash char(64) NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
      prefix varchar(16) NOT NULL,
      user_id uuid NOT NULL CONSTRAINT api_tokens_user_id_fkey REFERENCES users(id) ON DELETE CASCADE,
      role varchar(16) NOT NULL CHECK (role IN ('admin','operator','responder','viewer')),
      unit_id uuid CONSTRAINT api_tokens_unit_id_fkey REFERENCES units(id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz)`);
    await q.query(`CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS api_tokens`);
    await q.query(`DROP TABLE IF EXISTS sessions`);
    await q.query(`DROP TABLE IF EXISTS users`);
  }
}
