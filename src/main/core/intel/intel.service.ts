import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { AppError } from '#shared/contract/errors'
import {
  type IntelCreate,
  type IntelFilter,
  type IntelListItem,
  type IntelPatch,
  type RelationshipCreate,
} from '#shared/contract/intel.contract'
import {
  INTEL_DETAILS_SCHEMAS,
  REPORT_SEVERITIES,
  intelNameKey,
  type IntelEntity,
  type IntelKind,
  type IntelRelationship,
} from '#shared/contract/intel.schemas'
import type { ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { createIndicatorRepository } from '../indicators/indicators.repository'
import { createIntelGraph, type NeighboursQuery } from './intel-graph'
import { createIntelLinks } from './intel-links'
import { createReportWrites } from './intel-report-writes'
import { createReportObjects } from './intel-reports'
import { mergeRelationship, rowToRelationship, type RelationshipRow } from './intel-relationships'
import { entityToListItem, entityToRow, rowToEntity } from './intel-row'
import {
  createIntelRepository,
  nameKeysOf,
  storedNameKey,
  writeEntityIndexes,
} from './intel.repository'
import { ANALYST_SOURCE } from './import/intel-merge-rules'

type Change = 'created' | 'updated' | 'deleted' | 'relationships' | 'report-objects'

/** The fields of an entity the change log compares on update. */
const DIFF_FIELDS = [
  'name',
  'aliases',
  'description',
  'projectId',
  'tlp',
  'severity',
  'confidence',
  'firstSeen',
  'lastSeen',
  'techniques',
  'sources',
  'stixId',
  'details',
] as const

/** A zod failure as invalid_input naming the first field, under `prefix`. */
const invalidAt = (prefix: string, error: z.ZodError): AppError => {
  const issue = error.issues[0]
  const field = [prefix, ...(issue?.path ?? []).map(String)].join('.')
  return new AppError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, { field })
}

/** The intel knowledge base: entities, their name and alias index, relationships; every write logged. */
export const createIntelService = (ctx: CoreContext) => {
  const { db, clock, events } = ctx
  const repo = createIntelRepository(db.sqlite)
  const indicators = createIndicatorRepository(db.sqlite)
  const graph = createIntelGraph(db.sqlite, indicators)
  const links = createIntelLinks(db.sqlite, graph)
  const reportObjects = createReportObjects(db.sqlite, graph.refs)
  const projectExists = db.sqlite
    .prepare<[string], number>('SELECT 1 FROM projects WHERE id = ?')
    .pluck()
  const nowIso = () => clock.now().toISOString()
  const changed = (change: Change, id: string | null, kind: IntelKind | null) =>
    events.emit('intel.onDidChange', { change, id, kind })

  /** The entity; not_found when there is none, or it is not of the kind the caller expects. */
  const mustGet = (id: string, kind?: IntelKind): IntelEntity => {
    const row = repo.byId(id)
    if (row === undefined || (kind !== undefined && row.kind !== kind)) {
      const what = kind ?? 'intel entity'
      throw new AppError('not_found', `No ${what} has id ${id}`, { id })
    }
    return rowToEntity(row)
  }

  /** Refuses what would make two entities of a kind share a name, an alias or a STIX id. */
  const checkUnique = (e: IntelEntity, field: 'name' | 'patch.name') => {
    if (intelNameKey(e.name) === '') {
      throw new AppError('invalid_input', `${field}: has no letters or digits`, { field })
    }
    const hit = repo.conflict(e.kind, nameKeysOf(e.name, e.aliases), e.id)
    if (hit !== undefined) {
      const which = storedNameKey(e.name) === hit.key ? field : field.replace('name', 'aliases')
      throw new AppError(
        'conflict',
        `${which}: "${hit.key}" already names the ${e.kind} "${hit.name}" (${hit.id})`,
        { field: which, existingId: hit.id, existingName: hit.name },
      )
    }
    if (e.stixId !== null) {
      const other = repo.byStixId(e.stixId)
      if (other !== undefined && other.id !== e.id) {
        throw new AppError('conflict', `stixId: already the id of "${other.name}" (${other.id})`, {
          field: 'stixId',
          existingId: other.id,
          existingName: other.name,
        })
      }
    }
    if (e.projectId !== null && projectExists.get(e.projectId) === undefined) {
      throw new AppError('not_found', `projectId: no project has id ${e.projectId}`, {
        field: 'projectId',
      })
    }
  }

  const write = (e: IntelEntity, insert: boolean) => {
    const row = entityToRow(e, storedNameKey(e.name))
    if (insert) repo.insert(row)
    else repo.update(row)
    writeEntityIndexes(db.sqlite, e.id, e.kind, e.name, e.aliases, e.techniques)
  }

  const create = (input: IntelCreate, by: ChangeCaller): IntelEntity => {
    const now = nowIso()
    const entity = { ...input, id: randomUUID(), createdAt: now, updatedAt: now } as IntelEntity
    if (entity.kind === 'report' && entity.details.published && !entity.details.publishedAt) {
      entity.details.publishedAt = now
    }
    checkUnique(entity, 'name')
    db.sqlite.transaction(() => {
      write(entity, true)
      ctx.changes.record(by, {
        entity: 'intel_entity',
        entityId: entity.id,
        operation: 'create',
        changes: { kind: entity.kind, name: entity.name, aliases: entity.aliases },
      })
    })()
    return entity
  }

  /** The entity after a patch, details merged and checked against the kind's schema. */
  const patched = (before: IntelEntity, patch: IntelPatch, now: string): IntelEntity => {
    const { details: detailsPatch, published, ...fields } = patch
    if (before.kind === 'report' && fields.severity != null) {
      if (!(REPORT_SEVERITIES as readonly string[]).includes(fields.severity)) {
        throw new AppError(
          'invalid_input',
          `patch.severity: a report's severity is one of ${REPORT_SEVERITIES.join(', ')}`,
          { field: 'patch.severity' },
        )
      }
    }
    const merged: Record<string, unknown> = { ...before.details, ...detailsPatch }
    if (published !== undefined) {
      if (before.kind !== 'report') {
        throw new AppError('invalid_input', 'patch.published: only a report is published', {
          field: 'patch.published',
        })
      }
      merged.published = published
    }
    if (before.kind === 'report') {
      const wasPublished = before.details.published
      if (merged.published === true && !wasPublished && detailsPatch?.publishedAt === undefined)
        merged.publishedAt = now
      if (merged.published === false) merged.publishedAt = null
    }
    const parsed = INTEL_DETAILS_SCHEMAS[before.kind].safeParse(merged)
    if (!parsed.success) throw invalidAt('patch.details', parsed.error)
    return { ...before, ...fields, details: parsed.data } as IntelEntity
  }

  const update = (id: string, kind: IntelKind | undefined, patch: IntelPatch, by: ChangeCaller) => {
    const before = mustGet(id, kind)
    const now = nowIso()
    const after = patched(before, patch, now)
    const diff = fieldDiff(before, after, DIFF_FIELDS)
    if (Object.keys(diff).length === 0) return { entity: before, wrote: false }
    checkUnique(after, 'patch.name')
    // An entity an analyst edited is theirs: the knowledge import's merge keeps every field of an entity
    // whose sources name the analyst (intel-merge-rules.ts), so a later feed cannot undo the edit.
    const sources =
      after.sources.includes(ANALYST_SOURCE) || patch.sources !== undefined
        ? after.sources
        : [...after.sources, ANALYST_SOURCE]
    const next = { ...after, sources, updatedAt: now }
    const publishing =
      next.kind === 'report' && before.kind === 'report' && next.details.published
        ? !before.details.published
        : false
    db.sqlite.transaction(() => {
      write(next, false)
      ctx.changes.record(by, {
        entity: 'intel_entity',
        entityId: id,
        operation: publishing ? 'publish' : 'update',
        changes: diff,
      })
    })()
    return { entity: next, wrote: true }
  }

  const remove = (id: string, kind: IntelKind | undefined, by: ChangeCaller): IntelEntity => {
    const before = mustGet(id, kind)
    db.sqlite.transaction(() => {
      const removed = repo.remove(id)
      ctx.changes.record(by, {
        entity: 'intel_entity',
        entityId: id,
        operation: 'delete',
        changes: { kind: before.kind, name: before.name, ...removed },
      })
    })()
    return before
  }

  const createRelationship = (input: RelationshipCreate, by: ChangeCaller) => {
    const source = graph.refs.must(input.sourceRef, 'sourceRef')
    const target = graph.refs.must(input.targetRef, 'targetRef')
    if (source.ref === target.ref) {
      throw new AppError('invalid_input', 'targetRef: an object cannot be related to itself', {
        field: 'targetRef',
      })
    }
    const now = nowIso()
    const said = {
      description: input.description,
      source: input.source,
      confidence: input.confidence,
      first_seen: input.firstSeen,
      last_seen: input.lastSeen,
    }
    return db.sqlite.transaction(() => {
      const have = graph.rels.byEdge(source.ref, input.relationshipType, target.ref)
      if (have !== undefined) {
        const next = mergeRelationship(have, said, now)
        if (next !== have) {
          graph.rels.update(next)
          ctx.changes.record(by, {
            entity: 'intel_relationship',
            entityId: next.id,
            operation: 'update',
            changes: fieldDiff(rowToRelationship(have), rowToRelationship(next)),
          })
        }
        return { relationship: rowToRelationship(next), created: false }
      }
      const row: RelationshipRow = {
        id: randomUUID(),
        relationship_type: input.relationshipType,
        source_ref: source.ref,
        source_kind: source.kind,
        target_ref: target.ref,
        target_kind: target.kind,
        ...said,
        stix_id: null,
        created_at: now,
        updated_at: now,
      }
      graph.rels.insert(row)
      ctx.changes.record(by, {
        entity: 'intel_relationship',
        entityId: row.id,
        operation: 'create',
        changes: {
          relationshipType: row.relationship_type,
          sourceRef: row.source_ref,
          targetRef: row.target_ref,
        },
      })
      return { relationship: rowToRelationship(row), created: true }
    })()
  }

  return {
    repo,
    graph,
    get: mustGet,
    list: (opts: IntelFilter & { limit: number; cursor?: string }) => {
      const page = repo.page(opts)
      const items: IntelListItem[] = page.rows.map((r) => entityToListItem(rowToEntity(r)))
      return { items, nextCursor: page.nextCursor, total: page.total }
    },
    create: async (input: IntelCreate, by: ChangeCaller): Promise<IntelEntity> => {
      const entity = await db.writes.run('intel.create', () => create(input, by))
      changed('created', entity.id, entity.kind)
      return entity
    },
    update: async (
      q: { id: string; kind?: IntelKind; patch: IntelPatch },
      by: ChangeCaller,
    ): Promise<IntelEntity> => {
      const { id } = q
      const { entity, wrote } = await db.writes.run('intel.update', () =>
        update(id, q.kind, q.patch, by),
      )
      // Whether it wrote, not whether updatedAt moved: two edits within one millisecond are two changes.
      if (wrote) changed('updated', id, entity.kind)
      return entity
    },
    remove: async (id: string, kind: IntelKind | undefined, by: ChangeCaller): Promise<void> => {
      const gone = await db.writes.run('intel.delete', () => remove(id, kind, by))
      changed('deleted', id, gone.kind)
    },
    createRelationship: async (
      input: RelationshipCreate,
      by: ChangeCaller,
    ): Promise<{ relationship: IntelRelationship; created: boolean }> => {
      const result = await db.writes.run('intel.createRelationship', () =>
        createRelationship(input, by),
      )
      changed('relationships', null, null)
      return result
    },
    deleteRelationship: async (id: string, by: ChangeCaller): Promise<void> => {
      await db.writes.run('intel.deleteRelationship', () =>
        db.sqlite.transaction(() => {
          const have = graph.rels.byId(id)
          if (have === undefined) {
            throw new AppError('not_found', `No relationship has id ${id}`, { id })
          }
          graph.rels.remove(id)
          ctx.changes.record(by, {
            entity: 'intel_relationship',
            entityId: id,
            operation: 'delete',
            changes: {
              relationshipType: have.relationship_type,
              sourceRef: have.source_ref,
              targetRef: have.target_ref,
            },
          })
        })(),
      )
      changed('relationships', null, null)
    },
    neighbours: (q: NeighboursQuery) => graph.neighbours(q),
    searchObjects: graph.searchObjects,
    links,
    reportObjects,
    reportWrites: createReportWrites(ctx, reportObjects, (id) =>
      changed('report-objects', id, 'report'),
    ),
  }
}
export type IntelService = ReturnType<typeof createIntelService>
