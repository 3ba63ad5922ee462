import type BetterSqlite3 from 'better-sqlite3'
import { CORE_CALLER, type ChangeCaller } from '#core/audit/change-caller'
import type { ChangeLog } from '#core/audit/change-log'
import { AppError } from '#shared/contract/errors'
import type { FeedRun, FeedRunDetail } from '#shared/contract/feeds.contract'
import type { IngestCounts } from '#core/ingest/ingest-counts'
import type { RunOwner, StoredOwner } from './run-owner'

type RunStatus = FeedRun['status']
type RunTrigger = FeedRun['trigger']

type RunRow = {
  id: string
  feed_id: string | null
  source: string
  format: string
  trigger: string
  status: string
  started_at: string
  finished_at: string | null
  bytes: number
  rows: number
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number
  allowlisted: number
  objects: number
  by_type: string
  error: string | null
  duration_ms: number | null
}

const toRun = (r: RunRow): FeedRun => ({
  id: r.id,
  feedId: r.feed_id,
  source: r.source,
  format: r.format,
  trigger: r.trigger as RunTrigger,
  status: r.status as RunStatus,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  bytes: r.bytes,
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  duplicates: r.duplicates,
  rejected: r.rejected,
  allowlisted: r.allowlisted,
  objects: r.objects,
  byType: JSON.parse(r.by_type) as Record<string, number>,
  error: r.error,
  durationMs: r.duration_ms,
})

const encodeCursor = (r: FeedRun): string =>
  Buffer.from(`${r.startedAt}|${r.id}`).toString('base64url')
const decodeCursor = (c: string): [string, string] => {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|')
  if (!at || !id)
    throw new AppError('invalid_input', `cursor: '${c.slice(0, 40)}' is not a cursor of feeds.runs`)
  return [at, id]
}

// Start-up reads and closes only the open runs, along IDX_feed_runs_open (0008), never the whole history;
// the heartbeat updates live runs by primary key. Their plans are tested (0008's migration test).
export const OPEN_RUNS_SQL = `SELECT id, owner_pid AS ownerPid, owner_instance AS ownerInstance,
    owner_host AS ownerHost, heartbeat_at AS heartbeatAt
  FROM feed_runs WHERE status IN ('queued', 'running')`
export const RUN_HEARTBEAT_SQL = `UPDATE feed_runs SET heartbeat_at = ?
  WHERE id = ? AND status IN ('queued', 'running')`

/**
 * feed_runs and feed_run_rejects through raw statements: the counters are updated inside every batch
 * transaction, so the run row always matches what is committed. Callers run writes on the write queue.
 */
export type RunStore = ReturnType<typeof createRunStore>

export const createRunStore = (sqlite: BetterSqlite3.Database, changes?: ChangeLog) => {
  const insert = sqlite.prepare(
    `INSERT INTO feed_runs (id, feed_id, source, format, trigger, status, started_at,
       owner_pid, owner_instance, owner_host, heartbeat_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const heartbeat = sqlite.prepare(RUN_HEARTBEAT_SQL)
  const setStatus = sqlite.prepare('UPDATE feed_runs SET status = ? WHERE id = ?')
  const setFormat = sqlite.prepare('UPDATE feed_runs SET format = ? WHERE id = ?')
  const setCounters = sqlite.prepare(
    `UPDATE feed_runs SET bytes = ?, rows = ?, created = ?, updated = ?, unchanged = ?, duplicates = ?,
       rejected = ?, allowlisted = ?, objects = ?, by_type = ? WHERE id = ?`,
  )
  const finish = sqlite.prepare(
    'UPDATE feed_runs SET status = ?, finished_at = ?, error = ?, duration_ms = ? WHERE id = ?',
  )
  const insertReject = sqlite.prepare(
    'INSERT INTO feed_run_rejects (run_id, line, value, reason) VALUES (?, ?, ?, ?)',
  )
  const insertNote = sqlite.prepare(
    'INSERT INTO feed_run_notes (run_id, line, message) VALUES (?, ?, ?)',
  )
  const get = sqlite.prepare('SELECT * FROM feed_runs WHERE id = ?')
  const notes = sqlite.prepare(
    'SELECT line, message FROM feed_run_notes WHERE run_id = ? ORDER BY line, id',
  )
  const rejects = sqlite.prepare(
    'SELECT line, value, reason FROM feed_run_rejects WHERE run_id = ? ORDER BY line, id',
  )
  const lastOfFeed = sqlite.prepare(
    'SELECT * FROM feed_runs WHERE feed_id = ? ORDER BY started_at DESC, id DESC LIMIT 1',
  )
  const openRuns = sqlite.prepare(OPEN_RUNS_SQL)
  const isOpen = sqlite
    .prepare(`SELECT 1 FROM feed_runs WHERE id = ? AND status IN ('queued', 'running')`)
    .pluck()
  const interrupt = sqlite.prepare(
    `UPDATE feed_runs SET status = 'failed', finished_at = ?, error = ?
     WHERE id = ? AND status IN ('queued', 'running')`,
  )

  const writeCounters = (id: string, c: IngestCounts) =>
    setCounters.run(
      c.bytes,
      c.rows,
      c.created,
      c.updated,
      c.unchanged,
      c.duplicates,
      c.rejected,
      c.allowlisted,
      c.objects,
      JSON.stringify(c.byType),
      id,
    )

  return {
    /** Records the start in the change log, in the same transaction as the row. */
    create: sqlite.transaction(
      (run: {
        id: string
        feedId: string | null
        source: string
        format: string
        trigger: RunTrigger
        startedAt: string
        caller?: ChangeCaller
        owner: RunOwner
        /** The first heartbeat, in machine time (see RunLiveness). */
        heartbeatAt: string
      }) => {
        insert.run(
          run.id,
          run.feedId,
          run.source.slice(0, 500),
          run.format,
          run.trigger,
          'queued',
          run.startedAt,
          run.owner.pid,
          run.owner.instance,
          run.owner.host,
          run.heartbeatAt,
        )
        // Its batches and its finish are recorded for the same caller (see RunCallers).
        const by = run.caller ?? CORE_CALLER
        changes?.runs.set(run.id, by)
        changes?.record(by, {
          entity: 'feed_run',
          entityId: run.id,
          operation: 'run_start',
          changes: {
            feedId: run.feedId,
            source: run.source,
            format: run.format,
            trigger: run.trigger,
          },
        })
      },
    ),
    /** The owner's sign of life on its live runs (a finished run keeps its last one). */
    heartbeat: sqlite.transaction((ids: readonly string[], at: string) => {
      for (const id of ids) heartbeat.run(at, id)
    }),
    isOpen: (id: string): boolean => isOpen.get(id) !== undefined,
    setStatus(id: string, status: RunStatus) {
      setStatus.run(status, id)
    },
    setFormat(id: string, format: string) {
      setFormat.run(format, id)
    },
    /** Inside a batch transaction: the row then always agrees with the committed batches. */
    writeCounters,
    /** Final status, counters and the capped reject list, in one transaction. */
    finish: sqlite.transaction(
      (
        id: string,
        status: RunStatus,
        finishedAt: string,
        c: IngestCounts,
        error: string | null,
        durationMs: number,
      ) => {
        writeCounters(id, c)
        finish.run(status, finishedAt, error, durationMs, id)
        for (const r of c.rejects) insertReject.run(id, r.line, r.value, r.reason)
        for (const n of c.notes) insertNote.run(id, n.line, n.message)
        const { rejects: _listed, notes: _noted, ...counts } = c
        const by = changes?.runs.get(id) ?? CORE_CALLER
        changes?.runs.delete(id)
        changes?.record(by, {
          entity: 'feed_run',
          entityId: id,
          operation: 'run_finish',
          changes: { status, ...counts, error, durationMs },
        })
      },
    ),
    get(id: string): FeedRun | null {
      const r = get.get(id) as RunRow | undefined
      return r ? toRun(r) : null
    },
    getDetail(id: string): FeedRunDetail | null {
      const r = get.get(id) as RunRow | undefined
      if (!r) return null
      return {
        ...toRun(r),
        rejects: rejects.all(id) as FeedRunDetail['rejects'],
        notes: notes.all(id) as FeedRunDetail['notes'],
      }
    },
    lastOfFeed(feedId: string): FeedRun | null {
      const r = lastOfFeed.get(feedId) as RunRow | undefined
      return r ? toRun(r) : null
    },
    /** Newest first, keyset-paged on (started_at, id). */
    list(opts: { feedId?: string; limit: number; cursor?: string }): {
      items: FeedRun[]
      nextCursor: string | null
    } {
      const where: string[] = []
      const params: unknown[] = []
      if (opts.feedId) {
        where.push('feed_id = ?')
        params.push(opts.feedId)
      }
      if (opts.cursor) {
        const [at, id] = decodeCursor(opts.cursor)
        where.push('(started_at < ? OR (started_at = ? AND id < ?))')
        params.push(at, at, id)
      }
      const sql = `SELECT * FROM feed_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY started_at DESC, id DESC LIMIT ?`
      const rows = sqlite.prepare(sql).all(...params, opts.limit + 1) as RunRow[]
      const items = rows.slice(0, opts.limit).map(toRun)
      const last = items[items.length - 1]
      return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null }
    },
    /**
     * Closes the open runs whose owner is gone (`goneReason` answers null for a live one), each with its
     * finish in the change log. The runs of processes still working on this data are left alone.
     */
    closeAbandoned: sqlite.transaction(
      (
        now: string,
        goneReason: (run: StoredOwner & { id: string }) => string | null,
      ): { id: string; reason: string }[] => {
        const error = 'Interrupted: ThreatEye stopped during this run; committed batches were kept'
        const closed: { id: string; reason: string }[] = []
        for (const run of openRuns.all() as (StoredOwner & { id: string })[]) {
          const reason = goneReason(run)
          if (reason === null || interrupt.run(now, error, run.id).changes === 0) continue
          closed.push({ id: run.id, reason })
          changes?.runs.delete(run.id)
          changes?.record(CORE_CALLER, {
            entity: 'feed_run',
            entityId: run.id,
            operation: 'run_finish',
            changes: { status: 'failed', error, ownerGone: reason },
          })
        }
        return closed
      },
    ),
  }
}
