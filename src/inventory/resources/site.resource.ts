import { CreateSiteDto, UpdateSiteDto } from '../dto/site.dto';
import { Site } from '../entities';
import { SITE_KINDS } from '../inventory.enums';
import { ResourceDefinition } from '../crud/resource-definition';
import { byUnitColumn, enumFilter } from './helpers';

export const siteResource: ResourceDefinition<Site> = {
  path: 'sites',
  objectType: 'site',
  entity: Site,
  createDto: CreateSiteDto,
  updateDto: UpdateSiteDto,
  searchFields: ['code', 'name', 'nameEn', 'address'],
  sortable: ['code', 'name', 'kind'],
  filters: { kind: enumFilter('kind', SITE_KINDS, 'Site kind') },
  unitScope: byUnitColumn(),
  describe: (s) => s.code,
  constraintFields: { sites_code_key: 'code', sites_unit_id_fkey: 'unitId' },
};
