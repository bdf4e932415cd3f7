import { Column, Entity, Index } from 'typeorm';
import { AddressStatus } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A host address with its prefix length (`inet`, e.g. 198.51.100.10/26); unique per host. */
@Entity('ip_addresses')
export class IpAddress extends InventoryEntity {
  @Column({ type: 'inet' })
  address!: string;

  @Column({ type: 'smallint' })
  family!: 4 | 6;

  @Index()
  @Column({ name: 'interface_id', type: 'uuid', nullable: true })
  interfaceId!: string | null;

  @Column({ name: 'dns_name', type: 'varchar', length: 253, nullable: true })
  dnsName!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: AddressStatus;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
