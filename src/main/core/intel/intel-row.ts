import type { z } from 'zod'
import {
  CampaignDetailsSchema,
  INTEL_KINDS,
  MalwareDetailsSchema,
  ReportDetailsSchema,
  ThreatActorDetailsSchema,
  VulnerabilityDetailsSchema,
  type IntelEntity,
  type IntelKind,
} from '#shared/contract/intel.schemas'
import type { IntelListItem } from '#shared/contract/intel.contract'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'

/** An `intel_entities` row as SQLite returns it (migration 0016): JSON columns as text. */
export type IntelRow = {
  id: string
  kind: string
  name: string
  name_key: string
  aliases: string
  description: string
  stix_id: string | null
  project_id: string | null
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

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

export const stringList = (text: string): string[] => {
  const v = parseJson(text)
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []
}

export const jsonObject = (text: string): Record<string, unknown> => {
  const v = parseJson(text)
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {}
}

export const isIntelKind = (s: string): s is IntelKind =>
  (INTEL_KINDS as readonly string[]).includes(s)

export const asTlp = (s: string): Tlp =>
  (TLP_LEVELS as readonly string[]).includes(s) ? (s as Tlp) : 'amber'

/**
 * A row's details read through its kind's schema. Rows written by an import may carry a field the schema
 * refuses; that field falls back to its default rather than making the whole entity unreadable.
 */
export const readDetails = <S extends z.ZodObject>(
  schema: S,
  raw: Record<string, unknown>,
): z.output<S> => {
  const whole = schema.safeParse(raw)
  if (whole.success) return whole.data
  const kept: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(schema.shape)) {
    if (key in raw && (field as z.ZodType).safeParse(raw[key]).success) kept[key] = raw[key]
  }
  return schema.parse(kept)
}

const common = (r: IntelRow) => ({
  id: r.id,
  name: r.name,
  aliases: stringList(r.aliases),
  description: r.description,
  projectId: r.project_id,
  tlp: asTlp(r.tlp),
  severity: r.severity,
  confidence: r.confidence,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  techniques: stringList(r.techniques),
  sources: stringList(r.sources),
  stixId: r.stix_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export const rowToEntity = (r: IntelRow): IntelEntity => {
  const raw = jsonObject(r.details)
  const kind: IntelKind = isIntelKind(r.kind) ? r.kind : 'threat-actor'
  switch (kind) {
    case 'threat-actor':
      return { ...common(r), kind, details: readDetails(ThreatActorDetailsSchema, raw) }
    case 'campaign':
      return { ...common(r), kind, details: readDetails(CampaignDetailsSchema, raw) }
    case 'vulnerability':
      return { ...common(r), kind, details: readDetails(VulnerabilityDetailsSchema, raw) }
    case 'malware':
      return { ...common(r), kind, details: readDetails(MalwareDetailsSchema, raw) }
    case 'report':
      return { ...common(r), kind, details: readDetails(ReportDetailsSchema, raw) }
  }
}

/** The list's shape: a report without its content (its length instead). */
export const entityToListItem = (e: IntelEntity): IntelListItem => {
  if (e.kind !== 'report') return e
  const { content, ...rest } = e.details
  return { ...e, details: { ...rest, contentChars: content.length } }
}

/** The stored row of an entity (name_key from the caller: it is the dedupe key). */
export const entityToRow = (e: IntelEntity, nameKey: string): IntelRow => ({
  id: e.id,
  kind: e.kind,
  name: e.name,
  name_key: nameKey,
  aliases: JSON.stringify(e.aliases),
  description: e.description,
  stix_id: e.stixId,
  project_id: e.projectId,
  tlp: e.tlp,
  severity: e.severity,
  confidence: e.confidence,
  first_seen: e.firstSeen,
  last_seen: e.lastSeen,
  techniques: JSON.stringify(e.techniques),
  sources: JSON.stringify(e.sources),
  details: JSON.stringify(e.details),
  created_at: e.createdAt,
  updated_at: e.updatedAt,
})
