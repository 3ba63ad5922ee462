import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Warninglists in the database (issue 10), portable as every table is (timestamps ISO-8601 strings, JSON text):
 *
 * - warninglists: one row per list the analyst imported (its normalised content in `content`, so it survives
 *   and travels with the database) and per built-in list whose state was changed (`content` null: the
 *   built-ins are files shipped with the app). A built-in without a row is enabled.
 * - indicator_warninglist_hits: which lists matched an indicator and the entry that decided it; the count is
 *   indicators.warninglist_hits (0010). Written by the bulk writer for every record that hits a list (a feed
 *   of private addresses hits on every row), so on SQLite it is keyed as observations are (0002), by the
 *   indicator's rowid, which new indicators get in increasing order, in a WITHOUT ROWID table: a hit is one
 *   append to one B-tree; a trigger does the delete cascade (a key on the indicator's UUID is a random
 *   B-tree insert per hit). PostgreSQL gets (indicator_id, list_id) with an ON DELETE CASCADE foreign key
 *   and an index on list_id. A hit names its list by id only: the hits of a list go when it is turned off
 *   or removed, so every stored hit's list is known to the core, which has its name.
 * - allowlist: the (type, canonical value) pairs an analyst marked false positive; later imports store them
 *   as false positive and inactive. The id is the indicator's (UUIDv5 of type and value), and the pair is
 *   unique on its own too.
 * - feed_runs.allowlisted: how many records of a run the allowlist turned into false positives.
 */
export class CreateWarninglists1764801100000 implements MigrationInterface {
  name = 'CreateWarninglists1764801100000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'warninglists',
        columns: [
          { name: 'id', type: 'varchar', length: '80', isPrimary: true },
          { name: 'name', type: 'varchar', length: '256' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'description', type: 'text', default: "''" },
          { name: 'version', type: 'integer', default: 0 },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'category', type: 'varchar', length: '16', default: "'false_positive'" },
          { name: 'matching_attributes', type: 'text', isNullable: true },
          { name: 'entry_count', type: 'integer', default: 0 },
          { name: 'content', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '40' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
        indices: [{ name: 'IDX_warninglists_name', columnNames: ['name'], isUnique: true }],
      }),
    )
    if (q.connection.driver.options.type === 'better-sqlite3') {
      // One B-tree, no rowid: a hit costs one append (new indicators' rowids increase).
      await q.query(`CREATE TABLE indicator_warninglist_hits (
        indicator_rowid integer NOT NULL,
        list_id varchar(80) NOT NULL,
        indicator_id varchar(36) NOT NULL,
        entry varchar(1024) NOT NULL,
        matched_at varchar(40) NOT NULL,
        PRIMARY KEY (indicator_rowid, list_id)
      ) WITHOUT ROWID`)
      await q.query(`CREATE TRIGGER TRG_warninglist_hits_indicator_deleted AFTER DELETE ON indicators
        BEGIN DELETE FROM indicator_warninglist_hits WHERE indicator_rowid = OLD.rowid; END`)
    } else {
      await q.createTable(
        new Table({
          name: 'indicator_warninglist_hits',
          columns: [
            { name: 'indicator_id', type: 'varchar', length: '36', isPrimary: true },
            { name: 'list_id', type: 'varchar', length: '80', isPrimary: true },
            { name: 'indicator_rowid', type: 'integer', isNullable: true },
            { name: 'entry', type: 'varchar', length: '1024' },
            { name: 'matched_at', type: 'varchar', length: '40' },
          ],
          indices: [{ name: 'IDX_indicator_warninglist_hits_list', columnNames: ['list_id'] }],
          foreignKeys: [
            new TableForeignKey({
              name: 'FK_indicator_warninglist_hits_indicator',
              columnNames: ['indicator_id'],
              referencedTableName: 'indicators',
              referencedColumnNames: ['id'],
              onDelete: 'CASCADE',
            }),
          ],
        }),
      )
    }
    await q.createTable(
      new Table({
        name: 'allowlist',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'value', type: 'text' },
          { name: 'reason', type: 'text', default: "''" },
          { name: 'created_by', type: 'varchar', length: '200' },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
        indices: [
          { name: 'IDX_allowlist_type_value', columnNames: ['type', 'value'], isUnique: true },
        ],
      }),
    )
    // Plain ALTER TABLE on both databases, as in 0004: TypeORM's addColumn rebuilds a SQLite table.
    await q.query('ALTER TABLE feed_runs ADD COLUMN allowlisted integer NOT NULL DEFAULT 0')
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE feed_runs DROP COLUMN allowlisted')
    await q.dropTable('allowlist', true)
    if (q.connection.driver.options.type === 'better-sqlite3') {
      await q.query('DROP TRIGGER IF EXISTS TRG_warninglist_hits_indicator_deleted')
    }
    await q.dropTable('indicator_warninglist_hits', true)
    await q.dropTable('warninglists', true)
  }
}
