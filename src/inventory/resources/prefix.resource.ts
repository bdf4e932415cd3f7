import { CreatePrefixDto, UpdatePrefixDto } from '../dto/prefix.dto';
import { Prefix } from '../entities';
import { parsePrefix } from '../../common/ip';
import { PREFIX_STATUSES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { ValidationError } from '../../common/errors';
import { byUnitColumn, enumFilter, pick, problem, refFilter } from './helpers';

export const prefixResource: ResourceDefinition<Prefix> = {
  path: 'prefixes',
  objectType: 'prefix',
  entity: Prefix,
  createDto: CreatePrefixDto,
  updateDto: UpdatePrefixDto,
  searchFields: ['prefix', 'description'],
  sortable: ['prefix', 'status'],
  filters: {
    status: enumFilter('status', PREFIX_STATUSES, 'Prefix status'),
    family: { description: 'Address family', values: ['4', '6'], sql: 'o.family = :value' },
    site: refFilter('site_id', 'sites', 'code', 'Site (code or id)'),
    within: {
      description: 'Prefixes inside this network (e.g. 2001:db8:100::/48)',
      sql: 'o.prefix << :value::cidr',
      parse: async (raw, _em, param) => {
        const p = parsePrefix(raw);
        if (typeof p === 'string')
          throw new ValidationError('invalid filter', [problem(param, `${param} ${p}`)]);
        return p.network;
      },
    },
  },
  unitScope: byUnitColumn(),
  describe: (p) => p.prefix,
  constraintFields: {
    prefixes_prefix_key: 'prefix',
    prefixes_vlan_id_fkey: 'vlanId',
    prefixes_unit_id_fkey: 'unitId',
    prefixes_site_id_fkey: 'siteId',
  },
  prepare(body) {
    const out = pick<Prefix>(body, ['status', 'vlanId', 'unitId', 'siteId', 'description']);
    if ('prefix' in body) {
      const p = parsePrefix(String(body.prefix));
      if (typeof p !== 'string') {
        out.prefix = p.network;
        out.family = p.family;
      }
    }
    return out;
  },
};
