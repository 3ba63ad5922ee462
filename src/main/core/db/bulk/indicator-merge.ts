import { SEVERITY_RANK, type Classification, type Severity, type Tlp } from '#shared/domain/enums'

/**
 * How an incoming record merges into the indicator already stored for the same (type, value). Feeds
 * re-deliver the same values every run, several feeds deliver the same value, and analysts edit what the
 * feeds brought, so the merge is monotonic and never undoes an analyst's decision:
 *
 * - tags, MITRE tactics/techniques: union, stored order first (capped at MAX_LIST_ITEMS);
 * - first_seen: the earlier; last_seen: the later (a missing date never erases a known one);
 * - confidence, score: the higher (risk_level follows the score); severity: the higher;
 * - TLP: the stricter — a merge must never loosen a sharing restriction;
 * - description: the new one, unless it is empty;
 * - project: an explicit new project wins, otherwise the stored one stays;
 * - classification: if an analyst said 'benign' or marked a false positive, it stays as it is (a feed must
 *   not silently reactivate a false positive); otherwise the more severe of the two
 *   (malicious > suspicious > unknown > benign);
 * - active / false_positive change only when the record sets them explicitly (analyst bulk edits; feeds
 *   never do);
 * - enrichment is only filled when none is stored.
 * - a field an analyst edited (indicators.update: the ANALYST_FIELD bits of `analyst_fields`, migration
 *   0004) keeps the analyst's value whatever any source says later: only the analyst changes it again;
 * - source_count / sighting_count are not merged here: the bulk writer counts them from the observations
 *   (one more source for a new observation, one more sighting when a source reported something new).
 * When nothing differs after the merge the row is 'unchanged' and is not written at all (updated_at keeps
 * its value, so "recently changed" means changed).
 */

export const MAX_LIST_ITEMS = 256

/** Bits of indicators.analyst_fields: the fields an analyst set by hand, which no feed overwrites. */
export const ANALYST_FIELD = {
  classification: 1,
  severity: 2,
  confidence: 4,
  score: 8,
  tlp: 16,
  description: 32,
} as const
export type AnalystField = keyof typeof ANALYST_FIELD

/** The bit set for the fields a patch sets (only the ones feeds could otherwise change). */
export const analystBits = (patch: Partial<Record<string, unknown>>): number => {
  let bits = 0
  for (const [k, bit] of Object.entries(ANALYST_FIELD)) if (patch[k] !== undefined) bits |= bit
  return bits
}

export const CLASSIFICATION_RANK: Record<Classification, number> = {
  benign: 0,
  unknown: 1,
  suspicious: 2,
  malicious: 3,
}

export const TLP_RANK: Record<Tlp, number> = {
  clear: 0,
  green: 1,
  amber: 2,
  'amber+strict': 3,
  red: 4,
}

/** The mergeable state of a stored row (JSON lists still as text: most merges leave them untouched). */
export type MergeState = {
  classification: Classification
  confidence: number
  severity: Severity
  score: number
  tlp: Tlp
  firstSeen: string | null
  lastSeen: string | null
  description: string
  tagsJson: string
  mitreTacticsJson: string
  mitreTechniquesJson: string
  active: boolean
  falsePositive: boolean
  enrichmentJson: string | null
  projectId: string | null
}

/** An incoming record, already normalised (canonical timestamps, deduplicated lists). */
export type MergeInput = {
  classification?: Classification
  confidence?: number
  severity?: Severity
  score?: number
  tlp?: Tlp
  firstSeen: string | null
  lastSeen: string | null
  description?: string
  tags?: readonly string[]
  mitreTactics?: readonly string[]
  mitreTechniques?: readonly string[]
  active?: boolean
  falsePositive?: boolean
  enrichmentJson?: string | null
  projectId?: string | null
}

const minIso = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a <= b ? a : b
const maxIso = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a >= b ? a : b

/** Union of a stored JSON list and new items; returns the same string when nothing was added. */
export const unionJson = (storedJson: string, items: readonly string[] | undefined): string => {
  if (items === undefined || items.length === 0) return storedJson
  const stored: unknown = JSON.parse(storedJson)
  const list = Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : []
  const have = new Set(list)
  let added = false
  for (const item of items) {
    if (list.length >= MAX_LIST_ITEMS) break
    if (have.has(item)) continue
    have.add(item)
    list.push(item)
    added = true
  }
  return added ? JSON.stringify(list) : storedJson
}

/** The merged state, or null when the record changes nothing. */
export const mergeIndicator = (
  s: MergeState,
  input: MergeInput,
  analystFields = 0,
): MergeState | null => {
  const r = analystFields === 0 ? input : withoutAnalystFields(input, analystFields)
  const analystDecided = s.falsePositive || s.classification === 'benign'
  let classification = s.classification
  if (!analystDecided && r.classification !== undefined) {
    if (CLASSIFICATION_RANK[r.classification] > CLASSIFICATION_RANK[classification]) {
      classification = r.classification
    }
  }
  let active = s.active
  let falsePositive = s.falsePositive
  if (r.active !== undefined) {
    active = r.active
    if (r.active) falsePositive = false
  }
  // After `active`, so a record that says both keeps the safer of the two: a false positive is inactive.
  if (r.falsePositive !== undefined) {
    falsePositive = r.falsePositive
    if (r.falsePositive) active = false
  }
  const severity =
    r.severity !== undefined && SEVERITY_RANK[r.severity] > SEVERITY_RANK[s.severity]
      ? r.severity
      : s.severity
  const tlp = r.tlp !== undefined && TLP_RANK[r.tlp] > TLP_RANK[s.tlp] ? r.tlp : s.tlp
  const next: MergeState = {
    classification,
    confidence: r.confidence !== undefined ? Math.max(s.confidence, r.confidence) : s.confidence,
    severity,
    score: r.score !== undefined ? Math.max(s.score, r.score) : s.score,
    tlp,
    firstSeen: minIso(s.firstSeen, r.firstSeen),
    lastSeen: maxIso(s.lastSeen, r.lastSeen),
    description:
      r.description !== undefined && r.description !== '' ? r.description : s.description,
    tagsJson: unionJson(s.tagsJson, r.tags),
    mitreTacticsJson: unionJson(s.mitreTacticsJson, r.mitreTactics),
    mitreTechniquesJson: unionJson(s.mitreTechniquesJson, r.mitreTechniques),
    active,
    falsePositive,
    enrichmentJson:
      s.enrichmentJson === null && r.enrichmentJson !== undefined
        ? r.enrichmentJson
        : s.enrichmentJson,
    projectId: r.projectId !== undefined && r.projectId !== null ? r.projectId : s.projectId,
  }
  return sameState(s, next) ? null : next
}

const withoutAnalystFields = (r: MergeInput, bits: number): MergeInput => {
  const out = { ...r }
  if (bits & ANALYST_FIELD.classification) delete out.classification
  if (bits & ANALYST_FIELD.severity) delete out.severity
  if (bits & ANALYST_FIELD.confidence) delete out.confidence
  if (bits & ANALYST_FIELD.score) delete out.score
  if (bits & ANALYST_FIELD.tlp) delete out.tlp
  if (bits & ANALYST_FIELD.description) delete out.description
  return out
}

const sameState = (a: MergeState, b: MergeState): boolean =>
  a.classification === b.classification &&
  a.confidence === b.confidence &&
  a.severity === b.severity &&
  a.score === b.score &&
  a.tlp === b.tlp &&
  a.firstSeen === b.firstSeen &&
  a.lastSeen === b.lastSeen &&
  a.description === b.description &&
  a.tagsJson === b.tagsJson &&
  a.mitreTacticsJson === b.mitreTacticsJson &&
  a.mitreTechniquesJson === b.mitreTechniquesJson &&
  a.active === b.active &&
  a.falsePositive === b.falsePositive &&
  a.enrichmentJson === b.enrichmentJson &&
  a.projectId === b.projectId

/** Whether the searchable text (tags, description) differs: only then is the search index touched. */
export const searchTextChanged = (a: MergeState, b: MergeState): boolean =>
  a.description !== b.description || a.tagsJson !== b.tagsJson
