import type { MigrationInterface, QueryRunner } from 'typeorm'

/**
 * Moves the search index out of this file (SQLite only; PostgreSQL has no FTS5 index and this does nothing).
 *
 * Feeding FTS5 in the writers' transactions was a large share of every imported row's cost on the one thread
 * that does every write (docs/performance.md). The index now lives in `<dataDir>/search.sqlite`, built by a worker thread on the second core
 * (src/main/db/search/). What stays here is `search_log`: the writers append one entry per change in their
 * own transaction (one per batch for an import), so a committed write always has its entry and a rolled-back
 * one never does. The worker applies the entries in seq order and records how far it got in its own file.
 * - kind 'range': rows from_rowid..to_rowid were inserted; 'row': row from_rowid (= to_rowid) was inserted,
 *   changed or deleted; 'rebuild': re-index everything. The entry carries no text: the worker reads the row
 *   as it is when it applies the entry, so an entry is never stale, only possibly redundant.
 * - seq is INTEGER PRIMARY KEY (the rowid, appended in order) and not AUTOINCREMENT: the main thread prunes
 *   applied entries but always keeps the newest, so seq never goes back.
 * The old in-file index is dropped, and one 'range' over every existing indicator queues the upgraded
 * database for indexing. The FTS5 settings themselves are unchanged (0001 explains them).
 */
export class CreateSearchLog1763683400000 implements MigrationInterface {
  name = 'CreateSearchLog1763683400000'

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'better-sqlite3') return
    await q.query(`CREATE TABLE search_log (
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      from_rowid INTEGER NOT NULL,
      to_rowid INTEGER NOT NULL
    )`)
    await q.query('DROP TABLE IF EXISTS indicators_fts')
    await q.query(`INSERT INTO search_log (kind, from_rowid, to_rowid)
      SELECT 'range', 1, max(rowid) FROM indicators HAVING max(rowid) IS NOT NULL`)
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'better-sqlite3') return
    await q.query('DROP TABLE IF EXISTS search_log')
    // Back to 0001's in-file index, refilled from the table (IDN values without their Unicode spelling,
    // which only the application code can add).
    await q.query(
      `CREATE VIRTUAL TABLE indicators_fts USING fts5(value, tags, description, content='', contentless_delete=1, prefix='1 2', tokenize='unicode61 remove_diacritics 2')`,
    )
    await q.query(`INSERT INTO indicators_fts(indicators_fts, rank) VALUES ('hashsize', 4194304)`)
    await q.query(`INSERT INTO indicators_fts(indicators_fts, rank) VALUES ('automerge', 0)`)
    await q.query(`INSERT INTO indicators_fts (rowid, value, tags, description)
      SELECT rowid, value, tags, description FROM indicators`)
  }
}
