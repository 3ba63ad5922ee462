import { callerOf } from '../audit/change-log'
import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import { rowToIndicator } from './indicator-row'
import { importIndicators, type ImportOptions } from '#core/ingest/bulk-create'
import { createIndicatorsService } from './indicators.service'

type IndicatorMethod =
  | 'indicators.list'
  | 'indicators.listAt'
  | 'indicators.count'
  | 'indicators.search'
  | 'indicators.get'
  | 'indicators.lookup'
  | 'indicators.reportedIn'
  | 'indicators.create'
  | 'indicators.update'
  | 'indicators.delete'
  | 'indicators.bulkCreate'
  | 'indicators.markFalsePositive'
  | 'indicators.activate'
  | 'indicators.recent'
  | 'indicators.counts'

/**
 * How long a search waits for the index to take in the latest writes. The index is built on another thread
 * (src/main/db/search): an analyst who just created or edited an indicator finds it, while during a big
 * import a search answers from the index as it is rather than waiting for the import.
 */
const SEARCH_FRESHNESS_MS = 250

/** The indicators domain of the contract. `opts` tunes the bulk path (tests use small batches). */
export const createIndicatorHandlers = (
  ctx: CoreContext,
  opts: Pick<ImportOptions, 'batchSize'> = {},
): HandlerMap<IndicatorMethod> => {
  const svc = createIndicatorsService(ctx)
  const fresh = async (filter?: { q?: string; tag?: string }) => {
    if (filter === undefined || ((filter.q ?? '') === '' && filter.tag === undefined)) return
    await ctx.search.catchUp(SEARCH_FRESHNESS_MS)
  }
  const page = (p: ReturnType<typeof svc.repo.page>) => ({
    items: p.rows.map(rowToIndicator),
    nextCursor: p.nextCursor,
  })
  return {
    'indicators.list': async (input) => {
      await fresh(input.filter)
      return page(svc.repo.page(input))
    },
    'indicators.listAt': async (input) => {
      await fresh(input.filter)
      return page(svc.repo.pageAt(input))
    },
    'indicators.count': async ({ filter }) => {
      await fresh(filter)
      return { total: svc.repo.count(filter) }
    },
    'indicators.search': async (input) => {
      await fresh({ q: input.q })
      return page(svc.repo.search(input))
    },
    'indicators.get': async ({ id }) => svc.get(id),
    'indicators.lookup': async ({ type, value }) => svc.lookup(value, type),
    'indicators.reportedIn': async ({ id }) => svc.reportedIn(id),
    'indicators.create': (input, call) => svc.create(input, callerOf(call)),
    'indicators.update': ({ id, patch }, call) => svc.update(id, patch, callerOf(call)),
    'indicators.delete': ({ id }, call) => svc.delete(id, callerOf(call)),
    'indicators.bulkCreate': (input, call) =>
      importIndicators(ctx, input, {
        ...opts,
        signal: call.signal,
        by: callerOf(call),
        progress: call.progress,
      }),
    'indicators.markFalsePositive': ({ id, falsePositive, reason }, call) =>
      svc.markFalsePositive(id, falsePositive, reason, callerOf(call)),
    'indicators.activate': ({ id }, call) => svc.activate(id, callerOf(call)),
    'indicators.recent': async ({ days, limit, cursor }) =>
      page(svc.repo.recent({ sinceIso: svc.since(days), limit, cursor })),
    'indicators.counts': async ({ projectId }) => svc.repo.counts(projectId),
  }
}
