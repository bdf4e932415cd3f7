import { Column, Entity, Index } from 'typeorm';
import { UnitKind } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** An organisational unit: province, department, sub-unit, district or commune. */
@Entity('units')
export class Unit extends InventoryEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: UnitKind;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_en', type: 'varchar', length: 255, nullable: true })
  nameEn!: string | null;

  @Index()
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
