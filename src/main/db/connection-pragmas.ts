import type BetterSqlite3 from 'better-sqlite3'

/**
 * The settings of every connection to threateye.sqlite: TypeORM's (data-source.ts) and the bulk writer
 * worker's. Kept free of TypeORM so the worker does not load it. The page cache is per connection and
 * counts in the process's memory: the bulk writer, which walks the random-key indexes of a million rows,
 * gets the large one; TypeORM's connection, which reads pages of results and writes single rows, a smaller
 * one.
 */
export const applyConnectionPragmas = (db: BetterSqlite3.Database, cacheMib = 64): void => {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('temp_store = MEMORY')
  db.pragma(`cache_size = -${cacheMib * 1024}`)
}
