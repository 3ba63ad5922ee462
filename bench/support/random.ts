/**
 * A seeded PRNG (mulberry32): benchmarks must generate the same rows on every run and for every contender,
 * so runs are comparable and the raw baseline sees exactly the input our path sees.
 */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number
  int(maxExclusive: number): number
  pick<T>(items: readonly T[]): T
  hex(length: number): string
  chance(p: number): boolean
}

export const createRandom = (seed: number): Random => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number): number => Math.floor(next() * max)
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    hex: (length) => {
      let s = ''
      while (s.length < length) s += int(0x100000000).toString(16).padStart(8, '0')
      return s.slice(0, length)
    },
    chance: (p) => next() < p,
  }
}
