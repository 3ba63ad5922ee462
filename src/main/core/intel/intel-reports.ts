import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import { REPORT_ATTACH_MAX, type ReportObjectView } from '#shared/contract/intel.contract'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import type { IndicatorFilter } from '#shared/contract/indicators.contract'
import { buildFilterWhere, countSql } from '../indicators/indicator-query'
import type { RefResolver } from './intel-refs'

/** Rows one attach batch adds: each batch is its own write-queue job, so other writers get turns. */
export const ATTACH_BATCH = 5000

type ObjectRow = { object_ref: string; object_kind: string; position: number; added_at: string }

const COLUMNS = 'object_ref, object_kind, position, added_at'
/** A report's contents by kind, then position, then ref (ties: imports may leave positions at 0). */
export const REPORT_OBJECTS_PAGE_SQL = `SELECT ${COLUMNS} FROM report_objects WHERE report_id = ?
  AND (object_kind, position, object_ref) > (?, ?, ?)
  ORDER BY object_kind, position, object_ref LIMIT ?`
export const REPORT_OBJECTS_KIND_PAGE_SQL = `SELECT ${COLUMNS} FROM report_objects WHERE report_id = ?
  AND object_kind = ? AND (position, object_ref) > (?, ?)
  ORDER BY position, object_ref LIMIT ?`

type Cursor = [string, number, string]

const encode = (r: ObjectRow) =>
  Buffer.from(JSON.stringify([r.object_kind, r.position, r.object_ref])).toString('base64url')
const decode = (cursor: string | undefined): Cursor => {
  if (cursor === undefined) return ['', Number.MIN_SAFE_INTEGER, '']
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(v) &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'number' &&
      typeof v[2] === 'string'
    )
      return [v[0], v[1], v[2]]
  } catch {
    // reported below
  }
  throw new AppError('invalid_input', 'cursor: not a cursor this list returned', {
    field: 'cursor',
  })
}

/** A batch of a filter's matches: how many and the last rowid, so the insert covers exactly them. */
const rangeSql = (where: string) => `SELECT count(*) AS n, max(r) AS upto FROM (
  SELECT indicators.rowid AS r FROM indicators WHERE ${where} indicators.rowid > ?
  ORDER BY indicators.rowid LIMIT ?)`

/** Attaches a batch straight from the query: the rows never pass through JavaScript. */
const insertRangeSql = (where: string) => `INSERT OR IGNORE INTO report_objects
  (report_id, object_ref, object_kind, position, added_at)
  SELECT ?, indicators.id, 'indicator', ? + row_number() OVER (ORDER BY indicators.rowid), ?
  FROM indicators WHERE ${where} indicators.rowid > ? AND indicators.rowid <= ?`

export type AttachCounts = { added: number; alreadyThere: number }

export const createReportObjects = (sqlite: BetterSqlite3.Database, refs: RefResolver) => {
  const kindOf = sqlite
    .prepare<[string], string>('SELECT kind FROM intel_entities WHERE id = ?')
    .pluck()
  const page = sqlite.prepare<[string, string, number, string, number], ObjectRow>(
    REPORT_OBJECTS_PAGE_SQL,
  )
  const kindPage = sqlite.prepare<[string, string, number, string, number], ObjectRow>(
    REPORT_OBJECTS_KIND_PAGE_SQL,
  )
  const total = sqlite
    .prepare<[string], number>('SELECT count(*) FROM report_objects WHERE report_id = ?')
    .pluck()
  const kindTotal = sqlite
    .prepare<[string, string], number>(
      'SELECT count(*) FROM report_objects WHERE report_id = ? AND object_kind = ?',
    )
    .pluck()
  const lastPosition = sqlite
    .prepare<[string], number>(
      'SELECT coalesce(max(position), -1) FROM report_objects WHERE report_id = ?',
    )
    .pluck()
  const insert = sqlite.prepare<[string, string, string, number, string]>(
    `INSERT OR IGNORE INTO report_objects (report_id, object_ref, object_kind, position, added_at)
     VALUES (?, ?, ?, ?, ?)`,
  )
  const remove = sqlite.prepare<[string, string]>(
    'DELETE FROM report_objects WHERE report_id = ? AND object_ref = ?',
  )

  const mustReport = (reportId: string): void => {
    if (kindOf.get(reportId) !== 'report') {
      throw new AppError('not_found', `reportId: no threat report has id ${reportId}`, {
        field: 'reportId',
      })
    }
  }

  /** Checks every ref the caller named exists as the expected sort, naming the first that does not. */
  const resolve = (
    reportId: string,
    ids: readonly string[],
    field: 'indicatorIds' | 'entityIds',
  ): { ref: string; kind: IntelRefKind }[] => {
    const nodes = refs.many(ids)
    return ids.map((id, i) => {
      const node = nodes.get(id)
      const ok = node !== undefined && (field === 'indicatorIds') === (node.kind === 'indicator')
      if (!ok || id === reportId) {
        const what = field === 'indicatorIds' ? 'indicator' : 'intel entity (other than the report)'
        throw new AppError('not_found', `${field}[${i}]: no ${what} has id ${id}`, {
          field: `${field}[${i}]`,
        })
      }
      return { ref: id, kind: node.kind }
    })
  }

  return {
    mustReport,
    /** The report's last position (-1 when empty): a filter attach numbers on from it. */
    lastPosition: (reportId: string): number => lastPosition.get(reportId) ?? -1,
    page: (q: { reportId: string; kind?: IntelRefKind; limit: number; cursor?: string }) => {
      mustReport(q.reportId)
      const [kind, position, ref] = decode(q.cursor)
      const rows =
        q.kind === undefined
          ? page.all(q.reportId, kind, position, ref, q.limit + 1)
          : kindPage.all(q.reportId, q.kind, position, ref, q.limit + 1)
      const more = rows.length > q.limit
      if (more) rows.pop()
      const nodes = refs.many(rows.map((r) => r.object_ref))
      const items: ReportObjectView[] = []
      for (const r of rows) {
        const node = nodes.get(r.object_ref)
        // An object deleted since it was attached is left out (its row goes with the next detach).
        if (node !== undefined) items.push({ ...node, position: r.position, addedAt: r.added_at })
      }
      const last = rows.at(-1)
      return {
        items,
        nextCursor: more && last ? encode(last) : null,
        total:
          q.kind === undefined
            ? (total.get(q.reportId) ?? 0)
            : (kindTotal.get(q.reportId, q.kind) ?? 0),
      }
    },
    /** Attaches named refs in one transaction (the caller holds the write queue). */
    attachRefs: (
      reportId: string,
      named: { indicatorIds?: readonly string[]; entityIds?: readonly string[] },
      now: string,
    ): AttachCounts => {
      mustReport(reportId)
      const items = [
        ...resolve(reportId, named.indicatorIds ?? [], 'indicatorIds'),
        ...resolve(reportId, named.entityIds ?? [], 'entityIds'),
      ]
      let position = (lastPosition.get(reportId) ?? -1) + 1
      let added = 0
      for (const it of items)
        added += insert.run(reportId, it.ref, it.kind, position++, now).changes
      return { added, alreadyThere: items.length - added }
    },
    /** How many indicators a filter matches, refused past what one attach may add. */
    countFilter: (filter: IndicatorFilter): number => {
      const c = countSql(buildFilterWhere(filter))
      const n =
        sqlite
          .prepare<unknown[], number>(c.sql)
          .pluck()
          .get(...c.params) ?? 0
      if (n > REPORT_ATTACH_MAX) {
        throw new AppError(
          'invalid_input',
          `filter: matches ${n} indicators; one attach adds at most ${REPORT_ATTACH_MAX}`,
          { field: 'filter' },
        )
      }
      return n
    },
    /**
     * One batch of a filter's matches after `afterRowid`; the caller holds the write queue and a
     * transaction. Returns where the next batch starts (null when the query is exhausted).
     */
    attachFilterBatch: (
      reportId: string,
      filter: IndicatorFilter,
      at: { afterRowid: number; lastPosition: number },
      now: string,
    ): AttachCounts & { next: { afterRowid: number; lastPosition: number } | null } => {
      const { afterRowid } = at
      const where = buildFilterWhere(filter)
      const prefix = where.clauses.map((c) => `${c} AND `).join('')
      const range = sqlite
        .prepare<unknown[], { n: number; upto: number | null }>(rangeSql(prefix))
        .get(...where.params, afterRowid, ATTACH_BATCH)
      if (range === undefined || range.upto === null || range.n === 0) {
        return { added: 0, alreadyThere: 0, next: null }
      }
      const added = sqlite
        .prepare(insertRangeSql(prefix))
        .run(reportId, at.lastPosition, now, ...where.params, afterRowid, range.upto).changes
      return {
        added,
        alreadyThere: range.n - added,
        next:
          range.n < ATTACH_BATCH
            ? null
            : { afterRowid: range.upto, lastPosition: at.lastPosition + range.n },
      }
    },
    detach: (reportId: string, refList: readonly string[]): number => {
      mustReport(reportId)
      let removed = 0
      for (const ref of new Set(refList)) removed += remove.run(reportId, ref).changes
      return removed
    },
  }
}
export type ReportObjects = ReturnType<typeof createReportObjects>
