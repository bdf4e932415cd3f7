import { Column, Entity } from 'typeorm';
import { PrefixStatus } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** An IPv4 or IPv6 network (`cidr`, GiST-indexed for containment queries). */
@Entity('prefixes')
export class Prefix extends InventoryEntity {
  @Column({ type: 'cidr', unique: true })
  prefix!: string;

  @Column({ type: 'smallint' })
  family!: 4 | 6;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: PrefixStatus;

  @Column({ name: 'vlan_id', type: 'uuid', nullable: true })
  vlanId!: string | null;

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ name: 'site_id', type: 'uuid', nullable: true })
  siteId!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
