import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm'

/** A record a run kept but changed (a cut text): at most MAX_LISTED_NOTES per run (migration 0007). */
@Entity({ name: 'feed_run_notes' })
@Index('IDX_feed_run_notes_run', ['runId', 'line'])
export class FeedRunNoteEntity {
  @PrimaryGeneratedColumn('increment')
  id: number

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string

  @Column({ type: 'integer' })
  line: number

  @Column({ type: 'varchar', length: 500 })
  message: string
}
