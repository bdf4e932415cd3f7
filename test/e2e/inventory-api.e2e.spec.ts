import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SecretBox } from '../../src/common/secret-box';
import { startTestApp, TestApp } from '../support/app';
import {
  ApiClient,
  ChangeLogRow,
  fieldsOf,
  ids,
  Json,
  Page,
  queryString,
  uniqueTag,
  UUID_PATTERN,
} from './api-client';

/** Behaviour users rely on beyond the per-resource contract. */

const RESOURCE_PATHS = [
  'units',
  'contacts',
  'sites',
  'devices',
  'interfaces',
  'vlans',
  'prefixes',
  'ip-addresses',
  'circuits',
  'services',
  'contact-roles',
];

let t: TestApp;
let api: ApiClient;

beforeAll(async () => {
  t = await startTestApp();
  api = new ApiClient(t.http);
});

afterAll(async () => {
  await t?.close();
});

async function withDb<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

async function rawText(url: string): Promise<string> {
  return (await api.expectStatus('get', url, 200)).text;
}

describe('unit subtree filter', () => {
  const tag = uniqueTag('ST');
  let province: Json;
  let baoLoc: Json;
  let locPhat: Json;
  let diLinh: Json;
  let devices: Record<string, string>;

  beforeAll(async () => {
    province = await api.unit(`${tag}P`, { kind: 'province', name: 'Tỉnh Lâm Đồng' });
    baoLoc = await api.unit(`${tag}BL`, {
      kind: 'district',
      name: 'Thành phố Bảo Lộc',
      parentId: province.id,
    });
    locPhat = await api.unit(`${tag}LP`, {
      kind: 'commune',
      name: 'Phường Lộc Phát',
      parentId: baoLoc.id,
    });
    diLinh = await api.unit(`${tag}DL`, {
      kind: 'district',
      name: 'Huyện Di Linh',
      parentId: province.id,
    });
    const gungRe = await api.unit(`${tag}GR`, {
      kind: 'commune',
      name: 'Xã Gung Ré',
      parentId: diLinh.id,
    });
    devices = {};
    for (const [key, unit] of Object.entries({ province, baoLoc, locPhat, diLinh, gungRe })) {
      devices[key] = String((await api.device(`${tag}${key}`, unit.id)).id);
    }
  });

  it('returns devices of the district and its communes, not of sibling districts', async () => {
    const byCode = await api.list('devices', { unit: String(baoLoc.code), sort: 'name' });
    expect(ids(byCode).sort()).toEqual([devices.baoLoc, devices.locPhat].sort());
    expect(byCode.total).toBe(2);
    const byId = await api.list('devices', { unit: String(baoLoc.id) });
    expect(ids(byId).sort()).toEqual(ids(byCode).sort());
    expect(ids(await api.list('devices', { unit: String(locPhat.code) }))).toEqual([
      devices.locPhat,
    ]);
    expect((await api.list('devices', { unit: String(province.code) })).total).toBe(5);
  });

  it('scopes interfaces and addresses through their device', async () => {
    const inside = await api.iface(devices.locPhat, 'eth0');
    const outside = await api.iface(devices.diLinh, 'eth0');
    const address = await api.create('ip-addresses', {
      address: '203.0.113.77/24',
      interfaceId: inside.id,
    });
    expect(ids(await api.list('interfaces', { unit: String(baoLoc.code) }))).toEqual([inside.id]);
    expect(ids(await api.list('interfaces', { unit: String(diLinh.code) }))).toEqual([outside.id]);
    expect(ids(await api.list('ip-addresses', { unit: String(baoLoc.code) }))).toEqual([
      address.id,
    ]);
    expect(ids(await api.list('ip-addresses', { unit: String(diLinh.code) }))).toEqual([]);
  });

  it('lists the unit itself and its descendants for unit=', async () => {
    const page = await api.list('units', { unit: String(baoLoc.code) });
    expect(ids(page).sort()).toEqual([String(baoLoc.id), String(locPhat.id)].sort());
  });

  it('works however deep the tree is (7 levels)', async () => {
    const kinds = ['province', 'department', 'sub_unit', 'district', 'commune', 'other', 'other'];
    const chain: Json[] = [];
    for (const [level, kind] of kinds.entries()) {
      chain.push(
        await api.unit(`${tag}L${level}`, {
          kind,
          name: `Cấp ${level}`,
          parentId: level ? chain[level - 1].id : undefined,
        }),
      );
    }
    const deepest = await api.device(`${tag}deep`, chain[6].id);
    const shallow = await api.device(`${tag}shallow`, chain[1].id);
    expect(ids(await api.list('devices', { unit: String(chain[0].code) })).sort()).toEqual(
      [deepest.id, shallow.id].sort(),
    );
    expect(ids(await api.list('devices', { unit: String(chain[2].code) }))).toEqual([deepest.id]);
    expect(ids(await api.list('devices', { unit: String(chain[6].code) }))).toEqual([deepest.id]);

    const tree = (await api.expectStatus('get', `/api/units/${String(chain[0].code)}/tree`, 200))
      .body as { code: string; children: unknown[] };
    const codes: string[] = [];
    let node: { code: string; children: unknown[] } | undefined = tree;
    while (node) {
      codes.push(node.code);
      expect(node.children.length).toBeLessThanOrEqual(1);
      node = node.children[0] as { code: string; children: unknown[] } | undefined;
    }
    expect(codes).toEqual(chain.map((u) => u.code));
    const shortened = (
      await api.expectStatus('get', `/api/units/${String(chain[0].id)}/tree?depth=1`, 200)
    ).body as { children: { children: unknown[] }[] };
    expect(shortened.children).toHaveLength(1);
    expect(shortened.children[0].children).toEqual([]);
  });

  it('answers 404 naming unit for an unknown unit, and 400 for types without a unit', async () => {
    const missing = await api.error('get', `/api/devices?unit=NO-SUCH-UNIT-${tag}`, 404);
    expect(fieldsOf(missing)).toEqual(['unit']);
    const scopeless = await api.error('get', `/api/contact-roles?unit=${String(baoLoc.code)}`, 400);
    expect(fieldsOf(scopeless)).toEqual(['unit']);
  });
});

describe('unit tree integrity', () => {
  const tag = uniqueTag('UT');

  it('refuses to move a unit under itself or one of its descendants (400 parentId)', async () => {
    const province = await api.unit(`${tag}P`, { kind: 'province' });
    const district = await api.unit(`${tag}D`, { kind: 'district', parentId: province.id });
    const commune = await api.unit(`${tag}C`, { kind: 'commune', parentId: district.id });
    const hamlet = await api.unit(`${tag}H`, { kind: 'other', parentId: commune.id });
    for (const target of [commune, hamlet, district]) {
      const error = await api.error('patch', `/api/units/${String(district.id)}`, 400, {
        parentId: target.id,
      });
      expect(error.error).toBe('validation_failed');
      expect(fieldsOf(error)).toEqual(['parentId']);
    }
    const error = await api.error('patch', `/api/units/${String(province.id)}`, 400, {
      parentId: hamlet.id,
    });
    expect(fieldsOf(error)).toEqual(['parentId']);
    expect((await api.get('units', String(district.id))).parentId).toBe(province.id);
    expect((await api.get('units', String(province.id))).parentId).toBeNull();
    const updates = (await api.changes('unit', String(district.id))).filter(
      (e) => e.action === 'update',
    );
    expect(updates).toEqual([]);
  });

  it('moves a subtree to a new parent, and the subtree filter follows', async () => {
    const province = await api.unit(`${tag}MP`, { kind: 'province' });
    const from = await api.unit(`${tag}MF`, { kind: 'district', parentId: province.id });
    const to = await api.unit(`${tag}MT`, { kind: 'district', parentId: province.id });
    const commune = await api.unit(`${tag}MC`, { kind: 'commune', parentId: from.id });
    const device = await api.device(`${tag}mv`, commune.id);
    expect(ids(await api.list('devices', { unit: String(to.code) }))).toEqual([]);
    await api.patch('units', String(commune.id), { parentId: to.id });
    expect(ids(await api.list('devices', { unit: String(to.code) }))).toEqual([device.id]);
    expect(ids(await api.list('devices', { unit: String(from.code) }))).toEqual([]);
  });

  it('keeps a unit a device still refers to when asked to delete it', async () => {
    const unit = await api.unit(`${tag}K`);
    const device = await api.device(`${tag}keep`, unit.id);
    const res = await api.send('delete', `/api/units/${String(unit.id)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await api.get('units', String(unit.id))).toEqual(unit);
    expect(await api.get('devices', String(device.id))).toEqual(device);
    expect((await api.changes('unit', String(unit.id))).map((e) => e.action)).toEqual(['create']);

    await api.expectStatus('delete', `/api/devices/${String(device.id)}`, 204);
    await api.expectStatus('delete', `/api/units/${String(unit.id)}`, 204);
    expect((await api.changes('unit', String(unit.id))).map((e) => e.action)).toEqual([
      'delete',
      'create',
    ]);
  });

  it('answers 409 conflict when deleting a unit a device still refers to', async () => {
    const unit = await api.unit(`${tag}R`);
    await api.device(`${tag}ref`, unit.id);
    const error = await api.error('delete', `/api/units/${String(unit.id)}`, 409);
    expect(error.error).toBe('conflict');
    expect(fieldsOf(error)).toEqual(['id']);
  });

  it('answers 409 conflict when deleting a unit that still has child units', async () => {
    const parent = await api.unit(`${tag}CP`, { kind: 'province' });
    await api.unit(`${tag}CC`, { kind: 'district', parentId: parent.id });
    const error = await api.error('delete', `/api/units/${String(parent.id)}`, 409);
    expect(error.error).toBe('conflict');
  });
});

describe('text search', () => {
  const tag = uniqueTag('TS');
  let baoLoc: Json;
  let daLat: Json;

  beforeAll(async () => {
    baoLoc = await api.unit(`${tag}BL`, { kind: 'district', name: 'Thành phố Bảo Lộc' });
    daLat = await api.unit(`${tag}DL`, { kind: 'district', name: 'Thành phố Đà Lạt' });
  });

  it.each(['Bao Loc', 'bảo lộc', 'BẢO LỘC', 'thanh pho bao loc'])(
    'q=%s finds Thành phố Bảo Lộc',
    async (q) => {
      const found = ids(await api.list('units', { q, limit: 500 }));
      expect(found).toContain(baoLoc.id);
      expect(found).not.toContain(daLat.id);
    },
  );

  it.each(['đà lạt', 'DA LAT', 'Đà Lạt', 'ĐÀ LẠT', 'da  lat'])('q=%s finds Đà Lạt', async (q) => {
    const found = ids(await api.list('units', { q, limit: 500 }));
    expect(found).toContain(daLat.id);
    expect(found).not.toContain(baoLoc.id);
  });

  it('searches other resources the same way (devices by description, services by name)', async () => {
    const device = await api.device(`${tag}srch`, baoLoc.id, {
      description: 'Tường lửa Sở Y tế',
    });
    expect(ids(await api.list('devices', { q: 'tuong lua so y te' }))).toEqual([device.id]);
    const service = await api.create('services', {
      kind: 'public_service',
      hostname: `dichvucong-${tag.toLowerCase()}.lamdong.gov.vn`,
      name: 'Cổng Dịch vụ công trực tuyến',
      unitId: baoLoc.id,
    });
    expect(ids(await api.list('services', { q: 'DICH VU CONG TRUC TUYEN' }))).toEqual([service.id]);
  });

  it('treats % and _ in q literally', async () => {
    const unit = await api.unit(`${tag}LK`);
    const percent = await api.site(`${tag}PCT`, unit.id, { name: 'Phủ sóng 100% xã' });
    const plain = await api.site(`${tag}PLN`, unit.id, { name: 'Phủ sóng 1000 xã' });
    const underscore = await api.site(`${tag}US`, unit.id, { name: 'vlan_quan_tri' });
    const scope = { unit: String(unit.code) };
    expect(ids(await api.list('sites', { ...scope, q: '100%' }))).toEqual([percent.id]);
    expect(ids(await api.list('sites', { ...scope, q: '100' })).sort()).toEqual(
      [percent.id, plain.id].sort(),
    );
    expect(ids(await api.list('sites', { ...scope, q: '%' }))).toEqual([percent.id]);
    expect(ids(await api.list('sites', { ...scope, q: 'n_q' }))).toEqual([underscore.id]);
    expect(ids(await api.list('sites', { ...scope, q: 'song_1' }))).toEqual([]);
  });
});

describe('pagination and sorting', () => {
  const tag = uniqueTag('PG');
  let unitCode: string;
  let codes: string[];

  beforeAll(async () => {
    const unit = await api.unit(tag);
    unitCode = String(unit.code);
    codes = [];
    // Created out of order so that sorting, not insertion order, decides.
    for (const n of [3, 1, 5, 2, 4]) {
      const site = await api.site(`${tag}-${n}`, unit.id, { name: `Điểm ${6 - n}` });
      codes.push(String(site.code));
    }
    codes.sort();
  });

  const codesOf = (page: Page) => page.items.map((s) => s.code);

  it('pages with limit and offset and reports the total', async () => {
    const scope = { unit: unitCode, sort: 'code' };
    const first = await api.list('sites', { ...scope, limit: 2 });
    expect(first).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(codesOf(first)).toEqual(codes.slice(0, 2));
    const second = await api.list('sites', { ...scope, limit: 2, offset: 2 });
    expect(second).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(codesOf(second)).toEqual(codes.slice(2, 4));
    const last = await api.list('sites', { ...scope, limit: 2, offset: 4 });
    expect(codesOf(last)).toEqual(codes.slice(4));
    const beyond = await api.list('sites', { ...scope, limit: 2, offset: 10 });
    expect(beyond).toEqual({ items: [], total: 5, limit: 2, offset: 10 });
  });

  it('sorts ascending by default field and descending with sort=-code', async () => {
    expect(codesOf(await api.list('sites', { unit: unitCode }))).toEqual(codes);
    expect(codesOf(await api.list('sites', { unit: unitCode, sort: '-code' }))).toEqual(
      [...codes].reverse(),
    );
    // Names run opposite to codes (Điểm 5 … Điểm 1).
    expect(codesOf(await api.list('sites', { unit: unitCode, sort: 'name' }))).toEqual(
      [...codes].reverse(),
    );
    const newestFirst = await api.list('sites', { unit: unitCode, sort: '-createdAt', limit: 1 });
    expect(newestFirst.items).toHaveLength(1);
  });

  it.each([
    ['sort', 'bogus'],
    ['sort', '-snmpSecret'],
    ['sort', 'code;DROP'],
    ['limit', '0'],
    ['limit', '501'],
    ['limit', 'ten'],
    ['offset', '-1'],
    ['kind', 'castle'],
  ])('refuses %s=%s with 400 naming it', async (key, value) => {
    const path = key === 'sort' ? 'devices' : 'sites';
    const error = await api.error('get', `/api/${path}${queryString({ [key]: value })}`, 400);
    expect(error.error).toBe('validation_failed');
    expect([...new Set(fieldsOf(error))]).toEqual([key]);
  });

  it('refuses a filter naming an object that does not exist (400)', async () => {
    const error = await api.error('get', '/api/devices?site=NO-SUCH-SITE', 400);
    expect(error.error).toBe('validation_failed');
    expect(error.details).toHaveLength(1);
    expect(error.details[0].message).toContain('NO-SUCH-SITE');
  });

  it('names the query parameter of an unknown referenced object', async () => {
    const error = await api.error('get', '/api/devices?site=NO-SUCH-SITE', 400);
    expect(fieldsOf(error)).toEqual(['site']);
  });

  it('refuses an unknown or repeated query parameter (400 naming it)', async () => {
    const unknown = await api.error('get', '/api/sites?colour=red', 400);
    expect(unknown.details).toEqual([
      { field: 'colour', message: expect.stringContaining('colour') },
    ]);
    const misspelt = await api.error('get', '/api/devices?rol=router', 400);
    expect(fieldsOf(misspelt)).toEqual(['rol']);
    const repeated = await api.error('get', '/api/sites?limit=1&limit=2', 400);
    expect(fieldsOf(repeated)).toEqual(['limit']);
  });
});

describe('SNMP secrets', () => {
  const tag = uniqueTag('SN');
  const community = `Comm-${tag}-s3cr3t`;
  const newCommunity = `Rotated-${tag}-s3cr3t`;
  let unitId: unknown;
  let device: Json;

  const readSecret = (id: string) =>
    withDb(async (db) => {
      const rows = await db.query<{ snmp_secret: string | null; snmp_version: string }>(
        'SELECT snmp_secret, snmp_version FROM devices WHERE id = $1',
        [id],
      );
      return rows.rows[0];
    });
  const open = (sealed: string) =>
    JSON.parse(SecretBox.fromConfig(t.config.secrets.key, t.config.dataDir).open(sealed)) as Json;

  beforeAll(async () => {
    unitId = (await api.unit(tag)).id;
  });

  it('never returns the v2c community: create, read, list, search or change log', async () => {
    const res = await api.expectStatus('post', '/api/devices', 201, {
      name: `snmp-${tag.toLowerCase()}`,
      role: 'switch',
      unitId,
      snmp: { version: 'v2c', community },
    });
    device = res.body as Json;
    expect(device.snmp).toEqual({
      version: 'v2c',
      username: null,
      authProtocol: null,
      privProtocol: null,
      credentialsSet: true,
    });
    const id = String(device.id);
    const texts = [
      res.text,
      await rawText(`/api/devices/${id}`),
      await rawText('/api/devices?limit=500'),
      await rawText(`/api/devices?q=snmp-${tag.toLowerCase()}`),
      await rawText(`/api/change-log?objectType=device&objectId=${id}`),
      await rawText('/api/change-log?limit=500'),
    ];
    for (const text of texts) {
      expect(text).toContain(id);
      expect(text).not.toContain(community);
      expect(text).not.toMatch(/snmpSecret|snmp_secret/);
    }
  });

  it('stores the community encrypted (ciphertext that does not contain it)', async () => {
    const row = await readSecret(String(device.id));
    expect(row.snmp_version).toBe('v2c');
    expect(row.snmp_secret).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(row.snmp_secret).not.toContain(community);
    expect(row.snmp_secret).not.toContain(Buffer.from(community).toString('base64').slice(0, 12));
    expect(open(String(row.snmp_secret))).toEqual({ community });
  });

  it('records a PATCH of only the community as a secret change, without the value', async () => {
    const id = String(device.id);
    const before = await api.changes('device', id);
    const updated = await api.patch('devices', id, {
      snmp: { version: 'v2c', community: newCommunity },
    });
    expect(updated.snmp).toMatchObject({ version: 'v2c', credentialsSet: true });
    const after = await api.changes('device', id);
    expect(after).toHaveLength(before.length + 1);
    const entry = after[0];
    expect(entry.action).toBe('update');
    expect(entry.after).toMatchObject({ secretsChanged: ['snmpSecret'] });
    const logText = await rawText(`/api/change-log?objectType=device&objectId=${id}`);
    expect(logText).not.toContain(newCommunity);
    expect(logText).not.toContain(community);
    expect(JSON.stringify(updated)).not.toContain(newCommunity);
    expect(open(String((await readSecret(id)).snmp_secret))).toEqual({ community: newCommunity });
  });

  it('writes no change-log entry for a PATCH with identical values', async () => {
    const id = String(device.id);
    const current = await api.get('devices', id);
    const before = await api.changes('device', id);
    const same = await api.patch('devices', id, { name: current.name, role: current.role });
    expect(same).toEqual(current);
    const sameSecret = await api.patch('devices', id, {
      snmp: { version: 'v2c', community: newCommunity },
    });
    expect(sameSecret).toEqual(current);
    expect(await api.changes('device', id)).toEqual(before);
  });

  it('never returns v3 keys and validates them', async () => {
    const authKey = `auth-${tag}-key`;
    const privKey = `priv-${tag}-key`;
    const snmp = {
      version: 'v3',
      username: 'netwatch',
      authProtocol: 'sha256',
      authKey,
      privProtocol: 'aes',
      privKey,
    };
    const res = await api.expectStatus('post', '/api/devices', 201, {
      name: `snmpv3-${tag.toLowerCase()}`,
      role: 'router',
      unitId,
      snmp,
    });
    const created = res.body as Json;
    expect(created.snmp).toEqual({
      version: 'v3',
      username: 'netwatch',
      authProtocol: 'sha256',
      privProtocol: 'aes',
      credentialsSet: true,
    });
    const id = String(created.id);
    for (const text of [
      res.text,
      await rawText(`/api/devices/${id}`),
      await rawText(`/api/change-log?objectId=${id}`),
    ]) {
      expect(text).not.toContain(authKey);
      expect(text).not.toContain(privKey);
    }
    expect(open(String((await readSecret(id)).snmp_secret))).toEqual({ authKey, privKey });

    const short = await api.error('patch', `/api/devices/${id}`, 400, {
      snmp: { ...snmp, authKey: 'short12' },
    });
    expect(fieldsOf(short)).toEqual(['snmp.authKey']);
    expect(JSON.stringify(short)).not.toContain('short12');
    const missing = await api.error('patch', `/api/devices/${id}`, 400, {
      snmp: { version: 'v3', username: 'netwatch', authProtocol: 'sha256', authKey },
    });
    expect(fieldsOf(missing)).toEqual(
      expect.arrayContaining(['snmp.privProtocol', 'snmp.privKey']),
    );
    const noCommunity = await api.error('patch', `/api/devices/${id}`, 400, {
      snmp: { version: 'v2c' },
    });
    expect(fieldsOf(noCommunity)).toEqual(['snmp.community']);
  });

  it('clears the stored secret when SNMP is switched off', async () => {
    const id = String(device.id);
    const updated = await api.patch('devices', id, { snmp: { version: 'none' } });
    expect(updated.snmp).toMatchObject({ version: 'none', credentialsSet: false });
    expect((await readSecret(id)).snmp_secret).toBeNull();
  });
});

describe('IP address validation and IPAM', () => {
  const tag = uniqueTag('IP');

  it('refuses a prefix with host bits set, naming the network', async () => {
    const error = await api.error('post', '/api/prefixes', 400, { prefix: '198.51.100.1/24' });
    expect(error.error).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['prefix']);
    expect(error.details[0].message).toContain('198.51.100.0/24');
    const v6 = await api.error('post', '/api/prefixes', 400, { prefix: '2001:db8:1::1/48' });
    expect(v6.details[0].message).toContain('2001:db8:1::/48');
  });

  it.each([
    ['prefixes', 'prefix', '2001:db8:::/48'],
    ['prefixes', 'prefix', '2001:db8::/129'],
    ['prefixes', 'prefix', '198.51.100.0'],
    ['ip-addresses', 'address', '2001:db8::12345/64'],
    ['ip-addresses', 'address', '2001:db8::g/64'],
    ['ip-addresses', 'address', '198.51.100.256/24'],
    ['ip-addresses', 'address', 'fe80::1%eth0/64'],
  ])('refuses a malformed address in %s.%s: %s', async (path, field, value) => {
    const error = await api.error('post', `/api/${path}`, 400, { [field]: value });
    expect(fieldsOf(error)).toEqual([field]);
  });

  it('refuses a malformed or prefixed management address', async () => {
    const unit = await api.unit(`${tag}MG`);
    for (const managementAddress of ['2001:db8::zz', '198.51.100.2/24', '::ffff:198.51.100.2']) {
      const error = await api.error('post', '/api/devices', 400, {
        name: `mgmt-${tag.toLowerCase()}`,
        role: 'server',
        unitId: unit.id,
        managementAddress,
      });
      expect(fieldsOf(error)).toEqual(['managementAddress']);
    }
  });

  it.each([
    ['ip-addresses', 'address', '::ffff:198.51.100.7/128'],
    ['ip-addresses', 'address', '::ffff:198.51.100.7'],
    ['prefixes', 'prefix', '::ffff:198.51.100.0/120'],
  ])('refuses IPv4-mapped IPv6 in %s.%s: %s', async (path, field, value) => {
    const error = await api.error('post', `/api/${path}`, 400, { [field]: value });
    expect(fieldsOf(error)).toEqual([field]);
    expect(error.details[0].message).toMatch(/IPv4-mapped/);
  });

  it('refuses IPv4-mapped IPv6 written in hex (::ffff:c633:6407)', async () => {
    await api.error('post', '/api/ip-addresses', 400, { address: '::ffff:c633:6407/128' });
  });

  it('stores a full-length address in canonical form; re-sending it changes nothing', async () => {
    const created = await api.create('ip-addresses', { address: '203.0.113.50/32' });
    expect(created).toMatchObject({ address: '203.0.113.50', family: 4 });
    const id = String(created.id);
    for (const address of ['203.0.113.50/32', '203.0.113.50']) {
      expect(await api.patch('ip-addresses', id, { address })).toEqual(created);
    }
    const v6 = await api.create('ip-addresses', { address: '2001:DB8:E1:0::50/128' });
    expect(v6).toMatchObject({ address: '2001:db8:e1::50', family: 6 });
    expect(await api.patch('ip-addresses', String(v6.id), { address: '2001:db8:e1::50' })).toEqual(
      v6,
    );
    expect((await api.changes('ip_address', id)).map((e) => e.action)).toEqual(['create']);
    expect((await api.changes('ip_address', String(v6.id))).map((e) => e.action)).toEqual([
      'create',
    ]);
  });

  it('refuses a duplicate prefix, however it is written (409 prefix)', async () => {
    await api.create('prefixes', { prefix: '2001:db8:d0::/48' });
    for (const prefix of ['2001:db8:d0::/48', '2001:DB8:D0:0::/48']) {
      const error = await api.error('post', '/api/prefixes', 409, { prefix });
      expect(error.error).toBe('conflict');
      expect(fieldsOf(error)).toEqual(['prefix']);
    }
  });

  it('refuses the same host address with a different mask (409 address)', async () => {
    await api.create('ip-addresses', { address: '203.0.113.10/24' });
    const v4 = await api.error('post', '/api/ip-addresses', 409, { address: '203.0.113.10/26' });
    expect(v4.error).toBe('conflict');
    expect(fieldsOf(v4)).toEqual(['address']);
    await api.create('ip-addresses', { address: '2001:db8:e0::10/64' });
    const v6 = await api.error('post', '/api/ip-addresses', 409, {
      address: '2001:db8:e0:0:0::10/128',
    });
    expect(fieldsOf(v6)).toEqual(['address']);
  });

  describe('lookup and prefix addresses', () => {
    const prefixes: Record<string, string> = {};
    const addresses: Record<string, string> = {};

    beforeAll(async () => {
      for (const p of [
        '198.51.100.0/24',
        '198.51.100.0/25',
        '198.51.100.0/26',
        '198.51.100.128/25',
        '203.0.113.128/25',
      ]) {
        prefixes[p] = String((await api.create('prefixes', { prefix: p })).id);
      }
      for (const a of ['198.51.100.10/26', '198.51.100.100/24', '198.51.100.200/24']) {
        addresses[a] = String((await api.create('ip-addresses', { address: a })).id);
      }
    });

    it('returns the prefixes holding an address, most specific first, and its record', async () => {
      const res = await api.expectStatus('get', '/api/ipam/lookup?address=198.51.100.10', 200);
      const body = res.body as { address: string; prefixes: Json[]; ipAddress: Json | null };
      expect(body.address).toBe('198.51.100.10');
      expect(body.prefixes.map((p) => p.prefix)).toEqual([
        '198.51.100.0/26',
        '198.51.100.0/25',
        '198.51.100.0/24',
      ]);
      expect(body.ipAddress).toMatchObject({
        id: addresses['198.51.100.10/26'],
        address: '198.51.100.10/26',
      });
      const none = (await api.expectStatus('get', '/api/ipam/lookup?address=203.0.113.5', 200))
        .body as { prefixes: Json[]; ipAddress: Json | null };
      expect(none).toMatchObject({ prefixes: [], ipAddress: null });
      const bad = await api.error('get', '/api/ipam/lookup?address=198.51.100.999', 400);
      expect(fieldsOf(bad)).toEqual(['address']);
    });

    it('lists the addresses inside a prefix, by host (whatever the mask)', async () => {
      const url = (prefix: string) => `/api/prefixes/${prefixes[prefix]}/addresses`;
      const inside = (await api.expectStatus('get', url('198.51.100.0/25'), 200)).body as Page;
      expect(inside.total).toBe(2);
      expect(inside.items.map((a) => String(a.address)).sort()).toEqual([
        '198.51.100.10/26',
        '198.51.100.100/24',
      ]);
      const whole = (await api.expectStatus('get', url('198.51.100.0/24'), 200)).body as Page;
      expect(whole.total).toBe(3);
      const empty = (await api.expectStatus('get', url('203.0.113.128/25'), 200)).body as Page;
      expect(empty).toMatchObject({ items: [], total: 0 });
      await api.error('get', `/api/prefixes/${randomUUID()}/addresses`, 404);
    });

    it('filters prefixes inside a network with within=', async () => {
      const page = await api.list('prefixes', { within: '198.51.100.0/24', sort: 'prefix' });
      expect(page.items.map((p) => p.prefix)).toEqual([
        '198.51.100.0/25',
        '198.51.100.0/26',
        '198.51.100.128/25',
      ]);
      const bad = await api.error('get', '/api/prefixes?within=198.51.100.1/24', 400);
      expect(fieldsOf(bad)).toEqual(['within']);
    });
  });
});

describe('circuits', () => {
  const tag = uniqueTag('CI');

  it('refuses an end that is both an interface and a site (400 aSiteId), creating nothing', async () => {
    const unit = await api.unit(tag);
    const site = await api.site(tag, unit.id);
    const device = await api.device(tag, unit.id, { siteId: site.id });
    const iface = await api.iface(device.id, 'xe-0/0/0');
    const totalBefore = (await api.list('circuits')).total;
    const body = { cid: `CID-${tag}`, provider: 'Viettel', type: 'internet' };
    const error = await api.error('post', '/api/circuits', 400, {
      ...body,
      aInterfaceId: iface.id,
      aSiteId: site.id,
    });
    expect(error.error).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['aSiteId']);
    expect((await api.list('circuits')).total).toBe(totalBefore);

    const circuit = await api.create('circuits', { ...body, aInterfaceId: iface.id });
    const patch = await api.error('patch', `/api/circuits/${String(circuit.id)}`, 400, {
      aSiteId: site.id,
    });
    expect(fieldsOf(patch)).toEqual(['aSiteId']);
    const dates = await api.error('patch', `/api/circuits/${String(circuit.id)}`, 400, {
      installDate: '2024-01-01',
      contractEndDate: '2023-12-31',
    });
    expect(fieldsOf(dates)).toEqual(['contractEndDate']);
    expect(await api.get('circuits', String(circuit.id))).toEqual(circuit);
  });
});

describe('request ids', () => {
  const tag = uniqueTag('RQ');

  it('echoes X-Request-Id and records it in the change log', async () => {
    const requestId = `e2e-${tag}-req.1`;
    const res = await api.expectStatus(
      'post',
      '/api/units',
      201,
      { code: `U-${tag}`, kind: 'other', name: 'Ban Quản lý' },
      { 'X-Request-Id': requestId },
    );
    expect(res.headers['x-request-id']).toBe(requestId);
    const id = String((res.body as Json).id);
    const [entry] = await api.changes('unit', id);
    expect(entry).toMatchObject({ action: 'create', requestId, source: 'api' });
    const byRequest = (
      await api.expectStatus('get', `/api/change-log${queryString({ requestId })}`, 200)
    ).body as Page<ChangeLogRow>;
    expect(byRequest.items.map((e) => e.objectId)).toEqual([id]);
  });

  it('generates an id when none (or an unsafe one) is given, also on errors', async () => {
    const plain = await api.expectStatus('post', '/api/units', 201, {
      code: `U-${tag}-2`,
      kind: 'other',
      name: 'Ban Dân tộc',
    });
    const generated = String(plain.headers['x-request-id']);
    expect(generated).toMatch(UUID_PATTERN);
    const [entry] = await api.changes('unit', String((plain.body as Json).id));
    expect(entry.requestId).toBe(generated);

    const unsafe = await api.send('get', '/health', undefined, { 'X-Request-Id': 'a b\tc' });
    expect(String(unsafe.headers['x-request-id'])).toMatch(UUID_PATTERN);
    const failed = await api.send('get', `/api/units/${randomUUID()}`, undefined, {
      'X-Request-Id': `e2e-${tag}-404`,
    });
    expect(failed.status).toBe(404);
    expect(failed.headers['x-request-id']).toBe(`e2e-${tag}-404`);
  });
});

describe('OpenAPI document and health', () => {
  interface OpenApiDoc {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<string, Record<string, { responses?: Json }>>;
    components?: { schemas?: Record<string, Json> };
  }

  it('serves a valid OpenAPI 3 document with paths for every resource', async () => {
    const res = await api.expectStatus('get', '/api/docs-json', 200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.body as OpenApiDoc;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'NetWatch', version: expect.any(String) });
    for (const path of RESOURCE_PATHS) {
      expect(Object.keys(doc.paths[`/api/${path}`] ?? {}).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths[`/api/${path}/{id}`] ?? {}).sort()).toEqual([
        'delete',
        'get',
        'patch',
      ]);
    }
    for (const extra of [
      '/api/change-log',
      '/api/ipam/lookup',
      '/api/units/{ref}/tree',
      '/api/prefixes/{id}/addresses',
      '/health',
    ]) {
      expect(doc.paths).toHaveProperty([extra, 'get']);
    }
    const schemas = doc.components?.schemas ?? {};
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ path, method, hasResponses: !!operation.responses }).toEqual({
          path,
          method,
          hasResponses: true,
        });
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, name] of refs) expect(Object.keys(schemas)).toContain(name);
    const snmp = schemas.SnmpSettingsDto as { properties: Record<string, Json> };
    expect(snmp.properties.community).toMatchObject({ writeOnly: true });
  });

  it('reports health (200)', async () => {
    const res = await api.expectStatus('get', '/health', 200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
  });
});
