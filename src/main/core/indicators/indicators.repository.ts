import type BetterSqlite3 from 'better-sqlite3'
import type {
  IndicatorFilter,
  IndicatorSort,
  ReportedIn,
} from '#shared/contract/indicators.contract'
import type { IocType } from '#shared/domain/enums'
import { createSearchIndexWriter } from '../db/bulk/indicator-search-index'
import { indicatorId } from './indicator-id.node'
import {
  SEARCH_MATCH_FN,
  SORT_COLUMNS,
  buildFilterWhere,
  countSql,
  decodeCursor,
  encodeCursor,
  keysetSegments,
  positionSql,
  type Cursor,
  type SqlWhere,
} from './indicator-query'
import { INDICATOR_SELECT, type IndicatorRow } from './indicator-row'
import { createReportedInReader } from './indicator-reported-in'
import { planSearch, rowMatchesTerms, searchDescriptionSql } from './indicator-search'

/**
 * Raw prepared statements on TypeORM's better-sqlite3 handle for every indicator read and single-row write.
 * The hot paths (lookup, search, keyset pages) each have an EXPLAIN QUERY PLAN test
 * (test/integration/db/query-plans.test.ts) holding them to their index; that test runs the SQL exported
 * here, so what is tested is what runs.
 */

// The id is UUIDv5 of (type, value) and the table has no (type, value) index (migration 0001): a lookup
// computes the id and reads the primary key; type and value are compared as well, so a row whose id does
// not match its value could never be returned for it.
export const LOOKUP_SQL = `SELECT ${INDICATOR_SELECT} FROM indicators WHERE id = ? AND type = ? AND value = ?`
export const GET_BY_ID_SQL = `SELECT ${INDICATOR_SELECT} FROM indicators WHERE id = ?`
const GET_BY_ROWID_SQL = `SELECT ${INDICATOR_SELECT} FROM indicators WHERE rowid = ?`
// FTS5 walks its matches in rowid order (newest first) and stops with the page: no sort, no count. Only the
// searched text is read for the exact check; whole rows are read for the matches alone. The index is
// search.sqlite, attached as `search` (src/main/db/search); it may trail the table, and the exact check on
// the row as it is now keeps a stale entry from ever returning a row that does not match.
export const SEARCH_SQL = `SELECT indicators.rowid AS rowid, indicators.value,
  ${searchDescriptionSql('main')} AS description, indicators.tags
FROM search.indicators_fts JOIN indicators ON indicators.rowid = indicators_fts.rowid
WHERE indicators_fts MATCH ? AND indicators_fts.rowid < ?
ORDER BY indicators_fts.rowid DESC`

type SearchCandidate = Pick<IndicatorRow, 'rowid' | 'value' | 'description' | 'tags'>

/** Candidates a search call looks at before it returns a short page with a cursor to go on from. */
export const SEARCH_MAX_EXAMINED = 5000

const INSERT_SQL = `INSERT INTO indicators (
  id, type, value, classification, confidence, severity, severity_rank, score, risk_level, tlp,
  first_seen, last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive,
  enrichment, project_id, analyst_fields, created_at, updated_at
) VALUES (
  @id, @type, @value, @classification, @confidence, @severity, @severity_rank, @score, @risk_level, @tlp,
  @first_seen, @last_seen, @description, @tags, @mitre_tactics, @mitre_techniques, @active,
  @false_positive, @enrichment, @project_id, @analyst_fields, @created_at, @updated_at
)`

const UPDATE_SQL = `UPDATE indicators SET classification = @classification, confidence = @confidence,
  severity = @severity, severity_rank = @severity_rank, score = @score, risk_level = @risk_level,
  tlp = @tlp, first_seen = @first_seen, last_seen = @last_seen, description = @description,
  tags = @tags, mitre_tactics = @mitre_tactics, mitre_techniques = @mitre_techniques,
  active = @active, false_positive = @false_positive, enrichment = @enrichment,
  project_id = @project_id, analyst_fields = @analyst_fields, updated_at = @updated_at
WHERE rowid = @rowid`

/** A full row to write (the stored shape: JSON as text, booleans as 0/1). */
export type IndicatorWrite = Omit<IndicatorRow, 'rowid'>

export type Page = { rows: IndicatorRow[]; nextCursor: string | null }

export type IndicatorCounts = {
  total: number
  byType: Record<string, number>
  bySeverity: Record<string, number>
}

export type IndicatorRepository = {
  getById(id: string): IndicatorRow | undefined
  getByRowid(rowid: number): IndicatorRow | undefined
  lookup(type: IocType, value: string): IndicatorRow | undefined
  page(opts: { filter: IndicatorFilter; sort: IndicatorSort; limit: number; cursor?: string }): Page
  /** The page starting at a 0-based position of the same order (where a dragged scrollbar lands). */
  pageAt(opts: {
    filter: IndicatorFilter
    sort: IndicatorSort
    limit: number
    offset: number
  }): Page
  count(filter: IndicatorFilter): number
  search(opts: { q: string; limit: number; cursor?: string }): Page
  /** Changed (or seen) since `sinceIso`, most recently changed first. */
  recent(opts: { sinceIso: string; limit: number; cursor?: string }): Page
  counts(projectId?: string): IndicatorCounts
  /** Inserts and indexes one row; the caller holds the write queue and a transaction. */
  insert(row: IndicatorWrite): number
  update(rowid: number, row: IndicatorWrite, textChanged: boolean): void
  remove(rowid: number): void
  /** The MISP events and STIX objects the indicator was reported in or is linked to. */
  reportedIn(rowid: number): ReportedIn
}

/** Registers the exact-match check the `q` filter uses inside SQL (see indicator-search.ts). */
const registerSearchFunction = (sqlite: BetterSqlite3.Database): void => {
  let lastJson = ''
  let lastTerms: string[] = []
  sqlite.function(
    SEARCH_MATCH_FN,
    { deterministic: true },
    (value: unknown, description: unknown, tags: unknown, termsJson: unknown) => {
      if (typeof termsJson !== 'string') return 0
      if (termsJson !== lastJson) {
        lastTerms = JSON.parse(termsJson) as string[]
        lastJson = termsJson
      }
      return rowMatchesTerms(lastTerms, String(value), String(description), String(tags)) ? 1 : 0
    },
  )
}

export const createIndicatorRepository = (sqlite: BetterSqlite3.Database): IndicatorRepository => {
  registerSearchFunction(sqlite)
  const lookup = sqlite.prepare<[string, string, string], IndicatorRow>(LOOKUP_SQL)
  const getById = sqlite.prepare<[string], IndicatorRow>(GET_BY_ID_SQL)
  const getByRowid = sqlite.prepare<[number], IndicatorRow>(GET_BY_ROWID_SQL)
  const search = sqlite.prepare<[string, number], SearchCandidate>(SEARCH_SQL)
  const insert = sqlite.prepare(INSERT_SQL)
  const update = sqlite.prepare(UPDATE_SQL)
  const remove = sqlite.prepare('DELETE FROM indicators WHERE rowid = ?')
  const index = createSearchIndexWriter(sqlite)
  const reportedIn = createReportedInReader(sqlite)

  // Filter combinations make many distinct statements; preparing one costs more than running it, so keep the recent ones.
  const cache = new Map<string, BetterSqlite3.Statement>()
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let st = cache.get(sql)
    if (st === undefined) {
      st = sqlite.prepare(sql)
      if (cache.size >= 200) cache.delete(cache.keys().next().value as string)
      cache.set(sql, st)
    }
    return st
  }

  // A table of a million rows is counted in tens of milliseconds, and the view asks again on every change
  // event: a count is kept until something writes to the database (this connection or the bulk writer's).
  const dataVersion = sqlite.prepare('PRAGMA main.data_version').pluck()
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck()
  const counted = new Map<string, number>()
  let countedAt = ''
  const cachedCount = (filter: IndicatorFilter): number => {
    const { sql, params } = countSql(buildFilterWhere(filter))
    const run = () =>
      prepared(sql)
        .pluck()
        .get(...params) as number
    // Text filters depend on the search index, which another thread keeps: never cached.
    if ((filter.q ?? '') !== '' || filter.tag !== undefined) return run()
    const stamp = `${String(dataVersion.get())}:${String(totalChanges.get())}`
    if (stamp !== countedAt) {
      counted.clear()
      countedAt = stamp
    }
    const key = `${sql}\0${JSON.stringify(params)}`
    const hit = counted.get(key)
    if (hit !== undefined) return hit
    const n = run()
    if (counted.size >= 100) counted.delete(counted.keys().next().value as string)
    counted.set(key, n)
    return n
  }

  const keysetPage = (
    where: SqlWhere,
    sort: IndicatorSort,
    limit: number,
    rawCursor?: string | Cursor,
  ): Page => {
    const spec = SORT_COLUMNS[sort.field]
    const cursor =
      rawCursor === undefined
        ? null
        : typeof rawCursor === 'string'
          ? decodeCursor(rawCursor, spec.kind, spec.nullable)
          : rawCursor
    const rows: IndicatorRow[] = []
    for (const seg of keysetSegments({ select: INDICATOR_SELECT, where, sort, cursor })) {
      const want = limit + 1 - rows.length
      if (want <= 0) break
      rows.push(...(prepared(seg.sql).all(...seg.params, want) as IndicatorRow[]))
    }
    if (rows.length <= limit) return { rows, nextCursor: null }
    rows.length = limit
    const last = rows[limit - 1]
    const value = last[spec.column as keyof IndicatorRow]
    return { rows, nextCursor: encodeCursor({ value, rowid: last.rowid }) }
  }

  return {
    getById: (id) => getById.get(id),
    getByRowid: (rowid) => getByRowid.get(rowid),
    lookup: (type, value) => lookup.get(indicatorId(type, value), type, value),
    page: ({ filter, sort, limit, cursor }) =>
      keysetPage(buildFilterWhere(filter), sort, limit, cursor),
    pageAt: ({ filter, sort, limit, offset }) => {
      const where = buildFilterWhere(filter)
      if (offset === 0) return keysetPage(where, sort, limit)
      const textFiltered = (filter.q ?? '') !== '' || filter.tag !== undefined
      // The row just before the position becomes the cursor: the page is then an ordinary keyset page. It
      // is found from the nearer end (End and the lower half walk the reversed order), which halves the
      // rows skipped, and makes the last page as quick as the first for the sorts without an index.
      const total = textFiltered ? null : cachedCount(filter)
      if (total !== null && offset >= total) return { rows: [], nextCursor: null }
      const fromEnd = total !== null && offset - 1 >= total / 2
      const at = positionSql(
        where,
        fromEnd ? { ...sort, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : sort,
        textFiltered,
      )
      const skip = fromEnd && total !== null ? total - offset : offset - 1
      const before = prepared(at.sql).get(...at.params, skip) as Cursor | undefined
      if (before === undefined) return { rows: [], nextCursor: null }
      return keysetPage(where, sort, limit, before)
    },
    count: cachedCount,
    search: ({ q, limit, cursor }) => {
      const plan = planSearch(q)
      if (plan === null) return { rows: [], nextCursor: null }
      const after: Cursor | null = cursor === undefined ? null : decodeCursor(cursor, 'int', false)
      const found: number[] = []
      let examined = 0
      let lastRowid = 0
      let more = false
      for (const c of search.iterate(plan.match, after?.rowid ?? Number.MAX_SAFE_INTEGER)) {
        if (rowMatchesTerms(plan.terms, c.value, c.description, c.tags)) {
          if (found.length === limit) {
            more = true
            break
          }
          found.push(c.rowid)
        }
        lastRowid = c.rowid
        if (++examined >= SEARCH_MAX_EXAMINED) {
          // Rare terms among many candidates: return what was found, and where to go on from.
          more = true
          break
        }
      }
      const rows = found.map((rowid) => getByRowid.get(rowid) as IndicatorRow)
      if (!more) return { rows, nextCursor: null }
      const from = found.length === limit ? found[limit - 1] : lastRowid
      return { rows, nextCursor: encodeCursor({ value: from, rowid: from }) }
    },
    recent: ({ sinceIso, limit, cursor }) =>
      keysetPage(
        {
          clauses: ['(indicators.updated_at >= ? OR indicators.last_seen >= ?)'],
          params: [sinceIso, sinceIso],
        },
        { field: 'updatedAt', dir: 'desc' },
        limit,
        cursor,
      ),
    counts: (projectId) => {
      const sql = `SELECT type, severity, count(*) AS n FROM indicators${projectId === undefined ? '' : ' WHERE project_id = ?'} GROUP BY type, severity`
      const groups = prepared(sql).all(...(projectId === undefined ? [] : [projectId])) as {
        type: string
        severity: string
        n: number
      }[]
      const out: IndicatorCounts = { total: 0, byType: {}, bySeverity: {} }
      for (const g of groups) {
        out.total += g.n
        out.byType[g.type] = (out.byType[g.type] ?? 0) + g.n
        out.bySeverity[g.severity] = (out.bySeverity[g.severity] ?? 0) + g.n
      }
      return out
    },
    insert: (row) => {
      const rowid = Number(insert.run(row).lastInsertRowid)
      index.changed(rowid)
      return rowid
    },
    update: (rowid, row, textChanged) => {
      update.run({ ...row, rowid })
      if (textChanged) index.changed(rowid)
    },
    remove: (rowid) => {
      remove.run(rowid)
      index.changed(rowid)
    },
    reportedIn,
  }
}
