import { randomUUID } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import { intelNameKey, type IntelKind, type IntelRefKind } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'
import { stricterTlp } from '../../feeds/formats/tlp'
import {
  ANALYST_SOURCE,
  MAX_ALIASES,
  MAX_DESCRIPTION,
  MAX_NAME,
  MAX_SOURCES,
  MAX_TECHNIQUES,
  cleanAdded,
  cleanDetails,
  earliest,
  jsonList,
  jsonObject,
  latest,
  mergeDetails,
  unionList,
  type EntityDraft,
  type EntityRow,
  type RelationshipDraft,
} from './intel-merge-rules'
import { writeEntityIndexes } from '../intel.repository'

/**
 * THE upsert and merge of imported intel into the knowledge base (migration 0016's tables): entities
 * deduplicated by STIX id (any id merged into them, intel_entity_origins), then by kind and folded name or
 * alias (intel_aliases); relationships by STIX id, then by edge; report contents. Every statement of the
 * import path is here, run inside the caller's transaction on the write queue.
 *
 * Merge rules (issue 11): aliases, sources, techniques and list fields unioned (bounded); first_seen the
 * earliest, last_seen the latest; scalars (description, confidence, severity, detail scalars) from the
 * newest `modified` among the objects merged, or filled when empty; TLP the stricter; an entity an analyst
 * edited (`analyst` among its sources) keeps every scalar it has. The same object version merged again
 * changes nothing (its origin row says it was merged).
 */

/**
 * The rows that make an entity findable by name or alias and by technique, rewritten from its current
 * name, aliases and techniques (what the intel CRUD lane's repository maintains the same way).
 */
export const syncEntityIndexRows = (
  sqlite: BetterSqlite3.Database,
  e: {
    id: string
    kind: string
    name: string
    aliases: readonly string[]
    techniques: readonly string[]
  },
): void => writeEntityIndexes(sqlite, e.id, e.kind, e.name, e.aliases, e.techniques)

/** The oldest entity carrying the folded alias wins (two sources may give two actors one alias). */
export const ENTITY_BY_ALIAS_SQL = `SELECT e.* FROM intel_aliases a JOIN intel_entities e ON e.id = a.entity_id
  WHERE a.kind = ? AND a.name_key = ? ORDER BY e.created_at, e.id LIMIT 1`

export type MergeOutcome = { id: string; kind: IntelKind; changed: boolean }

export type IntelMerger = {
  /** Creates or merges the draft's entity; returns its id and whether anything changed. */
  upsertEntity(d: EntityDraft, now: string): MergeOutcome
  /** Adds techniques to an entity, e.g. from a `uses` → attack-pattern relationship. */
  addTechniques(entityId: string, techniques: readonly string[], now: string): boolean
  /**
   * Adds to an entity's detail lists (an actor's tools from `uses` → malware, target sectors and countries
   * from `targets`); scalars it has stay. Fields its kind does not have are ignored.
   */
  addDetails(entityId: string, details: Record<string, unknown>, now: string): boolean
  /** An entity's name. */
  nameOf(entityId: string): string | undefined
  /** Our entity for a raw object id (any STIX id or MISP cluster merged into it), else undefined. */
  entityOf(objectId: string): { id: string; kind: IntelKind } | undefined
  upsertRelationship(r: RelationshipDraft, now: string): boolean
  /** Adds to a report's contents; returns how many were new. */
  addReportObjects(
    reportId: string,
    objects: readonly { ref: string; kind: IntelRefKind }[],
    now: string,
  ): number
}

export const createIntelMerger = (sqlite: BetterSqlite3.Database): IntelMerger => {
  const byId = sqlite.prepare<[string], EntityRow>('SELECT * FROM intel_entities WHERE id = ?')
  const originOf = sqlite.prepare<[string], { entity_id: string; modified: string | null }>(
    'SELECT entity_id, modified FROM intel_entity_origins WHERE object_id = ?',
  )
  const newestOrigin = sqlite
    .prepare<[string], string | null>(
      'SELECT max(modified) FROM intel_entity_origins WHERE entity_id = ?',
    )
    .pluck()
  const byStixId = sqlite.prepare<[string], EntityRow>(
    'SELECT * FROM intel_entities WHERE stix_id = ?',
  )
  const byName = sqlite.prepare<[string, string], EntityRow>(
    'SELECT * FROM intel_entities WHERE kind = ? AND name_key = ?',
  )
  const byAlias = sqlite.prepare<[string, string], EntityRow>(ENTITY_BY_ALIAS_SQL)
  const setOrigin = sqlite.prepare(
    `INSERT INTO intel_entity_origins (object_id, entity_id, modified) VALUES (?, ?, ?)
     ON CONFLICT (object_id) DO UPDATE SET entity_id = excluded.entity_id, modified = excluded.modified`,
  )
  const insert = sqlite.prepare(
    `INSERT INTO intel_entities (id, kind, name, name_key, aliases, description, stix_id, project_id, tlp,
       severity, confidence, first_seen, last_seen, techniques, sources, details, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const update = sqlite.prepare(
    `UPDATE intel_entities SET aliases = ?, description = ?, stix_id = ?, tlp = ?, severity = ?,
       confidence = ?, first_seen = ?, last_seen = ?, techniques = ?, sources = ?, details = ?,
       updated_at = ? WHERE id = ?`,
  )
  const stixTaken = sqlite
    .prepare<[string], number>('SELECT count(*) FROM intel_entities WHERE stix_id = ?')
    .pluck()

  const find = (d: EntityDraft): EntityRow | undefined => {
    const origin = originOf.get(d.objectId)
    if (origin !== undefined) return byId.get(origin.entity_id)
    if (d.stixId !== null) {
      const e = byStixId.get(d.stixId)
      if (e !== undefined) return e
    }
    // Two reports with one title are two reports: a report is found by where it came from only.
    if (d.kind === 'report') return undefined
    const e = byName.get(d.kind, intelNameKey(d.name))
    if (e !== undefined) return e
    for (const n of [d.name, ...d.aliases]) {
      const a = byAlias.get(d.kind, intelNameKey(n))
      if (a !== undefined) return a
    }
    return undefined
  }

  /** The draft's name, or (a report whose title another report has) the name with its origin's id. */
  const freeName = (d: EntityDraft): string => {
    const name = d.name.slice(0, MAX_NAME)
    if (byName.get(d.kind, intelNameKey(name)) === undefined) return name
    const tail = d.objectId.slice(d.objectId.indexOf('--') + 2)
    const short = `${name.slice(0, MAX_NAME - 12)} (${tail.slice(0, 8)})`
    if (byName.get(d.kind, intelNameKey(short)) === undefined) return short
    return `${name.slice(0, MAX_NAME - tail.length - 3)} (${tail})`
  }

  const insertNew = (d: EntityDraft, now: string): string => {
    const id = randomUUID()
    const name = freeName(d)
    const nameKey = intelNameKey(name)
    const aliases = unionList([], d.aliases, MAX_ALIASES, intelNameKey).filter(
      (a) => intelNameKey(a) !== nameKey,
    )
    const techniques = unionList([], d.techniques, MAX_TECHNIQUES)
    const stixId = d.stixId !== null && stixTaken.get(d.stixId) === 0 ? d.stixId : null
    insert.run(
      id,
      d.kind,
      name,
      nameKey,
      JSON.stringify(aliases),
      d.description.slice(0, MAX_DESCRIPTION),
      stixId,
      d.tlp ?? 'clear',
      d.severity,
      d.confidence,
      d.firstSeen,
      d.lastSeen,
      JSON.stringify(techniques),
      JSON.stringify(unionList([], d.sources, MAX_SOURCES)),
      JSON.stringify(cleanDetails(d.kind, d.details)),
      now,
      now,
    )
    syncEntityIndexRows(sqlite, { id, kind: d.kind, name, aliases, techniques })
    return id
  }

  const mergeInto = (e: EntityRow, d: EntityDraft, now: string): boolean => {
    const newest = newestOrigin.get(e.id) ?? null
    const newer = newest === null || (d.modified !== null && d.modified >= newest)
    const oldSources = jsonList(e.sources)
    const keep = oldSources.includes(ANALYST_SOURCE)
    const nameKey = e.name_key
    const aliases = unionList(
      jsonList(e.aliases),
      [d.name, ...d.aliases],
      MAX_ALIASES,
      intelNameKey,
    ).filter((a) => intelNameKey(a) !== nameKey)
    const techniques = unionList(jsonList(e.techniques), d.techniques, MAX_TECHNIQUES)
    const take = <T>(cur: T | null, add: T | null): T | null =>
      add === null || add === ''
        ? cur
        : cur === null || cur === ''
          ? add
          : newer && !keep
            ? add
            : cur
    const next = {
      aliases: JSON.stringify(aliases),
      description: take(e.description, d.description.slice(0, MAX_DESCRIPTION)) ?? '',
      stix_id: e.stix_id ?? (d.stixId !== null && stixTaken.get(d.stixId) === 0 ? d.stixId : null),
      tlp: keep ? e.tlp : (stricterTlp(e.tlp as Tlp, d.tlp ?? undefined) ?? e.tlp),
      severity: take(e.severity, d.severity),
      confidence: take(e.confidence, d.confidence),
      first_seen: earliest(e.first_seen, d.firstSeen),
      last_seen: latest(e.last_seen, d.lastSeen),
      techniques: JSON.stringify(techniques),
      sources: JSON.stringify(unionList(oldSources, d.sources, MAX_SOURCES)),
      details: JSON.stringify(
        cleanDetails(
          e.kind,
          mergeDetails(jsonObject(e.details), cleanAdded(e.kind, d.details), newer, keep),
          jsonObject(e.details),
        ),
      ),
    }
    const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== e[k])
    if (!changed) return false
    update.run(
      next.aliases,
      next.description,
      next.stix_id,
      next.tlp,
      next.severity,
      next.confidence,
      next.first_seen,
      next.last_seen,
      next.techniques,
      next.sources,
      next.details,
      now,
      e.id,
    )
    syncEntityIndexRows(sqlite, { id: e.id, kind: e.kind, name: e.name, aliases, techniques })
    return true
  }

  const upsertEntity: IntelMerger['upsertEntity'] = (d, now) => {
    const origin = originOf.get(d.objectId)
    // This version of this object was merged already: nothing it says is new.
    if (origin !== undefined && d.modified !== null && origin.modified === d.modified) {
      const e = byId.get(origin.entity_id)
      if (e !== undefined) return { id: e.id, kind: e.kind, changed: false }
    }
    const found = find(d)
    if (found === undefined) {
      const id = insertNew(d, now)
      setOrigin.run(d.objectId, id, d.modified)
      return { id, kind: d.kind, changed: true }
    }
    const changed = mergeInto(found, d, now)
    setOrigin.run(d.objectId, found.id, d.modified)
    return { id: found.id, kind: found.kind, changed }
  }

  const addTechniques: IntelMerger['addTechniques'] = (entityId, add, now) => {
    const e = byId.get(entityId)
    if (e === undefined) return false
    const old = jsonList(e.techniques)
    const techniques = unionList(old, add, MAX_TECHNIQUES)
    if (techniques.length === old.length) return false
    sqlite
      .prepare('UPDATE intel_entities SET techniques = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(techniques), now, entityId)
    syncEntityIndexRows(sqlite, {
      id: e.id,
      kind: e.kind,
      name: e.name,
      aliases: jsonList(e.aliases),
      techniques,
    })
    return true
  }

  const setDetails = sqlite.prepare(
    'UPDATE intel_entities SET details = ?, updated_at = ? WHERE id = ?',
  )
  const addDetails: IntelMerger['addDetails'] = (entityId, add, now) => {
    const e = byId.get(entityId)
    if (e === undefined) return false
    const old = jsonObject(e.details)
    const next = JSON.stringify(
      cleanDetails(e.kind, mergeDetails(old, cleanAdded(e.kind, add), false, true), old),
    )
    if (next === e.details) return false
    setDetails.run(next, now, entityId)
    return true
  }

  return {
    upsertEntity,
    addTechniques,
    addDetails,
    nameOf: (id) => byId.get(id)?.name,
    entityOf: (objectId) => {
      const o = originOf.get(objectId)
      const e = o === undefined ? byStixId.get(objectId) : byId.get(o.entity_id)
      return e === undefined ? undefined : { id: e.id, kind: e.kind }
    },
    upsertRelationship: createRelationshipUpsert(sqlite),
    addReportObjects: createReportObjectsAdd(sqlite),
  }
}

type RelationshipRow = {
  id: string
  source: string | null
  description: string
  confidence: number | null
  first_seen: string | null
  last_seen: string | null
  stix_id: string | null
}

const createRelationshipUpsert = (sqlite: BetterSqlite3.Database) => {
  const byEdge = sqlite.prepare<[string, string, string], RelationshipRow>(
    `SELECT id, source, description, confidence, first_seen, last_seen, stix_id FROM intel_relationships
     WHERE source_ref = ? AND relationship_type = ? AND target_ref = ?`,
  )
  const insert = sqlite.prepare(
    `INSERT INTO intel_relationships (id, relationship_type, source_ref, source_kind, target_ref,
       target_kind, description, source, confidence, first_seen, last_seen, stix_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const update = sqlite.prepare(
    `UPDATE intel_relationships SET description = ?, source = ?, confidence = ?, first_seen = ?,
       last_seen = ?, stix_id = ?, updated_at = ? WHERE id = ?`,
  )
  const stixTaken = sqlite
    .prepare<[string], number>('SELECT count(*) FROM intel_relationships WHERE stix_id = ?')
    .pluck()
  return (r: RelationshipDraft, now: string): boolean => {
    // One SRO may name a STIX indicator that produced several of our indicators: each is its own edge,
    // the first keeps the STIX id (it is unique).
    const e = byEdge.get(r.sourceRef, r.relationshipType, r.targetRef)
    if (e === undefined) {
      const stixId = r.stixId !== null && stixTaken.get(r.stixId) === 0 ? r.stixId : null
      insert.run(
        randomUUID(),
        r.relationshipType,
        r.sourceRef,
        r.sourceKind,
        r.targetRef,
        r.targetKind,
        r.description.slice(0, MAX_DESCRIPTION),
        r.source,
        r.confidence,
        r.firstSeen,
        r.lastSeen,
        stixId,
        now,
        now,
      )
      return true
    }
    const next = {
      description: e.description === '' ? r.description.slice(0, MAX_DESCRIPTION) : e.description,
      source: e.source ?? r.source,
      confidence:
        e.confidence === null ? r.confidence : Math.max(e.confidence, r.confidence ?? e.confidence),
      first_seen: earliest(e.first_seen, r.firstSeen),
      last_seen: latest(e.last_seen, r.lastSeen),
      stix_id: e.stix_id ?? (r.stixId !== null && stixTaken.get(r.stixId) === 0 ? r.stixId : null),
    }
    const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== e[k])
    if (!changed) return false
    update.run(
      next.description,
      next.source,
      next.confidence,
      next.first_seen,
      next.last_seen,
      next.stix_id,
      now,
      e.id,
    )
    return true
  }
}

const createReportObjectsAdd = (sqlite: BetterSqlite3.Database) => {
  const nextPosition = sqlite
    .prepare<[string], number>(
      'SELECT coalesce(max(position) + 1, 0) FROM report_objects WHERE report_id = ?',
    )
    .pluck()
  const insert = sqlite.prepare(
    `INSERT INTO report_objects (report_id, object_ref, object_kind, position, added_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (report_id, object_ref) DO NOTHING`,
  )
  return (
    reportId: string,
    objects: readonly { ref: string; kind: IntelRefKind }[],
    now: string,
  ): number => {
    let position = nextPosition.get(reportId) ?? 0
    let added = 0
    for (const o of objects) {
      if (insert.run(reportId, o.ref, o.kind, position, now).changes > 0) {
        added++
        position++
      }
    }
    return added
  }
}
