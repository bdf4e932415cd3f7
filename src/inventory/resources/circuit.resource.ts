import { CreateCircuitDto, UpdateCircuitDto } from '../dto/circuit.dto';
import { Circuit } from '../entities';
import { CIRCUIT_TYPES, LIFECYCLE_STATUSES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { byUnitColumn, enumFilter, pick, problem, refFilter } from './helpers';

const INTERFACES_AT_SITE =
  'SELECT i.id FROM interfaces i JOIN devices d ON d.id = i.device_id WHERE d.site_id = :value';

export const circuitResource: ResourceDefinition<Circuit> = {
  path: 'circuits',
  objectType: 'circuit',
  entity: Circuit,
  createDto: CreateCircuitDto,
  updateDto: UpdateCircuitDto,
  searchFields: ['cid', 'provider', 'description'],
  sortable: ['cid', 'provider', 'type', 'status', 'contractEndDate'],
  filters: {
    type: enumFilter('type', CIRCUIT_TYPES, 'Circuit type'),
    status: enumFilter('status', LIFECYCLE_STATUSES, 'Lifecycle status'),
    provider: { description: 'Provider name (exact)', sql: 'o.provider = :value' },
    site: refFilter(
      'a_site_id',
      'sites',
      'code',
      'Circuits ending at this site (code or id), directly or on a device there',
      `(o.a_site_id = :value OR o.z_site_id = :value OR o.a_interface_id IN (${INTERFACES_AT_SITE}) OR o.z_interface_id IN (${INTERFACES_AT_SITE}))`,
    ),
  },
  unitScope: byUnitColumn(),
  describe: (c) => c.cid,
  constraintFields: {
    circuits_cid_key: 'cid',
    circuits_unit_id_fkey: 'unitId',
    circuits_a_interface_id_fkey: 'aInterfaceId',
    circuits_a_site_id_fkey: 'aSiteId',
    circuits_z_interface_id_fkey: 'zInterfaceId',
    circuits_z_site_id_fkey: 'zSiteId',
    circuits_a_one_end: 'aSiteId',
    circuits_z_one_end: 'zSiteId',
    circuits_dates: 'contractEndDate',
  },
  prepare(body) {
    const out = pick<Circuit>(body, [
      'cid',
      'provider',
      'type',
      'status',
      'rateKbps',
      'unitId',
      'aInterfaceId',
      'aSiteId',
      'zInterfaceId',
      'zSiteId',
      'installDate',
      'contractEndDate',
      'description',
    ]);
    // numeric(6,3) comes back as text with three decimals; store it in that form so an
    // unchanged re-import compares equal.
    if ('slaTargetPercent' in body) {
      const v = body.slaTargetPercent;
      out.slaTargetPercent = v === null || v === undefined ? null : Number(v).toFixed(3);
    }
    return out;
  },
  async check(_em, c) {
    const problems = [];
    if (c.aInterfaceId && c.aSiteId)
      problems.push(problem('aSiteId', 'the A end is either an interface or a site, not both'));
    if (c.zInterfaceId && c.zSiteId)
      problems.push(problem('zSiteId', 'the Z end is either an interface or a site, not both'));
    if (c.installDate && c.contractEndDate && c.contractEndDate < c.installDate) {
      problems.push(problem('contractEndDate', 'contractEndDate must not be before installDate'));
    }
    return problems;
  },
  present(c) {
    const { searchText: _hidden, slaTargetPercent, ...rest } = c;
    return {
      ...rest,
      slaTargetPercent: slaTargetPercent === null ? null : Number(slaTargetPercent),
    };
  },
};
