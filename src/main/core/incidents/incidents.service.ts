import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import type {
  Incident,
  IncidentCreate,
  IncidentFilter,
  IncidentPatch,
  IncidentStats,
  IncidentStatus,
} from '#shared/contract/incidents.contract'
import type { ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { canonicalIncidentUrl, dedupKeyOf, mergeLists, rowToIncident } from './incident-row'
import { createIncidentsRepository, type IncidentRow } from './incidents.repository'

export type TrackResult = { incident: Incident; created: boolean }

/**
 * What a recurrence does to the status. An open or escalated incident keeps its status. A resolved one is
 * reopened: the thing was seen again after the analyst closed it, which is exactly what they need to know,
 * and keeping one row per URL keeps its history (first seen, occurrences, the change log) in one place.
 * An incoming `escalated` (an alert rule, an import) raises an open incident; nothing lowers one.
 */
export const statusOnRecurrence = (
  have: IncidentStatus,
  incoming: IncidentStatus,
): IncidentStatus => (have === 'escalated' || incoming === 'escalated' ? 'escalated' : 'open')

const INDICATOR_SQL = 'SELECT type, value FROM indicators WHERE id = ?'

/** Incidents: one per URL or indicator, merged on recurrence, every change in the change log. */
export const createIncidentsService = (ctx: CoreContext) => {
  const { db, clock, events } = ctx
  const repo = createIncidentsRepository(db.sqlite)
  const indicator = db.sqlite.prepare<[string], { type: string; value: string }>(INDICATOR_SQL)
  const nowIso = () => clock.now().toISOString()

  const mustGet = (id: string): IncidentRow => {
    const row = repo.byId(id)
    if (row === undefined) throw new AppError('not_found', `No incident has id ${id}`, { id })
    return row
  }

  /** URL and indicator of a new report: an indicator that is a URL is tracked by its URL. */
  const subjectOf = (input: IncidentCreate): { url: string | null; indicatorId: string | null } => {
    let url = input.url === undefined ? null : canonicalIncidentUrl(input.url)
    const indicatorId = input.indicatorId ?? null
    if (indicatorId !== null) {
      const ind = indicator.get(indicatorId)
      if (ind === undefined) {
        throw new AppError('not_found', `indicatorId: no indicator has id ${indicatorId}`, {
          field: 'indicatorId',
        })
      }
      if (url === null && ind.type === 'url') url = ind.value
    }
    return { url, indicatorId }
  }

  /**
   * Creates the incident or merges a recurrence into it. The caller holds the write queue and a
   * transaction (analysis stores its prediction in the same one).
   */
  const trackInTransaction = (input: IncidentCreate, by: ChangeCaller): TrackResult => {
    const { url, indicatorId } = subjectOf(input)
    const key = dedupKeyOf(url, indicatorId)
    const now = nowIso()
    const have = repo.byKey(key)
    if (have === undefined) {
      const row: IncidentRow = {
        id: randomUUID(),
        url,
        indicator_id: indicatorId,
        dedup_key: key,
        sources: JSON.stringify(mergeLists([], input.sources)),
        severity: input.severity,
        summary: input.summary,
        details: JSON.stringify(input.details),
        tags: JSON.stringify(mergeLists([], input.tags)),
        status: input.status,
        first_seen: now,
        last_seen: now,
        occurrences: 1,
        assignee: input.assignee,
        project_id: input.projectId,
        created_at: now,
        updated_at: now,
      }
      repo.insert(row)
      ctx.changes.record(by, {
        entity: 'incident',
        entityId: row.id,
        operation: 'create',
        changes: {
          url,
          indicatorId,
          severity: row.severity,
          sources: input.sources,
          tags: input.tags,
        },
      })
      return { incident: rowToIncident(row), created: true }
    }
    const before = rowToIncident(have)
    const next: IncidentRow = {
      ...have,
      indicator_id: have.indicator_id ?? indicatorId,
      sources: JSON.stringify(mergeLists(before.sources, input.sources)),
      severity: Math.max(have.severity, input.severity),
      summary: have.summary === '' ? input.summary : have.summary,
      details: JSON.stringify({ ...before.details, ...input.details }),
      tags: JSON.stringify(mergeLists(before.tags, input.tags)),
      status: statusOnRecurrence(before.status, input.status),
      last_seen: now,
      occurrences: have.occurrences + 1,
      assignee: have.assignee ?? input.assignee,
      project_id: have.project_id ?? input.projectId,
      updated_at: now,
    }
    repo.update(next)
    const after = rowToIncident(next)
    ctx.changes.record(by, {
      entity: 'incident',
      entityId: have.id,
      operation: before.status === 'resolved' ? 'reopen' : 'recur',
      changes: fieldDiff(before, after, ['occurrences', 'severity', 'sources', 'tags', 'status']),
    })
    return { incident: after, created: false }
  }

  const update = (id: string, patch: IncidentPatch, by: ChangeCaller): Incident => {
    const have = mustGet(id)
    const before = rowToIncident(have)
    const removed = new Set(patch.removeTags ?? [])
    const tags = mergeLists(before.tags, patch.tags ?? []).filter((t) => !removed.has(t))
    const next: IncidentRow = {
      ...have,
      status: patch.status ?? have.status,
      severity: patch.severity ?? have.severity,
      tags: JSON.stringify(tags),
      sources: JSON.stringify(mergeLists(before.sources, patch.sources ?? [])),
      summary: patch.summary ?? have.summary,
      assignee: patch.assignee === undefined ? have.assignee : patch.assignee,
    }
    const after = rowToIncident(next)
    const diff = fieldDiff(before, after, [
      'status',
      'severity',
      'tags',
      'sources',
      'summary',
      'assignee',
    ])
    // An edit that changes nothing does not move updatedAt.
    if (Object.keys(diff).length === 0) return before
    next.updated_at = nowIso()
    db.sqlite.transaction(() => {
      repo.update(next)
      ctx.changes.record(by, {
        entity: 'incident',
        entityId: id,
        operation: 'update',
        changes: diff,
      })
    })()
    return { ...after, updatedAt: next.updated_at }
  }

  const changed = (kind: 'created' | 'updated' | 'bulk', id: string | null) =>
    events.emit('incidents.onDidChange', { kind, id })

  return {
    repo,
    trackInTransaction,
    /** Announces what trackInTransaction did, once its transaction has committed. */
    announce: (r: TrackResult) => changed(r.created ? 'created' : 'updated', r.incident.id),
    announceBulk: () => changed('bulk', null),
    get: (id: string): Incident => rowToIncident(mustGet(id)),
    list: (opts: { filter: IncidentFilter; limit: number; cursor?: string }) => {
      const page = repo.page(opts)
      return { items: page.rows.map(rowToIncident), nextCursor: page.nextCursor, total: page.total }
    },
    stats: (): IncidentStats => repo.stats(),
    create: async (input: IncidentCreate, by: ChangeCaller): Promise<TrackResult> => {
      const result = await db.writes.run('incidents.create', () =>
        db.sqlite.transaction(() => trackInTransaction(input, by))(),
      )
      changed(result.created ? 'created' : 'updated', result.incident.id)
      return result
    },
    update: async (id: string, patch: IncidentPatch, by: ChangeCaller): Promise<Incident> => {
      const before = repo.byId(id)?.updated_at
      const result = await db.writes.run('incidents.update', () => update(id, patch, by))
      if (result.updatedAt !== before) changed('updated', id)
      return result
    },
  }
}
export type IncidentsService = ReturnType<typeof createIncidentsService>
