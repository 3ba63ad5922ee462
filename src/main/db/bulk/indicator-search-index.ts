import type BetterSqlite3 from 'better-sqlite3'

/**
 * Keeps `indicators_fts` (migration 0001) in step with `indicators`. There are no triggers (they made FTS5
 * flush a segment per row, see the migration), so every writer of indicators calls one of these in the same
 * transaction as its write. The tags column is indexed as its JSON text: brackets, quotes and commas are
 * separators to the tokenizer, so the tokens are the tags' words.
 */
export type SearchIndexWriter = {
  /** Indexes every indicator with rowid >= `fromRowid` (the rows a batch just inserted). */
  indexFrom(fromRowid: number): void
  add(rowid: number, value: string, tagsJson: string, description: string): void
  replace(rowid: number, value: string, tagsJson: string, description: string): void
  remove(rowid: number): void
  /** Drops and rebuilds the whole index from the table (repair; tests use it to compare). */
  rebuild(): void
}

export const createSearchIndexWriter = (sqlite: BetterSqlite3.Database): SearchIndexWriter => {
  const indexFrom = sqlite.prepare(
    `INSERT INTO indicators_fts (rowid, value, tags, description)
     SELECT rowid, value, tags, description FROM indicators WHERE rowid >= ?`,
  )
  const insert = sqlite.prepare(
    'INSERT INTO indicators_fts (rowid, value, tags, description) VALUES (?, ?, ?, ?)',
  )
  const remove = sqlite.prepare('DELETE FROM indicators_fts WHERE rowid = ?')
  return {
    indexFrom: (fromRowid) => {
      indexFrom.run(fromRowid)
    },
    add: (rowid, value, tagsJson, description) => {
      insert.run(rowid, value, tagsJson, description)
    },
    replace: (rowid, value, tagsJson, description) => {
      remove.run(rowid)
      insert.run(rowid, value, tagsJson, description)
    },
    remove: (rowid) => {
      remove.run(rowid)
    },
    rebuild: () => {
      sqlite.transaction(() => {
        sqlite.exec(`INSERT INTO indicators_fts (indicators_fts) VALUES ('delete-all')`)
        indexFrom.run(0)
        sqlite.exec(`INSERT INTO indicators_fts (indicators_fts) VALUES ('optimize')`)
      })()
    },
  }
}
