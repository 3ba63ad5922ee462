import type BetterSqlite3 from 'better-sqlite3'
import {
  INTEL_DETAILS_SCHEMAS,
  INTEL_KINDS,
  intelNameKey,
  type IntelEntity,
  type IntelKind,
  type IntelRefKind,
  type IntelRelationship,
} from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'

/**
 * The export domain's own read-only SQL over the intel tables (migration 0016): an export is a snapshot
 * read, and reading rows directly keeps it independent of the intel service's write-side rules.
 */
type EntityRow = {
  id: string
  kind: IntelKind
  name: string
  aliases: string
  description: string
  stix_id: string | null
  project_id: string | null
  tlp: Tlp
  severity: string | null
  confidence: number | null
  first_seen: string | null
  last_seen: string | null
  techniques: string
  sources: string
  details: string
  created_at: string
  updated_at: string
}

type RelationshipRow = {
  id: string
  relationship_type: string
  source_ref: string
  source_kind: IntelRefKind
  target_ref: string
  target_kind: IntelRefKind
  description: string
  source: string | null
  confidence: number | null
  first_seen: string | null
  last_seen: string | null
  stix_id: string | null
  created_at: string
  updated_at: string
}

export const ENTITY_SELECT = `intel_entities.id, intel_entities.kind, intel_entities.name,
  intel_entities.aliases, intel_entities.description, intel_entities.stix_id, intel_entities.project_id,
  intel_entities.tlp, intel_entities.severity, intel_entities.confidence, intel_entities.first_seen,
  intel_entities.last_seen, intel_entities.techniques, intel_entities.sources, intel_entities.details,
  intel_entities.created_at, intel_entities.updated_at`

export const RELATIONSHIP_SELECT = `r.id, r.relationship_type, r.source_ref, r.source_kind, r.target_ref,
  r.target_kind, r.description, r.source, r.confidence, r.first_seen, r.last_seen, r.stix_id,
  r.created_at, r.updated_at`

/** Most entities one export holds (an entity list, a neighbourhood): they are held in memory. */
export const EXPORT_MAX_ENTITIES = 100_000

const strings = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

const detailsOf = (kind: IntelKind, json: string): unknown => {
  let raw: unknown = {}
  try {
    raw = JSON.parse(json)
  } catch {
    // An unreadable details column exports as the kind's defaults rather than failing the whole export.
  }
  const schema = INTEL_DETAILS_SCHEMAS[kind]
  const parsed = schema.safeParse(raw)
  return parsed.success ? parsed.data : schema.parse({})
}

export const rowToEntity = (r: EntityRow): IntelEntity =>
  // The discriminated union is keyed by `kind`, and `details` was parsed by that kind's own schema.
  ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    aliases: strings(r.aliases),
    description: r.description,
    projectId: r.project_id,
    tlp: r.tlp,
    severity: r.severity,
    confidence: r.confidence,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    techniques: strings(r.techniques),
    sources: strings(r.sources),
    stixId: r.stix_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    details: detailsOf(r.kind, r.details),
  }) as IntelEntity

export const rowToRelationship = (r: RelationshipRow): IntelRelationship => ({
  id: r.id,
  relationshipType: r.relationship_type,
  sourceRef: r.source_ref,
  sourceKind: r.source_kind,
  targetRef: r.target_ref,
  targetKind: r.target_kind,
  description: r.description,
  source: r.source,
  confidence: r.confidence,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  stixId: r.stix_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export const isEntityKind = (k: string): k is IntelKind =>
  (INTEL_KINDS as readonly string[]).includes(k)

/** Edges with either end among a JSON array of refs: one index seek per ref on each end's index. */
export const TOUCHING_SQL = `SELECT ${RELATIONSHIP_SELECT} FROM intel_relationships r
  WHERE r.source_ref IN (SELECT value FROM json_each(?))
  UNION SELECT ${RELATIONSHIP_SELECT} FROM intel_relationships r
  WHERE r.target_ref IN (SELECT value FROM json_each(?))`

/** A report's entities in the report's order (report_objects' primary key starts with report_id). */
export const REPORT_ENTITIES_SQL = `SELECT ${ENTITY_SELECT} FROM report_objects o
  JOIN intel_entities ON intel_entities.id = o.object_ref
  WHERE o.report_id = ? ORDER BY o.position, o.object_ref`

/** Reads of the intel tables an export needs; ids travel as one JSON array parameter (json_each). */
export const createIntelReader = (sqlite: BetterSqlite3.Database) => {
  const byId = sqlite.prepare<[string], EntityRow>(
    `SELECT ${ENTITY_SELECT} FROM intel_entities WHERE id = ?`,
  )
  const byIds = sqlite.prepare<[string], EntityRow>(
    `SELECT ${ENTITY_SELECT} FROM intel_entities WHERE id IN (SELECT value FROM json_each(?))
     ORDER BY kind, name_key, id`,
  )
  const reportEntities = sqlite.prepare<[string], EntityRow>(REPORT_ENTITIES_SQL)
  const among = sqlite.prepare<[string, string], RelationshipRow>(
    `SELECT ${RELATIONSHIP_SELECT} FROM intel_relationships r
     WHERE r.source_ref IN (SELECT value FROM json_each(?)) AND r.target_ref IN (SELECT value FROM json_each(?))
     ORDER BY r.relationship_type, r.source_ref, r.target_ref`,
  )
  const touching = sqlite.prepare<[string, string], RelationshipRow>(TOUCHING_SQL)
  const reportRefs = sqlite
    .prepare<[string], string>('SELECT object_ref FROM report_objects WHERE report_id = ?')
    .pluck()
  return {
    entity: (id: string): IntelEntity | null => {
      const row = byId.get(id)
      return row === undefined ? null : rowToEntity(row)
    },
    entities: (ids: readonly string[]): IntelEntity[] =>
      byIds.all(JSON.stringify(ids)).map(rowToEntity),
    reportEntities: (reportId: string): IntelEntity[] =>
      reportEntities.all(reportId).map(rowToEntity),
    reportRefs: (reportId: string): string[] => reportRefs.all(reportId),
    /** Relationships with both ends among `refs`. */
    among: (refs: readonly string[]): IntelRelationship[] => {
      const json = JSON.stringify(refs)
      return among.all(json, json).map(rowToRelationship)
    },
    /** Relationships with either end among `refs`. */
    touching: (refs: readonly string[]): IntelRelationship[] => {
      const json = JSON.stringify(refs)
      return touching.all(json, json).map(rowToRelationship)
    },
    /** Entities of one kind matching a list filter, by name; null when more than `max` match. */
    list: (
      kind: IntelKind,
      f: { q?: string; projectId?: string; technique?: string },
      max: number,
    ): IntelEntity[] | null => {
      const clauses = ['intel_entities.kind = ?']
      const params: unknown[] = [kind]
      if (f.projectId !== undefined) {
        clauses.push('intel_entities.project_id = ?')
        params.push(f.projectId)
      }
      if (f.technique !== undefined && f.technique !== '') {
        clauses.push(
          'intel_entities.id IN (SELECT entity_id FROM intel_entity_techniques WHERE technique_id = ?)',
        )
        params.push(f.technique.toUpperCase())
      }
      if (f.q !== undefined && f.q !== '') {
        clauses.push(
          `intel_entities.id IN (SELECT entity_id FROM intel_aliases WHERE kind = ? AND instr(name_key, ?) > 0)`,
        )
        params.push(kind, intelNameKey(f.q))
      }
      const rows = sqlite
        .prepare<unknown[], EntityRow>(
          `SELECT ${ENTITY_SELECT} FROM intel_entities WHERE ${clauses.join(' AND ')}
           ORDER BY intel_entities.name_key, intel_entities.id LIMIT ?`,
        )
        .all(...params, max + 1)
      return rows.length > max ? null : rows.map(rowToEntity)
    },
  }
}

export type IntelReader = ReturnType<typeof createIntelReader>
