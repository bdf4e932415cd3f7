import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ChecksConfig, loadChecksConfig } from '../../../src/monitoring/checks/checks-config';
import { syncChecks, SyncResult } from '../../../src/monitoring/checks/sync';
import { startTestApp, TestApp } from '../../support/app';

/**
 * The checks of the example province (config/inventory/lamdong.example.yaml), reconciled in the
 * real database after inventory changes made through the real API.
 *
 * Expected counts, from the example: 33 active websites, 3 public services, 1 active "other"
 * service (a second is planned), 1 mail domain, 1 DNS zone; 25 active devices with a management
 * address, 12 of them with SNMP; 10 active circuits ending on an interface of a device with SNMP
 * (3 more end on sites only, 1 is decommissioned, 1 planned).
 */
const EXPECTED_BY_KIND: Record<string, number> = {
  dnssec: 33 + 3 + 1, // websites, public services, the zone
  'ipv6-web': 33 + 3,
  http: (33 + 3 + 1) * 2,
  tls: (33 + 3 + 1) * 2,
  'ipv6-mail': 1,
  smtp: 2,
  'ns-ipv6': 1,
  icmp: 25,
  snmp: 12 + 10,
};
const EXPECTED_TOTAL = Object.values(EXPECTED_BY_KIND).reduce((a, b) => a + b, 0);

let t: TestApp;
let ds: DataSource;
let config: ChecksConfig;
const timings: number[] = [];

beforeAll(async () => {
  t = await startTestApp({}, { loadExample: true });
  ds = t.app.get(DataSource);
  config = loadChecksConfig({ env: {} });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

function http(): ReturnType<typeof request> {
  return request(t.http);
}

async function sync(): Promise<SyncResult> {
  const result = await syncChecks(ds, config);
  timings.push(result.durationMs);
  return result;
}

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const rows = await ds.query<T[]>(sql, params);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql}`);
  return rows[0];
}

interface Row {
  key: string;
  kind: string;
  family: number | null;
  target: Record<string, unknown>;
  settings: Record<string, unknown>;
  enabled: boolean;
  interval_seconds: number;
  updated_at: Date;
}

async function checksOf(objectId: string): Promise<Row[]> {
  return ds.query<Row[]>(
    `SELECT key, kind, family, target, settings, enabled, interval_seconds, updated_at
       FROM checks WHERE object_id = $1 ORDER BY key`,
    [objectId],
  );
}

describe('the example province', () => {
  it('first sync creates the default checks of every object', async () => {
    const result = await sync();
    expect(result).toMatchObject({
      created: EXPECTED_TOTAL,
      updated: 0,
      removed: 0,
      total: EXPECTED_TOTAL,
      custom: 0,
      problems: [],
    });
    const byKind = await ds.query<{ kind: string; n: number }[]>(
      `SELECT kind, count(*)::int AS n FROM checks GROUP BY kind`,
    );
    expect(Object.fromEntries(byKind.map((r) => [r.kind, r.n]))).toEqual(EXPECTED_BY_KIND);
  });

  it('every active website gets http and tls over both families, ipv6-web and dnssec', async () => {
    const rows = await ds.query<{ hostname: string; kinds: string[] }[]>(
      `SELECT s.hostname, array_agg(c.kind || coalesce(':' || c.family, '') ORDER BY 1) AS kinds
         FROM services s LEFT JOIN checks c ON c.object_id = s.id
        WHERE s.kind = 'website' AND s.status = 'active'
        GROUP BY s.hostname`,
    );
    expect(rows).toHaveLength(33);
    for (const row of rows) {
      expect([row.hostname, [...row.kinds].sort()]).toEqual([
        row.hostname,
        ['dnssec', 'http:4', 'http:6', 'ipv6-web', 'tls:4', 'tls:6'],
      ]);
    }
  });

  it('a device with SNMP gets snmp (no credentials in the check); one without gets icmp only', async () => {
    const rt = await one<{ id: string }>(`SELECT id FROM devices WHERE name = 'tthc-core-rt01'`);
    expect((await checksOf(rt.id)).map((c) => [c.kind, c.family, c.target])).toEqual([
      ['icmp', 4, { deviceId: rt.id, address: '198.51.100.241' }],
      ['snmp', 4, { deviceId: rt.id, address: '198.51.100.241' }],
    ]);
    const plain = await one<{ id: string }>(
      `SELECT id FROM devices WHERE status = 'active' AND snmp_version = 'none'
         AND management_address IS NOT NULL ORDER BY name LIMIT 1`,
    );
    expect((await checksOf(plain.id)).map((c) => c.kind)).toEqual(['icmp']);
    const text = await one<{ all: string }>(
      `SELECT string_agg(target::text || settings::text, ' ') AS all FROM checks`,
    );
    expect(text.all).not.toMatch(/example-(auth|priv)-key|example-ro-|community|snmp_secret/);
  });

  it('a circuit gets snmp on its terminating interface with its contracted rate', async () => {
    const c = await one<{ id: string }>(`SELECT id FROM circuits WHERE cid = 'VNPT-LD-TSL-0001'`);
    const [check] = await checksOf(c.id);
    expect(check).toMatchObject({
      key: `circuit:${c.id}:snmp`,
      kind: 'snmp',
      target: {
        address: '198.51.100.241',
        interface: { name: 'GigabitEthernet0/0/0', ifIndex: 1, end: 'a' },
      },
      settings: { contractedRateKbps: { '1': 100_000 }, watchInterfaces: [1] },
    });
    // MPLS to Đà Lạt: A is a site, Z the core router's sub-interface.
    const mpls = await one<{ id: string }>(
      `SELECT id FROM circuits WHERE cid = 'VNPT-LD-MPLS-0201'`,
    );
    expect((await checksOf(mpls.id))[0]).toMatchObject({
      target: { interface: { name: 'GigabitEthernet0/0/3.201', ifIndex: 21, end: 'z' } },
      settings: { contractedRateKbps: { '21': 50_000 } },
    });
  });

  it('decommissioned and planned objects, and site-only circuits, get none', async () => {
    const none = await ds.query<{ what: string }[]>(
      `SELECT 'device ' || name AS what FROM devices d
        WHERE status <> 'active' AND EXISTS (SELECT 1 FROM checks c WHERE c.object_id = d.id)
       UNION ALL
       SELECT 'circuit ' || cid FROM circuits k
        WHERE (status <> 'active' OR (a_interface_id IS NULL AND z_interface_id IS NULL))
          AND EXISTS (SELECT 1 FROM checks c WHERE c.object_id = k.id)
       UNION ALL
       SELECT 'service ' || hostname FROM services s
        WHERE status <> 'active' AND EXISTS (SELECT 1 FROM checks c WHERE c.object_id = s.id)`,
    );
    expect(none).toEqual([]);
    const counts = await one<{ devices: number; circuits: number; services: number }>(
      `SELECT (SELECT count(*)::int FROM devices WHERE status <> 'active') AS devices,
              (SELECT count(*)::int FROM circuits WHERE status <> 'active') AS circuits,
              (SELECT count(*)::int FROM services WHERE status <> 'active') AS services`,
    );
    expect(counts).toEqual({ devices: 2, circuits: 2, services: 1 });
  });

  it('re-syncing changes nothing', async () => {
    const before = await one<{ max: Date }>(`SELECT max(updated_at) AS max FROM checks`);
    for (let i = 0; i < 3; i++) {
      expect(await sync()).toMatchObject({ created: 0, updated: 0, removed: 0 });
    }
    const after = await one<{ max: Date }>(`SELECT max(updated_at) AS max FROM checks`);
    expect(after.max).toEqual(before.max);
  });
});

describe('inventory edits change the checks', () => {
  it('PATCH a website hostname and URL: its checks are updated in place, keys kept', async () => {
    const s = await one<{ id: string }>(
      `SELECT id FROM services WHERE kind = 'website' AND hostname = 'mail.lamdong.gov.vn'`,
    );
    const before = await checksOf(s.id);
    await http()
      .patch(`/api/services/${s.id}`)
      .send({ hostname: 'webmail.lamdong.gov.vn', url: 'https://webmail.lamdong.gov.vn/owa' })
      .expect(200);
    expect(await sync()).toMatchObject({ created: 0, updated: 6, removed: 0 });
    const after = await checksOf(s.id);
    expect(after.map((c) => c.key)).toEqual(before.map((c) => c.key));
    expect(after.find((c) => c.kind === 'http')?.target).toEqual({
      url: 'https://webmail.lamdong.gov.vn/owa',
      host: 'webmail.lamdong.gov.vn',
    });
    expect(after.find((c) => c.kind === 'dnssec')?.target).toEqual({
      name: 'webmail.lamdong.gov.vn',
      type: 'A',
    });
  });

  it('PATCH a zone to DNSSEC not required: only its dnssec check changes', async () => {
    const z = await one<{ id: string }>(
      `SELECT id FROM services WHERE kind = 'dns_zone' AND hostname = 'lamdong.gov.vn'`,
    );
    await http().patch(`/api/services/${z.id}`).send({ dnssecRequired: false }).expect(200);
    expect(await sync()).toMatchObject({ created: 0, updated: 1, removed: 0 });
    const dnssec = (await checksOf(z.id)).find((c) => c.kind === 'dnssec');
    expect(dnssec?.settings.dnssecRequired).toBe(false);
  });

  it('DELETE a device: its checks go; a custom check on it stays', async () => {
    const d = await one<{ id: string; unit_id: string }>(
      `SELECT d.id, d.unit_id FROM devices d
        WHERE d.status = 'active' AND d.snmp_version = 'v2c' AND d.role = 'switch'
          AND NOT EXISTS (SELECT 1 FROM interfaces i JOIN circuits c
                            ON i.id IN (c.a_interface_id, c.z_interface_id) WHERE i.device_id = d.id)
        ORDER BY d.name LIMIT 1`,
    );
    await ds.query(
      `INSERT INTO checks (key, object_type, object_id, unit_id, kind, family, target, settings,
                           interval_seconds, timeout_ms, origin)
       VALUES ($1, 'device', $2, $3, 'tcp', 4, '{"deviceId":"x","address":"198.51.100.9"}',
               '{"port":22,"expectBanner":"^SSH-"}', 60, 5000, 'custom')`,
      [`custom:ssh-${d.id}`, d.id, d.unit_id],
    );
    expect((await checksOf(d.id)).map((c) => c.kind)).toEqual(['tcp', 'icmp', 'snmp']);
    await http().delete(`/api/devices/${d.id}`).expect(204);
    expect(await sync()).toMatchObject({ created: 0, updated: 0, removed: 2, custom: 1 });
    expect((await checksOf(d.id)).map((c) => c.key)).toEqual([`custom:ssh-${d.id}`]);
  });

  it('decommissioning a router removes its checks and those of the circuits ending on it', async () => {
    const rt = await one<{ id: string }>(`SELECT id FROM devices WHERE name = 'tthc-core-rt01'`);
    const circuits = await ds.query<{ id: string; cid: string }[]>(
      `SELECT c.id, c.cid FROM circuits c JOIN interfaces i ON i.id IN (c.a_interface_id, c.z_interface_id)
        WHERE i.device_id = $1 AND c.status = 'active' ORDER BY c.cid`,
      [rt.id],
    );
    expect(circuits.map((c) => c.cid)).toEqual([
      'VNPT-LD-MPLS-0201',
      'VNPT-LD-MPLS-0202',
      'VNPT-LD-TSL-0001',
      'VNPT-LD-VPN-0205',
    ]);
    await http().patch(`/api/devices/${rt.id}`).send({ status: 'decommissioned' }).expect(200);
    expect(await sync()).toMatchObject({ created: 0, updated: 0, removed: 2 + 4 });
    for (const c of circuits) expect(await checksOf(c.id)).toEqual([]);
    await http().patch(`/api/devices/${rt.id}`).send({ status: 'active' }).expect(200);
    expect(await sync()).toMatchObject({ created: 6, updated: 0, removed: 0 });
  });

  it('a new service gets its checks at the next sync', async () => {
    const unit = await one<{ id: string }>(`SELECT id FROM units WHERE code = 'STTTT'`);
    const res = await http()
      .post('/api/services')
      .send({
        kind: 'dns_zone',
        hostname: 'dalat.lamdong.gov.vn',
        name: 'Vùng dalat.lamdong.gov.vn',
        unitId: unit.id,
      })
      .expect(201);
    const id = (res.body as { id: string }).id;
    expect(await sync()).toMatchObject({ created: 2, updated: 0, removed: 0 });
    expect((await checksOf(id)).map((c) => c.key)).toEqual([
      `service:${id}:dnssec`,
      `service:${id}:ns-ipv6`,
    ]);
  });
});

describe('overrides', () => {
  let serviceId: string;
  let deviceId: string;
  beforeAll(async () => {
    serviceId = (
      await one<{ id: string }>(
        `SELECT id FROM services WHERE kind = 'website' AND hostname = 'www.lamdong.gov.vn'`,
      )
    ).id;
    deviceId = (await one<{ id: string }>(`SELECT id FROM devices WHERE name = 'tthc-core-rt02'`))
      .id;
  });
  afterAll(async () => {
    await ds.query(`DELETE FROM check_overrides`);
  });

  it('interval of one kind, one kind disabled, a whole object disabled', async () => {
    const due = await one<{ next_due_at: Date }>(`SELECT next_due_at FROM checks WHERE key = $1`, [
      `service:${serviceId}:http:6`,
    ]);
    await ds.query(
      `INSERT INTO check_overrides (object_type, object_id, kind, family, interval_seconds, disabled)
       VALUES ('service', $1, 'http', NULL, 20, NULL),
              ('service', $1, 'tls', 6, NULL, true),
              ('device', $2, NULL, NULL, NULL, true)`,
      [serviceId, deviceId],
    );
    expect(await sync()).toMatchObject({
      created: 0,
      updated: 2 + 1 + 2,
      removed: 0,
      problems: [],
    });
    const s = await checksOf(serviceId);
    expect(s.filter((c) => c.kind === 'http').map((c) => c.interval_seconds)).toEqual([20, 20]);
    expect(s.filter((c) => !c.enabled).map((c) => c.key)).toEqual([`service:${serviceId}:tls:6`]);
    expect((await checksOf(deviceId)).map((c) => c.enabled)).toEqual([false, false]);
    // A shorter interval brings the next run no later than one new interval away.
    const after = await one<{ next_due_at: Date; now: Date }>(
      `SELECT next_due_at, now() AS now FROM checks WHERE key = $1`,
      [`service:${serviceId}:http:6`],
    );
    expect(after.next_due_at.getTime()).toBeLessThanOrEqual(
      Math.max(due.next_due_at.getTime(), after.now.getTime() + 20_000),
    );
    expect(await sync()).toMatchObject({ created: 0, updated: 0, removed: 0 });
  });

  it('an override that does not fit is reported and skipped; removing overrides restores the defaults', async () => {
    await ds.query(
      `INSERT INTO check_overrides (object_type, object_id, kind, settings)
       VALUES ('service', $1, 'dnssec', '{"expiryWarningDays": "soon"}')`,
      [serviceId],
    );
    const result = await sync();
    expect(result).toMatchObject({ created: 0, updated: 0, removed: 0 });
    expect(result.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^override service:${serviceId}:dnssec not applied to service:${serviceId}:dnssec: settings\\.expiryWarningDays: must be an integer`,
        ),
      ),
    ]);
    await ds.query(`DELETE FROM check_overrides`);
    expect(await sync()).toMatchObject({ created: 0, updated: 5, removed: 0, problems: [] });
    const s = await checksOf(serviceId);
    expect(s.every((c) => c.enabled)).toBe(true);
    expect(s.find((c) => c.kind === 'http')?.interval_seconds).toBe(
      config.kinds.http.intervalSeconds,
    );
  });

  it('the table keeps one override per object, kind and family (NULL meaning all)', async () => {
    const insert = () =>
      ds.query(
        `INSERT INTO check_overrides (object_type, object_id, kind, family, disabled)
         VALUES ('service', $1, NULL, NULL, true)`,
        [serviceId],
      );
    await insert();
    await expect(insert()).rejects.toThrow(/check_overrides_scope_key/);
    await ds.query(`DELETE FROM check_overrides`);
  });
});

describe('custom checks and concurrency', () => {
  it('custom checks are never touched; their keys cannot look like derived ones', async () => {
    await ds.query(
      `INSERT INTO checks (key, kind, target, settings, interval_seconds, timeout_ms, origin)
       VALUES ('custom:national-resolver', 'dns-answer', '{"name":"dichvucong.gov.vn","type":"AAAA"}',
               '{"server":"203.0.113.53"}', 300, 10000, 'custom')`,
    );
    const before = await one<{ updated_at: Date }>(
      `SELECT updated_at FROM checks WHERE key = 'custom:national-resolver'`,
    );
    expect(await sync()).toMatchObject({ created: 0, updated: 0, removed: 0, custom: 2 });
    const after = await one<{ updated_at: Date }>(
      `SELECT updated_at FROM checks WHERE key = 'custom:national-resolver'`,
    );
    expect(after.updated_at).toEqual(before.updated_at);
    await expect(
      ds.query(
        `INSERT INTO checks (key, kind, target, interval_seconds, timeout_ms, origin)
         VALUES ('service:x:http:4', 'http', '{}', 60, 1000, 'custom')`,
      ),
    ).rejects.toThrow(/checks_key_matches_origin/);
  });

  it('two syncs at once create each check once', async () => {
    await ds.query(`DELETE FROM checks WHERE origin = 'default'`);
    const results = await Promise.all([sync(), sync(), sync()]);
    const total = results[0].total;
    expect(results.map((r) => r.created).sort((a, b) => b - a)).toEqual([total, 0, 0]);
    const n = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM checks WHERE origin = 'default'`,
    );
    expect(n.n).toBe(total);
  });

  it('is cheap enough to run every few seconds', async () => {
    const runs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await syncChecks(ds, config);
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    const median = runs[5];
    // Reported in the README; generous bound for a loaded CI machine.
    process.stdout.write(
      `checks sync on the example province: median ${median.toFixed(1)} ms, max ${runs[9].toFixed(1)} ms, first sync ${timings[0].toFixed(1)} ms\n`,
    );
    expect(median).toBeLessThan(500);
  });
});
