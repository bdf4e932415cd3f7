import { CreateInterfaceDto, UpdateInterfaceDto } from '../dto/interface.dto';
import { NetworkInterface } from '../entities';
import { ResourceDefinition } from '../crud/resource-definition';
import { pick, refFilter } from './helpers';

export const interfaceResource: ResourceDefinition<NetworkInterface> = {
  path: 'interfaces',
  objectType: 'interface',
  entity: NetworkInterface,
  createDto: CreateInterfaceDto,
  updateDto: UpdateInterfaceDto,
  searchFields: ['name', 'description', 'macAddress'],
  sortable: ['name', 'ifIndex'],
  filters: { device: refFilter('device_id', 'devices', 'name', 'Device (name or id)') },
  unitScope: (subtree) =>
    `o.device_id IN (SELECT d.id FROM devices d WHERE d.unit_id IN ${subtree})`,
  describe: (i) => i.name,
  constraintFields: { interfaces_device_name_key: 'name', interfaces_device_id_fkey: 'deviceId' },
  prepare(body) {
    const out = pick<NetworkInterface>(body, [
      'deviceId',
      'name',
      'description',
      'ifIndex',
      'enabled',
    ]);
    if ('macAddress' in body)
      out.macAddress = body.macAddress
        ? String(body.macAddress).toLowerCase().replace(/-/g, ':')
        : null;
    if ('speedKbps' in body)
      out.speedKbps =
        body.speedKbps === null || body.speedKbps === undefined ? null : String(body.speedKbps);
    return out;
  },
  present(i) {
    const { searchText: _hidden, speedKbps, ...rest } = i;
    return { ...rest, speedKbps: speedKbps === null ? null : Number(speedKbps) };
  },
};
