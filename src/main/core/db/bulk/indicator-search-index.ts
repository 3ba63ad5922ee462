import type BetterSqlite3 from 'better-sqlite3'

/**
 * Keeps the search index in step with `indicators` by appending to `search_log` (migration 0003) in the
 * caller's transaction; the indexer worker (src/main/db/search/) applies the log to `search.sqlite` on the
 * other core. EVERY write of value/tags/description or delete of an indicator must call one of these, in the
 * same transaction as the write: a committed change then always has its entry, a rolled-back one never does.
 *
 * An entry names rows, not text: the worker reads each row as it is when it applies the entry.
 */
export type SearchIndexWriter = {
  /** Queues every indicator with rowid >= `fromRowid` (the rows a batch just inserted): one log row. */
  indexFrom(fromRowid: number): void
  /** Queues one row whose searchable text (value, tags, description) appeared, changed or went away. */
  changed(rowid: number): void
  /** Queues a rebuild of the whole index from the table (repair; tests use it to compare). */
  rebuild(): void
}

export const createSearchIndexWriter = (sqlite: BetterSqlite3.Database): SearchIndexWriter => {
  // max(rowid) is the last entry of the table's B-tree: O(log n), and nothing is logged when the batch
  // inserted no row.
  const range = sqlite.prepare(
    `INSERT INTO search_log (kind, from_rowid, to_rowid)
     SELECT 'range', ?, max(rowid) FROM indicators HAVING max(rowid) >= ?`,
  )
  const row = sqlite.prepare(
    `INSERT INTO search_log (kind, from_rowid, to_rowid) VALUES ('row', ?, ?)`,
  )
  const rebuild = sqlite.prepare(
    `INSERT INTO search_log (kind, from_rowid, to_rowid) VALUES ('rebuild', 0, 0)`,
  )
  return {
    indexFrom: (fromRowid) => {
      range.run(fromRowid, fromRowid)
    },
    changed: (rowid) => {
      row.run(rowid, rowid)
    },
    rebuild: () => {
      rebuild.run()
    },
  }
}
