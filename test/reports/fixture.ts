import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { configureApp } from '../../src/app.setup';
import { NetwatchConfig } from '../../src/config/config.types';
import { dataSourceOptions } from '../../src/database/data-source-options';
import {
  buildComplianceReport,
  ComplianceReport,
} from '../../src/reports/compliance/compliance-report';
import { ComplianceRules, DEFAULT_COMPLIANCE_RULES } from '../../src/reports/compliance/rules';
import {
  COMPLIANCE_RULES,
  REPORTS_CLOCK,
  ReportsController,
} from '../../src/reports/reports.controller';
import { createTestDatabase } from '../support/database';

/**
 * A small province for the compliance report tests; every figure the tests expect is computed
 * by hand in compliance-report.spec.ts from the rows below.
 *
 * Period: local 2026-03-02 00:00 to 2026-03-04 00:00 (Asia/Ho_Chi_Minh), i.e.
 * [2026-03-01T17:00Z, 2026-03-03T17:00Z): 7 hourly buckets (17:00-23:00 on 03-01), one whole
 * UTC day (03-02, daily rollup) and 17 hourly buckets (00:00-16:00 on 03-03).
 * Previous period: [2026-02-27T17:00Z, 2026-03-01T17:00Z).
 *
 *   LD (province)  S4 website portal.ld.gov.vn (medium): C8 ipv6-web, C9 http
 *   ├─ LD-A        S1 website web1.a.gov.vn (critical): C1 ipv6-web, C2 dnssec, C3 http/4, C4 http/6
 *   │              S2 mail_domain a.gov.vn (medium): C5 ipv6-mail
 *   └─ LD-B        S3 dns_zone b.gov.vn (high): C6 ns-ipv6, C7 dnssec
 *   circuits: K1 VNPT-001 (LD-A, SLA 99.5): C10 snmp; K2 VNPT-002 (LD-B, SLA 99.9): C11 icmp;
 *             K3 VT-001 (Viettel, no unit, no SLA): C12 snmp
 */
export const PERIOD = {
  from: new Date('2026-03-01T17:00:00Z'),
  to: new Date('2026-03-03T17:00:00Z'),
};
export const GENERATED_AT = new Date('2026-03-10T00:00:00Z');

export interface Fixture {
  units: Record<'LD' | 'A' | 'B', string>;
  services: Record<'S1' | 'S2' | 'S3' | 'S4', string>;
  checks: Record<string, string>;
  incidents: Record<'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6', number>;
}

type Counts = Partial<Record<'up' | 'degraded' | 'down' | 'unreachable' | 'not_tested', number>>;

export async function seedProvince(ds: DataSource): Promise<Fixture> {
  const unit = async (code: string, kind: string, parent: string | null) =>
    (
      (await ds.query(
        `INSERT INTO units (code, kind, name, name_en, parent_id) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
        [code, kind, `Đơn vị ${code}`, `Unit ${code}`, parent],
      )) as { id: string }[]
    )[0].id;
  const LD = await unit('LD', 'province', null);
  const A = await unit('LD-A', 'department', LD);
  const B = await unit('LD-B', 'district', LD);

  const service = async (
    kind: string,
    hostname: string,
    unitId: string,
    criticality: string,
    required: boolean,
  ) =>
    (
      (await ds.query(
        `INSERT INTO services (kind, hostname, name, unit_id, criticality, ipv6_required, dnssec_required)
         VALUES ($1, $2, $2, $3, $4, $5, $5) RETURNING id::text AS id`,
        [kind, hostname, unitId, criticality, required],
      )) as { id: string }[]
    )[0].id;
  const S1 = await service('website', 'web1.a.gov.vn', A, 'critical', true);
  const S2 = await service('mail_domain', 'a.gov.vn', A, 'medium', false);
  const S3 = await service('dns_zone', 'b.gov.vn', B, 'high', true);
  const S4 = await service('website', 'portal.ld.gov.vn', LD, 'medium', false);
  // A retired service is never reported.
  await service('website', 'old.a.gov.vn', A, 'low', false).then((id) =>
    ds.query(`UPDATE services SET status = 'retired' WHERE id = $1`, [id]),
  );

  const circuit = async (
    cid: string,
    provider: string,
    unitId: string | null,
    sla: number | null,
  ) =>
    (
      (await ds.query(
        `INSERT INTO circuits (cid, provider, type, unit_id, sla_target_percent)
         VALUES ($1, $2, 'internet', $3, $4) RETURNING id::text AS id`,
        [cid, provider, unitId, sla],
      )) as { id: string }[]
    )[0].id;
  const K1 = await circuit('VNPT-001', 'VNPT', A, 99.5);
  const K2 = await circuit('VNPT-002', 'VNPT', B, 99.9);
  const K3 = await circuit('VT-001', 'Viettel', null, null);

  const checks: Record<string, string> = {};
  const check = async (
    name: string,
    objectType: 'service' | 'circuit',
    objectId: string,
    unitId: string | null,
    kind: string,
    family: number | null = null,
  ) => {
    const rows: { id: string }[] = await ds.query(
      `INSERT INTO checks (key, object_type, object_id, unit_id, kind, family, target, interval_seconds, timeout_ms, origin)
       VALUES ($1, $2, $3, $4, $5, $6, '{}', 60, 1000, 'default') RETURNING id::text AS id`,
      [
        `${objectType}:${objectId}:${kind}${family ? `:${family}` : ''}`,
        objectType,
        objectId,
        unitId,
        kind,
        family,
      ],
    );
    checks[name] = rows[0].id;
  };
  await check('C1', 'service', S1, A, 'ipv6-web');
  await check('C2', 'service', S1, A, 'dnssec');
  await check('C3', 'service', S1, A, 'http', 4);
  await check('C4', 'service', S1, A, 'http', 6);
  await check('C5', 'service', S2, A, 'ipv6-mail');
  await check('C6', 'service', S3, B, 'ns-ipv6');
  await check('C7', 'service', S3, B, 'dnssec');
  await check('C8', 'service', S4, LD, 'ipv6-web');
  await check('C9', 'service', S4, LD, 'http', 4);
  await check('C10', 'circuit', K1, A, 'snmp');
  await check('C11', 'circuit', K2, B, 'icmp');
  await check('C12', 'circuit', K3, null, 'snmp');

  const rollup = async (grain: 'hourly' | 'daily', name: string, bucket: string, c: Counts) => {
    const v = { up: 0, degraded: 0, down: 0, unreachable: 0, not_tested: 0, ...c };
    const total = v.up + v.degraded + v.down + v.unreachable + v.not_tested;
    await ds.query(
      `INSERT INTO check_rollups_${grain} (check_id, bucket, up, degraded, down, unreachable, not_tested, total)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [checks[name], bucket, v.up, v.degraded, v.down, v.unreachable, v.not_tested, total],
    );
  };
  const day = '2026-03-02T00:00:00Z';
  // C1 ipv6-web: 2 up (edge hour) + 48 up (day) + 2 down (edge hour) = 50/52 up.
  await rollup('hourly', 'C1', '2026-03-01T20:00:00Z', { up: 2 });
  await rollup('daily', 'C1', day, { up: 48 });
  await rollup('hourly', 'C1', '2026-03-02T05:00:00Z', { up: 2 }); // inside the day: read from the daily row
  await rollup('hourly', 'C1', '2026-03-03T10:00:00Z', { down: 2 });
  await rollup('daily', 'C1', '2026-02-28T00:00:00Z', { up: 24, down: 24 }); // previous period
  // C2 dnssec: 46 up, 2 down in the day.
  await rollup('daily', 'C2', day, { up: 46, down: 2 });
  // C3 http/4: 60 up (17:00), 1440 up (day), 58 up + 2 down (03-03 00:00).
  await rollup('hourly', 'C3', '2026-03-01T17:00:00Z', { up: 60 });
  await rollup('daily', 'C3', day, { up: 1440 });
  await rollup('hourly', 'C3', '2026-03-03T00:00:00Z', { up: 58, down: 2 });
  // C4 http/6: 1296 up, 144 down in the day.
  await rollup('daily', 'C4', day, { up: 1296, down: 144 });
  // C5 ipv6-mail: down all day.
  await rollup('daily', 'C5', day, { down: 48 });
  // C6 ns-ipv6: 1 up (edge), 23 up + 1 degraded (day).
  await rollup('hourly', 'C6', '2026-03-01T18:00:00Z', { up: 1 });
  await rollup('daily', 'C6', day, { up: 23, degraded: 1 });
  // C7 dnssec: down at 17:00 (first hour), up at 16:00 (last hour); outside: 16:00 before
  // (previous period) and 17:00 at the end (excluded).
  await rollup('hourly', 'C7', '2026-03-01T17:00:00Z', { down: 1 });
  await rollup('hourly', 'C7', '2026-03-03T16:00:00Z', { up: 1 });
  await rollup('hourly', 'C7', '2026-03-01T16:00:00Z', { down: 1 });
  await rollup('hourly', 'C7', '2026-03-03T17:00:00Z', { down: 1 });
  // C9 http on S4: up all day, with not_tested results that count for nothing.
  await rollup('daily', 'C9', day, { up: 1440, not_tested: 10 });
  // Circuits.
  await rollup('daily', 'C10', day, { up: 287, down: 1 });
  await rollup('daily', 'C11', day, { up: 1420, unreachable: 20 });

  const raw = async (name: string, at: string, status: string, observations: unknown) =>
    ds.query(
      `INSERT INTO check_results (check_id, at, status, duration_ms, observations, run_id)
       VALUES ($1, $2, $3, 10, $4, $5)`,
      [checks[name], at, status, JSON.stringify(observations), randomUUID()],
    );
  // Latest ipv6-web observation of S1 in the period: AAAA assigned. An older one said otherwise.
  await raw('C1', '2026-03-02T01:00:00Z', 'down', {
    grid: { assigned: false, operational: false },
  });
  await raw('C1', '2026-03-03T10:30:00Z', 'up', { grid: { assigned: true, operational: true } });
  // After the period: ignored.
  await raw('C1', '2026-03-03T17:30:00Z', 'down', {
    grid: { assigned: false, operational: false },
  });
  await raw('C5', '2026-03-03T11:00:00Z', 'down', {
    grid: { assigned: false, operational: false },
  });
  await raw('C2', '2026-03-03T12:00:00Z', 'degraded', {
    name: 'web1.a.gov.vn.',
    type: 'A',
    status: 'secure',
    earliestExpiry: '2026-03-13T12:00:00.000Z',
    daysToExpiry: 10,
    levels: [
      {
        zone: '.',
        status: 'secure',
        anchoredBy: 'trust-anchor',
        algorithms: ['RSASHA256'],
        dsMatched: true,
      },
      {
        zone: 'a.gov.vn.',
        status: 'secure',
        anchoredBy: 'ds',
        algorithms: ['ECDSAP256SHA256', 'RSASHA256'],
        dsMatched: true,
      },
    ],
    warnings: ['nsec3-iterations', 'deprecated-digest'],
  });

  const state = async (
    name: string,
    st: string,
    lastResultAt: string,
    reasons: { code: string }[],
  ) =>
    ds.query(
      `INSERT INTO check_states (check_id, state, counters, since, last_result_at, last_change_at, last_reasons)
       VALUES ($1, $2, '{"up":0,"notDown":0,"bad":0,"down":0,"notTested":0}', $3, $3, $3, $4)`,
      [
        checks[name],
        st,
        lastResultAt,
        JSON.stringify(reasons.map((r) => ({ ...r, message: r.code }))),
      ],
    );
  await state('C7', 'down', '2026-03-03T16:30:00Z', [{ code: 'dnssec_bogus' }]);
  await state('C8', 'down', '2026-03-02T09:00:00Z', [
    { code: 'ipv6_web_not_ready' },
    { code: 'no_aaaa' },
  ]);

  const incident = async (
    severity: number,
    category: string,
    unitId: string | null,
    openedAt: string,
    acknowledgedAt: string | null,
    resolvedAt: string | null,
  ) =>
    Number(
      (
        (await ds.query(
          `INSERT INTO incidents (title, severity, category, status, origin, unit_id, opened_at,
             acknowledged_at, resolved_at, report_due_at)
           VALUES ($1, $2, $3, $4, 'manual', $5, $6, $7, $8, $6::timestamptz + interval '1 day')
           RETURNING number`,
          [
            `Sự cố ${category} ${openedAt}`,
            severity,
            category,
            resolvedAt ? 'resolved' : acknowledgedAt ? 'acknowledged' : 'open',
            unitId,
            openedAt,
            acknowledgedAt,
            resolvedAt,
          ],
        )) as { number: number }[]
      )[0].number,
    );
  const I1 = await incident(
    2,
    'outage',
    A,
    '2026-03-02T00:00:00Z',
    '2026-03-02T00:10:00Z',
    '2026-03-02T02:00:00Z',
  );
  const I2 = await incident(
    1,
    'dnssec_failure',
    B,
    '2026-03-02T12:00:00Z',
    '2026-03-02T12:30:00Z',
    '2026-03-03T12:00:00Z',
  );
  const I3 = await incident(3, 'ipv6_regression', A, '2026-03-03T06:00:00Z', null, null);
  const I4 = await incident(
    4,
    'other',
    null,
    '2026-03-02T06:00:00Z',
    '2026-03-02T06:05:00Z',
    '2026-03-02T07:00:00Z',
  );
  const I5 = await incident(
    1,
    'outage',
    A,
    '2026-03-01T16:00:00Z',
    '2026-03-01T16:30:00Z',
    '2026-03-01T18:00:00Z',
  );
  // Resolved after the report was generated: still ongoing for the report.
  const I6 = await incident(
    3,
    'outage',
    LD,
    '2026-03-03T16:00:00Z',
    '2026-03-03T16:20:00Z',
    '2026-03-12T00:00:00Z',
  );

  return {
    units: { LD, A, B },
    services: { S1, S2, S3, S4 },
    checks,
    incidents: { I1, I2, I3, I4, I5, I6 },
  };
}

export interface ReportsTestApp {
  app: INestApplication;
  ds: DataSource;
  http: App;
  fx: Fixture;
  /** The whole-province report of PERIOD, built after `beforeReport`. */
  report: ComplianceReport;
  close(): Promise<void>;
}

/**
 * The reports controller alone (not ReportsModule, which also carries the scheduled runs and
 * their outbox) on a fresh database seeded with the province above, its clock at GENERATED_AT.
 */
export async function startReportsApp(
  rules: ComplianceRules,
  beforeReport?: (ds: DataSource, fx: Fixture) => Promise<void>,
): Promise<ReportsTestApp> {
  const db = await createTestDatabase();
  const moduleRef = await Test.createTestingModule({
    imports: [TypeOrmModule.forRoot(dataSourceOptions({ url: db.url, poolSize: 4 }))],
    controllers: [ReportsController],
    providers: [
      { provide: COMPLIANCE_RULES, useValue: rules },
      { provide: REPORTS_CLOCK, useValue: () => new Date(GENERATED_AT) },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureApp(app, { server: { bodyLimitBytes: 1_000_000 } } as NetwatchConfig);
  await app.init();
  const ds = app.get(DataSource);
  const fx = await seedProvince(ds);
  await beforeReport?.(ds, fx);
  const report = await buildComplianceReport(ds, {
    ...PERIOD,
    unitId: null,
    generatedAt: GENERATED_AT,
    rules: DEFAULT_COMPLIANCE_RULES,
  });
  return {
    app,
    ds,
    http: app.getHttpServer() as App,
    fx,
    report,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
