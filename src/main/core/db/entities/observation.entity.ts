import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm'

/**
 * One source's report of one indicator: the indicator row is canonical and shared, this row keeps what this
 * source said (its own dates, confidence, threat type, tags, link, raw record). "Seen by N sources" is a count
 * over the unique index UQ_observations_indicator_source: (indicator_rowid, source_key) on SQLite,
 * (indicator_id, source_key) on PostgreSQL (see migration 0002 for why). Written in bulk by
 * src/main/db/bulk/observation-bulk.ts.
 */
@Entity({ name: 'observations' })
@Index('IDX_observations_feed', ['feedId'])
export class ObservationEntity {
  @PrimaryGeneratedColumn('increment')
  id: number

  @Column({ name: 'indicator_id', type: 'varchar', length: 36 })
  indicatorId: string

  /** SQLite: the indicator's rowid, the key of the unique index and of the delete cascade. */
  @Column({ name: 'indicator_rowid', type: 'integer', nullable: true })
  indicatorRowid: number | null

  /** Null for ad-hoc imports. */
  @Column({ name: 'feed_id', type: 'varchar', length: 36, nullable: true })
  feedId: string | null

  /** The feed's id, or `import:<label>` for an ad-hoc import: what makes two reports "the same source". */
  @Column({ name: 'source_key', type: 'varchar', length: 300 })
  sourceKey: string

  @Column({ name: 'first_seen', type: 'varchar', length: 40, nullable: true })
  firstSeen: string | null

  @Column({ name: 'last_seen', type: 'varchar', length: 40, nullable: true })
  lastSeen: string | null

  @Column({ type: 'integer', nullable: true })
  confidence: number | null

  @Column({ name: 'threat_type', type: 'varchar', length: 100, nullable: true })
  threatType: string | null

  @Column({ type: 'varchar', length: 200, nullable: true })
  malware: string | null

  /** JSON array of strings. */
  @Column({ type: 'text', default: '[]' })
  tags: string

  @Column({ type: 'text', nullable: true })
  reference: string | null

  @Column({ type: 'text', nullable: true })
  description: string | null

  @Column({ type: 'varchar', length: 16, nullable: true })
  tlp: string | null

  @Column({ type: 'integer', nullable: true })
  port: number | null

  /** The source record as JSON, at most 8 KB. */
  @Column({ type: 'text', nullable: true })
  raw: string | null

  /** What the source says the thing is (migration 0004). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  classification: string | null

  @Column({ type: 'varchar', length: 16, nullable: true })
  severity: string | null

  /** The MISP event's info or a STIX report's name that carried the record. */
  @Column({ name: 'event_title', type: 'text', nullable: true })
  eventTitle: string | null

  /** How often this source reported something new about the indicator. */
  @Column({ type: 'integer', default: 1 })
  sightings: number

  /** Outcome bits of the bulk writer's last upsert (observation-bulk.ts): read back by RETURNING. */
  @Column({ name: 'last_outcome', type: 'integer', default: 0 })
  lastOutcome: number

  /** The run that last reported it: a second record in the same run is a duplicate. */
  @Column({ name: 'last_run_id', type: 'varchar', length: 36, nullable: true })
  lastRunId: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
