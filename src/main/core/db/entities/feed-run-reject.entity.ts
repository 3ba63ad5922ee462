import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm'

/** A rejected record of a run: at most MAX_LISTED_REJECTS per run (feed_runs.rejected counts them all). */
@Entity({ name: 'feed_run_rejects' })
@Index('IDX_feed_run_rejects_run', ['runId', 'line'])
export class FeedRunRejectEntity {
  @PrimaryGeneratedColumn('increment')
  id: number

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string

  @Column({ type: 'integer' })
  line: number

  /** Truncated: feed data is hostile and a reject report must stay small. */
  @Column({ type: 'varchar', length: 256 })
  value: string

  @Column({ type: 'varchar', length: 500 })
  reason: string
}
