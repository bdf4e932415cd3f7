import { CreateDeviceDto, SnmpSettingsDto, UpdateDeviceDto } from '../dto/device.dto';
import { Device } from '../entities';
import { parseHost } from '../../common/ip';
import { DEVICE_ROLES, LIFECYCLE_STATUSES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { byUnitColumn, enumFilter, pick, problem, refFilter } from './helpers';

/** The decrypted form of `snmp_secret`. */
export interface SnmpSecret {
  community?: string;
  authKey?: string;
  privKey?: string;
}

export const deviceResource: ResourceDefinition<Device> = {
  path: 'devices',
  objectType: 'device',
  entity: Device,
  createDto: CreateDeviceDto,
  updateDto: UpdateDeviceDto,
  searchFields: ['name', 'vendor', 'model', 'serialNumber', 'managementAddress', 'description'],
  sortable: ['name', 'role', 'status', 'vendor'],
  filters: {
    role: enumFilter('role', DEVICE_ROLES, 'Device role'),
    status: enumFilter('status', LIFECYCLE_STATUSES, 'Lifecycle status'),
    site: refFilter('site_id', 'sites', 'code', 'Site (code or id)'),
  },
  unitScope: byUnitColumn(),
  describe: (d) => d.name,
  secretColumns: ['snmpSecret'],
  constraintFields: {
    devices_name_key: 'name',
    devices_site_id_fkey: 'siteId',
    devices_unit_id_fkey: 'unitId',
    devices_management_address_check: 'managementAddress',
  },
  prepare(body, ctx) {
    const out = pick<Device>(body, [
      'name',
      'role',
      'vendor',
      'model',
      'serialNumber',
      'siteId',
      'unitId',
      'status',
      'description',
    ]);
    if ('managementAddress' in body) {
      const parsed = body.managementAddress ? parseHost(String(body.managementAddress)) : null;
      out.managementAddress = parsed && typeof parsed !== 'string' ? parsed.host : null;
    }
    const snmp = body.snmp as SnmpSettingsDto | undefined;
    if (snmp) {
      out.snmpVersion = snmp.version;
      out.snmpUsername = snmp.version === 'v3' ? (snmp.username ?? null) : null;
      out.snmpAuthProtocol = snmp.version === 'v3' ? (snmp.authProtocol ?? null) : null;
      out.snmpPrivProtocol = snmp.version === 'v3' ? (snmp.privProtocol ?? null) : null;
      if (snmp.version === 'none') out.snmpSecret = null;
      else if (snmp.version === 'v2c' && snmp.community !== undefined) {
        out.snmpSecret = ctx.seal(
          JSON.stringify({ community: snmp.community } satisfies SnmpSecret),
        );
      } else if (snmp.version === 'v3' && snmp.authKey !== undefined) {
        out.snmpSecret = ctx.seal(
          JSON.stringify({ authKey: snmp.authKey, privKey: snmp.privKey } satisfies SnmpSecret),
        );
      }
      // No secret given: snmpSecret is left out, so the stored one is kept (checked in `check`).
    }
    return out;
  },
  async check(_em, candidate, existing) {
    if ((candidate.snmpVersion ?? 'none') === 'none') return [];
    const needed = candidate.snmpVersion === 'v2c' ? 'snmp.community' : 'snmp.authKey';
    if (!candidate.snmpSecret)
      return [problem(needed, `${needed} is required to turn SNMP ${candidate.snmpVersion} on`)];
    if (
      existing &&
      existing.snmpVersion !== candidate.snmpVersion &&
      candidate.snmpSecret === existing.snmpSecret
    ) {
      return [problem(needed, `${needed} is required when the SNMP version changes`)];
    }
    return [];
  },
  present(d) {
    const { snmpVersion, snmpUsername, snmpAuthProtocol, snmpPrivProtocol, ...rest } = d;
    delete (rest as Partial<Device>).snmpSecret;
    delete (rest as Partial<Device>).searchText;
    return {
      ...rest,
      // Credentials are never returned; only whether SNMP is configured and its non-secret settings.
      snmp: {
        version: snmpVersion,
        username: snmpUsername,
        authProtocol: snmpAuthProtocol,
        privProtocol: snmpPrivProtocol,
        credentialsSet: snmpVersion !== 'none',
      },
    };
  },
};
