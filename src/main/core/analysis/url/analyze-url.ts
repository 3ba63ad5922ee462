import shippedModel from './url-model.json'
import { type LinkScore, linkScore } from './link-score'
import { extractUrlFeatures, type UrlFacts, type UrlFeatures } from './url-features'
import {
  type FeatureContribution,
  loadUrlModel,
  predictUrl,
  type UrlModel,
  type UrlModelPrediction,
} from './url-model'

/** The model file shipped with the app (src/main/core/analysis/url/url-model.json), checked. */
export const loadShippedUrlModel = (): UrlModel => loadUrlModel(shippedModel)

export type UrlAnalysis = {
  features: UrlFeatures
  facts: UrlFacts
  linkScore: LinkScore
  prediction: Omit<UrlModelPrediction, 'contributions'> & {
    /** The `top` contributions of largest magnitude, largest first. */
    topContributions: FeatureContribution[]
  }
}

export type AnalyzeUrlOptions = { model: UrlModel; top?: number }

/**
 * Features, heuristic link score and model verdict of one URL (or bare host). Throws AppError
 * `invalid_input` for what is not an http(s) URL and `payload_too_large` past MAX_URL_LENGTH.
 */
export const analyzeUrl = (url: string, { model, top = 5 }: AnalyzeUrlOptions): UrlAnalysis => {
  const { features, facts } = extractUrlFeatures(url)
  const { contributions, ...rest } = predictUrl(model, features)
  return {
    features,
    facts,
    linkScore: linkScore(features),
    prediction: { ...rest, topContributions: contributions.slice(0, Math.max(0, top)) },
  }
}
