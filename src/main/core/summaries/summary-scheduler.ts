import type { Job } from '#shared/contract/jobs.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { Clock } from '../platform/clock'
import type { Logger } from '../platform/logger'
import { lastDue, nextDue, type Period } from './summary-periods'
import { publicSchedule, type StoredSchedule } from './summary-schedule'

/** The change log's caller for scheduled reports. */
export const SCHEDULER_CALLER: ChangeCaller = {
  transport: 'scheduler',
  actor: 'scheduler',
  method: 'summaries.generate',
}

/**
 * The longest a timer waits before looking again: a laptop that slept, or a clock set forward, is noticed
 * within this, not only when the timer set for the next due time finally fires.
 */
export const SCHEDULER_RECHECK_MS = 15 * 60_000

export type SummaryTimers = {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const nodeTimers: SummaryTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
}

export type SummaryScheduler = {
  /**
   * Generates the last due period of each schedule that is on, unless that period has a report already.
   * Run at start-up it is the catch-up (one report for the latest period missed while the app was closed,
   * not one per missed period); run by the timer it is the regular run. Answers the jobs it started.
   */
  check(): Promise<Job[]>
  /** Checks now and keeps checking at each due time; call again after the schedule changes. */
  start(): Promise<void>
  stop(): void
}

/**
 * Daily and weekly summary reports on their schedule. The clock and the timers are parameters: tests move
 * a fixed clock and call check(). Two checks for one period (a timer and a start-up, two processes) make one
 * report: `ensure` skips a period that has one, on the write queue, and the table's unique (type, range)
 * holds it across processes.
 */
export const createSummaryScheduler = (opts: {
  clock: Clock
  logger: Logger
  readSchedule: () => Promise<StoredSchedule>
  ensure: (period: Period, by: ChangeCaller) => Promise<Job | null>
  timers?: SummaryTimers
}): SummaryScheduler => {
  const timers = opts.timers ?? nodeTimers
  let handle: unknown = null
  let running = false

  const check = async (): Promise<Job[]> => {
    const stored = await opts.readSchedule()
    const schedule = publicSchedule(stored)
    const now = opts.clock.now()
    const started: Job[] = []
    for (const type of ['daily', 'weekly'] as const) {
      const s = stored[type]
      if (!s.enabled) continue
      const due = lastDue(type, schedule, now)
      // Due before the schedule was turned on: not this schedule's to make.
      if (s.since !== null && due.at.getTime() < new Date(s.since).getTime()) continue
      try {
        const job = await opts.ensure(due.period, SCHEDULER_CALLER)
        if (job !== null) started.push(job)
      } catch (e) {
        opts.logger.warn('scheduled summary not started', { type, error: e })
      }
    }
    return started
  }

  const arm = async () => {
    if (!running) return
    const stored = await opts.readSchedule()
    const schedule = publicSchedule(stored)
    const now = opts.clock.now()
    const waits = (['daily', 'weekly'] as const)
      .filter((t) => stored[t].enabled)
      .map((t) => nextDue(t, schedule, now).getTime() - now.getTime())
    const wait = Math.min(SCHEDULER_RECHECK_MS, ...waits)
    if (handle !== null) timers.clear(handle)
    handle = timers.set(
      () => {
        handle = null
        void tick()
      },
      Math.max(1000, wait),
    )
  }

  const tick = async () => {
    try {
      await check()
    } catch (e) {
      opts.logger.warn('summary schedule check failed', { error: e })
    }
    try {
      await arm()
    } catch (e) {
      // The database is closing, or the schedule cannot be read: the next start arms it again.
      opts.logger.warn('summary schedule not armed', { error: e })
    }
  }

  return {
    check,
    start: async () => {
      running = true
      await tick()
    },
    stop: () => {
      running = false
      if (handle !== null) timers.clear(handle)
      handle = null
    },
  }
}

/** When each schedule is next due (null: off). */
export const nextRuns = (
  stored: StoredSchedule,
  now: Date,
): { nextDaily: string | null; nextWeekly: string | null } => {
  const schedule = publicSchedule(stored)
  return {
    nextDaily: stored.daily.enabled ? nextDue('daily', schedule, now).toISOString() : null,
    nextWeekly: stored.weekly.enabled ? nextDue('weekly', schedule, now).toISOString() : null,
  }
}
