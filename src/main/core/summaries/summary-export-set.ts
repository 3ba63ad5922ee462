import type BetterSqlite3 from 'better-sqlite3'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { SummaryStats } from '#shared/contract/summaries.schemas'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'
import type { ExportSet } from '../export/export-set'
import { INDICATOR_SELECT, rowToIndicator, type IndicatorRow } from '../indicators/indicator-row'
import { summaryMarkdown, summaryParagraph } from './summary-document'

/** Indicators per page of ExportSet.indicators(). */
const PAGE = 1000

/** The strictest TLP with a count above zero ('clear' when there is none). */
export const strictestTlp = (counts: Partial<Record<Tlp, number>>): Tlp => {
  let strictest: Tlp = 'clear'
  for (const t of TLP_LEVELS) if ((counts[t] ?? 0) > 0) strictest = t
  return strictest
}

/**
 * A summary report as the one input of every export writer. Its indicators are the high-scoring arrivals
 * (score at or above the threshold, created in the range), in the writers' order: score descending, then
 * id. TLP: the report describes everything that arrived (its tables count all of it by feed, type and
 * severity), so it is marked with the strictest TLP among all the arrivals, not only those it lists.
 */
export const summaryExportSet = (
  db: BetterSqlite3.Database,
  title: string,
  stats: SummaryStats,
  generatedAt: string,
): ExportSet => {
  const page = db.prepare<[string, string, number, number, number, string, number], IndicatorRow>(
    `SELECT ${INDICATOR_SELECT} FROM indicators
     WHERE created_at >= ? AND created_at < ? AND score >= ?
       AND (score < ? OR (score = ? AND id > ?))
     ORDER BY score DESC, id LIMIT ?`,
  )
  const { rangeStart, rangeEnd } = stats
  const threshold = stats.high.threshold
  return {
    title,
    summary: summaryParagraph(title, stats),
    markdown: summaryMarkdown(title, stats),
    tlp: strictestTlp(stats.arrived.byTlp),
    tlpCounts: stats.arrived.byTlp,
    generatedAt,
    report: null,
    entities: [],
    relationships: [],
    indicatorCount: stats.high.count,
    stats: {
      byType: stats.arrived.byType,
      bySeverity: stats.arrived.bySeverity,
      scoreBuckets: stats.arrived.scoreBuckets,
      // The summary's timeline is by arrival day (created_at), the day each indicator came in.
      timeline: stats.timeline
        .filter((d) => d.indicators > 0)
        .map((d) => ({ day: d.day, count: d.indicators })),
    },
    indicators: async function* (): AsyncIterable<readonly Indicator[]> {
      // Keyset: after the last (score, id) of the page before; 101 is above every score.
      let score = 101
      let id = ''
      for (;;) {
        const rows = page.all(rangeStart, rangeEnd, threshold, score, score, id, PAGE)
        if (rows.length === 0) return
        const last = rows[rows.length - 1]
        score = last.score
        id = last.id
        yield rows.map(rowToIndicator)
        if (rows.length < PAGE) return
      }
    },
  }
}
