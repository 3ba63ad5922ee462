import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Generated summary reports (issue 11; the seed schema's reports): daily, weekly or custom time ranges with
 * their statistics.
 *
 * - summary_reports: one row per generated (or queued, running, failed) report. `range_start` and
 *   `range_end` are ISO timestamps, the end excluded. (type, range_start, range_end) is unique: the
 *   scheduler never produces a period twice, and generating one again on demand re-runs the same row.
 *   `stats` is the statistics as JSON (bounded: top lists are capped), kept so the list and the charts do
 *   not re-read the file. `file_path` is absolute, under <dataDir>/summaries/.
 * - indicators(created_at): the summary's "what arrived" is a range scan on the time a row entered this
 *   database; without it every summary would read the whole indicators table.
 */
export class CreateSummaryReports1764801800000 implements MigrationInterface {
  name = 'CreateSummaryReports1764801800000'

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '40', isNullable: nullable }) as const
    await q.createTable(
      new Table({
        name: 'summary_reports',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '16' },
          ts('range_start'),
          ts('range_end'),
          { name: 'status', type: 'varchar', length: '16', default: "'queued'" },
          { name: 'trigger', type: 'varchar', length: '16', default: "'manual'" },
          { name: 'stats', type: 'text', isNullable: true },
          { name: 'format', type: 'varchar', length: '16' },
          { name: 'file_path', type: 'text', isNullable: true },
          { name: 'file_size', type: 'integer', isNullable: true },
          { name: 'error', type: 'varchar', length: '500', isNullable: true },
          ts('created_at'),
          ts('finished_at', true),
        ],
        indices: [
          {
            name: 'UQ_summary_reports_period',
            columnNames: ['type', 'range_start', 'range_end'],
            isUnique: true,
          },
          { name: 'IDX_summary_reports_created', columnNames: ['created_at', 'id'] },
        ],
      }),
    )
    await q.createIndex(
      'indicators',
      new TableIndex({ name: 'IDX_indicators_created_at', columnNames: ['created_at'] }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('indicators', 'IDX_indicators_created_at')
    await q.dropTable('summary_reports', true)
  }
}
