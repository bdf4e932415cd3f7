import { Column, Entity, Index } from 'typeorm';
import { SiteKind } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A building or location: the administrative center campus, a data center, a district office. */
@Entity('sites')
export class Site extends InventoryEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_en', type: 'varchar', length: 255, nullable: true })
  nameEn!: string | null;

  @Column({ type: 'varchar', length: 32 })
  kind!: SiteKind;

  @Index()
  @Column({ name: 'unit_id', type: 'uuid' })
  unitId!: string;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
