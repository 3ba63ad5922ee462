import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm'

/**
 * Alert rules and the alerts they raise (issue 10; the seed schema's alerts).
 *
 * - alert_rules: a named condition over indicators (kind + JSON condition), whether warninglisted indicators
 *   are suppressed, whether a hit opens an incident, and an optional fixed severity for its alerts.
 * - alerts: one per (rule, indicator) while it is not resolved. `dedup_key` is unique and holds the rule and
 *   the indicator, so a re-trigger finds the open alert and bumps `trigger_count` / `last_triggered_at`
 *   instead of adding another; resolving an alert moves its key aside (suffixed with its id) so the next
 *   trigger opens a new one. `triggered_by` is JSON: the rule, the run or call, and what matched.
 *   `incident_id` is a plain column: incidents live in their own migration, which may add the foreign key.
 *   The webhook_* columns record the delivery of the optional webhook (pending, delivered or failed, the
 *   attempts made and the last error), so deliveries survive a restart.
 * - (status, severity, created_at) serves the open queue sorted by severity then age; rule and indicator
 *   lookups (rule deletion, indicator deletion's SET NULL) have their own indexes.
 */
export class CreateAlerts1764801400000 implements MigrationInterface {
  name = 'CreateAlerts1764801400000'

  async up(q: QueryRunner): Promise<void> {
    const uuid = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '36', isNullable: nullable }) as const
    const ts = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '40', isNullable: nullable }) as const

    await q.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          { ...uuid('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'condition', type: 'text', default: "'{}'" },
          { name: 'suppress_warninglisted', type: 'boolean', default: true },
          { name: 'open_incident', type: 'boolean', default: false },
          { name: 'alert_severity', type: 'integer', isNullable: true },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [{ name: 'UQ_alert_rules_name', columnNames: ['name'], isUnique: true }],
      }),
    )

    await q.createTable(
      new Table({
        name: 'alerts',
        columns: [
          { ...uuid('id'), isPrimary: true },
          uuid('rule_id', true),
          { name: 'title', type: 'text' },
          { name: 'severity', type: 'integer' },
          { name: 'score', type: 'integer', isNullable: true },
          { name: 'status', type: 'varchar', length: '16', default: "'open'" },
          uuid('indicator_id', true),
          uuid('incident_id', true),
          { name: 'triggered_by', type: 'text', default: "'{}'" },
          { name: 'assignee', type: 'varchar', length: '200', isNullable: true },
          { name: 'dedup_key', type: 'varchar', length: '300' },
          { name: 'trigger_count', type: 'integer', default: 1 },
          ts('last_triggered_at'),
          ts('created_at'),
          ts('updated_at'),
          ts('acknowledged_at', true),
          ts('resolved_at', true),
          { name: 'webhook_status', type: 'varchar', length: '16', isNullable: true },
          { name: 'webhook_attempts', type: 'integer', default: 0 },
          { name: 'webhook_error', type: 'varchar', length: '500', isNullable: true },
          ts('webhook_at', true),
        ],
        indices: [
          { name: 'UQ_alerts_dedup_key', columnNames: ['dedup_key'], isUnique: true },
          { name: 'IDX_alerts_status_severity', columnNames: ['status', 'severity', 'created_at'] },
          { name: 'IDX_alerts_rule', columnNames: ['rule_id'] },
          { name: 'IDX_alerts_indicator', columnNames: ['indicator_id'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_alerts_rule',
            columnNames: ['rule_id'],
            referencedTableName: 'alert_rules',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            name: 'FK_alerts_indicator',
            columnNames: ['indicator_id'],
            referencedTableName: 'indicators',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    )
    // The webhook sender picks up what is left to deliver, oldest first, without reading every alert.
    await q.createIndex(
      'alerts',
      new TableIndex({
        name: 'IDX_alerts_webhook_pending',
        columnNames: ['webhook_status', 'created_at'],
        where: "webhook_status = 'pending'",
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alerts', true)
    await q.dropTable('alert_rules', true)
  }
}
