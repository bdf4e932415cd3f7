import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as csvStringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import { stringify as yamlStringify } from 'yaml';
import { SPECS } from '../../src/inventory/import/schema';
import { snapshot } from '../integration/db-snapshot';
import { startTestApp, TestApp } from '../support/app';
import { byteMutation, mutateBytes, SEEDS } from './mutations';
import { expectErrorShape } from './support';

// Bounded property runs: seconds alone, several times that on a loaded CI machine.
jest.setTimeout(120_000);

/**
 * Import files, random and mutated, through the real importer (POST /api/inventory/import) on
 * a test database: byte-mutated copies of the Lâm Đồng example and of an exported CSV, and
 * generated documents of the right shape with random values. Each one either imports, or is
 * refused (400/413) with problems naming file, line and field, and then leaves every inventory
 * table and the change log byte-identical. Never a 500.
 */

const ROOT = join(__dirname, '..', '..');
const EXAMPLE_NAME = 'lamdong.example.yaml';
const EXAMPLE = readFileSync(join(ROOT, 'config', 'inventory', EXAMPLE_NAME));
const SMALL_YAML = readFileSync(join(ROOT, 'test', 'fixtures', 'import', 'small-province.yaml'));
const CSV_DIR = join(ROOT, 'test', 'fixtures', 'import', 'csv');
const CSV_FIXTURES = readdirSync(CSV_DIR)
  .filter((n) => n.endsWith('.csv'))
  .sort()
  .map((name) => ({ name, content: readFileSync(join(CSV_DIR, name)) }));

interface Outcome {
  status: number;
  problems: number;
}

describe('fuzzing the inventory import', () => {
  let t: TestApp;
  let db: Client;
  let exported: { name: string; content: Buffer }[] = [];
  const tally = { imported: 0, refused: 0, withLine: 0, problems: 0 };

  /** One import; checks the contract and that a refusal wrote nothing. */
  async function tryImport(files: { name: string; content: Buffer }[]): Promise<Outcome> {
    const before = await snapshot(db);
    const res = await request(t.http)
      .post('/api/inventory/import')
      .send({
        files: files.map((f) => ({
          name: f.name,
          content: f.content.toString('base64'),
          encoding: 'base64',
        })),
      });
    if (res.status === 200) {
      tally.imported++;
      return { status: 200, problems: 0 };
    }
    if (res.status !== 400 && res.status !== 413)
      throw new Error(`import answered ${res.status}: ${res.text.slice(0, 500)}`);
    const body = expectErrorShape(res, 'refused import');
    expect(body.error).toBe(res.status === 400 ? 'validation_failed' : 'payload_too_large');
    expect(body.details.length).toBeGreaterThan(0);
    const names = files.map((f) => f.name);
    for (const d of body.details) {
      // Every problem names its file and field; a line, when given, is a real line number.
      expect(names).toContain(d.file);
      expect(d.field.length).toBeGreaterThan(0);
      expect(d.message.length).toBeGreaterThan(0);
      if (d.line !== undefined && d.line !== null) {
        expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
        tally.withLine++;
      }
      tally.problems++;
    }
    expect(await snapshot(db)).toEqual(before);
    tally.refused++;
    return { status: res.status, problems: body.details.length };
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    // Stored data for mutated files to collide with, update and refer to.
    expect((await tryImport([{ name: EXAMPLE_NAME, content: EXAMPLE }])).status).toBe(200);
    expect((await tryImport([{ name: 'small.yaml', content: SMALL_YAML }])).status).toBe(200);
    const res = await request(t.http).get('/api/inventory/export?format=csv');
    expect(res.status).toBe(200);
    exported = (res.body as { files: { name: string; content: string }[] }).files.map((f) => ({
      name: f.name,
      content: Buffer.from(f.content),
    }));
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('byte-mutated copies of the Lâm Đồng example: imported, or refused with located problems and nothing written', async () => {
    const before = { ...tally };
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        await tryImport([{ name: EXAMPLE_NAME, content: mutateBytes(EXAMPLE, ms) }]);
      }),
      { numRuns: 40, seed: SEEDS.importYaml, endOnFailure: true },
    );
    expect(tally.imported).toBeGreaterThan(before.imported);
    expect(tally.refused).toBeGreaterThan(before.refused);
  });

  it('byte-mutated copies of exported CSV files (and of the CSV fixture): imported, or refused with located problems and nothing written', async () => {
    const corpus = [...exported.filter((f) => f.content.length > 0), ...CSV_FIXTURES];
    const before = { ...tally };
    await fc.assert(
      fc.asyncProperty(
        fc.nat(corpus.length - 1),
        fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
        async (which, ms) => {
          const file = corpus[which];
          await tryImport([{ name: file.name, content: mutateBytes(file.content, ms) }]);
        },
      ),
      { numRuns: 80, seed: SEEDS.importCsv, endOnFailure: true },
    );
    expect(tally.imported).toBeGreaterThan(before.imported);
    expect(tally.refused).toBeGreaterThan(before.refused);
  });

  // -------------------------------------------------------------------------------------------
  // Documents of the right shape with random values

  const nasty = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(
      '',
      ' ',
      'null',
      '~',
      '- x',
      'a: b',
      '#',
      'x\u0000y',
      '"',
      "'",
      '\\',
      '\r\n',
      '=cmd|" /C calc"!A0',
      '__proto__',
      'constructor',
      '9'.repeat(400),
      'Đ'.repeat(3000),
    ),
  );
  const scalar = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map(String),
  );
  /** A field value: mostly plausible, sometimes anything (including lists and mappings). */
  const value = (...pool: unknown[]) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...pool) },
      { weight: 2, arbitrary: nasty },
      { weight: 1, arbitrary: scalar },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
          fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), {
            maxKeys: 2,
          }),
        ),
      },
    );
  const UNIT_CODES = ['FZ-A', 'FZ-B', 'TN', 'H-DALAT', 'fz lower'];
  const DEVICE_NAMES = ['fz-rt01', 'fz-sw01', 'tn-core-rt01'];
  const SITE_CODES = ['FZ-SITE', 'TTHC-TN'];
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

  const unitRec = fc.record(
    {
      code: value(...UNIT_CODES),
      kind: value('province', 'district', 'commune', 'department', 'other', 'planet'),
      name: value('Đơn vị thử', 'Phường 9'),
      nameEn: opt(value('Fuzz unit')),
      parent: opt(value(...UNIT_CODES)),
      description: opt(value('mô tả')),
    },
    { requiredKeys: [] },
  );
  const siteRec = fc.record(
    {
      code: value(...SITE_CODES),
      name: value('Trạm thử'),
      kind: value('campus', 'data_center', 'office', 'other'),
      unit: value(...UNIT_CODES),
      latitude: opt(value(11.94, -91, 90, 0)),
      longitude: opt(value(108.45, 181, -180)),
    },
    { requiredKeys: [] },
  );
  const deviceRec = fc.record(
    {
      name: value(...DEVICE_NAMES),
      role: value('router', 'switch', 'firewall', 'server', 'toaster'),
      unit: value(...UNIT_CODES),
      site: opt(value(...SITE_CODES)),
      managementAddress: opt(
        value('198.51.100.9', '2001:db8::9', '198.51.100.300', '::ffff:1.2.3.4'),
      ),
      status: opt(value('planned', 'active', 'decommissioned')),
      snmp: opt(
        fc.record(
          {
            version: value('v2c', 'v3', 'none', 'v1'),
            community: opt(value('fz-community')),
            username: opt(value('netwatch')),
            authProtocol: opt(value('sha256', 'md5', 'sha1024')),
            authKey: opt(value('auth-key-123', 'short')),
            privProtocol: opt(value('aes', 'des', 'rot13')),
            privKey: opt(value('priv-key-456')),
          },
          { requiredKeys: [] },
        ),
      ),
      interfaces: opt(
        fc.array(
          fc.record(
            {
              name: value('Gi0/0', 'Gi0/1'),
              ifIndex: opt(value(1, 2, -1, 2 ** 31)),
              macAddress: opt(value('00:00:5e:00:53:09', 'zz')),
              speedKbps: opt(value(1000000, -5)),
              enabled: opt(value(true, false, 'yes')),
              addresses: opt(
                fc.array(value('198.51.100.9/24', '2001:db8::9/64', '1.2.3/8'), { maxLength: 2 }),
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: [] },
  );
  const serviceRec = fc.record(
    {
      kind: value('website', 'dns_zone', 'mail', 'api'),
      hostname: value('www.fz.example', 'fz.example', 'xn--', '-bad-.example'),
      name: value('Dịch vụ thử'),
      unit: value(...UNIT_CODES),
      url: opt(value('https://www.fz.example', 'javascript:alert(1)')),
      criticality: opt(value('low', 'high', 'extreme')),
      ipv6Required: opt(value(true, false)),
      contacts: opt(
        fc.array(
          fc.record({
            email: value('nguyen.van.an@tn.example', 'nobody@fz.example', 'not-an-email'),
            role: value('technical', 'responsible_official', 'boss'),
          }),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: [] },
  );
  const circuitRec = fc.record(
    {
      cid: value('FZ-CID-1', 'VNPT-TN-0001'),
      provider: value('VNPT', 'Viettel'),
      type: value('internet', 'mpls', 'carrier pigeon'),
      rateKbps: opt(value(100000, 0, -1)),
      unit: opt(value(...UNIT_CODES)),
      a: opt(
        fc.record(
          { device: value(...DEVICE_NAMES), interface: value('Gi0/0') },
          { requiredKeys: [] },
        ),
      ),
      installDate: opt(value('2020-01-15', '2020-13-45', 'yesterday')),
      slaTargetPercent: opt(value(99.5, 101, -3)),
    },
    { requiredKeys: [] },
  );
  const prefixRec = fc.record(
    {
      prefix: value('198.51.100.0/25', '2001:db8:ff::/48', '198.51.100.7/24', '10.0.0.0/33'),
      status: opt(value('active', 'container', 'gone')),
      unit: opt(value(...UNIT_CODES)),
    },
    { requiredKeys: [] },
  );
  const document = fc.record(
    {
      version: fc.oneof(fc.constant(1), scalar),
      units: fc.array(unitRec, { maxLength: 4 }),
      sites: fc.array(siteRec, { maxLength: 2 }),
      devices: fc.array(deviceRec, { maxLength: 2 }),
      services: fc.array(serviceRec, { maxLength: 3 }),
      circuits: fc.array(circuitRec, { maxLength: 2 }),
      prefixes: fc.array(prefixRec, { maxLength: 3 }),
      unknownSection: fc.option(fc.array(fc.string()), { nil: undefined, freq: 6 }),
    },
    { requiredKeys: [] },
  );

  it('generated YAML documents (right shape, random values): imported, or refused with located problems and nothing written', async () => {
    const before = { ...tally };
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        const text = yamlStringify(doc, { lineWidth: 0 });
        await tryImport([{ name: 'fuzz.yaml', content: Buffer.from(text) }]);
      }),
      { numRuns: 80, seed: SEEDS.importShapes, endOnFailure: true },
    );
    expect(tally.imported).toBeGreaterThan(before.imported);
    expect(tally.refused).toBeGreaterThan(before.refused);
  });

  it('generated CSV files (every type, right columns, random cells): imported, or refused with located problems and nothing written', async () => {
    const csvFile = fc.constantFrom(...Object.values(SPECS)).chain((spec) =>
      fc
        .tuple(
          // The header: the real columns (in any order, some dropped), sometimes an unknown one.
          fc.shuffledSubarray(
            spec.fields.map((f) => f.column),
            { minLength: 1 },
          ),
          fc.option(fc.string({ maxLength: 8 }), { nil: undefined, freq: 8 }),
          fc.array(
            fc.array(
              fc.oneof(
                {
                  weight: 3,
                  arbitrary: fc.constantFrom('', ...UNIT_CODES, ...DEVICE_NAMES, ...SITE_CODES),
                },
                { weight: 2, arbitrary: nasty },
                { weight: 1, arbitrary: scalar.map((v) => String(v)) },
              ),
              { minLength: 0, maxLength: spec.fields.length + 2 },
            ),
            { maxLength: 4 },
          ),
        )
        .map(([columns, extra, rows]) => {
          const header = extra === undefined ? columns : [...columns, extra];
          const body = rows.map((r) => header.map((_c, i) => r[i] ?? ''));
          return {
            name: spec.csvFile,
            content: Buffer.from(csvStringify([header, ...body])),
          };
        }),
    );
    const before = { ...tally };
    await fc.assert(
      fc.asyncProperty(fc.array(csvFile, { minLength: 1, maxLength: 3 }), async (files) => {
        const unique = [...new Map(files.map((f) => [f.name, f])).values()];
        await tryImport(unique);
      }),
      { numRuns: 80, seed: SEEDS.importShapes + 1, endOnFailure: true },
    );
    expect(tally.refused).toBeGreaterThan(before.refused);
  });

  it('refusals located their problems: most name a line', () => {
    expect(tally.withLine / Math.max(tally.problems, 1)).toBeGreaterThan(0.8);
  });
});
