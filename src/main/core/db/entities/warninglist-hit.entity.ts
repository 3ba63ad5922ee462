import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** A warninglist that matched an indicator, and the entry that decided it (migration 0011). */
@Entity({ name: 'indicator_warninglist_hits' })
@Index('IDX_indicator_warninglist_hits_list', ['listId'])
export class WarninglistHitEntity {
  @PrimaryColumn({ name: 'indicator_id', type: 'varchar', length: 36 })
  indicatorId: string

  @PrimaryColumn({ name: 'list_id', type: 'varchar', length: 80 })
  listId: string

  @Column({ name: 'list_name', type: 'varchar', length: 256 })
  listName: string

  @Column({ type: 'varchar', length: 1024 })
  entry: string

  @Column({ name: 'matched_at', type: 'varchar', length: 40 })
  matchedAt: string
}
