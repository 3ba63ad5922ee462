import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import type { IncidentPatch } from '#shared/contract/incidents.contract'
import {
  TriageFilterSchema,
  type TriageAction,
  type TriageFilter,
  type TriageOutcome,
  type TriageRef,
  type TriageView,
} from '#shared/contract/triage.contract'
import { mustGetAlertRows, type AlertRow } from '../alerts/alerts.repository'
import type { AlertsService } from '../alerts/alerts.service'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { rowToIncident } from '../incidents/incident-row'
import type { IncidentRow } from '../incidents/incidents.repository'
import type { IncidentsService } from '../incidents/incidents.service'
import { createTriageRepository } from './triage.repository'

export type Verdict = 'true_positive' | 'false_positive'

/**
 * THE SEAM for the analyst's verdict on an indicator. createCore passes the indicators domain's call
 * (indicators.setVerdict once scoring has it; until then the false-positive mark), so the verdict is written,
 * scored and logged by the domain that owns it.
 */
export type SetVerdict = (
  indicatorId: string,
  verdict: Verdict,
  reason: string | undefined,
) => Promise<void>

export type TriageActInput = {
  items: TriageRef[]
  action: TriageAction
  assignee?: string | null
  reason?: string
}

type ViewRow = { id: string; name: string; filter: string; created_at: string; updated_at: string }

const toView = (r: ViewRow): TriageView => {
  let filter: TriageFilter = {}
  try {
    // A saved filter that no longer parses (edited by hand, or from a later version) opens as no filter.
    const parsed = TriageFilterSchema.safeParse(JSON.parse(r.filter))
    if (parsed.success) filter = parsed.data
  } catch {
    filter = {}
  }
  return { id: r.id, name: r.name, filter, createdAt: r.created_at, updatedAt: r.updated_at }
}

/**
 * The triage queue over alerts and incidents, and the analyst's actions on it. Every action goes through the
 * alerts and incidents services (which write the change log and emit their change events); this service only
 * decides what each action means for each kind.
 */
export const createTriageService = (
  ctx: CoreContext,
  deps: { alerts: AlertsService; incidents: IncidentsService },
) => {
  const { db, clock } = ctx
  const repo = createTriageRepository(db.sqlite)
  const { alerts, incidents } = deps

  const mustGetIncidents = (ids: readonly string[]): Map<string, IncidentRow> => {
    const rows = new Map(repo.incidentsByIds(ids).map((r) => [r.id, r]))
    const missing = ids.filter((id) => !rows.has(id))
    if (missing.length > 0) {
      throw new AppError(
        'not_found',
        `items: no incident has id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
        { field: 'items', ids: missing },
      )
    }
    return rows
  }

  const act = async (
    input: TriageActInput,
    by: ChangeCaller,
    setVerdict: SetVerdict,
  ): Promise<{ results: TriageOutcome[]; changed: number }> => {
    const alertIds = [...new Set(input.items.filter((i) => i.kind === 'alert').map((i) => i.id))]
    const incidentIds = [
      ...new Set(input.items.filter((i) => i.kind === 'incident').map((i) => i.id)),
    ]
    // Everything named must exist before anything changes: a wrong id fails the call, not half of it.
    const alertRows = new Map(
      (alertIds.length === 0 ? [] : mustGetAlertRows(db.sqlite, alertIds)).map((r) => [r.id, r]),
    )
    const incidentRows = mustGetIncidents(incidentIds)
    const results: TriageOutcome[] = []
    const outcome = (r: TriageOutcome) => results.push(r)

    if (input.action === 'false_positive' || input.action === 'true_positive') {
      await giveVerdicts(input, alertRows, incidentRows, setVerdict, outcome)
    }
    await actOnAlerts(input, [...alertRows.values()], by, outcome)
    for (const row of incidentRows.values()) await actOnIncident(input, row, by, outcome)
    return mergeOutcomes(results)
  }

  const giveVerdicts = async (
    input: TriageActInput,
    alertRows: Map<string, AlertRow>,
    incidentRows: Map<string, IncidentRow>,
    setVerdict: SetVerdict,
    outcome: (r: TriageOutcome) => void,
  ) => {
    const verdict: Verdict = input.action === 'false_positive' ? 'false_positive' : 'true_positive'
    const done = new Set<string>()
    const subjects: [TriageRef, string | null][] = [
      ...[...alertRows.values()].map((a): [TriageRef, string | null] => [
        { kind: 'alert', id: a.id },
        a.indicator_id,
      ]),
      ...[...incidentRows.values()].map((i): [TriageRef, string | null] => [
        { kind: 'incident', id: i.id },
        i.indicator_id,
      ]),
    ]
    for (const [ref, indicatorId] of subjects) {
      if (indicatorId === null) {
        outcome({ ...ref, outcome: 'skipped', reason: 'no indicator to give the verdict to' })
        continue
      }
      // One verdict per indicator, however many selected items point at it.
      if (!done.has(indicatorId)) {
        await setVerdict(indicatorId, verdict, input.reason)
        done.add(indicatorId)
      }
      outcome({ ...ref, outcome: 'changed' })
    }
  }

  /** What each action does to alerts: acknowledge, resolve, assign; a verdict settles them too. */
  const actOnAlerts = async (
    input: TriageActInput,
    rows: AlertRow[],
    by: ChangeCaller,
    outcome: (r: TriageOutcome) => void,
  ) => {
    if (rows.length === 0) return
    const ids = rows.map((r) => r.id)
    const report = (changed: Set<string>) => {
      for (const r of rows)
        outcome({ kind: 'alert', id: r.id, outcome: changed.has(r.id) ? 'changed' : 'unchanged' })
    }
    const open = new Set(rows.filter((r) => r.status === 'open').map((r) => r.id))
    const unresolved = new Set(rows.filter((r) => r.status !== 'resolved').map((r) => r.id))
    switch (input.action) {
      case 'acknowledge':
      case 'true_positive':
        // A confirmed threat stays in the queue, acknowledged: someone has looked at it.
        if (open.size > 0) await alerts.acknowledge([...open], by)
        return report(open)
      case 'resolve':
      case 'false_positive':
        if (unresolved.size > 0) await alerts.resolve([...unresolved], by, input.reason)
        return report(unresolved)
      case 'assign': {
        const assignee = input.assignee ?? null
        const differ = new Set(rows.filter((r) => r.assignee !== assignee).map((r) => r.id))
        if (differ.size > 0) await alerts.assign(ids, assignee, by)
        return report(differ)
      }
      case 'escalate':
        for (const r of rows) outcome(await escalateAlert(r, input, by))
        return
    }
  }

  /**
   * Escalating an alert escalates the incident it opened, or opens one for its indicator (an incident is
   * what can be escalated), and acknowledges the alert.
   */
  const escalateAlert = async (
    r: AlertRow,
    input: TriageActInput,
    by: ChangeCaller,
  ): Promise<TriageOutcome> => {
    const ref = { kind: 'alert' as const, id: r.id }
    if (r.incident_id !== null) {
      const before = incidents.get(r.incident_id)
      if (before.status !== 'escalated') {
        await incidents.update(r.incident_id, { status: 'escalated' }, by)
      }
    } else if (r.indicator_id !== null) {
      await incidents.create(
        {
          indicatorId: r.indicator_id,
          sources: [r.rule_id === null ? 'alert' : `alert-rule:${r.rule_id}`],
          severity: r.severity,
          summary: r.title,
          details: {
            alertId: r.id,
            ...(input.reason === undefined ? {} : { reason: input.reason }),
          },
          tags: [],
          status: 'escalated',
          assignee: r.assignee,
          projectId: null,
        },
        by,
      )
    } else {
      return {
        ...ref,
        outcome: 'skipped',
        reason: 'the alert has no indicator to open an incident on',
      }
    }
    if (r.status === 'open') await alerts.acknowledge([r.id], by)
    return { ...ref, outcome: 'changed' }
  }

  /** What each action does to an incident (an incident has no acknowledged state). */
  const actOnIncident = async (
    input: TriageActInput,
    r: IncidentRow,
    by: ChangeCaller,
    outcome: (x: TriageOutcome) => void,
  ) => {
    const ref = { kind: 'incident' as const, id: r.id }
    const patchFor = (): IncidentPatch | string => {
      switch (input.action) {
        case 'acknowledge':
          return 'an incident has no acknowledged state (escalate, resolve or assign it)'
        case 'escalate':
          return { status: 'escalated' }
        case 'resolve':
        case 'false_positive':
          return { status: 'resolved' }
        case 'true_positive':
          // The verdict is on the indicator; the incident stays as it is, in the queue.
          return {}
        case 'assign':
          return { assignee: input.assignee ?? null }
      }
    }
    const patch = patchFor()
    if (typeof patch === 'string') return outcome({ ...ref, outcome: 'skipped', reason: patch })
    if (Object.keys(patch).length === 0) return outcome({ ...ref, outcome: 'unchanged' })
    const before = rowToIncident(r)
    const after = await incidents.update(r.id, patch, by)
    const changed = before.status !== after.status || before.assignee !== after.assignee
    outcome({ ...ref, outcome: changed ? 'changed' : 'unchanged' })
  }

  const listViews = (): TriageView[] =>
    db.sqlite.prepare<[], ViewRow>('SELECT * FROM triage_views ORDER BY name, id').all().map(toView)

  const saveView = (name: string, filter: TriageFilter, by: ChangeCaller): Promise<TriageView> =>
    db.writes.run('triage.saveView', () => {
      const now = clock.now().toISOString()
      const have = db.sqlite
        .prepare<[string], ViewRow>('SELECT * FROM triage_views WHERE name = ?')
        .get(name)
      const row: ViewRow = {
        id: have?.id ?? randomUUID(),
        name,
        filter: JSON.stringify(filter),
        created_at: have?.created_at ?? now,
        updated_at: now,
      }
      db.sqlite.transaction(() => {
        db.sqlite
          .prepare(
            `INSERT INTO triage_views (id, name, filter, created_at, updated_at)
             VALUES (@id, @name, @filter, @created_at, @updated_at)
             ON CONFLICT (id) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at`,
          )
          .run(row)
        ctx.changes.record(by, {
          entity: 'triage_view',
          entityId: row.id,
          operation: have === undefined ? 'create' : 'update',
          changes: { name, filter },
        })
      })()
      return toView(row)
    })

  const deleteView = (id: string, by: ChangeCaller): Promise<void> =>
    db.writes.run('triage.deleteView', () => {
      const have = db.sqlite
        .prepare<[string], ViewRow>('SELECT * FROM triage_views WHERE id = ?')
        .get(id)
      if (have === undefined) {
        throw new AppError('not_found', `No saved triage view has id ${id}`, { id })
      }
      db.sqlite.transaction(() => {
        db.sqlite.prepare('DELETE FROM triage_views WHERE id = ?').run(id)
        ctx.changes.record(by, {
          entity: 'triage_view',
          entityId: id,
          operation: 'delete',
          changes: { name: have.name },
        })
      })()
    })

  return {
    list: (filter: TriageFilter, limit: number, cursor: string | undefined) =>
      repo.page(filter, limit, cursor),
    act,
    listViews,
    saveView,
    deleteView,
  }
}
export type TriageService = ReturnType<typeof createTriageService>

/**
 * One outcome per item: a verdict and the status change that follows it are one action to the analyst
 * (changed if either changed; skipped only if nothing applied).
 */
const mergeOutcomes = (results: TriageOutcome[]) => {
  const rank = { changed: 2, unchanged: 1, skipped: 0 } as const
  const byItem = new Map<string, TriageOutcome>()
  for (const r of results) {
    const key = `${r.kind}:${r.id}`
    const have = byItem.get(key)
    if (have === undefined || rank[r.outcome] > rank[have.outcome]) byItem.set(key, r)
  }
  const merged = [...byItem.values()]
  return { results: merged, changed: merged.filter((r) => r.outcome === 'changed').length }
}
