import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../common/errors';

export interface OutboxEntry {
  id: string;
  channelId: string;
  incidentId: string | null;
  event: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  deliveryId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  at: Date;
  ok: boolean;
  code: number | null;
  detail: string;
  durationMs: number;
}

const COLUMNS = `id::text AS id, channel_id AS "channelId", incident_id AS "incidentId", event,
  status, attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError",
  delivery_id AS "deliveryId", created_at AS "createdAt", sent_at AS "sentAt"`;

/** Read side of the outbox for the API, and the manual retry of a failed message. */
@Injectable()
export class OutboxService {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    f: {
      status?: string;
      channelId?: string;
      incidentId?: string;
      limit?: number;
      offset?: number;
    } = {},
  ) {
    const limit = f.limit ?? 50;
    const offset = f.offset ?? 0;
    const where = `WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR channel_id = $2)
      AND ($3::uuid IS NULL OR incident_id = $3)`;
    const params = [f.status ?? null, f.channelId ?? null, f.incidentId ?? null];
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM notification_outbox ${where}`,
      params,
    );
    const items: OutboxEntry[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notification_outbox ${where} ORDER BY id DESC
       LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return { items, total: Number(total), limit, offset };
  }

  async get(id: number): Promise<OutboxEntry & { history: Attempt[] }> {
    const rows: OutboxEntry[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notification_outbox WHERE id = $1`,
      [id],
    );
    if (!rows.length) throw new NotFoundError(`outbox message ${id} not found`);
    const attempts: Attempt[] = await this.dataSource.query(
      `SELECT id::text AS id, delivery_id AS "deliveryId", at, ok, code, detail,
              duration_ms AS "durationMs"
       FROM notification_attempts WHERE outbox_id = $1 ORDER BY id`,
      [id],
    );
    return { ...rows[0], history: attempts };
  }

  /** Puts a failed message back in the queue with a fresh attempt budget. */
  async retry(id: number): Promise<OutboxEntry> {
    const rows: OutboxEntry[] = await this.dataSource.query(
      `WITH u AS (UPDATE notification_outbox SET status = 'pending', attempts = 0,
         next_attempt_at = now(), last_error = NULL WHERE id = $1 AND status = 'failed'
         RETURNING *) SELECT ${COLUMNS} FROM u`,
      [id],
    );
    if (rows.length) return rows[0];
    await this.get(id);
    throw new ValidationError('not failed', [
      { field: 'id', message: 'only a failed message can be retried' },
    ]);
  }
}
