import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { currentActor } from '../common/request-context';

export type AuditOutcome = 'ok' | 'refused' | 'error';

/** One audit entry as written. */
export interface AuditEntryInput {
  action: string;
  outcome: AuditOutcome;
  method?: string;
  path?: string;
  status?: number;
  sourceAddress?: string | null;
  /** Extra facts (never a secret or a request body). */
  detail?: Record<string, unknown>;
  /** Default: the current actor and request id. */
  actor?: string;
  requestId?: string | null;
}

export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  sourceAddress: string | null;
  requestId: string | null;
  action: string;
  method: string | null;
  path: string | null;
  status: number | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  requestId?: string;
  pathPrefix?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

const COLUMNS = `id::text AS id, at, actor, source_address AS "sourceAddress",
  request_id AS "requestId", action, method, path, status, outcome, detail`;

/**
 * The append-only audit log: every change made through the API (and, with users, every login,
 * logout and failure). Writes are asynchronous to the request; `flush()` waits for them.
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Records an entry; a failure to write is logged, never thrown at the caller. */
  record(entry: AuditEntryInput): Promise<void> {
    const ctx = currentActor();
    const write = this.dataSource
      .query(
        `INSERT INTO audit_log (actor, source_address, request_id, action, method, path, status,
           outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          (entry.actor ?? ctx.actor).slice(0, 255),
          entry.sourceAddress?.slice(0, 64) ?? null,
          entry.requestId !== undefined ? entry.requestId : ctx.requestId,
          entry.action.slice(0, 16),
          entry.method ?? null,
          entry.path?.slice(0, 500) ?? null,
          entry.status ?? null,
          entry.outcome,
          JSON.stringify(entry.detail ?? {}),
        ],
      )
      .then(() => undefined)
      .catch((err: unknown) => {
        this.logger.error(`audit entry not written: ${(err as Error).message}`);
      });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return write;
  }

  /** Waits for every entry recorded so far (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  async list(f: AuditFilters = {}) {
    const limit = f.limit ?? 50;
    const offset = f.offset ?? 0;
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actor) add('actor = ?', f.actor);
    if (f.action) add('action = ?', f.action);
    if (f.outcome) add('outcome = ?', f.outcome);
    if (f.requestId) add('request_id = ?', f.requestId);
    if (f.pathPrefix)
      add(
        `path LIKE ? || '%'`,
        f.pathPrefix.replace(/[\\%_]/g, (c) => `\\${c}`),
      );
    if (f.from) add('at >= ?', f.from);
    if (f.to) add('at < ?', f.to);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM audit_log ${where}`,
      params,
    );
    const items: AuditEntry[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY id DESC LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return { items, total: Number(total), limit, offset };
  }

  /** One entry with the inventory changes made by the same request. */
  async get(id: string) {
    const rows: AuditEntry[] = /^\d{1,18}$/.test(id)
      ? await this.dataSource.query(`SELECT ${COLUMNS} FROM audit_log WHERE id = $1`, [id])
      : [];
    if (!rows.length) return null;
    const changes: unknown[] = rows[0].requestId
      ? await this.dataSource.query(
          `SELECT id::text AS id, at, object_type AS "objectType", object_id AS "objectId", action,
                  before, after
           FROM change_log WHERE request_id = $1 ORDER BY id`,
          [rows[0].requestId],
        )
      : [];
    return { ...rows[0], changes };
  }
}
