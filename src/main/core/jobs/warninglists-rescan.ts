import type { IocType } from '#shared/domain'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { createWarninglistHitWriter } from '../db/bulk/warninglist-hits'
import type { NamedHit } from '../warninglists/warninglist-state'

/** Indicators read per step; the changed ones of a step are written in one transaction. */
const STEP = 5000

export type RescanReport = { scanned: number; withHits: number; changed: number }

/** A job's signal and progress reporter (CallContext's, when the call runs as a job). */
export type RescanControl = {
  signal?: AbortSignal
  progress?: (done: number, total: number | null) => void
}

type Row = { rowid: number; id: string; type: IocType; value: string; hits: number }

const keyOf = (hits: readonly { listId: string; entry: string }[]): string =>
  hits
    .map((h) => `${h.listId}\u0000${h.entry}`)
    .sort()
    .join('\u0001')

/**
 * warninglists.rescan: every indicator against the lists enabled now, in rowid order, step by step. An
 * indicator whose hits differ from the stored ones gets the new count (indicators.warninglist_hits, with
 * scored_at cleared so the rescoring job takes it in) and the new hits, written through the write queue one
 * step at a time, so imports and edits interleave with a long rescan. Cancelling keeps the steps written.
 */
export const rescanWarninglistHits = async (
  deps: Pick<CoreContext, 'db' | 'clock' | 'events' | 'changes'>,
  match: (type: IocType, value: string) => NamedHit[],
  job: RescanControl,
  by: ChangeCaller,
): Promise<RescanReport> => {
  const { db } = deps
  const sqlite = db.sqlite
  const total = sqlite.prepare<[], number>('SELECT count(*) FROM indicators').pluck().get() ?? 0
  const page = sqlite.prepare<[number, number], Row>(
    `SELECT rowid, id, type, value, warninglist_hits AS hits FROM indicators
     WHERE rowid > ? ORDER BY rowid LIMIT ?`,
  )
  const stored = sqlite.prepare<[number], { listId: string; entry: string }>(
    'SELECT list_id AS listId, entry FROM indicator_warninglist_hits WHERE indicator_rowid = ?',
  )
  const setCount = sqlite.prepare<[number, number]>(
    'UPDATE indicators SET warninglist_hits = ?, scored_at = NULL WHERE rowid = ?',
  )
  const hitWriter = createWarninglistHitWriter(sqlite)
  const report: RescanReport = { scanned: 0, withHits: 0, changed: 0 }
  let after = 0
  job.progress?.(0, total)
  for (;;) {
    job.signal?.throwIfAborted()
    const rows = page.all(after, STEP)
    if (rows.length === 0) break
    after = rows[rows.length - 1].rowid
    const updates: { row: Row; hits: NamedHit[] }[] = []
    for (const row of rows) {
      const hits = match(row.type, row.value)
      if (hits.length > 0) report.withHits++
      if (hits.length === 0 && row.hits === 0) continue
      if (hits.length === row.hits && keyOf(hits) === keyOf(stored.all(row.rowid))) continue
      updates.push({ row, hits })
    }
    if (updates.length > 0) {
      await db.writes.run('warninglists.rescan', () => {
        const now = deps.clock.now().toISOString()
        sqlite.transaction(() => {
          for (const { row, hits } of updates) {
            setCount.run(hits.length, row.rowid)
            hitWriter.replace(
              row.id,
              row.rowid,
              hits.length === 0 ? null : JSON.stringify(hits.map((h) => [h.listId, h.entry])),
              now,
            )
          }
        })()
      })
      report.changed += updates.length
    }
    report.scanned += rows.length
    job.progress?.(report.scanned, Math.max(total, report.scanned))
    // Let calls answer between steps: a rescan is long and shares the thread.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  await db.writes.run('warninglists.rescanLog', () => {
    sqlite.transaction(() =>
      deps.changes.record(by, {
        entity: 'warninglist',
        entityId: null,
        operation: 'update',
        changes: { rescan: report },
      }),
    )()
  })
  if (report.changed > 0) deps.events.emit('indicators.onDidChange', { kind: 'bulk' })
  return report
}
