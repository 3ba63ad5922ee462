import type { IntelKind } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'
import { STIX_TLP_MARKINGS, stricterTlp } from '../../feeds/formats/tlp'
import { threatEyeFieldsOf } from '../../export/stix/stix-threateye-props'
import { MAX_ALIASES, MAX_DESCRIPTION, MAX_NAME, type EntityDraft } from './intel-merge-rules'

/**
 * STIX 2.1 SDOs → knowledge-base entity drafts (formats.md §3.1). Decisions:
 * - threat-actor and intrusion-set are both threat actors (an intrusion set is how a vendor tracks one);
 * - tool is a malware entry with malwareTypes ['tool'] (plus its tool_types): the knowledge base has one
 *   kind for the software an actor uses, and 'tool' keeps Mimikatz apart from a trojan in lists;
 * - attack-pattern is not an entity: its ATT&CK id goes into `techniques` of what `uses` it;
 * - a vulnerability is named by its CVE id when it has one (external_references source_name 'cve').
 * Every string is clipped and every list capped: the objects come from feeds.
 */

export type Obj = Record<string, unknown>

export const isObj = (v: unknown): v is Obj =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

export const clipped = (v: unknown, max = MAX_NAME): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined

export const stringList = (v: unknown, max: number, each = MAX_NAME): string[] => {
  if (!Array.isArray(v)) return []
  const out: string[] = []
  for (const x of v) {
    if (out.length >= max) break
    const s = clipped(x, each)
    if (s !== undefined && !out.includes(s)) out.push(s)
  }
  return out
}

/** A STIX timestamp as stored (ISO, UTC); anything else is dropped. */
export const isoOrNull = (v: unknown): string | null => {
  if (typeof v !== 'string' || v.length > 40) return null
  const t = Date.parse(v)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

export const confidenceOf = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100 ? v : null

/** Custom TLP marking definitions a bundle defined itself, by id (the fixed TLP ids need none). */
export type MarkingLookup = (id: string) => Tlp | undefined

export const tlpOfObject = (o: Obj, markings: MarkingLookup): Tlp | null => {
  let tlp: Tlp | undefined
  if (Array.isArray(o.object_marking_refs)) {
    for (const ref of o.object_marking_refs.slice(0, 50)) {
      if (typeof ref !== 'string') continue
      tlp = stricterTlp(tlp, STIX_TLP_MARKINGS[ref] ?? markings(ref))
    }
  }
  return tlp ?? null
}

const CVE = /^CVE-\d{4}-\d{4,}$/i

export const cveIdOf = (o: Obj): string | null => {
  if (Array.isArray(o.external_references)) {
    for (const r of o.external_references.slice(0, 100)) {
      if (isObj(r) && r.source_name === 'cve' && typeof r.external_id === 'string') {
        const id = r.external_id.trim()
        if (CVE.test(id)) return id.toUpperCase()
      }
    }
  }
  const name = clipped(o.name)
  return name !== undefined && CVE.test(name) ? name.toUpperCase() : null
}

/** The ATT&CK id of an attack-pattern (its mitre-attack external reference). */
export const attackIdOf = (o: Obj): string | null => {
  if (!Array.isArray(o.external_references)) return null
  for (const r of o.external_references.slice(0, 100)) {
    if (
      isObj(r) &&
      typeof r.source_name === 'string' &&
      r.source_name.startsWith('mitre-') &&
      typeof r.external_id === 'string' &&
      /^T\d{4}(\.\d{3})?$/.test(r.external_id.trim())
    ) {
      return r.external_id.trim()
    }
  }
  return null
}

/** STIX threat_actor_types (open vocabulary) → our actor types, where one maps. */
const ACTOR_TYPES: Readonly<Record<string, string>> = {
  'nation-state': 'nation-state',
  'crime-syndicate': 'cybercrime',
  criminal: 'cybercrime',
  activist: 'hacktivist',
  hacker: 'hacktivist',
  'insider-accidental': 'insider',
  'insider-disgruntled': 'insider',
  spy: 'apt',
}

const actorTypeOf = (o: Obj): string | null => {
  for (const t of stringList(o.threat_actor_types, 20)) {
    const m = ACTOR_TYPES[t]
    if (m !== undefined) return m
  }
  return o.type === 'intrusion-set' ? 'apt' : null
}

/** The entity kind a STIX type becomes, or undefined when it is not an entity. */
export const STIX_ENTITY_KINDS: Readonly<Record<string, IntelKind>> = {
  'threat-actor': 'threat-actor',
  'intrusion-set': 'threat-actor',
  campaign: 'campaign',
  vulnerability: 'vulnerability',
  malware: 'malware',
  tool: 'malware',
  report: 'report',
}

export const entityKindOfStix = (type: string): IntelKind | undefined =>
  Object.hasOwn(STIX_ENTITY_KINDS, type) ? STIX_ENTITY_KINDS[type] : undefined

const detailsOf = (o: Obj, kind: IntelKind): Record<string, unknown> => {
  switch (kind) {
    case 'threat-actor': {
      const d: Record<string, unknown> = {}
      const actorType = actorTypeOf(o)
      if (actorType !== null) d.actorType = actorType
      const motivation = clipped(o.primary_motivation)
      if (motivation !== undefined) d.motivation = motivation
      const sophistication = clipped(o.sophistication)
      if (sophistication !== undefined) d.sophistication = sophistication
      return d
    }
    case 'campaign': {
      const objective = clipped(o.objective)
      return objective === undefined ? {} : { objectives: [objective] }
    }
    case 'vulnerability': {
      const cve = cveIdOf(o)
      return cve === null ? {} : { cveId: cve }
    }
    case 'malware': {
      const types =
        o.type === 'tool'
          ? ['tool', ...stringList(o.tool_types, 49)]
          : stringList(o.malware_types, 50)
      const d: Record<string, unknown> = {
        malwareTypes: types,
        capabilities: stringList(o.capabilities, 200),
      }
      if (typeof o.is_family === 'boolean') d.isFamily = o.is_family
      return d
    }
    case 'report': {
      const d: Record<string, unknown> = {
        summary: clipped(o.description, MAX_DESCRIPTION) ?? '',
      }
      const published = isoOrNull(o.published)
      if (published !== null) {
        d.published = true
        d.publishedAt = published
      }
      return d
    }
  }
}

/** One STIX SDO → an entity draft, or null when it is not one (or has no usable name). */
export const stixEntityDraft = (
  o: Obj,
  source: string,
  markings: MarkingLookup,
): EntityDraft | null => {
  if (typeof o.type !== 'string' || typeof o.id !== 'string') return null
  const kind = entityKindOfStix(o.type)
  if (kind === undefined || o.revoked === true) return null
  // What a ThreatEye export carried beyond STIX's own properties (x_threateye_*), taken back whole.
  const ours = threatEyeFieldsOf(o, kind)
  const name =
    clipped(ours.name) ??
    (kind === 'vulnerability' ? (cveIdOf(o) ?? clipped(o.name)) : clipped(o.name))
  if (name === undefined) return null
  const aliases = [
    ...stringList(o.aliases, MAX_ALIASES),
    ...stringList(o.x_mitre_aliases, MAX_ALIASES),
    ...stringList(ours.aliases, MAX_ALIASES),
  ]
  return {
    kind,
    name,
    aliases: aliases.filter((a) => a !== name).slice(0, MAX_ALIASES),
    description:
      kind === 'report'
        ? (clipped(ours.description, MAX_DESCRIPTION) ?? '')
        : (clipped(o.description, MAX_DESCRIPTION) ?? ''),
    objectId: o.id,
    stixId: o.id.slice(0, 200),
    tlp: tlpOfObject(o, markings),
    severity: clipped(ours.severity, 16) ?? null,
    confidence: confidenceOf(o.confidence),
    firstSeen:
      isoOrNull(o.first_seen) ??
      isoOrNull(ours.firstSeen) ??
      (kind === 'report' ? isoOrNull(o.published) : null),
    lastSeen: isoOrNull(o.last_seen) ?? isoOrNull(ours.lastSeen),
    techniques: [],
    sources: [source],
    details: { ...detailsOf(o, kind), ...ours.details },
    modified: isoOrNull(o.modified) ?? isoOrNull(o.created),
  }
}
