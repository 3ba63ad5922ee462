import type BetterSqlite3 from 'better-sqlite3'
import {
  SummaryStatsSchema,
  type SummaryFormat,
  type SummaryReport,
  type SummaryReportDetail,
  type SummaryStats,
  type SummaryStatus,
  type SummaryType,
} from '#shared/contract/summaries.schemas'
import { titleOf } from './summary-periods'

export type SummaryRow = {
  id: string
  type: SummaryType
  range_start: string
  range_end: string
  status: SummaryStatus
  trigger: 'manual' | 'scheduled'
  stats: string | null
  format: SummaryFormat
  file_path: string | null
  file_size: number | null
  error: string | null
  created_at: string
  finished_at: string | null
}

const COLUMNS = `id, type, range_start, range_end, status, "trigger", stats, format, file_path, file_size,
  error, created_at, finished_at`

export const rowToSummary = (r: SummaryRow): SummaryReport => ({
  id: r.id,
  type: r.type,
  title: titleOf({ type: r.type, start: r.range_start, end: r.range_end }),
  rangeStart: r.range_start,
  rangeEnd: r.range_end,
  status: r.status,
  trigger: r.trigger,
  format: r.format,
  filePath: r.file_path,
  fileSize: r.file_size,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
})

/** Stats written by an older version that no longer parse are left out rather than failing the read. */
const statsOf = (json: string | null): SummaryStats | null => {
  if (json === null) return null
  const parsed = SummaryStatsSchema.safeParse(JSON.parse(json))
  return parsed.success ? parsed.data : null
}

export const rowToSummaryDetail = (r: SummaryRow): SummaryReportDetail => ({
  ...rowToSummary(r),
  stats: statsOf(r.stats),
})

/** The summary_reports table (migration 0018): raw statements on the core's connection. */
export const createSummariesRepository = (db: BetterSqlite3.Database) => {
  const byId = db.prepare<[string], SummaryRow>(
    `SELECT ${COLUMNS} FROM summary_reports WHERE id = ?`,
  )
  const byPeriod = db.prepare<[string, string, string], SummaryRow>(
    `SELECT ${COLUMNS} FROM summary_reports WHERE type = ? AND range_start = ? AND range_end = ?`,
  )
  const insert = db.prepare<SummaryRow>(
    `INSERT INTO summary_reports (${COLUMNS}) VALUES (@id, @type, @range_start, @range_end, @status,
       @trigger, @stats, @format, @file_path, @file_size, @error, @created_at, @finished_at)`,
  )
  const requeue = db.prepare<[SummaryFormat, string, string, string]>(
    `UPDATE summary_reports SET status = 'queued', format = ?, "trigger" = ?, error = NULL,
       finished_at = NULL, created_at = ? WHERE id = ?`,
  )
  const setRunning = db.prepare<[string]>(
    `UPDATE summary_reports SET status = 'running' WHERE id = ?`,
  )
  const setDone = db.prepare<[string, string, number, string, string]>(
    `UPDATE summary_reports SET status = 'done', stats = ?, file_path = ?, file_size = ?, error = NULL,
       finished_at = ? WHERE id = ?`,
  )
  const setFailed = db.prepare<[string, string, string]>(
    `UPDATE summary_reports SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`,
  )
  const remove = db.prepare<[string]>('DELETE FROM summary_reports WHERE id = ?')
  const unfinished = db.prepare<[string, string]>(
    `UPDATE summary_reports SET status = 'failed', error = ?, finished_at = ?
     WHERE status IN ('queued', 'running')`,
  )

  return {
    get: (id: string): SummaryRow | undefined => byId.get(id),
    byPeriod: (type: SummaryType, start: string, end: string): SummaryRow | undefined =>
      byPeriod.get(type, start, end),
    insert: (row: SummaryRow) => insert.run(row),
    requeue: (id: string, format: SummaryFormat, trigger: SummaryRow['trigger'], now: string) =>
      requeue.run(format, trigger, now, id),
    running: (id: string) => setRunning.run(id),
    done: (id: string, stats: SummaryStats, path: string, size: number, now: string) =>
      setDone.run(JSON.stringify(stats), path, size, now, id),
    failed: (id: string, error: string, now: string) => setFailed.run(error.slice(0, 500), now, id),
    delete: (id: string) => remove.run(id).changes > 0,
    /** Reports a process left queued or running when it ended: nothing will finish them. */
    failUnfinished: (now: string) =>
      unfinished.run('ThreatEye stopped before this report was written', now).changes,
    list(q: { type?: SummaryType; status?: readonly SummaryStatus[]; limit: number }) {
      const where: string[] = []
      const params: (string | number)[] = []
      if (q.type !== undefined) {
        where.push('type = ?')
        params.push(q.type)
      }
      if (q.status !== undefined) {
        where.push(`status IN (${q.status.map(() => '?').join(', ')})`)
        params.push(...q.status)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const items = db
        .prepare<(string | number)[], SummaryRow>(
          `SELECT ${COLUMNS} FROM summary_reports ${clause}
           ORDER BY created_at DESC, id DESC LIMIT ?`,
        )
        .all(...params, q.limit)
      const total =
        db
          .prepare<(string | number)[], number>(`SELECT count(*) FROM summary_reports ${clause}`)
          .pluck()
          .get(...params) ?? 0
      return { items, total }
    },
  }
}

export type SummariesRepository = ReturnType<typeof createSummariesRepository>
