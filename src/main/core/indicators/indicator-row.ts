import type { Indicator } from '#shared/contract/indicators.contract'
import type { Classification, IocType, RiskLevel, Severity, Tlp } from '#shared/domain/enums'

/** What a new indicator gets for every field the caller leaves out. */
export const INDICATOR_DEFAULTS = {
  classification: 'unknown',
  confidence: 50,
  severity: 'medium',
  score: 50,
  // Sharing restrictions are never looser than asked: an unlabelled indicator is not for public sharing.
  tlp: 'amber',
} as const satisfies {
  classification: Classification
  confidence: number
  severity: Severity
  score: number
  tlp: Tlp
}

/** An `indicators` row as raw statements read it (booleans are 0/1, JSON columns are text). */
export type IndicatorRow = {
  rowid: number
  id: string
  type: IocType
  value: string
  classification: Classification
  confidence: number
  severity: Severity
  severity_rank: number
  score: number
  risk_level: RiskLevel
  tlp: Tlp
  first_seen: string | null
  last_seen: string | null
  description: string
  tags: string
  mitre_tactics: string
  mitre_techniques: string
  active: number
  false_positive: number
  enrichment: string | null
  project_id: string | null
  source_count: number
  sighting_count: number
  /** Bit set of analyst-edited fields (ANALYST_FIELD, src/main/core/db/bulk/indicator-merge.ts). */
  analyst_fields: number
  /** 0/1: the decayed score reached the revoke threshold (src/main/core/scoring). */
  expired: number
  created_at: string
  updated_at: string
}

/** The select list of a full row; `rowid` is kept because keyset cursors and the search index use it. */
export const INDICATOR_SELECT = `indicators.rowid AS rowid, indicators.id, indicators.type, indicators.value,
  indicators.classification, indicators.confidence, indicators.severity, indicators.severity_rank,
  indicators.score, indicators.risk_level, indicators.tlp, indicators.first_seen, indicators.last_seen,
  indicators.description, indicators.tags, indicators.mitre_tactics, indicators.mitre_techniques,
  indicators.active, indicators.false_positive, indicators.enrichment, indicators.project_id,
  indicators.source_count, indicators.sighting_count, indicators.analyst_fields, indicators.expired,
  indicators.created_at, indicators.updated_at`

const parseStringArray = (json: string): string[] => {
  const v: unknown = JSON.parse(json)
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

const parseObject = (json: string | null): Record<string, unknown> | null => {
  if (json === null) return null
  const v: unknown = JSON.parse(json)
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : null
}

export const rowToIndicator = (r: IndicatorRow): Indicator => ({
  id: r.id,
  type: r.type,
  value: r.value,
  classification: r.classification,
  confidence: r.confidence,
  severity: r.severity,
  score: r.score,
  riskLevel: r.risk_level,
  tlp: r.tlp,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  description: r.description,
  tags: parseStringArray(r.tags),
  mitreTactics: parseStringArray(r.mitre_tactics),
  mitreTechniques: parseStringArray(r.mitre_techniques),
  active: r.active === 1,
  falsePositive: r.false_positive === 1,
  enrichment: parseObject(r.enrichment),
  projectId: r.project_id,
  sourceCount: r.source_count,
  sightingCount: r.sighting_count,
  expired: r.expired === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/**
 * Timestamps are stored as `Date#toISOString()` text (UTC, milliseconds, 'Z') so that text order is time
 * order: '2025-01-01T10:00:00+02:00' must sort before '2025-01-01T09:00:00.000Z'. Unparseable input is
 * null (feeds send junk dates; a missing date is better than a wrong one).
 */
export const normalizeTimestamp = (s: string | null | undefined): string | null => {
  if (s === null || s === undefined || s === '') return null
  if (CANONICAL_ISO.test(s)) return s
  const t = Date.parse(s)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

/** Dedups while keeping first-seen order; trims and drops empty entries. */
export const dedupStrings = (items: readonly string[]): string[] => {
  const out: string[] = []
  const seen = new Set<string>()
  for (const raw of items) {
    const s = raw.trim()
    if (s === '' || seen.has(s)) continue
    seen.add(s)
    out.push(s)
  }
  return out
}
