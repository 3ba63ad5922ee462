import type BetterSqlite3 from 'better-sqlite3'
import type { EntityManager } from 'typeorm'
import {
  AlertConditionSchema,
  type Alert,
  type AlertFilter,
  type AlertRule,
  type AlertStatus,
} from '#shared/contract/alerts.contract'
import { AppError } from '#shared/contract/errors'
import { AlertRuleEntity } from '../db/entities/alert-rule.entity'

/** An alerts row as the raw statements read it (rowid is the keyset tie-breaker). */
export type AlertRow = {
  rowid: number
  id: string
  rule_id: string | null
  title: string
  severity: number
  score: number | null
  status: AlertStatus
  indicator_id: string | null
  incident_id: string | null
  triggered_by: string
  assignee: string | null
  dedup_key: string
  trigger_count: number
  last_triggered_at: string
  created_at: string
  updated_at: string
  acknowledged_at: string | null
  resolved_at: string | null
  webhook_status: 'pending' | 'delivered' | 'failed' | null
  webhook_attempts: number
  webhook_error: string | null
  webhook_at: string | null
}

const ALERT_COLUMNS = `rowid, id, rule_id, title, severity, score, status, indicator_id, incident_id,
  triggered_by, assignee, dedup_key, trigger_count, last_triggered_at, created_at, updated_at,
  acknowledged_at, resolved_at, webhook_status, webhook_attempts, webhook_error, webhook_at`

const parseObject = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

export const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  ruleId: r.rule_id,
  title: r.title,
  severity: r.severity,
  score: r.score,
  status: r.status,
  indicatorId: r.indicator_id,
  incidentId: r.incident_id,
  triggeredBy: parseObject(r.triggered_by),
  assignee: r.assignee,
  dedupKey: r.dedup_key,
  triggerCount: r.trigger_count,
  lastTriggeredAt: r.last_triggered_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  acknowledgedAt: r.acknowledged_at,
  resolvedAt: r.resolved_at,
  webhook:
    r.webhook_status === null
      ? null
      : {
          status: r.webhook_status,
          attempts: r.webhook_attempts,
          error: r.webhook_error,
          at: r.webhook_at,
        },
})

/** The keyset position after a page's last row: severity, created_at, rowid (the list's sort). */
type AlertCursor = [number, string, number]

export const encodeAlertCursor = (r: AlertRow): string =>
  Buffer.from(JSON.stringify([r.severity, r.created_at, r.rowid]), 'utf8').toString('base64url')

const decodeAlertCursor = (raw: string): AlertCursor => {
  const bad = () =>
    new AppError('invalid_input', 'cursor is not valid (pass back nextCursor unchanged)', {
      field: 'cursor',
    })
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw bad()
  }
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    typeof v[0] !== 'number' ||
    typeof v[1] !== 'string' ||
    typeof v[2] !== 'number' ||
    !Number.isSafeInteger(v[2])
  )
    throw bad()
  return [v[0], v[1], v[2]]
}

/** LIKE pattern for words anywhere in a text, with the user's % and _ taken literally. */
const containsPattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The WHERE clause of a filter and its parameters (named, so list and count share it). */
export const alertFilterSql = (
  f: AlertFilter,
): { where: string; params: Record<string, unknown> } => {
  const parts: string[] = []
  const params: Record<string, unknown> = {}
  if (f.status !== undefined) {
    const names = f.status.map((s, i) => {
      params[`status${i}`] = s
      return `@status${i}`
    })
    parts.push(`status IN (${names.join(', ')})`)
  }
  if (f.minSeverity !== undefined) {
    parts.push('severity >= @minSeverity')
    params.minSeverity = f.minSeverity
  }
  if (f.ruleId !== undefined) {
    parts.push('rule_id = @ruleId')
    params.ruleId = f.ruleId
  }
  if (f.assignee === null) parts.push('assignee IS NULL')
  else if (f.assignee !== undefined) {
    parts.push('assignee = @assignee')
    params.assignee = f.assignee
  }
  if (f.q !== undefined) {
    parts.push(`title LIKE @q ESCAPE '\\'`)
    params.q = containsPattern(f.q)
  }
  return { where: parts.length === 0 ? '1 = 1' : parts.join(' AND '), params }
}

/**
 * One page of alerts, most severe first, then newest (IDX_alerts_status_severity serves a status filter:
 * the open queue is an index walk).
 */
export const listAlerts = (
  sqlite: BetterSqlite3.Database,
  filter: AlertFilter,
  limit: number,
  cursor: string | undefined,
): { items: Alert[]; nextCursor: string | null; total: number } => {
  const { where, params } = alertFilterSql(filter)
  let keyset = ''
  if (cursor !== undefined) {
    const [severity, createdAt, rowid] = decodeAlertCursor(cursor)
    keyset = ' AND (severity, created_at, rowid) < (@cSeverity, @cCreatedAt, @cRowid)'
    Object.assign(params, { cSeverity: severity, cCreatedAt: createdAt, cRowid: rowid })
  }
  const rows = sqlite
    .prepare<[Record<string, unknown>], AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${where}${keyset}
       ORDER BY severity DESC, created_at DESC, rowid DESC LIMIT @limit`,
    )
    .all({ ...params, limit: limit + 1 })
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const total =
    sqlite
      .prepare<[Record<string, unknown>], number>(`SELECT count(*) FROM alerts WHERE ${where}`)
      .pluck()
      .get(alertFilterSql(filter).params) ?? 0
  const last = page.at(-1)
  return {
    items: page.map(toAlert),
    nextCursor: more && last !== undefined ? encodeAlertCursor(last) : null,
    total,
  }
}

export const alertRowsByIds = (
  sqlite: BetterSqlite3.Database,
  ids: readonly string[],
): AlertRow[] =>
  sqlite
    .prepare<[string], AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids))

/** The alerts' rows in the order of `ids`; not_found naming every id that has no alert. */
export const mustGetAlertRows = (
  sqlite: BetterSqlite3.Database,
  ids: readonly string[],
): AlertRow[] => {
  const rows = alertRowsByIds(sqlite, ids)
  const byId = new Map(rows.map((r) => [r.id, r]))
  const missing = ids.filter((id) => !byId.has(id))
  if (missing.length > 0) {
    throw new AppError(
      'not_found',
      missing.length === 1
        ? `No alert has id ${missing[0]}`
        : `${missing.length} ids have no alert: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      { ids: missing },
    )
  }
  return [...new Set(ids)].map((id) => byId.get(id) as AlertRow)
}

export const toAlertRule = (r: AlertRuleEntity): AlertRule => ({
  id: r.id,
  name: r.name,
  enabled: Boolean(r.enabled),
  // Written only from validated input; a row edited by hand that no longer parses is reported, not guessed.
  condition: parseRuleCondition(r),
  suppressWarninglisted: Boolean(r.suppressWarninglisted),
  openIncident: Boolean(r.openIncident),
  alertSeverity: r.alertSeverity,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

export const parseRuleCondition = (r: AlertRuleEntity) => {
  const parsed = AlertConditionSchema.safeParse({ ...parseObject(r.condition), kind: r.kind })
  if (!parsed.success) {
    throw new AppError('internal', `Alert rule ${r.id} has a condition that does not parse`, {
      id: r.id,
      field: 'condition',
    })
  }
  return parsed.data
}

/** Rules are few: ordinary TypeORM. */
export const createAlertRulesRepository = (m: EntityManager) => {
  const repo = m.getRepository(AlertRuleEntity)
  return {
    list: (): Promise<AlertRuleEntity[]> => repo.find({ order: { name: 'ASC', id: 'ASC' } }),
    enabled: (): Promise<AlertRuleEntity[]> =>
      repo.find({ where: { enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } }),
    byId: (id: string): Promise<AlertRuleEntity | null> => repo.findOneBy({ id }),
    byName: (name: string): Promise<AlertRuleEntity | null> => repo.findOneBy({ name }),
    save: (r: AlertRuleEntity): Promise<AlertRuleEntity> => repo.save(r),
    delete: async (id: string): Promise<void> => {
      await repo.delete({ id })
    },
  }
}
