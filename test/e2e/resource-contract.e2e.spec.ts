import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app';
import {
  ApiClient,
  fieldsOf,
  ids,
  Json,
  Query,
  queryString,
  sleep,
  uniqueTag,
  UUID_PATTERN,
} from './api-client';

/**
 * One REST contract, run for every inventory resource (in the spirit of netbox's
 * utilities/testing/api.py): create, read, list, filter, search, update, validation, unknown
 * fields, not found, delete and the change log. Each resource only supplies a scenario.
 */
interface Scenario {
  /** A valid create body. */
  create: Json;
  /** Fields the create response must echo; defaults to `create`. */
  expected?: Json;
  /** A PATCH body changing at least one field (echoed back as given). */
  update: Json;
  /** A list query that returns exactly the created object. */
  match: Query;
  /** A list query that must not return it. */
  noMatch: Query;
  /** A `q` text that must find it. */
  search: string;
  /** Fields that make an otherwise valid body invalid, and the field the error must name. */
  invalid: { fields: Json; field: string };
}

interface ResourceCase {
  path: string;
  objectType: string;
  build(api: ApiClient, tag: string): Promise<Scenario>;
}

const CASES: ResourceCase[] = [
  {
    path: 'units',
    objectType: 'unit',
    async build(api, tag) {
      const province = await api.unit(`${tag}P`, {
        kind: 'province',
        name: `Tỉnh Lâm Đồng ${tag}`,
      });
      return {
        create: {
          code: `D-${tag}`,
          kind: 'district',
          name: `Huyện Đạ Huoai ${tag}`,
          nameEn: `Da Huoai District ${tag}`,
          parentId: province.id,
          description: 'Huyện phía nam tỉnh',
        },
        update: { name: `Huyện Đam Rông ${tag}`, description: null },
        match: { parent: String(province.code), kind: 'district' },
        noMatch: { parent: String(province.code), kind: 'commune' },
        search: `DA HUOAI ${tag}`,
        invalid: { fields: { kind: 'planet' }, field: 'kind' },
      };
    },
  },
  {
    path: 'contacts',
    objectType: 'contact',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const other = await api.unit(`${tag}X`);
      return {
        create: {
          email: `noc.${tag.toLowerCase()}@lamdong.gov.vn`,
          name: `Nguyễn Văn Đức ${tag}`,
          phone: '+84 263 3812345',
          title: 'Chuyên viên',
          unitId: unit.id,
        },
        update: { title: 'Trưởng phòng Hạ tầng', phone: '+84 263 3899999' },
        match: { unit: String(unit.code) },
        noMatch: { unit: String(other.code) },
        search: `nguyen van duc ${tag}`,
        invalid: { fields: { email: 'not-an-email' }, field: 'email' },
      };
    },
  },
  {
    path: 'sites',
    objectType: 'site',
    async build(api, tag) {
      const unit = await api.unit(tag);
      return {
        create: {
          code: `S-${tag}`,
          name: `Trung tâm Dữ liệu ${tag}`,
          nameEn: `Data Center ${tag}`,
          kind: 'data_center',
          unitId: unit.id,
          address: '36 Trần Phú, Phường 4, Đà Lạt',
          latitude: 11.9404,
          longitude: 108.4583,
        },
        update: { name: `Trung tâm Dữ liệu mới ${tag}`, latitude: 11.95 },
        match: { unit: String(unit.code), kind: 'data_center' },
        noMatch: { unit: String(unit.code), kind: 'office' },
        search: `trung tam du lieu ${tag}`,
        invalid: { fields: { latitude: 123 }, field: 'latitude' },
      };
    },
  },
  {
    path: 'devices',
    objectType: 'device',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const site = await api.site(tag, unit.id);
      const create = {
        name: `core-${tag.toLowerCase()}`,
        role: 'router',
        vendor: 'Cisco',
        model: 'ISR4451-X',
        serialNumber: `FTX${tag}`,
        managementAddress: '198.51.100.2',
        siteId: site.id,
        unitId: unit.id,
        status: 'active',
        description: `Bộ định tuyến lõi ${tag}`,
        snmp: { version: 'v2c', community: `contract-community-${tag}` },
      };
      const { snmp: _secret, ...visible } = create;
      return {
        create,
        expected: {
          ...visible,
          snmp: {
            version: 'v2c',
            username: null,
            authProtocol: null,
            privProtocol: null,
            credentialsSet: true,
          },
        },
        update: { model: 'ISR4461', managementAddress: '2001:db8:10::2' },
        match: { site: String(site.code), role: 'router' },
        noMatch: { site: String(site.code), role: 'switch' },
        search: `BO DINH TUYEN LOI ${tag}`,
        invalid: { fields: { managementAddress: '198.51.100.300' }, field: 'managementAddress' },
      };
    },
  },
  {
    path: 'interfaces',
    objectType: 'interface',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const device = await api.device(tag, unit.id);
      const other = await api.device(`${tag}X`, unit.id);
      return {
        create: {
          deviceId: device.id,
          name: 'GigabitEthernet0/0/1',
          description: `Đường lên ${tag}`,
          ifIndex: 1,
          macAddress: '00:1a:2b:3c:4d:5e',
          speedKbps: 1000000,
          enabled: true,
        },
        update: { description: `Đường xuống ${tag}`, enabled: false, speedKbps: 10000000 },
        match: { device: String(device.name) },
        noMatch: { device: String(other.name) },
        search: `duong len ${tag}`,
        invalid: { fields: { macAddress: 'zz:zz:zz' }, field: 'macAddress' },
      };
    },
  },
  {
    path: 'vlans',
    objectType: 'vlan',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const site = await api.site(tag, unit.id);
      return {
        create: {
          siteId: site.id,
          vid: 110,
          name: `Mạng quản trị ${tag}`,
          unitId: unit.id,
          status: 'active',
          description: 'VLAN quản trị thiết bị',
        },
        update: { name: `Mạng máy chủ ${tag}` },
        match: { site: String(site.code), status: 'active' },
        noMatch: { site: String(site.code), status: 'reserved' },
        search: `MANG QUAN TRI ${tag}`,
        invalid: { fields: { vid: 5000 }, field: 'vid' },
      };
    },
  },
  {
    path: 'prefixes',
    objectType: 'prefix',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const site = await api.site(tag, unit.id);
      return {
        create: {
          prefix: '2001:db8:a1::/48',
          status: 'active',
          unitId: unit.id,
          siteId: site.id,
          description: `Khối IPv6 ${tag}`,
        },
        update: { status: 'container', description: `Khối IPv6 dự phòng ${tag}` },
        match: { site: String(site.code), family: '6', within: '2001:db8::/32' },
        noMatch: { site: String(site.code), family: '4' },
        search: `khoi ipv6 ${tag}`,
        invalid: { fields: { prefix: '2001:db8:a1::1/48' }, field: 'prefix' },
      };
    },
  },
  {
    path: 'ip-addresses',
    objectType: 'ip_address',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const device = await api.device(tag, unit.id);
      const iface = await api.iface(device.id, 'eth0');
      return {
        create: {
          address: '2001:db8:a1::10/64',
          interfaceId: iface.id,
          dnsName: `ns-${tag.toLowerCase()}.lamdong.gov.vn`,
          status: 'active',
          description: `Máy chủ tên miền ${tag}`,
        },
        update: { status: 'reserved', dnsName: `ns2-${tag.toLowerCase()}.lamdong.gov.vn` },
        match: { device: String(device.name), family: '6' },
        noMatch: { device: String(device.name), family: '4' },
        search: `may chu ten mien ${tag}`,
        invalid: { fields: { address: '2001:db8::g/64' }, field: 'address' },
      };
    },
  },
  {
    path: 'circuits',
    objectType: 'circuit',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const siteA = await api.site(`${tag}A`, unit.id);
      const siteZ = await api.site(`${tag}Z`, unit.id);
      const device = await api.device(tag, unit.id, { siteId: siteA.id });
      const iface = await api.iface(device.id, 'GigabitEthernet0/0/0');
      return {
        create: {
          cid: `VNPT-LD-${tag}`,
          provider: 'VNPT Lâm Đồng',
          type: 'dedicated_line',
          status: 'active',
          rateKbps: 100000,
          unitId: unit.id,
          aInterfaceId: iface.id,
          zSiteId: siteZ.id,
          installDate: '2020-06-01',
          contractEndDate: '2027-12-31',
          slaTargetPercent: 99.5,
          description: 'Kênh truyền số liệu chuyên dùng',
        },
        update: { rateKbps: 200000, slaTargetPercent: 99.9 },
        match: { site: String(siteZ.code), type: 'dedicated_line' },
        noMatch: { site: String(siteZ.code), type: 'internet' },
        search: `vnpt-ld-${tag.toLowerCase()}`,
        invalid: { fields: { rateKbps: 0 }, field: 'rateKbps' },
      };
    },
  },
  {
    path: 'services',
    objectType: 'service',
    async build(api, tag) {
      const unit = await api.unit(tag);
      return {
        create: {
          kind: 'website',
          hostname: `cong-${tag.toLowerCase()}.lamdong.gov.vn`,
          name: `Cổng thông tin điện tử ${tag}`,
          url: `https://cong-${tag.toLowerCase()}.lamdong.gov.vn/`,
          unitId: unit.id,
          criticality: 'high',
          ipv6Required: true,
          dnssecRequired: false,
          status: 'active',
        },
        update: { criticality: 'critical', dnssecRequired: true },
        match: { unit: String(unit.code), kind: 'website', ipv6Required: 'true' },
        noMatch: { unit: String(unit.code), ipv6Required: 'false' },
        search: `CONG THONG TIN DIEN TU ${tag}`,
        invalid: { fields: { hostname: 'Not A Host' }, field: 'hostname' },
      };
    },
  },
  {
    path: 'contact-roles',
    objectType: 'contact_role',
    async build(api, tag) {
      const unit = await api.unit(tag);
      const site = await api.site(tag, unit.id);
      const contact = await api.create('contacts', {
        email: `role.${tag.toLowerCase()}@lamdong.gov.vn`,
        name: `Trần Thị Hà ${tag}`,
      });
      return {
        create: { contactId: contact.id, objectType: 'site', objectId: site.id, role: 'technical' },
        update: { role: 'security' },
        match: { objectId: String(site.id), role: 'technical' },
        noMatch: { objectId: String(site.id), role: 'administrative' },
        search: 'TECHNICAL',
        invalid: { fields: { objectType: 'planet' }, field: 'objectType' },
      };
    },
  },
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

/** Served under /api/X/{id} but not inventory resources: they have their own specs. */
const NOT_INVENTORY = new Set([
  'maintenance-windows',
  'incidents',
  'notification-channels',
  'notification-routes',
  'audit-log',
  'users',
  'tokens',
]);

it('covers every inventory resource the API serves', async () => {
  const res = await api.expectStatus('get', '/api/docs-json', 200);
  const paths = Object.keys((res.body as { paths: Json }).paths);
  const served = paths
    .map((p) => /^\/api\/([a-z-]+)\/\{id\}$/.exec(p)?.[1])
    .filter((p): p is string => !!p && !NOT_INVENTORY.has(p));
  expect(CASES.map((c) => c.path).sort()).toEqual([...new Set(served)].sort());
});

describe.each(CASES)('$path contract', (rc) => {
  const tag = uniqueTag('C');
  const base = `/api/${rc.path}`;
  let s: Scenario;
  let totalBefore: number;
  let created: Json;
  let id: string;

  beforeAll(async () => {
    s = await rc.build(api, tag);
    totalBefore = (await api.list(rc.path, { limit: 1 })).total;
  });

  it('refuses a body with an invalid field (400 naming the field), creating nothing', async () => {
    const error = await api.error('post', base, 400, { ...s.create, ...s.invalid.fields });
    expect(error.error).toBe('validation_failed');
    expect(fieldsOf(error)).toContain(s.invalid.field);
    expect((await api.list(rc.path, { limit: 1 })).total).toBe(totalBefore);
  });

  it('refuses an unknown body field (400 naming it), creating nothing', async () => {
    const error = await api.error('post', base, 400, { ...s.create, colour: 'red' });
    expect(error.error).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['colour']);
    expect((await api.list(rc.path, { limit: 1 })).total).toBe(totalBefore);
  });

  it('creates (201) and echoes the fields with a uuid id and timestamps', async () => {
    const res = await api.expectStatus('post', base, 201, s.create);
    created = res.body as Json;
    id = String(created.id);
    expect(id).toMatch(UUID_PATTERN);
    expect(created).toMatchObject(s.expected ?? s.create);
    expect(Number.isNaN(Date.parse(String(created.createdAt)))).toBe(false);
    expect(created.updatedAt).toBe(created.createdAt);
    expect(created).not.toHaveProperty('searchText');
  });

  it('reads it back (200) as created', async () => {
    expect(await api.get(rc.path, id)).toEqual(created);
  });

  it('answers a PATCH repeating the create body with the unchanged object, logging nothing', async () => {
    await sleep(5);
    expect(await api.patch(rc.path, id, s.create)).toEqual(created);
    expect(await api.get(rc.path, id)).toEqual(created);
    expect((await api.changes(rc.objectType, id)).map((e) => e.action)).toEqual(['create']);
  });

  it('lists it with the total grown by one', async () => {
    const page = await api.list(rc.path, { limit: 500 });
    expect(page.total).toBe(totalBefore + 1);
    expect(page.limit).toBe(500);
    expect(page.offset).toBe(0);
    expect(page.items.find((item) => item.id === id)).toEqual(created);
  });

  it('filters: the matching query returns exactly it, the other does not', async () => {
    const hit = await api.list(rc.path, s.match);
    expect(ids(hit)).toEqual([id]);
    expect(hit.total).toBe(1);
    const miss = await api.list(rc.path, s.noMatch);
    expect(ids(miss)).not.toContain(id);
  });

  it('finds it by text search q (case and diacritics ignored), not by an unrelated text', async () => {
    expect(ids(await api.list(rc.path, { q: s.search, limit: 500 }))).toContain(id);
    const none = await api.list(rc.path, { q: `khong co ${tag} xyz` });
    expect(none).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it('updates with PATCH (200): fields change, others stay, updatedAt advances', async () => {
    await sleep(5);
    const updated = await api.patch(rc.path, id, s.update);
    expect(updated).toMatchObject(s.update);
    expect(updated.id).toBe(id);
    expect(updated.createdAt).toBe(created.createdAt);
    expect(Date.parse(String(updated.updatedAt))).toBeGreaterThan(
      Date.parse(String(created.updatedAt)),
    );
    const untouched = Object.fromEntries(
      Object.entries(created).filter(([k]) => !(k in s.update) && k !== 'updatedAt'),
    );
    expect(updated).toMatchObject(untouched);
    expect(await api.get(rc.path, id)).toEqual(updated);
  });

  it('refuses an invalid PATCH (400 naming the field) and keeps the object', async () => {
    const before = await api.get(rc.path, id);
    const error = await api.error('patch', `${base}/${id}`, 400, s.invalid.fields);
    expect(error.error).toBe('validation_failed');
    expect(fieldsOf(error)).toContain(s.invalid.field);
    const unknown = await api.error('patch', `${base}/${id}`, 400, { colour: 'red' });
    expect(fieldsOf(unknown)).toEqual(['colour']);
    expect(await api.get(rc.path, id)).toEqual(before);
  });

  it('refuses an unknown query parameter (400 naming it)', async () => {
    const error = await api.error('get', `${base}${queryString({ colour: 'red' })}`, 400);
    expect(error.error).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['colour']);
  });

  it('answers 404 for a random uuid and for a malformed id', async () => {
    const missing = randomUUID();
    for (const [method, body] of [
      ['get', undefined],
      ['patch', s.update],
      ['delete', undefined],
    ] as const) {
      const error = await api.error(method, `${base}/${missing}`, 404, body);
      expect(error.error).toBe('not_found');
    }
    expect((await api.error('get', `${base}/not-a-uuid`, 404)).error).toBe('not_found');
    expect((await api.error('delete', `${base}/not-a-uuid`, 404)).error).toBe('not_found');
  });

  it('deletes (204), after which it is gone (404) and no longer listed', async () => {
    const res = await api.expectStatus('delete', `${base}/${id}`, 204);
    expect(res.text).toBe('');
    expect((await api.error('get', `${base}/${id}`, 404)).error).toBe('not_found');
    expect((await api.list(rc.path, { limit: 1 })).total).toBe(totalBefore);
    await api.expectStatus('delete', `${base}/${id}`, 404);
  });

  it('recorded create, update and delete in the change log with before/after', async () => {
    const entries = await api.changes(rc.objectType, id);
    expect(entries.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    const [deleted, updated, createdEntry] = entries;
    for (const entry of entries) {
      expect(entry.objectType).toBe(rc.objectType);
      expect(entry.objectId).toBe(id);
      expect(entry.source).toBe('api');
      expect(entry.actor).toMatch(/^token:tests \(test-admin-/);
      expect(entry.requestId).toEqual(expect.any(String));
    }
    expect(createdEntry.before).toBeNull();
    expect(createdEntry.after).toMatchObject({ id, ...(s.expected ?? s.create) });
    expect(updated.before).toMatchObject(
      Object.fromEntries(Object.keys(s.update).map((k) => [k, created[k]])),
    );
    expect(updated.after).toMatchObject({ id, ...s.update });
    expect(deleted.before).toMatchObject({ id, ...s.update });
    expect(deleted.after).toBeNull();
  });
});
