import type BetterSqlite3 from 'better-sqlite3'
import { searchableValue } from '../../indicators/indicator-search'

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
  // One INSERT ... SELECT for a batch's new rows, except IDN values (Punycode), which are indexed one by one
  // with their Unicode spelling added (searchableValue); they are a small minority.
  const indexFrom = sqlite.prepare(
    `INSERT INTO indicators_fts (rowid, value, tags, description)
     SELECT rowid, value, tags, description FROM indicators WHERE rowid >= ? AND instr(value, 'xn--') = 0`,
  )
  const idnFrom = sqlite.prepare<
    [number],
    { rowid: number; value: string; tags: string; description: string }
  >(
    `SELECT rowid, value, tags, description FROM indicators WHERE rowid >= ? AND instr(value, 'xn--') > 0`,
  )
  const insert = sqlite.prepare(
    'INSERT INTO indicators_fts (rowid, value, tags, description) VALUES (?, ?, ?, ?)',
  )
  const remove = sqlite.prepare('DELETE FROM indicators_fts WHERE rowid = ?')
  const add = (rowid: number, value: string, tagsJson: string, description: string) => {
    insert.run(rowid, searchableValue(value), tagsJson, description)
  }
  const fromRowid = (from: number) => {
    indexFrom.run(from)
    for (const r of idnFrom.all(from)) add(r.rowid, r.value, r.tags, r.description)
  }
  return {
    indexFrom: fromRowid,
    add,
    replace: (rowid, value, tagsJson, description) => {
      remove.run(rowid)
      add(rowid, value, tagsJson, description)
    },
    remove: (rowid) => {
      remove.run(rowid)
    },
    rebuild: () => {
      sqlite.transaction(() => {
        sqlite.exec(`INSERT INTO indicators_fts (indicators_fts) VALUES ('delete-all')`)
        fromRowid(0)
        sqlite.exec(`INSERT INTO indicators_fts (indicators_fts) VALUES ('optimize')`)
      })()
    },
  }
}
