import { Column, Entity, Index } from 'typeorm';
import { Criticality, ServiceKind, ServiceStatus } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A website, mail domain, DNS zone or public service the province must keep IPv6/DNSSEC ready. */
@Entity('services')
@Index(['kind', 'hostname'], { unique: true })
export class Service extends InventoryEntity {
  @Column({ type: 'varchar', length: 32 })
  kind!: ServiceKind;

  @Column({ type: 'varchar', length: 253 })
  hostname!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Index()
  @Column({ name: 'unit_id', type: 'uuid' })
  unitId!: string;

  @Column({ type: 'varchar', length: 16, default: 'medium' })
  criticality!: Criticality;

  @Column({ name: 'ipv6_required', type: 'boolean', default: false })
  ipv6Required!: boolean;

  @Column({ name: 'dnssec_required', type: 'boolean', default: false })
  dnssecRequired!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: ServiceStatus;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
