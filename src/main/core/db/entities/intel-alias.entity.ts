import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** The folded name and each folded alias of an intel entity (migration 0016), for dedupe by name or alias. */
@Entity({ name: 'intel_aliases' })
@Index('IDX_intel_aliases_kind_key', ['kind', 'nameKey'])
export class IntelAliasEntity {
  @PrimaryColumn({ name: 'entity_id', type: 'varchar', length: 36 })
  entityId: string

  @PrimaryColumn({ name: 'name_key', type: 'varchar', length: 300 })
  nameKey: string

  @Column({ type: 'varchar', length: 24 })
  kind: string
}
