import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/**
 * A threat actor, campaign, vulnerability, malware family or threat report (migration 0016). The kind's own
 * fields are JSON in `details`, typed by src/shared/contract/intel.schemas.ts. `name_key` is intelNameKey(name).
 */
@Entity({ name: 'intel_entities' })
@Index('UQ_intel_entities_kind_name', ['kind', 'nameKey'], { unique: true })
@Index('UQ_intel_entities_stix_id', ['stixId'], { unique: true })
@Index('IDX_intel_entities_kind_updated', ['kind', 'updatedAt', 'id'])
@Index('IDX_intel_entities_project', ['projectId', 'kind'])
export class IntelEntityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ type: 'varchar', length: 24 })
  kind: string

  @Column({ type: 'varchar', length: 300 })
  name: string

  @Column({ name: 'name_key', type: 'varchar', length: 300 })
  nameKey: string

  /** JSON list of strings. */
  @Column({ type: 'text', default: '[]' })
  aliases: string

  @Column({ type: 'text', default: '' })
  description: string

  @Column({ name: 'stix_id', type: 'varchar', length: 200, nullable: true })
  stixId: string | null

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId: string | null

  @Column({ type: 'varchar', length: 16, default: 'clear' })
  tlp: string

  @Column({ type: 'varchar', length: 16, nullable: true })
  severity: string | null

  @Column({ type: 'integer', nullable: true })
  confidence: number | null

  @Column({ name: 'first_seen', type: 'varchar', length: 40, nullable: true })
  firstSeen: string | null

  @Column({ name: 'last_seen', type: 'varchar', length: 40, nullable: true })
  lastSeen: string | null

  /** JSON list of ATT&CK technique ids. */
  @Column({ type: 'text', default: '[]' })
  techniques: string

  /** JSON list of strings. */
  @Column({ type: 'text', default: '[]' })
  sources: string

  /** JSON object: the kind's own fields. */
  @Column({ type: 'text', default: '{}' })
  details: string

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
