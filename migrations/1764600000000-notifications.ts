import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (src/notifications, rules in its README) and what incidents need for them.
 *
 * - `incidents.reported_at` / `report_reference`: when and under which reference the incident
 *   was reported upward (Decision 05/2017/QĐ-TTg); reminders stop once it is set.
 * - `incident_links.role`: `subject` (what the incident is about) or `affected` (a child check or
 *   object behind a failed parent, listed on the parent's incident instead of an incident each).
 * - `notification_channels`: where messages go (webhook, e-mail, Telegram); `secret` is the
 *   SecretBox envelope of the channel's secrets, never returned by the API.
 * - `notification_routes`: which incident events go to which channel, by unit subtree,
 *   severity and category.
 * - `notification_outbox`: one row per message to send, written in the same transaction as the
 *   incident event it announces; `(channel_id, dedup_key)` is unique so an event is queued once
 *   per channel however many routes match. `payload` is the item as it was at the event.
 * - `notification_attempts`: every delivery attempt with its outcome.
 * - `incident_reminders`: reminders already issued (one row per incident, kind and sequence), so
 *   two processes cannot issue the same reminder twice.
 */
export class Notifications1764600000000 implements MigrationInterface {
  name = 'Notifications1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents ADD COLUMN reported_at timestamptz,
      ADD COLUMN report_reference text`);
    await q.query(`ALTER TABLE incident_links ADD COLUMN role varchar(8) NOT NULL DEFAULT 'subject'
      CHECK (role IN ('subject','affected'))`);

    await q.query(`CREATE TABLE notification_channels (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL CONSTRAINT notification_channels_name_key UNIQUE
        CHECK (length(btrim(name)) > 0),
      kind varchar(16) NOT NULL CHECK (kind IN ('webhook','email','telegram')),
      enabled boolean NOT NULL DEFAULT true,
      config jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
      secret text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);

    await q.query(`CREATE TABLE notification_routes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL CONSTRAINT notification_routes_name_key UNIQUE
        CHECK (length(btrim(name)) > 0),
      channel_id uuid NOT NULL CONSTRAINT notification_routes_channel_id_fkey
        REFERENCES notification_channels(id) ON DELETE CASCADE,
      enabled boolean NOT NULL DEFAULT true,
      unit_id uuid CONSTRAINT notification_routes_unit_id_fkey REFERENCES units(id)
        ON DELETE CASCADE,
      max_severity smallint NOT NULL DEFAULT 4 CHECK (max_severity BETWEEN 1 AND 4),
      categories text[],
      events text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX notification_routes_channel_idx ON notification_routes (channel_id)`,
    );

    await q.query(`CREATE TABLE notification_outbox (
      id bigserial PRIMARY KEY,
      channel_id uuid NOT NULL CONSTRAINT notification_outbox_channel_id_fkey
        REFERENCES notification_channels(id) ON DELETE CASCADE,
      incident_id uuid CONSTRAINT notification_outbox_incident_id_fkey
        REFERENCES incidents(id) ON DELETE CASCADE,
      event varchar(24) NOT NULL,
      dedup_key text NOT NULL,
      payload jsonb NOT NULL,
      status varchar(8) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending','sending','sent','failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      last_error text,
      delivery_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      CONSTRAINT notification_outbox_dedup_key UNIQUE (channel_id, dedup_key))`);
    await q.query(`CREATE INDEX notification_outbox_due_idx ON notification_outbox
      (next_attempt_at) WHERE status IN ('pending','sending')`);
    await q.query(`CREATE INDEX notification_outbox_channel_sent_idx ON notification_outbox
      (channel_id, sent_at) WHERE status = 'sent'`);
    await q.query(
      `CREATE INDEX notification_outbox_incident_idx ON notification_outbox (incident_id)`,
    );

    await q.query(`CREATE TABLE notification_attempts (
      id bigserial PRIMARY KEY,
      outbox_id bigint NOT NULL CONSTRAINT notification_attempts_outbox_id_fkey
        REFERENCES notification_outbox(id) ON DELETE CASCADE,
      delivery_id text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      ok boolean NOT NULL,
      code integer,
      detail text NOT NULL,
      duration_ms integer NOT NULL)`);
    await q.query(
      `CREATE INDEX notification_attempts_outbox_idx ON notification_attempts (outbox_id, id)`,
    );

    await q.query(`CREATE TABLE incident_reminders (
      incident_id uuid NOT NULL CONSTRAINT incident_reminders_incident_id_fkey
        REFERENCES incidents(id) ON DELETE CASCADE,
      kind varchar(24) NOT NULL CHECK (kind IN ('unacknowledged','report_due','report_overdue')),
      seq integer NOT NULL,
      at timestamptz NOT NULL,
      CONSTRAINT incident_reminders_pkey PRIMARY KEY (incident_id, kind, seq))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS incident_reminders`);
    await q.query(`DROP TABLE IF EXISTS notification_attempts`);
    await q.query(`DROP TABLE IF EXISTS notification_outbox`);
    await q.query(`DROP TABLE IF EXISTS notification_routes`);
    await q.query(`DROP TABLE IF EXISTS notification_channels`);
    await q.query(`ALTER TABLE incident_links DROP COLUMN IF EXISTS role`);
    await q.query(`ALTER TABLE incidents DROP COLUMN IF EXISTS reported_at,
      DROP COLUMN IF EXISTS report_reference`);
  }
}
