import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/**
 * A warninglist that matched an indicator, and the entry that decided it (migration 0011): keyed by
 * (indicator_id, list_id) on PostgreSQL; on SQLite by (indicator_rowid, list_id) in a WITHOUT ROWID table.
 */
@Entity({ name: 'indicator_warninglist_hits' })
@Index('IDX_indicator_warninglist_hits_list', ['listId'])
export class WarninglistHitEntity {
  @PrimaryColumn({ name: 'indicator_id', type: 'varchar', length: 36 })
  indicatorId: string

  @PrimaryColumn({ name: 'list_id', type: 'varchar', length: 80 })
  listId: string

  /** SQLite: the indicator's rowid, the key of the table and of the delete cascade. */
  @Column({ name: 'indicator_rowid', type: 'integer', nullable: true })
  indicatorRowid: number | null

  @Column({ type: 'varchar', length: 1024 })
  entry: string

  @Column({ name: 'matched_at', type: 'varchar', length: 40 })
  matchedAt: string
}
