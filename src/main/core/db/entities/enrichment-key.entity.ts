import { Column, Entity, PrimaryColumn } from 'typeorm'

/** Something enrichment says an indicator shares with others, for pivots and the map (migration 0019). */
@Entity({ name: 'enrichment_keys' })
export class EnrichmentKeyEntity {
  @PrimaryColumn({ name: 'indicator_id', type: 'varchar', length: 36 })
  indicatorId: string

  /** asn | network | registrar | resolved-address | country */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind: string

  @PrimaryColumn({ type: 'varchar', length: 300 })
  value: string

  /** The provider whose answer gave it. */
  @Column({ type: 'varchar', length: 32 })
  provider: string
}
