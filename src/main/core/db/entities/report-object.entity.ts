import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** One thing a threat report contains, an indicator or an intel entity (migration 0016). */
@Entity({ name: 'report_objects' })
@Index('IDX_report_objects_ref', ['objectRef'])
@Index('IDX_report_objects_order', ['reportId', 'objectKind', 'position'])
export class ReportObjectEntity {
  @PrimaryColumn({ name: 'report_id', type: 'varchar', length: 36 })
  reportId: string

  @PrimaryColumn({ name: 'object_ref', type: 'varchar', length: 36 })
  objectRef: string

  @Column({ name: 'object_kind', type: 'varchar', length: 24 })
  objectKind: string

  @Column({ type: 'integer', default: 0 })
  position: number

  @Column({ name: 'added_at', type: 'varchar', length: 40 })
  addedAt: string
}
