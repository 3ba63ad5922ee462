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

/**
 * Risk level is a pure function of the 0-100 score, so it can never disagree with it. The bands are the
 * common quintiles analysts already read in MISP/OpenCTI dashboards.
 */
export const riskLevelFromScore = (score: number): RiskLevel => {
  if (score >= 80) return 'critical'
  if (score >= 60) return 'high'
  if (score >= 40) return 'medium'
  if (score >= 20) return 'low'
  return 'safe'
}

export const assertNever = (value: never, what = 'value'): never => {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`)
}
