import { Column, Entity, PrimaryColumn } from 'typeorm'

/**
 * An alert a rule raised on an indicator (migration 0014). Written by the alerts repository: the trigger
 * path is set-based SQL (src/main/core/alerts/alert-evaluate.ts); this entity serves ordinary reads and the
 * PostgreSQL schema test.
 */
@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ name: 'rule_id', type: 'varchar', length: 36, nullable: true })
  ruleId: string | null

  @Column({ type: 'text' })
  title: string

  /** 0-100. */
  @Column({ type: 'integer' })
  severity: number

  @Column({ type: 'integer', nullable: true })
  score: number | null

  /** 'open' | 'acknowledged' | 'resolved'. */
  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: string

  @Column({ name: 'indicator_id', type: 'varchar', length: 36, nullable: true })
  indicatorId: string | null

  @Column({ name: 'incident_id', type: 'varchar', length: 36, nullable: true })
  incidentId: string | null

  /** JSON: the rule, the run or call, what matched. */
  @Column({ name: 'triggered_by', type: 'text', default: '{}' })
  triggeredBy: string

  @Column({ type: 'varchar', length: 200, nullable: true })
  assignee: string | null

  /** rule:<rule id>:indicator:<indicator id> while not resolved; suffixed with the alert's id once resolved. */
  @Column({ name: 'dedup_key', type: 'varchar', length: 300, unique: true })
  dedupKey: string

  @Column({ name: 'trigger_count', type: 'integer', default: 1 })
  triggerCount: number

  @Column({ name: 'last_triggered_at', type: 'varchar', length: 40 })
  lastTriggeredAt: string

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string

  @Column({ name: 'acknowledged_at', type: 'varchar', length: 40, nullable: true })
  acknowledgedAt: string | null

  @Column({ name: 'resolved_at', type: 'varchar', length: 40, nullable: true })
  resolvedAt: string | null

  /** null: no webhook was configured when it triggered; 'pending' | 'delivered' | 'failed'. */
  @Column({ name: 'webhook_status', type: 'varchar', length: 16, nullable: true })
  webhookStatus: string | null

  @Column({ name: 'webhook_attempts', type: 'integer', default: 0 })
  webhookAttempts: number

  @Column({ name: 'webhook_error', type: 'varchar', length: 500, nullable: true })
  webhookError: string | null

  @Column({ name: 'webhook_at', type: 'varchar', length: 40, nullable: true })
  webhookAt: string | null
}
