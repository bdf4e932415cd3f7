import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../common/errors';
import { fieldsWithNul } from '../common/validation';
import { CrudRegistry } from '../inventory/crud/crud.registry';
import { unitResource } from '../inventory/resources';
import {
  MAINTENANCE_OBJECT_TYPES,
  MaintenanceObjectType,
  MaintenanceWindow,
  validateMaintenanceWindow,
} from './state/maintenance';
import { insertMaintenanceWindow, loadMaintenanceWindows } from './state/maintenance-store';
import { Access } from '../auth/permissions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Maintenance windows (one-off or weekly) for an object or a unit subtree: checks keep running
 * and their state is recorded, but nothing alerts. The engine reloads them at each sync.
 */
@ApiTags('maintenance')
@Access('monitoring')
@Controller('api/maintenance-windows')
export class MaintenanceController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every maintenance window' })
  async list() {
    return { items: await loadMaintenanceWindows(this.dataSource) };
  }

  @Post()
  @ApiOperation({
    summary: 'Create a window',
    description:
      '{ name, target: {kind: "object", objectType: "service|device|circuit|site|interface|check", objectId} | {kind: "unit_subtree", unit: CODE|id}, ' +
      'schedule: {kind: "one_off", startsAt, endsAt} | {kind: "recurring", daysOfWeek: [0-6], startTime: "HH:MM", durationMinutes, timezone} }',
  })
  async create(@Body() body: unknown) {
    const window = await this.parse(body);
    const errors = validateMaintenanceWindow({ ...window, id: '' });
    if (errors.length) {
      throw new ValidationError(
        'invalid maintenance window',
        errors.map((e) => ({ field: e.split(':')[0], message: e })),
      );
    }
    const id = await insertMaintenanceWindow(this.dataSource, window);
    return { id, ...window };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a window' })
  async remove(@Param('id') id: string): Promise<void> {
    const rows: unknown[] = UUID.test(id)
      ? await this.dataSource.query(
          'WITH d AS (DELETE FROM maintenance_windows WHERE id = $1 RETURNING id) SELECT id FROM d',
          [id],
        )
      : [];
    if (!rows.length) throw new NotFoundError(`maintenance window ${id} not found`);
  }

  private async parse(body: unknown): Promise<Omit<MaintenanceWindow, 'id'>> {
    const bad = (field: string, message: string) =>
      new ValidationError('invalid maintenance window', [{ field, message }]);
    if (!body || typeof body !== 'object') throw bad('(body)', 'the body must be a JSON object');
    const b = body as Record<string, unknown>;
    const withNul = fieldsWithNul(b);
    if (withNul.length)
      throw bad(withNul[0], `${withNul[0]} must not contain the character U+0000`);
    const known = new Set(['name', 'target', 'schedule']);
    for (const key of Object.keys(b))
      if (!known.has(key)) throw bad(key, `${key} is not a known field`);
    if (typeof b.name !== 'string') throw bad('name', 'name must be a string');
    const t = b.target as Record<string, unknown> | undefined;
    const s = b.schedule as Record<string, unknown> | undefined;
    if (!t || typeof t !== 'object') throw bad('target', 'target must be an object');
    if (!s || typeof s !== 'object') throw bad('schedule', 'schedule must be an object');
    let target: MaintenanceWindow['target'];
    if (t.kind === 'unit_subtree') {
      if (typeof t.unit !== 'string')
        throw bad('target.unit', 'target.unit must be a unit code or id');
      target = {
        kind: 'unit_subtree',
        unitId: await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, t.unit),
      };
    } else if (t.kind === 'object') {
      if (typeof t.objectId !== 'string' || !UUID.test(t.objectId))
        throw bad('target.objectId', 'target.objectId must be a UUID');
      if (!(MAINTENANCE_OBJECT_TYPES as readonly unknown[]).includes(t.objectType)) {
        throw bad(
          'target.objectType',
          `target.objectType must be one of ${MAINTENANCE_OBJECT_TYPES.join(', ')}`,
        );
      }
      target = {
        kind: 'object',
        objectType: t.objectType as MaintenanceObjectType,
        objectId: t.objectId,
      };
    } else {
      throw bad('target.kind', 'target.kind must be object or unit_subtree');
    }
    let schedule: MaintenanceWindow['schedule'];
    // Objects are not converted: String()/Number() of one such as {"toString": 1} throws (a
    // 500), and of any other gives nonsense; '' and NaN are refused by the validation below.
    const isObject = (v: unknown) => v !== null && typeof v === 'object';
    const text = (v: unknown) => (isObject(v) ? '' : String(v ?? ''));
    const number = (v: unknown) => (isObject(v) ? Number.NaN : Number(v));
    if (s.kind === 'one_off') {
      const startsAt = new Date(text(s.startsAt));
      const endsAt = new Date(text(s.endsAt));
      if (Number.isNaN(startsAt.getTime()))
        throw bad('schedule.startsAt', 'schedule.startsAt must be an ISO 8601 time');
      if (Number.isNaN(endsAt.getTime()))
        throw bad('schedule.endsAt', 'schedule.endsAt must be an ISO 8601 time');
      schedule = { kind: 'one_off', startsAt, endsAt };
    } else if (s.kind === 'recurring') {
      schedule = {
        kind: 'recurring',
        daysOfWeek: Array.isArray(s.daysOfWeek) ? s.daysOfWeek.map(number) : [],
        startTime: text(s.startTime),
        durationMinutes: number(s.durationMinutes),
        timezone: text(s.timezone ?? 'Asia/Ho_Chi_Minh'),
      };
    } else {
      throw bad('schedule.kind', 'schedule.kind must be one_off or recurring');
    }
    return { name: b.name, target, schedule };
  }
}
