import { Cron } from 'croner'
import type { Logger } from '../platform/logger'

export type ScheduledFeed = { id: string; name: string; schedule: string | null; enabled: boolean }

export type FeedScheduler = {
  /** Re-reads the schedules: adds, replaces and removes timers so they match `feeds`. */
  sync(feeds: readonly ScheduledFeed[]): void
  nextRunAt(feedId: string): string | null
  /** Stops every timer; runs already started are the service's to drain. */
  stop(): void
}

/**
 * croner timers for enabled feeds with a schedule. The callback only asks the service to start a run: the
 * service enforces one run per feed (a tick while the previous run is still going is skipped), and owns
 * cancellation and draining. With `start: false` (tests, CLI one-shots) timers are created paused, so next
 * run times are still known but nothing fires.
 */
export const createFeedScheduler = (opts: {
  start: boolean
  onDue(feedId: string): void
  logger: Logger
}): FeedScheduler => {
  const jobs = new Map<string, { cron: Cron; schedule: string }>()
  let stopped = false

  const remove = (id: string) => {
    jobs.get(id)?.cron.stop()
    jobs.delete(id)
  }

  return {
    sync(feeds) {
      if (stopped) return
      const wanted = new Map(feeds.filter((f) => f.enabled && f.schedule).map((f) => [f.id, f]))
      for (const id of [...jobs.keys()]) {
        if (wanted.get(id)?.schedule !== jobs.get(id)?.schedule) remove(id)
      }
      for (const [id, feed] of wanted) {
        if (jobs.has(id)) continue
        const schedule = feed.schedule as string
        try {
          const cron = new Cron(schedule, { paused: !opts.start, unref: true, catch: true }, () =>
            opts.onDue(id),
          )
          jobs.set(id, { cron, schedule })
        } catch (e) {
          // The contract validates schedules; a row written by an older version may still be bad.
          opts.logger.warn('feed schedule ignored', { feed: feed.name, schedule, error: e })
        }
      }
    },
    nextRunAt(id) {
      return jobs.get(id)?.cron.nextRun()?.toISOString() ?? null
    },
    stop() {
      stopped = true
      for (const id of [...jobs.keys()]) remove(id)
    },
  }
}
