import { ResourceDefinition } from '../crud/resource-definition';
import { InventoryEntity } from '../entities/base.entity';
import { circuitResource } from './circuit.resource';
import { contactResource, contactRoleResource } from './contact.resource';
import { deviceResource } from './device.resource';
import { interfaceResource } from './interface.resource';
import { ipAddressResource } from './ip-address.resource';
import { prefixResource } from './prefix.resource';
import { serviceResource } from './service.resource';
import { siteResource } from './site.resource';
import { unitResource } from './unit.resource';
import { vlanResource } from './vlan.resource';

export {
  circuitResource,
  contactResource,
  contactRoleResource,
  deviceResource,
  interfaceResource,
  ipAddressResource,
  prefixResource,
  serviceResource,
  siteResource,
  unitResource,
  vlanResource,
};

/** Every REST resource, in dependency order (a type only refers to types before it). */
export const RESOURCES: ResourceDefinition<InventoryEntity>[] = [
  unitResource,
  contactResource,
  siteResource,
  deviceResource,
  interfaceResource,
  vlanResource,
  prefixResource,
  ipAddressResource,
  circuitResource,
  serviceResource,
  contactRoleResource,
] as unknown as ResourceDefinition<InventoryEntity>[];
