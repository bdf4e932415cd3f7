/**
 * Compliance report benchmark: a synthetic province of BENCH_SERVICES services (default 10,000)
 * over 20 districts, each service with an http and an ipv6-web check (every 10th also a dnssec
 * check), a year of daily rollups per check plus the hourly rollups of the report's edge hours,
 * the latest raw result of each ipv6-web/dnssec check, some circuits and incidents; then times
 * buildComplianceReport for a month and for the year (each also reads its previous period), and
 * the CSV of every section. Bounded: the seeding is a fixed number of set-based INSERTs and the
 * run stops after BENCH_RUNS (3) timings per case. Uses its own embedded PostgreSQL in a
 * temporary folder (or BENCH_DATABASE_URL, which must be an empty, migrated database) and sends
 * nothing over the network.
 *
 *   npx ts-node --transpile-only bench/reports.bench.ts
 *   BENCH_SERVICES=2000 npx ts-node --transpile-only bench/reports.bench.ts
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { complianceCsv, CSV_SECTION_NAMES } from '../src/reports/compliance/compliance-csv';
import { renderComplianceReport } from '../src/reports/compliance/render';
import { buildComplianceReport } from '../src/reports/compliance/compliance-report';
import { lastLocalMonth, Period } from '../src/reports/compliance/period';
import { DEFAULT_COMPLIANCE_RULES } from '../src/reports/compliance/rules';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 10_000);
const DISTRICTS = 20;
const DAYS = 366;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The report is generated on 2026-01-05 (Vietnam): the month is December 2025. */
const NOW = new Date('2026-01-05T03:00:00Z');

async function seed(ds: DataSource): Promise<{ checks: number; rollups: number }> {
  await ds.query(
    `INSERT INTO units (code, kind, name) VALUES ('BENCH', 'province', 'Tỉnh Lâm Đồng')`,
  );
  await ds.query(
    `INSERT INTO units (code, kind, name, parent_id)
     SELECT 'BENCH-D' || d, 'district', 'Huyện ' || d, (SELECT id FROM units WHERE code = 'BENCH')
       FROM generate_series(1, $1::int) d`,
    [DISTRICTS],
  );
  await ds.query(
    `INSERT INTO services (kind, hostname, name, unit_id, criticality, ipv6_required, dnssec_required)
     SELECT 'website', 's' || i || '.bench.gov.vn', 'Cổng ' || i,
            (SELECT id FROM units WHERE code = 'BENCH-D' || (1 + i % $2::int)),
            (ARRAY['low','medium','high','critical'])[1 + i % 4], i % 2 = 0, i % 3 = 0
       FROM generate_series(1, $1::int) i`,
    [SERVICES, DISTRICTS],
  );
  await ds.query(
    `INSERT INTO circuits (cid, provider, type, unit_id, sla_target_percent)
     SELECT 'C' || i, (ARRAY['VNPT','Viettel','FPT'])[1 + i % 3], 'internet',
            (SELECT id FROM units WHERE code = 'BENCH-D' || (1 + i % $1::int)), 99.5
       FROM generate_series(1, 200) i`,
    [DISTRICTS],
  );
  await ds.query(
    `INSERT INTO checks (key, object_type, object_id, unit_id, kind, family, target, interval_seconds, timeout_ms, origin)
     SELECT 'service:' || s.id || ':' || k.kind, 'service', s.id, s.unit_id, k.kind, k.family, '{}', 60, 1000, 'default'
       FROM services s
       CROSS JOIN (VALUES ('http', 4), ('ipv6-web', NULL), ('dnssec', NULL)) AS k(kind, family)
      WHERE k.kind <> 'dnssec' OR (substring(s.hostname FROM '^s([0-9]+)')::int % 10 = 0)`,
  );
  await ds.query(
    `INSERT INTO checks (key, object_type, object_id, unit_id, kind, target, interval_seconds, timeout_ms, origin)
     SELECT 'circuit:' || c.id || ':icmp', 'circuit', c.id, c.unit_id, 'icmp', '{}', 60, 1000, 'default'
       FROM circuits c`,
  );
  const [{ n: checks }]: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM checks`);
  const start = new Date(Date.UTC(2025, 0, 1));
  // A year of daily rollups per check; roughly 1 day in 50 has some downtime.
  await ds.query(
    `INSERT INTO check_rollups_daily (check_id, bucket, up, down, total)
     SELECT c.id, $1::timestamptz + d * interval '1 day',
            1440 - CASE WHEN (hashtext(c.id::text) + d) % 50 = 0 THEN 30 ELSE 0 END,
            CASE WHEN (hashtext(c.id::text) + d) % 50 = 0 THEN 30 ELSE 0 END, 1440
       FROM checks c CROSS JOIN generate_series(0, $2::int - 1) d`,
    [start.toISOString(), DAYS],
  );
  // Hourly rollups for the hours at the edges of the reports' periods (local midnights are
  // 17:00 UTC): the last 7 hours of each edge day and the first 17 of the next.
  await ds.query(
    `INSERT INTO check_rollups_hourly (check_id, bucket, up, total)
     SELECT c.id, e.day + h * interval '1 hour', 60, 60
       FROM checks c
       CROSS JOIN (VALUES ('2024-12-31'::timestamptz), ('2025-10-31'), ('2025-11-30'), ('2025-12-31'))
            AS e(day)
       CROSS JOIN generate_series(0, 23) h
     ON CONFLICT DO NOTHING`,
  );
  await ds.query(
    `INSERT INTO check_results (check_id, at, status, duration_ms, observations, run_id)
     SELECT c.id, '2025-12-31T16:00:00Z', 'up', 10,
            CASE WHEN c.kind = 'dnssec'
                 THEN '{"status":"secure","daysToExpiry":20,"levels":[{"zone":"bench.gov.vn.","algorithms":["ECDSAP256SHA256"]}],"warnings":[]}'::jsonb
                 ELSE '{"grid":{"assigned":true,"operational":true}}'::jsonb END,
            gen_random_uuid()
       FROM checks c WHERE c.kind IN ('ipv6-web', 'dnssec')`,
  );
  await ds.query(
    `INSERT INTO incidents (title, severity, category, origin, unit_id, opened_at, acknowledged_at, resolved_at, status, report_due_at)
     SELECT 'Sự cố ' || i, 1 + i % 4, (ARRAY['outage','degraded_service','dnssec_failure','ipv6_regression'])[1 + i % 4],
            'manual', (SELECT id FROM units WHERE code = 'BENCH-D' || (1 + i % $1::int)),
            '2025-01-01T00:00:00Z'::timestamptz + i * interval '17 hours',
            '2025-01-01T00:20:00Z'::timestamptz + i * interval '17 hours',
            '2025-01-01T03:00:00Z'::timestamptz + i * interval '17 hours', 'resolved',
            '2025-01-02T00:00:00Z'::timestamptz + i * interval '17 hours'
       FROM generate_series(0, 500) i`,
    [DISTRICTS],
  );
  await ds.query(`ANALYZE`);
  const [{ n: rollups }]: { n: number }[] = await ds.query(
    `SELECT (SELECT count(*) FROM check_rollups_daily) + (SELECT count(*) FROM check_rollups_hourly) AS n`,
  );
  return { checks, rollups: Number(rollups) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'netwatch-bench-reports-'));
  let pg: { url: string; stop(): Promise<void> } | null = null;
  let url = process.env.BENCH_DATABASE_URL;
  const rows: string[][] = [];
  try {
    if (!url) {
      pg = await startEmbeddedPostgres({ dataDir, port: 0 });
      url = pg.url;
    }
    const ds = new DataSource(dataSourceOptions({ url, poolSize: 4 }));
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      let t = performance.now();
      const seeded = await seed(ds);
      rows.push([
        'seed',
        `${SERVICES} services, ${seeded.checks} checks, ${seeded.rollups} rollup rows`,
        `${((performance.now() - t) / 1000).toFixed(1)} s`,
      ]);
      const month = lastLocalMonth(NOW);
      const year: Period = {
        from: new Date('2024-12-31T17:00:00Z'),
        to: new Date('2025-12-31T17:00:00Z'),
      };
      for (const [name, period] of [
        ['report, one month (+ previous)', month],
        ['report, one year (+ previous)', year],
      ] as const) {
        const samples: number[] = [];
        let size = 0;
        for (let i = 0; i < RUNS; i++) {
          t = performance.now();
          const report = await buildComplianceReport(ds, {
            ...period,
            unitId: null,
            generatedAt: NOW,
            rules: DEFAULT_COMPLIANCE_RULES,
          });
          samples.push(performance.now() - t);
          size = JSON.stringify(report).length;
          if (i === RUNS - 1) {
            t = performance.now();
            let bytes = 0;
            for (const s of CSV_SECTION_NAMES) bytes += complianceCsv(report, s, 'vi').length;
            rows.push([
              `CSV, all ${CSV_SECTION_NAMES.length} sections (${name.split(',')[1].trim()})`,
              `${(bytes / 1024).toFixed(0)} KiB`,
              `${(performance.now() - t).toFixed(0)} ms`,
            ]);
            for (const format of ['pdf', 'html'] as const) {
              t = performance.now();
              const file = await renderComplianceReport(report, { format, lang: 'vi' });
              rows.push([
                `${format.toUpperCase()}, vi (${name.split(',')[1].trim()})`,
                `${(file.length / 1024).toFixed(0)} KiB`,
                `${(performance.now() - t).toFixed(0)} ms`,
              ]);
            }
          }
        }
        rows.splice(rows.length - 3, 0, [
          name,
          `JSON ${(size / 1024 / 1024).toFixed(1)} MiB`,
          `median ${(median(samples) / 1000).toFixed(2)} s of ${RUNS} (min ${(Math.min(...samples) / 1000).toFixed(2)} s)`,
        ]);
      }
    } finally {
      await ds.destroy();
    }
  } finally {
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 10));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`\nCompliance report benchmark (${SERVICES} services, ${DAYS} days)\n\n`);
  process.stdout.write(
    `${line(['operation', 'size', 'result'])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`,
  );
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
