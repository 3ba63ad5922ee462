import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** A list the analyst imported, or a built-in whose state was changed (migration 0011). */
@Entity({ name: 'warninglists' })
@Index('IDX_warninglists_name', ['name'], { unique: true })
export class WarninglistEntity {
  /** `builtin:<file>` for a built-in, a UUID for an imported list. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  id: string

  @Column({ type: 'varchar', length: 256 })
  name: string

  @Column({ type: 'varchar', length: 16 })
  source: 'builtin' | 'imported'

  @Column({ type: 'boolean', default: true })
  enabled: boolean

  @Column({ type: 'text', default: '' })
  description: string

  @Column({ type: 'integer', default: 0 })
  version: number

  @Column({ type: 'varchar', length: 16 })
  type: string

  @Column({ type: 'varchar', length: 16, default: 'false_positive' })
  category: string

  /** JSON array of MISP attribute types, or null (every type). */
  @Column({ name: 'matching_attributes', type: 'text', nullable: true })
  matchingAttributes: string | null

  @Column({ name: 'entry_count', type: 'integer', default: 0 })
  entryCount: number

  /** An imported list's normalised content (MISP JSON); null for a built-in. */
  @Column({ type: 'text', nullable: true })
  content: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
