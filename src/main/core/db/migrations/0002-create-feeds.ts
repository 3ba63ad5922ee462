import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Feeds, their run history (with a capped reject list), observations (one row per source per indicator) and
 * intel objects (STIX/MISP objects kept for later issues). Portable Table API: the same schema runs on
 * PostgreSQL. Timestamps are ISO-8601 strings, JSON is text, ids are UUID strings (observations and rejects,
 * written by the million, use an integer key instead of a second UUID index).
 */
export class CreateFeeds1763683300000 implements MigrationInterface {
  name = 'CreateFeeds1763683300000'

  async up(q: QueryRunner): Promise<void> {
    const uuid = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '36', isNullable: nullable }) as const
    const ts = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '40', isNullable: nullable }) as const
    const count = (name: string) => ({ name, type: 'integer', default: 0 }) as const
    const serial = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    } as const

    await q.createTable(
      new Table({
        name: 'feeds',
        columns: [
          { ...uuid('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'format', type: 'varchar', length: '32' },
          { name: 'url', type: 'text', isNullable: true },
          { name: 'path', type: 'text', isNullable: true },
          { name: 'schedule', type: 'varchar', length: '100', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'auth_kind', type: 'varchar', length: '16', default: "'none'" },
          { name: 'secret_ref', type: 'varchar', length: '200', isNullable: true },
          { name: 'default_tlp', type: 'varchar', length: '16' },
          { name: 'reliability', type: 'varchar', length: '1' },
          { name: 'tags', type: 'text', default: "'[]'" },
          { name: 'options', type: 'text', default: "'{}'" },
          { name: 'state', type: 'text', default: "'{}'" },
          { name: 'catalogue_key', type: 'varchar', length: '64', isNullable: true },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [{ name: 'UQ_feeds_name', columnNames: ['name'], isUnique: true }],
      }),
    )

    await q.createTable(
      new Table({
        name: 'feed_runs',
        columns: [
          { ...uuid('id'), isPrimary: true },
          uuid('feed_id', true),
          { name: 'source', type: 'varchar', length: '500' },
          { name: 'format', type: 'varchar', length: '32' },
          { name: 'trigger', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          ts('started_at'),
          ts('finished_at', true),
          count('bytes'),
          count('rows'),
          count('created'),
          count('updated'),
          count('unchanged'),
          count('duplicates'),
          count('rejected'),
          count('objects'),
          { name: 'by_type', type: 'text', default: "'{}'" },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'duration_ms', type: 'integer', isNullable: true },
        ],
        indices: [
          { name: 'IDX_feed_runs_feed_started', columnNames: ['feed_id', 'started_at'] },
          { name: 'IDX_feed_runs_started', columnNames: ['started_at'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_feed_runs_feed',
            columnNames: ['feed_id'],
            referencedTableName: 'feeds',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    )

    await q.createTable(
      new Table({
        name: 'feed_run_rejects',
        columns: [
          serial,
          uuid('run_id'),
          { name: 'line', type: 'integer' },
          { name: 'value', type: 'varchar', length: '256' },
          { name: 'reason', type: 'varchar', length: '500' },
        ],
        indices: [{ name: 'IDX_feed_run_rejects_run', columnNames: ['run_id', 'line'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_feed_run_rejects_run',
            columnNames: ['run_id'],
            referencedTableName: 'feed_runs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    )

    // Observations are written once per imported record, so their unique key decides the import speed.
    // Keyed by the indicator's UUID it is a random B-tree insert that rewrites most index pages at every
    // batch commit (measured: 3.5x the CPU of the rowid key below, and batch-size sensitive). On SQLite the
    // key is therefore the indicator's rowid (new indicators get increasing rowids, so new observations
    // append), and a trigger does the cascade a foreign key on indicator_id would need a random index for.
    // indicators.rowid is stable: the search index relies on it too (see 0001). PostgreSQL has no rowid and
    // gets the portable key: UNIQUE(indicator_id, source_key) with an ON DELETE CASCADE foreign key.
    const sqlite = q.connection.driver.options.type === 'better-sqlite3'
    await q.createTable(
      new Table({
        name: 'observations',
        columns: [
          serial,
          uuid('indicator_id'),
          { name: 'indicator_rowid', type: 'integer', isNullable: true },
          uuid('feed_id', true),
          { name: 'source_key', type: 'varchar', length: '300' },
          ts('first_seen', true),
          ts('last_seen', true),
          { name: 'confidence', type: 'integer', isNullable: true },
          { name: 'threat_type', type: 'varchar', length: '100', isNullable: true },
          { name: 'malware', type: 'varchar', length: '200', isNullable: true },
          { name: 'tags', type: 'text', default: "'[]'" },
          { name: 'reference', type: 'text', isNullable: true },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'tlp', type: 'varchar', length: '16', isNullable: true },
          { name: 'port', type: 'integer', isNullable: true },
          { name: 'raw', type: 'text', isNullable: true },
          uuid('last_run_id', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          // Leading indicator key: "seen by N sources" and observations.list are range scans of it.
          {
            name: 'UQ_observations_indicator_source',
            columnNames: [sqlite ? 'indicator_rowid' : 'indicator_id', 'source_key'],
            isUnique: true,
          },
          // One value per run, so imports append here too; serves the feed cascade and per-feed listing.
          { name: 'IDX_observations_feed', columnNames: ['feed_id'] },
        ],
        foreignKeys: [
          ...(sqlite
            ? []
            : [
                new TableForeignKey({
                  name: 'FK_observations_indicator',
                  columnNames: ['indicator_id'],
                  referencedTableName: 'indicators',
                  referencedColumnNames: ['id'],
                  onDelete: 'CASCADE',
                }),
              ]),
          new TableForeignKey({
            name: 'FK_observations_feed',
            columnNames: ['feed_id'],
            referencedTableName: 'feeds',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    )
    if (sqlite) {
      await q.query(`CREATE TRIGGER TRG_observations_indicator_deleted AFTER DELETE ON indicators
        BEGIN DELETE FROM observations WHERE indicator_rowid = OLD.rowid; END`)
    }

    await q.createTable(
      new Table({
        name: 'intel_objects',
        columns: [
          { name: 'id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'name', type: 'text', isNullable: true },
          ts('created', true),
          ts('modified', true),
          { name: 'source_ref', type: 'varchar', length: '200', isNullable: true },
          { name: 'target_ref', type: 'varchar', length: '200', isNullable: true },
          { name: 'relationship_type', type: 'varchar', length: '64', isNullable: true },
          { name: 'data', type: 'text' },
          uuid('feed_id', true),
          uuid('last_run_id', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          { name: 'IDX_intel_objects_type', columnNames: ['type'] },
          { name: 'IDX_intel_objects_source_ref', columnNames: ['source_ref'] },
          { name: 'IDX_intel_objects_target_ref', columnNames: ['target_ref'] },
          { name: 'IDX_intel_objects_feed', columnNames: ['feed_id'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_intel_objects_feed',
            columnNames: ['feed_id'],
            referencedTableName: 'feeds',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'better-sqlite3') {
      await q.query('DROP TRIGGER IF EXISTS TRG_observations_indicator_deleted')
    }
    for (const t of ['intel_objects', 'observations', 'feed_run_rejects', 'feed_runs', 'feeds']) {
      await q.dropTable(t, true)
    }
  }
}
