import { AppError } from '#shared/contract/errors'
import type { IndicatorFilter } from '#shared/contract/indicators.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import type { AttachCounts, ReportObjects } from './intel-reports'

export type AttachRequest = {
  reportId: string
  indicatorIds?: string[]
  filter?: IndicatorFilter
  entityIds?: string[]
}

/**
 * Attaching to and detaching from a threat report. Named refs go in one transaction; a filter's matches go
 * in batches, each its own write-queue job (a million-indicator query must not hold the queue), and the
 * call stops between batches when its caller goes away. One change log entry per call, written with the
 * report's new updatedAt once everything is in.
 */
export const createReportWrites = (
  ctx: CoreContext,
  reports: ReportObjects,
  announce: (reportId: string) => void,
) => {
  const { db, clock } = ctx
  const nowIso = () => clock.now().toISOString()
  const touch = db.sqlite.prepare<[string, string]>(
    'UPDATE intel_entities SET updated_at = ? WHERE id = ?',
  )

  const finish = (
    reportId: string,
    by: ChangeCaller,
    operation: 'attach' | 'detach',
    changes: Record<string, unknown>,
  ) =>
    db.writes.run(`intel.${operation}`, () =>
      db.sqlite.transaction(() => {
        touch.run(nowIso(), reportId)
        ctx.changes.record(by, { entity: 'intel_entity', entityId: reportId, operation, changes })
      })(),
    )

  const attach = async (
    req: AttachRequest,
    by: ChangeCaller,
    signal?: AbortSignal,
  ): Promise<AttachCounts> => {
    const totals: AttachCounts = { added: 0, alreadyThere: 0 }
    const add = (c: AttachCounts) => {
      totals.added += c.added
      totals.alreadyThere += c.alreadyThere
    }
    if (req.indicatorIds !== undefined || req.entityIds !== undefined) {
      add(
        await db.writes.run('intel.attachToReport', () =>
          db.sqlite.transaction(() => reports.attachRefs(req.reportId, req, nowIso()))(),
        ),
      )
    }
    const filter = req.filter
    if (filter !== undefined) {
      reports.mustReport(req.reportId)
      reports.countFilter(filter)
      let at: { afterRowid: number; lastPosition: number } | null = {
        afterRowid: 0,
        lastPosition: reports.lastPosition(req.reportId),
      }
      while (at !== null) {
        if (signal?.aborted) {
          throw new AppError('cancelled', `attach stopped after adding ${totals.added}`, totals)
        }
        const from: { afterRowid: number; lastPosition: number } = at
        const batch = await db.writes.run('intel.attachToReport', () =>
          db.sqlite.transaction(() =>
            reports.attachFilterBatch(req.reportId, filter, from, nowIso()),
          )(),
        )
        add(batch)
        at = batch.next
      }
    }
    await finish(req.reportId, by, 'attach', {
      ...totals,
      indicatorIds: req.indicatorIds?.length ?? 0,
      entityIds: req.entityIds?.length ?? 0,
      ...(filter === undefined ? {} : { filter }),
    })
    announce(req.reportId)
    return totals
  }

  const detach = async (
    reportId: string,
    refs: readonly string[],
    by: ChangeCaller,
  ): Promise<{ removed: number }> => {
    const removed = await db.writes.run('intel.detachFromReport', () =>
      db.sqlite.transaction(() => {
        const n = reports.detach(reportId, refs)
        touch.run(nowIso(), reportId)
        ctx.changes.record(by, {
          entity: 'intel_entity',
          entityId: reportId,
          operation: 'detach',
          changes: { removed: n, refs: refs.slice(0, 100) },
        })
        return n
      })(),
    )
    announce(reportId)
    return { removed }
  }

  return { attach, detach }
}
