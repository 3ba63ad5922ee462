import { RUN_PHASES } from '../../../shared/contract/feeds.contract'
import type { EventHub } from '../../events/event-hub'
import type { RunCounters } from './run-counters'

export type RunPhase = (typeof RUN_PHASES)[number]

/** Minimum gap between two progress events of one run (the UI redraws a progress bar, not a log). */
export const PROGRESS_INTERVAL_MS = 250

export type ProgressReporter = {
  phase(p: RunPhase): void
  tick(): void
}

/**
 * Throttled feeds.onDidProgress events. Throttling uses the monotonic clock, not the core's Clock: tests pin
 * the core's clock, and a pinned clock must not silence or flood progress.
 */
export const createProgress = (opts: {
  events: EventHub
  runId: string
  feedId: string | null
  counters: RunCounters
}): ProgressReporter => {
  const started = performance.now()
  let last = Number.NEGATIVE_INFINITY
  let phase: RunPhase = 'connecting'
  // Phase changes are throttled too: "at most every 250 ms" is a promise to the transports.
  const emit = () => {
    const now = performance.now()
    if (now - last < PROGRESS_INTERVAL_MS) return
    last = now
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
  return {
    phase: (p) => {
      phase = p
      emit()
    },
    tick: emit,
  }
}
