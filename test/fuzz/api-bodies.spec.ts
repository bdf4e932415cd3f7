import fc from 'fast-check';

// Saving a notification channel resolves its host (the outbound rule). Mutated bodies make up
// host names; they must never reach this machine's resolver: every name is loopback here.
jest.mock('node:dns/promises', () => ({
  ...jest.requireActual<typeof import('node:dns/promises')>('node:dns/promises'),
  lookup: jest.fn(async () => [{ address: '127.0.0.2', family: 4 }]),
}));
import { Client } from 'pg';
import request, { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { byteMutation, mutateBytes, SEEDS } from './mutations';
import { expectErrorShape } from './support';

/**
 * API bodies, random and mutated, against the real service on its own database: for POST and
 * PATCH of units, services, devices (with SNMP), circuits, incidents, notification channels and
 * routes, maintenance windows, report runs and the JSON import: `anything` (deep nesting, huge
 * strings, __proto__/constructor keys, wrong types), valid bodies with one field broken, and
 * broken JSON text. Every answer is below 500; a 4xx has the {error, message, details[]} shape and
 * leaves every table as it was; Object.prototype stays clean; the process keeps answering.
 */

type Json = Record<string, unknown>;

interface Route {
  method: 'post' | 'patch';
  path: string;
  /** A body the route accepts (for the mutations to start from). */
  valid: Json;
  /** Accepting a body is slow here (a report run): the valid body is not sent on purpose. */
  slow?: boolean;
}

/** Body text that prints short in a counterexample (some are megabytes long). */
class Body {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    const t = this.text;
    return t.length > 400
      ? `${JSON.stringify(t.slice(0, 400))}… (${t.length} characters)`
      : JSON.stringify(t);
  }
}

const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
];

/** Tables written by the service itself, whatever the request (sign-in bookkeeping, audit). */
const UNWATCHED = /^(audit|api_tokens|sessions|user_sessions)/;

describe('fuzzing API bodies', () => {
  let t: TestApp;
  let db: Client;
  let tables: string[];
  let baseline: string;
  let routes: Route[];
  const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
  const tally = { accepted: 0, refused: 0, byStatus: new Map<number, number>() };

  /** Every watched table as one text: row counts and a digest of all rows, in one query. */
  async function snapshot(): Promise<string> {
    const sql = tables
      .map(
        (table) =>
          `SELECT '${table}' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM "${table}" x`,
      )
      .join(' UNION ALL ');
    const { rows } = await db.query<{ t: string; n: string; d: string }>(sql);
    return rows.map((r) => `${r.t}: ${r.n} rows, md5 ${r.d}`).join('\n');
  }

  async function send(
    route: Route,
    body: string,
    contentType = 'application/json',
  ): Promise<Response> {
    return request(t.http)[route.method](route.path).set('content-type', contentType).send(body);
  }

  /** One request; checks the contract, and that a refusal wrote nothing. */
  async function check(route: Route, body: string, contentType?: string): Promise<void> {
    const res = await send(route, body, contentType);
    tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
    const what = `${route.method.toUpperCase()} ${route.path} with ${body.slice(0, 200)}`;
    if (res.status >= 500) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
    if (res.status < 300) {
      tally.accepted++;
      baseline = await snapshot();
      return;
    }
    expect(res.status).toBeGreaterThanOrEqual(400);
    expectErrorShape(res, what);
    tally.refused++;
    const now = await snapshot();
    if (now !== baseline) throw new Error(`${what}: refused (${res.status}) but wrote:\n${now}`);
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    const ok = async (path: string, body: Json): Promise<Json> => {
      const res = await request(t.http).post(path).send(body);
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`setup ${path}: ${res.status} ${res.text}`);
      return res.body as Json;
    };
    const unit = await ok('/api/units', { code: 'FZ', kind: 'province', name: 'Tỉnh Thử' });
    const site = await ok('/api/sites', {
      code: 'FZ-S',
      name: 'Trạm',
      kind: 'office',
      unitId: unit.id,
    });
    const device = await ok('/api/devices', {
      name: 'fz-rt01',
      role: 'router',
      unitId: unit.id,
      siteId: site.id,
      managementAddress: '127.0.0.1',
      snmp: { version: 'v2c', community: 'fz-community' },
    });
    const service = await ok('/api/services', {
      kind: 'website',
      hostname: 'www.fz.example',
      name: 'Cổng thử',
      unitId: unit.id,
    });
    const circuit = await ok('/api/circuits', {
      cid: 'FZ-CID-1',
      provider: 'VNPT',
      type: 'internet',
      unitId: unit.id,
      zSiteId: site.id,
    });
    const incident = await ok('/api/incidents', {
      title: 'Mất kết nối',
      severity: 2,
      category: 'outage',
    });
    const channel = await ok('/api/notification-channels', {
      name: 'fz-hook',
      kind: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook', template: 'netwatch' },
      secret: { hmacKey: 'fuzz-hmac-key-0123456789' },
    });
    const route = await ok('/api/notification-routes', {
      name: 'fz-route',
      channelId: channel.id,
      events: ['opened'],
    });

    routes = [
      {
        method: 'post',
        path: '/api/units',
        valid: { code: 'FZ-N', kind: 'district', name: 'Huyện', parentId: unit.id },
      },
      {
        method: 'patch',
        path: `/api/units/${String(unit.id)}`,
        valid: { name: 'Tỉnh Thử Mới', description: null },
      },
      {
        method: 'post',
        path: '/api/services',
        valid: {
          kind: 'dns_zone',
          hostname: 'fz.example',
          name: 'Vùng',
          unitId: unit.id,
          criticality: 'high',
        },
      },
      {
        method: 'patch',
        path: `/api/services/${String(service.id)}`,
        valid: { ipv6Required: true },
      },
      {
        method: 'post',
        path: '/api/devices',
        valid: {
          name: 'fz-sw01',
          role: 'switch',
          unitId: unit.id,
          managementAddress: '127.0.0.2',
          snmp: {
            version: 'v3',
            username: 'netwatch',
            authProtocol: 'sha256',
            authKey: 'auth-key-123',
            privProtocol: 'aes',
            privKey: 'priv-key-456',
          },
        },
      },
      {
        method: 'patch',
        path: `/api/devices/${String(device.id)}`,
        valid: { snmp: { version: 'v2c', community: 'fz-community-2' }, model: 'ISR' },
      },
      {
        method: 'post',
        path: '/api/circuits',
        valid: {
          cid: 'FZ-CID-2',
          provider: 'Viettel',
          type: 'mpls',
          unitId: unit.id,
          rateKbps: 1000,
        },
      },
      {
        method: 'patch',
        path: `/api/circuits/${String(circuit.id)}`,
        valid: { slaTargetPercent: 99.9 },
      },
      {
        method: 'post',
        path: '/api/incidents',
        valid: { title: 'Chậm', severity: 3, category: 'other', assignee: 'noc' },
      },
      {
        method: 'patch',
        path: `/api/incidents/${String(incident.id)}`,
        valid: { title: 'Mất kết nối (2)' },
      },
      {
        method: 'patch',
        path: `/api/incidents/${String(incident.id)}/status`,
        valid: { status: 'acknowledged' },
      },
      {
        method: 'post',
        path: `/api/incidents/${String(incident.id)}/notes`,
        valid: { text: 'Đang xử lý' },
      },
      {
        method: 'post',
        path: '/api/notification-channels',
        valid: { name: 'fz-hook-2', kind: 'webhook', config: { url: 'http://127.0.0.1:9/other' } },
      },
      {
        method: 'patch',
        path: `/api/notification-channels/${String(channel.id)}`,
        valid: { enabled: false },
      },
      {
        method: 'post',
        path: '/api/notification-routes',
        valid: { name: 'fz-route-2', channelId: channel.id, events: ['resolved'] },
      },
      {
        method: 'patch',
        path: `/api/notification-routes/${String(route.id)}`,
        valid: { maxSeverity: 2 },
      },
      {
        method: 'post',
        path: '/api/maintenance-windows',
        valid: {
          name: 'Bảo trì',
          target: { kind: 'unit_subtree', unit: 'FZ' },
          schedule: {
            kind: 'one_off',
            startsAt: '2030-01-01T00:00:00Z',
            endsAt: '2030-01-01T02:00:00Z',
          },
        },
      },
      {
        method: 'post',
        path: '/api/reports/runs',
        valid: { from: '2030-01-01T00:00:00Z', to: '2030-02-01T00:00:00Z', formats: ['pdf'] },
        slow: true,
      },
      {
        method: 'post',
        path: '/api/inventory/import',
        valid: {
          dryRun: true,
          files: [{ name: 'units.csv', content: 'code,kind,name\nFZ-I,other,I\n' }],
        },
      },
    ];

    tables = (
      await db.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
          ORDER BY table_name`,
      )
    ).rows
      .map((r) => r.name)
      .filter((n) => !UNWATCHED.test(n));
    baseline = await snapshot();
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  // -------------------------------------------------------------------------------------------
  // Bodies

  const key = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 10 }) },
    { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'name',
        'code',
        'kind',
        'unitId',
        'snmp',
        'config',
        'secret',
        'target',
        'schedule',
        'files',
        'status',
        'severity',
        'title',
      ),
    },
  );
  const anything = fc.anything({
    key,
    maxDepth: 4,
    maxKeys: 6,
    withBoxedValues: false,
    withNullPrototype: true,
    withObjectString: true,
  });
  /** A hostile value as JSON text (text, so nesting can go deeper than JSON.stringify does). */
  const hostile: fc.Arbitrary<string> = fc.oneof(
    anything.map((v) => JSON.stringify(v) ?? 'null'),
    fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => JSON.stringify('x'.repeat(n))),
    fc.integer({ min: 500, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 500, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    fc.constantFrom(
      '-0',
      '1e308',
      '-1e308',
      '1e400',
      String(2 ** 53 + 1),
      '0.1',
      '""',
      '"0"',
      '"true"',
      '"null"',
      '"2030-02-30T00:00:00Z"',
      '"\\u0000"',
      '"\\ud800"',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"toString":1,"valueOf":1}',
    ),
  );

  const HOLE = '\u0001hole\u0001';

  /** The body as JSON text: a value, a valid body with a field replaced or added, or pollution. */
  const bodyText = (route: Route): fc.Arbitrary<Body> =>
    fc
      .oneof(
        { weight: 3, arbitrary: anything.map((v) => JSON.stringify(v) ?? 'null') },
        {
          weight: 4,
          arbitrary: fc
            .tuple(
              fc.constantFrom(...Object.keys(route.valid), ...PROTO_KEYS, 'colour'),
              hostile,
              fc.boolean(),
            )
            .map(([field, text, nested]) => {
              const body: Json = JSON.parse(JSON.stringify(route.valid)) as Json;
              const inner = Object.values(body).find(
                (x): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x),
              );
              const target = nested && inner ? inner : body;
              // defineProperty: an own "__proto__" key, as JSON.parse makes it.
              Object.defineProperty(target, field, {
                value: HOLE,
                enumerable: true,
                writable: true,
                configurable: true,
              });
              return JSON.stringify(body).replace(JSON.stringify(HOLE), () => text);
            }),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '{"__proto__":{"polluted":1,"isAdmin":true}}',
            '{"constructor":{"prototype":{"polluted":1}}}',
            `{"__proto__":{"polluted":1},${JSON.stringify(route.valid).slice(1)}`,
            `${JSON.stringify(route.valid).slice(0, -1)},"__proto__":{"polluted":1}}`,
            `${JSON.stringify(route.valid).slice(0, -1)},"constructor":{"prototype":{"polluted":1}}}`,
          ),
        },
        {
          weight: 1,
          arbitrary: fc
            .array(byteMutation, { minLength: 1, maxLength: 3 })
            .map((ms) =>
              mutateBytes(Buffer.from(JSON.stringify(route.valid)), ms).toString('latin1'),
            ),
        },
      )
      .map((text) => new Body(text));

  it('prerequisites exist and the valid bodies are accepted (the mutations start from real requests)', async () => {
    for (const route of routes.filter((r) => !r.slow)) {
      const res = await send(route, JSON.stringify(route.valid));
      expect({ route: route.path, status: res.status, body: res.body as unknown }).toMatchObject({
        status: expect.any(Number) as number,
      });
      expect([route.path, res.status < 300]).toEqual([route.path, true]);
    }
    baseline = await snapshot();
  });

  it('random and mutated JSON bodies: never a 500, the error shape on every 4xx, nothing written by a refusal', async () => {
    for (const [i, route] of routes.entries()) {
      await fc.assert(
        fc.asyncProperty(bodyText(route), async (body) => check(route, body.text)),
        { numRuns: 100, seed: SEEDS.api + i, endOnFailure: true },
      );
    }
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.accepted).toBeGreaterThan(0);
    // 1,900 requests: about 12 s alone, three times that on a loaded CI machine.
  }, 180_000);

  it('wrong content types and non-JSON text: a 4xx (never a 500), nothing written', async () => {
    const types = fc.constantFrom(
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/yaml',
      'text/csv',
      '',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(routes.length - 1),
        types,
        fc.oneof(fc.string({ maxLength: 200 }), fc.constant('a=1&b[__proto__][x]=1')),
        async (i, type, text) => {
          const route = routes[i];
          // Raw YAML/CSV import bodies: the import suite. An unparsed body is an empty one, and
          // an empty report request is a valid one (it would generate a report).
          if (route.path === '/api/inventory/import' && /yaml|csv/.test(type)) return;
          if (route.slow) return;
          await check(route, text, type);
        },
      ),
      { numRuns: 150, seed: SEEDS.api - 1, endOnFailure: true },
    );
  });

  // Cases the properties found (500s before the fix in src/common/validation.ts), and their kin.
  describe('regressions', () => {
    const route = (path: string): Route => {
      const r = routes.find((x) => x.path === path);
      if (!r) throw new Error(`no route ${path}`);
      return r;
    };
    const refused = async (r: Route, body: string, field: string, message: RegExp) => {
      const res = await send(r, body);
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({
        status: 400,
        body: {
          error: 'validation_failed',
          details: [{ field, message: expect.stringMatching(message) as string }],
        },
      });
      expect(await snapshot()).toBe(baseline);
    };

    it('a body nested thousands of levels deep is a 400 naming the field, not a stack overflow', async () => {
      const deep = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
      await refused(
        route('/api/units'),
        `{"code":"FZ-D","kind":"other","name":"D","description":${deep}}`,
        '(body)',
        /nested more than 32 levels/,
      );
      await refused(
        route('/api/reports/runs'),
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        '(body)',
        /nested more than 32 levels/,
      );
    });

    it('U+0000 in a text field is a 400 naming the field, not a database error', async () => {
      await refused(
        route('/api/units'),
        '{"code":"FZ-Z","kind":"other","name":"a\\u0000b"}',
        'name',
        /must not contain the character U\+0000/,
      );
      await refused(
        route('/api/devices'),
        '{"name":"fz-z","role":"router","unitId":"00000000-0000-4000-8000-000000000000","snmp":{"version":"v2c","community":"c\\u0000"}}',
        'snmp.community',
        /U\+0000/,
      );
    });

    it('a "constructor" or "__proto__" key is an unknown field, not silently dropped', async () => {
      await refused(
        route('/api/reports/runs'),
        '{"constructor":{"prototype":{"polluted":1}}}',
        'constructor',
        /is not a known field/,
      );
      await refused(
        route('/api/reports/runs'),
        '{"__proto__":{"polluted":1}}',
        '__proto__',
        /is not a known field/,
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('maintenance windows (validated by hand): objects where text or numbers are expected, U+0000', async () => {
      const r = route('/api/maintenance-windows');
      const valid = r.valid as { schedule: Json; target: Json };
      for (const body of [
        { ...r.valid, schedule: { ...valid.schedule, startsAt: { toString: 1, valueOf: 1 } } },
        {
          ...r.valid,
          schedule: {
            kind: 'recurring',
            daysOfWeek: [{ valueOf: 1, toString: 1 }],
            startTime: { toString: 1 },
            durationMinutes: 60,
          },
        },
        { ...r.valid, name: 'a\u0000b' },
        { ...r.valid, target: { kind: 'unit_subtree', unit: 'F\u0000Z' } },
      ]) {
        const res = await send(r, JSON.stringify(body));
        expect({ body: JSON.stringify(body), status: res.status }).toEqual({
          body: JSON.stringify(body),
          status: 400,
        });
        expectErrorShape(res, 'maintenance window');
        expect(await snapshot()).toBe(baseline);
      }
    });

    it('an import whose YAML or CSV carries U+0000 in a value: refused, naming file, line and field', async () => {
      const r = route('/api/inventory/import');
      for (const file of [
        {
          name: 'nul.yaml',
          content: 'units:\n  - code: FZ-NUL\n    kind: other\n    name: "a\\0b"\n',
          field: 'units[0].name',
        },
        { name: 'units.csv', content: 'code,kind,name\nFZ-NUL,other,a\u0000b\n', field: 'name' },
      ]) {
        const res = await send(
          r,
          JSON.stringify({
            // base64: the bytes reach the importer as they are (the JSON form refuses U+0000 earlier).
            files: [
              {
                name: file.name,
                content: Buffer.from(file.content).toString('base64'),
                encoding: 'base64',
              },
            ],
          }),
        );
        expect({ file: file.name, status: res.status, body: res.body as unknown }).toMatchObject({
          status: 400,
          body: {
            details: [{ file: file.name, line: expect.any(Number) as number, field: file.field }],
          },
        });
        expect(await snapshot()).toBe(baseline);
      }
    });
  });

  it('the service still answers after all that', async () => {
    const res = await request(t.http).get('/api/units');
    expect(res.status).toBe(200);
  });
});
