import type { ScoreTerm } from '#shared/contract/scoring.schemas'
import { SCORE_TERMS } from '#shared/contract/scoring.schemas'
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

export type StoredScore = { v: 1; terms: ScoreTerm[]; facts: ScoreFacts }

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

export const serializeScore = (terms: readonly ScoreTerm[], facts: ScoreFacts): string =>
  JSON.stringify({ v: 1, terms, facts } satisfies {
    v: 1
    terms: readonly ScoreTerm[]
    facts: ScoreFacts
  })

const TERM_NAMES = new Set<unknown>(SCORE_TERMS)

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
  const o = v as { v?: unknown; terms?: unknown; facts?: unknown }
  if (o.v !== 1 || !Array.isArray(o.terms)) return null
  const terms: ScoreTerm[] = []
  for (const t of o.terms as unknown[]) {
    if (typeof t !== 'object' || t === null) continue
    const { term, points, detail } = t as Record<string, unknown>
    if (TERM_NAMES.has(term) && Number.isInteger(points) && typeof detail === 'string') {
      terms.push({ term: term as ScoreTerm['term'], points: points as number, detail })
    }
  }
  const f = (typeof o.facts === 'object' && o.facts !== null ? o.facts : {}) as Record<
    string,
    unknown
  >
  return {
    v: 1,
    terms,
    facts: {
      rel: asReliability(f.rel),
      conf: typeof f.conf === 'number' && Number.isFinite(f.conf) ? f.conf : null,
      tt: boundName(f.tt),
      mw: boundName(f.mw),
      as:
        Number.isInteger(f.as) && (f.as as number) >= 0 && (f.as as number) <= 100
          ? (f.as as number)
          : null,
    },
  }
}
