import type { SearchCoverage } from '#shared/contract/indicators.contract'
import { callerOf } from '../audit/change-log'
import { COMPLETE_COVERAGE, createSearchCoverageReader } from '../db/search/search-coverage'
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
 * import or a rebuild a search answers from the index as it is rather than waiting, and says so
 * (`partial`, with how far the index has got) instead of passing a miss off as "not found".
 */
const SEARCH_FRESHNESS_MS = 250

/** The indicators domain of the contract. `opts` tunes the bulk path (tests use small batches). */
export const createIndicatorHandlers = (
  ctx: CoreContext,
  opts: Pick<ImportOptions, 'batchSize'> = {},
): HandlerMap<IndicatorMethod> => {
  const svc = createIndicatorsService(ctx)
  const coverage = createSearchCoverageReader(ctx.db.sqlite)
  /** For a filter that searches text: waits a moment for the index, then says what it could see. */
  const fresh = async (filter?: {
    q?: string
    tag?: string
  }): Promise<SearchCoverage | Record<string, never>> => {
    if (filter === undefined || ((filter.q ?? '') === '' && filter.tag === undefined)) return {}
    if (await ctx.search.catchUp(SEARCH_FRESHNESS_MS)) return COMPLETE_COVERAGE
    return coverage.read(svc.repo.count({}))
  }
  const page = (p: ReturnType<typeof svc.repo.page>) => ({
    items: p.rows.map(rowToIndicator),
    nextCursor: p.nextCursor,
  })
  return {
    'indicators.list': async (input) => {
      const seen = await fresh(input.filter)
      return { ...page(svc.repo.page(input)), ...seen }
    },
    'indicators.listAt': async (input) => {
      const seen = await fresh(input.filter)
      return { ...page(svc.repo.pageAt(input)), ...seen }
    },
    'indicators.count': async ({ filter }) => {
      const seen = await fresh(filter)
      return { total: svc.repo.count(filter), ...seen }
    },
    'indicators.search': async (input) => {
      const seen = await fresh({ q: input.q })
      return { ...page(svc.repo.search(input)), ...COMPLETE_COVERAGE, ...seen }
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
