import type BetterSqlite3 from 'better-sqlite3'
import { INTEL_KINDS, type IntelKind } from '#shared/contract/intel.schemas'
import {
  SUMMARY_TOP,
  type SummaryFeedRow,
  type SummaryIndicator,
  type SummaryStats,
} from '#shared/contract/summaries.schemas'
import { TLP_LEVELS } from '#shared/domain/enums'

type Db = BetterSqlite3.Database
type Range = [start: string, end: string]

/**
 * The statistics of a time range, in SQL (SQLite: the desktop's database; raw statements on the core's
 * connection, read-only). Every timestamp column holds ISO-8601 UTC text of one width, so a range is a
 * string comparison, `>= start AND < end`, and a day is its first ten characters.
 *
 * Which time says when something happened:
 * - arrived: indicators.created_at, when the row entered this database. first_seen is the source's claim
 *   (often years back, or missing) and last_seen moves with every sighting; an analyst asking "what came in
 *   this week" means created_at. Migration 0018 indexes it.
 * - by feed: the observations of those indicators (an indicator reported by two feeds counts for both);
 *   observations are reached by indicator rowid through their unique (indicator_rowid, source_key) index.
 * - feed runs: feed_runs.started_at (indexed), with the counts each run recorded.
 * - scored high: the arrivals whose score is at or above the settings' high threshold now (the score
 *   decays; a summary says what the range brought that is high).
 * - alerts: created_at (raised), acknowledged_at and resolved_at, each in the range.
 * - incidents: created_at (opened); escalations and resolutions are status changes, which only the change
 *   log records (entity 'incident', changes.status.after), read through its `at` index.
 * - intel entities: created_at in the range (new), or updated_at in it for older ones (updated).
 * Alerts, incidents and intel entities are small beside indicators and have no index on these times; a
 * scan of them is cheaper than three more indexes on every write.
 */
const ARRIVED = 'FROM indicators WHERE created_at >= ? AND created_at < ?'

/** Arrivals by type: the shape of every "arrived" count (a walk of IDX_indicators_created_at). */
export const ARRIVED_BY_TYPE_SQL = `SELECT type AS key, count(*) AS n ${ARRIVED} GROUP BY type`

/** The top high-scoring arrivals. */
export const HIGH_TOP_SQL = `SELECT id, type, value, score, risk_level AS riskLevel, severity, tlp,
  created_at AS createdAt ${ARRIVED} AND score >= ? ORDER BY score DESC, created_at DESC, id LIMIT ?`

/** Escalations and resolutions of incidents: status changes in the change log, by its `at` index. */
export const INCIDENTS_TO_STATUS_SQL = `SELECT count(DISTINCT entity_id) FROM change_log
  WHERE at >= ? AND at < ? AND entity = 'incident' AND json_extract(changes, '$.status.after') = ?`

export const createSummaryStatsRepository = (db: Db) => {
  const counts = (sql: string) => {
    const stmt = db.prepare<Range, { key: string | null; n: number }>(sql)
    return (range: Range): Record<string, number> => {
      const out: Record<string, number> = {}
      for (const r of stmt.all(...range)) out[r.key ?? 'unknown'] = r.n
      return out
    }
  }
  const one = (sql: string) => {
    const stmt = db.prepare<Range, number>(sql).pluck()
    return (range: Range): number => stmt.get(...range) ?? 0
  }
  const byType = counts(ARRIVED_BY_TYPE_SQL)
  const bySeverity = counts(`SELECT severity AS key, count(*) AS n ${ARRIVED} GROUP BY severity`)
  const byRisk = counts(`SELECT risk_level AS key, count(*) AS n ${ARRIVED} GROUP BY risk_level`)
  const byTlp = counts(`SELECT tlp AS key, count(*) AS n ${ARRIVED} GROUP BY tlp`)
  const buckets = db.prepare<Range, { bucket: number; n: number }>(
    `SELECT min(score / 10, 9) AS bucket, count(*) AS n ${ARRIVED} GROUP BY bucket`,
  )
  const arrivedByFeed = db.prepare<Range, { feedId: string | null; n: number }>(
    `SELECT o.feed_id AS feedId, count(DISTINCT i.rowid) AS n
     FROM indicators i LEFT JOIN observations o ON o.indicator_rowid = i.rowid
     WHERE i.created_at >= ? AND i.created_at < ?
     GROUP BY o.feed_id`,
  )
  const runsByFeed = db.prepare<
    Range,
    {
      feedId: string | null
      runs: number
      succeeded: number
      failed: number
      cancelled: number
      rows: number
      created: number
      updated: number
      rejected: number
    }
  >(
    `SELECT feed_id AS feedId, count(*) AS runs,
       sum(status = 'succeeded') AS succeeded, sum(status = 'failed') AS failed,
       sum(status = 'cancelled') AS cancelled, sum(rows) AS rows, sum(created) AS created,
       sum(updated) AS updated, sum(rejected) AS rejected
     FROM feed_runs WHERE started_at >= ? AND started_at < ? GROUP BY feed_id`,
  )
  const feedName = db.prepare<[string], string>('SELECT name FROM feeds WHERE id = ?').pluck()
  const highCount = db
    .prepare<[...Range, number], number>(`SELECT count(*) ${ARRIVED} AND score >= ?`)
    .pluck()
  const highTop = db.prepare<[...Range, number, number], SummaryIndicator>(HIGH_TOP_SQL)
  const alertsRaised = one('SELECT count(*) FROM alerts WHERE created_at >= ? AND created_at < ?')
  const alertsAcknowledged = one(
    'SELECT count(*) FROM alerts WHERE acknowledged_at >= ? AND acknowledged_at < ?',
  )
  const alertsResolved = one(
    'SELECT count(*) FROM alerts WHERE resolved_at >= ? AND resolved_at < ?',
  )
  const incidentsOpened = one(
    'SELECT count(*) FROM incidents WHERE created_at >= ? AND created_at < ?',
  )
  const incidentsTo = db.prepare<[...Range, string], number>(INCIDENTS_TO_STATUS_SQL).pluck()
  const intelCreated = counts(
    `SELECT kind AS key, count(*) AS n FROM intel_entities
     WHERE created_at >= ? AND created_at < ? GROUP BY kind`,
  )
  const intelUpdated = db.prepare<[...Range, string], { key: string; n: number }>(
    `SELECT kind AS key, count(*) AS n FROM intel_entities
     WHERE updated_at >= ? AND updated_at < ? AND created_at < ? GROUP BY kind`,
  )
  const perDay = (sql: string) => {
    const stmt = db.prepare<Range, { day: string; n: number }>(sql)
    return (range: Range) => new Map(stmt.all(...range).map((r) => [r.day, r.n]))
  }
  const dayIndicators = perDay(
    `SELECT substr(created_at, 1, 10) AS day, count(*) AS n ${ARRIVED} GROUP BY day`,
  )
  const dayHigh = db.prepare<[...Range, number], { day: string; n: number }>(
    `SELECT substr(created_at, 1, 10) AS day, count(*) AS n ${ARRIVED} AND score >= ? GROUP BY day`,
  )
  const dayAlerts = perDay(
    `SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM alerts
     WHERE created_at >= ? AND created_at < ? GROUP BY day`,
  )
  const dayIncidents = perDay(
    `SELECT substr(created_at, 1, 10) AS day, count(*) AS n FROM incidents
     WHERE created_at >= ? AND created_at < ? GROUP BY day`,
  )

  const feedRows = (range: Range): SummaryFeedRow[] => {
    const rows = new Map<string, SummaryFeedRow>()
    const row = (feedId: string | null): SummaryFeedRow => {
      const key = feedId ?? ''
      let r = rows.get(key)
      if (r === undefined) {
        r = {
          feedId,
          // A feed deleted since keeps its runs' counts under its id.
          name:
            feedId === null
              ? 'No feed (added by hand or imported once)'
              : (feedName.get(feedId) ?? `Deleted feed ${feedId}`),
          indicators: 0,
          runs: 0,
          failedRuns: 0,
          created: 0,
          updated: 0,
          rejected: 0,
        }
        rows.set(key, r)
      }
      return r
    }
    for (const a of arrivedByFeed.all(...range)) row(a.feedId).indicators = a.n
    for (const r of runsByFeed.all(...range)) {
      Object.assign(row(r.feedId), {
        runs: r.runs,
        failedRuns: r.failed,
        created: r.created,
        updated: r.updated,
        rejected: r.rejected,
      })
    }
    return [...rows.values()].sort(
      (a, b) => b.indicators - a.indicators || b.runs - a.runs || a.name.localeCompare(b.name),
    )
  }

  const runTotals = (range: Range): SummaryStats['runs'] => {
    const t = { total: 0, succeeded: 0, failed: 0, cancelled: 0, rows: 0, created: 0 }
    const more = { updated: 0, rejected: 0 }
    for (const r of runsByFeed.all(...range)) {
      t.total += r.runs
      t.succeeded += r.succeeded
      t.failed += r.failed
      t.cancelled += r.cancelled
      t.rows += r.rows
      t.created += r.created
      more.updated += r.updated
      more.rejected += r.rejected
    }
    return { ...t, ...more }
  }

  const timeline = (range: Range, threshold: number): SummaryStats['timeline'] => {
    const ind = dayIndicators(range)
    const high = new Map(dayHigh.all(...range, threshold).map((r) => [r.day, r.n]))
    const alerts = dayAlerts(range)
    const incidents = dayIncidents(range)
    const out: SummaryStats['timeline'] = []
    for (const day of daysOf(range)) {
      out.push({
        day,
        indicators: ind.get(day) ?? 0,
        high: high.get(day) ?? 0,
        alerts: alerts.get(day) ?? 0,
        incidents: incidents.get(day) ?? 0,
      })
    }
    return out
  }

  const intelOf = (m: Record<string, number>): Partial<Record<IntelKind, number>> => {
    const out: Partial<Record<IntelKind, number>> = {}
    for (const k of INTEL_KINDS) if (m[k] !== undefined) out[k] = m[k]
    return out
  }

  return {
    /** Everything a summary report says about [start, end), the high band starting at `threshold`. */
    compute(start: string, end: string, threshold: number): SummaryStats {
      const range: Range = [start, end]
      const scoreBuckets = Array.from({ length: 10 }, () => 0)
      for (const b of buckets.all(...range)) scoreBuckets[Math.max(0, b.bucket)] += b.n
      const tlp = byTlp(range)
      const types = byType(range)
      const total = Object.values(types).reduce((a, b) => a + b, 0)
      return {
        rangeStart: start,
        rangeEnd: end,
        arrived: {
          total,
          byType: types,
          bySeverity: bySeverity(range),
          byRisk: byRisk(range),
          byTlp: Object.fromEntries(
            TLP_LEVELS.filter((t) => tlp[t] !== undefined).map((t) => [t, tlp[t]]),
          ),
          scoreBuckets,
          byFeed: feedRows(range),
        },
        runs: runTotals(range),
        high: {
          threshold,
          count: highCount.get(...range, threshold) ?? 0,
          top: highTop.all(...range, threshold, SUMMARY_TOP),
        },
        triage: {
          alertsRaised: alertsRaised(range),
          alertsAcknowledged: alertsAcknowledged(range),
          alertsResolved: alertsResolved(range),
          incidentsOpened: incidentsOpened(range),
          incidentsEscalated: incidentsTo.get(...range, 'escalated') ?? 0,
          incidentsResolved: incidentsTo.get(...range, 'resolved') ?? 0,
        },
        intel: {
          created: intelOf(intelCreated(range)),
          updated: intelOf(
            Object.fromEntries(intelUpdated.all(...range, start).map((r) => [r.key, r.n])),
          ),
        },
        timeline: timeline(range, threshold),
      }
    },
  }
}

export type SummaryStatsRepository = ReturnType<typeof createSummaryStatsRepository>

/** Every UTC day (YYYY-MM-DD) that [start, end) touches, in order. */
export const daysOf = ([start, end]: Range): string[] => {
  const days: string[] = []
  const last = new Date(new Date(end).getTime() - 1)
  for (
    let d = new Date(`${start.slice(0, 10)}T00:00:00.000Z`);
    d <= last;
    d = new Date(d.getTime() + 86_400_000)
  ) {
    days.push(d.toISOString().slice(0, 10))
  }
  return days
}
