import { Column, Entity, PrimaryColumn } from 'typeorm'

/** A provider's answer per lookup key (a value, not an indicator), until it expires (migration 0019). */
@Entity({ name: 'enrichment_cache' })
export class EnrichmentCacheEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  provider: string

  @PrimaryColumn({ name: 'lookup_key', type: 'varchar', length: 512 })
  lookupKey: string

  /** The HTTP status; 0 for DNS and local data. */
  @Column({ name: 'status_code', type: 'integer', default: 0 })
  statusCode: number

  @Column({ type: 'text', nullable: true })
  body: string | null

  @Column({ name: 'body_truncated', type: 'boolean', default: false })
  bodyTruncated: boolean

  @Column({ type: 'text', nullable: true })
  url: string | null

  @Column({ name: 'fetched_at', type: 'varchar', length: 40 })
  fetchedAt: string

  @Column({ name: 'expires_at', type: 'varchar', length: 40 })
  expiresAt: string
}
