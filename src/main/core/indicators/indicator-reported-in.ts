import type BetterSqlite3 from 'better-sqlite3'
import type { ReportedIn } from '#shared/contract/indicators.contract'
import type { Severity } from '#shared/domain/enums'

/**
 * "Reported in" for one indicator, from what imports already stored: each observation's raw record names
 * the MISP event (`event_uuid`) or the STIX object (`id`) it came from; intel_objects holds those events,
 * their galaxy clusters, and the STIX relationships, sightings and reports around the object. An
 * observation keeps its source's latest record, so a source shows the event or object it last reported the
 * indicator in. Read-only, SQLite statements on indexed keys (intel_objects' primary key, source_ref,
 * target_ref, type); reports are the one scan, over the reports alone.
 */

/** Bounds on what one answer lists (hostile feeds may link anything to anything). */
const MAX_LINKED = 200
const MAX_GALAXIES = 100

/** The STIX objects worth showing as context; identities, markings and observables are not. */
const LINKED_TYPES = new Set([
  'threat-actor',
  'intrusion-set',
  'malware',
  'campaign',
  'attack-pattern',
  'report',
  'tool',
  'infrastructure',
  'vulnerability',
])

const THREAT_LEVEL: Readonly<Record<string, Severity>> = { '1': 'high', '2': 'medium', '3': 'low' }

type ObservationRef = { source_key: string; event_uuid: string | null; stix_id: string | null }
type ObjectRow = { id: string; type: string; name: string | null; data: string }
type LinkRow = { other: string; relationship_type: string | null }

const OBSERVATION_REFS = `SELECT source_key,
    CASE WHEN json_valid(raw) THEN json_extract(raw, '$.event_uuid') END AS event_uuid,
    CASE WHEN json_valid(raw) THEN json_extract(raw, '$.id') END AS stix_id
  FROM observations WHERE indicator_rowid = ? AND raw IS NOT NULL`

const OBJECT = 'SELECT id, type, name, data FROM intel_objects WHERE id = ?'
/** Relationships and sightings from the object (indicates, uses...) and to it. */
const LINKS_FROM = `SELECT target_ref AS other, relationship_type FROM intel_objects
  WHERE source_ref = ? AND target_ref IS NOT NULL LIMIT ${MAX_LINKED}`
const LINKS_TO = `SELECT source_ref AS other, relationship_type FROM intel_objects
  WHERE target_ref = ? AND source_ref IS NOT NULL LIMIT ${MAX_LINKED}`
const REPORTS = `SELECT id, name FROM intel_objects WHERE type = 'report'
  AND EXISTS (SELECT 1 FROM json_each(intel_objects.data, '$.object_refs') WHERE value = ?)
  LIMIT ${MAX_LINKED}`

const parseObject = (json: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(json)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

export type ReportedInReader = (indicatorRowid: number) => ReportedIn

export const createReportedInReader = (sqlite: BetterSqlite3.Database): ReportedInReader => {
  const refs = sqlite.prepare<[number], ObservationRef>(OBSERVATION_REFS)
  const object = sqlite.prepare<[string], ObjectRow>(OBJECT)
  const linksFrom = sqlite.prepare<[string], LinkRow>(LINKS_FROM)
  const linksTo = sqlite.prepare<[string], LinkRow>(LINKS_TO)
  const reports = sqlite.prepare<[string], { id: string; name: string | null }>(REPORTS)

  const event = (uuid: string, sourceKey: string): ReportedIn['events'][number] | null => {
    const row = object.get(`misp-event--${uuid}`)
    if (row === undefined) return null
    const data = parseObject(row.data)
    const org = data.Orgc !== null && typeof data.Orgc === 'object' ? data.Orgc : {}
    const clusterIds = Array.isArray(data.galaxy_cluster_ids) ? data.galaxy_cluster_ids : []
    const galaxies: ReportedIn['events'][number]['galaxies'] = []
    for (const id of clusterIds.slice(0, MAX_GALAXIES)) {
      if (typeof id !== 'string') continue
      const c = object.get(id)
      if (c === undefined) continue
      const galaxy = parseObject(c.data).galaxy
      galaxies.push({
        id,
        name: c.name,
        galaxy:
          galaxy !== null && typeof galaxy === 'object'
            ? strOrNull((galaxy as Record<string, unknown>).type)
            : null,
      })
    }
    const level = strOrNull(data.threat_level_id)
    return {
      id: row.id,
      title: row.name,
      threatLevel: level === null ? null : (THREAT_LEVEL[level] ?? null),
      org: strOrNull((org as Record<string, unknown>).name),
      date: strOrNull(data.date),
      sourceKey,
      galaxies,
    }
  }

  const linked = (stixId: string, sourceKey: string, out: ReportedIn['linked']) => {
    const seen = new Set(out.map((l) => `${l.id} ${l.relationship}`))
    const add = (id: string, relationship: string) => {
      if (out.length >= MAX_LINKED || seen.has(`${id} ${relationship}`)) return
      const o = object.get(id)
      if (o === undefined || !LINKED_TYPES.has(o.type)) return
      seen.add(`${id} ${relationship}`)
      out.push({ id, type: o.type, name: o.name, relationship, sourceKey })
    }
    for (const l of linksFrom.all(stixId)) add(l.other, l.relationship_type ?? 'related-to')
    for (const l of linksTo.all(stixId)) add(l.other, l.relationship_type ?? 'related-to')
    for (const r of reports.all(stixId)) add(r.id, 'report')
  }

  return (rowid) => {
    const result: ReportedIn = { events: [], linked: [] }
    const events = new Set<string>()
    for (const ref of refs.all(rowid)) {
      if (typeof ref.event_uuid === 'string' && !events.has(ref.event_uuid)) {
        events.add(ref.event_uuid)
        const e = event(ref.event_uuid, ref.source_key)
        if (e !== null) result.events.push(e)
      }
      // STIX ids are `<type>--<uuid>`; other feeds' raw ids (URLhaus, ThreatFox) are numbers.
      if (typeof ref.stix_id === 'string' && ref.stix_id.includes('--')) {
        linked(ref.stix_id, ref.source_key, result.linked)
      }
    }
    return result
  }
}
