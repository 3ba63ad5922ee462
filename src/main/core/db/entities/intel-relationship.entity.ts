import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** A typed STIX-style edge between two objects, an intel entity or an indicator (migration 0016). */
@Entity({ name: 'intel_relationships' })
@Index('UQ_intel_relationships_edge', ['sourceRef', 'relationshipType', 'targetRef'], {
  unique: true,
})
@Index('IDX_intel_relationships_target', ['targetRef', 'relationshipType'])
@Index('UQ_intel_relationships_stix_id', ['stixId'], { unique: true })
export class IntelRelationshipEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ name: 'relationship_type', type: 'varchar', length: 64 })
  relationshipType: string

  @Column({ name: 'source_ref', type: 'varchar', length: 36 })
  sourceRef: string

  @Column({ name: 'source_kind', type: 'varchar', length: 24 })
  sourceKind: string

  @Column({ name: 'target_ref', type: 'varchar', length: 36 })
  targetRef: string

  @Column({ name: 'target_kind', type: 'varchar', length: 24 })
  targetKind: string

  @Column({ type: 'text', default: '' })
  description: string

  @Column({ type: 'varchar', length: 300, nullable: true })
  source: string | null

  @Column({ type: 'integer', nullable: true })
  confidence: number | null

  @Column({ name: 'first_seen', type: 'varchar', length: 40, nullable: true })
  firstSeen: string | null

  @Column({ name: 'last_seen', type: 'varchar', length: 40, nullable: true })
  lastSeen: string | null

  @Column({ name: 'stix_id', type: 'varchar', length: 200, nullable: true })
  stixId: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
