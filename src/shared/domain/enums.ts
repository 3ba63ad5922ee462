// The closed vocabularies of the domain. Each is a readonly tuple so zod schemas, SQL CHECKs and UI pickers
// are all generated from one list.

export const IOC_TYPES = [
  'ip',
  'ipv6',
  'cidr',
  'domain',
  'url',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'email',
  'cve',
  'attack-technique',
  'registry-key',
  'mutex',
  'bitcoin-address',
  'ethereum-address',
  'file-name',
  'custom',
] as const
export type IocType = (typeof IOC_TYPES)[number]

/**
 * What the extractor recognises. Every kind but 'attack-tactic' is an IocType of the same name; tactics are
 * listed so the analyst sees them, but an indicator is an observable and a tactic is not one (`iocType` is
 * null for it).
 */
export const EXTRACT_KINDS = [
  'ip',
  'ipv6',
  'cidr',
  'domain',
  'url',
  'email',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'cve',
  'attack-technique',
  'registry-key',
  'attack-tactic',
  'bitcoin-address',
  'ethereum-address',
  'file-name',
] as const
export type ExtractKind = (typeof EXTRACT_KINDS)[number]

export const CLASSIFICATIONS = ['malicious', 'suspicious', 'benign', 'unknown'] as const
export type Classification = (typeof CLASSIFICATIONS)[number]

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

export const RISK_LEVELS = ['safe', 'low', 'medium', 'high', 'critical'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const
export type Tlp = (typeof TLP_LEVELS)[number]

/** Rank used for sorting by severity (higher is worse) so SQL can ORDER BY an integer. */
export const SEVERITY_RANK: Record<Severity, number> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
}

/** The lowest score of each risk band above 'safe' (settings: riskThresholds), strictly increasing. */
export type RiskThresholds = { low: number; medium: number; high: number; critical: number }

/** The common quintiles analysts already read in MISP/OpenCTI dashboards. */
export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = {
  low: 20,
  medium: 40,
  high: 60,
  critical: 80,
}

/** The risk band a 0-100 score falls in, with the bands from settings. */
export const riskLevelFor = (score: number, t: RiskThresholds): RiskLevel => {
  if (score >= t.critical) return 'critical'
  if (score >= t.high) return 'high'
  if (score >= t.medium) return 'medium'
  if (score >= t.low) return 'low'
  return 'safe'
}

/**
 * Risk level as a pure function of the score with the default bands: for code that has no settings at hand.
 * The core computes stored risk levels with the bands from settings (src/main/core/scoring).
 */
export const riskLevelFromScore = (score: number): RiskLevel =>
  riskLevelFor(score, DEFAULT_RISK_THRESHOLDS)

export const assertNever = (value: never, what = 'value'): never => {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`)
}
