import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * What a run changed in a record it still kept (a STIX object over the size limit whose long texts were cut)
 * is not a reject, so it gets its own capped list beside feed_run_rejects, in the same shape.
 */
export class CreateRunNotes1763683900000 implements MigrationInterface {
  name = 'CreateRunNotes1763683900000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'feed_run_notes',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'run_id', type: 'varchar', length: '36' },
          { name: 'line', type: 'integer' },
          { name: 'message', type: 'varchar', length: '500' },
        ],
        indices: [{ name: 'IDX_feed_run_notes_run', columnNames: ['run_id', 'line'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_feed_run_notes_run',
            columnNames: ['run_id'],
            referencedTableName: 'feed_runs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('feed_run_notes', true)
  }
}
