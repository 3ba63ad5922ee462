import type BetterSqlite3 from 'better-sqlite3'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'
import { tlpFromName } from '../../feeds/formats/tlp'
import { createIntelMerger, type IntelMerger } from './intel-merge'
import type { EntityDraft } from './intel-merge-rules'
import { eventClusterIds, mispClusterDraft, mispEventDraft, mispTechniqueOf } from './misp-intel'
import {
  attackIdOf,
  clipped,
  confidenceOf,
  entityKindOfStix,
  isObj,
  isoOrNull,
  stixEntityDraft,
  stringList,
  type Obj,
} from './stix-intel'

/**
 * Raw intel (intel_objects: STIX SDOs/SROs, MISP events and galaxy clusters) → the knowledge base. Works
 * inside the caller's transaction, a slice at a time: entities first (so references find them), then the
 * observations that say which of our indicators a STIX id or a MISP event produced, then relationships and
 * report contents. A reference to something not imported yet is kept in intel_pending_refs and its holder
 * is imported again when the thing arrives (`resolvePending`).
 */

/** A row of intel_objects, with who stored it (a feed's name, an import's label). */
export type RawObject = { id: string; type: string; data: string; source: string }

export type ImportTally = {
  objects: number
  entities: number
  relationships: number
  reportObjects: number
  pending: number
}

export const emptyTally = (): ImportTally => ({
  objects: 0,
  entities: 0,
  relationships: 0,
  reportObjects: 0,
  pending: 0,
})

/** References read from one report or relationship (a report may list tens of thousands). */
export const MAX_OBJECT_REFS = 20_000
/** Our indicators one STIX indicator may stand for (an OR pattern). */
const MAX_INDICATORS_PER_STIX_ID = 100

/** Our indicators a STIX id produced, those still there (an analyst may have deleted one since). */
export const INDICATORS_OF_STIX_ID_SQL = `SELECT s.indicator_id FROM intel_stix_indicators s
  JOIN indicators i ON i.id = s.indicator_id
  WHERE s.stix_id = ? LIMIT ${MAX_INDICATORS_PER_STIX_ID}`

/** Types whose objects become something we can point at (an entity, a technique, an indicator). */
const SCO_TYPES = new Set([
  'indicator',
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'file',
  'mutex',
  'windows-registry-key',
  'cryptocurrency-wallet',
  'x-cryptocurrency-wallet',
])

const ENTITY_TYPES = new Set([
  'threat-actor',
  'intrusion-set',
  'campaign',
  'vulnerability',
  'malware',
  'tool',
  'report',
  'misp-galaxy-cluster',
  'misp-event',
])
export const RELATION_TYPES = new Set(['relationship', 'report', 'misp-galaxy-cluster'])

const parse = (json: string): Obj => {
  try {
    const v: unknown = JSON.parse(json)
    return isObj(v) ? v : {}
  } catch {
    return {}
  }
}

const typeOfRef = (ref: string): string => ref.slice(0, Math.max(0, ref.indexOf('--')))

export type EntityPhase = 'things' | 'events'

type Resolved = { ref: string; kind: IntelRefKind }
/** What a STIX id stands for here: things, or `pending` (it may still arrive), or `ignored`. */
type Resolution = Resolved[] | 'pending' | 'ignored'

export type IntelImporter = {
  /**
   * Entities of these objects: `things` (STIX SDOs, MISP galaxy clusters), then, once every slice's things
   * are in, `events` (MISP events, which point at clusters that may come after them).
   */
  importEntities(objects: readonly RawObject[], tally: ImportTally, phase: EntityPhase): void
  /**
   * Observations (their raw records): which of our indicators a STIX id produced, and a MISP event's
   * indicators (report contents, `indicates` for the galaxy clusters they carry).
   */
  importObservations(
    rows: readonly { indicator_id: string; raw: string; tags: string | null }[],
    tally: ImportTally,
  ): string[]
  /** STIX relationships and report contents of these objects. */
  importRelations(objects: readonly RawObject[], tally: ImportTally): void
  /** The holders (raw object ids) of pending references to these STIX ids. */
  pendingHolders(stixIds: readonly string[]): string[]
}

export const createIntelImporter = (
  sqlite: BetterSqlite3.Database,
  now: () => string,
): IntelImporter => {
  const merger: IntelMerger = createIntelMerger(sqlite)
  const objectById = sqlite.prepare<[string], { type: string; data: string }>(
    'SELECT type, data FROM intel_objects WHERE id = ?',
  )
  const indicatorsOf = sqlite.prepare<[string], string>(INDICATORS_OF_STIX_ID_SQL).pluck()
  const mapIndicator = sqlite.prepare(
    'INSERT OR IGNORE INTO intel_stix_indicators (stix_id, indicator_id) VALUES (?, ?)',
  )
  const addPending = sqlite.prepare(
    'INSERT OR IGNORE INTO intel_pending_refs (stix_ref, object_id) VALUES (?, ?)',
  )
  const clearPending = sqlite.prepare('DELETE FROM intel_pending_refs WHERE object_id = ?')
  const holdersOf = sqlite
    .prepare<[string], string>('SELECT object_id FROM intel_pending_refs WHERE stix_ref = ?')
    .pluck()

  const markingCache = new Map<string, Tlp | undefined>()
  const marking = (id: string): Tlp | undefined => {
    if (markingCache.has(id)) return markingCache.get(id)
    const row = objectById.get(id)
    let tlp: Tlp | undefined
    if (row?.type === 'marking-definition') {
      const o = parse(row.data)
      const def = isObj(o.definition) ? o.definition : {}
      tlp =
        o.definition_type === 'tlp' && typeof def.tlp === 'string'
          ? tlpFromName(def.tlp)
          : typeof o.name === 'string'
            ? tlpFromName(o.name)
            : undefined
    }
    if (markingCache.size < 10_000) markingCache.set(id, tlp)
    return tlp
  }

  const techniqueOfPattern = (ref: string): string | null => {
    const row = objectById.get(ref)
    return row === undefined ? null : attackIdOf(parse(row.data))
  }

  const resolve = (ref: string): Resolution => {
    const type = typeOfRef(ref)
    if (type === 'attack-pattern') {
      const t = techniqueOfPattern(ref)
      return t === null ? 'pending' : [{ ref: t, kind: 'attack-pattern' }]
    }
    if (entityKindOfStix(type) !== undefined || type === 'misp-galaxy-cluster') {
      const e = merger.entityOf(ref)
      return e === undefined ? 'pending' : [{ ref: e.id, kind: e.kind }]
    }
    if (SCO_TYPES.has(type)) {
      const ids = indicatorsOf.all(ref)
      return ids.length === 0 ? 'pending' : ids.map((id) => ({ ref: id, kind: 'indicator' }))
    }
    return 'ignored'
  }

  const upsert = (d: EntityDraft | null, tally: ImportTally) => {
    if (d === null) return
    if (merger.upsertEntity(d, now()).changed) tally.entities++
  }

  const importEntities: IntelImporter['importEntities'] = (objects, tally, phase) => {
    for (const o of objects) {
      if (!ENTITY_TYPES.has(o.type) || (o.type === 'misp-event') !== (phase === 'events')) continue
      tally.objects++
      const data = parse(o.data)
      if (o.type === 'misp-galaxy-cluster') upsert(mispClusterDraft(o.id, data, o.source), tally)
      else if (o.type === 'misp-event') importEvent(o, data, tally)
      else upsert(stixEntityDraft(data, o.source, marking), tally)
    }
  }

  /** A MISP event: its report, and the techniques its attack-pattern clusters name on its entities. */
  const importEvent = (o: RawObject, data: Obj, tally: ImportTally) => {
    const draft = mispEventDraft(o.id, data, o.source)
    if (draft === null) return
    const clusters = eventClusterIds(data)
    const techniques: string[] = []
    const entities: Resolved[] = []
    for (const id of clusters) {
      const row = objectById.get(id)
      if (row === undefined) continue
      const t = mispTechniqueOf(parse(row.data))
      if (t !== null) techniques.push(t)
      const e = merger.entityOf(id)
      if (e !== undefined) entities.push({ ref: e.id, kind: e.kind })
    }
    draft.techniques = techniques
    const report = merger.upsertEntity(draft, now())
    if (report.changed) tally.entities++
    for (const e of entities) if (merger.addTechniques(e.ref, techniques, now())) tally.entities++
    tally.reportObjects += merger.addReportObjects(report.id, entities, now())
  }

  /** Per MISP event seen in this slice: its report and its clusters' tag names → entities. */
  const eventCache = new Map<string, { reportId: string | null; tags: Map<string, Resolved> }>()
  const eventOf = (uuid: string) => {
    const hit = eventCache.get(uuid)
    if (hit !== undefined) return hit
    const id = `misp-event--${uuid}`
    const report = merger.entityOf(id)
    const tags = new Map<string, Resolved>()
    const row = objectById.get(id)
    if (row !== undefined) {
      for (const cid of eventClusterIds(parse(row.data))) {
        const c = objectById.get(cid)
        const e = merger.entityOf(cid)
        const tag = c === undefined ? undefined : clipped(parse(c.data).tag_name, 1000)
        if (e !== undefined && tag !== undefined) tags.set(tag, { ref: e.id, kind: e.kind })
      }
    }
    const out = { reportId: report?.id ?? null, tags }
    if (eventCache.size > 1000) eventCache.clear()
    eventCache.set(uuid, out)
    return out
  }

  const importObservations: IntelImporter['importObservations'] = (rows, tally) => {
    const mapped: string[] = []
    for (const r of rows) {
      const raw = parse(r.raw)
      if (typeof raw.id === 'string' && raw.id.includes('--') && raw.id.length <= 200) {
        if (mapIndicator.run(raw.id, r.indicator_id).changes > 0) mapped.push(raw.id)
        continue
      }
      const uuid = clipped(raw.event_uuid, 64)
      if (uuid === undefined) continue
      const event = eventOf(uuid)
      if (event.reportId !== null) {
        tally.reportObjects += merger.addReportObjects(
          event.reportId,
          [{ ref: r.indicator_id, kind: 'indicator' }],
          now(),
        )
      }
      if (event.tags.size === 0 || r.tags === null) continue
      let tags: unknown
      try {
        tags = JSON.parse(r.tags)
      } catch {
        continue
      }
      if (!Array.isArray(tags)) continue
      for (const t of tags.slice(0, 500)) {
        const e = typeof t === 'string' ? event.tags.get(t) : undefined
        if (e === undefined) continue
        const changed = merger.upsertRelationship(
          {
            relationshipType: 'indicates',
            sourceRef: r.indicator_id,
            sourceKind: 'indicator',
            targetRef: e.ref,
            targetKind: e.kind,
            description: '',
            source: `misp-event--${uuid}`,
            confidence: null,
            firstSeen: null,
            lastSeen: null,
            stixId: null,
          },
          now(),
        )
        if (changed) tally.relationships++
      }
    }
    return mapped
  }

  /**
   * `targets` an identity (its sectors) or a location (its country): the target sectors and countries of
   * an actor or campaign. Identities and locations are not entities, so the fields carry what they say.
   */
  const targets = (src: Resolved[], to: string, tally: ImportTally) => {
    const row = objectById.get(to)
    if (row === undefined) return
    const target = parse(row.data)
    const add: Record<string, unknown> = {}
    if (row.type === 'identity') add.targetSectors = stringList(target.sectors, 50)
    if (row.type === 'location') {
      const country = clipped(target.country, 10)
      if (country !== undefined && /^[A-Za-z]{2}$/.test(country)) add.targetCountries = [country]
    }
    for (const s of src) {
      if (s.kind !== 'threat-actor' && s.kind !== 'campaign') continue
      if (merger.addDetails(s.ref, add, now())) tally.entities++
    }
  }

  const relationship = (o: RawObject, data: Obj, tally: ImportTally) => {
    const type = clipped(data.relationship_type, 64)?.toLowerCase()
    const from = typeof data.source_ref === 'string' ? data.source_ref : ''
    const to = typeof data.target_ref === 'string' ? data.target_ref : ''
    if (type === undefined || !/^[a-z0-9-]+$/.test(type) || from === '' || to === '') return
    const src = resolve(from)
    const toType = typeOfRef(to)
    if (type === 'targets' && (toType === 'identity' || toType === 'location')) {
      if (Array.isArray(src)) targets(src, to, tally)
      return
    }
    const dst = resolve(to)
    if (src === 'ignored' || dst === 'ignored') return
    if (src === 'pending' || dst === 'pending') {
      for (const [ref, r] of [
        [from, src],
        [to, dst],
      ] as const) {
        if (r === 'pending' && addPending.run(ref.slice(0, 200), o.id).changes > 0) tally.pending++
      }
      return
    }
    clearPending.run(o.id)
    const at = now()
    for (const s of src) {
      for (const t of dst) {
        if (s.kind === 'attack-pattern') continue
        const changed = merger.upsertRelationship(
          {
            relationshipType: type,
            sourceRef: s.ref,
            sourceKind: s.kind,
            targetRef: t.ref,
            targetKind: t.kind,
            description: clipped(data.description, 20_000) ?? '',
            source: o.source.slice(0, 300),
            confidence: confidenceOf(data.confidence),
            firstSeen: isoOrNull(data.start_time),
            lastSeen: isoOrNull(data.stop_time),
            stixId: o.id.slice(0, 200),
          },
          at,
        )
        if (changed) tally.relationships++
        if (type === 'uses' && t.kind === 'attack-pattern' && s.kind !== 'indicator') {
          if (merger.addTechniques(s.ref, [t.ref], at)) tally.entities++
        }
        if (type === 'uses' && t.kind === 'malware' && s.kind === 'threat-actor') {
          const tool = merger.nameOf(t.ref)
          if (tool !== undefined && merger.addDetails(s.ref, { tools: [tool] }, at))
            tally.entities++
        }
      }
    }
  }

  /** A galaxy cluster's relations to other clusters (an actor `uses` a malware family): edges. */
  const clusterRelations = (o: RawObject, data: Obj, tally: ImportTally) => {
    if (!Array.isArray(data.relations)) return
    const src = resolve(o.id)
    if (src === 'ignored' || src === 'pending') return
    let waiting = false
    const at = now()
    for (const rel of data.relations.slice(0, 200)) {
      if (!isObj(rel) || typeof rel.type !== 'string' || typeof rel.target !== 'string') continue
      const ref = `misp-galaxy-cluster--${rel.target}`
      const row = objectById.get(ref)
      const technique = row === undefined ? null : mispTechniqueOf(parse(row.data))
      if (technique !== null) {
        for (const s of src) {
          if (merger.addTechniques(s.ref, [technique], at)) tally.entities++
        }
        continue
      }
      const dst = resolve(ref)
      if (dst === 'ignored') continue
      if (dst === 'pending') {
        waiting = true
        if (addPending.run(ref, o.id).changes > 0) tally.pending++
        continue
      }
      for (const s of src) {
        for (const t of dst) {
          const changed = merger.upsertRelationship(
            {
              relationshipType: rel.type,
              sourceRef: s.ref,
              sourceKind: s.kind,
              targetRef: t.ref,
              targetKind: t.kind,
              description: '',
              source: o.source.slice(0, 300),
              confidence: null,
              firstSeen: null,
              lastSeen: null,
              stixId: null,
            },
            at,
          )
          if (changed) tally.relationships++
        }
      }
    }
    if (!waiting) clearPending.run(o.id)
  }

  const reportContents = (o: RawObject, data: Obj, tally: ImportTally) => {
    const report = merger.entityOf(o.id)
    if (report === undefined || !Array.isArray(data.object_refs)) return
    const found: Resolved[] = []
    const techniques: string[] = []
    let waiting = false
    for (const ref of data.object_refs.slice(0, MAX_OBJECT_REFS)) {
      if (typeof ref !== 'string' || ref.length > 200) continue
      const r = resolve(ref)
      if (r === 'ignored') continue
      if (r === 'pending') {
        waiting = true
        if (addPending.run(ref, o.id).changes > 0) tally.pending++
        continue
      }
      for (const x of r) {
        if (x.kind === 'attack-pattern') techniques.push(x.ref)
        found.push(x)
      }
    }
    if (!waiting) clearPending.run(o.id)
    const at = now()
    tally.reportObjects += merger.addReportObjects(report.id, found, at)
    if (techniques.length > 0 && merger.addTechniques(report.id, techniques, at)) tally.entities++
  }

  return {
    importEntities,
    importObservations,
    importRelations: (objects, tally) => {
      for (const o of objects) {
        if (!RELATION_TYPES.has(o.type)) continue
        if (o.type === 'relationship') tally.objects++
        const data = parse(o.data)
        if (o.type === 'relationship') relationship(o, data, tally)
        else if (o.type === 'misp-galaxy-cluster') clusterRelations(o, data, tally)
        else reportContents(o, data, tally)
      }
    },
    pendingHolders: (stixIds) => {
      const out = new Set<string>()
      for (const id of stixIds) for (const h of holdersOf.all(id)) out.add(h)
      return [...out]
    },
  }
}
