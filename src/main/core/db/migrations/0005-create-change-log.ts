import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * The change log: one append-only entry per mutation (one per batch for an import), written in the
 * mutation's own transaction, each carrying the hash of the one before it (src/main/core/audit/). The
 * Activity view, `threateye audit` and, later, team sync read it.
 *
 * `seq` is assigned by the writer (previous + 1, under the write queue) rather than generated, because the
 * hash covers it: the writer must know it before the insert. On SQLite an integer primary key is the rowid,
 * so "the last entry" and keyset pages newest-first are B-tree walks. Portable Table API: the same schema
 * runs on PostgreSQL. Timestamps are ISO-8601 strings, `changes` is JSON text.
 */
export class CreateChangeLog1763683600000 implements MigrationInterface {
  name = 'CreateChangeLog1763683600000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'change_log',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'at', type: 'varchar', length: '40' },
          { name: 'actor', type: 'varchar', length: '200' },
          { name: 'transport', type: 'varchar', length: '16' },
          { name: 'method', type: 'varchar', length: '100' },
          { name: 'entity', type: 'varchar', length: '32' },
          { name: 'entity_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'operation', type: 'varchar', length: '32' },
          { name: 'changes', type: 'text' },
          { name: 'prev_hash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
        // The Activity view's filters, each newest first: by entity, by one entity's history, by time.
        indices: [
          { name: 'IDX_change_log_entity_seq', columnNames: ['entity', 'seq'] },
          { name: 'IDX_change_log_entity_id_seq', columnNames: ['entity_id', 'seq'] },
          { name: 'IDX_change_log_at', columnNames: ['at'] },
        ],
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('change_log')
  }
}
