import { Column, Entity, PrimaryColumn } from 'typeorm'

/** A persisted enrichment job with the seed's metrics (migration 0019). */
@Entity({ name: 'scan_jobs' })
export class ScanJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  /** enrichment | auto-enrichment */
  @Column({ type: 'varchar', length: 32 })
  type: string

  /** queued | running | succeeded | failed | cancelled */
  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: string

  /** What it covers, in words. */
  @Column({ type: 'varchar', length: 500 })
  target: string

  /** JSON: the enrichment.run input, so a restart can resume the job. */
  @Column({ type: 'text', nullable: true })
  input: string | null

  /** JSON array of provider ids. */
  @Column({ type: 'text', nullable: true })
  providers: string | null

  @Column({ type: 'varchar', length: 200 })
  actor: string

  @Column({ name: 'indicators_total', type: 'integer', nullable: true })
  indicatorsTotal: number | null

  @Column({ name: 'indicators_processed', type: 'integer', default: 0 })
  indicatorsProcessed: number

  @Column({ name: 'new_threats', type: 'integer', default: 0 })
  newThreats: number

  @Column({ name: 'alerts_triggered', type: 'integer', default: 0 })
  alertsTriggered: number

  @Column({ type: 'integer', default: 0 })
  errors: number

  /** JSON array of the first error messages. */
  @Column({ name: 'error_samples', type: 'text', nullable: true })
  errorSamples: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'started_at', type: 'varchar', length: 40, nullable: true })
  startedAt: string | null

  @Column({ name: 'finished_at', type: 'varchar', length: 40, nullable: true })
  finishedAt: string | null

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null
}
