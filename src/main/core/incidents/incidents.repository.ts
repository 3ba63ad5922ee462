import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import {
  HIGH_SEVERITY_MIN,
  type IncidentFilter,
  type IncidentStats,
} from '#shared/contract/incidents.contract'

/** An `incidents` row as SQLite returns it (migration 0013). */
export type IncidentRow = {
  id: string
  url: string | null
  indicator_id: string | null
  dedup_key: string
  sources: string
  severity: number
  summary: string
  details: string
  tags: string
  status: string
  first_seen: string
  last_seen: string
  occurrences: number
  assignee: string | null
  project_id: string | null
  created_at: string
  updated_at: string
}

const COLUMNS = `id, url, indicator_id, dedup_key, sources, severity, summary, details, tags, status,
  first_seen, last_seen, occurrences, assignee, project_id, created_at, updated_at`

export const INCIDENT_BY_ID_SQL = `SELECT ${COLUMNS} FROM incidents WHERE id = ?`
export const INCIDENT_BY_KEY_SQL = `SELECT ${COLUMNS} FROM incidents WHERE dedup_key = ?`

const INSERT_SQL = `INSERT INTO incidents (${COLUMNS}) VALUES (@id, @url, @indicator_id, @dedup_key,
  @sources, @severity, @summary, @details, @tags, @status, @first_seen, @last_seen, @occurrences,
  @assignee, @project_id, @created_at, @updated_at)`

const UPDATE_SQL = `UPDATE incidents SET url = @url, indicator_id = @indicator_id, sources = @sources,
  severity = @severity, summary = @summary, details = @details, tags = @tags, status = @status,
  last_seen = @last_seen, occurrences = @occurrences, assignee = @assignee, project_id = @project_id,
  updated_at = @updated_at WHERE id = @id`

/** Counts by status and the high-severity ones, in one pass (the health route asks often). */
export const INCIDENT_STATS_SQL = `SELECT status, count(*) AS n,
  sum(CASE WHEN severity >= ${HIGH_SEVERITY_MIN} THEN 1 ELSE 0 END) AS high
FROM incidents GROUP BY status`

/** The list's order: severity, then most recently seen, then id (a total order for the keyset). */
const ORDER = 'ORDER BY severity DESC, last_seen DESC, id DESC'

type Cursor = { severity: number; lastSeen: string; id: string }

const encodeCursor = (r: IncidentRow): string =>
  Buffer.from(JSON.stringify([r.severity, r.last_seen, r.id])).toString('base64url')

const decodeCursor = (cursor: string): Cursor => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      typeof v[0] === 'number' &&
      typeof v[1] === 'string' &&
      typeof v[2] === 'string'
    ) {
      return { severity: v[0], lastSeen: v[1], id: v[2] }
    }
  } catch {
    // reported below
  }
  throw new AppError('invalid_input', 'cursor: not a cursor this list returned', {
    field: 'cursor',
  })
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The WHERE clause and its parameters for a filter (the keyset condition is added by the page query). */
export const incidentWhere = (filter: IncidentFilter): { sql: string; params: unknown[] } => {
  const parts: string[] = []
  const params: unknown[] = []
  if (filter.status !== undefined) {
    parts.push(`status IN (${filter.status.map(() => '?').join(', ')})`)
    params.push(...filter.status)
  }
  if (filter.minSeverity !== undefined) {
    parts.push('severity >= ?')
    params.push(filter.minSeverity)
  }
  if (filter.tag !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM json_each(incidents.tags) WHERE json_each.value = ?)')
    params.push(filter.tag)
  }
  if (filter.projectId !== undefined) {
    parts.push('project_id = ?')
    params.push(filter.projectId)
  }
  const q = filter.q?.trim() ?? ''
  if (q !== '') {
    // Each word must appear somewhere; incidents are few enough that a scan is quick.
    for (const word of q.toLowerCase().split(/\s+/)) {
      parts.push(
        `(lower(coalesce(url, '')) LIKE ? ESCAPE '\\' OR lower(summary) LIKE ? ESCAPE '\\' OR lower(tags) LIKE ? ESCAPE '\\')`,
      )
      const like = `%${escapeLike(word)}%`
      params.push(like, like, like)
    }
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params }
}

/** One keyset page of the list's order; the caller appends the LIMIT parameter. */
export const incidentPageQuery = (
  filter: IncidentFilter,
  cursor?: string,
): { sql: string; params: unknown[] } => {
  const where = incidentWhere(filter)
  const parts = where.sql === '' ? [] : [where.sql.slice('WHERE '.length)]
  const params = [...where.params]
  if (cursor !== undefined) {
    const c = decodeCursor(cursor)
    parts.push('(severity, last_seen, id) < (?, ?, ?)')
    params.push(c.severity, c.lastSeen, c.id)
  }
  const whereSql = parts.length ? `WHERE ${parts.join(' AND ')}` : ''
  return { sql: `SELECT ${COLUMNS} FROM incidents ${whereSql} ${ORDER} LIMIT ?`, params }
}

export type IncidentPage = { rows: IncidentRow[]; nextCursor: string | null; total: number }

export const createIncidentsRepository = (sqlite: BetterSqlite3.Database) => {
  const byId = sqlite.prepare<[string], IncidentRow>(INCIDENT_BY_ID_SQL)
  const byKey = sqlite.prepare<[string], IncidentRow>(INCIDENT_BY_KEY_SQL)
  const insert = sqlite.prepare<[IncidentRow]>(INSERT_SQL)
  const update = sqlite.prepare<[IncidentRow]>(UPDATE_SQL)
  const stats = sqlite.prepare<[], { status: string; n: number; high: number }>(INCIDENT_STATS_SQL)
  return {
    byId: (id: string): IncidentRow | undefined => byId.get(id),
    byKey: (key: string): IncidentRow | undefined => byKey.get(key),
    insert: (row: IncidentRow): void => {
      insert.run(row)
    },
    update: (row: IncidentRow): void => {
      update.run(row)
    },
    page: (opts: { filter: IncidentFilter; limit: number; cursor?: string }): IncidentPage => {
      const where = incidentWhere(opts.filter)
      const total =
        sqlite
          .prepare<unknown[], number>(`SELECT count(*) FROM incidents ${where.sql}`)
          .pluck()
          .get(...where.params) ?? 0
      const q = incidentPageQuery(opts.filter, opts.cursor)
      const rows = sqlite.prepare<unknown[], IncidentRow>(q.sql).all(...q.params, opts.limit + 1)
      const more = rows.length > opts.limit
      if (more) rows.pop()
      const last = rows.at(-1)
      return { rows, nextCursor: more && last ? encodeCursor(last) : null, total }
    },
    /** Every incident with a URL, for the snapshot (most severe first, so a cut file keeps the worst). */
    withUrl: (): IncidentRow[] =>
      sqlite
        .prepare<[], IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE url IS NOT NULL ${ORDER}`)
        .all(),
    stats: (): IncidentStats => {
      const out: IncidentStats = { total: 0, open: 0, escalated: 0, resolved: 0, highSeverity: 0 }
      for (const g of stats.all()) {
        out.total += g.n
        out.highSeverity += g.high
        if (g.status === 'open' || g.status === 'escalated' || g.status === 'resolved')
          out[g.status] += g.n
      }
      return out
    },
  }
}
export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>
