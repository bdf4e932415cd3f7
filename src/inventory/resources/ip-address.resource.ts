import { CreateIpAddressDto, UpdateIpAddressDto } from '../dto/ip-address.dto';
import { IpAddress } from '../entities';
import { formatInterfaceAddress, parseAddress } from '../../common/ip';
import { ADDRESS_STATUSES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { enumFilter, pick, refFilter } from './helpers';

export const ipAddressResource: ResourceDefinition<IpAddress> = {
  path: 'ip-addresses',
  objectType: 'ip_address',
  entity: IpAddress,
  createDto: CreateIpAddressDto,
  updateDto: UpdateIpAddressDto,
  searchFields: ['address', 'dnsName', 'description'],
  sortable: ['address', 'status', 'dnsName'],
  filters: {
    status: enumFilter('status', ADDRESS_STATUSES, 'Address status'),
    family: { description: 'Address family', values: ['4', '6'], sql: 'o.family = :value' },
    interface: { description: 'Interface id', sql: 'o.interface_id = :value' },
    device: refFilter(
      'interface_id',
      'devices',
      'name',
      'Device (name or id): addresses on any of its interfaces',
      'o.interface_id IN (SELECT id FROM interfaces WHERE device_id = :value)',
    ),
  },
  unitScope: (subtree) =>
    `o.interface_id IN (SELECT i.id FROM interfaces i JOIN devices d ON d.id = i.device_id WHERE d.unit_id IN ${subtree})`,
  describe: (a) => a.address,
  constraintFields: {
    ip_addresses_host_key: 'address',
    ip_addresses_interface_id_fkey: 'interfaceId',
  },
  prepare(body) {
    const out = pick<IpAddress>(body, ['interfaceId', 'dnsName', 'status', 'description']);
    if ('address' in body) {
      const p = parseAddress(String(body.address));
      if (typeof p !== 'string') {
        out.address = formatInterfaceAddress(p);
        out.family = p.family;
      }
    }
    return out;
  },
};
