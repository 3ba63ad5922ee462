import type { Settings } from '#shared/contract/settings.contract'
import { DEFAULT_DECAY_POLICY } from '#shared/domain/decay-policy'
import { DEFAULT_RISK_THRESHOLDS } from '#shared/domain/enums'
import type { ScoringConfig } from './compute-score'

/**
 * The scoring settings in effect, held in memory: the bulk writer scores every row of every batch with them,
 * and reading the settings row per batch would put a query on the hot path. The core sets it from the
 * settings at start and on every change.
 */
export type ScoringSettings = {
  config(): ScoringConfig
  set(config: ScoringConfig): void
}

export const scoringConfigOf = (s: Pick<Settings, 'riskThresholds' | 'decay'>): ScoringConfig => ({
  thresholds: s.riskThresholds,
  decay: s.decay,
})

export const DEFAULT_SCORING_CONFIG: ScoringConfig = {
  thresholds: DEFAULT_RISK_THRESHOLDS,
  decay: DEFAULT_DECAY_POLICY,
}

export const createScoringSettings = (
  onChange: (config: ScoringConfig) => void = () => {},
): ScoringSettings => {
  let current = DEFAULT_SCORING_CONFIG
  return {
    config: () => current,
    set: (config) => {
      current = config
      onChange(config)
    },
  }
}
