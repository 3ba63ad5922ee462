import type { Out } from '#shared/contract'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { IntelEntity, IntelRelationship, ThreatReport } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'

/**
 * What one export holds, whatever its format (issue 11): the export domain resolves a target (an indicator
 * query, a threat report, an entity with its neighbourhood, a project, a summary) into an ExportSet, and each
 * writer (CSV, PDF, STIX 2.1, MISP) turns the same set into its file. Writers never query the database: a set
 * built by hand in a test is exactly what they get in the app.
 */
export type ExportSet = {
  /** The title page's heading and the STIX report / MISP event name, e.g. "Indicators: score ≥ 80". */
  title: string
  /** One paragraph saying what the set is (the query in words, the report's summary). */
  summary: string
  /** Markdown body (a threat report's content, a summary report's tables), or null. */
  markdown: string | null
  /** The strictest TLP of anything in the set: what every page and part of the file is marked with. */
  tlp: Tlp
  /** How many objects carry each TLP (what the "contains AMBER/RED" warning counts). */
  tlpCounts: Partial<Record<Tlp, number>>
  generatedAt: string
  /** The threat report itself, when the target is one (STIX report / MISP event metadata). */
  report: ThreatReport | null
  entities: IntelEntity[]
  /** Relationships among the set's objects (both ends in the set). */
  relationships: IntelRelationship[]
  indicatorCount: number
  stats: ExportStats
  /**
   * The indicators in pages, in a stable order (score descending, then id). Callable again: the PDF writer
   * reads the pages once for its table after the charts that `stats` already gave it.
   */
  indicators: () => AsyncIterable<readonly Indicator[]>
  /**
   * Where the indicators are hosted (enrichment.geoCounts over the same indicators), for the PDF's world map.
   * A function so that formats without a map do not pay for it; absent when the set holds no indicators.
   */
  geo?: () => Out<'enrichment.geoCounts'>
}

/** Aggregates over the set's indicators, computed in SQL, for the charts and the title page. */
export type ExportStats = {
  byType: Readonly<Record<string, number>>
  bySeverity: Readonly<Record<string, number>>
  /** Ten buckets: scores 0-9, 10-19, …, 90-100. */
  scoreBuckets: readonly number[]
  /** Indicators per UTC day of first_seen (YYYY-MM-DD), ascending; days without any are left out. */
  timeline: readonly { day: string; count: number }[]
}
