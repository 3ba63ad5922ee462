import type { z } from 'zod'
import { INTEL_DETAILS_SCHEMAS, type IntelKind } from '#shared/contract/intel.schemas'
import { Timestamp } from '#shared/contract/common.schemas'

/**
 * What our STIX export carries beyond the standard properties, read back: STIX 2.1 has no property for
 * an actor's origin or targets, a vulnerability's CVSS or patch state, a report's Markdown or draft
 * state, so the writer (stix-entities.ts) puts them in `x_threateye_*` custom properties. An importer
 * that merges these over what it read from the standard properties gets our entities back whole. Every
 * field is checked against the details schema on its own: one bad value loses only itself.
 */

export type ThreatEyeFields = {
  /** Set when STIX's name is not ours (a vulnerability is named by its CVE id there). */
  name?: string
  aliases?: string[]
  severity?: string
  sources?: string[]
  firstSeen?: string
  lastSeen?: string
  /** A report's own description (STIX's description carries its summary). */
  description?: string
  details: Record<string, unknown>
}

/** details field ← custom property, per kind. */
const DETAIL_PROPS: Readonly<Record<IntelKind, Readonly<Record<string, string>>>> = {
  'threat-actor': {
    actorType: 'x_threateye_actor_type',
    originCountry: 'x_threateye_origin_country',
    tactics: 'x_threateye_tactics',
    tools: 'x_threateye_tools',
    targetSectors: 'x_threateye_target_sectors',
    targetCountries: 'x_threateye_target_countries',
  },
  campaign: {
    objectives: 'x_threateye_objectives',
    tactics: 'x_threateye_tactics',
    targetSectors: 'x_threateye_target_sectors',
    targetCountries: 'x_threateye_target_countries',
  },
  vulnerability: {
    cvssScore: 'x_threateye_cvss_score',
    cvssSeverity: 'x_threateye_cvss_severity',
    affectedProducts: 'x_threateye_affected_products',
    exploitAvailable: 'x_threateye_exploit_available',
    exploitedInTheWild: 'x_threateye_exploited_in_the_wild',
    patchAvailable: 'x_threateye_patch_available',
    workarounds: 'x_threateye_workarounds',
    publishedAt: 'x_threateye_published',
    discoveredAt: 'x_threateye_discovered',
  },
  malware: {},
  report: {
    content: 'x_threateye_content',
    authors: 'x_threateye_authors',
    published: 'x_threateye_published',
  },
}

const fieldOf = (kind: IntelKind, field: string, value: unknown): unknown => {
  const shape = (INTEL_DETAILS_SCHEMAS[kind] as z.ZodObject).shape as Record<string, z.ZodType>
  const parsed = shape[field].safeParse(value)
  return parsed.success ? parsed.data : undefined
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined

const time = (v: unknown): string | undefined =>
  Timestamp.safeParse(v).success ? (v as string) : undefined

/** The x_threateye_* properties of a STIX SDO our export wrote, as entity fields. */
export const threatEyeFieldsOf = (o: Record<string, unknown>, kind: IntelKind): ThreatEyeFields => {
  const details: Record<string, unknown> = {}
  for (const [field, prop] of Object.entries(DETAIL_PROPS[kind])) {
    if (!(prop in o)) continue
    const v = fieldOf(kind, field, o[prop])
    if (v !== undefined) details[field] = v
  }
  // Vulnerabilities: exploit and patch references travel as external references.
  if (kind === 'vulnerability' && Array.isArray(o.external_references)) {
    const refs = (source: string) =>
      (o.external_references as unknown[]).flatMap((r) => {
        if (typeof r !== 'object' || r === null) return []
        const ref = r as Record<string, unknown>
        if (ref.source_name !== source) return []
        const v = ref.url ?? ref.description
        return typeof v === 'string' ? [v] : []
      })
    details.exploitReferences = refs('exploit')
    details.patchReferences = refs('patch')
  }
  const out: ThreatEyeFields = { details }
  if (typeof o.x_threateye_name === 'string') out.name = o.x_threateye_name
  const aliases = strings(o.x_threateye_aliases)
  if (aliases !== undefined) out.aliases = aliases
  if (typeof o.x_threateye_severity === 'string') out.severity = o.x_threateye_severity
  const sources = strings(o.x_threateye_sources)
  if (sources !== undefined) out.sources = sources
  const first = time(o.x_threateye_first_seen)
  if (first !== undefined) out.firstSeen = first
  const last = time(o.x_threateye_last_seen)
  if (last !== undefined) out.lastSeen = last
  if (typeof o.x_threateye_description === 'string') out.description = o.x_threateye_description
  return out
}
