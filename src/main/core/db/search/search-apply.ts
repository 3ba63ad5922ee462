import type Database from 'better-sqlite3'
import { searchDescriptionSql } from '#core/indicators/indicator-search'
import { SEARCHABLE_VALUE_FN, SRC } from './search-file'

/**
 * Applies search_log entries (main database, attached as `src`) to the index in search.sqlite, in seq
 * order, each step one transaction on search.sqlite that also records how far it got: a crash loses the
 * step, and the step is then done again from the recorded state, never twice.
 *
 * Entries name rows, and the row is read as it is when the entry is applied, so every entry is idempotent
 * (a row already in the index is replaced: INSERT OR REPLACE, or a delete before the insert). Why this is
 * enough, including when SQLite reuses the rowid of a deleted last row: every change to row r commits with
 * an entry naming r, and entries are applied in order after they commit, so the last entry naming r is
 * applied after r's last change and leaves the index holding r's current text (or nothing, once deleted).
 * An earlier entry may read r already changed again; that is only early, since the later entry follows.
 */

/** Rows per transaction: a step stays short (~0.1-0.3 s), so progress is visible and stop() is quick. */
export const DEFAULT_CHUNK_ROWS = 50_000
/** Log entries read per step; a 'row' entry counts as one row of the chunk. */
const ENTRIES_PER_STEP = 5_000

type LogEntry = { seq: number; kind: string; from_rowid: number; to_rowid: number }
type State = { seq: number; rebuild_cursor: number | null; range_cursor: number | null }

export type StepResult = {
  /** False when there was nothing to do. */
  worked: boolean
  /** Rows (rowid span) written to the index by this step. */
  rows: number
}

export type Progress = {
  /** Every log entry up to this seq is in the index (0 while a full rebuild is under way). */
  doneSeq: number
  /** A full rebuild or a large range is half done. */
  partial: boolean
  rebuilding: boolean
}

export type SearchApplier = {
  step(): StepResult
  progress(): Progress
  /** Rewrites the index as one segment: the fastest to query, costly on a big index (see the worker). */
  optimize(): void
  /** Number of rows the index holds, roughly (the main table's max rowid): sizes the merge policy. */
  size(): number
}

export const createSearchApplier = (
  db: Database.Database,
  opts: {
    chunkRows?: number
    warn?: (message: string, fields: Record<string, unknown>) => void
  } = {},
): SearchApplier => {
  const chunk = Math.max(1, opts.chunkRows ?? DEFAULT_CHUNK_ROWS)
  const readState = db.prepare<[], State>(
    'SELECT seq, rebuild_cursor, range_cursor FROM search_state WHERE id = 1',
  )
  const writeState = db.prepare<[number, number | null, number | null]>(
    'UPDATE search_state SET seq = ?, rebuild_cursor = ?, range_cursor = ? WHERE id = 1',
  )
  const entries = db.prepare<[number, number], LogEntry>(
    `SELECT seq, kind, from_rowid, to_rowid FROM ${SRC}.search_log WHERE seq > ? ORDER BY seq LIMIT ?`,
  )
  const maxRowid = db.prepare<[], number | null>(`SELECT max(rowid) FROM ${SRC}.indicators`).pluck()
  // Values holding Punycode get their Unicode spelling added (searchableValue); the others are indexed
  // as stored without a call into JavaScript. The description column also holds what the indicator's
  // sources said about it (malware, threat types, event titles: indicator-search.ts).
  const selectRows = `SELECT rowid,
      CASE WHEN instr(value, 'xn--') > 0 THEN ${SEARCHABLE_VALUE_FN}(value) ELSE value END,
      tags, ${searchDescriptionSql(SRC)}
    FROM ${SRC}.indicators WHERE rowid BETWEEN ? AND ?`
  const replaceRange = db.prepare<[number, number]>(
    `INSERT OR REPLACE INTO indicators_fts (rowid, value, tags, description) ${selectRows}`,
  )
  const insertRange = db.prepare<[number, number]>(
    `INSERT INTO indicators_fts (rowid, value, tags, description) ${selectRows}`,
  )
  // 'row' entries are applied a group at a time, in two statements: FTS5 flushes its pending terms into a
  // new segment at the end of every statement that writes it, so a statement per row left one tiny segment
  // per edited row and the merges that follow (measured: a feed re-run that changes the tags of 5% of its
  // rows tripled the index's cost per imported row).
  const deleteRows = db.prepare<[string]>(
    'DELETE FROM indicators_fts WHERE rowid IN (SELECT value FROM json_each(?))',
  )
  const insertRows = db.prepare<[string]>(
    `INSERT INTO indicators_fts (rowid, value, tags, description) ${selectRows.replace(
      'WHERE rowid BETWEEN ? AND ?',
      'WHERE rowid IN (SELECT value FROM json_each(?))',
    )}`,
  )
  const deleteAll = db.prepare(`INSERT INTO indicators_fts (indicators_fts) VALUES ('delete-all')`)
  const optimize = db.prepare(`INSERT INTO indicators_fts (indicators_fts) VALUES ('optimize')`)

  const state = (): State => {
    const s = readState.get()
    if (s === undefined) throw new Error('search.sqlite has no search_state row')
    return s
  }

  /** One chunk of the full rebuild: the rows after the cursor, up to `chunk` rowids further. */
  const rebuildChunk = (s: State, cursor: number): StepResult => {
    const max = maxRowid.get() ?? 0
    if (cursor >= max) {
      writeState.run(s.seq, null, null)
      return { worked: true, rows: 0 }
    }
    const to = Math.min(max, cursor + chunk)
    // delete-all ran when the rebuild started, so a row can only be here already if it was indexed by
    // this rebuild, below the cursor: plain inserts are safe.
    insertRange.run(cursor + 1, to)
    writeState.run(s.seq, to, null)
    return { worked: true, rows: to - cursor }
  }

  const logChunk = (s: State): StepResult => {
    const list = entries.all(s.seq, ENTRIES_PER_STEP)
    if (list.length === 0) return { worked: false, rows: 0 }
    let budget = chunk
    let seq = s.seq
    let rangeCursor = s.range_cursor
    // Consecutive 'row' entries, applied together before anything that follows them in the log.
    let rows = new Set<number>()
    const flushRows = () => {
      if (rows.size === 0) return
      const ids = JSON.stringify([...rows])
      deleteRows.run(ids)
      insertRows.run(ids)
      rows = new Set()
    }
    for (const e of list) {
      if (budget <= 0) break
      if (e.kind === 'row') {
        rows.add(e.from_rowid)
        budget--
        seq = e.seq
        continue
      }
      flushRows()
      if (e.kind === 'range') {
        const start = Math.max(e.from_rowid, (rangeCursor ?? 0) + 1)
        const end = Math.min(e.to_rowid, start + budget - 1)
        if (start <= end) {
          replaceRange.run(start, end)
          budget -= end - start + 1
        }
        if (end < e.to_rowid) {
          rangeCursor = end
          break
        }
        rangeCursor = null
      } else if (e.kind === 'rebuild') {
        // The rows gathered before it were applied just above; the rebuild starts from an empty index.
        deleteAll.run()
        writeState.run(e.seq, 0, null)
        return { worked: true, rows: chunk - budget }
      } else {
        opts.warn?.('search index: unknown log entry kind, skipped', { seq: e.seq, kind: e.kind })
      }
      seq = e.seq
    }
    flushRows()
    writeState.run(seq, null, rangeCursor)
    return { worked: true, rows: chunk - budget }
  }

  // Deferred transactions: the first write locks search.sqlite only; the main database is only read.
  const step = db.transaction((): StepResult => {
    const s = state()
    return s.rebuild_cursor !== null ? rebuildChunk(s, s.rebuild_cursor) : logChunk(s)
  })

  return {
    step: () => step(),
    progress: () => {
      const s = state()
      const rebuilding = s.rebuild_cursor !== null
      return {
        doneSeq: rebuilding ? 0 : s.seq,
        partial: rebuilding || s.range_cursor !== null,
        rebuilding,
      }
    },
    optimize: () => {
      optimize.run()
    },
    size: () => maxRowid.get() ?? 0,
  }
}

/** The newest entry of the log (0 when it is empty), read on the given connection's `schema`. */
export const lastLogSeq = (db: Database.Database, schema = 'main'): number =>
  (db.prepare(`SELECT max(seq) FROM ${schema}.search_log`).pluck().get() as number | null) ?? 0
