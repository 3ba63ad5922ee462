import type { RELIABILITIES } from '#shared/contract/feeds.contract'

type Reliability = (typeof RELIABILITIES)[number]

/**
 * The admiralty scale's source reliability as a number, the values MISP's decay models use: A completely
 * reliable 100, B usually 75, C fairly 50, D not usually 25, E unreliable 0, F cannot be judged 50 (no
 * evidence either way, so the middle, not the bottom).
 */
export const RELIABILITY_VALUE: Readonly<Record<Reliability, number>> = {
  A: 100,
  B: 75,
  C: 50,
  D: 25,
  E: 0,
  F: 50,
}

/** The admiralty scale's information credibility (1 confirmed … 5 improbable, 6 cannot be judged). */
export const CREDIBILITY_VALUE: Readonly<Record<1 | 2 | 3 | 4 | 5 | 6, number>> = {
  1: 100,
  2: 75,
  3: 50,
  4: 25,
  5: 0,
  6: 50,
}
