import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/**
 * STIX SDOs/SROs, markings and MISP events/galaxies as their sources gave them, kept for later issues
 * (threat actors, campaigns, reports, relationships). Created by migration 0002; one row per object id, the
 * newest `modified` wins.
 */
@Entity({ name: 'intel_objects' })
@Index('IDX_intel_objects_type', ['type'])
@Index('IDX_intel_objects_source_ref', ['sourceRef'])
@Index('IDX_intel_objects_target_ref', ['targetRef'])
export class IntelObjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id: string

  @Column({ type: 'varchar', length: 64 })
  type: string

  @Column({ type: 'text', nullable: true })
  name: string | null

  @Column({ type: 'varchar', length: 40, nullable: true })
  created: string | null

  @Column({ type: 'varchar', length: 40, nullable: true })
  modified: string | null

  @Column({ name: 'source_ref', type: 'varchar', length: 200, nullable: true })
  sourceRef: string | null

  @Column({ name: 'target_ref', type: 'varchar', length: 200, nullable: true })
  targetRef: string | null

  @Column({ name: 'relationship_type', type: 'varchar', length: 64, nullable: true })
  relationshipType: string | null

  /** The object as JSON. */
  @Column({ type: 'text' })
  data: string

  @Column({ name: 'feed_id', type: 'varchar', length: 36, nullable: true })
  feedId: string | null

  @Column({ name: 'last_run_id', type: 'varchar', length: 36, nullable: true })
  lastRunId: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
