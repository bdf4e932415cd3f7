import { CSV_NAMES, FIXTURE_COMMUNITY, FIXTURE_COUNTS as COUNTS } from '../fixtures/import/fixture';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request, { Response } from 'supertest';
import { App } from 'supertest/types';
import { startTestApp, TestApp } from '../support/app';
import { rowCounts, snapshot, TABLES } from './db-snapshot';

/**
 * Inventory import through the HTTP API (POST /api/inventory/import, GET /api/inventory/export)
 * on the real service and a fresh database per suite: exact reports, idempotency, dry runs,
 * YAML/CSV equivalence, export round trips, SNMP secrets and all-or-nothing rejection of bad input.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'import');
const YAML_NAME = 'small-province.yaml';
const YAML_TEXT = readFileSync(join(FIXTURES, YAML_NAME), 'utf8');
const CSV_FIXTURES: ImportFile[] = readdirSync(join(FIXTURES, 'csv'))
  .filter((name) => name.endsWith('.csv'))
  .sort()
  .map((name) => ({ name, content: readFileSync(join(FIXTURES, 'csv', name), 'utf8') }));
const COMMUNITY = FIXTURE_COMMUNITY;

type RecordType =
  | 'unit'
  | 'contact'
  | 'site'
  | 'device'
  | 'interface'
  | 'vlan'
  | 'prefix'
  | 'ipAddress'
  | 'circuit'
  | 'service'
  | 'contactRole';

interface ImportFile {
  name: string;
  content: string;
  encoding?: 'utf8' | 'base64';
}

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

interface ImportChange {
  type: RecordType;
  key: string;
  action: 'create' | 'update';
  fields?: string[];
  file: string;
  line: number;
}

interface ImportReport {
  dryRun: boolean;
  records: number;
  summary: Record<RecordType, Counts>;
  changes: ImportChange[];
  durationMs: number;
}

interface Detail {
  file?: string;
  line?: number;
  field: string;
  message: string;
}

interface ErrorBody {
  error: string;
  message: string;
  details: Detail[];
}

type Json = Record<string, unknown>;

const FIXTURE_COUNTS: Record<RecordType, number> = COUNTS;
const FIXTURE_RECORDS = Object.values(FIXTURE_COUNTS).reduce((a, b) => a + b, 0);

const TABLE_OF: Record<RecordType, string> = {
  unit: 'units',
  contact: 'contacts',
  site: 'sites',
  device: 'devices',
  interface: 'interfaces',
  vlan: 'vlans',
  prefix: 'prefixes',
  ipAddress: 'ip_addresses',
  circuit: 'circuits',
  service: 'services',
  contactRole: 'contact_roles',
};

function summaryOf(
  kind: keyof Counts,
  counts: Record<RecordType, number> = FIXTURE_COUNTS,
): Record<RecordType, Counts> {
  const out = {} as Record<RecordType, Counts>;
  for (const [type, n] of Object.entries(counts) as [RecordType, number][]) {
    out[type] = { created: 0, updated: 0, unchanged: 0, [kind]: n };
  }
  return out;
}

function server(t: TestApp): App {
  return t.http;
}

async function postImport(t: TestApp, files: ImportFile[], dryRun?: boolean): Promise<Response> {
  return await request(server(t))
    .post('/api/inventory/import')
    .send(dryRun === undefined ? { files } : { dryRun, files });
}

/** An import that must succeed; a failure shows the service's answer. */
async function importOk(t: TestApp, files: ImportFile[], dryRun?: boolean): Promise<ImportReport> {
  const res = await postImport(t, files, dryRun);
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
  return res.body as ImportReport;
}

async function getOk(t: TestApp, url: string): Promise<Response> {
  const res = await request(server(t)).get(url);
  expect({ url, status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
  return res;
}

async function list(t: TestApp, path: string, query = ''): Promise<Json[]> {
  const res = await getOk(t, `/api/${path}?limit=500${query}`);
  return (res.body as { items: Json[] }).items;
}

async function exportYaml(t: TestApp): Promise<string> {
  return (await getOk(t, '/api/inventory/export?format=yaml')).text;
}

async function exportCsv(t: TestApp): Promise<ImportFile[]> {
  return ((await getOk(t, '/api/inventory/export?format=csv')).body as { files: ImportFile[] })
    .files;
}

async function snmpSecret(db: Client, device: string): Promise<string | null> {
  const { rows } = await db.query<{ snmp_secret: string | null }>(
    'SELECT snmp_secret FROM devices WHERE name = $1',
    [device],
  );
  expect(rows).toHaveLength(1);
  return rows[0].snmp_secret;
}

/** 1-based line of the first line at or after `from` that contains `needle`. */
function lineOf(text: string, needle: string, from = 1): number {
  const index = text.split('\n').findIndex((l, i) => i + 1 >= from && l.includes(needle));
  if (index < 0) throw new Error(`fixture text has no line containing ${needle}`);
  return index + 1;
}

function byKey(items: Json[], key: string): Map<string, Json> {
  return new Map(items.map((i) => [String(i[key]), i]));
}

/** A valid new unit, put in front of bad records so that "nothing written" means something. */
const GOOD_UNIT_YAML = 'units:\n  - code: NEW-OK\n    kind: other\n    name: Đơn vị hợp lệ\n';

/** "Đà Lạt" in Windows-1258 (Đ = 0xD0, à = 0xE0, ạ = a + combining dot 0xF2): not UTF-8. */
const CP1258_DA_LAT = Buffer.from([0xd0, 0xe0, 0x20, 0x4c, 0x61, 0xf2, 0x74]);

describe('inventory import of the small province (YAML, HTTP API)', () => {
  let t: TestApp;
  let db: Client;
  let dryRunReport: ImportReport;
  let firstReport: ImportReport;
  let firstRequestId: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('a dry run on the empty database reports every create and writes nothing', async () => {
    const before = await snapshot(db);
    dryRunReport = await importOk(t, [{ name: YAML_NAME, content: YAML_TEXT }], true);

    expect(dryRunReport.dryRun).toBe(true);
    expect(dryRunReport.records).toBe(FIXTURE_RECORDS);
    expect(dryRunReport.summary).toEqual(summaryOf('created'));
    expect(dryRunReport.changes).toHaveLength(FIXTURE_RECORDS);
    expect(await snapshot(db)).toEqual(before);
    expect(Object.values(await rowCounts(db))).toEqual(TABLES.map(() => 0));
  });

  it('imports every record type with exact counts, and exactly the changes the dry run reported', async () => {
    const res = await postImport(t, [{ name: YAML_NAME, content: YAML_TEXT }]);
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
    firstReport = res.body as ImportReport;
    firstRequestId = String(res.headers['x-request-id']);

    expect(firstReport.dryRun).toBe(false);
    expect(firstReport.records).toBe(FIXTURE_RECORDS);
    expect(firstReport.summary).toEqual(summaryOf('created'));
    expect(typeof firstReport.durationMs).toBe('number');
    expect(firstReport.changes).toEqual(dryRunReport.changes);

    const counts = await rowCounts(db);
    for (const [type, table] of Object.entries(TABLE_OF) as [RecordType, string][]) {
      expect({ table, rows: counts[table] }).toEqual({ table, rows: FIXTURE_COUNTS[type] });
    }
    expect(counts.change_log).toBe(FIXTURE_RECORDS);
  });

  it('reports each created object with its file and the line where it is written', () => {
    const change = (type: RecordType, key: string) =>
      firstReport.changes.find((c) => c.type === type && c.key === key);
    expect(change('unit', 'X-DALAT-P2')).toEqual({
      type: 'unit',
      key: 'X-DALAT-P2',
      action: 'create',
      file: YAML_NAME,
      line: lineOf(YAML_TEXT, 'code: X-DALAT-P2'),
    });
    expect(change('interface', 'tn-core-rt01/GigabitEthernet0/0/1')).toMatchObject({
      action: 'create',
      line: lineOf(YAML_TEXT, 'name: GigabitEthernet0/0/1'),
    });
    expect(change('ipAddress', '2001:db8:100:f01::2')).toMatchObject({
      action: 'create',
      line: lineOf(YAML_TEXT, '2001:db8:100:f01::2/64'),
    });
    expect(change('prefix', '2001:db8:100::/48')).toMatchObject({
      line: lineOf(YAML_TEXT, 'prefix: 2001:db8:100::/48'),
    });
    expect(change('contactRole', 'nguyen.van.an@tn.example|unit|TN|technical')).toMatchObject({
      line: lineOf(YAML_TEXT, 'role: technical'),
    });
    expect(change('service', 'dns_zone/tn.example')).toMatchObject({
      line: lineOf(YAML_TEXT, 'kind: dns_zone'),
    });
  });

  it('makes the objects readable through the API with every reference resolved', async () => {
    const units = byKey(await list(t, 'units'), 'code');
    expect([...units.keys()].sort()).toEqual(['H-DALAT', 'TN', 'X-DALAT-P1', 'X-DALAT-P2']);
    const tn = units.get('TN') as Json;
    expect(tn).toMatchObject({ kind: 'province', name: 'Tỉnh Thử Nghiệm', parentId: null });
    expect(units.get('H-DALAT')).toMatchObject({ kind: 'district', parentId: tn.id });

    const communes = await list(t, 'units', `&q=${encodeURIComponent('Phường')}`);
    expect(communes.map((u) => u.code).sort()).toEqual(['X-DALAT-P1', 'X-DALAT-P2']);
    for (const c of communes) expect(c.parentId).toBe(units.get('H-DALAT')?.id);

    const [site] = await list(t, 'sites', '&q=TTHC-TN');
    expect(site).toMatchObject({ code: 'TTHC-TN', kind: 'campus', unitId: tn.id });
    expect(Number(site.latitude)).toBeCloseTo(11.9404, 4);

    const [contact] = await list(t, 'contacts', '&q=nguyen.van.an');
    expect(contact).toMatchObject({ name: 'Nguyễn Văn An', phone: '+84909000001', unitId: tn.id });

    const [device] = await list(t, 'devices', '&q=tn-core-rt01');
    expect(device).toMatchObject({
      name: 'tn-core-rt01',
      role: 'router',
      status: 'active',
      managementAddress: '198.51.100.1',
      siteId: site.id,
      unitId: tn.id,
      snmp: { version: 'v2c', credentialsSet: true },
    });

    const interfaces = byKey(await list(t, 'interfaces', '&device=tn-core-rt01'), 'name');
    expect(interfaces.get('GigabitEthernet0/0/0')).toMatchObject({
      deviceId: device.id,
      ifIndex: 1,
      macAddress: '00:00:5e:00:53:01',
      speedKbps: 1000000,
      enabled: true,
    });
    expect(interfaces.get('GigabitEthernet0/0/1')).toMatchObject({ enabled: false });
    const gi0 = interfaces.get('GigabitEthernet0/0/0') as Json;

    const addresses = await list(t, 'ip-addresses');
    const addressOf = (host: string) => addresses.find((a) => String(a.address).startsWith(host));
    expect(addressOf('203.0.113.2/')).toMatchObject({ interfaceId: gi0.id, status: 'active' });
    expect(addressOf('2001:db8:100:f01::2/')).toMatchObject({ interfaceId: gi0.id });
    expect(addressOf('203.0.113.10/')).toMatchObject({
      interfaceId: null,
      dnsName: 'www.tn.example',
    });

    const [vlan] = await list(t, 'vlans', '&site=TTHC-TN');
    expect(vlan).toMatchObject({ vid: 10, name: 'Máy chủ', siteId: site.id, unitId: tn.id });
    const prefixes = byKey(await list(t, 'prefixes'), 'prefix');
    expect([...prefixes.keys()].sort()).toEqual([
      '198.51.100.0/24',
      '198.51.100.0/26',
      '2001:db8:100::/48',
    ]);
    expect(prefixes.get('198.51.100.0/26')).toMatchObject({ vlanId: vlan.id, siteId: site.id });
    expect(prefixes.get('198.51.100.0/24')).toMatchObject({ status: 'container', vlanId: null });

    const [circuit] = await list(t, 'circuits', '&q=VNPT-TN-0001');
    expect(circuit).toMatchObject({
      cid: 'VNPT-TN-0001',
      type: 'internet',
      rateKbps: 100000,
      aInterfaceId: gi0.id,
      aSiteId: null,
      zInterfaceId: null,
      zSiteId: site.id,
      installDate: '2020-01-15',
      contractEndDate: '2025-01-14',
    });
    expect(Number(circuit.slaTargetPercent)).toBe(99.5);

    const services = byKey(await list(t, 'services', '&q=tn.example'), 'kind');
    expect(services.get('website')).toMatchObject({
      hostname: 'www.tn.example',
      criticality: 'high',
      ipv6Required: true,
      dnssecRequired: true,
      unitId: tn.id,
    });
    expect(services.get('dns_zone')).toMatchObject({
      hostname: 'tn.example',
      criticality: 'medium',
      ipv6Required: false,
      dnssecRequired: false,
    });

    const roles = await list(t, 'contact-roles', `&contact=${String(contact.id)}`);
    const roleKeys = roles.map(
      (r) => `${String(r.objectType)}:${String(r.objectId)}:${String(r.role)}`,
    );
    expect(roleKeys.sort()).toEqual(
      [
        `unit:${String(tn.id)}:responsible_official`,
        `unit:${String(tn.id)}:technical`,
        `device:${String(device.id)}:technical`,
        `service:${String(services.get('website')?.id)}:technical`,
      ].sort(),
    );
  });

  it('logs every created object in the change log, with source api and the request id', async () => {
    const { rows } = await db.query<{ source: string; action: string; request_id: string }>(
      'SELECT source, action, request_id FROM change_log',
    );
    expect(rows).toHaveLength(FIXTURE_RECORDS);
    for (const row of rows) {
      expect(row).toEqual({ source: 'api', action: 'create', request_id: firstRequestId });
    }
    const page = (await getOk(t, '/api/change-log?objectType=unit&limit=500')).body as {
      items: Json[];
      total: number;
    };
    expect(page.total).toBe(FIXTURE_COUNTS.unit);
    expect(page.items.map((i) => i.source)).toEqual(['api', 'api', 'api', 'api']);
    expect(page.items.map((i) => (i.after as Json).code).sort()).toEqual([
      'H-DALAT',
      'TN',
      'X-DALAT-P1',
      'X-DALAT-P2',
    ]);
  });

  it('re-importing the same file changes nothing, not even the change log', async () => {
    const before = await snapshot(db);
    const logRows = (await rowCounts(db)).change_log;
    const report = await importOk(t, [{ name: YAML_NAME, content: YAML_TEXT }]);

    expect(report.summary).toEqual(summaryOf('unchanged'));
    expect(report.changes).toEqual([]);
    expect((await rowCounts(db)).change_log).toBe(logRows);
    expect(await snapshot(db)).toEqual(before);
  });

  it('takes a raw YAML body with ?dryRun=true and writes nothing', async () => {
    const before = await snapshot(db);
    const res = await request(server(t))
      .post('/api/inventory/import?dryRun=true')
      .set('Content-Type', 'application/yaml')
      .send(Buffer.from(YAML_TEXT.replace('name: Phường 1', 'name: Phường Một'), 'utf8'));
    expect(res.status).toBe(200);
    const report = res.body as ImportReport;
    expect(report.dryRun).toBe(true);
    expect(report.changes).toEqual([
      {
        type: 'unit',
        key: 'X-DALAT-P1',
        action: 'update',
        fields: ['name'],
        file: 'inventory.yaml',
        line: lineOf(YAML_TEXT, 'code: X-DALAT-P1'),
      },
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('a file with one name changed gives exactly one update naming the field; the dry run predicts it', async () => {
    const modified = YAML_TEXT.replace('name: Phường 2', 'name: Phường 2 (mới)');
    expect(modified).not.toBe(YAML_TEXT);
    const expected: ImportChange[] = [
      {
        type: 'unit',
        key: 'X-DALAT-P2',
        action: 'update',
        fields: ['name'],
        file: YAML_NAME,
        line: lineOf(YAML_TEXT, 'code: X-DALAT-P2'),
      },
    ];
    const summary = summaryOf('unchanged');
    summary.unit = { created: 0, updated: 1, unchanged: FIXTURE_COUNTS.unit - 1 };

    const before = await snapshot(db);
    const dry = await importOk(t, [{ name: YAML_NAME, content: modified }], true);
    expect(dry.changes).toEqual(expected);
    expect(dry.summary).toEqual(summary);
    expect(await snapshot(db)).toEqual(before);

    const logBefore = (await rowCounts(db)).change_log;
    const real = await importOk(t, [{ name: YAML_NAME, content: modified }]);
    expect(real.dryRun).toBe(false);
    expect(real.changes).toEqual(expected);
    expect(real.summary).toEqual(summary);
    expect((await rowCounts(db)).change_log).toBe(logBefore + 1);
    const { rows } = await db.query<{ action: string; before: Json; after: Json }>(
      'SELECT action, before, after FROM change_log ORDER BY id DESC LIMIT 1',
    );
    expect(rows[0]).toMatchObject({
      action: 'update',
      before: { code: 'X-DALAT-P2', name: 'Phường 2' },
      after: { code: 'X-DALAT-P2', name: 'Phường 2 (mới)' },
    });
    const [unit] = await list(t, 'units', '&q=X-DALAT-P2');
    expect(unit.name).toBe('Phường 2 (mới)');
  });

  it('export → import round trip changes nothing (YAML)', async () => {
    const yaml = await exportYaml(t);
    expect(yaml).toContain('code: X-DALAT-P2');
    const before = await snapshot(db);
    const report = await importOk(t, [{ name: 'export.yaml', content: yaml }]);
    expect(report.records).toBe(FIXTURE_RECORDS);
    expect(report.summary).toEqual(summaryOf('unchanged'));
    expect(report.changes).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('export → import round trip changes nothing (CSV)', async () => {
    const files = await exportCsv(t);
    expect(files.map((f) => f.name)).toEqual(CSV_NAMES);
    const single = await getOk(t, '/api/inventory/export?format=csv&file=units.csv');
    expect(single.headers['content-type']).toMatch(/^text\/csv/);
    expect(single.text).toBe(files.find((f) => f.name === 'units.csv')?.content);

    const before = await snapshot(db);
    const report = await importOk(t, files);
    expect(report.records).toBe(FIXTURE_RECORDS);
    expect(report.summary).toEqual(summaryOf('unchanged'));
    expect(report.changes).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });

  describe('SNMP credentials', () => {
    it('are stored encrypted and never appear in an export, a report, a read or the change log', async () => {
      const stored = await snmpSecret(db, 'tn-core-rt01');
      expect(stored).toEqual(expect.any(String));
      expect(stored).not.toContain(COMMUNITY);

      const [device] = await list(t, 'devices', '&q=tn-core-rt01');
      const texts: [string, string][] = [
        ['dry-run report', JSON.stringify(dryRunReport)],
        ['import report', JSON.stringify(firstReport)],
        ['YAML export', await exportYaml(t)],
        ['CSV export', JSON.stringify(await exportCsv(t))],
        [
          'CSV export devices.csv',
          (await getOk(t, '/api/inventory/export?format=csv&file=devices.csv')).text,
        ],
        ['device list', (await getOk(t, '/api/devices?q=tn-core')).text],
        ['device read', (await getOk(t, `/api/devices/${String(device.id)}`)).text],
        ['change log API', (await getOk(t, '/api/change-log?objectType=device')).text],
      ];
      const { rows } = await db.query<{ text: string }>(
        "SELECT coalesce(string_agg(c::text, E'\\n'), '') AS text FROM change_log c",
      );
      texts.push(['change_log table', rows[0].text]);
      for (const [where, text] of texts) {
        expect({ where, leaks: text.includes(COMMUNITY) }).toEqual({ where, leaks: false });
      }
      expect(texts.find(([w]) => w === 'YAML export')?.[1]).toMatch(/snmp:\s+version: v2c/);
    });

    it('re-importing the exports (which carry no secrets) keeps the stored credentials', async () => {
      const stored = await snmpSecret(db, 'tn-core-rt01');
      const yamlReport = await importOk(t, [{ name: 'export.yaml', content: await exportYaml(t) }]);
      expect(yamlReport.summary.device).toEqual({ created: 0, updated: 0, unchanged: 1 });
      expect(await snmpSecret(db, 'tn-core-rt01')).toBe(stored);

      const csvReport = await importOk(t, await exportCsv(t));
      expect(csvReport.summary.device).toEqual({ created: 0, updated: 0, unchanged: 1 });
      expect(await snmpSecret(db, 'tn-core-rt01')).toBe(stored);
      const [device] = await list(t, 'devices', '&q=tn-core-rt01');
      expect(device.snmp).toMatchObject({ version: 'v2c', credentialsSet: true });
    });

    it('a new community is reported as a change of the secret by name, never by value', async () => {
      const stored = await snmpSecret(db, 'tn-core-rt01');
      const newCommunity = 'fixture-rw-community-91c2';
      const content = YAML_TEXT.replace(COMMUNITY, newCommunity).replace(
        'name: Phường 2',
        'name: Phường 2 (mới)',
      );
      const res = await postImport(t, [{ name: YAML_NAME, content }]);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(newCommunity);
      expect((res.body as ImportReport).changes).toEqual([
        {
          type: 'device',
          key: 'tn-core-rt01',
          action: 'update',
          fields: ['snmpSecret'],
          file: YAML_NAME,
          line: lineOf(YAML_TEXT, 'name: tn-core-rt01'),
        },
      ]);
      const updated = await snmpSecret(db, 'tn-core-rt01');
      expect(updated).not.toBe(stored);
      expect(updated).not.toContain(newCommunity);
      expect(await exportYaml(t)).not.toContain(newCommunity);
    });

    it('a rejected community is not echoed in the error', async () => {
      const tooLong = `leak-me-${'x'.repeat(300)}`;
      const before = await snapshot(db);
      const res = await postImport(t, [
        { name: YAML_NAME, content: YAML_TEXT.replace(COMMUNITY, tooLong) },
      ]);
      expect(res.status).toBe(400);
      expect((res.body as ErrorBody).details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ file: YAML_NAME, field: expect.stringMatching(/community/) }),
        ]),
      );
      expect(res.text).not.toContain('leak-me-');
      expect(await snapshot(db)).toEqual(before);
    });
  });
});

describe('inventory import from CSV files (HTTP API)', () => {
  let fromYaml: TestApp;
  let fromCsv: TestApp;
  let yamlReport: ImportReport;
  let csvReport: ImportReport;

  beforeAll(async () => {
    [fromYaml, fromCsv] = await Promise.all([startTestApp(), startTestApp()]);
    yamlReport = await importOk(fromYaml, [{ name: YAML_NAME, content: YAML_TEXT }]);
    csvReport = await importOk(fromCsv, CSV_FIXTURES);
  });

  afterAll(async () => {
    await fromYaml?.close();
    await fromCsv?.close();
  });

  it('the CSV fixture holds the eleven files', () => {
    expect(CSV_FIXTURES.map((f) => f.name).sort()).toEqual([...CSV_NAMES].sort());
  });

  it('reports the same summary and the same objects as the YAML import', () => {
    expect(csvReport.summary).toEqual(summaryOf('created'));
    const what = (r: ImportReport) => r.changes.map((c) => `${c.action} ${c.type} ${c.key}`).sort();
    expect(what(csvReport)).toEqual(what(yamlReport));
  });

  it('reports CSV changes by file and row line (header = line 1)', () => {
    const change = (type: RecordType, key: string) =>
      csvReport.changes.find((c) => c.type === type && c.key === key);
    expect(change('unit', 'X-DALAT-P2')).toMatchObject({ file: 'units.csv', line: 5 });
    expect(change('ipAddress', '203.0.113.10')).toMatchObject({
      file: 'ip_addresses.csv',
      line: 5,
    });
    expect(
      change('contactRole', 'nguyen.van.an@tn.example|device|tn-core-rt01|technical'),
    ).toMatchObject({
      file: 'contact_roles.csv',
      line: 4,
    });
  });

  it('leaves the database exactly as the YAML import does (identical exports)', async () => {
    expect(await exportYaml(fromCsv)).toBe(await exportYaml(fromYaml));
    expect(await exportCsv(fromCsv)).toEqual(await exportCsv(fromYaml));
  });

  it('stores the SNMP community from the snmp_community column', async () => {
    const db = new Client({ connectionString: fromCsv.databaseUrl });
    await db.connect();
    try {
      expect(await snmpSecret(db, 'tn-core-rt01')).toEqual(expect.stringMatching(/\S/));
    } finally {
      await db.end();
    }
  });

  it('importing the YAML into the CSV-made database changes nothing', async () => {
    const report = await importOk(fromCsv, [{ name: YAML_NAME, content: YAML_TEXT }]);
    expect(report.summary).toEqual(summaryOf('unchanged'));
    expect(report.changes).toEqual([]);
  });

  it('reads CSV files with a byte order mark and CRLF line ends the same way', async () => {
    const windows = CSV_FIXTURES.map((f) => ({
      name: f.name,
      content: Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(f.content.replace(/\n/g, '\r\n'), 'utf8'),
      ]).toString('base64'),
      encoding: 'base64' as const,
    }));
    const report = await importOk(fromCsv, windows);
    expect(report.summary).toEqual(summaryOf('unchanged'));
    expect(report.changes).toEqual([]);
  });
});

interface ExpectedDetail {
  file: string;
  /** The line, or the lines any one of which is acceptable. */
  line: number | number[];
  field: string | RegExp;
  message: RegExp;
}

interface BadCase {
  name: string;
  send: (t: TestApp) => Promise<Response>;
  status?: number;
  error?: string;
  expected: ExpectedDetail[];
}

const oneOf = (values: number[]) => ({
  asymmetricMatch: (actual: unknown) => values.includes(actual as number),
  toAsymmetricMatcher: () => `one of ${values.join(', ')}`,
});

function matcherOf(e: ExpectedDetail): unknown {
  return expect.objectContaining({
    file: e.file,
    line: Array.isArray(e.line) ? oneOf(e.line) : e.line,
    field: typeof e.field === 'string' ? e.field : expect.stringMatching(e.field),
    message: expect.stringMatching(e.message),
  });
}

function yamlCase(
  name: string,
  file: string,
  text: string,
  expected: (text: string) => ExpectedDetail[],
): BadCase {
  return {
    name,
    send: (t) => postImport(t, [{ name: file, content: text }]),
    expected: expected(text),
  };
}

function csvCase(
  name: string,
  files: ImportFile[],
  expected: ExpectedDetail[],
  status = 400,
): BadCase {
  return { name, send: (t) => postImport(t, files), expected, status };
}

const GOOD_UNITS_CSV: ImportFile = {
  name: 'units.csv',
  content: 'code,kind,name,parent\nNEW-OK,other,Đơn vị hợp lệ,TN\n',
};

const BAD_CASES: BadCase[] = [
  yamlCase(
    'bad CIDR in YAML (198.51.100.0/33)',
    'bad-cidr.yaml',
    `version: 1\n${GOOD_UNIT_YAML}prefixes:\n  - prefix: 198.51.100.0/33\n    unit: TN\n`,
    (text) => [
      {
        file: 'bad-cidr.yaml',
        line: lineOf(text, '198.51.100.0/33'),
        field: 'prefixes[0].prefix',
        message: /not an IPv4 or IPv6 network/,
      },
    ],
  ),
  csvCase(
    'bad CIDR in CSV (198.51.100.0/33)',
    [
      GOOD_UNITS_CSV,
      {
        name: 'prefixes.csv',
        content: 'prefix,status,unit\n198.51.100.128/26,active,TN\n198.51.100.0/33,active,TN\n',
      },
    ],
    [{ file: 'prefixes.csv', line: 3, field: 'prefix', message: /not an IPv4 or IPv6 network/ }],
  ),
  yamlCase(
    'IPv4 prefix with host bits set (YAML)',
    'host-bits.yaml',
    `version: 1\n${GOOD_UNIT_YAML}prefixes:\n  - prefix: 198.51.100.128/26\n  - prefix: 198.51.100.65/26\n`,
    (text) => [
      {
        file: 'host-bits.yaml',
        line: lineOf(text, '198.51.100.65/26'),
        field: 'prefixes[1].prefix',
        message: /host bits.*198\.51\.100\.64\/26/,
      },
    ],
  ),
  csvCase(
    'IPv6 prefix with host bits set (CSV)',
    [
      {
        name: 'prefixes.csv',
        content: 'prefix,status\n2001:db8:100:1::/64,active\n2001:db8:100:2::1/64,active\n',
      },
    ],
    [{ file: 'prefixes.csv', line: 3, field: 'prefix', message: /2001:db8:100:2::\/64/ }],
  ),
  yamlCase(
    'bad IPv6 address on an interface (2001:db8::g1/64)',
    'bad-ipv6.yaml',
    [
      'version: 1',
      'devices:',
      '  - name: tn-acc-sw01',
      '    role: switch',
      '    unit: TN',
      '    interfaces:',
      '      - name: Vlan10',
      "        addresses: ['198.51.100.2/26', '2001:db8::g1/64']",
      '',
    ].join('\n'),
    (text) => [
      {
        file: 'bad-ipv6.yaml',
        line: lineOf(text, '2001:db8::g1/64'),
        field: /^devices\[0\]\.interfaces\[0\]\.addresses\[1\]/,
        message: /not an IPv4 or IPv6 address/,
      },
    ],
  ),
  csvCase(
    'bad IPv6 address in ip_addresses.csv (2001:db8::g1/64)',
    [
      {
        name: 'ip_addresses.csv',
        content: 'address,description\n203.0.113.20/26,hợp lệ\n2001:db8::g1/64,sai\n',
      },
    ],
    [
      {
        file: 'ip_addresses.csv',
        line: 3,
        field: 'address',
        message: /not an IPv4 or IPv6 address/,
      },
    ],
  ),
  (() => {
    const text =
      'version: 1\nunits:\n  - code: DUP-1\n    kind: other\n    name: Thứ nhất\n' +
      '  - code: DUP-1\n    kind: other\n    name: Thứ hai\n';
    const first = lineOf(text, 'code: DUP-1');
    const second = lineOf(text, 'code: DUP-1', first + 1);
    return yamlCase('duplicate unit codes in one YAML file', 'dup.yaml', text, () => [
      {
        file: 'dup.yaml',
        line: second,
        field: 'units[1]',
        message: new RegExp(`duplicate unit DUP-1.*dup\\.yaml line ${first}\\b`),
      },
    ]);
  })(),
  csvCase(
    'duplicate unit codes in one CSV file',
    [
      {
        name: 'units.csv',
        content: 'code,kind,name\nDUP-1,other,Một\nDUP-2,other,Hai\nDUP-1,other,Ba\n',
      },
    ],
    [{ file: 'units.csv', line: 4, field: '(record)', message: /DUP-1.*units\.csv line 2\b/ }],
  ),
  csvCase(
    'unknown parent unit',
    [
      {
        name: 'units.csv',
        content:
          'code,kind,name,parent\nNEW-OK,other,Hợp lệ,TN\nNEW-ORPHAN,other,Mồ côi,NO-SUCH-UNIT\n',
      },
    ],
    [{ file: 'units.csv', line: 3, field: 'parent', message: /NO-SUCH-UNIT/ }],
  ),
  csvCase(
    'unknown CSV column',
    [{ name: 'units.csv', content: 'code,kind,name,colour\nNEW-OK,other,Hợp lệ,đỏ\n' }],
    [{ file: 'units.csv', line: 1, field: 'colour', message: /unknown column "colour"/ }],
  ),
  csvCase(
    'wrong CSV column (the YAML spelling nameEn instead of name_en)',
    [
      GOOD_UNITS_CSV,
      {
        name: 'sites.csv',
        content: 'code,name,nameEn,kind,unit\nS-NEW,Điểm mới,New site,office,TN\n',
      },
    ],
    [{ file: 'sites.csv', line: 1, field: 'nameEn', message: /unknown column "nameEn"/ }],
  ),
  yamlCase(
    'unknown YAML key',
    'unknown-key.yaml',
    `version: 1\n${GOOD_UNIT_YAML}  - code: NEW-2\n    kind: other\n    name: Hai\n    colour: đỏ\n`,
    (text) => [
      {
        file: 'unknown-key.yaml',
        line: lineOf(text, 'colour:'),
        field: 'units[1].colour',
        message: /colour is not a field of unit/,
      },
    ],
  ),
  csvCase(
    'missing required column',
    [
      GOOD_UNITS_CSV,
      { name: 'devices.csv', content: 'name,role,site\ntn-acc-sw01,switch,TTHC-TN\n' },
    ],
    [{ file: 'devices.csv', line: 1, field: 'unit', message: /required column "unit" is missing/ }],
  ),
  yamlCase(
    'wrong value type in YAML (vid: ten)',
    'vid.yaml',
    `version: 1\n${GOOD_UNIT_YAML}vlans:\n  - site: TTHC-TN\n    vid: ten\n    name: Mười\n`,
    (text) => [
      {
        file: 'vid.yaml',
        line: lineOf(text, 'vid: ten'),
        field: 'vlans[0].vid',
        message: /vid must be a whole number/,
      },
    ],
  ),
  csvCase(
    'wrong value type in CSV (vid ten)',
    [{ name: 'vlans.csv', content: 'site,vid,name\nTTHC-TN,20,Hai mươi\nTTHC-TN,ten,Mười\n' }],
    [{ file: 'vlans.csv', line: 3, field: 'vid', message: /vid must be a whole number/ }],
  ),
  {
    name: 'Windows-1258 bytes sent as base64 in the JSON form',
    send: (t) =>
      postImport(t, [
        {
          name: 'units.csv',
          encoding: 'base64',
          content: Buffer.concat([
            Buffer.from('code,kind,name\nNEW-OK,other,Thành phố Đà Lạt\nNEW-CP,other,', 'utf8'),
            CP1258_DA_LAT,
            Buffer.from('\n'),
          ]).toString('base64'),
        },
      ]),
    expected: [{ file: 'units.csv', line: 3, field: '(file)', message: /0xd0.*line 3.*UTF-8/ }],
  },
  {
    name: 'Windows-1258 bytes as a raw YAML body',
    send: (t) =>
      request(server(t))
        .post('/api/inventory/import')
        .set('Content-Type', 'application/yaml')
        .send(
          Buffer.concat([
            Buffer.from(
              `version: 1\n${GOOD_UNIT_YAML}  - code: NEW-CP\n    kind: other\n    name: `,
            ),
            CP1258_DA_LAT,
            Buffer.from('\n'),
          ]),
        ),
    expected: [{ file: 'inventory.yaml', line: 8, field: '(file)', message: /0xd0.*line 8/ }],
  },
  {
    name: 'Latin-1 bytes as a raw CSV body',
    send: (t) =>
      request(server(t))
        .post('/api/inventory/import?file=units.csv')
        .set('Content-Type', 'text/csv')
        .send(Buffer.from('code,kind,name\nNEW-OK,other,Hop le\nNEW-L1,other,Phà\n', 'latin1')),
    expected: [{ file: 'units.csv', line: 3, field: '(file)', message: /0xe0.*line 3/ }],
  },
  yamlCase(
    'YAML syntax error (tab indentation)',
    'syntax.yaml',
    `version: 1\n${GOOD_UNIT_YAML}  - code: NEW-2\n\tkind: other\n`,
    (text) => [
      {
        file: 'syntax.yaml',
        line: lineOf(text, '\tkind'),
        field: '(file)',
        message: /YAML syntax/,
      },
    ],
  ),
  yamlCase(
    'YAML syntax error (nested mapping in a plain value)',
    'syntax2.yaml',
    `version: 1\n${GOOD_UNIT_YAML}sites:\n  - code: S-NEW\n    name: Điểm: mới\n    kind: office\n    unit: TN\n`,
    (text) => [
      {
        file: 'syntax2.yaml',
        line: lineOf(text, 'Điểm: mới'),
        field: '(file)',
        message: /YAML syntax/,
      },
    ],
  ),
  yamlCase(
    'unit parent cycle within the file (CYC-A → CYC-B → CYC-A)',
    'cycle.yaml',
    'version: 1\nunits:\n  - code: CYC-A\n    kind: other\n    name: A\n    parent: CYC-B\n' +
      '  - code: CYC-B\n    kind: other\n    name: B\n    parent: CYC-A\n',
    (text) => [
      {
        file: 'cycle.yaml',
        line: [lineOf(text, 'parent: CYC-B'), lineOf(text, 'parent: CYC-A')],
        field: /^units\[[01]\]\.parent$/,
        message: /cycle.*CYC-[AB].*CYC-[AB]/,
      },
    ],
  ),
  yamlCase(
    'unit parent cycle through stored units (TN under its own commune)',
    'stored-cycle.yaml',
    `version: 1\n${GOOD_UNIT_YAML}  - code: TN\n    kind: province\n    name: Tỉnh Thử Nghiệm\n    parent: X-DALAT-P1\n`,
    (text) => [
      {
        file: 'stored-cycle.yaml',
        line: lineOf(text, 'parent: X-DALAT-P1'),
        field: 'units[1].parent',
        message: /descendants/,
      },
    ],
  ),
  csvCase(
    'circuit end on an interface that does not exist on that device',
    [
      {
        name: 'circuits.csv',
        content:
          'cid,provider,type,a_device,a_interface\n' +
          'VNPT-TN-0002,VNPT,internet,tn-core-rt01,GigabitEthernet0/0/1\n' +
          'VNPT-TN-0003,VNPT,internet,tn-core-rt01,GigabitEthernet9/9\n',
      },
    ],
    [
      {
        file: 'circuits.csv',
        line: 3,
        field: /^a_(device|interface)$/,
        message: /tn-core-rt01\/GigabitEthernet9\/9/,
      },
    ],
  ),
  yamlCase(
    "address bound to another device's interface",
    'other-device.yaml',
    [
      'version: 1',
      'devices:',
      '  - name: tn-acc-sw01',
      '    role: switch',
      '    unit: TN',
      '    interfaces:',
      '      - name: GigabitEthernet1/0/1',
      'ipAddresses:',
      '  - address: 198.51.100.20/26',
      '    device: tn-core-rt01',
      '    interface: GigabitEthernet1/0/1',
      '',
    ].join('\n'),
    (text) => [
      {
        file: 'other-device.yaml',
        line: [
          lineOf(text, 'device: tn-core-rt01'),
          lineOf(text, 'interface: GigabitEthernet1/0/1'),
        ],
        field: /^ipAddresses\[0\]\.(device|interface)$/,
        message: /tn-core-rt01\/GigabitEthernet1\/0\/1/,
      },
    ],
  ),
];

describe('inventory import rejects malformed input and writes nothing', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    await importOk(t, [{ name: YAML_NAME, content: YAML_TEXT }]);
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it.each(BAD_CASES.map((c) => [c.name, c] as const))('%s', async (_name, bad) => {
    const before = await snapshot(db);
    const res = await bad.send(t);
    const body = res.body as ErrorBody;
    expect({ status: res.status, error: body.error }).toEqual({
      status: bad.status ?? 400,
      error: bad.error ?? 'validation_failed',
    });
    expect(typeof body.message).toBe('string');
    expect(body.details).toEqual(expect.arrayContaining(bad.expected.map(matcherOf)));
    expect(await snapshot(db)).toEqual(before);
  });

  it('one bad row among 1,000 good ones: nothing written, the error names its line', async () => {
    const rows = Array.from(
      { length: 1000 },
      (_, i) => `GEN-${String(i).padStart(4, '0')},commune,Xã số ${i},H-DALAT`,
    );
    rows.splice(637, 0, 'GEN-BAD,ward,Phường sai loại,H-DALAT');
    const content = ['code,kind,name,parent', ...rows].join('\n');
    expect(lineOf(content, 'GEN-BAD')).toBe(639);

    const before = await snapshot(db);
    const res = await postImport(t, [{ name: 'units.csv', content }]);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).details).toEqual([
      expect.objectContaining({ file: 'units.csv', line: 639, field: 'kind' }),
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('a row that fails only while writing, after 700 rows were written, rolls everything back', async () => {
    const rows = Array.from(
      { length: 1000 },
      (_, i) => `GEN-${String(i).padStart(4, '0')},commune,Xã số ${i},H-DALAT`,
    );
    rows.splice(700, 0, 'TN,province,Tỉnh Thử Nghiệm,X-DALAT-P1');
    const content = ['code,kind,name,parent', ...rows].join('\n');

    const before = await snapshot(db);
    const res = await postImport(t, [{ name: 'units.csv', content }]);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).details).toEqual([
      expect.objectContaining({
        file: 'units.csv',
        line: 702,
        field: 'parent',
        message: expect.stringMatching(/descendants/),
      }),
    ]);
    expect(await snapshot(db)).toEqual(before);
    const { rows: generated } = await db.query("SELECT 1 FROM units WHERE code LIKE 'GEN-%'");
    expect(generated).toHaveLength(0);
  });
});

describe('inventory import size limit (inventory.importMaxBytes = 2000)', () => {
  let t: TestApp;
  let db: Client;
  const huge = `version: 1\nunits:\n${Array.from(
    { length: 60 },
    (_, i) => `  - code: BIG-${i}\n    kind: other\n    name: Đơn vị số ${i}\n`,
  ).join('')}`;

  beforeAll(async () => {
    t = await startTestApp({ NETWATCH_IMPORT_MAX_BYTES: '2000' });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('accepts a file under the limit', async () => {
    const units = CSV_FIXTURES.find((f) => f.name === 'units.csv') as ImportFile;
    expect(Buffer.byteLength(units.content)).toBeLessThan(2000);
    const report = await importOk(t, [units]);
    expect(report.summary.unit.created).toBe(4);
  });

  it('answers 413 for a file over the limit, even next to a valid one, and writes nothing', async () => {
    expect(Buffer.byteLength(huge)).toBeGreaterThan(2000);
    const before = await snapshot(db);
    const res = await postImport(t, [
      { name: 'contacts.csv', content: 'email,name\nnew.person@tn.example,Người mới\n' },
      { name: 'huge.yaml', content: huge },
    ]);
    expect(res.status).toBe(413);
    const body = res.body as ErrorBody;
    expect(body.error).toBe('payload_too_large');
    expect(body.details).toEqual([
      expect.objectContaining({ file: 'huge.yaml', message: expect.stringMatching(/2000/) }),
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('answers 413 for a raw YAML body over the limit and writes nothing', async () => {
    const before = await snapshot(db);
    const res = await request(server(t))
      .post('/api/inventory/import')
      .set('Content-Type', 'application/yaml')
      .send(Buffer.from(huge, 'utf8'));
    expect(res.status).toBe(413);
    expect((res.body as ErrorBody).error).toBe('payload_too_large');
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('a large generated import (2,000 units and 2,000 services as CSV)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('succeeds within the default test timeout', async () => {
    const units = ['code,kind,name,parent', 'GEN,province,Tỉnh sinh tự động,'];
    const services = ['kind,hostname,name,unit,criticality,ipv6_required'];
    for (let i = 1; i <= 2000; i++) {
      const n = String(i).padStart(4, '0');
      units.push(`GEN-${n},commune,Xã số ${n},GEN`);
      services.push(`website,s${n}.gen.tn.example,Dịch vụ ${n},GEN-${n},high,yes`);
    }
    const report = await importOk(t, [
      { name: 'services.csv', content: services.join('\n') },
      { name: 'units.csv', content: units.join('\n') },
    ]);
    expect(report.records).toBe(4001);
    expect(report.summary.unit).toEqual({ created: 2001, updated: 0, unchanged: 0 });
    expect(report.summary.service).toEqual({ created: 2000, updated: 0, unchanged: 0 });

    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const counts = await rowCounts(db);
      expect(counts).toMatchObject({ units: 2001, services: 2000, change_log: 4001 });
      const { rows } = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM services WHERE criticality = 'high' AND ipv6_required",
      );
      expect(Number(rows[0].n)).toBe(2000);
    } finally {
      await db.end();
    }
  });
});
