/**
 * Inventory benchmarks: bulk import, idempotent re-import, subtree and search queries on a
 * national-size synthetic inventory. Bounded in size and time; uses its own embedded
 * PostgreSQL in a temporary folder (or BENCH_DATABASE_URL) and sends nothing over the network.
 *
 *   npm run bench            # default size
 *   BENCH_UNITS=2000 npm run bench
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../src/config/config.loader';
import { CrudRegistry } from '../src/inventory/crud/crud.registry';
import { InventoryImporter } from '../src/inventory/import/importer';
import { deviceResource, serviceResource, unitResource } from '../src/inventory/resources';
import { startService } from '../src/service';

const PROVINCES = Number(process.env.BENCH_PROVINCES ?? 20);
const DISTRICTS = 10;
const COMMUNES = 10;
const SERVICES_PER_DISTRICT = 5;
const DEVICES_PER_DISTRICT = 3;

function syntheticCsv() {
  const units = ['code,kind,name,parent'];
  const services = ['kind,hostname,name,unit,criticality,ipv6_required,dnssec_required'];
  const devices = ['name,role,unit,management_address'];
  let host = 0;
  for (let p = 0; p < PROVINCES; p++) {
    units.push(`P${p},province,Tỉnh Thử nghiệm ${p},`);
    for (let d = 0; d < DISTRICTS; d++) {
      const dc = `P${p}-D${d}`;
      units.push(`${dc},district,Huyện Đức Trọng ${p}.${d},P${p}`);
      for (let c = 0; c < COMMUNES; c++)
        units.push(`${dc}-C${c},commune,Xã Lộc Châu ${p}.${d}.${c},${dc}`);
      for (let s = 0; s < SERVICES_PER_DISTRICT; s++) {
        services.push(
          `website,s${s}.d${d}.p${p}.example.gov.vn,Cổng thông tin ${p}.${d}.${s},${dc},medium,true,false`,
        );
      }
      for (let v = 0; v < DEVICES_PER_DISTRICT; v++) {
        host++;
        devices.push(
          `p${p}-d${d}-sw${v},switch,${dc},2001:db8:${(host >> 16) & 0xffff}:${host & 0xffff}::1`,
        );
      }
    }
  }
  return {
    files: [
      { name: 'units.csv', content: units.join('\n') },
      { name: 'services.csv', content: services.join('\n') },
      { name: 'devices.csv', content: devices.join('\n') },
    ],
    records: units.length + services.length + devices.length - 3,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - t) / 1e6];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  Logger.overrideLogger(['error']);
  const dataDir = mkdtempSync(join(tmpdir(), 'netwatch-bench-'));
  const config = loadConfig({
    env: {
      NETWATCH_DATA_DIR: dataDir,
      NETWATCH_LOG_LEVEL: 'error',
      NETWATCH_LOAD_EXAMPLE: 'false',
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    },
  });
  const service = await startService(config, { listen: false, loadExample: false });
  const rows: [string, string, string][] = [];
  try {
    const importer = service.app.get(InventoryImporter);
    const registry = service.app.get(CrudRegistry);
    const { files, records } = syntheticCsv();

    const [, first] = await timed(() => importer.import(files));
    rows.push([
      'import (all new)',
      `${records} records`,
      `${first.toFixed(0)} ms (${((records / first) * 1000).toFixed(0)} records/s)`,
    ]);
    const [, again] = await timed(() => importer.import(files));
    rows.push([
      're-import (unchanged)',
      `${records} records`,
      `${again.toFixed(0)} ms (${((records / again) * 1000).toFixed(0)} records/s)`,
    ]);
    const [, dry] = await timed(() => importer.import(files, { dryRun: true }));
    rows.push(['dry run (unchanged)', `${records} records`, `${dry.toFixed(0)} ms`]);

    const measure = async (label: string, detail: string, fn: () => Promise<unknown>, n = 200) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) samples.push((await timed(fn))[1]);
      rows.push([
        label,
        detail,
        `p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms (n=${n})`,
      ]);
    };
    const services = registry.for(serviceResource);
    const units = registry.for(unitResource);
    const devices = registry.for(deviceResource);
    await measure(
      'services in a province subtree',
      `${DISTRICTS * SERVICES_PER_DISTRICT} of ${PROVINCES * DISTRICTS * SERVICES_PER_DISTRICT}`,
      () => services.list({ unit: `P${PROVINCES - 1}`, limit: 50 }),
    );
    await measure('devices in a district subtree', 'page of 50', () =>
      devices.list({ unit: `P0-D3`, limit: 50 }),
    );
    await measure('unit search, diacritics folded', `q="loc chau 3.4"`, () =>
      units.list({ q: 'loc chau 3.4', limit: 50 }),
    );
    await measure('unit list, last page', 'offset near the end', () =>
      units.list({ limit: 50, offset: PROVINCES * (1 + DISTRICTS * (1 + COMMUNES)) - 50 }),
    );
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 10));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    `\nInventory benchmark (${PROVINCES} provinces × ${DISTRICTS} districts × ${COMMUNES} communes)\n\n`,
  );
  process.stdout.write(
    `${line(['operation', 'size', 'result'])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`,
  );
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
