import { Column, Entity, Index, PrimaryColumn } from 'typeorm'
import type { IocType } from '#shared/domain/enums'

/** A (type, canonical value) an analyst marked false positive: later imports respect it (migration 0011). */
@Entity({ name: 'allowlist' })
@Index('IDX_allowlist_type_value', ['type', 'value'], { unique: true })
export class AllowlistEntryEntity {
  /** The indicator id of (type, value): UUIDv5 of both. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ type: 'varchar', length: 16 })
  type: IocType

  @Column({ type: 'text' })
  value: string

  @Column({ type: 'text', default: '' })
  reason: string

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string
}
