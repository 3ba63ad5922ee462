import type { CoreContext } from '../core-context'
import { createFeedConfigService } from './feed-config.service'
import { createFeedRunsService, type FeedRunsDeps, type FeedRunsOptions } from './feed-runs.service'
import { createFeedStore } from './engine/feed-store'

export type FeedsServiceOptions = FeedRunsOptions

export type FeedsService = ReturnType<typeof createFeedsService>

/**
 * The feeds domain: `config` (feed-config.service.ts: the feeds and the catalogue) and `runs`
 * (feed-runs.service.ts: run now, the scheduler, imports, history), sharing one feed store. The core
 * starts, idles and stops it through the runs, which own the scheduler and the running imports.
 */
export const createFeedsService = (
  ctx: CoreContext,
  opts: FeedsServiceOptions = {},
  deps?: FeedRunsDeps,
) => {
  const store = createFeedStore(ctx.db.dataSource, ctx.db.sqlite)
  const runs = createFeedRunsService(ctx, store, opts, deps)
  const config = createFeedConfigService(ctx, store, runs)
  return {
    config,
    runs,
    start: () => runs.start(),
    recover: () => runs.recover(),
    waitForIdle: () => runs.waitForIdle(),
    stop: () => runs.stop(),
  }
}
