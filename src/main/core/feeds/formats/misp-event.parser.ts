import { AppError } from '#shared/contract/errors'
import type { IocType, Severity, Tlp } from '#shared/domain/enums'
import type { FeedRecord, FormatParser, IntelObject, ParseItem } from '../feed-types'
import {
  BATCH_SIZE,
  type CommonParseOptions,
  DEFAULT_MAX_DOCUMENT_BYTES,
  type ParseStats,
  clip,
  epochToIso,
  errorMessage,
  isRecord,
  mergeTags,
  rejectItem,
  slices,
  str,
  text,
  toIsoUtc,
  own,
} from './parse-support'
import { stricterTlp, tlpFromTag } from './tlp'

export type MispEventOptions = {
  /** Keep only attributes flagged to_ids (default false: every mappable attribute is kept). */
  toIdsOnly?: boolean
  stats?: ParseStats
}

type Mapped = { type: IocType; value: string; port?: number; raw?: Record<string, string> }

/** ip-src / ip-dst carry v4, v6 and CIDR values alike; the form decides. */
const ipType = (v: string): IocType => (v.includes('/') ? 'cidr' : v.includes(':') ? 'ipv6' : 'ip')

const SIMPLE_TYPES: Readonly<Record<string, IocType>> = {
  domain: 'domain',
  hostname: 'domain',
  url: 'url',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha512: 'sha512',
  email: 'email',
  'email-src': 'email',
  'email-dst': 'email',
  'email-reply-to': 'email',
  vulnerability: 'cve',
  regkey: 'registry-key',
  mutex: 'mutex',
  filename: 'file-name',
  btc: 'bitcoin-address',
}

const FILE_HASHES: Readonly<Record<string, IocType>> = {
  'filename|md5': 'md5',
  'filename|sha1': 'sha1',
  'filename|sha256': 'sha256',
  'filename|sha512': 'sha512',
  // MISP stores samples as filename|md5 too.
  'malware-sample': 'md5',
}

const cut = (v: string, at: number): [string, string] => [
  v.slice(0, at).trim(),
  v.slice(at + 1).trim(),
]

/**
 * One MISP attribute → our values. Returns null for types we do not map (text, comment, other, link —
 * a link is a reference, not an indicator — attachments, AS numbers, xmr and dash wallets: only bitcoin
 * and Ethereum addresses are types), a string for a malformed value.
 */
export const mapMispAttribute = (mispType: string, value: string): Mapped[] | null | string => {
  if (mispType === 'ip-src' || mispType === 'ip-dst') return [{ type: ipType(value), value }]
  const simple = own(SIMPLE_TYPES, mispType)
  // MISP has no Ethereum type: wallets of every chain end up as btc, so the value tells an Ethereum one.
  if (simple === 'bitcoin-address' && /^0x/i.test(value.trim())) {
    return [{ type: 'ethereum-address', value }]
  }
  if (simple !== undefined) return [{ type: simple, value }]
  const hash = own(FILE_HASHES, mispType)
  if (hash !== undefined) {
    // The hash never holds a '|'; a file name may, so split at the last one.
    const bar = value.lastIndexOf('|')
    if (bar < 0) return `a ${mispType} value needs "filename|hash"`
    const [filename, h] = cut(value, bar)
    return [{ type: hash, value: h, raw: { filename: clip(filename, 1024) } }]
  }
  if (!mispType.includes('|')) return null
  const bar = mispType === 'regkey|value' ? value.indexOf('|') : value.lastIndexOf('|')
  if (bar < 0) return `a ${mispType} value needs a '|' between its parts`
  const [first, b] = cut(value, bar)
  // "[2001:db8::1]|443": the brackets are port syntax, not part of the address.
  const a = first.startsWith('[') && first.endsWith(']') ? first.slice(1, -1) : first
  switch (mispType) {
    case 'ip-src|port':
    case 'ip-dst|port':
    case 'hostname|port': {
      const port = /^\d{1,5}$/.test(b) ? Number(b) : NaN
      const m: Mapped = { type: mispType === 'hostname|port' ? 'domain' : ipType(a), value: a }
      if (Number.isInteger(port) && port <= 65535) m.port = port
      return [m]
    }
    case 'domain|ip':
      return [
        { type: 'domain', value: a },
        { type: ipType(b), value: b },
      ]
    case 'regkey|value':
      return [{ type: 'registry-key', value: a, raw: { regvalue: clip(b, 1024) } }]
    default:
      return null
  }
}

const tagNames = (v: unknown): string[] => {
  if (!Array.isArray(v)) return []
  const out: string[] = []
  for (const t of v)
    if (isRecord(t) && typeof t.name === 'string' && t.name !== '') out.push(t.name)
  return out
}

/** Splits tag names into our TLP (strictest wins) and the remaining tags. */
const splitTlp = (names: string[]): { tlp: Tlp | undefined; tags: string[] } => {
  let tlp: Tlp | undefined
  const tags: string[] = []
  for (const n of names) {
    const t = tlpFromTag(n)
    if (t !== undefined) tlp = stricterTlp(tlp, t)
    else tags.push(n)
  }
  return { tlp, tags }
}

/** MISP threat_level_id: 1 high, 2 medium, 3 low, 4 undefined (no severity stated). */
const THREAT_LEVELS: Readonly<Record<string, Severity>> = { '1': 'high', '2': 'medium', '3': 'low' }

/** Galaxies whose clusters name a malware family (MISP's own and MITRE's). */
const MALWARE_GALAXIES = new Set([
  'malpedia',
  'mitre-malware',
  'android',
  'banker',
  'rat',
  'ransomware',
])

const flag = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true'

const MAX_CLUSTER_RELATIONS = 200
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A cluster's relations to other clusters (MISP GalaxyClusterRelation), bounded and checked. */
const clusterRelations = (v: unknown): { type: string; target: string }[] | undefined => {
  if (!Array.isArray(v)) return undefined
  const out: { type: string; target: string }[] = []
  for (const r of v.slice(0, MAX_CLUSTER_RELATIONS)) {
    if (!isRecord(r)) continue
    const target = str(r.referenced_galaxy_cluster_uuid)
    const type = str(r.referenced_galaxy_cluster_type)
    if (target === undefined || !UUID_RE.test(target)) continue
    if (type === undefined || !/^[a-z0-9-]{1,64}$/.test(type)) continue
    out.push({ type, target: target.toLowerCase() })
  }
  return out.length > 0 ? out : undefined
}

/** What galaxy clusters add to records: tag names, and the malware family a malware galaxy names. */
type GalaxyTags = { tags: string[]; malware: string | undefined }

/** Galaxy clusters → IntelObjects (deduplicated by id into `seen`), their tag names and malware. */
const galaxies = (v: unknown, seen: Set<string>, items: ParseItem[]): GalaxyTags => {
  const out: GalaxyTags = { tags: [], malware: undefined }
  if (!Array.isArray(v)) return out
  const tags = out.tags
  for (const g of v) {
    if (!isRecord(g) || !Array.isArray(g.GalaxyCluster)) continue
    const isMalware = MALWARE_GALAXIES.has(str(g.type) ?? '')
    for (const c of g.GalaxyCluster) {
      if (!isRecord(c)) continue
      const tagName = str(c.tag_name)
      if (tagName !== undefined) tags.push(tagName)
      const clusterValue = str(c.value)
      if (isMalware && out.malware === undefined && clusterValue !== undefined)
        out.malware = clip(clusterValue, 200)
      const uuid = str(c.uuid)
      if (uuid === undefined) continue
      const id = `misp-galaxy-cluster--${uuid}`
      if (seen.has(id)) continue
      seen.add(id)
      const object: IntelObject = {
        id,
        type: 'misp-galaxy-cluster',
        data: {
          galaxy: { uuid: str(g.uuid), type: str(g.type), name: str(g.name) },
          uuid,
          type: str(c.type),
          value: str(c.value),
          tag_name: tagName,
          description: text(c.description),
          meta: isRecord(c.meta) ? c.meta : undefined,
          relations: clusterRelations(c.GalaxyClusterRelation),
        },
      }
      const name = str(c.value)
      if (name !== undefined) object.name = clip(name, 1024)
      items.push({ kind: 'object', object })
    }
  }
  return out
}

const eventsOf = (doc: unknown): unknown[] => {
  if (Array.isArray(doc)) {
    const list: unknown[] = doc
    return list.map((d) => (isRecord(d) && isRecord(d.Event) ? d.Event : d))
  }
  if (!isRecord(doc)) return []
  if (isRecord(doc.Event)) return [doc.Event]
  if (Array.isArray(doc.response)) return eventsOf(doc.response)
  if ('Attribute' in doc || 'Object' in doc || ('uuid' in doc && 'info' in doc)) return [doc]
  return []
}

/**
 * A MISP event document (`{"Event": …}`, a bare event, or a restSearch `{"response": [...]}`) → items:
 * the event and its galaxy clusters as IntelObjects, every mappable attribute (top level and inside
 * objects) as records. Record numbers count attributes from `lineBase + 1`, in file order.
 *
 * Decisions: every mappable attribute is kept whatever its to_ids (to_ids goes to raw; `toIdsOnly`
 * filters); unmapped types are counted in stats.filtered, not rejected; deleted attributes are skipped;
 * TLP is the attribute's own tlp tag, else the event's; event tags and galaxy tags apply to every record.
 */
export const mispEventToItems = (
  doc: unknown,
  lineBase = 0,
  options: MispEventOptions = {},
): ParseItem[] => {
  const events = eventsOf(doc)
  if (events.length === 0) {
    throw new AppError(
      'invalid_input',
      'Not a MISP event: expected {"Event": {...}}, an event, or {"response": [...]}',
    )
  }
  const items: ParseItem[] = []
  let n = lineBase
  for (const event of events) {
    if (!isRecord(event) || typeof event.uuid !== 'string' || event.uuid === '') {
      items.push(rejectItem(n + 1, '', 'MISP event has no uuid'))
      continue
    }
    const eventUuid = event.uuid
    const seen = new Set<string>()
    const eventGalaxies = galaxies(event.Galaxy, seen, items)
    const { tlp: eventTlp, tags: eventTagList } = splitTlp(tagNames(event.Tag))
    const eventTags = mergeTags(eventTagList, eventGalaxies.tags)
    const severity = own(THREAT_LEVELS, str(event.threat_level_id)?.trim() ?? '')
    const eventDate = toIsoUtc(str(event.date))
    const attributes: { attr: unknown; object?: Record<string, unknown> }[] = []
    if (Array.isArray(event.Attribute))
      for (const attr of event.Attribute) attributes.push({ attr })
    if (Array.isArray(event.Object)) {
      for (const object of event.Object) {
        if (!isRecord(object) || !Array.isArray(object.Attribute) || flag(object.deleted)) continue
        for (const attr of object.Attribute) attributes.push({ attr, object })
      }
    }
    const info = text(event.info, 1024)
    const eventData: Record<string, unknown> = {
      uuid: eventUuid,
      info,
      date: str(event.date),
      threat_level_id: str(event.threat_level_id),
      analysis: str(event.analysis),
      published: flag(event.published),
      timestamp: str(event.timestamp),
      publish_timestamp: str(event.publish_timestamp),
      Orgc: isRecord(event.Orgc)
        ? { uuid: str(event.Orgc.uuid), name: str(event.Orgc.name) }
        : undefined,
      tags: tagNames(event.Tag),
      attribute_count: attributes.length,
    }
    const eventObject: IntelObject = {
      id: `misp-event--${eventUuid}`,
      type: 'misp-event',
      data: eventData,
    }
    if (info !== undefined) eventObject.name = info
    const created = toIsoUtc(str(event.date))
    if (created !== null) eventObject.created = created
    const modified = epochToIso(event.timestamp)
    if (modified !== null) eventObject.modified = modified
    items.push({ kind: 'object', object: eventObject })

    for (const { attr, object } of attributes) {
      n++
      if (!isRecord(attr)) {
        items.push(rejectItem(n, '', `attribute ${n - lineBase} is not an object`))
        continue
      }
      if (flag(attr.deleted)) {
        if (options.stats) options.stats.filtered++
        continue
      }
      const mispType = str(attr.type)
      const value = str(attr.value)
      if (mispType === undefined || value === undefined || value.trim() === '') {
        items.push(rejectItem(n, value ?? '', `attribute ${n - lineBase} has no type or value`))
        continue
      }
      const toIds = flag(attr.to_ids)
      const mapped = mapMispAttribute(mispType, value)
      if (mapped === null || (options.toIdsOnly === true && !toIds)) {
        if (options.stats) options.stats.filtered++
        continue
      }
      if (typeof mapped === 'string') {
        items.push(rejectItem(n, value, mapped))
        continue
      }
      const attrGalaxies = galaxies(attr.Galaxy, seen, items)
      const own = splitTlp(tagNames(attr.Tag))
      const tags = mergeTags(mergeTags([...eventTags], own.tags), attrGalaxies.tags)
      const tlp = own.tlp ?? eventTlp
      const malware = attrGalaxies.malware ?? eventGalaxies.malware
      // The attribute's own first/last seen, else when it was recorded, else the event's date.
      const recorded = epochToIso(attr.timestamp)
      const firstSeen = toIsoUtc(str(attr.first_seen)) ?? recorded ?? eventDate
      const lastSeen = toIsoUtc(str(attr.last_seen)) ?? recorded ?? eventDate
      const description = text(attr.comment)
      const baseRaw: Record<string, unknown> = {
        event_uuid: eventUuid,
        uuid: str(attr.uuid),
        category: str(attr.category),
        type: mispType,
        to_ids: toIds,
      }
      if (object !== undefined) {
        baseRaw.object_name = str(object.name)
        baseRaw.object_relation = str(attr.object_relation)
      }
      for (const m of mapped) {
        const r: FeedRecord = {
          line: n,
          value: m.value,
          type: m.type,
          raw: { ...baseRaw, ...m.raw },
        }
        if (m.port !== undefined) r.port = m.port
        if (firstSeen !== null) r.firstSeen = firstSeen
        if (lastSeen !== null) r.lastSeen = lastSeen
        if (tags.length > 0) r.tags = tags
        if (tlp !== undefined) r.tlp = tlp
        if (description !== undefined) r.description = description
        if (info !== undefined) r.eventTitle = info
        if (severity !== undefined) r.severity = severity
        if (malware !== undefined) r.malware = malware
        items.push({ kind: 'record', record: r })
      }
    }
    // Every cluster of the event and its attributes (`seen`), for indicators.reportedIn; the object is
    // serialised after this function returns.
    eventData.galaxy_cluster_ids = [...seen]
  }
  return items
}

/**
 * A MISP event JSON file. Events are one document whose tags (needed for every attribute's TLP) come
 * AFTER the attributes in MISP's own output, so the document is read whole, up to `maxDocumentBytes`
 * (default 64 MB), and refused beyond that rather than buffered without bound.
 */
export const parseMispEvent: FormatParser<
  CommonParseOptions & MispEventOptions & { maxDocumentBytes?: number }
> = async function* (input, options) {
  const max = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES
  const parts: Uint8Array[] = []
  let size = 0
  for await (const slice of slices(input, options.signal)) {
    size += slice.byteLength
    if (size > max) {
      throw new AppError('payload_too_large', `MISP event file is larger than ${max} bytes`, {
        limit: max,
      })
    }
    parts.push(slice.slice())
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.byteLength
  }
  parts.length = 0
  let doc: unknown
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(all))
  } catch (e) {
    throw new AppError('invalid_input', `MISP event is not valid JSON: ${errorMessage(e)}`)
  }
  const items = mispEventToItems(doc, 0, options)
  for (let i = 0; i < items.length; i += BATCH_SIZE) yield items.slice(i, i + BATCH_SIZE)
}
