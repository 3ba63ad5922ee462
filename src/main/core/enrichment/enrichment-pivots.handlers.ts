import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import { createPivotQueries } from './pivots'

type PivotMethod = 'enrichment.pivots' | 'enrichment.pivot'

/** Pivots: what an indicator shares with others through enrichment, and who shares one key (pivots.ts). */
export const createEnrichmentPivotHandlers = (
  ctx: Pick<CoreContext, 'db'>,
): HandlerMap<PivotMethod> => {
  const q = createPivotQueries(ctx.db.sqlite)
  return {
    'enrichment.pivots': async ({ indicatorId }) => ({ items: q.pivots(indicatorId) }),
    'enrichment.pivot': async ({ kind, value, limit, offset }) =>
      q.pivot(kind, value, limit, offset),
  }
}
