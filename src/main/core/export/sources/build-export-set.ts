import type BetterSqlite3 from 'better-sqlite3'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'
import { createGeoCounter } from '../../enrichment/geo-counts'
import type { ExportSet } from '../export-set'
import { scopeIndicatorPages, summariseScope, type ScopeSummary } from './indicator-scope'
import type { ResolvedTarget } from './resolve-target'

const EMPTY: ScopeSummary = {
  count: 0,
  tlpCounts: {},
  stats: {
    byType: {},
    bySeverity: {},
    scoreBuckets: Array.from({ length: 10 }, () => 0),
    timeline: [],
  },
}

/** The strictest TLP with a count above zero (TLP_LEVELS runs from the loosest to the strictest). */
export const strictestTlp = (counts: Partial<Record<Tlp, number>>): Tlp => {
  let out: Tlp = 'clear'
  for (const t of TLP_LEVELS) if ((counts[t] ?? 0) > 0) out = t
  return out
}

/** TLP counts over the indicators, the entities and the report itself (one of the entities or not). */
export const tlpCountsOf = (
  resolved: Pick<ResolvedTarget, 'entities' | 'report'>,
  indicatorCounts: Partial<Record<Tlp, number>>,
): Partial<Record<Tlp, number>> => {
  const counts: Partial<Record<Tlp, number>> = { ...indicatorCounts }
  const objects = [...resolved.entities]
  if (resolved.report !== null && !objects.some((e) => e.id === resolved.report?.id)) {
    objects.push(resolved.report)
  }
  for (const e of objects) counts[e.tlp] = (counts[e.tlp] ?? 0) + 1
  return counts
}

/** A resolved target with its indicator aggregates: the one input of every writer. */
export const buildExportSet = (
  sqlite: BetterSqlite3.Database,
  resolved: ResolvedTarget,
  now: Date,
): ExportSet => {
  const summary = resolved.scope === null ? EMPTY : summariseScope(sqlite, resolved.scope)
  const tlpCounts = tlpCountsOf(resolved, summary.tlpCounts)
  const scope = resolved.scope
  return {
    title: resolved.title,
    summary: resolved.summary,
    markdown: resolved.markdown,
    tlp: strictestTlp(tlpCounts),
    tlpCounts,
    generatedAt: now.toISOString(),
    report: resolved.report,
    entities: resolved.entities,
    relationships: resolved.relationships,
    indicatorCount: summary.count,
    stats: summary.stats,
    indicators: () =>
      scope === null ? (async function* () {})() : scopeIndicatorPages(sqlite, scope),
    ...(scope === null ? {} : { geo: () => createGeoCounter(sqlite).ofWhere(scope.where) }),
  }
}
