import { Column, Entity, PrimaryColumn } from 'typeorm'

/** A condition over indicators that raises alerts (migration 0014); the condition is JSON by kind. */
@Entity({ name: 'alert_rules' })
export class AlertRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string

  @Column({ type: 'boolean', default: true })
  enabled: boolean

  @Column({ type: 'varchar', length: 32 })
  kind: string

  /** JSON object: the kind's parameters (src/shared/contract/alerts.contract.ts AlertCondition). */
  @Column({ type: 'text', default: '{}' })
  condition: string

  @Column({ name: 'suppress_warninglisted', type: 'boolean', default: true })
  suppressWarninglisted: boolean

  @Column({ name: 'open_incident', type: 'boolean', default: false })
  openIncident: boolean

  /** Fixed severity (0-100) of the rule's alerts; null: the indicator's. */
  @Column({ name: 'alert_severity', type: 'integer', nullable: true })
  alertSeverity: number | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
