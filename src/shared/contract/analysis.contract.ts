import { z } from 'zod'
import { ClassificationSchema, IocTypeSchema, SeveritySchema } from './indicators.contract'
import { IncidentSchema } from './incidents.contract'
import { Timestamp, Uuid } from './common.schemas'
import { method } from './define'

/** A URL past this is refused before any work (the URL engine's own bound). */
export const ANALYZE_URL_MAX_CHARS = 65_536

const Severity = z.number().int().min(0).max(100)

export const URL_VERDICTS = ['malicious', 'suspicious', 'benign'] as const
export const UrlVerdictLabelSchema = z.enum(URL_VERDICTS)

export const SEVERITY_SOURCES = ['database', 'link_score', 'model'] as const

export const FeatureContributionSchema = z.object({
  name: z.string(),
  value: z.number(),
  /** (value - mean) / scale, as the model saw it. */
  standardised: z.number(),
  /** Its share of the log-odds, positive towards phishing. */
  contribution: z.number(),
})
export type FeatureContributionView = z.infer<typeof FeatureContributionSchema>

/** An indicator in the local database that the URL, its host, its domain or its address matched. */
export const UrlMatchSchema = z.object({
  indicatorId: Uuid,
  type: IocTypeSchema,
  value: z.string(),
  on: z.enum(['url', 'host', 'domain', 'ip']),
  classification: ClassificationSchema,
  severity: SeveritySchema,
  score: Severity,
  /** Malicious or suspicious, active and not a false positive: a match that counts towards severity. */
  knownBad: z.boolean(),
})

export const UrlVerdictSchema = z.object({
  /** The URL as analysed (scheme and host normalised). */
  url: z.string(),
  /** malicious: a known-bad match or the model says phishing; suspicious: the link score alone. */
  verdict: UrlVerdictLabelSchema,
  /** Anything triggered: analysis opened or updated an incident. */
  isThreat: z.boolean(),
  /** The seed's rule: the largest term that triggered, 0 when none did. */
  severity: Severity,
  /** Every source that triggered, largest first. */
  sources: z.array(z.object({ source: z.enum(SEVERITY_SOURCES), severity: Severity })),
  /** Set when a known-benign warninglist removed the link-score and model terms. */
  suppressedBy: z.string().nullable(),
  linkScore: z.object({
    score: Severity,
    reasons: z.array(z.object({ feature: z.string(), points: z.number() })),
  }),
  model: z.object({
    name: z.string(),
    version: z.string(),
    label: z.enum(['phishing', 'benign']),
    probability: z.number().min(0).max(1),
    logit: z.number(),
  }),
  /** The model's largest contributions, largest magnitude first. */
  topContributions: z.array(FeatureContributionSchema),
  facts: z.object({
    host: z.string(),
    registeredDomain: z.string(),
    tld: z.string(),
    brand: z
      .object({ brand: z.string(), label: z.string(), kind: z.string(), distance: z.number() })
      .nullable(),
    brandsInSubdomain: z.array(z.string()),
    suspiciousWords: z.array(z.string()),
  }),
  matches: z.array(UrlMatchSchema),
  warninglists: z.array(z.object({ list: z.string(), entry: z.string(), on: z.string() })),
  /** The stored ml_predictions row. */
  predictionId: Uuid,
  /** The incident analysis opened or counted one more occurrence on; null when nothing triggered. */
  trackingRecord: IncidentSchema.nullable(),
  analyzedAt: Timestamp,
})
export type UrlVerdict = z.infer<typeof UrlVerdictSchema>

export const analysisContract = {
  'analysis.analyzeUrl': method({
    summary:
      'Analyse a URL (features, link score, model, local matches, warninglists); a threat opens or updates an incident',
    input: z.strictObject({
      url: z.string().trim().min(1).max(ANALYZE_URL_MAX_CHARS),
      /** How many feature contributions to return. */
      top: z.number().int().min(1).max(30).default(5),
      tags: z.array(z.string().trim().min(1).max(128)).max(64).default([]),
    }),
    output: UrlVerdictSchema,
    mutates: true,
  }),
} as const
