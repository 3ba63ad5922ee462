import type { CoreContext } from '../core'
import { createIndicatorBulkWriter } from '../db/bulk/indicator-bulk'
import type { HandlerMap } from '../rpc/handlers'
import { rowToIndicator } from './indicator-row'
import { importIndicators, type ImportOptions } from './indicator-import'
import { createIndicatorsService } from './indicators.service'

type IndicatorMethod =
  | 'indicators.list'
  | 'indicators.count'
  | 'indicators.search'
  | 'indicators.get'
  | 'indicators.lookup'
  | 'indicators.create'
  | 'indicators.update'
  | 'indicators.delete'
  | 'indicators.bulkCreate'
  | 'indicators.markFalsePositive'
  | 'indicators.activate'
  | 'indicators.recent'
  | 'indicators.counts'

/** The indicators domain of the contract. `opts` tunes the bulk path (tests use small batches). */
export const createIndicatorHandlers = (
  ctx: CoreContext,
  opts: Pick<ImportOptions, 'batchSize'> = {},
): HandlerMap<IndicatorMethod> => {
  const svc = createIndicatorsService(ctx)
  const writer = createIndicatorBulkWriter(ctx.db.sqlite)
  const page = (p: ReturnType<typeof svc.repo.page>) => ({
    items: p.rows.map(rowToIndicator),
    nextCursor: p.nextCursor,
  })
  return {
    'indicators.list': async (input) => page(svc.repo.page(input)),
    'indicators.count': async ({ filter }) => ({ total: svc.repo.count(filter) }),
    'indicators.search': async (input) => page(svc.repo.search(input)),
    'indicators.get': async ({ id }) => svc.get(id),
    'indicators.lookup': async ({ type, value }) => svc.lookup(value, type),
    'indicators.create': (input) => svc.create(input),
    'indicators.update': ({ id, patch }) => svc.update(id, patch),
    'indicators.delete': ({ id }) => svc.delete(id),
    'indicators.bulkCreate': (input, call) =>
      importIndicators(ctx, input, { ...opts, writer, signal: call.signal }),
    'indicators.markFalsePositive': ({ id, falsePositive, reason }) =>
      svc.markFalsePositive(id, falsePositive, reason),
    'indicators.activate': ({ id }) => svc.activate(id),
    'indicators.recent': async ({ days, limit, cursor }) =>
      page(svc.repo.recent({ sinceIso: svc.since(days), limit, cursor })),
    'indicators.counts': async ({ projectId }) => svc.repo.counts(projectId),
  }
}
