import { z } from 'zod'
import { AppError } from '#shared/contract'
import { URL_FEATURE_NAMES, type UrlFeatureName, type UrlFeatures } from './url-features'

const FeatureNameSchema = z.enum(URL_FEATURE_NAMES)

/** The shipped model file: a logistic regression over standardised features, with its provenance. */
export const UrlModelSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  kind: z.literal('logistic-regression'),
  /** Probability at or above which the verdict is `phishing`. */
  threshold: z.number().gt(0).lt(1),
  intercept: z.number().finite(),
  features: z
    .array(
      z.object({
        name: FeatureNameSchema,
        mean: z.number().finite(),
        scale: z.number().finite().positive(),
        weight: z.number().finite(),
      }),
    )
    .min(1),
  training: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
})
export type UrlModel = z.infer<typeof UrlModelSchema>

/** A model file's JSON, checked: unknown feature names, duplicates or non-finite numbers are refused. */
export const loadUrlModel = (json: unknown): UrlModel => {
  const parsed = UrlModelSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError(
      'invalid_input',
      `URL model is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { issues: parsed.error.issues.slice(0, 10) },
    )
  }
  const seen = new Set<UrlFeatureName>()
  for (const f of parsed.data.features) {
    if (seen.has(f.name)) {
      throw new AppError('invalid_input', `URL model names feature '${f.name}' twice`)
    }
    seen.add(f.name)
  }
  return parsed.data
}

export type FeatureContribution = {
  name: UrlFeatureName
  value: number
  /** (value - mean) / scale, as the model saw it. */
  standardised: number
  /** weight x standardised: its share of the log-odds, positive towards phishing. */
  contribution: number
}

export type UrlModelPrediction = {
  model: { name: string; version: string }
  /** Log-odds: intercept plus every contribution. */
  logit: number
  probability: number
  label: 'phishing' | 'benign'
  /** Every feature's contribution, largest magnitude first. */
  contributions: FeatureContribution[]
}

const sigmoid = (z: number): number =>
  z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))

export const predictUrl = (model: UrlModel, features: UrlFeatures): UrlModelPrediction => {
  const contributions = model.features.map(({ name, mean, scale, weight }) => {
    const value = features[name]
    const standardised = (value - mean) / scale
    return { name, value, standardised, contribution: weight * standardised }
  })
  const logit = contributions.reduce((sum, c) => sum + c.contribution, model.intercept)
  const probability = sigmoid(logit)
  contributions.sort(
    (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.name.localeCompare(b.name),
  )
  return {
    model: { name: model.name, version: model.version },
    logit,
    probability,
    label: probability >= model.threshold ? 'phishing' : 'benign',
    contributions,
  }
}
