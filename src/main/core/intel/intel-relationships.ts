import type BetterSqlite3 from 'better-sqlite3'
import { IntelRefKindSchema, type IntelRelationship } from '#shared/contract/intel.schemas'

/** An `intel_relationships` row (migration 0016). */
export type RelationshipRow = {
  id: string
  relationship_type: string
  source_ref: string
  source_kind: string
  target_ref: string
  target_kind: string
  description: string
  source: string | null
  confidence: number | null
  first_seen: string | null
  last_seen: string | null
  stix_id: string | null
  created_at: string
  updated_at: string
}

const COLUMNS = `id, relationship_type, source_ref, source_kind, target_ref, target_kind, description,
  source, confidence, first_seen, last_seen, stix_id, created_at, updated_at`

export const RELATIONSHIP_BY_EDGE_SQL = `SELECT ${COLUMNS} FROM intel_relationships
  WHERE source_ref = ? AND relationship_type = ? AND target_ref = ?`
/** An object's edges, both ways: two index seeks (the edge key and the target index). */
export const RELATIONSHIPS_FROM_SQL = `SELECT ${COLUMNS} FROM intel_relationships WHERE source_ref = ?
  ORDER BY relationship_type, id LIMIT ?`
export const RELATIONSHIPS_TO_SQL = `SELECT ${COLUMNS} FROM intel_relationships WHERE target_ref = ?
  ORDER BY relationship_type, id LIMIT ?`

const INSERT_SQL = `INSERT INTO intel_relationships (${COLUMNS}) VALUES (@id, @relationship_type,
  @source_ref, @source_kind, @target_ref, @target_kind, @description, @source, @confidence, @first_seen,
  @last_seen, @stix_id, @created_at, @updated_at)`
const UPDATE_SQL = `UPDATE intel_relationships SET description = @description, source = @source,
  confidence = @confidence, first_seen = @first_seen, last_seen = @last_seen, updated_at = @updated_at
WHERE id = @id`

const refKind = (s: string) => {
  const parsed = IntelRefKindSchema.safeParse(s)
  return parsed.success ? parsed.data : 'indicator'
}

export const rowToRelationship = (r: RelationshipRow): IntelRelationship => ({
  id: r.id,
  relationshipType: r.relationship_type,
  sourceRef: r.source_ref,
  sourceKind: refKind(r.source_kind),
  targetRef: r.target_ref,
  targetKind: refKind(r.target_kind),
  description: r.description,
  source: r.source,
  confidence: r.confidence,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  stixId: r.stix_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** The `source` column's width: merged sources that would not fit keep what was there. */
const SOURCE_MAX = 300

const mergeSource = (have: string | null, add: string | null): string | null => {
  if (have === null || have === '') return add
  if (add === null || add === '') return have
  const parts = have.split(', ')
  if (parts.includes(add)) return have
  const joined = `${have}, ${add}`
  return joined.length <= SOURCE_MAX ? joined : have
}

const minOf = (a: string | null, b: string | null) =>
  a === null ? b : b === null || a <= b ? a : b
const maxOf = (a: string | null, b: string | null) =>
  a === null ? b : b === null || a >= b ? a : b

/**
 * Saying an edge again: sources are unioned, confidence is the higher, the seen window widens, and a
 * description is kept once given (an empty one never erases it).
 */
export const mergeRelationship = (
  have: RelationshipRow,
  add: Pick<RelationshipRow, 'description' | 'source' | 'confidence' | 'first_seen' | 'last_seen'>,
  now: string,
): RelationshipRow => {
  const next: RelationshipRow = {
    ...have,
    description: have.description === '' ? add.description : have.description,
    source: mergeSource(have.source, add.source),
    confidence:
      have.confidence === null || add.confidence === null
        ? (have.confidence ?? add.confidence)
        : Math.max(have.confidence, add.confidence),
    first_seen: minOf(have.first_seen, add.first_seen),
    last_seen: maxOf(have.last_seen, add.last_seen),
  }
  const changed = (
    ['description', 'source', 'confidence', 'first_seen', 'last_seen'] as const
  ).some((k) => next[k] !== have[k])
  return changed ? { ...next, updated_at: now } : have
}

export const createRelationshipsRepository = (sqlite: BetterSqlite3.Database) => {
  const byId = sqlite.prepare<[string], RelationshipRow>(
    `SELECT ${COLUMNS} FROM intel_relationships WHERE id = ?`,
  )
  const byEdge = sqlite.prepare<[string, string, string], RelationshipRow>(RELATIONSHIP_BY_EDGE_SQL)
  const from = sqlite.prepare<[string, number], RelationshipRow>(RELATIONSHIPS_FROM_SQL)
  const to = sqlite.prepare<[string, number], RelationshipRow>(RELATIONSHIPS_TO_SQL)
  const insert = sqlite.prepare<[RelationshipRow]>(INSERT_SQL)
  const update = sqlite.prepare<[RelationshipRow]>(UPDATE_SQL)
  const remove = sqlite.prepare('DELETE FROM intel_relationships WHERE id = ?')
  return {
    byId: (id: string) => byId.get(id),
    byEdge: (source: string, type: string, target: string) => byEdge.get(source, type, target),
    from: (ref: string, limit: number) => from.all(ref, limit),
    to: (ref: string, limit: number) => to.all(ref, limit),
    insert: (row: RelationshipRow) => {
      insert.run(row)
    },
    update: (row: RelationshipRow) => {
      update.run(row)
    },
    remove: (id: string) => remove.run(id).changes > 0,
  }
}
export type RelationshipsRepository = ReturnType<typeof createRelationshipsRepository>
