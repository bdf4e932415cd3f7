import { Column, Entity, Index } from 'typeorm';
import { CircuitType, LifecycleStatus } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A dedicated line or internet link; each end terminates on a device interface or a site. */
@Entity('circuits')
export class Circuit extends InventoryEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 128 })
  cid!: string;

  @Column({ type: 'varchar', length: 128 })
  provider!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: CircuitType;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: LifecycleStatus;

  @Column({ name: 'rate_kbps', type: 'integer', nullable: true })
  rateKbps!: number | null;

  @Index()
  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ name: 'a_interface_id', type: 'uuid', nullable: true })
  aInterfaceId!: string | null;

  @Column({ name: 'a_site_id', type: 'uuid', nullable: true })
  aSiteId!: string | null;

  @Column({ name: 'z_interface_id', type: 'uuid', nullable: true })
  zInterfaceId!: string | null;

  @Column({ name: 'z_site_id', type: 'uuid', nullable: true })
  zSiteId!: string | null;

  @Column({ name: 'install_date', type: 'date', nullable: true })
  installDate!: string | null;

  @Column({ name: 'contract_end_date', type: 'date', nullable: true })
  contractEndDate!: string | null;

  @Column({ name: 'sla_target_percent', type: 'numeric', precision: 6, scale: 3, nullable: true })
  slaTargetPercent!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
