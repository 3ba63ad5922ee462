import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Incidents and the URL analysis verdicts (issue 10, the seed threat-tracking service).
 *
 * incidents: one row per thing being tracked. `dedup_key` is what makes "the same thing again" the same row:
 * `url:<canonical URL>` (hashed as `url-sha256:<hex>` past the column's length) or `indicator:<id>`, unique,
 * so analysing or importing it again bumps `occurrences` and merges `tags` and `sources` (JSON arrays) rather
 * than adding a row. `details` is a JSON object (the analysis that opened it, what merged in later).
 * `severity` is 0-100 (the seed's scale, not the indicators' named levels). Times are ISO text like every
 * other table. The (status, severity, last_seen, id) index serves the list's keyset order within a status
 * (the triage queue lists open incidents by severity); (severity, last_seen, id) serves it unfiltered.
 *
 * ml_predictions: every verdict the URL model gave, with the model's name and version, so a verdict can be
 * explained and re-checked after the model changes. `probabilities` and `top_features` are JSON;
 * `anomaly_score` is the heuristic link score on 0-1 (the seed's slot for a score that does not come from
 * the classifier). Both links are ON DELETE SET NULL: a prediction outlives the incident or indicator.
 */
export class CreateIncidents1764801300000 implements MigrationInterface {
  name = 'CreateIncidents1764801300000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'incidents',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'url', type: 'text', isNullable: true },
          { name: 'indicator_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'dedup_key', type: 'varchar', length: '300', isUnique: true },
          { name: 'sources', type: 'text', default: `'[]'` },
          { name: 'severity', type: 'integer', default: 0 },
          { name: 'summary', type: 'text', default: `''` },
          { name: 'details', type: 'text', default: `'{}'` },
          { name: 'tags', type: 'text', default: `'[]'` },
          { name: 'status', type: 'varchar', length: '16', default: `'open'` },
          { name: 'first_seen', type: 'varchar', length: '40' },
          { name: 'last_seen', type: 'varchar', length: '40' },
          { name: 'occurrences', type: 'integer', default: 1 },
          { name: 'assignee', type: 'varchar', length: '200', isNullable: true },
          { name: 'project_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '40' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
        indices: [
          {
            name: 'IDX_incidents_status_severity',
            columnNames: ['status', 'severity', 'last_seen', 'id'],
          },
          { name: 'IDX_incidents_severity', columnNames: ['severity', 'last_seen', 'id'] },
          { name: 'IDX_incidents_indicator', columnNames: ['indicator_id'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_incidents_indicator',
            columnNames: ['indicator_id'],
            referencedTableName: 'indicators',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            name: 'FK_incidents_project',
            columnNames: ['project_id'],
            referencedTableName: 'projects',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'ml_predictions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model_name', type: 'varchar', length: '100' },
          { name: 'model_version', type: 'varchar', length: '40' },
          { name: 'predicted_class', type: 'varchar', length: '32' },
          { name: 'probabilities', type: 'text' },
          { name: 'anomaly_score', type: 'double precision', isNullable: true },
          { name: 'top_features', type: 'text' },
          { name: 'input', type: 'text' },
          { name: 'indicator_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'incident_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
        indices: [
          { name: 'IDX_ml_predictions_created', columnNames: ['created_at'] },
          { name: 'IDX_ml_predictions_incident', columnNames: ['incident_id'] },
          { name: 'IDX_ml_predictions_indicator', columnNames: ['indicator_id'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_ml_predictions_indicator',
            columnNames: ['indicator_id'],
            referencedTableName: 'indicators',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            name: 'FK_ml_predictions_incident',
            columnNames: ['incident_id'],
            referencedTableName: 'incidents',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ml_predictions', true)
    await q.dropTable('incidents', true)
  }
}
