import type BetterSqlite3 from 'better-sqlite3'
import type { EnrichmentTarget } from '#shared/contract/enrichment.schemas'
import type { IocType, Tlp } from '#shared/domain/enums'
import { buildFilterWhere, type SqlWhere } from '#core/indicators/indicator-query'
import { filterText } from '#core/export/sources/target-text'
import { REPORT_INDICATORS_CLAUSE } from '#core/export/sources/resolve-target'

export type TargetIndicator = { rowid: number; id: string; type: IocType; value: string; tlp: Tlp }

const whereOf = (t: EnrichmentTarget): SqlWhere => {
  switch (t.kind) {
    case 'indicators':
      return {
        clauses: ['indicators.id IN (SELECT value FROM json_each(?))'],
        params: [JSON.stringify(t.ids)],
      }
    case 'query':
      return buildFilterWhere(t.filter)
    case 'report':
      return { clauses: [REPORT_INDICATORS_CLAUSE], params: [t.id] }
  }
}

/** A target in words, for job lists ("3 indicators", "indicators of type ip, score ≥ 70"). */
export const targetText = (t: EnrichmentTarget): string => {
  switch (t.kind) {
    case 'indicators':
      return t.ids.length === 1 ? '1 indicator' : `${t.ids.length} indicators`
    case 'query':
      return filterText(t.filter).slice(0, 500)
    case 'report':
      return `threat report ${t.id}`
  }
}

/** The target's indicators, read in rowid order a page at a time (a query may cover a million rows). */
export const createTargetReader = (sqlite: BetterSqlite3.Database, t: EnrichmentTarget) => {
  const w = whereOf(t)
  const cond = w.clauses.length > 0 ? `${w.clauses.join(' AND ')} AND ` : ''
  const page = sqlite.prepare<unknown[], TargetIndicator>(
    `SELECT indicators.rowid AS rowid, indicators.id, indicators.type, indicators.value, indicators.tlp
     FROM indicators WHERE ${cond}indicators.rowid > ? ORDER BY indicators.rowid LIMIT ?`,
  )
  const count = sqlite
    .prepare<unknown[], number>(
      `SELECT count(*) FROM indicators${w.clauses.length > 0 ? ` WHERE ${w.clauses.join(' AND ')}` : ''}`,
    )
    .pluck()
  return {
    count: (): number => count.get(...w.params) ?? 0,
    page: (after: number, limit: number): TargetIndicator[] => page.all(...w.params, after, limit),
  }
}
