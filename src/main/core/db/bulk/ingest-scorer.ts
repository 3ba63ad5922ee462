import type { Verdict } from '#shared/contract/scoring.schemas'
import type { Classification, IocType, RiskLevel, Severity } from '#shared/domain/enums'
import {
  decayAndDecide,
  scoreTerms,
  type ScoreInputs,
  type ScoringConfig,
} from '#core/scoring/compute-score'
import { parseEnrichmentSignal } from '#core/scoring/enrichment-terms'
import { serializeScore, type ScoreFacts } from '#core/scoring/score-record'

/**
 * Scores rows as the bulk writer writes them, from what the batch has in hand (the merged row, the
 * observation, the feed's grade): no second pass over the observations. The terms depend on a handful of
 * values that repeat across an import (one feed, one grade, a few classifications and malware names), so
 * their breakdown and its JSON are computed once per distinct combination and reused; only the decay,
 * which depends on each row's type and clock, is computed per row.
 */

/** The scoring columns of one row, as the writer stores them. */
export type ScoreColumns = {
  baseScore: number
  score: number
  riskLevel: RiskLevel
  riskDecidedBy: 'score' | 'severity'
  termsJson: string
  decayFrom: string
  expiresAt: string | null
  expired: boolean
}

/** What the writer knows about a row when it scores it (ScoreInputs without the derived names). */
export type RowScoreInputs = {
  type: IocType
  facts: ScoreFacts
  sourceCount: number
  sightingCount: number
  analystConfidence: number | null
  classification: Classification
  urlScore: number | null
  /** indicators.enrichment_signal as stored (null for a new row): parsed only when a memo misses. */
  enrichmentJson: string | null
  warninglistHits: number
  verdict: Verdict | null
  analystSeverity: Severity | null
  analystScore: number | null
  decayFrom: string
}

export type IngestScorer = {
  score(row: RowScoreInputs): ScoreColumns
}

/** Distinct term combinations kept per scorer; past it the memo starts again (hostile feeds vary names). */
const MEMO_MAX = 4096

const SEP = '\u0001'

export const createIngestScorer = (config: ScoringConfig, nowIso: string): IngestScorer => {
  const nowMs = Date.parse(nowIso)
  const memo = new Map<string, { baseScore: number; termsJson: string }>()
  return {
    score: (r) => {
      const f = r.facts
      const key =
        `${f.rel}${SEP}${f.conf}${SEP}${f.tt}${SEP}${f.mw}${SEP}${f.as}${SEP}${r.sourceCount}${SEP}${r.sightingCount}` +
        `${SEP}${r.analystConfidence}${SEP}${r.classification}${SEP}${r.urlScore}${SEP}${r.warninglistHits}` +
        `${SEP}${r.verdict}${SEP}${r.analystSeverity}${SEP}${r.analystScore}${SEP}${r.enrichmentJson}`
      let terms = memo.get(key)
      if (terms === undefined) {
        const inputs: ScoreInputs = {
          type: r.type,
          reliability: f.rel,
          sourceCount: r.sourceCount,
          sightingCount: r.sightingCount,
          sourceConfidence: f.conf,
          analystConfidence: r.analystConfidence,
          classification: r.classification,
          threatType: f.tt,
          malware: f.mw,
          urlScore: r.urlScore,
          warninglistHits: r.warninglistHits,
          enrichment: parseEnrichmentSignal(r.enrichmentJson),
          verdict: r.verdict,
          analystSeverity: r.analystSeverity,
          analystScore: r.analystScore,
          decayFrom: r.decayFrom,
        }
        const s = scoreTerms(inputs)
        terms = { baseScore: s.baseScore, termsJson: serializeScore(s.terms, f) }
        if (memo.size >= MEMO_MAX) memo.clear()
        memo.set(key, terms)
      }
      const d = decayAndDecide(terms.baseScore, r, config, nowMs)
      return {
        baseScore: terms.baseScore,
        score: d.score,
        riskLevel: d.riskLevel,
        riskDecidedBy: d.riskDecidedBy,
        termsJson: terms.termsJson,
        decayFrom: r.decayFrom,
        expiresAt: d.expiresAt,
        expired: d.expired,
      }
    },
  }
}

/**
 * When the decay clock of a row starts or restarts: the moment a source reported it (its last seen, else
 * now), never in the future, never earlier than a restart already recorded.
 */
export const restartedClock = (
  stored: string | null,
  observedAt: string | null,
  nowIso: string,
): string => {
  const seen = observedAt === null || observedAt > nowIso ? nowIso : observedAt
  return stored !== null && stored >= seen ? stored : seen
}
