import type { RunCountersSnapshot } from '#core/db/bulk-worker/protocol'
import { MAX_LISTED_REJECTS } from '#shared/contract/indicators.contract'

export type FeedRunReject = { line: number; value: string; reason: string }

/** Longest rejected value kept in a report: feed data is hostile and a report must stay small. */
export const MAX_REJECT_VALUE = 200
const MAX_REASON = 480

/** The numbers of one run. Mutated in place by the pipeline; copied into feed_runs as batches commit. */
export type RunCounters = RunCountersSnapshot & {
  /** The first MAX_LISTED_REJECTS rejects (`rejected` counts all of them). */
  rejects: FeedRunReject[]
}

export const emptyCounters = (): RunCounters => ({
  bytes: 0,
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  duplicates: 0,
  rejected: 0,
  objects: 0,
  byType: {},
  rejects: [],
})

const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s)

/** Counts a reject as a row read, and lists it while the list has room. */
export const addReject = (c: RunCounters, r: FeedRunReject): void => {
  c.rows++
  c.rejected++
  if (c.rejects.length < MAX_LISTED_REJECTS) {
    c.rejects.push({
      line: r.line,
      value: cut(r.value, MAX_REJECT_VALUE),
      reason: cut(r.reason, MAX_REASON),
    })
  }
}
