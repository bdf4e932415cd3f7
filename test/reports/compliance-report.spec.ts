import 'reflect-metadata';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { complianceCsv, CSV_SECTION_NAMES } from '../../src/reports/compliance/compliance-csv';
import {
  buildComplianceReport,
  ComplianceReport,
} from '../../src/reports/compliance/compliance-report';
import { lastLocalMonth } from '../../src/reports/compliance/period';
import {
  DEFAULT_COMPLIANCE_RULES,
  loadComplianceRules,
  validateComplianceRules,
} from '../../src/reports/compliance/rules';
import { Fixture, GENERATED_AT, PERIOD, ReportsTestApp, startReportsApp } from './fixture';

let ds: DataSource;
let http: App;
let fx: Fixture;
let report: ComplianceReport;

let t: ReportsTestApp;

beforeAll(async () => {
  t = await startReportsApp(loadComplianceRules());
  ({ ds, http, fx, report } = t);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('rules', () => {
  it('the shipped config/compliance.yaml is the built-in default', () => {
    expect(loadComplianceRules({ env: {} })).toEqual(DEFAULT_COMPLIANCE_RULES);
  });

  it('names every bad key', () => {
    expect(() =>
      validateComplianceRules({
        weights: { ipv6: -1, colour: 3 },
        ipv6: { operationalThresholdPercent: 120 },
        dnssec: { onlyRequired: 'yes' },
      }),
    ).toThrow(
      /weights\.ipv6 .*≥ 0[\s\S]*weights\.colour .*unknown key[\s\S]*ipv6\.operationalThresholdPercent .*0 to 100[\s\S]*dnssec\.onlyRequired .*true or false/,
    );
  });
});

describe('period', () => {
  it('defaults to the last calendar month in Asia/Ho_Chi_Minh', () => {
    // 2026-03-01T16:59Z is still 28 Feb 23:59 in Vietnam: the last whole month is January.
    expect(lastLocalMonth(new Date('2026-02-28T16:59:00Z'))).toEqual({
      from: new Date('2025-12-31T17:00:00Z'),
      to: new Date('2026-01-31T17:00:00Z'),
    });
    expect(lastLocalMonth(new Date('2026-02-28T17:00:00Z'))).toEqual({
      from: new Date('2026-01-31T17:00:00Z'),
      to: new Date('2026-02-28T17:00:00Z'),
    });
  });
});

describe('buildComplianceReport (hand-computed fixture)', () => {
  it('period, previous period and scope', () => {
    expect(report.period).toEqual({
      from: '2026-03-01T17:00:00.000Z',
      to: '2026-03-03T17:00:00.000Z',
    });
    expect(report.previousPeriod).toEqual({
      from: '2026-02-27T17:00:00.000Z',
      to: '2026-03-01T17:00:00.000Z',
    });
    // 3 units, 4 active services (the retired one left out), 3 circuits (VT-001 has no unit
    // but the whole province is asked for), 12 checks.
    expect(report.scope).toEqual({
      unitId: null,
      unitCode: null,
      unitName: null,
      units: 3,
      services: 4,
      circuits: 3,
      checks: 12,
    });
  });

  it('IPv6: per-service assigned / operational', () => {
    const rows = report.ipv6.services.map((s) => [
      s.unitCode,
      s.hostname,
      s.family,
      s.assigned,
      s.assignedSource,
      s.operationalPercent,
      s.judgedResults,
      s.operational,
    ]);
    expect(rows).toEqual([
      // C8: no rollups in the period; its state (last result 03-02 09:00) says no_aaaa.
      ['LD', 'portal.ld.gov.vn', 'web', false, 'state', null, 0, false],
      // C5: latest observation grid.assigned false; 0 up of 48.
      ['LD-A', 'a.gov.vn', 'mail', false, 'observation', 0, 48, false],
      // C1: latest observation in the period (03-03 10:30) assigned; 50 up of 52 = 96.15 % ≥ 95.
      // The hourly row at 03-02 05:00 lies inside the whole day and is not counted again.
      ['LD-A', 'web1.a.gov.vn', 'web', true, 'observation', 96.15, 52, true],
      // C6: no observation; 25 up/degraded of 25 → assigned (rollups), 100 %.
      ['LD-B', 'b.gov.vn', 'dns', true, 'rollups', 100, 25, true],
    ]);
  });

  it('IPv6: grid per unit, total, change and ranking', () => {
    const g = Object.fromEntries(report.ipv6.grid.map((r) => [r.unitCode, r]));
    expect(g.LD.web).toEqual({
      services: 1,
      assigned: 0,
      operational: 0,
      assignedPercent: 0,
      operationalPercent: 0,
    });
    expect(g['LD-A'].web).toEqual({
      services: 1,
      assigned: 1,
      operational: 1,
      assignedPercent: 100,
      operationalPercent: 100,
    });
    expect(g['LD-A'].mail).toEqual({
      services: 1,
      assigned: 0,
      operational: 0,
      assignedPercent: 0,
      operationalPercent: 0,
    });
    expect(g['LD-A'].dns.services).toBe(0);
    expect(g['LD-A'].dns.operationalPercent).toBeNull();
    expect(g['LD-A'].all).toEqual({
      services: 2,
      assigned: 1,
      operational: 1,
      assignedPercent: 50,
      operationalPercent: 50,
    });
    // Previous period: C1 24 up of 48 = 50 % < 95 → not operational; C5 no data → 0 of 2.
    expect(g['LD-A'].previousOperationalPercent).toBe(0);
    expect(g['LD-A'].operationalPercentChange).toBe(50);
    expect(g['LD-B'].all.operationalPercent).toBe(100);
    expect(g['LD-B'].previousOperationalPercent).toBe(0);
    expect(g['LD-B'].operationalPercentChange).toBe(100);
    expect(g.LD.operationalPercentChange).toBe(0);
    // Total: 4 pairs, 2 assigned (C1, C6), 2 operational; previous 0 of 4.
    expect(report.ipv6.total.all).toEqual({
      services: 4,
      assigned: 2,
      operational: 2,
      assignedPercent: 50,
      operationalPercent: 50,
    });
    expect(report.ipv6.total.previousOperationalPercent).toBe(0);
    expect(report.ipv6.total.operationalPercentChange).toBe(50);
    expect(report.ipv6.ranking.map((r) => [r.rank, r.unitCode, r.operationalPercent])).toEqual([
      [1, 'LD-B', 100],
      [2, 'LD-A', 50],
      [3, 'LD', 0],
    ]);
  });

  it('DNSSEC: zones, summary and per unit', () => {
    const [s1, s3] = report.dnssec.zones;
    // C2: latest observation secure, expiring in 10 days (< 14); 46 up of 48 = 95.83 %;
    // down: 1440 min × 2/48 = 60 min.
    expect(s1).toMatchObject({
      hostname: 'web1.a.gov.vn',
      unitCode: 'LD-A',
      validation: 'secure',
      validationSource: 'observation',
      signed: true,
      validating: true,
      validPercent: 95.83,
      downMinutes: 60,
      observedAt: '2026-03-03T12:00:00.000Z',
      algorithms: ['ECDSAP256SHA256', 'RSASHA256'],
      warnings: ['deprecated-digest', 'nsec3-iterations'],
      deprecatedDigest: true,
      nsec3Warnings: ['nsec3-iterations'],
      earliestExpiry: '2026-03-13T12:00:00.000Z',
      daysToExpiry: 10,
      expiringSoon: true,
    });
    // C7: no raw result; state (last result 03-03 16:30, in the period) dnssec_bogus. Rollups:
    // 17:00 down (60 min), 16:00 up; the buckets before and at the end are outside.
    expect(s3).toMatchObject({
      hostname: 'b.gov.vn',
      validation: 'bogus',
      validationSource: 'state',
      signed: true,
      validating: false,
      validPercent: 50,
      downMinutes: 60,
      observedAt: null,
      algorithms: [],
      deprecatedDigest: null,
      daysToExpiry: null,
      expiringSoon: false,
    });
    expect(report.dnssec.summary).toEqual({
      zones: 2,
      signed: 2,
      validating: 1,
      secure: 1,
      insecure: 0,
      bogus: 1,
      indeterminate: 0,
      unknown: 0,
      expiringSoon: 1,
      signedPercent: 100,
      validatingPercent: 50,
      downMinutes: 120,
    });
    expect(
      report.dnssec.perUnit.map((u) => [
        u.unitCode,
        u.zones,
        u.signed,
        u.validating,
        u.bogus,
        u.downMinutes,
      ]),
    ).toEqual([
      ['LD-A', 1, 1, 1, 0, 60],
      ['LD-B', 1, 1, 0, 1, 60],
    ]);
  });

  it('availability: services (worst check) and circuits against their SLA', () => {
    expect(
      report.availability.services.map((s) => [
        s.unitCode,
        s.hostname,
        s.checks,
        s.targetPercent,
        s.uptimePercent,
        s.downtimeMinutes,
        s.observedMinutes,
        s.meetsTarget,
      ]),
    ).toEqual([
      // C9: 1440 up (the 10 not_tested count for nothing) → 100 %, target 99 (medium).
      ['LD', 'portal.ld.gov.vn', 1, 99, 100, 0, 1440, true],
      // C3: 1558 up of 1560 = 99.87 %, 60 × 2/60 = 2 min, observed 60 + 1440 + 60 = 1560;
      // C4: 1296 of 1440 = 90 %, 1440 × 144/1440 = 144 min. Worst: 90 %, 144 min; target 99.9.
      ['LD-A', 'web1.a.gov.vn', 2, 99.9, 90, 144, 1560, false],
    ]);
    expect(
      report.availability.circuits.map((c) => [
        c.provider,
        c.cid,
        c.unitCode,
        c.slaTargetPercent,
        c.uptimePercent,
        c.downtimeMinutes,
        c.meetsSla,
      ]),
    ).toEqual([
      // 287/288 = 99.65 % ≥ 99.5; 1440/288 = 5 min.
      ['VNPT', 'VNPT-001', 'LD-A', 99.5, 99.65, 5, true],
      // 1420/1440 = 98.61 % < 99.9 (unreachable counts as down); 1440 × 20/1440 = 20 min.
      ['VNPT', 'VNPT-002', 'LD-B', 99.9, 98.61, 20, false],
      ['Viettel', 'VT-001', null, null, null, 0, null],
    ]);
    expect(report.availability.providers).toEqual([
      {
        provider: 'VNPT',
        circuits: 2,
        withData: 2,
        withSlaTarget: 2,
        meetingSla: 1,
        breachingSla: 1,
        slaTargetsPercent: [99.5, 99.9],
        // (99.6528 + 98.6111) / 2 = 99.1319
        meanUptimePercent: 99.13,
        minUptimePercent: 98.61,
        downtimeMinutes: 25,
      },
      {
        provider: 'Viettel',
        circuits: 1,
        withData: 0,
        withSlaTarget: 0,
        meetingSla: 0,
        breachingSla: 0,
        slaTargetsPercent: [],
        meanUptimePercent: null,
        minUptimePercent: null,
        downtimeMinutes: 0,
      },
    ]);
    expect(report.availability.summary).toEqual({
      services: 2,
      servicesWithData: 2,
      servicesMeetingTarget: 1,
      meanUptimePercent: 95, // (100 + 90) / 2
      downtimeMinutes: 144,
      circuits: 3,
      circuitsMeetingSla: 1,
      circuitsBreachingSla: 1,
    });
  });

  it('incidents: counts, MTTA, MTTR and the longest', () => {
    const i = report.incidents;
    // In the period: I1, I2, I3, I4, I6 (I5 opened at 03-01 16:00, the previous period).
    expect(i.total).toBe(5);
    expect(i.previousTotal).toBe(1);
    expect(i.bySeverity).toEqual({ '1': 1, '2': 1, '3': 2, '4': 1 });
    expect(i.byCategory).toEqual({
      outage: 2,
      degraded_service: 0,
      dnssec_failure: 1,
      ipv6_regression: 1,
      security_event: 0,
      other: 1,
    });
    expect(i.byUnit.map((u) => [u.unitCode, u.incidents])).toEqual([
      ['LD', 1],
      ['LD-A', 2],
      ['LD-B', 1],
      [null, 1],
    ]);
    // Acknowledged: I1 600 s, I2 1800 s, I4 300 s, I6 1200 s → mean 975, median (600+1200)/2.
    expect(i.mtta).toEqual({ count: 4, averageSeconds: 975, medianSeconds: 900 });
    // Resolved by generatedAt: I1 7200, I2 86400, I4 3600 (I6 resolves after) → mean 32400.
    expect(i.mttr).toEqual({ count: 3, averageSeconds: 32400, medianSeconds: 7200 });
    expect(i.longest.map((x) => [x.number, x.durationSeconds, x.ongoing, x.resolvedAt])).toEqual([
      // I3: 03-03 06:00 → generatedAt 03-10 00:00 = 6 d 18 h.
      [fx.incidents.I3, 583200, true, null],
      // I6: 03-03 16:00 → 03-10 00:00 = 6 d 8 h (its resolution is after generatedAt).
      [fx.incidents.I6, 547200, true, null],
      [fx.incidents.I2, 86400, false, '2026-03-03T12:00:00.000Z'],
      [fx.incidents.I1, 7200, false, '2026-03-02T02:00:00.000Z'],
      [fx.incidents.I4, 3600, false, '2026-03-02T07:00:00.000Z'],
    ]);
  });

  it('scorecard: components, scores, subtree roll-up and the previous period', () => {
    const rows = report.scorecard.units.map((u) => [
      u.unitCode,
      u.depth,
      u.services,
      u.subtreeServices,
      u.components,
      u.score,
      u.subtreeScore,
      u.previousScore,
      u.previousSubtreeScore,
      u.subtreeScoreChange,
    ]);
    expect(rows).toEqual([
      // LD: ipv6 0 (S4 not assigned), dnssec —, availability 100, incidents 100 − 3 (I6) = 97;
      // score (0×35 + 100×30 + 97×10) / 75 = 52.933. Subtree: (52.933×1 + 38.7×2 + 60.714×1)/4
      // = 47.762. Previous: ipv6 0, incidents 100 → 1000/45 = 22.222; subtree
      // (22.222 + 20.714×2 + 14.286)/4 = 19.484. Change 47.76 − 19.48.
      [
        'LD',
        0,
        1,
        4,
        { ipv6: 0, dnssec: null, availability: 100, incidents: 97 },
        52.93,
        47.76,
        22.22,
        19.48,
        28.28,
      ],
      // LD-A: ipv6 (100 + 0)/2 = 50; dnssec secure but expiring → 50; availability: 90 % is
      // 9.9 points under 99.9 → 100 − 198 → 0; incidents 100 − 10 (I1) − 3 (I3) = 87.
      // (50×35 + 50×25 + 0×30 + 87×10)/100 = 38.7. Previous: ipv6 (40 + 0)/2 = 20 (C1 had up
      // results: assigned, 50 % not operational), dnssec unknown 0, availability —, incidents
      // 75 (I5) → (700 + 0 + 750)/70 = 20.714.
      [
        'LD-A',
        1,
        2,
        2,
        { ipv6: 50, dnssec: 50, availability: 0, incidents: 87 },
        38.7,
        38.7,
        20.71,
        20.71,
        17.99,
      ],
      // LD-B: ipv6 100, dnssec bogus 0, availability —, incidents 75 (I2):
      // (3500 + 0 + 750)/70 = 60.714. Previous: ipv6 0, dnssec unknown 0, incidents 100 →
      // 1000/70 = 14.286.
      [
        'LD-B',
        1,
        1,
        1,
        { ipv6: 100, dnssec: 0, availability: null, incidents: 75 },
        60.71,
        60.71,
        14.29,
        14.29,
        46.42,
      ],
    ]);
  });

  it('a unit subtree: only its units, services, circuits and incidents', async () => {
    const a = await buildComplianceReport(ds, {
      ...PERIOD,
      unitId: fx.units.A,
      generatedAt: GENERATED_AT,
      rules: DEFAULT_COMPLIANCE_RULES,
    });
    expect(a.scope).toMatchObject({
      unitCode: 'LD-A',
      units: 1,
      services: 2,
      circuits: 1,
      checks: 6,
    });
    expect(a.incidents.total).toBe(2);
    expect(a.availability.circuits.map((c) => c.cid)).toEqual(['VNPT-001']);
    expect(a.scorecard.units.map((u) => [u.unitCode, u.score, u.subtreeScore])).toEqual([
      ['LD-A', 38.7, 38.7],
    ]);
  });

  it('does not score a unit none of whose services was measured (no perfect score from no data)', async () => {
    // A unit whose only service has an http check and no result at all.
    const [{ id: unitId }]: { id: string }[] = await ds.query(
      `INSERT INTO units (code, kind, name, parent_id) VALUES ('LD-Z', 'department', 'Chưa đo', NULL)
       RETURNING id`,
    );
    const [{ id: serviceId }]: { id: string }[] = await ds.query(
      `INSERT INTO services (kind, hostname, name, unit_id) VALUES ('other', 'z.example.test', 'Z', $1)
       RETURNING id`,
      [unitId],
    );
    await ds.query(
      `INSERT INTO checks (key, object_type, object_id, unit_id, kind, target, interval_seconds,
         timeout_ms, origin) VALUES ('z:http', 'service', $1, $2, 'http', '{}', 60, 1000, 'default')`,
      [serviceId, unitId],
    );
    const z = await buildComplianceReport(ds, {
      ...PERIOD,
      unitId,
      generatedAt: GENERATED_AT,
      rules: DEFAULT_COMPLIANCE_RULES,
    });
    expect(z.scorecard.units).toHaveLength(1);
    expect(z.scorecard.units[0]).toMatchObject({ services: 1, score: null, subtreeScore: null });
    expect(z.scorecard.units[0].components).toEqual({
      ipv6: null,
      dnssec: null,
      availability: null,
      incidents: null,
    });
    await ds.query(`DELETE FROM checks WHERE key = 'z:http'`);
    await ds.query(`DELETE FROM services WHERE id = $1`, [serviceId]);
    await ds.query(`DELETE FROM units WHERE id = $1`, [unitId]);
  });

  it('is reproducible: same report and same CSV bytes twice', async () => {
    const again = await buildComplianceReport(ds, {
      ...PERIOD,
      unitId: null,
      generatedAt: GENERATED_AT,
      rules: DEFAULT_COMPLIANCE_RULES,
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(report));
    for (const section of CSV_SECTION_NAMES)
      expect(complianceCsv(again, section, 'vi').equals(complianceCsv(report, section, 'vi'))).toBe(
        true,
      );
  });
});

describe('CSV', () => {
  it('UTF-8 with BOM, CRLF, headers in the language asked for', () => {
    const bytes = complianceCsv(report, 'scorecard', 'vi');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFma_don_vi,ten_don_vi,cap,so_dich_vu,so_dich_vu_ca_cay,ipv6,dnssec,kha_dung,su_co,diem,diem_ca_cay,diem_ky_truoc,diem_ca_cay_ky_truoc,thay_doi',
    );
    expect(text.split('\r\n')[1]).toBe(
      'LD,Đơn vị LD,0,1,4,0,,100,97,52.93,47.76,22.22,19.48,28.28',
    );
    const en = parse(complianceCsv(report, 'availability-circuits', 'en'), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    expect(en[1]).toEqual({
      provider: 'VNPT',
      cid: 'VNPT-002',
      type: 'internet',
      unit_code: 'LD-B',
      checks: '1',
      sla_target_pct: '99.9',
      uptime_pct: '98.61',
      downtime_minutes: '20',
      meets_sla: 'false',
    });
  });
});

describe('GET /api/reports/compliance', () => {
  const q = `from=${PERIOD.from.toISOString()}&to=${PERIOD.to.toISOString()}`;

  it('JSON for a period equals the builder', async () => {
    const res = await request(http).get(`/api/reports/compliance?${q}&lang=en`).expect(200);
    expect(res.body).toEqual({ ...JSON.parse(JSON.stringify(report)), lang: 'en' });
  });

  it('defaults to the last calendar month (Vietnam time) and the whole province', async () => {
    const res = await request(http).get('/api/reports/compliance').expect(200);
    expect(res.body.period).toEqual({
      from: '2026-01-31T17:00:00.000Z',
      to: '2026-02-28T17:00:00.000Z',
    });
    expect(res.body.scope.unitId).toBeNull();
    expect(res.body.lang).toBe('vi');
  });

  it('a unit by code; one section as JSON rows', async () => {
    const res = await request(http)
      .get(`/api/reports/compliance?${q}&unit=LD-B&section=dnssec-zones`)
      .expect(200);
    expect(res.body.scope.unitCode).toBe('LD-B');
    expect(res.body.rows).toEqual([
      expect.objectContaining({ hostname: 'b.gov.vn', validation: 'bogus', down_minutes: 60 }),
    ]);
  });

  it('CSV of a section, the same bytes twice', async () => {
    const get = () =>
      request(http)
        .get(`/api/reports/compliance?${q}&format=csv&section=ipv6-grid&lang=en`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
    const one = await get();
    const two = await get();
    expect(one.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(one.headers['content-disposition']).toBe(
      'attachment; filename="compliance-ipv6-grid-2026-03-01-2026-03-03.csv"',
    );
    expect((one.body as Buffer).equals(two.body as Buffer)).toBe(true);
    expect((one.body as Buffer).equals(complianceCsv(report, 'ipv6-grid', 'en'))).toBe(true);
  });

  it.each([
    ['format=csv', ['section']],
    ['from=2026-03-01T17:00:00Z', ['to']],
    ['from=2026-03-01T17:30:00Z&to=2026-03-03T17:00:00Z', ['from']],
    ['from=2026-03-03T17:00:00Z&to=2026-03-01T17:00:00Z', ['from']],
    ['from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', ['to']],
    ['from=yesterday&to=2026-03-01T00:00:00Z', ['from']],
    ['lang=fr&format=xml&section=all', ['format', 'lang', 'section']],
    ['unit=NOPE', ['unit']],
    ['colour=red', ['colour']],
  ])('?%s is a 400 naming %j', async (query, expected) => {
    const res = await request(http).get(`/api/reports/compliance?${query}`).expect(400);
    const body = res.body as { error: string; details: { field: string }[] };
    expect(body.error).toBe('validation_failed');
    expect([...new Set(body.details.map((d) => d.field))].sort()).toEqual(expected);
  });
});
