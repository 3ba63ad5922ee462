import type {
  Campaign,
  IntelEntity,
  IntelRelationship,
  Malware,
  ThreatActor,
  ThreatReport,
  Vulnerability,
} from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'
import { derivedStixId, stixTime } from './stix-indicator'

export type StixObject = Record<string, unknown> & { type: string; id: string }

/** What every SDO/SRO the writer makes needs from the bundle around it. */
export type StixScope = {
  identityId: string
  /** The marking-definition id for a TLP (and notes that the bundle must carry it). */
  marking: (tlp: Tlp) => string
}

/** Our actor types → STIX threat-actor-type-ov; one STIX value each, so an importer can map back. */
export const STIX_THREAT_ACTOR_TYPES = {
  apt: 'spy',
  cybercrime: 'crime-syndicate',
  'nation-state': 'nation-state',
  hacktivist: 'activist',
  insider: 'insider-disgruntled',
} as const

/** The STIX type an entity kind is written as (a threat actor imported as an intrusion set stays one). */
export const stixTypeOf = (e: IntelEntity): string => {
  if (e.kind === 'threat-actor' && e.stixId?.startsWith('intrusion-set--') === true) {
    return 'intrusion-set'
  }
  return e.kind
}

/** An entity keeps the STIX id it came with; otherwise it gets a stable one derived from ours. */
export const entityStixId = (e: IntelEntity): string => {
  const type = stixTypeOf(e)
  return e.stixId?.startsWith(`${type}--`) === true ? e.stixId : derivedStixId(type, e.id)
}

export const relationshipStixId = (r: IntelRelationship): string =>
  r.stixId?.startsWith('relationship--') === true ? r.stixId : derivedStixId('relationship', r.id)

/** `modified` may not come before `created` (clocks and imports disagree): the later one wins. */
const times = (createdAt: string, updatedAt: string) => {
  const created = stixTime(createdAt)
  const modified = stixTime(updatedAt)
  return { created, modified: modified < created ? created : modified }
}

export const commonProps = (
  type: string,
  id: string,
  createdAt: string,
  updatedAt: string,
  tlp: Tlp,
  scope: StixScope,
) => ({
  type,
  spec_version: '2.1',
  id,
  ...times(createdAt, updatedAt),
  created_by_ref: scope.identityId,
  object_marking_refs: [scope.marking(tlp)],
})

/** Only the members that say something: STIX forbids empty lists and empty strings mean nothing. */
const present = (o: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined || v === '') continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out
}

const seen = (first: string | null, last: string | null) => {
  const f = first === null ? null : stixTime(first)
  const l = last === null ? null : stixTime(last)
  // STIX requires last_seen >= first_seen; a pair the other way round is kept as the first alone.
  return { first_seen: f, last_seen: l !== null && f !== null && l < f ? null : l }
}

const common = (e: IntelEntity, scope: StixScope) => ({
  ...commonProps(stixTypeOf(e), entityStixId(e), e.createdAt, e.updatedAt, e.tlp, scope),
  ...present({
    name: e.name,
    description: e.description,
    confidence: e.confidence,
    x_threateye_sources: e.sources,
    x_threateye_severity: e.severity,
  }),
})

const threatActor = (e: ThreatActor): Record<string, unknown> => {
  const d = e.details
  const stixType = stixTypeOf(e)
  return present({
    aliases: e.aliases,
    ...seen(e.firstSeen, e.lastSeen),
    threat_actor_types:
      stixType === 'threat-actor' && d.actorType !== null
        ? [STIX_THREAT_ACTOR_TYPES[d.actorType]]
        : null,
    primary_motivation: d.motivation,
    sophistication: stixType === 'threat-actor' ? d.sophistication : null,
    x_threateye_actor_type: d.actorType,
    x_threateye_origin_country: d.originCountry,
    x_threateye_tactics: d.tactics,
    x_threateye_tools: d.tools,
    x_threateye_target_sectors: d.targetSectors,
    x_threateye_target_countries: d.targetCountries,
  })
}

const campaign = (e: Campaign): Record<string, unknown> => {
  const d = e.details
  return present({
    aliases: e.aliases,
    ...seen(e.firstSeen, e.lastSeen),
    objective: d.objectives.join('; '),
    x_threateye_objectives: d.objectives,
    x_threateye_tactics: d.tactics,
    x_threateye_target_sectors: d.targetSectors,
    x_threateye_target_countries: d.targetCountries,
  })
}

const isUrl = (s: string): boolean => /^https?:\/\/\S+$/i.test(s)

/** An exploit or patch reference: a URL as `url`, anything else (an advisory id) as its description. */
const reference = (sourceName: string, ref: string): Record<string, string> =>
  isUrl(ref) ? { source_name: sourceName, url: ref } : { source_name: sourceName, description: ref }

const vulnerability = (e: Vulnerability): Record<string, unknown> => {
  const d = e.details
  const refs: Record<string, string>[] = []
  if (d.cveId !== null) {
    refs.push({
      source_name: 'cve',
      external_id: d.cveId,
      url: `https://www.cve.org/CVERecord?id=${d.cveId}`,
    })
  }
  for (const r of d.exploitReferences) refs.push(reference('exploit', r))
  for (const r of d.patchReferences) refs.push(reference('patch', r))
  return present({
    // STIX names a vulnerability by its CVE id; our own name is kept beside it.
    name: d.cveId ?? e.name,
    external_references: refs,
    x_threateye_name: d.cveId !== null && d.cveId !== e.name ? e.name : null,
    x_threateye_aliases: e.aliases,
    x_threateye_cvss_score: d.cvssScore,
    x_threateye_cvss_severity: d.cvssSeverity,
    x_threateye_affected_products: d.affectedProducts,
    x_threateye_exploit_available: d.exploitAvailable,
    x_threateye_exploited_in_the_wild: d.exploitedInTheWild,
    x_threateye_patch_available: d.patchAvailable,
    x_threateye_workarounds: d.workarounds,
    x_threateye_published: d.publishedAt === null ? null : stixTime(d.publishedAt),
    x_threateye_discovered: d.discoveredAt === null ? null : stixTime(d.discoveredAt),
    x_threateye_first_seen: e.firstSeen === null ? null : stixTime(e.firstSeen),
    x_threateye_last_seen: e.lastSeen === null ? null : stixTime(e.lastSeen),
  })
}

const malware = (e: Malware): Record<string, unknown> => {
  const d = e.details
  return {
    is_family: d.isFamily,
    ...present({
      aliases: e.aliases,
      ...seen(e.firstSeen, e.lastSeen),
      malware_types: d.malwareTypes,
      capabilities: d.capabilities,
    }),
  }
}

/** A report's own fields; its object_refs are the writer's (they may be streamed). */
export const reportProps = (e: ThreatReport): Record<string, unknown> => {
  const d = e.details
  return {
    report_types: ['threat-report'],
    // STIX requires `published`; a draft says when it was last written, and x_threateye_published: false.
    published: stixTime(d.publishedAt ?? e.updatedAt),
    ...present({
      description: d.summary === '' ? e.description : d.summary,
      x_threateye_published: d.published,
      x_threateye_content: d.content,
      x_threateye_authors: d.authors,
      x_threateye_description: d.summary !== '' ? e.description : null,
    }),
  }
}

/** An entity as its SDO (a report without object_refs: see reportProps). */
export const entitySdo = (e: IntelEntity, scope: StixScope): StixObject => {
  const head = common(e, scope)
  switch (e.kind) {
    case 'threat-actor':
      return { ...head, ...threatActor(e) }
    case 'campaign':
      return { ...head, ...campaign(e) }
    case 'vulnerability':
      return { ...head, ...vulnerability(e) }
    case 'malware':
      return { ...head, ...malware(e) }
    case 'report':
      return { ...head, ...reportProps(e) }
  }
}

/** ATT&CK ids → the attack-pattern that stands for each in this bundle. */
export const attackPatternId = (techniqueId: string): string =>
  derivedStixId('attack-pattern', techniqueId.toUpperCase())

const attackUrl = (id: string): string =>
  `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`

export const attackPatternSdo = (
  techniqueId: string,
  name: string | undefined,
  at: string,
  scope: StixScope,
): StixObject => ({
  ...commonProps('attack-pattern', attackPatternId(techniqueId), at, at, 'clear', scope),
  name: name ?? techniqueId,
  external_references: [
    { source_name: 'mitre-attack', external_id: techniqueId, url: attackUrl(techniqueId) },
  ],
})

export type RelationshipEnds = { source: string; target: string; tlp: Tlp }

export const relationshipSro = (
  r: IntelRelationship,
  ends: RelationshipEnds,
  scope: StixScope,
): StixObject => {
  const start = r.firstSeen === null ? null : stixTime(r.firstSeen)
  const stop = r.lastSeen === null ? null : stixTime(r.lastSeen)
  return {
    ...commonProps(
      'relationship',
      relationshipStixId(r),
      r.createdAt,
      r.updatedAt,
      ends.tlp,
      scope,
    ),
    relationship_type: r.relationshipType,
    source_ref: ends.source,
    target_ref: ends.target,
    ...present({
      description: r.description,
      confidence: r.confidence,
      start_time: start,
      // STIX requires stop_time to be later than start_time.
      stop_time: stop !== null && (start === null || stop > start) ? stop : null,
      x_threateye_source: r.source,
    }),
  }
}
