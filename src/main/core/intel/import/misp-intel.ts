import type { Severity, Tlp } from '#shared/domain/enums'
import { stricterTlp, tlpFromTag } from '../../feeds/formats/tlp'
import { MAX_ALIASES, MAX_DESCRIPTION, type EntityDraft } from './intel-merge-rules'
import { clipped, isObj, stringList, type Obj } from './stix-intel'

/**
 * MISP galaxy clusters and events (as the MISP parser stored them in intel_objects,
 * src/main/core/feeds/formats/misp-event.parser.ts) → knowledge-base drafts. Threat-actor galaxies become
 * threat actors (synonyms as aliases, meta.country as origin); malware galaxies become malware; a
 * mitre-attack-pattern cluster is an ATT&CK technique for the event's entities; an event is a threat
 * report.
 */

const ACTOR_GALAXIES = new Set(['threat-actor', 'mitre-intrusion-set'])
/** Galaxy → the malware type it implies (null: none). */
const MALWARE_GALAXIES: Readonly<Record<string, string | null>> = {
  malpedia: null,
  'mitre-malware': null,
  'mitre-tool': 'tool',
  ransomware: 'ransomware',
  android: null,
  banker: 'banker',
  rat: 'remote-access-trojan',
}
const TECHNIQUE_GALAXIES = new Set([
  'mitre-attack-pattern',
  'mitre-enterprise-attack-attack-pattern',
])

const THREAT_LEVEL: Readonly<Record<string, Severity>> = { '1': 'high', '2': 'medium', '3': 'low' }

const galaxyTypeOf = (data: Obj): string | undefined =>
  isObj(data.galaxy) ? clipped(data.galaxy.type, 100) : undefined

/** MITRE galaxies name clusters "APT28 - G0007": the name without its ATT&CK id. */
const plainName = (value: string): string =>
  value.replace(/\s+-\s+[GST]\d{4}(\.\d{3})?$/, '').trim()

export const mispTechniqueOf = (data: Obj): string | null => {
  const type = galaxyTypeOf(data)
  if (type === undefined || !TECHNIQUE_GALAXIES.has(type)) return null
  const meta = isObj(data.meta) ? data.meta : {}
  const ids = [
    ...stringList(meta.external_id, 10, 20),
    ...(typeof meta.external_id === 'string' ? [meta.external_id] : []),
  ]
  const value = clipped(data.value) ?? ''
  const fromValue = /\b(T\d{4}(\.\d{3})?)$/.exec(value)?.[1]
  for (const id of [...ids, fromValue]) {
    if (id !== undefined && /^T\d{4}(\.\d{3})?$/.test(id.trim())) return id.trim()
  }
  return null
}

const epochIso = (v: unknown): string | null => {
  const n =
    typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : null
}

const dateIso = (v: unknown): string | null => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return null
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

/** MISP's MITRE galaxies keep the UUIDs of MITRE's STIX objects: the cluster is that STIX object. */
const MITRE_STIX_TYPES: Readonly<Record<string, string>> = {
  'mitre-intrusion-set': 'intrusion-set',
  'mitre-malware': 'malware',
  'mitre-tool': 'tool',
}

const mitreStixId = (galaxy: string, data: Obj): string | null => {
  const type = Object.hasOwn(MITRE_STIX_TYPES, galaxy) ? MITRE_STIX_TYPES[galaxy] : undefined
  const uuid = clipped(data.uuid, 64)
  return type === undefined || uuid === undefined || !/^[0-9a-f-]{36}$/i.test(uuid)
    ? null
    : `${type}--${uuid.toLowerCase()}`
}

/** A threat-actor or malware galaxy cluster → an entity draft; null for the other galaxies. */
export const mispClusterDraft = (
  objectId: string,
  data: Obj,
  source: string,
): EntityDraft | null => {
  const type = galaxyTypeOf(data)
  const value = clipped(data.value)
  if (type === undefined || value === undefined) return null
  const isActor = ACTOR_GALAXIES.has(type)
  const isMalware = Object.hasOwn(MALWARE_GALAXIES, type)
  if (!isActor && !isMalware) return null
  const meta = isObj(data.meta) ? data.meta : {}
  const name = plainName(value)
  const details: Record<string, unknown> = {}
  if (isActor) {
    const country = stringList(meta.country, 1, 10)[0] ?? clipped(meta.country, 10)
    if (country !== undefined && /^[A-Za-z]{2}$/.test(country)) details.originCountry = country
    // Galaxy meta values are lists in MISP's own galaxies, single strings in some others.
    const motivation =
      stringList(meta['cfr-type-of-incident'], 1)[0] ?? clipped(meta['cfr-type-of-incident'])
    if (motivation !== undefined) details.motivation = motivation
    details.targetSectors = stringList(meta['cfr-target-category'], 200)
    // Victims are country names in MISP's galaxy; only ISO codes are target countries here.
    details.targetCountries = stringList(meta['cfr-suspected-victims'], 250, 10).filter((c) =>
      /^[A-Za-z]{2}$/.test(c),
    )
  } else {
    const implied = MALWARE_GALAXIES[type]
    const stated = stringList(meta.type, 50)
    details.malwareTypes =
      implied === null ? stated : [implied, ...stated.filter((t) => t !== implied)]
  }
  return {
    kind: isActor ? 'threat-actor' : 'malware',
    name,
    aliases: stringList(meta.synonyms, MAX_ALIASES).filter((a) => a !== name),
    description: clipped(data.description, MAX_DESCRIPTION) ?? '',
    objectId,
    stixId: mitreStixId(type, data),
    tlp: null,
    severity: null,
    confidence: null,
    firstSeen: null,
    lastSeen: null,
    techniques: [],
    sources: [source, `misp-galaxy:${type}`],
    details,
    modified: null,
  }
}

/** A MISP event → its threat report's draft (named by its info, else its uuid). */
export const mispEventDraft = (objectId: string, data: Obj, source: string): EntityDraft | null => {
  const uuid = clipped(data.uuid, 64)
  if (uuid === undefined) return null
  let tlp: Tlp | undefined
  for (const tag of stringList(data.tags, 200)) tlp = stricterTlp(tlp, tlpFromTag(tag))
  const level = clipped(data.threat_level_id, 4)
  const published = data.published === true
  const org = isObj(data.Orgc) ? clipped(data.Orgc.name) : undefined
  const modified = epochIso(data.timestamp)
  return {
    kind: 'report',
    name: clipped(data.info) ?? `MISP event ${uuid}`,
    aliases: [],
    description: '',
    objectId,
    stixId: null,
    tlp: tlp ?? null,
    severity: level === undefined ? null : (THREAT_LEVEL[level] ?? null),
    confidence: null,
    firstSeen: dateIso(data.date),
    lastSeen: modified,
    techniques: [],
    sources: [source],
    details: {
      published,
      ...(published ? { publishedAt: epochIso(data.publish_timestamp) ?? modified } : {}),
      authors: org === undefined ? [] : [org],
    },
    modified,
  }
}

/** The cluster ids an event's data lists (its own and its attributes'). */
export const eventClusterIds = (data: Obj): string[] =>
  stringList(data.galaxy_cluster_ids, 1000, 200)
