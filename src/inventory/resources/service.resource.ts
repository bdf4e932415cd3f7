import { CreateServiceDto, UpdateServiceDto } from '../dto/service.dto';
import { Service } from '../entities';
import { CRITICALITIES, SERVICE_KINDS, SERVICE_STATUSES } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { byUnitColumn, enumFilter } from './helpers';

const boolFilter = (column: string, description: string) => ({
  description,
  values: ['true', 'false'] as const,
  sql: `o.${column} = :value`,
});

export const serviceResource: ResourceDefinition<Service> = {
  path: 'services',
  objectType: 'service',
  entity: Service,
  createDto: CreateServiceDto,
  updateDto: UpdateServiceDto,
  searchFields: ['hostname', 'name', 'url', 'description'],
  sortable: ['hostname', 'name', 'kind', 'criticality', 'status'],
  filters: {
    kind: enumFilter('kind', SERVICE_KINDS, 'Service kind'),
    status: enumFilter('status', SERVICE_STATUSES, 'Service status'),
    criticality: enumFilter('criticality', CRITICALITIES, 'Criticality'),
    ipv6Required: boolFilter('ipv6_required', 'Must be IPv6-ready'),
    dnssecRequired: boolFilter('dnssec_required', 'Must be DNSSEC-signed'),
  },
  unitScope: byUnitColumn(),
  describe: (s) => `${s.kind}/${s.hostname}`,
  constraintFields: { services_kind_hostname_key: 'hostname', services_unit_id_fkey: 'unitId' },
};
