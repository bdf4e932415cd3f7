import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Incidents1764500000000 } from '../../migrations/1764500000000-incidents';
import { configureApp } from '../../src/app.setup';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { IncidentOpener } from '../../src/incidents/incident-opener';
import { IncidentSettings } from '../../src/incidents/incident-settings';
import { IncidentsModule } from '../../src/incidents/incidents.module';
import { OutboxModule } from '../../src/notifications/notifications.module';
import { IncidentsService } from '../../src/incidents/incidents.service';
import type { TransitionEvent } from '../../src/monitoring/state/state-machine';
import { startTestApp, TestApp } from '../support/app';

/** A settable clock for the incident settings. */
export class FakeClock {
  constructor(public current = new Date('2026-03-02T08:00:00Z')) {}
  now = (): Date => new Date(this.current);
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export interface IncidentsTestApp {
  base: TestApp;
  /** A Nest app with IncidentsModule and the real HTTP pipeline (configureApp). */
  app: INestApplication;
  dataSource: DataSource;
  service: IncidentsService;
  opener: IncidentOpener;
  clock: FakeClock;
  close(): Promise<void>;
}

/**
 * The real service on a fresh migrated database (monitoring off: nothing probes the fixtures),
 * plus the incidents migration (not registered yet; run unless its table exists) and a Nest
 * app with IncidentsModule on the same database.
 */
export async function startIncidentsApp(
  settings: Partial<IncidentSettings> = {},
): Promise<IncidentsTestApp> {
  const base = await startTestApp({ NETWATCH_MONITORING: 'false' });
  const baseDs = base.app.get(DataSource);
  const exists: { t: string | null }[] = await baseDs.query(
    `SELECT to_regclass('public.incidents')::text AS t`,
  );
  if (!exists[0].t) {
    const runner = baseDs.createQueryRunner();
    try {
      await new Incidents1764500000000().up(runner);
    } finally {
      await runner.release();
    }
  }
  const clock = new FakeClock();
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(dataSourceOptions({ url: base.databaseUrl, poolSize: 4 })),
      OutboxModule.forRoot({ now: clock.now }),
      IncidentsModule.forRoot({ now: clock.now, ...settings }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureApp(app, base.config);
  await app.init();
  return {
    base,
    app,
    dataSource: app.get(DataSource),
    service: app.get(IncidentsService),
    opener: app.get(IncidentOpener),
    clock,
    close: async () => {
      await app.close();
      await base.close();
    },
  };
}

export const tag = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function insertUnit(
  ds: DataSource,
  code: string,
  parentId: string | null = null,
): Promise<string> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO units (code, kind, name, parent_id) VALUES ($1, 'department', $1, $2) RETURNING id`,
    [code, parentId],
  );
  return rows[0].id;
}

export async function insertService(
  ds: DataSource,
  unitId: string,
  hostname: string,
  criticality: 'low' | 'medium' | 'high' | 'critical',
): Promise<string> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO services (kind, hostname, name, unit_id, criticality)
     VALUES ('website', $1, $1, $2, $3) RETURNING id`,
    [hostname, unitId, criticality],
  );
  return rows[0].id;
}

export async function insertDevice(
  ds: DataSource,
  unitId: string,
  name: string,
  role: string,
): Promise<string> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO devices (name, role, unit_id) VALUES ($1, $2, $3) RETURNING id`,
    [name, role, unitId],
  );
  return rows[0].id;
}

export async function insertCheck(
  ds: DataSource,
  object: { type: 'service' | 'device'; id: string; unitId: string },
  kind: string,
): Promise<string> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO checks (key, object_type, object_id, unit_id, kind, target, interval_seconds,
       timeout_ms, origin)
     VALUES ($1, $2, $3, $4, $5, '{}', 60, 1000, 'default') RETURNING id`,
    [tag(`test:${kind}`), object.type, object.id, object.unitId, kind],
  );
  return rows[0].id;
}

export function event(
  checkId: string,
  from: TransitionEvent['from'],
  to: TransitionEvent['to'],
  at: string,
  extra: Partial<TransitionEvent> = {},
): TransitionEvent {
  return {
    checkId,
    from,
    to,
    at: new Date(at),
    reasons: [{ code: 'test', message: `${from} → ${to}` }],
    alert: true,
    ...extra,
  };
}
