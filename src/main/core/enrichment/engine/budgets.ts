import type BetterSqlite3 from 'better-sqlite3'
import type { ProviderId, RateLimit } from '#shared/contract/enrichment.schemas'

/** What taking one request from a provider's budget answered. */
export type BudgetVerdict =
  | { ok: true }
  /** The minute is spent: the request waits in the queue until `retryAt` (the next minute). */
  | { ok: false; window: 'minute'; retryAt: Date }
  /** The UTC day is spent: the request is skipped as 'budget'; a run after `retryAt` asks again. */
  | { ok: false; window: 'day'; retryAt: Date }

const MINUTE_MS = 60_000

export const utcDayOf = (d: Date): string => d.toISOString().slice(0, 10)
export const nextUtcDay = (d: Date): Date =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1))

/**
 * Per-provider budgets, from the settings (each provider's free tier by default). The minute window is in
 * memory (a restart forgets at most one minute's count); the day's count is enrichment_usage, so a restart
 * does not hand out a second day's worth. Decided here: a spent minute defers the request to the next minute
 * (it stays queued); a spent day skips it as 'budget' naming when the day resets, because a request parked
 * for up to a day would hold a scan job open and hide that the analyst's budget is gone.
 */
export const createBudgets = (sqlite: BetterSqlite3.Database) => {
  const minutes = new Map<ProviderId, { start: number; used: number }>()
  const dayUsed = sqlite
    .prepare<[string, string], number>(
      'SELECT requests FROM enrichment_usage WHERE provider = ? AND day = ?',
    )
    .pluck()
  const spend = sqlite.prepare(
    `INSERT INTO enrichment_usage (provider, day, requests) VALUES (?, ?, 1)
     ON CONFLICT (provider, day) DO UPDATE SET requests = requests + 1`,
  )
  const minuteOf = (id: ProviderId, now: Date) => {
    const start = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS
    const m = minutes.get(id)
    if (m === undefined || m.start !== start) {
      const fresh = { start, used: 0 }
      minutes.set(id, fresh)
      return fresh
    }
    return m
  }
  return {
    /** Takes one request if both windows have room; the caller runs it inside a write-queue job. */
    take(id: ProviderId, limit: RateLimit, now: Date): BudgetVerdict {
      const day = dayUsed.get(id, utcDayOf(now)) ?? 0
      if (day >= limit.perDay) return { ok: false, window: 'day', retryAt: nextUtcDay(now) }
      const m = minuteOf(id, now)
      if (m.used >= limit.perMinute)
        return { ok: false, window: 'minute', retryAt: new Date(m.start + MINUTE_MS) }
      m.used += 1
      spend.run(id, utcDayOf(now))
      return { ok: true }
    },
    used(id: ProviderId, now: Date): { minute: number; day: number } {
      return { minute: minuteOf(id, now).used, day: dayUsed.get(id, utcDayOf(now)) ?? 0 }
    },
  }
}
export type Budgets = ReturnType<typeof createBudgets>
