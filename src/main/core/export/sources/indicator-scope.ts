import type BetterSqlite3 from 'better-sqlite3'
import type { Indicator, IndicatorSort } from '#shared/contract/indicators.contract'
import type { Tlp } from '#shared/domain/enums'
import {
  SORT_COLUMNS,
  keysetSegments,
  type Cursor,
  type SqlWhere,
} from '../../indicators/indicator-query'
import { INDICATOR_SELECT, rowToIndicator, type IndicatorRow } from '../../indicators/indicator-row'
import type { ExportStats } from '../export-set'

/** Which indicators an export holds: a WHERE over `indicators` and the order they are written in. */
export type IndicatorScope = { where: SqlWhere; sort: IndicatorSort }

/** The order of every export but an indicator query's own: the strongest first. */
export const DEFAULT_EXPORT_SORT: IndicatorSort = { field: 'score', dir: 'desc' }

/** Rows read per keyset page: the connection is free for other calls between two pages. */
export const EXPORT_PAGE_ROWS = 2000

const whereSql = (w: SqlWhere, extra?: string): string => {
  const clauses = extra === undefined ? w.clauses : [...w.clauses, extra]
  return clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''
}

export type ScopeSummary = {
  count: number
  tlpCounts: Partial<Record<Tlp, number>>
  stats: ExportStats
}

/**
 * Counts and chart aggregates of a scope in two scans: one GROUP BY over the few small columns the charts
 * and the TLP warning need (a handful of groups whatever the row count), one over first_seen's day.
 */
export const summariseScope = (
  sqlite: BetterSqlite3.Database,
  scope: IndicatorScope,
): ScopeSummary => {
  const groups = sqlite
    .prepare(
      `SELECT indicators.type AS type, indicators.severity AS severity, indicators.tlp AS tlp,
         min(indicators.score / 10, 9) AS bucket, count(*) AS n
       FROM indicators${whereSql(scope.where)} GROUP BY 1, 2, 3, 4`,
    )
    .all(...scope.where.params) as {
    type: string
    severity: string
    tlp: Tlp
    bucket: number
    n: number
  }[]
  const byType: Record<string, number> = {}
  const bySeverity: Record<string, number> = {}
  const tlpCounts: Partial<Record<Tlp, number>> = {}
  const scoreBuckets = Array.from({ length: 10 }, () => 0)
  let count = 0
  for (const g of groups) {
    count += g.n
    byType[g.type] = (byType[g.type] ?? 0) + g.n
    bySeverity[g.severity] = (bySeverity[g.severity] ?? 0) + g.n
    tlpCounts[g.tlp] = (tlpCounts[g.tlp] ?? 0) + g.n
    scoreBuckets[Math.max(0, Math.min(9, g.bucket))] += g.n
  }
  const timeline = sqlite
    .prepare(
      `SELECT substr(indicators.first_seen, 1, 10) AS day, count(*) AS count
       FROM indicators${whereSql(scope.where, 'indicators.first_seen IS NOT NULL')}
       GROUP BY 1 ORDER BY 1`,
    )
    .all(...scope.where.params) as { day: string; count: number }[]
  return { count, tlpCounts, stats: { byType, bySeverity, scoreBuckets, timeline } }
}

/** Indicators per TLP (the TLP check does not need the charts). */
export const tlpCountsOfScope = (
  sqlite: BetterSqlite3.Database,
  scope: IndicatorScope,
): Partial<Record<Tlp, number>> => {
  const rows = sqlite
    .prepare(
      `SELECT indicators.tlp AS tlp, count(*) AS n FROM indicators${whereSql(scope.where)} GROUP BY 1`,
    )
    .all(...scope.where.params) as { tlp: Tlp; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.tlp, r.n]))
}

/**
 * The scope's rows in keyset pages of the scope's order. Each page is one short `.all()`: nothing holds the
 * connection between pages, so the app stays responsive while a writer waits on its file stream.
 */
export async function* scopeRowPages(
  sqlite: BetterSqlite3.Database,
  scope: IndicatorScope,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<IndicatorRow[]> {
  const spec = SORT_COLUMNS[scope.sort.field]
  let cursor: Cursor | null = null
  const cache = new Map<string, BetterSqlite3.Statement>()
  const prepared = (sql: string) => {
    let st = cache.get(sql)
    if (st === undefined) {
      st = sqlite.prepare(sql)
      cache.set(sql, st)
    }
    return st
  }
  for (;;) {
    const rows: IndicatorRow[] = []
    const segments = keysetSegments({
      select: INDICATOR_SELECT,
      where: scope.where,
      sort: scope.sort,
      cursor,
    })
    for (const seg of segments) {
      const want = pageRows - rows.length
      if (want <= 0) break
      rows.push(...(prepared(seg.sql).all(...seg.params, want) as IndicatorRow[]))
    }
    if (rows.length === 0) return
    yield rows
    if (rows.length < pageRows) return
    const last = rows[rows.length - 1]
    cursor = {
      value: last[spec.column as keyof IndicatorRow],
      rowid: last.rowid,
    }
  }
}

export async function* scopeIndicatorPages(
  sqlite: BetterSqlite3.Database,
  scope: IndicatorScope,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<Indicator[]> {
  for await (const rows of scopeRowPages(sqlite, scope, pageRows)) yield rows.map(rowToIndicator)
}
