import type BetterSqlite3 from 'better-sqlite3'

/**
 * What this database already knows about an indicator: the feeds that reported it (observations), the
 * threat reports that contain it (report_objects), the intel entities linked to it (intel_relationships)
 * and the incidents that track it. Read-only prepared statements on the main connection, each on an
 * indexed key (EXPLAIN QUERY PLAN tests hold them to it). The first statement counts everything and brings
 * the feeds' rows along as JSON (every indicator from a feed has some, and a second statement per
 * indicator cost more than the JSON); reports, links and incidents are read only when they exist.
 */

/** Bounds on what one answer lists (an indicator may sit in thousands of feeds' rows). */
export const MAX_LISTED = 20

export type IndicatorCounts = {
  rowid: number
  classification: string
  score: number
  false_positive: number
  first_seen: string | null
  last_seen: string | null
  observations: number
  reports: number
  links: number
  incidents: number
}

export type FeedSighting = {
  source_key: string
  /** The feed's name; null for a one-off import (no feed). */
  feed: string | null
  reliability: string | null
  threat_type: string | null
  malware: string | null
  confidence: number | null
  last_seen: string | null
}

type CountsRow = IndicatorCounts & { feeds: string | null }

export type ReportRef = { id: string; name: string; tlp: string }
export type LinkedEntity = { id: string; kind: string; name: string; relationship_type: string }
export type IncidentRef = {
  id: string
  status: string
  severity: number
  summary: string
  last_seen: string
}

export const LOCAL_COUNTS_SQL = `SELECT i.rowid AS rowid, i.classification, i.score, i.false_positive,
  i.first_seen, i.last_seen,
  (SELECT count(*) FROM observations o WHERE o.indicator_rowid = i.rowid) AS observations,
  (SELECT json_group_array(json_array(feed_id, source_key, threat_type, malware, confidence, last_seen))
    FROM (SELECT feed_id, source_key, threat_type, malware, confidence, last_seen FROM observations
      WHERE indicator_rowid = i.rowid LIMIT ${MAX_LISTED})) AS feeds,
  (SELECT count(*) FROM report_objects r WHERE r.object_ref = i.id) AS reports,
  (SELECT count(*) FROM intel_relationships s WHERE s.source_ref = i.id)
    + (SELECT count(*) FROM intel_relationships t WHERE t.target_ref = i.id) AS links,
  (SELECT count(*) FROM incidents n WHERE n.indicator_id = i.id) AS incidents
FROM indicators i WHERE i.id = ?`

/** Feeds are few: their names are kept here and read again when an unknown feed id appears. */
export const LOCAL_FEED_NAMES_SQL = 'SELECT id, name, reliability FROM feeds'

export const LOCAL_REPORTS_SQL = `SELECT e.id, e.name, e.tlp
FROM report_objects r JOIN intel_entities e ON e.id = r.report_id
WHERE r.object_ref = ? ORDER BY e.updated_at DESC LIMIT ${MAX_LISTED}`

export const LOCAL_LINKS_SQL = `SELECT e.id, e.kind, e.name, l.relationship_type
FROM intel_relationships l JOIN intel_entities e ON e.id = l.target_ref WHERE l.source_ref = ?
UNION ALL
SELECT e.id, e.kind, e.name, l.relationship_type
FROM intel_relationships l JOIN intel_entities e ON e.id = l.source_ref WHERE l.target_ref = ?
LIMIT ${MAX_LISTED}`

export const LOCAL_INCIDENTS_SQL = `SELECT id, status, severity, summary, last_seen
FROM incidents WHERE indicator_id = ? ORDER BY severity DESC, last_seen DESC LIMIT ${MAX_LISTED}`

export type LocalSighting = {
  counts: IndicatorCounts
  feeds: FeedSighting[]
  reports: ReportRef[]
  linked: LinkedEntity[]
  incidents: IncidentRef[]
}

export type LocalSightings = (indicatorId: string) => LocalSighting | null

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null)

export const createLocalSightings = (sqlite: BetterSqlite3.Database): LocalSightings => {
  const counts = sqlite.prepare<[string], CountsRow>(LOCAL_COUNTS_SQL)
  const feedNames = sqlite.prepare<[], { id: string; name: string; reliability: string }>(
    LOCAL_FEED_NAMES_SQL,
  )
  let names = new Map<string, { name: string; reliability: string }>()
  const feedOf = (id: string) => {
    if (!names.has(id)) names = new Map(feedNames.all().map((f) => [f.id, f]))
    return names.get(id)
  }
  const feedsOf = (json: string | null): FeedSighting[] => {
    const parsed: unknown = json === null ? [] : JSON.parse(json)
    const rows: unknown[] = Array.isArray(parsed) ? parsed : []
    return rows.map((item) => {
      const r: unknown[] = Array.isArray(item) ? item : []
      const feedId = text(r[0])
      const feed = feedId === null ? undefined : feedOf(feedId)
      return {
        source_key: text(r[1]) ?? '',
        feed: feed?.name ?? null,
        reliability: feed?.reliability ?? null,
        threat_type: text(r[2]),
        malware: text(r[3]),
        confidence: typeof r[4] === 'number' ? r[4] : null,
        last_seen: text(r[5]),
      }
    })
  }
  const reports = sqlite.prepare<[string], ReportRef>(LOCAL_REPORTS_SQL)
  const links = sqlite.prepare<[string, string], LinkedEntity>(LOCAL_LINKS_SQL)
  const incidents = sqlite.prepare<[string], IncidentRef>(LOCAL_INCIDENTS_SQL)
  return (id) => {
    const row = counts.get(id)
    if (row === undefined) return null
    const { feeds, ...c } = row
    return {
      counts: c,
      feeds: c.observations > 0 ? feedsOf(feeds) : [],
      reports: c.reports > 0 ? reports.all(id) : [],
      linked: c.links > 0 ? links.all(id, id) : [],
      incidents: c.incidents > 0 ? incidents.all(id) : [],
    }
  }
}
