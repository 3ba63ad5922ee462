import { SCORE_TERMS, type ScoreTerm, type ScoreTermName } from '#shared/contract/scoring.schemas'
import { RELIABILITY_CONFIDENCE, type Reliability } from '#core/feeds/engine/engine-types'

/**
 * What `indicators.score_terms` holds (JSON): the breakdown as computed, and the facts the row itself lacks
 * (best reliability, highest stated confidence, the latest threat type and malware; the score an analyst
 * typed, which base_score cannot keep since a false-positive verdict holds that low).
 * The facts let the bulk writer rescore an indicator a feed reports again from the row and the new
 * observation alone, without reading every observation of it; the rescoring job recomputes them from the
 * observations.
 */
export type ScoreFacts = {
  rel: Reliability | null
  conf: number | null
  tt: string | null
  mw: string | null
  /** The score an analyst set by hand (analyst_fields' score bit says whether it applies). */
  as: number | null
}

/**
 * The points each term added, by name (terms absent from the breakdown, such as an analyst's score that
 * was never set, are absent here), and the facts.
 */
export type StoredScore = { points: Partial<Record<ScoreTermName, number>>; facts: ScoreFacts }

export const NO_FACTS: ScoreFacts = { rel: null, conf: null, tt: null, mw: null, as: null }

/** Feed text is hostile: names kept for the breakdown are cut to this length. */
const MAX_NAME = 80

export const boundName = (s: unknown): string | null =>
  typeof s !== 'string' || s === '' ? null : s.length > MAX_NAME ? `${s.slice(0, MAX_NAME)}…` : s

const RELIABILITIES = new Set<unknown>(Object.keys(RELIABILITY_CONFIDENCE))
export const asReliability = (r: unknown): Reliability | null =>
  RELIABILITIES.has(r) ? (r as Reliability) : null

/** The better of two grades (by the confidence the engine gives them; F counts as C). */
export const betterReliability = (
  a: Reliability | null,
  b: Reliability | null,
): Reliability | null => {
  if (a === null) return b
  if (b === null) return a
  return RELIABILITY_CONFIDENCE[b] > RELIABILITY_CONFIDENCE[a] ? b : a
}

/** Facts after a source said something new: best grade, highest confidence, latest names. */
export const mergeFacts = (stored: ScoreFacts, seen: ScoreFacts): ScoreFacts => ({
  rel: betterReliability(stored.rel, seen.rel),
  conf:
    stored.conf === null
      ? seen.conf
      : seen.conf === null
        ? stored.conf
        : Math.max(stored.conf, seen.conf),
  tt: seen.tt ?? stored.tt,
  mw: seen.mw ?? stored.mw,
  as: seen.as ?? stored.as,
})

/**
 * Compact on purpose: the column is written for every row of every import. The points of the terms in
 * SCORE_TERMS order (null for a term not in the breakdown) and the facts that are set, under one-letter
 * keys; the reasons are worded again when read (scoring.service.ts), from these facts and the row.
 */
export const serializeScore = (terms: readonly ScoreTerm[], facts: ScoreFacts): string => {
  const p: (number | null)[] = SCORE_TERMS.map(() => null)
  for (const t of terms) p[TERM_INDEX.get(t.term) ?? 0] = t.points
  // Terms appended to SCORE_TERMS later sit at the end: absent ones cost nothing.
  while (p.length > 0 && p[p.length - 1] === null) p.pop()
  const f: Record<string, string | number> = {}
  if (facts.rel !== null) f.r = facts.rel
  if (facts.conf !== null) f.c = facts.conf
  if (facts.tt !== null) f.t = facts.tt
  if (facts.mw !== null) f.m = facts.mw
  if (facts.as !== null) f.a = facts.as
  return JSON.stringify({ v: 2, p, f })
}

const TERM_INDEX = new Map<ScoreTermName, number>(SCORE_TERMS.map((t, i) => [t, i]))

const score0to100 = (n: unknown): number | null =>
  Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 100 ? (n as number) : null

/** The stored breakdown, or null when the column is empty or not ours (it is read, never trusted). */
export const parseStoredScore = (json: string | null): StoredScore | null => {
  if (json === null) return null
  let v: unknown
  try {
    v = JSON.parse(json)
  } catch {
    return null
  }
  if (typeof v !== 'object' || v === null) return null
  const o = v as { v?: unknown; p?: unknown; f?: unknown }
  if (o.v !== 2 || !Array.isArray(o.p)) return null
  const points: Partial<Record<ScoreTermName, number>> = {}
  ;(o.p as unknown[]).forEach((n, i) => {
    const name = SCORE_TERMS[i]
    if (name !== undefined && Number.isInteger(n)) points[name] = n as number
  })
  const f = (typeof o.f === 'object' && o.f !== null ? o.f : {}) as Record<string, unknown>
  return {
    points,
    facts: {
      rel: asReliability(f.r),
      conf: score0to100(f.c),
      tt: boundName(f.t),
      mw: boundName(f.m),
      as: score0to100(f.a),
    },
  }
}
