import type BetterSqlite3 from 'better-sqlite3'
import { INTEL_KINDS, type IntelKind } from '#shared/contract/intel.schemas'
import type { ProjectDay } from '#shared/contract/projects.contract'
import { isIntelKind } from './intel-row'

/** Counts by kind: the (project_id, kind) index answers it alone. */
export const INTEL_PROJECT_COUNTS_SQL = `SELECT kind, count(*) AS n FROM intel_entities
  WHERE project_id = ? GROUP BY kind`
/** Indicators added per UTC day (ISO text: its first ten characters are the day). */
export const PROJECT_INDICATORS_BY_DAY_SQL = `SELECT substr(created_at, 1, 10) AS day, count(*) AS n
  FROM indicators WHERE project_id = ? AND created_at >= ? GROUP BY day`
/** A project's entities changed since the window opened: few, so the days are counted here. */
export const PROJECT_ENTITIES_CHANGED_SQL = `SELECT kind, created_at, updated_at,
  json_extract(details, '$.published') AS published, json_extract(details, '$.publishedAt') AS published_at
  FROM intel_entities WHERE project_id = ? AND updated_at >= ?`

const DAY_MS = 86_400_000

/** The UTC day of a timestamp (any offset), or null for text that is not one. */
const dayOf = (iso: unknown): string | null => {
  if (typeof iso !== 'string') return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10)
}

/**
 * A project's intel: how many entities of each kind, and per UTC day of the last `days` days (today last)
 * what was added, changed and published, read from the tables (an entity shows on the day of its latest
 * change; the change log holds the full history).
 */
export const intelProjectStats = (
  sqlite: BetterSqlite3.Database,
  projectId: string,
  now: Date,
  days: number,
): { intelCounts: Record<IntelKind, number>; activity: ProjectDay[] } => {
  const intelCounts = Object.fromEntries(INTEL_KINDS.map((k) => [k, 0])) as Record<
    IntelKind,
    number
  >
  for (const r of sqlite
    .prepare<[string], { kind: string; n: number }>(INTEL_PROJECT_COUNTS_SQL)
    .all(projectId)) {
    if (isIntelKind(r.kind)) intelCounts[r.kind] = r.n
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const activity: ProjectDay[] = []
  const byDay = new Map<string, ProjectDay>()
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10)
    const entry = {
      day,
      indicatorsAdded: 0,
      entitiesAdded: 0,
      entitiesUpdated: 0,
      reportsPublished: 0,
    }
    activity.push(entry)
    byDay.set(day, entry)
  }
  const since = new Date(today - (days - 1) * DAY_MS).toISOString()
  for (const r of sqlite
    .prepare<[string, string], { day: string; n: number }>(PROJECT_INDICATORS_BY_DAY_SQL)
    .all(projectId, since)) {
    const entry = byDay.get(r.day)
    if (entry) entry.indicatorsAdded += r.n
  }
  type Changed = {
    kind: string
    created_at: string
    updated_at: string
    published: number | null
    published_at: string | null
  }
  for (const r of sqlite
    .prepare<[string, string], Changed>(PROJECT_ENTITIES_CHANGED_SQL)
    .all(projectId, since)) {
    const created = dayOf(r.created_at)
    const updated = dayOf(r.updated_at)
    const addedOn = created === null ? undefined : byDay.get(created)
    if (addedOn) addedOn.entitiesAdded++
    const updatedOn = updated === null || updated === created ? undefined : byDay.get(updated)
    if (updatedOn) updatedOn.entitiesUpdated++
    const published = r.kind === 'report' && r.published === 1 ? dayOf(r.published_at) : null
    const publishedOn = published === null ? undefined : byDay.get(published)
    if (publishedOn) publishedOn.reportsPublished++
  }
  return { intelCounts, activity }
}
