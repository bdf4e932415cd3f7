import { Column, Entity, Index } from 'typeorm';
import { ContactObjectType, ContactRoleName } from '../inventory.enums';
import { InventoryEntity } from './base.entity';

/** A person to call: technical contact or responsible official. */
@Entity('contacts')
export class Contact extends InventoryEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  title!: string | null;

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;
}

/** Which contact answers for which object, and in what role. */
@Entity('contact_roles')
@Index(['objectType', 'objectId'])
@Index(['contactId', 'objectType', 'objectId', 'role'], { unique: true })
export class ContactRole extends InventoryEntity {
  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'object_type', type: 'varchar', length: 16 })
  objectType!: ContactObjectType;

  @Column({ name: 'object_id', type: 'uuid' })
  objectId!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: ContactRoleName;
}
