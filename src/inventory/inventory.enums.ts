/** Value sets shared by entities, DTOs, import and the migration's CHECK constraints. */
export const UNIT_KINDS = [
  'province',
  'department',
  'sub_unit',
  'district',
  'commune',
  'other',
] as const;
export const SITE_KINDS = ['campus', 'data_center', 'office', 'other'] as const;
export const DEVICE_ROLES = [
  'server',
  'router',
  'switch',
  'firewall',
  'load_balancer',
  'access_point',
  'other',
] as const;
export const LIFECYCLE_STATUSES = ['planned', 'active', 'decommissioned'] as const;
export const SNMP_VERSIONS = ['none', 'v2c', 'v3'] as const;
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export const VLAN_STATUSES = ['active', 'reserved', 'deprecated'] as const;
export const PREFIX_STATUSES = ['active', 'reserved', 'deprecated', 'container'] as const;
export const ADDRESS_STATUSES = ['active', 'reserved', 'deprecated'] as const;
export const CIRCUIT_TYPES = ['dedicated_line', 'internet', 'mpls', 'vpn', 'other'] as const;
export const SERVICE_KINDS = [
  'website',
  'mail_domain',
  'dns_zone',
  'public_service',
  'other',
] as const;
export const SERVICE_STATUSES = ['active', 'planned', 'retired'] as const;
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export const CONTACT_ROLES = [
  'technical',
  'responsible_official',
  'administrative',
  'security',
] as const;
export const CONTACT_OBJECT_TYPES = ['unit', 'site', 'device', 'circuit', 'service'] as const;

export type UnitKind = (typeof UNIT_KINDS)[number];
export type SiteKind = (typeof SITE_KINDS)[number];
export type DeviceRole = (typeof DEVICE_ROLES)[number];
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];
export type SnmpVersion = (typeof SNMP_VERSIONS)[number];
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];
export type VlanStatus = (typeof VLAN_STATUSES)[number];
export type PrefixStatus = (typeof PREFIX_STATUSES)[number];
export type AddressStatus = (typeof ADDRESS_STATUSES)[number];
export type CircuitType = (typeof CIRCUIT_TYPES)[number];
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
export type Criticality = (typeof CRITICALITIES)[number];
export type ContactRoleName = (typeof CONTACT_ROLES)[number];
export type ContactObjectType = (typeof CONTACT_OBJECT_TYPES)[number];
