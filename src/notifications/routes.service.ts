import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import type { NotificationEvent } from './notification.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_UNIQUE_VIOLATION = '23505';
const PG_FK_VIOLATION = '23503';

/**
 * A routing rule: incident events of the listed kinds, of severity `maxSeverity` or more urgent
 * (1 is the most urgent), in the given categories (null: all) and unit subtree (null: all),
 * go to the channel.
 */
export interface Route {
  id: string;
  name: string;
  channelId: string;
  enabled: boolean;
  unitId: string | null;
  maxSeverity: 1 | 2 | 3 | 4;
  categories: string[] | null;
  events: NotificationEvent[];
  createdAt: Date;
  updatedAt: Date;
}

export type RouteInput = Partial<Omit<Route, 'id' | 'createdAt' | 'updatedAt'>>;

const COLUMNS = `id, name, channel_id AS "channelId", enabled, unit_id AS "unitId",
  max_severity AS "maxSeverity", categories, events, created_at AS "createdAt",
  updated_at AS "updatedAt"`;

@Injectable()
export class RoutesService {
  constructor(private readonly dataSource: DataSource) {}

  async list(channelId?: string): Promise<Route[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM notification_routes
       WHERE $1::uuid IS NULL OR channel_id = $1::uuid ORDER BY name`,
      [channelId ?? null],
    );
  }

  async get(id: string): Promise<Route> {
    const rows: Route[] = UUID.test(id)
      ? await this.dataSource.query(`SELECT ${COLUMNS} FROM notification_routes WHERE id = $1`, [
          id,
        ])
      : [];
    if (!rows.length) throw new NotFoundError(`notification route ${id} not found`);
    return rows[0];
  }

  async create(input: RouteInput & Pick<Route, 'name' | 'channelId' | 'events'>): Promise<Route> {
    const rows: { id: string }[] = await this.write(() =>
      this.dataSource.query(
        `INSERT INTO notification_routes (name, channel_id, enabled, unit_id, max_severity,
           categories, events) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          input.name,
          input.channelId,
          input.enabled ?? true,
          input.unitId ?? null,
          input.maxSeverity ?? 4,
          input.categories ?? null,
          input.events,
        ],
      ),
    );
    return this.get(rows[0].id);
  }

  async update(id: string, input: RouteInput): Promise<Route> {
    const current = await this.get(id);
    const next = { ...current, ...input };
    await this.write(() =>
      this.dataSource.query(
        `UPDATE notification_routes SET name = $2, channel_id = $3, enabled = $4, unit_id = $5,
           max_severity = $6, categories = $7, events = $8, updated_at = now() WHERE id = $1`,
        [
          id,
          next.name,
          next.channelId,
          next.enabled,
          next.unitId,
          next.maxSeverity,
          next.categories,
          next.events,
        ],
      ),
    );
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.dataSource.query(`DELETE FROM notification_routes WHERE id = $1`, [id]);
  }

  private async write<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const e = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (e?.code === PG_UNIQUE_VIOLATION)
        throw new ConflictError('name already used', [
          { field: 'name', message: 'name: another route has this name' },
        ]);
      if (e?.code === PG_FK_VIOLATION) {
        const field = e.constraint?.includes('unit') ? 'unitId' : 'channelId';
        throw new ValidationError('unknown reference', [
          { field, message: `${field}: no such ${field === 'unitId' ? 'unit' : 'channel'}` },
        ]);
      }
      throw err;
    }
  }
}
