import { CreateVlanDto, UpdateVlanDto } from '../dto/vlan.dto';
import { Vlan } from '../entities';
import { VLAN_STATUSES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { byUnitColumn, enumFilter, refFilter } from './helpers';

export const vlanResource: ResourceDefinition<Vlan> = {
  path: 'vlans',
  objectType: 'vlan',
  entity: Vlan,
  createDto: CreateVlanDto,
  updateDto: UpdateVlanDto,
  searchFields: ['name', 'description'],
  sortable: ['vid', 'name', 'status'],
  filters: {
    status: enumFilter('status', VLAN_STATUSES, 'VLAN status'),
    site: refFilter('site_id', 'sites', 'code', 'Site (code or id)'),
  },
  unitScope: byUnitColumn(),
  describe: (v) => `${v.vid} ${v.name}`,
  constraintFields: {
    vlans_site_vid_key: 'vid',
    vlans_site_id_fkey: 'siteId',
    vlans_unit_id_fkey: 'unitId',
  },
};
