import { Column, Entity, PrimaryColumn } from 'typeorm'

/** One provider's result for one indicator, and its place in the queue (migration 0019). */
@Entity({ name: 'enrichment_results' })
export class EnrichmentResultEntity {
  @PrimaryColumn({ name: 'indicator_id', type: 'varchar', length: 36 })
  indicatorId: string

  @PrimaryColumn({ type: 'varchar', length: 32 })
  provider: string

  /** queued | running | done | failed | skipped */
  @Column({ type: 'varchar', length: 16 })
  status: string

  /** info | safe | suspicious | malicious; null until there is a finding. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  level: string | null

  @Column({ type: 'varchar', length: 500, nullable: true })
  summary: string | null

  /** JSON string array. */
  @Column({ type: 'text', nullable: true })
  tags: string | null

  /** JSON array of { key, label, value }. */
  @Column({ type: 'text', nullable: true })
  facts: string | null

  /** Admiralty grade A-F of the provider's answers. */
  @Column({ type: 'varchar', length: 1 })
  reliability: string

  @Column({ type: 'text', nullable: true })
  source: string | null

  @Column({ name: 'skip_reason', type: 'varchar', length: 32, nullable: true })
  skipReason: string | null

  @Column({ type: 'varchar', length: 1000, nullable: true })
  message: string | null

  /** The response as received, for audit (capped). */
  @Column({ type: 'text', nullable: true })
  raw: string | null

  @Column({ name: 'raw_truncated', type: 'boolean', default: false })
  rawTruncated: boolean

  /** The request URL with any key removed. */
  @Column({ name: 'raw_url', type: 'text', nullable: true })
  rawUrl: string | null

  @Column({ type: 'boolean', default: false })
  cached: boolean

  @Column({ name: 'tlp_override', type: 'boolean', default: false })
  tlpOverride: boolean

  @Column({ type: 'integer', default: 0 })
  attempts: number

  @Column({ name: 'scan_job_id', type: 'varchar', length: 36, nullable: true })
  scanJobId: string | null

  @Column({ name: 'requested_at', type: 'varchar', length: 40 })
  requestedAt: string

  @Column({ name: 'fetched_at', type: 'varchar', length: 40, nullable: true })
  fetchedAt: string | null

  @Column({ name: 'expires_at', type: 'varchar', length: 40, nullable: true })
  expiresAt: string | null

  /** A queued row waits until then (backoff, Retry-After, the budget's next minute). */
  @Column({ name: 'next_attempt_at', type: 'varchar', length: 40, nullable: true })
  nextAttemptAt: string | null

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
