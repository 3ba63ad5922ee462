import { RUN_PHASES } from '#shared/contract/feeds.contract'
import type { EventHub } from '#core/events/event-hub'
import type { IngestCounts } from '#core/ingest/ingest-counts'

export type RunPhase = (typeof RUN_PHASES)[number]

/** Minimum gap between two progress events of one run (the UI redraws a progress bar, not a log). */
export const PROGRESS_INTERVAL_MS = 250

export type ProgressReporter = {
  phase(p: RunPhase): void
  tick(): void
  /** Reads the source's byte count on every interval, so a slow download shows progress between batches. */
  watchBytes(read: () => number): void
  /** Stops the interval and sends what a throttled call left unsent (the last phase, the final counts). */
  close(): void
}

/**
 * Throttled feeds.onDidProgress events. Throttling uses the monotonic clock, not the core's Clock: tests pin
 * the core's clock, and a pinned clock must not silence or flood progress. A call that falls inside the
 * interval is not dropped but deferred to the next interval tick, so the UI always ends on the true state.
 */
export const createProgress = (opts: {
  events: EventHub
  runId: string
  feedId: string | null
  counters: IngestCounts
}): ProgressReporter => {
  const started = performance.now()
  let last = Number.NEGATIVE_INFINITY
  let phase: RunPhase = 'connecting'
  let pending = false
  let readBytes: (() => number) | null = null
  let sentBytes = -1
  const send = (now: number) => {
    last = now
    pending = false
    sentBytes = opts.counters.bytes
    const seconds = (now - started) / 1000
    opts.events.emit('feeds.onDidProgress', {
      runId: opts.runId,
      feedId: opts.feedId,
      phase,
      bytes: opts.counters.bytes,
      rows: opts.counters.rows,
      rowsPerSecond: seconds > 0 ? Math.round(opts.counters.rows / seconds) : 0,
    })
  }
  // "At most every 250 ms" is a promise to the transports: phase changes are throttled too.
  const emit = () => {
    const now = performance.now()
    if (now - last < PROGRESS_INTERVAL_MS) pending = true
    else send(now)
  }
  const timer = setInterval(() => {
    if (readBytes) opts.counters.bytes = Math.max(opts.counters.bytes, readBytes())
    if (pending || opts.counters.bytes !== sentBytes) emit()
  }, PROGRESS_INTERVAL_MS)
  // A progress bar must never keep the process (a CLI import, a test) alive.
  timer.unref()
  return {
    phase: (p) => {
      phase = p
      emit()
    },
    tick: emit,
    watchBytes: (read) => {
      readBytes = read
    },
    close: () => {
      clearInterval(timer)
      if (pending) send(performance.now())
    },
  }
}
