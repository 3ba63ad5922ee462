import type BetterSqlite3 from 'better-sqlite3'

/**
 * Page size of a new database (an existing one keeps its own: SQLite fixes it when the first table is
 * created, and in WAL mode for good). Larger pages make an import batch's commit write far fewer WAL frames
 * for the same random-key index pages (docs/performance.md has the per-row cost at 4, 8 and 16 KiB).
 */
export const PAGE_SIZE = 16_384

/** WAL size that triggers a checkpoint: see applyConnectionPragmas. */
const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024

/** SQLite's memory for the whole process: see applyConnectionPragmas. */
export const SOFT_HEAP_LIMIT_MIB = 64

/**
 * The settings of every connection to threateye.sqlite: TypeORM's (data-source.ts) and the bulk writer
 * worker's. Kept free of TypeORM so the worker does not load it. The page cache is per connection and
 * counts in the process's memory: the bulk writer, which walks the random-key indexes of a million rows,
 * gets the large one; TypeORM's connection, which reads pages of results and writes single rows, a smaller
 * one.
 */
export const applyConnectionPragmas = (db: BetterSqlite3.Database, cacheMib = 64): void => {
  db.pragma(`page_size = ${PAGE_SIZE}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('temp_store = MEMORY')
  db.pragma(`cache_size = -${cacheMib * 1024}`)
  // Checkpoint every 64 MiB of WAL instead of SQLite's 4 MiB. An import batch rewrites most pages of the
  // indicators' random-key id index; with the default nearly every batch was followed by a checkpoint
  // copying those pages (with an fsync), and consecutive batches' copies of the same page are folded into
  // one checkpoint here (less CPU, more rows/s: docs/performance.md). The same on every
  // connection, so a small write on the main thread never picks up a large checkpoint an import left.
  const pageSize = db.pragma('page_size', { simple: true }) as number
  db.pragma(`wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / pageSize)}`)
  // Process-wide (one SQLite library serves every thread): all the connections' page caches together stop
  // growing past this and recycle their oldest pages instead. Without it the three connections of a big
  // import (main, bulk writer, search indexer) could each fill their own cache; the limit measured at no cost
  // in import speed, lookup or search time against larger ones (docs/performance.md), and saves memory.
  db.pragma(`soft_heap_limit = ${SOFT_HEAP_LIMIT_MIB * 1024 * 1024}`)
}
