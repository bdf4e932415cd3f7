import { Column, Entity, Index } from 'typeorm';
import {
  DeviceRole,
  LifecycleStatus,
  SnmpAuthProtocol,
  SnmpPrivProtocol,
  SnmpVersion,
} from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A server, router, switch or firewall. SNMP secrets are stored encrypted in `snmpSecret`. */
@Entity('devices')
export class Device extends InventoryEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: DeviceRole;

  @Column({ type: 'varchar', length: 128, nullable: true })
  vendor!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  model!: string | null;

  @Column({ name: 'serial_number', type: 'varchar', length: 128, nullable: true })
  serialNumber!: string | null;

  @Column({ name: 'management_address', type: 'inet', nullable: true })
  managementAddress!: string | null;

  @Index()
  @Column({ name: 'site_id', type: 'uuid', nullable: true })
  siteId!: string | null;

  @Index()
  @Column({ name: 'unit_id', type: 'uuid' })
  unitId!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: LifecycleStatus;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'snmp_version', type: 'varchar', length: 8, default: 'none' })
  snmpVersion!: SnmpVersion;

  @Column({ name: 'snmp_username', type: 'varchar', length: 128, nullable: true })
  snmpUsername!: string | null;

  @Column({ name: 'snmp_auth_protocol', type: 'varchar', length: 16, nullable: true })
  snmpAuthProtocol!: SnmpAuthProtocol | null;

  @Column({ name: 'snmp_priv_protocol', type: 'varchar', length: 16, nullable: true })
  snmpPrivProtocol!: SnmpPrivProtocol | null;

  /** AES-256-GCM envelope of the community or v3 keys; never selected by default, never returned. */
  @Column({ name: 'snmp_secret', type: 'text', nullable: true, select: false })
  snmpSecret!: string | null;
}
