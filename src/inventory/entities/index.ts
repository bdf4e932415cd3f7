import { ChangeAction, ChangeLogEntry } from './change-log.entity';
import { Circuit } from './circuit.entity';
import { Contact, ContactRole } from './contact.entity';
import { Device } from './device.entity';
import { NetworkInterface } from './interface.entity';
import { IpAddress } from './ip-address.entity';
import { Prefix } from './prefix.entity';
import { Service } from './service.entity';
import { Site } from './site.entity';
import { Unit } from './unit.entity';
import { Vlan } from './vlan.entity';

export type { ChangeAction };
export {
  ChangeLogEntry,
  Circuit,
  Contact,
  ContactRole,
  Device,
  NetworkInterface,
  IpAddress,
  Prefix,
  Service,
  Site,
  Unit,
  Vlan,
};

export const INVENTORY_ENTITIES = [
  Unit,
  Contact,
  ContactRole,
  Site,
  Device,
  NetworkInterface,
  Vlan,
  Prefix,
  IpAddress,
  Circuit,
  Service,
  ChangeLogEntry,
];
