import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** Something being tracked: a URL or an indicator, with its occurrences (migration 0013). */
@Entity({ name: 'incidents' })
@Index('IDX_incidents_status_severity', ['status', 'severity', 'lastSeen', 'id'])
@Index('IDX_incidents_severity', ['severity', 'lastSeen', 'id'])
@Index('IDX_incidents_indicator', ['indicatorId'])
export class IncidentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ type: 'text', nullable: true })
  url: string | null

  @Column({ name: 'indicator_id', type: 'varchar', length: 36, nullable: true })
  indicatorId: string | null

  /** `url:<canonical URL>`, `url-sha256:<hex>` or `indicator:<id>`: one row per tracked thing. */
  @Column({ name: 'dedup_key', type: 'varchar', length: 300, unique: true })
  dedupKey: string

  /** JSON list of strings. */
  @Column({ type: 'text', default: '[]' })
  sources: string

  /** 0-100. */
  @Column({ type: 'integer', default: 0 })
  severity: number

  @Column({ type: 'text', default: '' })
  summary: string

  /** JSON object. */
  @Column({ type: 'text', default: '{}' })
  details: string

  /** JSON list of strings. */
  @Column({ type: 'text', default: '[]' })
  tags: string

  /** open | resolved | escalated */
  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: string

  @Column({ name: 'first_seen', type: 'varchar', length: 40 })
  firstSeen: string

  @Column({ name: 'last_seen', type: 'varchar', length: 40 })
  lastSeen: string

  @Column({ type: 'integer', default: 1 })
  occurrences: number

  @Column({ type: 'varchar', length: 200, nullable: true })
  assignee: string | null

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
