import {
  INTEL_DETAILS_SCHEMAS,
  type IntelKind,
  type IntelRefKind,
} from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'

/**
 * What the knowledge-base import merges and how, without SQL (intel-merge.ts writes): the drafts an import
 * makes, the bounds on what a source may bring, and the list, date and details rules.
 */

export const MAX_ALIASES = 200
export const MAX_SOURCES = 100
export const MAX_TECHNIQUES = 500
export const MAX_NAME = 300
export const MAX_DESCRIPTION = 20_000
export const ANALYST_SOURCE = 'analyst'

export type EntityDraft = {
  kind: IntelKind
  name: string
  aliases: string[]
  description: string
  /** The raw object it comes from: a STIX id or `misp-galaxy-cluster--…`/`misp-event--…`. */
  objectId: string
  /** Set on the entity when it has none (a STIX id only). */
  stixId: string | null
  tlp: Tlp | null
  severity: string | null
  confidence: number | null
  firstSeen: string | null
  lastSeen: string | null
  techniques: string[]
  sources: string[]
  /** The kind's own fields, partial; checked against the kind's schema on the way in. */
  details: Record<string, unknown>
  /** The source's version of the object (STIX modified, MISP timestamp). */
  modified: string | null
}

export type EntityRow = {
  id: string
  kind: IntelKind
  name: string
  name_key: string
  aliases: string
  description: string
  stix_id: string | null
  tlp: string
  severity: string | null
  confidence: number | null
  first_seen: string | null
  last_seen: string | null
  techniques: string
  sources: string
  details: string
  created_at: string
  updated_at: string
}

export type RelationshipDraft = {
  relationshipType: string
  sourceRef: string
  sourceKind: IntelRefKind
  targetRef: string
  targetKind: IntelRefKind
  description: string
  source: string | null
  confidence: number | null
  firstSeen: string | null
  lastSeen: string | null
  stixId: string | null
}

export const jsonList = (s: string): string[] => {
  try {
    const v: unknown = JSON.parse(s)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

export const jsonObject = (s: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(s)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

/** `a` then what `b` adds, at most `max`, the same thing once (by `key`). */
export const unionList = (
  a: readonly string[],
  b: readonly string[],
  max: number,
  key: (s: string) => string = (s) => s,
): string[] => {
  const seen = new Set<string>()
  const out: string[] = []
  for (const s of [...a, ...b]) {
    if (out.length >= max) break
    const k = key(s)
    if (k === '' || seen.has(k)) continue
    seen.add(k)
    out.push(s)
  }
  return out
}

export const earliest = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a < b ? a : b
export const latest = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a > b ? a : b

/**
 * Details as the kind's schema accepts them: fields it refuses are dropped (a hostile or odd value in one
 * field loses that field, not the entity), then the defaults fill what is missing.
 */
export const cleanDetails = (
  kind: IntelKind,
  details: Record<string, unknown>,
  fallback: Record<string, unknown> = {},
): Record<string, unknown> => {
  const schema = INTEL_DETAILS_SCHEMAS[kind]
  const d: Record<string, unknown> = { ...details }
  for (let i = 0; i < 40; i++) {
    const r = schema.safeParse(d)
    if (r.success) return r.data
    let dropped = false
    for (const k of new Set(r.error.issues.map((x) => String(x.path[0] ?? '')))) {
      if (k === '' || !(k in d)) continue
      // A merged list grown past its bound keeps what it had; a field the schema refuses goes.
      if (k in fallback && fallback[k] !== d[k]) d[k] = fallback[k]
      else delete d[k]
      dropped = true
    }
    if (!dropped) break
  }
  return schema.parse({})
}

/** Detail fields merged: lists unioned, `true` sticks, other scalars from the newer side or filled. */
export const mergeDetails = (
  old: Record<string, unknown>,
  add: Record<string, unknown>,
  addIsNewer: boolean,
  keepScalars: boolean,
): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...old }
  for (const [k, v] of Object.entries(add)) {
    const cur = out[k]
    if (Array.isArray(v)) {
      const seen = new Set<string>()
      const merged: unknown[] = []
      for (const x of [...(Array.isArray(cur) ? (cur as unknown[]) : []), ...(v as unknown[])]) {
        const key = JSON.stringify(x)
        if (seen.has(key)) continue
        seen.add(key)
        merged.push(x)
      }
      out[k] = merged
    } else if (typeof v === 'boolean') {
      out[k] = cur === true || v
    } else if (v !== null && v !== undefined && v !== '') {
      const empty = cur === null || cur === undefined || cur === ''
      if (empty || (addIsNewer && !keepScalars)) out[k] = v
    }
  }
  return out
}

/** A draft's details before merging: what the schema refuses is dropped, defaults are not added. */
export const cleanAdded = (
  kind: IntelKind,
  details: Record<string, unknown>,
): Record<string, unknown> => {
  const clean = cleanDetails(kind, details)
  return Object.fromEntries(
    Object.keys(details)
      .filter((k) => k in clean)
      .map((k) => [k, clean[k]]),
  )
}
