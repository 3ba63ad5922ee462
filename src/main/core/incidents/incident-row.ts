import { createHash } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import {
  INCIDENT_STATUSES,
  type Incident,
  type IncidentStatus,
} from '#shared/contract/incidents.contract'
import { canonicalize } from '#shared/domain'
import type { IncidentRow } from './incidents.repository'

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** A JSON array of strings from a column; anything else reads as empty (the column is ours, but be safe). */
export const stringList = (text: string): string[] => {
  const v = parseJson(text)
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []
}

const jsonObject = (text: string): Record<string, unknown> => {
  const v = parseJson(text)
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {}
}

const isStatus = (s: string): s is IncidentStatus =>
  (INCIDENT_STATUSES as readonly string[]).includes(s)

export const rowToIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  url: r.url,
  indicatorId: r.indicator_id,
  dedupKey: r.dedup_key,
  sources: stringList(r.sources),
  severity: r.severity,
  summary: r.summary,
  details: jsonObject(r.details),
  tags: stringList(r.tags),
  status: isStatus(r.status) ? r.status : 'open',
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  occurrences: r.occurrences,
  assignee: r.assignee,
  projectId: r.project_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** The union of two lists in first-seen order: what a merge keeps (nothing already there is dropped). */
export const mergeLists = (have: readonly string[], add: readonly string[]): string[] => [
  ...new Set([...have, ...add]),
]

/** dedup_key's width (migration 0013). */
export const DEDUP_KEY_MAX = 300
const URL_PREFIX = 'url:'

/** The canonical form of an incident's URL; throws invalid_input naming `field`. */
export const canonicalIncidentUrl = (raw: string, field = 'url'): string => {
  const parsed = canonicalize('url', raw)
  if (!parsed.ok) {
    throw new AppError('invalid_input', `${field}: ${parsed.reason}`, { field })
  }
  return parsed.value
}

/**
 * What makes two reports the same incident: the canonical URL, or the indicator when there is no URL. A URL
 * too long for the column is keyed by its SHA-256, which is as exact.
 */
export const dedupKeyOf = (url: string | null, indicatorId: string | null): string => {
  if (url !== null) {
    const key = URL_PREFIX + url
    if (key.length <= DEDUP_KEY_MAX) return key
    return `url-sha256:${createHash('sha256').update(url).digest('hex')}`
  }
  if (indicatorId !== null) return `indicator:${indicatorId}`
  throw new AppError('invalid_input', 'url: required (or indicatorId)', { field: 'url' })
}
