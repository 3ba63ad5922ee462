import type { ScoreTerm, Verdict } from '#shared/contract/scoring.schemas'
import type { Classification, Severity } from '#shared/domain/enums'
import { RELIABILITY_CONFIDENCE, type Reliability } from '#core/feeds/engine/engine-types'

/**
 * The named terms of an indicator's score, one pure function each. Their points add up to the base score
 * (held to 0-100); the weights are the ones an analyst would argue for, written down in docs/architecture.md
 * ("Scoring"):
 * - evidence about the source comes first (reliability up to 35), then agreement between independent
 *   sources (up to 20) and repeated sightings (up to 6);
 * - what the sources said: their confidence (-15 .. +15 around 50), their classification (malicious +20,
 *   benign -25), a named malware family (+8) and threat type (+5);
 * - analysis: the URL model's verdict (-15 .. +15 around 50); enrichment: provider verdicts (-8 .. +20),
 *   a young domain and a hosting or bulletproof ASN (up to 20 together): enrichment-terms.ts;
 * - known-benign lists take a lot away (-30, -40 from two lists on), because a hit is usually decisive;
 * - the analyst has the last word: severity (-20 .. +15), a hand-set score replaces the sum, a true
 *   positive adds 25, a false positive holds the score at FALSE_POSITIVE_CAP whatever the rest says.
 */

/** Most of what a sum can reach is about the evidence; a false positive is held at this score. */
export const FALSE_POSITIVE_CAP = 10

export const RELIABILITY_LABEL: Record<Reliability, string> = {
  A: 'completely reliable',
  B: 'usually reliable',
  C: 'fairly reliable',
  D: 'not usually reliable',
  E: 'unreliable',
  F: 'reliability cannot be judged',
}

/** A feed's admiralty grade as points: 5 + 0.3 × the engine's confidence of the grade (A 35 … E 5). */
export const reliabilityTerm = (best: Reliability | null): ScoreTerm => {
  // An analyst chose to enter or import it: counted as a usually reliable source (B), so that a bare
  // indicator starts above the revoke threshold instead of expiring the moment it is entered.
  if (best === null) {
    return {
      term: 'source_reliability',
      points: Math.round(5 + 0.3 * RELIABILITY_CONFIDENCE.B),
      detail: 'no rated feed (entered or imported by an analyst): counted as B, usually reliable',
    }
  }
  return {
    term: 'source_reliability',
    points: Math.round(5 + 0.3 * RELIABILITY_CONFIDENCE[best]),
    detail: `best source reliability ${best} (${RELIABILITY_LABEL[best]})`,
  }
}

/** Independent sources that agree: 12 × log2(n), at most 20 (2 sources 12, 3 sources 19). */
export const sourcesTerm = (sourceCount: number): ScoreTerm => {
  if (sourceCount <= 0)
    return { term: 'sources', points: 0, detail: 'no feed has reported it (entered by hand)' }
  if (sourceCount === 1) return { term: 'sources', points: 0, detail: 'reported by 1 source' }
  return {
    term: 'sources',
    points: Math.min(20, Math.round(12 * Math.log2(sourceCount))),
    detail: `reported by ${sourceCount} independent sources`,
  }
}

/** Sightings beyond each source's first: 2 × log2(1 + extra), at most 6. */
export const sightingsTerm = (sightingCount: number, sourceCount: number): ScoreTerm => {
  const extra = Math.max(0, sightingCount - Math.max(sourceCount, 0))
  if (extra === 0) {
    return {
      term: 'sightings',
      points: 0,
      detail: `${sightingCount} sighting${sightingCount === 1 ? '' : 's'}, none repeated`,
    }
  }
  return {
    term: 'sightings',
    points: Math.min(6, Math.round(2 * Math.log2(1 + extra))),
    detail: `${sightingCount} sightings (${extra} repeated by a source that reported it before)`,
  }
}

/** The highest confidence a source stated (or the analyst's, if set): 0.3 × (c − 50), -15 .. +15. */
export const confidenceTerm = (
  sourceConfidence: number | null,
  analystConfidence: number | null,
): ScoreTerm => {
  const c = analystConfidence ?? sourceConfidence
  if (c === null)
    return { term: 'source_confidence', points: 0, detail: 'no source stated a confidence' }
  return {
    term: 'source_confidence',
    points: Math.round(0.3 * (c - 50)),
    detail:
      analystConfidence !== null
        ? `confidence ${c} (set by an analyst)`
        : `highest confidence a source stated: ${c}`,
  }
}

const CLASSIFICATION_POINTS: Record<Classification, number> = {
  malicious: 20,
  suspicious: 10,
  unknown: 0,
  benign: -25,
}

export const classificationTerm = (c: Classification): ScoreTerm => ({
  term: 'classification',
  points: CLASSIFICATION_POINTS[c],
  detail: c === 'unknown' ? 'no source classified it' : `classified ${c}`,
})

/** A named malware family (+8) and a threat type (+5): a source that names the threat knows it. */
export const threatContextTerm = (threatType: string | null, malware: string | null): ScoreTerm => {
  const parts: string[] = []
  let points = 0
  if (malware !== null && malware !== '') {
    points += 8
    parts.push(`malware ${malware}`)
  }
  if (threatType !== null && threatType !== '') {
    points += 5
    parts.push(`threat type ${threatType}`)
  }
  return {
    term: 'threat_context',
    points,
    detail: parts.length === 0 ? 'no threat type or malware named' : parts.join(', '),
  }
}

/** The URL analysis verdict (0-100): 0.3 × (s − 50), -15 .. +15. */
export const urlAnalysisTerm = (urlScore: number | null): ScoreTerm =>
  urlScore === null
    ? { term: 'url_analysis', points: 0, detail: 'not analysed' }
    : {
        term: 'url_analysis',
        points: Math.round(0.3 * (urlScore - 50)),
        detail: `URL analysis scored it ${urlScore}`,
      }

export const warninglistTerm = (hits: number): ScoreTerm => {
  if (hits <= 0) return { term: 'warninglist', points: 0, detail: 'on no known-benign list' }
  return {
    term: 'warninglist',
    points: hits === 1 ? -30 : -40,
    detail: `on ${hits} known-benign list${hits === 1 ? '' : 's'}`,
  }
}

const SEVERITY_POINTS: Record<Severity, number> = {
  critical: 15,
  high: 10,
  medium: 0,
  low: -10,
  info: -20,
}

export const analystSeverityTerm = (severity: Severity | null): ScoreTerm =>
  severity === null
    ? { term: 'analyst_severity', points: 0, detail: 'severity not set by an analyst' }
    : {
        term: 'analyst_severity',
        points: SEVERITY_POINTS[severity],
        detail: `an analyst set the severity to ${severity}`,
      }

/** A score the analyst typed replaces what the other terms add up to. */
export const analystScoreTerm = (analystScore: number, sumOfOthers: number): ScoreTerm => ({
  term: 'analyst_score',
  points: analystScore - sumOfOthers,
  detail: `an analyst set the score to ${analystScore} (the other terms add up to ${sumOfOthers})`,
})

/**
 * True positive: +25. False positive: whatever brings the score down to FALSE_POSITIVE_CAP (never up).
 * `sumBefore` is what the other terms add up to.
 */
export const verdictTerm = (verdict: Verdict | null, sumBefore: number): ScoreTerm => {
  if (verdict === 'true_positive')
    return {
      term: 'analyst_verdict',
      points: 25,
      detail: 'confirmed a true positive by an analyst',
    }
  if (verdict === 'false_positive') {
    return {
      term: 'analyst_verdict',
      points: Math.min(0, FALSE_POSITIVE_CAP - sumBefore),
      detail: `marked a false positive: the score is held at ${FALSE_POSITIVE_CAP} or below`,
    }
  }
  return { term: 'analyst_verdict', points: 0, detail: 'no analyst verdict' }
}
