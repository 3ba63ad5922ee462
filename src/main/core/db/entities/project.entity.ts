import { Column, Entity, PrimaryColumn } from 'typeorm'

/** A case or investigation that groups indicators. Created by migration 0001; tags and settings since 0006. */
@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string

  @Column({ type: 'text', default: '' })
  description: string

  /** JSON list of strings (migration 0006). */
  @Column({ type: 'text', default: '[]' })
  tags: string

  /** JSON object (migration 0006). */
  @Column({ type: 'text', default: '{}' })
  settings: string

  @Column({ type: 'boolean', default: false })
  archived: boolean

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
