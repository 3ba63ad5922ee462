import type BetterSqlite3 from 'better-sqlite3'
import type { Observation } from '#shared/contract/feeds.contract'

type Row = {
  id: number
  indicator_id: string
  feed_id: string | null
  source_key: string
  feed_name: string | null
  first_seen: string | null
  last_seen: string | null
  confidence: number | null
  threat_type: string | null
  malware: string | null
  tags: string
  reference: string | null
  description: string | null
  tlp: string | null
  port: number | null
  raw: string | null
  classification: string | null
  severity: string | null
  event_title: string | null
  sightings: number
  last_run_id: string | null
  created_at: string
  updated_at: string
}

const parse = (s: string | null): unknown => {
  if (s === null) return null
  try {
    return JSON.parse(s) as unknown
  } catch {
    return null
  }
}

/** Both statements are range scans of UQ_observations_indicator_source (see migration 0002). */
export const listObservations = (
  sqlite: BetterSqlite3.Database,
  indicatorId: string,
  limit: number,
): { items: Observation[]; total: number } => {
  const rows = sqlite
    .prepare(
      `SELECT o.*, f.name AS feed_name FROM observations o LEFT JOIN feeds f ON f.id = o.feed_id
       WHERE o.indicator_id = ? ORDER BY o.last_seen DESC, o.id DESC LIMIT ?`,
    )
    .all(indicatorId, limit) as Row[]
  const total = sqlite
    .prepare('SELECT count(*) FROM observations WHERE indicator_id = ?')
    .pluck()
    .get(indicatorId) as number
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      indicatorId: r.indicator_id,
      feedId: r.feed_id,
      source: r.feed_name ?? r.source_key.replace(/^import:/, ''),
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      confidence: r.confidence,
      threatType: r.threat_type,
      malware: r.malware,
      tags: parse(r.tags) as string[],
      reference: r.reference,
      description: r.description,
      tlp: r.tlp as Observation['tlp'],
      port: r.port,
      raw: parse(r.raw),
      classification: r.classification as Observation['classification'],
      severity: r.severity as Observation['severity'],
      eventTitle: r.event_title,
      sightings: r.sightings,
      lastRunId: r.last_run_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
  }
}
