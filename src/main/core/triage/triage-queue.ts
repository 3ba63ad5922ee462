import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { TriageFilter, TriageKind, TriageStatus } from '#shared/contract/triage.contract'

/** A queue position: what the page query returns before the items are read in full. */
export type QueueKey = {
  kind: TriageKind
  id: string
  severity: number
  rank: number
  at: string
}

/**
 * The predicate of the partial indexes of migration 0015, repeated verbatim: SQLite uses a partial index only
 * when the query's WHERE contains the index's own predicate.
 */
const QUEUED = `status <> 'resolved'`

const ALERT_RANK = 'COALESCE(score, -1)'
/** Incidents carry no score of their own: at equal severity they follow the scored alerts. */
const INCIDENT_RANK = -1

/** Each branch's statuses in the queue, its time and rank columns, and its order (that of its index). */
const BRANCHES = {
  alert: {
    table: 'alerts',
    index: 'IDX_alerts_triage',
    statuses: ['open', 'acknowledged'] satisfies TriageStatus[],
    rank: ALERT_RANK,
    at: 'created_at',
    order: `severity DESC, ${ALERT_RANK} DESC, created_at DESC, id DESC`,
  },
  incident: {
    table: 'incidents',
    index: 'IDX_incidents_triage',
    statuses: ['open', 'escalated'] satisfies TriageStatus[],
    rank: String(INCIDENT_RANK),
    at: 'last_seen',
    order: 'severity DESC, last_seen DESC, id DESC',
  },
} as const

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

type Where = { sql: string; params: unknown[] }

/** A branch's WHERE for a filter; null when the filter leaves nothing of that kind. */
export const branchWhere = (kind: TriageKind, f: TriageFilter): Where | null => {
  if (f.kind !== undefined && f.kind !== kind) return null
  const b = BRANCHES[kind]
  const parts: string[] = [QUEUED]
  const params: unknown[] = []
  if (f.status !== undefined) {
    const mine = f.status.filter((s) => (b.statuses as readonly string[]).includes(s))
    if (mine.length === 0) return null
    parts.push(`status IN (${mine.map(() => '?').join(', ')})`)
    params.push(...mine)
  }
  if (f.minSeverity !== undefined) {
    parts.push('severity >= ?')
    params.push(f.minSeverity)
  }
  if (f.assignee === null) parts.push('assignee IS NULL')
  else if (f.assignee !== undefined) {
    parts.push('assignee = ?')
    params.push(f.assignee)
  }
  if (f.tag !== undefined) {
    parts.push(
      kind === 'incident'
        ? 'EXISTS (SELECT 1 FROM json_each(incidents.tags) t WHERE t.value = ?)'
        : `EXISTS (SELECT 1 FROM indicators i, json_each(i.tags) t
             WHERE i.id = alerts.indicator_id AND t.value = ?)`,
    )
    params.push(f.tag)
  }
  if (f.projectId !== undefined) {
    parts.push(
      kind === 'incident'
        ? 'project_id = ?'
        : 'EXISTS (SELECT 1 FROM indicators i WHERE i.id = alerts.indicator_id AND i.project_id = ?)',
    )
    params.push(f.projectId)
  }
  if (f.q !== undefined) {
    for (const word of f.q.toLowerCase().split(/\s+/)) {
      const like = `%${escapeLike(word)}%`
      if (kind === 'alert') {
        parts.push(`lower(title) LIKE ? ESCAPE '\\'`)
        params.push(like)
      } else {
        parts.push(
          `(lower(coalesce(url, '')) LIKE ? ESCAPE '\\' OR lower(summary) LIKE ? ESCAPE '\\')`,
        )
        params.push(like, like)
      }
    }
  }
  return { sql: parts.join(' AND '), params }
}

/** The cursor after a page's last row: its place in the queue's total order. */
export const encodeQueueCursor = (k: QueueKey): string =>
  Buffer.from(JSON.stringify([k.severity, k.rank, k.at, k.kind, k.id]), 'utf8').toString(
    'base64url',
  )

export const decodeQueueCursor = (raw: string): QueueKey => {
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    v = null
  }
  const a: unknown[] = Array.isArray(v) ? v : []
  const [severity, rank, at, kind, id] = a
  if (
    a.length === 5 &&
    typeof severity === 'number' &&
    typeof rank === 'number' &&
    typeof at === 'string' &&
    (kind === 'alert' || kind === 'incident') &&
    typeof id === 'string'
  ) {
    return { severity, rank, at, kind, id }
  }
  throw new AppError('invalid_input', 'cursor: not a cursor this queue returned', {
    field: 'cursor',
  })
}

/**
 * The keyset condition of a branch after cursor `c`. The queue's order is severity, rank, time, kind (an
 * incident before an alert at a tie), id, all descending; kind is constant within a branch, so a branch
 * either continues after the cursor's id (same kind), takes the whole tie (the cursor is an incident and the
 * branch holds alerts) or none of it.
 */
const keysetOf = (kind: TriageKind, c: QueueKey): Where => {
  if (kind === 'alert') {
    const head = `(severity, ${ALERT_RANK}, created_at`
    return c.kind === 'alert'
      ? { sql: `${head}, id) < (?, ?, ?, ?)`, params: [c.severity, c.rank, c.at, c.id] }
      : { sql: `${head}) <= (?, ?, ?)`, params: [c.severity, c.rank, c.at] }
  }
  // An incident's rank is INCIDENT_RANK: the tie on rank is decided without a column.
  if (c.kind === 'incident') {
    return { sql: '(severity, last_seen, id) < (?, ?, ?)', params: [c.severity, c.at, c.id] }
  }
  return c.rank > INCIDENT_RANK
    ? { sql: 'severity <= ?', params: [c.severity] }
    : { sql: '(severity, last_seen) < (?, ?)', params: [c.severity, c.at] }
}

const branchPage = (kind: TriageKind, where: Where, cursor: QueueKey | null): Where => {
  const b = BRANCHES[kind]
  const keyset = cursor === null ? null : keysetOf(kind, cursor)
  const sql = `SELECT * FROM (SELECT '${kind}' AS kind, id, severity, ${b.rank} AS rank, ${b.at} AS at
    FROM ${b.table} INDEXED BY ${b.index} WHERE ${where.sql}${keyset === null ? '' : ` AND ${keyset.sql}`}
    ORDER BY ${b.order} LIMIT ?)`
  return { sql, params: [...where.params, ...(keyset?.params ?? [])] }
}

/**
 * The page query (each branch an index walk of its own limit, merged) and its parameters. Each branch names
 * its index: with a status or severity filter the planner may prefer the (status, severity) indexes of 0013
 * and 0014, which hold the queue's order only within one status and would sort every matching row.
 */
export const queuePageSql = (
  filter: TriageFilter,
  cursor: QueueKey | null,
  limit: number,
): Where | null => {
  const parts: Where[] = []
  for (const kind of ['alert', 'incident'] as const) {
    const where = branchWhere(kind, filter)
    if (where === null) continue
    const page = branchPage(kind, where, cursor)
    parts.push({ sql: page.sql, params: [...page.params, limit] })
  }
  if (parts.length === 0) return null
  return {
    sql: `${parts.map((p) => p.sql).join('\nUNION ALL\n')}
      ORDER BY severity DESC, rank DESC, at DESC, kind DESC, id DESC LIMIT ?`,
    params: [...parts.flatMap((p) => p.params), limit],
  }
}

/** How many items match the filter, both kinds (each a count over its partial index). */
export const queueCountSql = (filter: TriageFilter): Where | null => {
  const parts: Where[] = []
  for (const kind of ['alert', 'incident'] as const) {
    const where = branchWhere(kind, filter)
    if (where === null) continue
    parts.push({
      sql: `(SELECT count(*) FROM ${BRANCHES[kind].table} WHERE ${where.sql})`,
      params: where.params,
    })
  }
  if (parts.length === 0) return null
  return {
    sql: `SELECT ${parts.map((p) => p.sql).join(' + ')}`,
    params: parts.flatMap((p) => p.params),
  }
}

export type QueuePage = { keys: QueueKey[]; nextCursor: string | null; total: number }

export const readQueuePage = (
  sqlite: BetterSqlite3.Database,
  filter: TriageFilter,
  limit: number,
  cursor: string | undefined,
): QueuePage => {
  const after = cursor === undefined ? null : decodeQueueCursor(cursor)
  const page = queuePageSql(filter, after, limit + 1)
  if (page === null) return { keys: [], nextCursor: null, total: 0 }
  const rows = sqlite.prepare<unknown[], QueueKey>(page.sql).all(...page.params)
  const more = rows.length > limit
  const keys = more ? rows.slice(0, limit) : rows
  const count = queueCountSql(filter)
  const total =
    count === null
      ? 0
      : (sqlite
          .prepare<unknown[], number>(count.sql)
          .pluck()
          .get(...count.params) ?? 0)
  const last = keys.at(-1)
  return {
    keys,
    nextCursor: more && last !== undefined ? encodeQueueCursor(last) : null,
    total,
  }
}
