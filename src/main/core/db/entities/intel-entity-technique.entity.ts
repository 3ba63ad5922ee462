import { Entity, Index, PrimaryColumn } from 'typeorm'

/** An intel entity × an ATT&CK technique it uses (migration 0016). */
@Entity({ name: 'intel_entity_techniques' })
@Index('IDX_intel_entity_techniques_technique', ['techniqueId', 'entityId'])
export class IntelEntityTechniqueEntity {
  @PrimaryColumn({ name: 'entity_id', type: 'varchar', length: 36 })
  entityId: string

  @PrimaryColumn({ name: 'technique_id', type: 'varchar', length: 16 })
  techniqueId: string
}
