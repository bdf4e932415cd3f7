import { CONTACT_OBJECT_TYPES } from '../inventory.enums';

/**
 * The import/export file formats, as data: every record type, its YAML section and CSV file, and
 * every field with its YAML key, CSV column and value kind. Both readers, the importer's error
 * messages and the exporter work from this one table.
 */
export type RecordType =
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

export type ValueKind = 'string' | 'int' | 'number' | 'bool';

export interface FieldSpec {
  /** Internal key (YAML key; nested YAML keys such as `a.device` are flattened to `aDevice`). */
  key: string;
  /** Display name in YAML messages (`a.device`). */
  yaml: string;
  column: string;
  kind: ValueKind;
}

export interface TypeSpec {
  type: RecordType;
  /** Top-level YAML section, or null when records only appear nested (interfaces, contact roles). */
  section: string | null;
  csvFile: string;
  fields: FieldSpec[];
  /** Fields that must be present. */
  required: string[];
}

const f = (key: string, column: string, kind: ValueKind = 'string', yaml = key): FieldSpec => ({
  key,
  yaml,
  column,
  kind,
});

export const SPECS: Record<RecordType, TypeSpec> = {
  unit: {
    type: 'unit',
    section: 'units',
    csvFile: 'units.csv',
    fields: [
      f('code', 'code'),
      f('kind', 'kind'),
      f('name', 'name'),
      f('nameEn', 'name_en'),
      f('parent', 'parent'),
      f('description', 'description'),
    ],
    required: ['code', 'kind', 'name'],
  },
  contact: {
    type: 'contact',
    section: 'contacts',
    csvFile: 'contacts.csv',
    fields: [
      f('email', 'email'),
      f('name', 'name'),
      f('phone', 'phone'),
      f('title', 'title'),
      f('unit', 'unit'),
    ],
    required: ['email', 'name'],
  },
  site: {
    type: 'site',
    section: 'sites',
    csvFile: 'sites.csv',
    fields: [
      f('code', 'code'),
      f('name', 'name'),
      f('nameEn', 'name_en'),
      f('kind', 'kind'),
      f('unit', 'unit'),
      f('address', 'address'),
      f('latitude', 'latitude', 'number'),
      f('longitude', 'longitude', 'number'),
      f('description', 'description'),
    ],
    required: ['code', 'name', 'kind', 'unit'],
  },
  device: {
    type: 'device',
    section: 'devices',
    csvFile: 'devices.csv',
    fields: [
      f('name', 'name'),
      f('role', 'role'),
      f('vendor', 'vendor'),
      f('model', 'model'),
      f('serialNumber', 'serial_number'),
      f('managementAddress', 'management_address'),
      f('site', 'site'),
      f('unit', 'unit'),
      f('status', 'status'),
      f('description', 'description'),
      f('snmpVersion', 'snmp_version', 'string', 'snmp.version'),
      f('snmpCommunity', 'snmp_community', 'string', 'snmp.community'),
      f('snmpUsername', 'snmp_username', 'string', 'snmp.username'),
      f('snmpAuthProtocol', 'snmp_auth_protocol', 'string', 'snmp.authProtocol'),
      f('snmpAuthKey', 'snmp_auth_key', 'string', 'snmp.authKey'),
      f('snmpPrivProtocol', 'snmp_priv_protocol', 'string', 'snmp.privProtocol'),
      f('snmpPrivKey', 'snmp_priv_key', 'string', 'snmp.privKey'),
    ],
    required: ['name', 'role', 'unit'],
  },
  interface: {
    type: 'interface',
    section: null,
    csvFile: 'interfaces.csv',
    fields: [
      f('device', 'device'),
      f('name', 'name'),
      f('description', 'description'),
      f('ifIndex', 'if_index', 'int'),
      f('macAddress', 'mac_address'),
      f('speedKbps', 'speed_kbps', 'int'),
      f('enabled', 'enabled', 'bool'),
    ],
    required: ['device', 'name'],
  },
  vlan: {
    type: 'vlan',
    section: 'vlans',
    csvFile: 'vlans.csv',
    fields: [
      f('site', 'site'),
      f('vid', 'vid', 'int'),
      f('name', 'name'),
      f('unit', 'unit'),
      f('status', 'status'),
      f('description', 'description'),
    ],
    required: ['site', 'vid', 'name'],
  },
  prefix: {
    type: 'prefix',
    section: 'prefixes',
    csvFile: 'prefixes.csv',
    fields: [
      f('prefix', 'prefix'),
      f('status', 'status'),
      f('unit', 'unit'),
      f('site', 'site'),
      f('vlan', 'vlan'),
      f('description', 'description'),
    ],
    required: ['prefix'],
  },
  ipAddress: {
    type: 'ipAddress',
    section: 'ipAddresses',
    csvFile: 'ip_addresses.csv',
    fields: [
      f('address', 'address'),
      f('device', 'device'),
      f('interface', 'interface'),
      f('dnsName', 'dns_name'),
      f('status', 'status'),
      f('description', 'description'),
    ],
    required: ['address'],
  },
  circuit: {
    type: 'circuit',
    section: 'circuits',
    csvFile: 'circuits.csv',
    fields: [
      f('cid', 'cid'),
      f('provider', 'provider'),
      f('type', 'type'),
      f('status', 'status'),
      f('rateKbps', 'rate_kbps', 'int'),
      f('unit', 'unit'),
      f('aDevice', 'a_device', 'string', 'a.device'),
      f('aInterface', 'a_interface', 'string', 'a.interface'),
      f('aSite', 'a_site', 'string', 'a.site'),
      f('zDevice', 'z_device', 'string', 'z.device'),
      f('zInterface', 'z_interface', 'string', 'z.interface'),
      f('zSite', 'z_site', 'string', 'z.site'),
      f('installDate', 'install_date'),
      f('contractEndDate', 'contract_end_date'),
      f('slaTargetPercent', 'sla_target_percent', 'number'),
      f('description', 'description'),
    ],
    required: ['cid', 'provider', 'type'],
  },
  service: {
    type: 'service',
    section: 'services',
    csvFile: 'services.csv',
    fields: [
      f('kind', 'kind'),
      f('hostname', 'hostname'),
      f('name', 'name'),
      f('url', 'url'),
      f('unit', 'unit'),
      f('criticality', 'criticality'),
      f('ipv6Required', 'ipv6_required', 'bool'),
      f('dnssecRequired', 'dnssec_required', 'bool'),
      f('status', 'status'),
      f('description', 'description'),
    ],
    required: ['kind', 'hostname', 'name', 'unit'],
  },
  contactRole: {
    type: 'contactRole',
    section: null,
    csvFile: 'contact_roles.csv',
    fields: [
      f('email', 'email'),
      f('objectType', 'object_type'),
      f('objectKey', 'object_key'),
      f('role', 'role'),
    ],
    required: ['email', 'objectType', 'objectKey', 'role'],
  },
};

/** Import order: every type refers only to types before it. */
export const IMPORT_ORDER: RecordType[] = [
  'unit',
  'contact',
  'site',
  'device',
  'interface',
  'vlan',
  'prefix',
  'ipAddress',
  'circuit',
  'service',
  'contactRole',
];

export const CSV_FILES = new Map(Object.values(SPECS).map((s) => [s.csvFile, s.type]));

/** Types whose YAML records may carry a `contacts: [{email, role}]` list. */
export const WITH_CONTACTS: Partial<Record<RecordType, (typeof CONTACT_OBJECT_TYPES)[number]>> = {
  unit: 'unit',
  site: 'site',
  device: 'device',
  circuit: 'circuit',
  service: 'service',
};
