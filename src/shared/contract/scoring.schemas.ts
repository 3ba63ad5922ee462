import { z } from 'zod'
import { IOC_TYPES, RISK_LEVELS } from '../domain/enums'
import { Uuid } from './common.schemas'

/**
 * The score breakdown's shapes, apart from scoring.contract.ts so the jobs contract can name the rescoring
 * job's result without importing the scoring methods (which return jobs).
 */

/**
 * The named terms of a score (src/main/core/scoring). A stored breakdown keeps points by position here, so a
 * new term is appended and a name is never removed or moved: young_domain took the slot of the enrichment
 * placeholder (always 0) it replaced.
 */
export const SCORE_TERMS = [
  'source_reliability',
  'sources',
  'sightings',
  'source_confidence',
  'classification',
  'threat_context',
  'url_analysis',
  'young_domain',
  'warninglist',
  'analyst_severity',
  'analyst_score',
  'analyst_verdict',
  'hosting_asn',
  'provider_verdicts',
] as const
export const ScoreTermNameSchema = z.enum(SCORE_TERMS)
export type ScoreTermName = (typeof SCORE_TERMS)[number]

export const ScoreTermSchema = z.object({
  term: ScoreTermNameSchema,
  /** What the term added (negative: took away) before the sum was held to 0-100. */
  points: z.number().int(),
  /** Why, in the analyst's words ("source reliability B (usually reliable)"). */
  detail: z.string(),
})
export type ScoreTerm = z.infer<typeof ScoreTermSchema>

export const VERDICTS = ['true_positive', 'false_positive'] as const
export const VerdictSchema = z.enum(VERDICTS)
export type Verdict = (typeof VERDICTS)[number]

export const RiskDecidedBySchema = z.enum(['score', 'severity'])
export type RiskDecidedBy = z.infer<typeof RiskDecidedBySchema>

export const ScoreBreakdownSchema = z.object({
  id: z.string(),
  /** The score before decay: the terms' sum held to 0-100. */
  baseScore: z.number().int().min(0).max(100),
  /** baseScore aged by the decay clock, now (the number lists sort by). */
  score: z.number().int().min(0).max(100),
  terms: z.array(ScoreTermSchema),
  riskLevel: z.enum(RISK_LEVELS),
  /** 'severity' when an analyst set the severity: it decides the risk level, never silently. */
  riskDecidedBy: RiskDecidedBySchema,
  /** The risk level the score alone would give (differs from riskLevel only when severity decided). */
  scoreRiskLevel: z.enum(RISK_LEVELS),
  /** Why the risk level is what it is, in one sentence. */
  riskReason: z.string(),
  /** When the decay clock last (re)started: latest sighting by a source or analyst confirmation. */
  decayFrom: z.string(),
  /** When the decayed score reaches the revoke threshold; null when it never will. */
  expiresAt: z.string().nullable(),
  expired: z.boolean(),
  /** The decay rule of the indicator's type, as settings have it now. */
  decay: z.object({ lifetimeDays: z.number(), speed: z.number(), revokeScore: z.number() }),
  verdict: VerdictSchema.nullable(),
  verdictAt: z.string().nullable(),
  /** When the terms were computed (null: never scored; the breakdown is computed now). */
  scoredAt: z.string().nullable(),
})
export type ScoreBreakdown = z.infer<typeof ScoreBreakdownSchema>

/** Which indicators a rescoring job covers: all, or those matching every given field. */
export const RescoreFilterSchema = z.strictObject({
  type: z.enum(IOC_TYPES).optional(),
  feedId: Uuid.optional(),
  /** Only indicators never scored (scored_at null): what an upgrade left behind. */
  unscoredOnly: z.boolean().optional(),
})
export type RescoreFilter = z.infer<typeof RescoreFilterSchema>

export const RescoreReportSchema = z.object({
  /** Indicators whose terms were recomputed. */
  scored: z.number().int().min(0),
  /** Of those, how many are expired now. */
  expired: z.number().int().min(0),
  /** Whose stored score or risk level changed. */
  changed: z.number().int().min(0),
  ms: z.number().min(0),
})
export type RescoreReport = z.infer<typeof RescoreReportSchema>
