/**
 * What the dashboard knows about each inventory type: its API path, the list columns, and the
 * fields of its edit form. Written by hand from the API's DTOs (src/inventory/dto/) rather than
 * read from the OpenAPI document at run time: the form needs labels in two languages, widgets
 * for references (a unit picker, not a UUID box) and the write-only SNMP secrets, none of which
 * the schema says.
 */
import { lang, messages } from '../lib/i18n';

export type RefKind = 'unit' | 'site' | 'device' | 'vlan' | 'interface';

export type FieldKind =
  'text' | 'textarea' | 'enum' | 'bool' | 'int' | 'number' | 'date' | 'ref' | 'email' | 'url';

export interface FieldDef {
  /** The API body field; `snmp.*` fields are gathered into the device's `snmp` object. */
  name: string;
  kind: FieldKind;
  required?: boolean;
  values?: readonly string[];
  ref?: RefKind;
  min?: number;
  max?: number;
  step?: string;
  /** Value of a new object's field (the API's default). */
  initial?: string | boolean;
  placeholder?: string;
  /** Write-only: never read back; sent only when typed. */
  secret?: boolean;
  /** Shown only when this returns true for the current form values. */
  when?: (values: FormValues) => boolean;
}

export type FormValues = Record<string, string | boolean | null>;

export interface ColumnDef {
  field: string;
  kind?: 'enum' | 'bool' | 'date' | 'num';
}

export interface TypeDef {
  /** The object type as the change log and object pages name it: `device`, `ip_address`. */
  type: string;
  /** The API path under /api: `devices`, `ip-addresses`. */
  path: string;
  /** The field naming the object in lists and headings. */
  titleField: string;
  columns: ColumnDef[];
  fields: FieldDef[];
}

export const UNIT_KINDS = [
  'province',
  'department',
  'sub_unit',
  'district',
  'commune',
  'other',
] as const;
const SITE_KINDS = ['campus', 'data_center', 'office', 'other'] as const;
const DEVICE_ROLES = [
  'server',
  'router',
  'switch',
  'firewall',
  'load_balancer',
  'access_point',
  'other',
] as const;
const LIFECYCLE = ['planned', 'active', 'decommissioned'] as const;
const SNMP_VERSIONS = ['none', 'v2c', 'v3'] as const;
const SNMP_AUTH = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const SNMP_PRIV = ['des', 'aes', 'aes256b', 'aes256r'] as const;
const VLAN_STATUSES = ['active', 'reserved', 'deprecated'] as const;
const PREFIX_STATUSES = ['active', 'reserved', 'deprecated', 'container'] as const;
const ADDRESS_STATUSES = ['active', 'reserved', 'deprecated'] as const;
const CIRCUIT_TYPES = ['dedicated_line', 'internet', 'mpls', 'vpn', 'other'] as const;
const SERVICE_KINDS = ['website', 'mail_domain', 'dns_zone', 'public_service', 'other'] as const;
const SERVICE_STATUSES = ['active', 'planned', 'retired'] as const;
const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;

const description: FieldDef = { name: 'description', kind: 'textarea' };
const isV3 = (v: FormValues) => v['snmp.version'] === 'v3';

export const TYPES: TypeDef[] = [
  {
    type: 'service',
    path: 'services',
    titleField: 'hostname',
    columns: [
      { field: 'hostname' },
      { field: 'name' },
      { field: 'kind', kind: 'enum' },
      { field: 'criticality', kind: 'enum' },
      { field: 'status', kind: 'enum' },
    ],
    fields: [
      { name: 'kind', kind: 'enum', values: SERVICE_KINDS, required: true },
      { name: 'hostname', kind: 'text', required: true, placeholder: 'www.lamdong.gov.vn' },
      { name: 'name', kind: 'text', required: true },
      { name: 'url', kind: 'url', placeholder: 'https://www.lamdong.gov.vn/' },
      { name: 'unitId', kind: 'ref', ref: 'unit', required: true },
      { name: 'criticality', kind: 'enum', values: CRITICALITIES, initial: 'medium' },
      { name: 'ipv6Required', kind: 'bool', initial: false },
      { name: 'dnssecRequired', kind: 'bool', initial: false },
      { name: 'status', kind: 'enum', values: SERVICE_STATUSES, initial: 'active' },
      description,
    ],
  },
  {
    type: 'device',
    path: 'devices',
    titleField: 'name',
    columns: [
      { field: 'name' },
      { field: 'role', kind: 'enum' },
      { field: 'managementAddress' },
      { field: 'vendor' },
      { field: 'model' },
      { field: 'status', kind: 'enum' },
    ],
    fields: [
      { name: 'name', kind: 'text', required: true, placeholder: 'tthc-core-rt01' },
      { name: 'role', kind: 'enum', values: DEVICE_ROLES, required: true },
      { name: 'vendor', kind: 'text' },
      { name: 'model', kind: 'text' },
      { name: 'serialNumber', kind: 'text' },
      { name: 'managementAddress', kind: 'text', placeholder: '198.51.100.2' },
      { name: 'unitId', kind: 'ref', ref: 'unit', required: true },
      { name: 'siteId', kind: 'ref', ref: 'site' },
      { name: 'status', kind: 'enum', values: LIFECYCLE, initial: 'active' },
      description,
      { name: 'snmp.version', kind: 'enum', values: SNMP_VERSIONS, initial: 'none' },
      {
        name: 'snmp.community',
        kind: 'text',
        secret: true,
        when: (v) => v['snmp.version'] === 'v2c',
      },
      { name: 'snmp.username', kind: 'text', when: isV3 },
      { name: 'snmp.authProtocol', kind: 'enum', values: SNMP_AUTH, when: isV3 },
      { name: 'snmp.authKey', kind: 'text', secret: true, when: isV3 },
      { name: 'snmp.privProtocol', kind: 'enum', values: SNMP_PRIV, when: isV3 },
      { name: 'snmp.privKey', kind: 'text', secret: true, when: isV3 },
    ],
  },
  {
    type: 'circuit',
    path: 'circuits',
    titleField: 'cid',
    columns: [
      { field: 'cid' },
      { field: 'provider' },
      { field: 'type', kind: 'enum' },
      { field: 'rateKbps', kind: 'num' },
      { field: 'contractEndDate', kind: 'date' },
      { field: 'status', kind: 'enum' },
    ],
    fields: [
      { name: 'cid', kind: 'text', required: true },
      { name: 'provider', kind: 'text', required: true },
      { name: 'type', kind: 'enum', values: CIRCUIT_TYPES, required: true },
      { name: 'status', kind: 'enum', values: LIFECYCLE, initial: 'active' },
      { name: 'rateKbps', kind: 'int', min: 1 },
      { name: 'unitId', kind: 'ref', ref: 'unit' },
      { name: 'aSiteId', kind: 'ref', ref: 'site' },
      { name: 'aInterfaceId', kind: 'ref', ref: 'interface' },
      { name: 'zSiteId', kind: 'ref', ref: 'site' },
      { name: 'zInterfaceId', kind: 'ref', ref: 'interface' },
      { name: 'installDate', kind: 'date' },
      { name: 'contractEndDate', kind: 'date' },
      { name: 'slaTargetPercent', kind: 'number', min: 0.001, max: 100, step: '0.001' },
      description,
    ],
  },
  {
    type: 'site',
    path: 'sites',
    titleField: 'code',
    columns: [
      { field: 'code' },
      { field: 'name' },
      { field: 'kind', kind: 'enum' },
      { field: 'address' },
    ],
    fields: [
      { name: 'code', kind: 'text', required: true, placeholder: 'TTHC' },
      { name: 'name', kind: 'text', required: true },
      { name: 'nameEn', kind: 'text' },
      { name: 'kind', kind: 'enum', values: SITE_KINDS, required: true },
      { name: 'unitId', kind: 'ref', ref: 'unit', required: true },
      { name: 'address', kind: 'text' },
      { name: 'latitude', kind: 'number', min: -90, max: 90, step: 'any' },
      { name: 'longitude', kind: 'number', min: -180, max: 180, step: 'any' },
      description,
    ],
  },
  {
    type: 'prefix',
    path: 'prefixes',
    titleField: 'prefix',
    columns: [{ field: 'prefix' }, { field: 'status', kind: 'enum' }, { field: 'description' }],
    fields: [
      { name: 'prefix', kind: 'text', required: true, placeholder: '2001:db8:100::/48' },
      { name: 'status', kind: 'enum', values: PREFIX_STATUSES, initial: 'active' },
      { name: 'unitId', kind: 'ref', ref: 'unit' },
      { name: 'siteId', kind: 'ref', ref: 'site' },
      { name: 'vlanId', kind: 'ref', ref: 'vlan' },
      description,
    ],
  },
  {
    type: 'vlan',
    path: 'vlans',
    titleField: 'name',
    columns: [
      { field: 'vid', kind: 'num' },
      { field: 'name' },
      { field: 'status', kind: 'enum' },
      { field: 'description' },
    ],
    fields: [
      { name: 'siteId', kind: 'ref', ref: 'site', required: true },
      { name: 'vid', kind: 'int', required: true, min: 1, max: 4094 },
      { name: 'name', kind: 'text', required: true },
      { name: 'unitId', kind: 'ref', ref: 'unit' },
      { name: 'status', kind: 'enum', values: VLAN_STATUSES, initial: 'active' },
      description,
    ],
  },
  {
    type: 'ip_address',
    path: 'ip-addresses',
    titleField: 'address',
    columns: [{ field: 'address' }, { field: 'dnsName' }, { field: 'status', kind: 'enum' }],
    fields: [
      { name: 'address', kind: 'text', required: true, placeholder: '198.51.100.10/26' },
      { name: 'interfaceId', kind: 'ref', ref: 'interface' },
      { name: 'dnsName', kind: 'text', placeholder: 'ns1.lamdong.gov.vn' },
      { name: 'status', kind: 'enum', values: ADDRESS_STATUSES, initial: 'active' },
      description,
    ],
  },
  {
    type: 'interface',
    path: 'interfaces',
    titleField: 'name',
    columns: [
      { field: 'name' },
      { field: 'description' },
      { field: 'ifIndex', kind: 'num' },
      { field: 'enabled', kind: 'bool' },
    ],
    fields: [
      { name: 'deviceId', kind: 'ref', ref: 'device', required: true },
      { name: 'name', kind: 'text', required: true, placeholder: 'GigabitEthernet0/0/1' },
      { name: 'description', kind: 'text' },
      { name: 'ifIndex', kind: 'int', min: 1 },
      { name: 'macAddress', kind: 'text', placeholder: '00:1a:2b:3c:4d:5e' },
      { name: 'speedKbps', kind: 'int', min: 0 },
      { name: 'enabled', kind: 'bool', initial: true },
    ],
  },
  {
    type: 'unit',
    path: 'units',
    titleField: 'code',
    columns: [{ field: 'code' }, { field: 'name' }, { field: 'kind', kind: 'enum' }],
    fields: [
      { name: 'code', kind: 'text', required: true, placeholder: 'H-BAOLOC' },
      { name: 'kind', kind: 'enum', values: UNIT_KINDS, required: true },
      { name: 'name', kind: 'text', required: true },
      { name: 'nameEn', kind: 'text' },
      { name: 'parentId', kind: 'ref', ref: 'unit' },
      description,
    ],
  },
  {
    type: 'contact',
    path: 'contacts',
    titleField: 'name',
    columns: [{ field: 'name' }, { field: 'email' }, { field: 'phone' }, { field: 'title' }],
    fields: [
      { name: 'email', kind: 'email', required: true },
      { name: 'name', kind: 'text', required: true },
      { name: 'phone', kind: 'text', placeholder: '+84 263 3812345' },
      { name: 'title', kind: 'text' },
      { name: 'unitId', kind: 'ref', ref: 'unit' },
    ],
  },
];

/** A type by its object type (`device`) or its API path (`devices`): links use the first. */
export function typeDef(name: string): TypeDef | undefined {
  return TYPES.find((d) => d.type === name || d.path === name);
}

/** API paths and how a referenced object is named in a picker. */
export const REFS: Record<RefKind, { path: string; sort: string; label(o: Row): string }> = {
  unit: { path: 'units', sort: 'code', label: (o) => `${str(o.code)} — ${localName(o)}` },
  site: { path: 'sites', sort: 'code', label: (o) => `${str(o.code)} — ${localName(o)}` },
  device: { path: 'devices', sort: 'name', label: (o) => str(o.name) },
  vlan: { path: 'vlans', sort: 'vid', label: (o) => `${str(o.vid)} ${str(o.name)}` },
  interface: {
    path: 'interfaces',
    sort: 'name',
    label: (o) => (o.description ? `${str(o.name)} (${str(o.description)})` : str(o.name)),
  },
};

export type Row = Record<string, unknown> & { id: string };

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The English name where one is stored and English is chosen. */
export function localName(o: Record<string, unknown>): string {
  return lang() === 'en' && o.nameEn ? str(o.nameEn) : str(o.name);
}

const tl = messages({
  vi: {
    service: 'Dịch vụ',
    device: 'Thiết bị',
    circuit: 'Kênh truyền',
    site: 'Địa điểm',
    prefix: 'Dải địa chỉ (prefix)',
    vlan: 'VLAN',
    ip_address: 'Địa chỉ IP',
    interface: 'Giao diện mạng',
    unit: 'Đơn vị',
    contact: 'Đầu mối liên hệ',
    services: 'Dịch vụ',
    devices: 'Thiết bị',
    circuits: 'Kênh truyền',
    sites: 'Địa điểm',
    prefixes: 'Dải địa chỉ',
    vlans: 'VLAN',
    ip_addresses: 'Địa chỉ IP',
    interfaces: 'Giao diện mạng',
    units: 'Đơn vị',
    contacts: 'Đầu mối liên hệ',
  },
  en: {
    service: 'Service',
    device: 'Device',
    circuit: 'Circuit',
    site: 'Site',
    prefix: 'Prefix',
    vlan: 'VLAN',
    ip_address: 'IP address',
    interface: 'Interface',
    unit: 'Unit',
    contact: 'Contact',
    services: 'Services',
    devices: 'Devices',
    circuits: 'Circuits',
    sites: 'Sites',
    prefixes: 'Prefixes',
    vlans: 'VLANs',
    ip_addresses: 'IP addresses',
    interfaces: 'Interfaces',
    units: 'Units',
    contacts: 'Contacts',
  },
});

/** "Địa chỉ IP" → "địa chỉ IP" for use inside a sentence; "VLAN" stays as it is. */
export function lowerFirst(text: string): string {
  return text.length > 1 && text[1] === text[1].toLowerCase()
    ? text[0].toLowerCase() + text.slice(1)
    : text;
}

/** `device` → "Thiết bị"; plural: "Thiết bị" / "Devices". */
export function typeLabel(type: string, plural = false): string {
  const path = typeDef(type)?.path ?? type;
  const key = plural ? path.replace(/-/g, '_') : type;
  return tl(key as Parameters<typeof tl>[0]);
}

const fl = messages({
  vi: {
    code: 'Mã',
    kind: 'Loại',
    name: 'Tên',
    nameEn: 'Tên tiếng Anh',
    parentId: 'Đơn vị cấp trên',
    description: 'Mô tả',
    email: 'Thư điện tử',
    phone: 'Điện thoại',
    title: 'Chức danh',
    unitId: 'Đơn vị quản lý',
    siteId: 'Địa điểm',
    address: 'Địa chỉ',
    latitude: 'Vĩ độ',
    longitude: 'Kinh độ',
    role: 'Vai trò',
    vendor: 'Hãng',
    model: 'Mẫu (model)',
    serialNumber: 'Số sê-ri',
    managementAddress: 'Địa chỉ quản trị',
    status: 'Trạng thái',
    'snmp.version': 'SNMP: phiên bản',
    'snmp.community': 'SNMP: community (v2c)',
    'snmp.username': 'SNMP: tên người dùng (v3)',
    'snmp.authProtocol': 'SNMP: giao thức xác thực',
    'snmp.authKey': 'SNMP: khoá xác thực',
    'snmp.privProtocol': 'SNMP: giao thức mã hoá',
    'snmp.privKey': 'SNMP: khoá mã hoá',
    deviceId: 'Thiết bị',
    ifIndex: 'ifIndex (SNMP)',
    macAddress: 'Địa chỉ MAC',
    speedKbps: 'Tốc độ (kbit/s)',
    enabled: 'Đang bật',
    vid: 'VLAN ID',
    vlanId: 'VLAN',
    prefix: 'Dải địa chỉ (CIDR)',
    interfaceId: 'Giao diện mạng',
    dnsName: 'Tên DNS',
    cid: 'Mã kênh (của nhà cung cấp)',
    provider: 'Nhà cung cấp',
    type: 'Loại kênh',
    rateKbps: 'Băng thông (kbit/s)',
    aSiteId: 'Đầu A: địa điểm',
    aInterfaceId: 'Đầu A: giao diện',
    zSiteId: 'Đầu Z: địa điểm',
    zInterfaceId: 'Đầu Z: giao diện',
    installDate: 'Ngày lắp đặt',
    contractEndDate: 'Ngày hết hợp đồng',
    slaTargetPercent: 'Cam kết SLA (%)',
    hostname: 'Tên máy / tên miền',
    url: 'URL',
    criticality: 'Mức quan trọng',
    ipv6Required: 'Bắt buộc IPv6',
    dnssecRequired: 'Bắt buộc DNSSEC',
  },
  en: {
    code: 'Code',
    kind: 'Kind',
    name: 'Name',
    nameEn: 'English name',
    parentId: 'Parent unit',
    description: 'Description',
    email: 'Email',
    phone: 'Phone',
    title: 'Job title',
    unitId: 'Owning unit',
    siteId: 'Site',
    address: 'Address',
    latitude: 'Latitude',
    longitude: 'Longitude',
    role: 'Role',
    vendor: 'Vendor',
    model: 'Model',
    serialNumber: 'Serial number',
    managementAddress: 'Management address',
    status: 'Status',
    'snmp.version': 'SNMP: version',
    'snmp.community': 'SNMP: community (v2c)',
    'snmp.username': 'SNMP: user name (v3)',
    'snmp.authProtocol': 'SNMP: auth protocol',
    'snmp.authKey': 'SNMP: auth key',
    'snmp.privProtocol': 'SNMP: privacy protocol',
    'snmp.privKey': 'SNMP: privacy key',
    deviceId: 'Device',
    ifIndex: 'ifIndex (SNMP)',
    macAddress: 'MAC address',
    speedKbps: 'Speed (kbit/s)',
    enabled: 'Enabled',
    vid: 'VLAN ID',
    vlanId: 'VLAN',
    prefix: 'Prefix (CIDR)',
    interfaceId: 'Interface',
    dnsName: 'DNS name',
    cid: 'Circuit ID (provider’s)',
    provider: 'Provider',
    type: 'Circuit type',
    rateKbps: 'Rate (kbit/s)',
    aSiteId: 'A end: site',
    aInterfaceId: 'A end: interface',
    zSiteId: 'Z end: site',
    zInterfaceId: 'Z end: interface',
    installDate: 'Install date',
    contractEndDate: 'Contract end date',
    slaTargetPercent: 'SLA target (%)',
    hostname: 'Host name / domain',
    url: 'URL',
    criticality: 'Criticality',
    ipv6Required: 'IPv6 required',
    dnssecRequired: 'DNSSEC required',
  },
});

export function fieldLabel(name: string): string {
  return fl(name as Parameters<typeof fl>[0]);
}

const vl = messages({
  vi: {
    province: 'Tỉnh',
    department: 'Sở, ban, ngành',
    sub_unit: 'Đơn vị trực thuộc',
    district: 'Huyện, thành phố',
    commune: 'Xã, phường',
    other: 'Khác',
    campus: 'Khu trụ sở',
    data_center: 'Trung tâm dữ liệu',
    office: 'Văn phòng',
    server: 'Máy chủ',
    router: 'Bộ định tuyến',
    switch: 'Bộ chuyển mạch',
    firewall: 'Tường lửa',
    load_balancer: 'Cân bằng tải',
    access_point: 'Điểm truy cập không dây',
    planned: 'Dự kiến',
    active: 'Đang dùng',
    decommissioned: 'Đã ngừng',
    reserved: 'Dành riêng',
    deprecated: 'Không dùng nữa',
    container: 'Dải chứa',
    retired: 'Đã ngừng',
    dedicated_line: 'Kênh thuê riêng',
    internet: 'Internet',
    mpls: 'MPLS',
    vpn: 'VPN',
    website: 'Trang web',
    mail_domain: 'Tên miền thư',
    dns_zone: 'Vùng DNS',
    public_service: 'Dịch vụ công',
    low: 'Thấp',
    medium: 'Trung bình',
    high: 'Cao',
    critical: 'Rất quan trọng',
    none: 'Tắt',
    v2c: 'v2c',
    v3: 'v3',
  },
  en: {
    province: 'Province',
    department: 'Department',
    sub_unit: 'Sub-unit',
    district: 'District / city',
    commune: 'Commune / ward',
    other: 'Other',
    campus: 'Campus',
    data_center: 'Data centre',
    office: 'Office',
    server: 'Server',
    router: 'Router',
    switch: 'Switch',
    firewall: 'Firewall',
    load_balancer: 'Load balancer',
    access_point: 'Wireless access point',
    planned: 'Planned',
    active: 'Active',
    decommissioned: 'Decommissioned',
    reserved: 'Reserved',
    deprecated: 'Deprecated',
    container: 'Container',
    retired: 'Retired',
    dedicated_line: 'Dedicated line',
    internet: 'Internet',
    mpls: 'MPLS',
    vpn: 'VPN',
    website: 'Website',
    mail_domain: 'Mail domain',
    dns_zone: 'DNS zone',
    public_service: 'Public service',
    low: 'Low',
    medium: 'Medium',
    high: 'High',
    critical: 'Critical',
    none: 'Off',
    v2c: 'v2c',
    v3: 'v3',
  },
});

/** An enum value in words; values without a translation (protocol names) as they are. */
export function valueLabel(value: unknown): string {
  const s = str(value);
  const label = vl(s as Parameters<typeof vl>[0]);
  return label || s;
}
