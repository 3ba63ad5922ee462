import type { IntelEntity, IntelRelationship } from '#shared/contract/intel.schemas'
import { attackPatternId, entityStixId } from '../stix/stix-entities'

export type MispCluster = {
  uuid: string
  type: string
  value: string
  tag_name: string
  description: string
  source: string
  authors: string[]
  meta: Record<string, string[]>
  GalaxyClusterRelation?: {
    galaxy_cluster_uuid: string
    referenced_galaxy_cluster_uuid: string
    referenced_galaxy_cluster_type: string
  }[]
}

export type MispGalaxy = {
  uuid: string
  name: string
  type: string
  namespace: string
  description: string
  GalaxyCluster: MispCluster[]
}

/** MISP's own galaxies (their published uuids), one per entity kind that has one. */
const GALAXIES = {
  'threat-actor': {
    uuid: '698774c7-8022-42c4-917f-8d6e4f06ada3',
    name: 'Threat Actor',
    type: 'threat-actor',
    namespace: 'misp',
    description: 'Threat actors are characteristics of malicious actors or adversaries.',
  },
  malware: {
    uuid: '1d1c9af9-37fa-4deb-a928-f9b0abc7354a',
    name: 'Malpedia',
    type: 'malpedia',
    namespace: 'misp',
    description: 'Malware families.',
  },
  'attack-pattern': {
    uuid: 'c4e851fa-775f-11e7-8163-b774922098cd',
    name: 'Attack Pattern',
    type: 'mitre-attack-pattern',
    namespace: 'mitre-attack',
    description: 'ATT&CK techniques.',
  },
} as const

/** A cluster's uuid is the UUID of the entity's STIX id: the MISP and STIX exports name it alike. */
const uuidOf = (stixId: string): string => stixId.slice(stixId.indexOf('--') + 2)

const tagName = (type: string, value: string): string =>
  `misp-galaxy:${type}=${JSON.stringify(value)}`

const list = (...values: (string | null | undefined)[]): string[] =>
  values.filter((v): v is string => typeof v === 'string' && v !== '')

const cluster = (
  galaxy: keyof typeof GALAXIES,
  uuid: string,
  value: string,
  description: string,
  meta: Record<string, string[]>,
): MispCluster => {
  const type = GALAXIES[galaxy].type
  const kept: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(meta)) if (v.length > 0) kept[k] = v
  return {
    uuid,
    type,
    value,
    tag_name: tagName(type, value),
    description,
    source: 'ThreatEye',
    authors: ['ThreatEye'],
    meta: kept,
  }
}

const entityCluster = (e: IntelEntity): [keyof typeof GALAXIES, MispCluster] | null => {
  const uuid = uuidOf(entityStixId(e))
  if (e.kind === 'threat-actor') {
    const d = e.details
    return [
      'threat-actor',
      cluster('threat-actor', uuid, e.name, e.description, {
        synonyms: e.aliases,
        country: list(d.originCountry),
        'cfr-type-of-incident': list(d.motivation),
        sophistication: list(d.sophistication),
        'threat-actor-type': list(d.actorType),
        'cfr-target-category': d.targetSectors,
        'cfr-suspected-victims': d.targetCountries,
        tools: d.tools,
        'mitre-attack-technique': e.techniques,
      }),
    ]
  }
  if (e.kind === 'malware') {
    return [
      'malware',
      cluster('malware', uuid, e.name, e.description, {
        synonyms: e.aliases,
        type: e.details.malwareTypes,
        capabilities: e.details.capabilities,
        'mitre-attack-technique': e.techniques,
      }),
    ]
  }
  return null
}

/** ATT&CK clusters are named "Name - T1234" in MISP's galaxy; without the catalogue, the id alone. */
export const attackCluster = (techniqueId: string, name: string | undefined): MispCluster => {
  const value = name === undefined ? techniqueId : `${name} - ${techniqueId}`
  return cluster('attack-pattern', uuidOf(attackPatternId(techniqueId)), value, '', {
    external_id: [techniqueId],
    refs: [`https://attack.mitre.org/techniques/${techniqueId.replace('.', '/')}/`],
  })
}

/** The ATT&CK galaxy holding some techniques (an attribute's own). */
export const attackGalaxy = (
  techniques: readonly string[],
  techniqueName: (id: string) => string | undefined,
): MispGalaxy => ({
  ...GALAXIES['attack-pattern'],
  GalaxyCluster: techniques.map((t) => attackCluster(t, techniqueName(t))),
})

/**
 * The event's galaxies: threat actors and malware families as clusters of MISP's galaxies, the ATT&CK
 * techniques in the mitre-attack-pattern galaxy, and the relationships between clustered entities as
 * cluster relations.
 */
export const galaxiesOf = (
  entities: readonly IntelEntity[],
  relationships: readonly IntelRelationship[],
  techniques: readonly string[],
  techniqueName: (id: string) => string | undefined,
): MispGalaxy[] => {
  const byGalaxy = new Map<keyof typeof GALAXIES, MispCluster[]>()
  const byEntity = new Map<string, MispCluster>()
  const add = (g: keyof typeof GALAXIES, c: MispCluster) => {
    const l = byGalaxy.get(g) ?? []
    l.push(c)
    byGalaxy.set(g, l)
  }
  for (const e of entities) {
    const found = entityCluster(e)
    if (found === null) continue
    add(found[0], found[1])
    byEntity.set(e.id, found[1])
  }
  for (const t of techniques) {
    const c = attackCluster(t, techniqueName(t))
    add('attack-pattern', c)
    byEntity.set(t, c)
  }
  for (const r of relationships) {
    const from = byEntity.get(r.sourceRef)
    const to = byEntity.get(r.targetRef)
    if (from === undefined || to === undefined) continue
    from.GalaxyClusterRelation ??= []
    from.GalaxyClusterRelation.push({
      galaxy_cluster_uuid: from.uuid,
      referenced_galaxy_cluster_uuid: to.uuid,
      referenced_galaxy_cluster_type: r.relationshipType,
    })
  }
  return [...byGalaxy].map(([g, clusters]) => ({ ...GALAXIES[g], GalaxyCluster: clusters }))
}
