import type { FeedRun } from '#shared/contract/feeds.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { indicatorId } from '../indicators/indicator-id.node'
import { mergeLists, stringList } from './incident-row'
import type { IncidentsService } from './incidents.service'

/** The incidents a run may have reported again: the open and escalated ones (see below for resolved). */
export const ACTIVE_INCIDENTS_SQL = `SELECT id, url, indicator_id, sources, occurrences FROM incidents
WHERE status IN ('open', 'escalated')`

// By the indicator's primary key, then its observations by (indicator_rowid, source_key): one probe each.
export const REPORTED_BY_RUN_SQL = `SELECT 1 FROM indicators ind
JOIN observations o ON o.indicator_rowid = ind.rowid
WHERE ind.id = ? AND o.last_run_id = ? LIMIT 1`

const RECUR_SQL = `UPDATE incidents SET occurrences = occurrences + 1, last_seen = ?, sources = ?,
  updated_at = ? WHERE id = ?`

type ActiveRow = {
  id: string
  url: string | null
  indicator_id: string | null
  sources: string
  occurrences: number
}

const SOURCE_MAX = 200

/**
 * A feed run or import that reports a tracked URL or indicator again counts one more occurrence on its open
 * or escalated incident and adds the run's source to the incident's. A resolved incident stays resolved:
 * a list that still carries what the analyst closed is not news (analysis or a report by hand reopens it).
 */
export const countRunSightings = async (
  ctx: CoreContext,
  svc: IncidentsService,
  run: Pick<FeedRun, 'id' | 'source'>,
  by: ChangeCaller,
): Promise<number> => {
  const source = run.source.slice(0, SOURCE_MAX)
  const counted = await ctx.db.writes.run('incidents.countRunSightings', () => {
    const active = ctx.db.sqlite.prepare<[], ActiveRow>(ACTIVE_INCIDENTS_SQL).all()
    const reported = ctx.db.sqlite.prepare<[string, string], number>(REPORTED_BY_RUN_SQL).pluck()
    const recur = ctx.db.sqlite.prepare(RECUR_SQL)
    const now = ctx.clock.now().toISOString()
    return ctx.db.sqlite.transaction(() => {
      let n = 0
      for (const row of active) {
        const id = row.indicator_id ?? (row.url === null ? null : indicatorId('url', row.url))
        if (id === null || reported.get(id, run.id) === undefined) continue
        const sources = mergeLists(stringList(row.sources), [source])
        recur.run(now, JSON.stringify(sources), now, row.id)
        ctx.changes.record(by, {
          entity: 'incident',
          entityId: row.id,
          operation: 'recur',
          changes: {
            occurrences: { before: row.occurrences, after: row.occurrences + 1 },
            runId: run.id,
            source,
          },
        })
        n++
      }
      return n
    })()
  })
  if (counted > 0) svc.announceBulk()
  return counted
}

/** Follows finished runs; `idle()` waits for the counting of those already finished. */
export const startRunSightings = (ctx: CoreContext, svc: IncidentsService, by: ChangeCaller) => {
  let pending: Promise<void> = Promise.resolve()
  const off = ctx.events.on('feeds.onDidFinishRun', ({ run }) => {
    if (run.created + run.updated + run.unchanged === 0) return
    pending = pending
      .then(async () => {
        await countRunSightings(ctx, svc, run, ctx.changes.runs.get(run.id) ?? by)
      })
      .catch((e: unknown) =>
        ctx.logger.warn('incident sightings not counted', { run: run.id, error: e }),
      )
  })
  return {
    idle: () => pending,
    stop: async () => {
      off()
      await pending
    },
  }
}
