import type { RiskDecidedBy, ScoreTerm, Verdict } from '#shared/contract/scoring.schemas'
import type { DecayPolicy } from '#shared/domain/decay-policy'
import {
  riskLevelFor,
  type Classification,
  type IocType,
  type RiskLevel,
  type RiskThresholds,
  type Severity,
} from '#shared/domain/enums'
import type { Reliability } from '#core/feeds/engine/engine-types'
import type { EnrichmentSignal } from '#core/enrichment/enrichment-signal'
import { applyDecay, decayModelFor } from './decay'
import { enrichmentTerms } from './enrichment-terms'
import {
  analystScoreTerm,
  analystSeverityTerm,
  classificationTerm,
  confidenceTerm,
  reliabilityTerm,
  sightingsTerm,
  sourcesTerm,
  threatContextTerm,
  urlAnalysisTerm,
  verdictTerm,
  warninglistTerm,
} from './score-terms'

/** What scoring needs from settings: the risk bands and the decay rules. */
export type ScoringConfig = { thresholds: RiskThresholds; decay: DecayPolicy }

/** Everything the terms read about one indicator. */
export type ScoreInputs = {
  type: IocType
  /** The best admiralty grade among the feeds that reported it; null: none rated (hand-entered). */
  reliability: Reliability | null
  sourceCount: number
  sightingCount: number
  /** The highest confidence a source stated; null: none did. */
  sourceConfidence: number | null
  /** Set when an analyst edited the confidence. */
  analystConfidence: number | null
  classification: Classification
  threatType: string | null
  malware: string | null
  urlScore: number | null
  warninglistHits: number
  /** What enrichment found (indicators.enrichment_signal); null: not enriched, or nothing the score weighs. */
  enrichment: EnrichmentSignal | null
  /** An analyst's verdict; a false-positive mark counts as a false-positive verdict. */
  verdict: Verdict | null
  /** Set when an analyst edited the severity: a term, and it decides the risk level. */
  analystSeverity: Severity | null
  /** Set when an analyst typed the score by hand: it replaces the terms' sum. */
  analystScore: number | null
  /** When the decay clock started (ISO-8601). */
  decayFrom: string
}

export type ScoreResult = {
  baseScore: number
  /** The decayed score, rounded (the stored `score`). */
  score: number
  terms: ScoreTerm[]
  riskLevel: RiskLevel
  riskDecidedBy: RiskDecidedBy
  scoreRiskLevel: RiskLevel
  decayFrom: string
  expiresAt: string | null
  expired: boolean
}

/** The risk level an analyst's severity stands for. */
export const SEVERITY_RISK: Record<Severity, RiskLevel> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'safe',
}

const clamp = (n: number): number => Math.min(100, Math.max(0, Math.round(n)))

/** The terms and the base score (before decay): everything that does not depend on the clock. */
export const scoreTerms = (i: ScoreInputs): { terms: ScoreTerm[]; baseScore: number } => {
  const terms: ScoreTerm[] = [
    reliabilityTerm(i.reliability),
    sourcesTerm(i.sourceCount),
    sightingsTerm(i.sightingCount, i.sourceCount),
    confidenceTerm(i.sourceConfidence, i.analystConfidence),
    classificationTerm(i.classification),
    threatContextTerm(i.threatType, i.malware),
    urlAnalysisTerm(i.urlScore),
    ...enrichmentTerms(i.enrichment, i.type),
    warninglistTerm(i.warninglistHits),
    analystSeverityTerm(i.analystSeverity),
  ]
  let sum = 0
  for (const t of terms) sum += t.points
  if (i.analystScore !== null) {
    const t = analystScoreTerm(i.analystScore, sum)
    terms.push(t)
    sum += t.points
  }
  const verdict = verdictTerm(i.verdict, clamp(sum))
  terms.push(verdict)
  // The cap of a false positive applies to the held sum, so a very negative sum is not pushed up.
  const baseScore =
    i.verdict === 'false_positive' ? clamp(sum) + verdict.points : clamp(sum + verdict.points)
  return { terms, baseScore: clamp(baseScore) }
}

/**
 * The risk level, and what decided it: an analyst's severity when there is one (unless the analyst also
 * called it a false positive: that verdict holds the score low and the score decides), else the score.
 */
export const decideRisk = (
  score: number,
  analystSeverity: Severity | null,
  verdict: Verdict | null,
  thresholds: RiskThresholds,
): { riskLevel: RiskLevel; riskDecidedBy: RiskDecidedBy; scoreRiskLevel: RiskLevel } => {
  const scoreRiskLevel = riskLevelFor(score, thresholds)
  if (analystSeverity !== null && verdict !== 'false_positive') {
    return { riskLevel: SEVERITY_RISK[analystSeverity], riskDecidedBy: 'severity', scoreRiskLevel }
  }
  return { riskLevel: scoreRiskLevel, riskDecidedBy: 'score', scoreRiskLevel }
}

/** Applies decay at `nowMs` to a base score and decides the risk level. */
export const decayAndDecide = (
  baseScore: number,
  i: Pick<ScoreInputs, 'type' | 'decayFrom' | 'analystSeverity' | 'verdict'>,
  config: ScoringConfig,
  nowMs: number,
): Omit<ScoreResult, 'baseScore' | 'terms'> => {
  const model = decayModelFor(config.decay, i.type)
  const from = Date.parse(i.decayFrom)
  const d = applyDecay(
    baseScore,
    model,
    Number.isFinite(from) ? from : nowMs,
    nowMs,
    config.decay.revokeScore,
  )
  const score = Math.round(d.score)
  return {
    score,
    ...decideRisk(score, i.analystSeverity, i.verdict, config.thresholds),
    decayFrom: i.decayFrom,
    expiresAt: d.expiresAt,
    expired: d.expired,
  }
}

/** The whole score of one indicator at `now`: terms, base, decay, risk level and what decided it. */
export const computeScore = (i: ScoreInputs, config: ScoringConfig, now: Date): ScoreResult => {
  const { terms, baseScore } = scoreTerms(i)
  return { baseScore, terms, ...decayAndDecide(baseScore, i, config, now.getTime()) }
}

/** One sentence for the breakdown: why the risk level is what it is. */
export const riskReason = (
  r: Pick<ScoreResult, 'riskLevel' | 'riskDecidedBy' | 'scoreRiskLevel' | 'score'>,
): string =>
  r.riskDecidedBy === 'severity'
    ? r.scoreRiskLevel === r.riskLevel
      ? `${r.riskLevel}: the analyst's severity and the score (${r.score}) agree`
      : `${r.riskLevel}: decided by the analyst's severity; the score (${r.score}) alone would say ${r.scoreRiskLevel}`
    : `${r.riskLevel}: decided by the score (${r.score})`
