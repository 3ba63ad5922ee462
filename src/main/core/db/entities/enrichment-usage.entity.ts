import { Column, Entity, PrimaryColumn } from 'typeorm'

/** Requests spent per provider and UTC day: the daily budget survives a restart (migration 0019). */
@Entity({ name: 'enrichment_usage' })
export class EnrichmentUsageEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  provider: string

  /** YYYY-MM-DD, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string

  @Column({ type: 'integer', default: 0 })
  requests: number
}
