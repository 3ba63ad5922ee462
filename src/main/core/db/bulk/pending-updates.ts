import type BetterSqlite3 from 'better-sqlite3'
import type { IngestScorer, RowScoreInputs, ScoreColumns } from './ingest-scorer'

/**
 * The writes to indicators that already existed before a part, held until the part's observations are
 * written: a feed's re-observation changes the merge (last seen...), the counts (sightings, sources) and so
 * the score, and one UPDATE per row carries all three (the merge's columns, the counts, the scoring columns
 * that changed). Statements are cached per column list (a handful in practice).
 */

/** The stored scoring columns, to write only what changed. */
export type StoredScoreColumns = {
  base_score: number | null
  score: number
  risk_level: string
  risk_decided_by: string | null
  score_terms: string | null
  decay_from: string | null
  expires_at: string | null
  expired: number
}

export type PendingRow = {
  rowid: number
  /** The merge's changed columns and values (empty when the merge changed nothing). */
  cols: string[]
  vals: unknown[]
  analystFields: number | null
  sighted: boolean
  inputs: RowScoreInputs
  stored: StoredScoreColumns
}

export type PendingUpdates = {
  add(p: PendingRow): void
  has(rowid: number): boolean
  /** One more sighting (and source) of a pending row; false when the row is not pending. */
  sighted(rowid: number, newSource: boolean): boolean
  /** Writes one pending row now (a repeat of it later in the same part must read it written). */
  flushOne(rowid: number): void
  flush(): void
}

const scoreChanges = (
  sc: ScoreColumns,
  s: StoredScoreColumns,
  set: (col: string, v: unknown) => void,
): boolean => {
  let any = false
  const put = (col: string, v: unknown) => {
    set(col, v)
    any = true
  }
  if (sc.baseScore !== s.base_score) put('base_score', sc.baseScore)
  if (sc.score !== s.score) put('score', sc.score)
  if (sc.riskLevel !== s.risk_level) put('risk_level', sc.riskLevel)
  if (sc.riskDecidedBy !== s.risk_decided_by) put('risk_decided_by', sc.riskDecidedBy)
  if (sc.termsJson !== s.score_terms) put('score_terms', sc.termsJson)
  if (sc.decayFrom !== s.decay_from) put('decay_from', sc.decayFrom)
  if (sc.expiresAt !== s.expires_at) put('expires_at', sc.expiresAt)
  if ((sc.expired ? 1 : 0) !== s.expired) put('expired', sc.expired ? 1 : 0)
  return any
}

export const createPendingUpdates = (
  sqlite: BetterSqlite3.Database,
  scorer: () => IngestScorer,
  nowIso: string,
): PendingUpdates => {
  const pending = new Map<number, PendingRow>()
  const statements = new Map<string, BetterSqlite3.Statement>()

  const write = (p: PendingRow) => {
    const cols = [...p.cols]
    const vals = [...p.vals]
    const set = (col: string, v: unknown) => {
      cols.push(col)
      vals.push(v)
    }
    if (p.analystFields !== null) set('analyst_fields', p.analystFields)
    if (p.sighted) {
      set('source_count', p.inputs.sourceCount)
      set('sighting_count', p.inputs.sightingCount)
    }
    // A row whose merge or counts changed was updated; a score that only aged or a clock that only
    // restarted is not a change of the indicator ("recently changed" means changed).
    const touched = cols.length > 0
    if (scoreChanges(scorer().score(p.inputs), p.stored, set)) set('scored_at', nowIso)
    if (touched) set('updated_at', nowIso)
    if (cols.length === 0) return
    const key = cols.join(',')
    let st = statements.get(key)
    if (st === undefined) {
      st = sqlite.prepare(
        `UPDATE indicators SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`,
      )
      statements.set(key, st)
    }
    st.run(...vals, p.rowid)
  }

  return {
    add: (p) => {
      pending.set(p.rowid, p)
    },
    has: (rowid) => pending.has(rowid),
    sighted: (rowid, newSource) => {
      const p = pending.get(rowid)
      if (p === undefined) return false
      p.sighted = true
      p.inputs.sightingCount++
      if (newSource) p.inputs.sourceCount++
      return true
    },
    flushOne: (rowid) => {
      const p = pending.get(rowid)
      if (p === undefined) return
      pending.delete(rowid)
      write(p)
    },
    flush: () => {
      for (const p of pending.values()) write(p)
      pending.clear()
    },
  }
}
