import { RecordType } from './schema';
import { SourceRecord } from './records';

/** A reference from a record to another object by natural key, and the body field it fills. */
export interface Reference {
  /** Body field (`unitId`), and the record key(s) it was written as, for messages. */
  bodyField: string;
  sourceKey: string;
  target: RecordType;
  key: string;
  /** For interface references: the device part, so an unknown device is named as such. */
  device?: { sourceKey: string; key: string };
}

/** Defaults for fields a file may leave out (the file describes each object fully). */
const DEFAULTS: Partial<Record<RecordType, Record<string, unknown>>> = {
  device: { status: 'active' },
  interface: { enabled: true },
  vlan: { status: 'active' },
  prefix: { status: 'active' },
  ipAddress: { status: 'active' },
  circuit: { status: 'active' },
  service: { status: 'active', criticality: 'medium', ipv6Required: false, dnssecRequired: false },
};

/** Plain fields copied from the record to the body under the same name. */
const PLAIN: Record<RecordType, string[]> = {
  unit: ['code', 'kind', 'name', 'nameEn', 'description'],
  contact: ['email', 'name', 'phone', 'title'],
  site: ['code', 'name', 'nameEn', 'kind', 'address', 'latitude', 'longitude', 'description'],
  device: [
    'name',
    'role',
    'vendor',
    'model',
    'serialNumber',
    'managementAddress',
    'status',
    'description',
  ],
  interface: ['name', 'description', 'ifIndex', 'macAddress', 'speedKbps', 'enabled'],
  vlan: ['vid', 'name', 'status', 'description'],
  prefix: ['prefix', 'status', 'description'],
  ipAddress: ['address', 'dnsName', 'status', 'description'],
  circuit: [
    'cid',
    'provider',
    'type',
    'status',
    'rateKbps',
    'installDate',
    'contractEndDate',
    'slaTargetPercent',
    'description',
  ],
  service: [
    'kind',
    'hostname',
    'name',
    'url',
    'criticality',
    'ipv6Required',
    'dnssecRequired',
    'status',
    'description',
  ],
  contactRole: ['objectType', 'role'],
};

const s = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** The references a record makes, with the natural key of each target. */
export function referencesOf(record: SourceRecord): Reference[] {
  const d = record.data;
  const refs: Reference[] = [];
  const add = (
    bodyField: string,
    sourceKey: string,
    target: RecordType,
    key: string | undefined,
  ) => {
    if (key !== undefined && key !== '') refs.push({ bodyField, sourceKey, target, key });
  };
  const iface = (bodyField: string, deviceKey: string, ifKey: string) => {
    const device = s(d[deviceKey]);
    const name = s(d[ifKey]);
    if (device === undefined && name === undefined) return;
    refs.push({
      bodyField,
      sourceKey: name === undefined ? deviceKey : ifKey,
      target: 'interface',
      key: `${device ?? ''}/${name ?? ''}`,
      device: device === undefined ? undefined : { sourceKey: deviceKey, key: device },
    });
  };
  switch (record.type) {
    case 'unit':
      add('parentId', 'parent', 'unit', s(d.parent));
      break;
    case 'contact':
    case 'site':
    case 'device':
    case 'vlan':
    case 'prefix':
    case 'circuit':
    case 'service':
      add('unitId', 'unit', 'unit', s(d.unit));
      break;
  }
  switch (record.type) {
    case 'device':
      add('siteId', 'site', 'site', s(d.site));
      break;
    case 'interface':
      add('deviceId', 'device', 'device', s(d.device));
      break;
    case 'vlan':
      add('siteId', 'site', 'site', s(d.site));
      break;
    case 'prefix':
      add('siteId', 'site', 'site', s(d.site));
      add('vlanId', 'vlan', 'vlan', s(d.vlan));
      break;
    case 'ipAddress':
      iface('interfaceId', 'device', 'interface');
      break;
    case 'circuit':
      iface('aInterfaceId', 'aDevice', 'aInterface');
      add('aSiteId', 'aSite', 'site', s(d.aSite));
      iface('zInterfaceId', 'zDevice', 'zInterface');
      add('zSiteId', 'zSite', 'site', s(d.zSite));
      break;
    case 'contactRole': {
      add('contactId', 'email', 'contact', s(d.email)?.toLowerCase());
      const target = {
        unit: 'unit',
        site: 'site',
        device: 'device',
        circuit: 'circuit',
        service: 'service',
      }[String(d.objectType)];
      if (target) add('objectId', 'objectKey', target as RecordType, s(d.objectKey));
      break;
    }
  }
  return refs;
}

/** Reference body fields each type always sends (null when the file leaves them out). */
const REF_FIELDS: Record<RecordType, string[]> = {
  unit: ['parentId'],
  contact: ['unitId'],
  site: ['unitId'],
  device: ['unitId', 'siteId'],
  interface: ['deviceId'],
  vlan: ['unitId', 'siteId'],
  prefix: ['unitId', 'siteId', 'vlanId'],
  ipAddress: ['interfaceId'],
  circuit: ['unitId', 'aInterfaceId', 'aSiteId', 'zInterfaceId', 'zSiteId'],
  service: ['unitId'],
  contactRole: ['contactId', 'objectId'],
};

/** Required reference fields: left out, they must fail validation rather than become null. */
const REQUIRED_REFS = new Set([
  'site.unitId',
  'device.unitId',
  'interface.deviceId',
  'vlan.siteId',
  'service.unitId',
  'contactRole.contactId',
  'contactRole.objectId',
]);

/**
 * The full API body for a record, with references already resolved to ids. Fields the file
 * leaves out become null or their default, because the file describes each object fully; SNMP
 * credentials are the exception (absent = keep), since exports never contain them.
 */
export function bodyOf(record: SourceRecord, ids: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const defaults = DEFAULTS[record.type] ?? {};
  for (const key of PLAIN[record.type]) {
    body[key] = record.data[key] ?? (key in defaults ? defaults[key] : null);
  }
  for (const field of REF_FIELDS[record.type]) {
    if (ids[field] !== undefined) body[field] = ids[field];
    else if (!REQUIRED_REFS.has(`${record.type}.${field}`)) body[field] = null;
  }
  if (record.type === 'device' && record.data.snmpVersion !== undefined) {
    const snmp: Record<string, unknown> = { version: record.data.snmpVersion };
    const map = {
      community: 'snmpCommunity',
      username: 'snmpUsername',
      authProtocol: 'snmpAuthProtocol',
      authKey: 'snmpAuthKey',
      privProtocol: 'snmpPrivProtocol',
      privKey: 'snmpPrivKey',
    };
    for (const [field, key] of Object.entries(map))
      if (record.data[key] !== undefined) snmp[field] = record.data[key];
    body.snmp = snmp;
  }
  return body;
}

/** Body field → record key, to name the field as the file spells it. */
export function sourceKeyOf(record: SourceRecord, bodyField: string): string {
  if (bodyField.startsWith('snmp.')) {
    const sub = bodyField.slice(5);
    return `snmp${sub[0].toUpperCase()}${sub.slice(1)}`;
  }
  const ref = referencesOf(record).find((r) => r.bodyField === bodyField);
  if (ref) return ref.sourceKey;
  const implied: Record<string, string> = {
    parentId: 'parent',
    unitId: 'unit',
    siteId: 'site',
    deviceId: 'device',
    vlanId: 'vlan',
    interfaceId: 'interface',
    contactId: 'email',
    objectId: 'objectKey',
    aInterfaceId: 'aInterface',
    zInterfaceId: 'zInterface',
    aSiteId: 'aSite',
    zSiteId: 'zSite',
  };
  return implied[bodyField] ?? bodyField;
}
