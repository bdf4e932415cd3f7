import { Column, Entity, Index } from 'typeorm';
import { InventoryEntity } from './base.entity';

/** A device's network interface; its addresses are IpAddress rows pointing here. */
@Entity('interfaces')
@Index(['deviceId', 'name'], { unique: true })
export class NetworkInterface extends InventoryEntity {
  @Column({ name: 'device_id', type: 'uuid' })
  deviceId!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'if_index', type: 'integer', nullable: true })
  ifIndex!: number | null;

  @Column({ name: 'mac_address', type: 'macaddr', nullable: true })
  macAddress!: string | null;

  @Column({ name: 'speed_kbps', type: 'bigint', nullable: true })
  speedKbps!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;
}
