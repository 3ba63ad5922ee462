import type BetterSqlite3 from 'better-sqlite3'
import type { SearchCoverage } from '#shared/contract/indicators.contract'

/** What a search answered from an index that had every committed row. */
export const COMPLETE_COVERAGE: SearchCoverage = { partial: false, indexProgress: null }

type State = { seq: number; rebuild_cursor: number | null; range_cursor: number | null }
type PendingLog = { rows: number; rebuild: number }
type FirstEntry = { kind: string; from_rowid: number }

/** Prepared on first use: `search` is attached once the indexer is ready. */
const prepare = (sqlite: BetterSqlite3.Database) => {
  const state = sqlite.prepare<[], State>(
    'SELECT seq, rebuild_cursor, range_cursor FROM search.search_state WHERE id = 1',
  )
  const maxRowid = sqlite
    .prepare<[], number | null>('SELECT max(rowid) FROM main.indicators')
    .pluck()
  const pendingLog = sqlite.prepare<[number], PendingLog>(
    `SELECT coalesce(sum(CASE kind WHEN 'row' THEN 1
         WHEN 'range' THEN to_rowid - from_rowid + 1 ELSE 0 END), 0) AS rows,
       coalesce(max(kind = 'rebuild'), 0) AS rebuild
     FROM main.search_log WHERE seq > ?`,
  )
  const firstPending = sqlite.prepare<[number], FirstEntry>(
    'SELECT kind, from_rowid FROM main.search_log WHERE seq > ? ORDER BY seq LIMIT 1',
  )

  return { state, maxRowid, pendingLog, firstPending }
}

const countPending = ({
  state,
  maxRowid,
  pendingLog,
  firstPending,
}: ReturnType<typeof prepare>): number => {
  const s = state.get()
  const max = maxRowid.get() ?? 0
  if (s === undefined) return max
  const log = pendingLog.get(s.seq) ?? { rows: 0, rebuild: 0 }
  if (log.rebuild) return max
  if (s.rebuild_cursor !== null) return Math.max(0, max - s.rebuild_cursor) + log.rows
  let rows = log.rows
  if (s.range_cursor !== null) {
    const first = firstPending.get(s.seq)
    if (first?.kind === 'range' && s.range_cursor >= first.from_rowid)
      rows -= s.range_cursor - first.from_rowid + 1
  }
  return Math.max(0, rows)
}

/**
 * How far the search index has got, read on the main connection (search.sqlite is attached as `search`;
 * only read here). The rows still to index are counted from what the indexer has left: the rest of a
 * rebuild (rowids past its cursor) and the log entries past the applied seq (a range counts its rowid
 * span less what a half-done range already wrote, a row one, a pending rebuild the whole table). Rowid
 * spans count deleted rows too, so `indexed` is a floor, never an overstatement.
 *
 * Only called when a search could not wait for the index: the log past the applied seq is a few entries
 * per committed batch, and the table's count comes from the caller's cache.
 */
export const createSearchCoverageReader = (sqlite: BetterSqlite3.Database) => {
  let statements: ReturnType<typeof prepare> | null = null
  const pendingRows = (): number => {
    statements ??= prepare(sqlite)
    return countPending(statements)
  }
  return {
    /** `total`: the table's row count. Complete when nothing is left to index. */
    read(total: number): SearchCoverage {
      const pending = Math.min(total, pendingRows())
      if (pending === 0) return COMPLETE_COVERAGE
      return { partial: true, indexProgress: { indexed: total - pending, total } }
    },
  }
}
