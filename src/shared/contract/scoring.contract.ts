import { z } from 'zod'
import { Uuid } from './common.schemas'
import { method } from './define'
import { JobSchema } from './jobs.contract'
import { RescoreFilterSchema, ScoreBreakdownSchema, VerdictSchema } from './scoring.schemas'

/**
 * Scores that explain themselves (issue 10): the breakdown of one indicator's score, the analyst's verdict
 * and the rescoring job. Shapes in scoring.schemas.ts.
 */
export const scoringContract = {
  'indicators.getScore': method({
    summary:
      "An indicator's score explained: each term with its points and why, the decay clock, and what decided the risk level",
    input: z.strictObject({ id: Uuid }),
    output: ScoreBreakdownSchema,
  }),
  'indicators.setVerdict': method({
    summary:
      "The analyst's verdict on an indicator: true positive raises its score and restarts its decay clock, false positive marks it (as indicators.markFalsePositive) and holds its score low; null clears it",
    input: z.strictObject({
      id: Uuid,
      verdict: VerdictSchema.nullable(),
      reason: z.string().max(2000).optional(),
    }),
    output: ScoreBreakdownSchema,
    mutates: true,
  }),
  'scoring.rescore': method({
    summary:
      'Recompute the scores of all indicators (or those matching the filter) as a background job: returns the job at once; follow it with jobs.get or the jobs events',
    input: z.strictObject({ filter: RescoreFilterSchema.default({}) }),
    output: JobSchema,
    mutates: true,
  }),
} as const
