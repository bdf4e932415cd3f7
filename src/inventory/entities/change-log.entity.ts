import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ChangeAction = 'create' | 'update' | 'delete';

/** One create/update/delete of an inventory object: who, when, before and after. Append-only. */
@Entity('change_log')
@Index(['objectType', 'objectId'])
export class ChangeLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index()
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ type: 'varchar', length: 255 })
  actor!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'object_type', type: 'varchar', length: 32 })
  objectType!: string;

  @Column({ name: 'object_id', type: 'uuid' })
  objectId!: string;

  @Column({ type: 'varchar', length: 8 })
  action!: ChangeAction;

  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;
}
