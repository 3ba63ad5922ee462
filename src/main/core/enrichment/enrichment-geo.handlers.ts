import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import { createGeoCounter } from './geo-counts'

/** How long a map of a text search waits for the search index to take in the latest writes. */
const SEARCH_FRESHNESS_MS = 250

/** The world map's counts (issue 12): where the indicators of a query or a report are hosted. */
export const createEnrichmentGeoHandlers = (
  ctx: Pick<CoreContext, 'db' | 'search'>,
): HandlerMap<'enrichment.geoCounts'> => {
  const geo = createGeoCounter(ctx.db.sqlite)
  return {
    'enrichment.geoCounts': async ({ target }) => {
      if (
        target.kind === 'query' &&
        ((target.filter.q ?? '') !== '' || target.filter.tag !== undefined)
      ) {
        await ctx.search.catchUp(SEARCH_FRESHNESS_MS)
      }
      return geo.ofTarget(target)
    },
  }
}
