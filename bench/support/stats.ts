/** Percentile by nearest rank over a copy (sorting the caller's array would surprise it). */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((x, y) => x - y)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Times `fn` once and returns its result with the elapsed milliseconds (performance.now resolution). */
export const timed = <T>(fn: () => T): { value: T; ms: number } => {
  const t0 = performance.now()
  const value = fn()
  return { value, ms: performance.now() - t0 }
}

export const timedAsync = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - t0 }
}

/** Latency distribution of `fn` over every input; returns milliseconds. */
export const measureLatencies = <I>(inputs: readonly I[], fn: (input: I) => unknown): number[] =>
  inputs.map((input) => {
    const t0 = performance.now()
    fn(input)
    return performance.now() - t0
  })

export const forceGc = (): void => {
  // Present only under `node --expose-gc`; the benchmarks ask for it so RSS figures are not GC noise.
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) gc()
}
