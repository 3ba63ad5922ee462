import { Column, Entity, PrimaryColumn } from 'typeorm'

/** A generated summary report (migration 0018): its period, status, statistics and file. */
@Entity({ name: 'summary_reports' })
export class SummaryReportEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  /** daily | weekly | custom */
  @Column({ type: 'varchar', length: 16 })
  type: string

  @Column({ name: 'range_start', type: 'varchar', length: 40 })
  rangeStart: string

  /** Excluded: a daily report of 2026-12-02 ends at 2026-12-03T00:00:00.000Z. */
  @Column({ name: 'range_end', type: 'varchar', length: 40 })
  rangeEnd: string

  /** queued | running | done | failed */
  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: string

  /** manual | scheduled */
  @Column({ type: 'varchar', length: 16, default: 'manual' })
  trigger: string

  /** JSON: the statistics (src/shared/contract/summaries.schemas.ts SummaryStats). */
  @Column({ type: 'text', nullable: true })
  stats: string | null

  /** md | json | csv | pdf */
  @Column({ type: 'varchar', length: 16 })
  format: string

  @Column({ name: 'file_path', type: 'text', nullable: true })
  filePath: string | null

  @Column({ name: 'file_size', type: 'integer', nullable: true })
  fileSize: number | null

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'finished_at', type: 'varchar', length: 40, nullable: true })
  finishedAt: string | null
}
