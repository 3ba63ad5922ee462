import { existsSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { searchableValue } from '#core/indicators/indicator-search'

/**
 * `search.sqlite`: the FTS5 index and how far the indexer got in the main database's `search_log`. Derived
 * data: when it is missing, unreadable or of another format it is deleted and rebuilt from `indicators`.
 * Only the indexer worker writes it; the main connection attaches it read-only as `search`.
 */

/** PRAGMA user_version of search.sqlite; bump it when the layout below changes (old files are rebuilt). */
export const SEARCH_FORMAT = 2

/** Schema name of the main database on the worker's connection. */
export const SRC = 'src'

/**
 * The index, with 0001's settings (see its comment for why each): contentless with deletes by rowid, phrase
 * positions, unicode61 without diacritics, 1-2 character prefixes, 4 MiB term buffer, automerge off (the
 * worker merges when it goes idle, search-apply.ts).
 * search_state has one row. `seq`: every search_log entry up to it is applied. `rebuild_cursor` non-null: a
 * full rebuild is under way and rows up to that rowid are done (it covers every entry up to seq).
 * `range_cursor` non-null: entry seq+1, a range, is done up to that rowid.
 */
const SCHEMA = `
CREATE VIRTUAL TABLE indicators_fts USING fts5(value, tags, description, content='', contentless_delete=1,
  prefix='1 2', tokenize='unicode61 remove_diacritics 2');
INSERT INTO indicators_fts(indicators_fts, rank) VALUES ('hashsize', 4194304);
INSERT INTO indicators_fts(indicators_fts, rank) VALUES ('automerge', 0);
CREATE TABLE search_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  rebuild_cursor INTEGER,
  range_cursor INTEGER
);`

/** The SQL function the indexer uses for IDN values (Unicode spelling added, as search checks it). */
export const SEARCHABLE_VALUE_FN = 'te_searchable_value'

/** `reason` says why the file was (re)created. */
export type SearchFile = { db: Database.Database; created: boolean; reason?: string }

export type OpenSearchFileOptions = {
  file: string
  mainFile: string
  nativeBinding?: string
  /** KiB of page cache for each of the two schemas (the process's RSS matters during big imports). */
  cacheKib?: number
}

const connect = (o: OpenSearchFileOptions): Database.Database => {
  const db = new Database(o.file, o.nativeBinding ? { nativeBinding: o.nativeBinding } : {})
  try {
    db.pragma('busy_timeout = 5000')
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('temp_store = MEMORY')
    db.pragma(`cache_size = -${o.cacheKib ?? 16384}`)
    // Only read: the main database has one writer (the app's write queue) and the worker is never it.
    // (ATTACH cannot say read-only here: this better-sqlite3 build has URI filenames off. Reads in deferred
    // transactions take no write lock, and the worker's checkpoint names its own schema.)
    db.prepare(`ATTACH DATABASE ? AS ${SRC}`).run(o.mainFile)
    db.pragma(`${SRC}.cache_size = -${Math.max(1024, (o.cacheKib ?? 16384) >> 2)}`)
    db.function(SEARCHABLE_VALUE_FN, { deterministic: true }, (v: unknown) =>
      searchableValue(String(v)),
    )
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

/** Why an existing file cannot be used, or null when it can. */
const unusable = (db: Database.Database): string | null => {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version !== SEARCH_FORMAT) return `format ${version}, expected ${SEARCH_FORMAT}`
  const state = db.prepare('SELECT seq FROM search_state WHERE id = 1').get() as
    { seq: number } | undefined
  if (state === undefined) return 'no state row'
  // Touches the FTS5 shadow tables, so a file without them (or with broken ones) is caught here.
  db.prepare(`SELECT rowid FROM indicators_fts WHERE indicators_fts MATCH 'x' LIMIT 1`).all()
  // A main database restored from an older copy has a shorter log than the index has applied.
  const last = db.prepare(`SELECT max(seq) FROM ${SRC}.search_log`).pluck().get() as number | null
  if (state.seq > (last ?? 0)) return `applied seq ${state.seq} is past the log's end ${last ?? 0}`
  return null
}

const removeFiles = (file: string) => {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`])
    rmSync(f, { force: true })
}

/**
 * Opens search.sqlite, or creates it (deleting an unusable one) with a full rebuild queued: the state then
 * starts at the log's current end, because the rebuild reads every row as it is now.
 */
export const openSearchFile = (o: OpenSearchFileOptions): SearchFile => {
  let reason = 'missing'
  if (existsSync(o.file)) {
    try {
      const db = connect(o)
      try {
        const why = unusable(db)
        if (why === null) return { db, created: false }
        reason = why
      } catch (e) {
        reason = `unreadable: ${e instanceof Error ? e.message : String(e)}`
      }
      db.close()
    } catch (e) {
      reason = `unreadable: ${e instanceof Error ? e.message : String(e)}`
    }
  }
  removeFiles(o.file)
  const db = connect(o)
  db.transaction(() => {
    db.exec(SCHEMA)
    const last = db.prepare(`SELECT max(seq) FROM ${SRC}.search_log`).pluck().get() as number | null
    db.prepare(
      'INSERT INTO search_state (id, seq, rebuild_cursor, range_cursor) VALUES (1, ?, 0, NULL)',
    ).run(last ?? 0)
    db.pragma(`user_version = ${SEARCH_FORMAT}`)
  })()
  return { db, created: true, reason }
}
