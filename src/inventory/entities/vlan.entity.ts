import { Column, Entity, Index } from 'typeorm';
import { VlanStatus } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A VLAN of a site's LAN (the campus LAN), owned by a unit. */
@Entity('vlans')
@Index(['siteId', 'vid'], { unique: true })
export class Vlan extends InventoryEntity {
  @Column({ name: 'site_id', type: 'uuid' })
  siteId!: string;

  @Column({ type: 'smallint' })
  vid!: number;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: VlanStatus;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
