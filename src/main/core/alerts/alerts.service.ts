import { randomUUID } from 'node:crypto'
import {
  ALERT_NOTICE_MAX,
  type Alert,
  type AlertFilter,
  type AlertRule,
  type AlertRulePatch,
  type AlertStatus,
} from '#shared/contract/alerts.contract'
import type { AuditOperation } from '#shared/contract/audit.contract'
import { AppError } from '#shared/contract/errors'
import { CORE_CALLER, type ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import type { CommittedBatch } from '../db/bulk-worker/bulk-writer-client'
import { AlertRuleEntity } from '../db/entities/alert-rule.entity'
import { evaluateRules, type EvaluationScope, type TriggerVia } from './alert-evaluate'
import {
  createAlertRulesRepository,
  listAlerts,
  mustGetAlertRows,
  toAlert,
  toAlertRule,
  type AlertRow,
} from './alerts.repository'

export type AlertRuleCreate = Omit<AlertRule, 'id' | 'createdAt' | 'updatedAt'>

/**
 * THE SEAM for the incidents domain: given a rule with `openIncident` and the alerts it just raised, open
 * (or bump) an incident for each and answer which incident each alert went to. The alerts service writes
 * the answer into alerts.incident_id. createCore passes it once an incidents service exists; without it a
 * rule cannot ask for incidents (createRule / updateRule refuse openIncident: true, naming the field).
 */
export type OpenIncidentsForAlerts = (
  rule: AlertRule,
  alerts: Alert[],
  by: ChangeCaller,
) => Promise<{ alertId: string; incidentId: string }[]>

export type AlertsServiceOptions = {
  openIncidents?: OpenIncidentsForAlerts
  /** Whether new alerts are queued for the webhook (read at each evaluation). */
  webhookEnabled?: () => Promise<boolean>
  /** Told after new alerts were written with webhook_status 'pending'. */
  onPendingWebhook?: () => void
}

/** Indicator ids per evaluation of evaluateEnrichment (one write-queue job and transaction each). */
export const ENRICHMENT_EVALUATION_CHUNK = 1000

/** Alerts named in one trigger's change-log entry (the count covers the rest). */
const LOGGED_IDS_MAX = 100

export const createAlertsService = (ctx: CoreContext, opts: AlertsServiceOptions = {}) => {
  const { db, clock, changes, events } = ctx
  const rules = () => createAlertRulesRepository(db.dataSource.manager)
  const nowIso = () => clock.now().toISOString()

  const mustGetRule = async (id: string): Promise<AlertRuleEntity> => {
    const r = await rules().byId(id)
    if (r === null) throw new AppError('not_found', `No alert rule has id ${id}`, { id })
    return r
  }
  const assertNameFree = async (name: string, exceptId?: string) => {
    const other = await rules().byName(name)
    if (other !== null && other.id !== exceptId) {
      throw new AppError('conflict', `An alert rule named '${name}' already exists`, {
        id: other.id,
        field: 'name',
      })
    }
  }
  const assertRuleValid = (r: AlertRuleCreate) => {
    if (r.openIncident && opts.openIncidents === undefined) {
      throw new AppError(
        'invalid_input',
        'openIncident: this build has no incidents service to open one (leave it off)',
        { field: 'openIncident' },
      )
    }
    if (r.condition.kind === 'project') {
      const found = db.sqlite
        .prepare('SELECT 1 FROM projects WHERE id = ?')
        .get(r.condition.projectId)
      if (found === undefined) {
        throw new AppError(
          'invalid_input',
          `condition.projectId: no project has id ${r.condition.projectId}`,
          { field: 'condition.projectId' },
        )
      }
    }
  }

  const saveRule = (by: ChangeCaller, r: AlertRuleEntity, op: AuditOperation, diff: object) =>
    db.dataSource.transaction(async (m) => {
      const saved = await createAlertRulesRepository(m).save(r)
      changes.record(by, {
        entity: 'alert_rule',
        entityId: r.id,
        operation: op,
        changes: { ...diff },
      })
      return saved
    })

  const ruleFields = (r: AlertRule | AlertRuleCreate) => ({
    name: r.name,
    enabled: r.enabled,
    condition: r.condition,
    suppressWarninglisted: r.suppressWarninglisted,
    openIncident: r.openIncident,
    alertSeverity: r.alertSeverity,
  })

  const toEntity = (e: AlertRuleEntity, r: AlertRuleCreate) => {
    const { kind, ...params } = r.condition
    Object.assign(e, {
      name: r.name,
      enabled: r.enabled,
      kind,
      condition: JSON.stringify(params),
      suppressWarninglisted: r.suppressWarninglisted,
      openIncident: r.openIncident,
      alertSeverity: r.alertSeverity,
    })
    return e
  }

  /** Changes the alerts' status or assignee: one change-log entry per alert that changed. */
  const mutate = (
    label: string,
    ids: readonly string[],
    by: ChangeCaller,
    operation: AuditOperation,
    change: (r: AlertRow, now: string) => Partial<AlertRow> | null,
    note?: string,
  ) =>
    db.writes.run(label, () => {
      const now = nowIso()
      const changedIds: string[] = []
      db.sqlite.transaction(() => {
        for (const row of mustGetAlertRows(db.sqlite, ids)) {
          const next = change(row, now)
          if (next === null) continue
          const cols = Object.keys(next)
          db.sqlite
            .prepare(
              `UPDATE alerts SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @now
               WHERE id = @id`,
            )
            .run({ ...next, now, id: row.id })
          const diff = fieldDiff(
            row,
            next,
            cols.filter((c) => c !== 'dedup_key'),
          )
          changes.record(by, {
            entity: 'alert',
            entityId: row.id,
            operation,
            changes: note === undefined ? diff : { ...diff, note },
          })
          changedIds.push(row.id)
        }
      })()
      if (changedIds.length > 0)
        events.emit('alerts.onDidChange', { kind: 'updated', ids: changedIds })
      return {
        items: mustGetAlertRows(db.sqlite, ids).map(toAlert),
        changed: changedIds.length,
      }
    })

  /**
   * Runs the enabled rules over a scope of indicators, on the write queue, in one transaction. Incidents
   * are opened after the job (the incidents service writes through the same queue).
   */
  const evaluate = async (
    scope: EvaluationScope,
    via: TriggerVia,
    by: ChangeCaller,
  ): Promise<{ created: number; retriggered: number }> => {
    const outcome = await db.writes.run('alerts.evaluate', async () => {
      const enabled = (await rules().enabled()).map(toAlertRule)
      if (enabled.length === 0) return null
      const webhookPending = (await opts.webhookEnabled?.()) ?? false
      const result = db.sqlite.transaction(() => {
        const r = evaluateRules(db.sqlite, enabled, scope, {
          nowIso: nowIso(),
          via,
          webhookPending,
          noticeMax: ALERT_NOTICE_MAX,
        })
        if (r.created + r.retriggered > 0) {
          // One entry per evaluation, like an import batch: its counts, the rules and where it came from.
          changes.record(by, {
            entity: 'alert',
            entityId: null,
            operation: 'trigger',
            changes: {
              created: r.created,
              retriggered: r.retriggered,
              rules: enabled.map((x) => x.id),
              via,
              ids: r.notices.slice(0, LOGGED_IDS_MAX).map((n) => n.id),
            },
          })
        }
        return r
      })()
      return { enabled, result, webhookPending }
    })
    if (outcome === null) return { created: 0, retriggered: 0 }
    const { enabled, result, webhookPending } = outcome
    const counts = { created: result.created, retriggered: result.retriggered }
    if (result.created + result.retriggered === 0) return counts
    events.emit('alerts.onDidChange', { kind: 'triggered' })
    if (result.created > 0) {
      events.emit('alerts.onDidTrigger', { alerts: result.notices, count: result.created })
      if (webhookPending) opts.onPendingWebhook?.()
    }
    if (result.incidentCandidates.size > 0)
      await openIncidents(enabled, result.incidentCandidates, by)
    return counts
  }

  /**
   * What the enrichment engine calls after writing a batch's results and signals and rescoring them
   * (ScoringService.rescoreIndicators): every enabled rule over those indicators, enrichment_verdict rules
   * and score rules alike (a verdict moves the score), in chunks of ENRICHMENT_EVALUATION_CHUNK ids.
   * Answers how many alerts were raised (new ones; a re-trigger of an open alert is not counted), for the
   * scan job's alertsTriggered. Call it before announcing the ids (indicators.onDidChange): the change
   * hook then finds the alerts already raised and adds none.
   */
  const evaluateEnrichment = async (
    indicatorIds: readonly string[],
    opts: { scanJobId?: string | null; by?: ChangeCaller } = {},
  ): Promise<number> => {
    const via: TriggerVia = { kind: 'enrichment', scanJobId: opts.scanJobId ?? null }
    const by = evaluationCaller(opts.by ?? CORE_CALLER)
    const unique = [...new Set(indicatorIds)]
    let created = 0
    for (let i = 0; i < unique.length; i += ENRICHMENT_EVALUATION_CHUNK) {
      const ids = unique.slice(i, i + ENRICHMENT_EVALUATION_CHUNK)
      created += (await evaluate({ ids }, via, by)).created
    }
    return created
  }

  const openIncidents = async (
    enabled: AlertRule[],
    candidates: Map<string, string[]>,
    by: ChangeCaller,
  ) => {
    const open = opts.openIncidents
    if (open === undefined) return
    for (const [ruleId, ids] of candidates) {
      const rule = enabled.find((r) => r.id === ruleId)
      if (rule === undefined) continue
      try {
        const linked = await open(rule, mustGetAlertRows(db.sqlite, ids).map(toAlert), by)
        if (linked.length === 0) continue
        await db.writes.run('alerts.linkIncidents', () => {
          const set = db.sqlite.prepare('UPDATE alerts SET incident_id = ? WHERE id = ?')
          db.sqlite.transaction(() => {
            for (const l of linked) set.run(l.incidentId, l.alertId)
            changes.record(by, {
              entity: 'alert',
              entityId: null,
              operation: 'update',
              changes: { incidents: linked.slice(0, LOGGED_IDS_MAX), count: linked.length },
            })
          })()
        })
        events.emit('alerts.onDidChange', { kind: 'updated', ids: linked.map((l) => l.alertId) })
      } catch (e) {
        // The alerts stand; an incident that could not be opened is the incidents domain's to report.
        ctx.logger.warn('opening incidents for alerts failed', { ruleId, error: e })
      }
    }
  }

  const batchVia = (b: CommittedBatch): TriggerVia => ({
    kind: 'batch',
    method: b.caller.method,
    actor: b.caller.actor,
    transport: b.caller.transport,
    runId: b.runId,
  })
  const evaluationCaller = (by: ChangeCaller): ChangeCaller => ({
    ...by,
    method: 'alerts.evaluate',
  })
  const logFailure = (e: unknown) => ctx.logger.warn('alert rule evaluation failed', { error: e })
  // Evaluations started by hooks, so waitForIdle can wait for their incidents and events too.
  const inFlight = new Set<Promise<void>>()
  const track = (p: Promise<unknown>) => {
    const done: Promise<void> = p
      .then(() => undefined, logFailure)
      .finally(() => inFlight.delete(done))
    inFlight.add(done)
  }

  /**
   * Evaluates after every committed import batch (the bulk writer's hook) and every single create or
   * update (indicators.onDidChange with ids). Queued behind the write that triggered it, so a batch is
   * evaluated before the next one commits; failures are logged, never the import's.
   */
  const subscribe = (): (() => void) => {
    const offBatch = db.bulk.onDidCommit((b) => {
      track(evaluate({ since: b.nowIso }, batchVia(b), evaluationCaller(b.caller)))
    })
    const offChange = events.on('indicators.onDidChange', (e) => {
      if ((e.kind !== 'created' && e.kind !== 'updated') || e.ids === undefined) return
      track(
        evaluate({ ids: e.ids }, { kind: 'change', change: e.kind }, evaluationCaller(CORE_CALLER)),
      )
    })
    return () => {
      offBatch()
      offChange()
    }
  }

  return {
    subscribe,
    evaluate,
    evaluateEnrichment,
    /** Resolves once the evaluations the hooks started have finished. */
    waitForIdle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
    list: (filter: AlertFilter, limit: number, cursor: string | undefined) =>
      listAlerts(db.sqlite, filter, limit, cursor),
    get: (id: string): Alert => toAlert(mustGetAlertRows(db.sqlite, [id])[0]),
    acknowledge: (ids: readonly string[], by: ChangeCaller) =>
      mutate('alerts.acknowledge', ids, by, 'acknowledge', (r, now) =>
        r.status === 'open'
          ? { status: 'acknowledged' satisfies AlertStatus, acknowledged_at: now }
          : null,
      ),
    resolve: (ids: readonly string[], by: ChangeCaller, note?: string) =>
      mutate(
        'alerts.resolve',
        ids,
        by,
        'resolve',
        (r, now) =>
          r.status === 'resolved'
            ? null
            : // The key moves aside so the rule's next trigger on the indicator opens a new alert.
              { status: 'resolved', resolved_at: now, dedup_key: `${r.dedup_key}#${r.id}` },
        note,
      ),
    assign: (ids: readonly string[], assignee: string | null, by: ChangeCaller) =>
      mutate('alerts.assign', ids, by, 'assign', (r) =>
        r.assignee === assignee ? null : { assignee },
      ),

    listRules: async (): Promise<AlertRule[]> => (await rules().list()).map(toAlertRule),
    createRule: (input: AlertRuleCreate, by: ChangeCaller): Promise<AlertRule> =>
      db.writes.run('alerts.createRule', async () => {
        assertRuleValid(input)
        await assertNameFree(input.name)
        const now = nowIso()
        const e = toEntity(
          Object.assign(new AlertRuleEntity(), {
            id: randomUUID(),
            createdAt: now,
            updatedAt: now,
          }),
          input,
        )
        return toAlertRule(await saveRule(by, e, 'create', ruleFields(input)))
      }),
    updateRule: (id: string, patch: AlertRulePatch, by: ChangeCaller): Promise<AlertRule> =>
      db.writes.run('alerts.updateRule', async () => {
        const e = await mustGetRule(id)
        const before = ruleFields(toAlertRule(e))
        const after = { ...before, ...patch }
        const diff = fieldDiff(before, after)
        if (Object.keys(diff).length === 0) return toAlertRule(e)
        assertRuleValid(after)
        if (after.name !== before.name) await assertNameFree(after.name, id)
        toEntity(e, after).updatedAt = nowIso()
        return toAlertRule(await saveRule(by, e, 'update', diff))
      }),
    deleteRule: (id: string, by: ChangeCaller): Promise<void> =>
      db.writes.run('alerts.deleteRule', async () => {
        const e = await mustGetRule(id)
        await db.dataSource.transaction(async (m) => {
          await createAlertRulesRepository(m).delete(id)
          changes.record(by, {
            entity: 'alert_rule',
            entityId: id,
            operation: 'delete',
            changes: ruleFields(toAlertRule(e)),
          })
        })
      }),
  }
}
export type AlertsService = ReturnType<typeof createAlertsService>
