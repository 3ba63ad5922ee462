import type BetterSqlite3 from 'better-sqlite3'
import type { TriageItem, TriageStatus } from '#shared/contract/triage.contract'
import { alertRowsByIds, type AlertRow } from '../alerts/alerts.repository'
import { rowToIncident } from '../incidents/incident-row'
import type { IncidentRow } from '../incidents/incidents.repository'
import { readQueuePage, type QueueKey } from './triage-queue'
import type { TriageFilter } from '#shared/contract/triage.contract'

/** Feeds named per alert in the queue (the detail lists every source). */
const ALERT_SOURCES_MAX = 8

type IndicatorBits = { id: string; type: string; value: string; tags: string; score: number }

const INCIDENTS_BY_IDS_SQL = `SELECT * FROM incidents WHERE id IN (SELECT value FROM json_each(?))`
const INDICATORS_BY_IDS_SQL = `SELECT id, type, value, tags, score FROM indicators
  WHERE id IN (SELECT value FROM json_each(?))`
const RULE_NAMES_SQL = `SELECT id, name FROM alert_rules WHERE id IN (SELECT value FROM json_each(?))`
// The observation key is the indicator's rowid on SQLite (migration 0002).
const FEEDS_OF_SQL = `SELECT DISTINCT coalesce(f.name, o.source_key) AS name FROM indicators i
  JOIN observations o ON o.indicator_rowid = i.rowid LEFT JOIN feeds f ON f.id = o.feed_id
  WHERE i.id = ? LIMIT ${ALERT_SOURCES_MAX}`

const parseList = (text: string): string[] => {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

/** The queue's reads: a page of keys (triage-queue.ts), then the page's rows read in full by id. */
export const createTriageRepository = (sqlite: BetterSqlite3.Database) => {
  const incidentsByIds = sqlite.prepare<[string], IncidentRow>(INCIDENTS_BY_IDS_SQL)
  const indicatorsByIds = sqlite.prepare<[string], IndicatorBits>(INDICATORS_BY_IDS_SQL)
  const ruleNames = sqlite.prepare<[string], { id: string; name: string }>(RULE_NAMES_SQL)
  const feedsOf = sqlite.prepare<[string], string>(FEEDS_OF_SQL).pluck()

  const hydrate = (keys: QueueKey[]): TriageItem[] => {
    const alertIds = keys.filter((k) => k.kind === 'alert').map((k) => k.id)
    const incidentIds = keys.filter((k) => k.kind === 'incident').map((k) => k.id)
    const alerts = new Map(alertRowsByIds(sqlite, alertIds).map((r) => [r.id, r]))
    const incidents = new Map(incidentsByIds.all(JSON.stringify(incidentIds)).map((r) => [r.id, r]))
    const indicatorIds = [
      ...[...alerts.values()].map((a) => a.indicator_id),
      ...[...incidents.values()].map((i) => i.indicator_id),
    ].filter((id): id is string => id !== null)
    const indicators = new Map(
      indicatorsByIds.all(JSON.stringify([...new Set(indicatorIds)])).map((r) => [r.id, r]),
    )
    const ruleIds = [...alerts.values()].map((a) => a.rule_id).filter((id) => id !== null)
    const rules = new Map(ruleNames.all(JSON.stringify(ruleIds)).map((r) => [r.id, r.name]))
    const items: TriageItem[] = []
    for (const k of keys) {
      if (k.kind === 'alert') {
        const a = alerts.get(k.id)
        if (a !== undefined) items.push(alertItem(a, indicators, rules))
      } else {
        const i = incidents.get(k.id)
        if (i !== undefined) items.push(incidentItem(i, indicators))
      }
    }
    return items
  }

  const alertItem = (
    a: AlertRow,
    indicators: Map<string, IndicatorBits>,
    rules: Map<string, string>,
  ): TriageItem => {
    const ind = a.indicator_id === null ? undefined : indicators.get(a.indicator_id)
    const rule = a.rule_id === null ? undefined : rules.get(a.rule_id)
    const feeds = ind === undefined ? [] : feedsOf.all(ind.id)
    return {
      kind: 'alert',
      id: a.id,
      title: a.title,
      value: ind?.value ?? null,
      indicatorId: a.indicator_id,
      indicatorType: ind?.type ?? null,
      severity: a.severity,
      score: a.score,
      // Only open and acknowledged alerts are in the queue (its WHERE).
      status: a.status as TriageStatus,
      sources: [...(rule === undefined ? [] : [`rule:${rule}`]), ...feeds],
      tags: ind === undefined ? [] : parseList(ind.tags),
      at: a.created_at,
      assignee: a.assignee,
      incidentId: a.incident_id,
    }
  }

  const incidentItem = (r: IncidentRow, indicators: Map<string, IndicatorBits>): TriageItem => {
    const i = rowToIncident(r)
    const ind = i.indicatorId === null ? undefined : indicators.get(i.indicatorId)
    return {
      kind: 'incident',
      id: i.id,
      title: i.summary !== '' ? i.summary : (i.url ?? ind?.value ?? ''),
      value: i.url ?? ind?.value ?? null,
      indicatorId: i.indicatorId,
      indicatorType: ind?.type ?? (i.url === null ? null : 'url'),
      severity: i.severity,
      score: ind?.score ?? null,
      status: i.status as TriageStatus,
      sources: i.sources,
      tags: i.tags,
      at: i.lastSeen,
      assignee: i.assignee,
      incidentId: null,
    }
  }

  return {
    page: (filter: TriageFilter, limit: number, cursor: string | undefined) => {
      const page = readQueuePage(sqlite, filter, limit, cursor)
      return { items: hydrate(page.keys), nextCursor: page.nextCursor, total: page.total }
    },
    incidentsByIds: (ids: readonly string[]): IncidentRow[] =>
      incidentsByIds.all(JSON.stringify(ids)),
  }
}
export type TriageRepository = ReturnType<typeof createTriageRepository>
