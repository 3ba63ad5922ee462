/**
 * Samples the process's resident set size on a timer. The timer only fires when the event loop is free, so
 * long synchronous work (a SQLite transaction) is sampled at its edges: callers may also `sample()` by hand
 * between batches to catch peaks inside tight loops.
 */
export type RssSampler = {
  sample(): void
  stop(): { peakMb: number; samples: number }
  readonly peakMb: number
}

export const startRssSampler = (intervalMs = 50): RssSampler => {
  let peak = 0
  let samples = 0
  const sample = () => {
    const rss = process.memoryUsage.rss()
    samples++
    if (rss > peak) peak = rss
  }
  sample()
  const timer = setInterval(sample, intervalMs)
  timer.unref()
  const mb = () => Math.round((peak / (1024 * 1024)) * 10) / 10
  return {
    sample,
    stop: () => {
      clearInterval(timer)
      sample()
      return { peakMb: mb(), samples }
    },
    get peakMb() {
      return mb()
    },
  }
}
