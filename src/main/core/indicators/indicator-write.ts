import { AppError } from '#shared/contract/errors'
import type { IndicatorPatch } from '#shared/contract/indicators.contract'
import { SEVERITY_RANK, riskLevelFromScore, type IocType } from '#shared/domain/enums'
import {
  INDICATOR_DEFAULTS,
  dedupStrings,
  normalizeTimestamp,
  type IndicatorRow,
} from './indicator-row'
import { analystBits } from '#core/db/bulk/indicator-merge'
import type { IndicatorWrite } from './indicators.repository'

/**
 * Builds the stored row of a single create or update from the contract's editable fields: derived columns
 * (severity_rank, risk_level), normalised timestamps, deduplicated lists, and the rule that a false
 * positive is never active.
 */

const listJson = (items: readonly string[]): string => JSON.stringify(dedupStrings(items))

const checkSeenOrder = (first: string | null, last: string | null): void => {
  if (first !== null && last !== null && first > last) {
    throw new AppError('invalid_input', `firstSeen (${first}) is after lastSeen (${last})`, {
      field: 'firstSeen',
    })
  }
}

/** The row as it is after `patch` (replace semantics: a given field replaces the stored one). */
export const patchedRow = (
  current: IndicatorWrite,
  patch: IndicatorPatch,
  nowIso: string,
): IndicatorWrite => {
  const next: IndicatorWrite = { ...current }
  if (patch.classification !== undefined) next.classification = patch.classification
  if (patch.confidence !== undefined) next.confidence = patch.confidence
  if (patch.severity !== undefined) {
    next.severity = patch.severity
    next.severity_rank = SEVERITY_RANK[patch.severity]
  }
  // risk_level is the scorer's: the analyst's severity may decide it over the score (src/main/core/scoring).
  if (patch.score !== undefined) next.score = patch.score
  if (patch.tlp !== undefined) next.tlp = patch.tlp
  if (patch.firstSeen !== undefined) next.first_seen = normalizeTimestamp(patch.firstSeen)
  if (patch.lastSeen !== undefined) next.last_seen = normalizeTimestamp(patch.lastSeen)
  if (patch.description !== undefined) next.description = patch.description
  if (patch.tags !== undefined) next.tags = listJson(patch.tags)
  if (patch.mitreTactics !== undefined) next.mitre_tactics = listJson(patch.mitreTactics)
  if (patch.mitreTechniques !== undefined) next.mitre_techniques = listJson(patch.mitreTechniques)
  if (patch.enrichment !== undefined) {
    next.enrichment = patch.enrichment === null ? null : JSON.stringify(patch.enrichment)
  }
  if (patch.projectId !== undefined) next.project_id = patch.projectId
  if (patch.active !== undefined) {
    next.active = patch.active ? 1 : 0
    if (patch.active && patch.falsePositive === undefined) next.false_positive = 0
  }
  // After `active`: a patch that says both keeps the safer of the two, an inactive false positive.
  if (patch.falsePositive !== undefined) {
    next.false_positive = patch.falsePositive ? 1 : 0
    if (patch.falsePositive) next.active = 0
  }
  checkSeenOrder(next.first_seen, next.last_seen)
  // What the analyst set stays theirs: feeds never overwrite it (indicator-merge.ts).
  next.analyst_fields = current.analyst_fields | analystBits(patch)
  next.updated_at = nowIso
  return next
}

/** A new row: defaults, then the given fields. */
export const newRow = (
  key: { id: string; type: IocType; value: string },
  fields: IndicatorPatch,
  nowIso: string,
): IndicatorWrite => {
  const base: IndicatorWrite = {
    ...key,
    classification: INDICATOR_DEFAULTS.classification,
    confidence: INDICATOR_DEFAULTS.confidence,
    severity: INDICATOR_DEFAULTS.severity,
    severity_rank: SEVERITY_RANK[INDICATOR_DEFAULTS.severity],
    score: INDICATOR_DEFAULTS.score,
    risk_level: riskLevelFromScore(INDICATOR_DEFAULTS.score),
    tlp: INDICATOR_DEFAULTS.tlp,
    first_seen: null,
    last_seen: null,
    description: '',
    tags: '[]',
    mitre_tactics: '[]',
    mitre_techniques: '[]',
    active: 1,
    false_positive: 0,
    enrichment: null,
    project_id: null,
    source_count: 0,
    sighting_count: 0,
    analyst_fields: 0,
    expired: 0,
    created_at: nowIso,
    updated_at: nowIso,
  }
  return patchedRow(base, fields, nowIso)
}

/** Strips the rowid from a read row so it can be patched and written back. */
export const toWrite = ({ rowid: _rowid, ...rest }: IndicatorRow): IndicatorWrite => rest

/** Whether two rows differ in anything but updated_at (an update that changes nothing writes nothing). */
export const sameContent = (a: IndicatorWrite, b: IndicatorWrite): boolean =>
  (Object.keys(a) as (keyof IndicatorWrite)[]).every((k) => k === 'updated_at' || a[k] === b[k])
