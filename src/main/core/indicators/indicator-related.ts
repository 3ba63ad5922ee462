import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import { RELATED_GROUP_MAX, type RelatedGroup } from '#shared/contract/triage.contract'

/** Groups of each kind at most (an indicator in many runs or with many tags shows the first ones). */
const GROUPS_PER_KIND_MAX = 5

type Item = RelatedGroup['items'][number]

const ITEM_COLUMNS = 'i.id, i.type, i.value, i.severity, i.score'

// Observations are keyed by the indicator's rowid on SQLite (migration 0002).
const SUBJECT_SQL = 'SELECT rowid, tags FROM indicators WHERE id = ?'
const OBSERVED_SQL = `SELECT DISTINCT last_run_id, malware, event_title FROM observations
  WHERE indicator_rowid = ? LIMIT 200`

/**
 * Each query stops at RELATED_GROUP_MAX + 1 rows (one more says `more`). Observations have no index on run,
 * malware or event (an index would cost every import its upkeep), so a rare key scans them: bounded by their
 * count, and only when the analyst opens a detail.
 */
const BY_RUN_SQL = `SELECT ${ITEM_COLUMNS} FROM indicators i WHERE i.rowid IN (
  SELECT o.indicator_rowid FROM observations o WHERE o.last_run_id = ? AND o.indicator_rowid <> ?
  LIMIT ${RELATED_GROUP_MAX + 1})`
const BY_MALWARE_SQL = `SELECT ${ITEM_COLUMNS} FROM indicators i WHERE i.rowid IN (
  SELECT o.indicator_rowid FROM observations o WHERE lower(o.malware) = lower(?) AND o.indicator_rowid <> ?
  LIMIT ${RELATED_GROUP_MAX + 1})`
const BY_EVENT_SQL = `SELECT ${ITEM_COLUMNS} FROM indicators i WHERE i.rowid IN (
  SELECT o.indicator_rowid FROM observations o WHERE o.event_title = ? AND o.indicator_rowid <> ?
  LIMIT ${RELATED_GROUP_MAX + 1})`
const BY_TAG_SQL = `SELECT ${ITEM_COLUMNS} FROM indicators i
  WHERE i.rowid <> ? AND EXISTS (SELECT 1 FROM json_each(i.tags) t WHERE t.value = ?)
  LIMIT ${RELATED_GROUP_MAX + 1}`

const parseTags = (text: string): string[] => {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

/** Indicators related to one: same import run, same tag, same malware family, same event. */
export const createRelatedQuery = (sqlite: BetterSqlite3.Database) => {
  const subject = sqlite.prepare<[string], { rowid: number; tags: string }>(SUBJECT_SQL)
  const observed = sqlite.prepare<
    [number],
    { last_run_id: string | null; malware: string | null; event_title: string | null }
  >(OBSERVED_SQL)
  const byRun = sqlite.prepare<[string, number], Item>(BY_RUN_SQL)
  const byMalware = sqlite.prepare<[string, number], Item>(BY_MALWARE_SQL)
  const byEvent = sqlite.prepare<[string, number], Item>(BY_EVENT_SQL)
  const byTag = sqlite.prepare<[number, string], Item>(BY_TAG_SQL)

  const group = (kind: RelatedGroup['kind'], key: string, rows: Item[]): RelatedGroup | null =>
    rows.length === 0
      ? null
      : {
          kind,
          key,
          items: rows.slice(0, RELATED_GROUP_MAX),
          more: rows.length > RELATED_GROUP_MAX,
        }

  return (id: string): { groups: RelatedGroup[] } => {
    const s = subject.get(id)
    if (s === undefined) throw new AppError('not_found', `No indicator has id ${id}`, { id })
    const obs = observed.all(s.rowid)
    const distinct = (pick: (o: (typeof obs)[number]) => string | null) => [
      ...new Set(obs.map(pick).filter((v): v is string => v !== null && v !== '')),
    ]
    const keys = {
      run: distinct((o) => o.last_run_id).slice(0, GROUPS_PER_KIND_MAX),
      malware: [...new Set(distinct((o) => o.malware).map((m) => m.toLowerCase()))].slice(
        0,
        GROUPS_PER_KIND_MAX,
      ),
      event: distinct((o) => o.event_title).slice(0, GROUPS_PER_KIND_MAX),
      tag: parseTags(s.tags).slice(0, GROUPS_PER_KIND_MAX),
    }
    const groups = [
      ...keys.run.map((k) => group('run', k, byRun.all(k, s.rowid))),
      ...keys.tag.map((k) => group('tag', k, byTag.all(s.rowid, k))),
      ...keys.malware.map((k) => group('malware', k, byMalware.all(k, s.rowid))),
      ...keys.event.map((k) => group('event', k, byEvent.all(k, s.rowid))),
    ]
    return { groups: groups.filter((g): g is RelatedGroup => g !== null) }
  }
}
