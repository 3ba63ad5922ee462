import { isAppError } from '#shared/contract/errors'
import type { Classification, IocType, Tlp } from '#shared/domain/enums'
import type { FeedRecord, IntelObject } from '../feed-types'
import {
  type Batcher,
  MAX_TAGS,
  clip,
  isRecord,
  mergeTags,
  rejectItem,
  text,
  toConfidence,
  toIsoUtc,
  own,
} from './parse-support'
import { parseStixPattern, refineType } from './stix-pattern'
import { STIX_TLP_MARKINGS, stricterTlp, tlpFromName } from './tlp'

/**
 * State carried across one bundle: TLP markings the bundle defines itself (non-standard ids), and the name
 * of a report that lists an object before the object itself comes (a bundle is streamed: a report that
 * comes after its objects is still kept as an object, and indicators.reportedIn finds it).
 */
export type StixContext = { markings: Map<string, Tlp>; reportNames: Map<string, string> }

export const createStixContext = (): StixContext => ({
  markings: new Map(),
  reportNames: new Map(),
})

const MAX_CUSTOM_MARKINGS = 10_000
const MAX_REPORT_REFS = 100_000

/**
 * STIX 2.1 indicator_types (open vocabulary) → what the producer says the thing is. Types that say
 * nothing about it (attribution, unknown) leave the classification unset.
 */
const INDICATOR_TYPE_CLASSIFICATION: Readonly<Record<string, Classification>> = {
  'malicious-activity': 'malicious',
  compromised: 'malicious',
  'anomalous-activity': 'suspicious',
  benign: 'benign',
}

const classificationOf = (types: readonly string[]): Classification | undefined => {
  let out: Classification | undefined
  for (const t of types) {
    const c = own(INDICATOR_TYPE_CLASSIFICATION, t)
    // The most severe one the producer stated.
    if (c === 'malicious' || out === undefined || (c === 'suspicious' && out === 'benign')) out = c
  }
  return out
}

const rememberReport = (obj: Record<string, unknown>, ctx: StixContext): void => {
  if (typeof obj.name !== 'string' || obj.name.trim() === '') return
  const name = clip(obj.name.trim(), 1024)
  for (const ref of strings(obj.object_refs)) {
    if (ctx.reportNames.size >= MAX_REPORT_REFS) return
    if (!ctx.reportNames.has(ref)) ctx.reportNames.set(ref, name)
  }
}

const SCO_VALUE_TYPES: Readonly<Record<string, IocType>> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ipv6',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
}

const HASH_KEYS: Readonly<Record<string, IocType>> = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512',
}

/** SDOs whose `name` the STIX 2.1 schema requires. */
const NAME_REQUIRED = new Set([
  'threat-actor',
  'intrusion-set',
  'campaign',
  'vulnerability',
  'report',
  'attack-pattern',
  'identity',
  'tool',
  'infrastructure',
  'course-of-action',
  'location',
])

const ATTACK_KILL_CHAINS = new Set([
  'mitre-attack',
  'mitre-pre-attack',
  'mitre-mobile-attack',
  'mitre-ics-attack',
])

const CVE_ID = /^CVE-\d{4}-\d{4,}$/i

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

const tlpOf = (obj: Record<string, unknown>, ctx: StixContext): Tlp | undefined => {
  let tlp: Tlp | undefined
  for (const ref of strings(obj.object_marking_refs)) {
    tlp = stricterTlp(tlp, own(STIX_TLP_MARKINGS, ref) ?? ctx.markings.get(ref))
  }
  return tlp
}

const killChainTags = (v: unknown): string[] => {
  if (!Array.isArray(v)) return []
  const out: string[] = []
  for (const p of v) {
    if (!isRecord(p) || typeof p.phase_name !== 'string' || typeof p.kill_chain_name !== 'string')
      continue
    out.push(
      ATTACK_KILL_CHAINS.has(p.kill_chain_name)
        ? `attack:${p.phase_name}`
        : `${p.kill_chain_name}:${p.phase_name}`,
    )
  }
  return out
}

const firstReferenceUrl = (v: unknown): string | undefined => {
  if (!Array.isArray(v)) return undefined
  for (const r of v) if (isRecord(r) && typeof r.url === 'string' && r.url !== '') return r.url
  return undefined
}

const cveOf = (obj: Record<string, unknown>): string | undefined => {
  if (typeof obj.name === 'string' && CVE_ID.test(obj.name.trim())) return obj.name.trim()
  if (!Array.isArray(obj.external_references)) return undefined
  for (const r of obj.external_references) {
    if (isRecord(r) && r.source_name === 'cve' && typeof r.external_id === 'string') {
      if (CVE_ID.test(r.external_id)) return r.external_id
    }
  }
  return undefined
}

const intelObject = (obj: Record<string, unknown>, id: string, type: string): IntelObject => {
  const o: IntelObject = { id, type, data: obj }
  if (typeof obj.name === 'string') o.name = clip(obj.name, 1024)
  if (typeof obj.created === 'string') o.created = obj.created
  if (typeof obj.modified === 'string') o.modified = obj.modified
  if (type === 'relationship') {
    if (typeof obj.source_ref === 'string') o.sourceRef = obj.source_ref
    if (typeof obj.target_ref === 'string') o.targetRef = obj.target_ref
    if (typeof obj.relationship_type === 'string') o.relationshipType = obj.relationship_type
  } else if (type === 'sighting') {
    if (typeof obj.sighting_of_ref === 'string') o.sourceRef = obj.sighting_of_ref
    o.relationshipType = 'sighting-of'
    const where = strings(obj.where_sighted_refs)
    if (where.length > 0) o.targetRef = where[0]
  }
  return o
}

const need = (obj: Record<string, unknown>, type: string, field: string): string | null =>
  typeof obj[field] === 'string' && obj[field] !== '' ? null : `${type} has no ${field}`

/** Why an object cannot be kept, or null when it has what we need. */
const missing = (obj: Record<string, unknown>, type: string): string | null => {
  if (type === 'indicator') return need(obj, type, 'pattern')
  if (type === 'relationship') {
    return (
      need(obj, type, 'relationship_type') ??
      need(obj, type, 'source_ref') ??
      need(obj, type, 'target_ref')
    )
  }
  if (type === 'sighting') return need(obj, type, 'sighting_of_ref')
  if (own(SCO_VALUE_TYPES, type) !== undefined) return need(obj, type, 'value')
  if (type === 'mutex') return need(obj, type, 'name')
  if (type === 'windows-registry-key') return need(obj, type, 'key')
  if (NAME_REQUIRED.has(type)) return need(obj, type, 'name')
  return null
}

/**
 * Maps one STIX object (already JSON.parsed) to items. `n` is its 1-based position in the bundle, used as
 * the record number in rejects.
 */
export const mapStixObject = (obj: unknown, n: number, ctx: StixContext, out: Batcher): void => {
  if (!isRecord(obj)) {
    out.push(rejectItem(n, JSON.stringify(obj) ?? '', `object ${n} is not a JSON object`))
    return
  }
  const type = obj.type
  const id = obj.id
  if (typeof type !== 'string' || type === '') {
    out.push(rejectItem(n, typeof id === 'string' ? id : '', `object ${n} has no type`))
    return
  }
  if (typeof id !== 'string' || !id.startsWith(`${type}--`)) {
    out.push(
      rejectItem(n, typeof id === 'string' ? id : '', `object ${n} (${type}) has no valid id`),
    )
    return
  }
  const why = missing(obj, type)
  if (why !== null) {
    out.push(rejectItem(n, id, `object ${n}: ${why}`))
    return
  }
  const tlp = tlpOf(obj, ctx)
  const scoType = own(SCO_VALUE_TYPES, type)
  if (scoType !== undefined && typeof obj.value === 'string') {
    const value = obj.value
    const t: IocType =
      (scoType === 'ip' || scoType === 'ipv6') && value.includes('/') ? 'cidr' : scoType
    out.push({ kind: 'record', record: scoRecord(n, value, t, id, tlp, ctx) })
    return
  }
  switch (type) {
    case 'indicator':
      return indicator(obj, id, n, tlp, ctx, out)
    case 'mutex':
      if (typeof obj.name === 'string') {
        out.push({ kind: 'record', record: scoRecord(n, obj.name, 'mutex', id, tlp, ctx) })
      }
      return
    case 'windows-registry-key':
      if (typeof obj.key === 'string') {
        out.push({ kind: 'record', record: scoRecord(n, obj.key, 'registry-key', id, tlp, ctx) })
      }
      return
    case 'file':
      return file(obj, id, n, tlp, ctx, out)
    case 'cryptocurrency-wallet':
    case 'x-cryptocurrency-wallet':
      if (typeof obj.value === 'string') {
        const t = refineType('bitcoin-address', obj.value)
        out.push({ kind: 'record', record: scoRecord(n, obj.value, t, id, tlp, ctx) })
      }
      return
    case 'report':
      rememberReport(obj, ctx)
      out.push({ kind: 'object', object: intelObject(obj, id, type) })
      return
    case 'vulnerability': {
      out.push({ kind: 'object', object: intelObject(obj, id, type) })
      const cve = cveOf(obj)
      if (cve !== undefined) {
        const r = scoRecord(n, cve, 'cve', id, tlp, ctx)
        const d = text(obj.description)
        if (d !== undefined) r.description = d
        out.push({ kind: 'record', record: r })
      }
      return
    }
    case 'marking-definition':
      rememberMarking(obj, id, ctx)
      out.push({ kind: 'object', object: intelObject(obj, id, type) })
      return
    default:
      // SDOs, SROs, other SCOs and custom x- objects are all kept for later issues.
      out.push({ kind: 'object', object: intelObject(obj, id, type) })
  }
}

const scoRecord = (
  n: number,
  value: string,
  type: IocType,
  id: string,
  tlp: Tlp | undefined,
  ctx: StixContext,
): FeedRecord => {
  const r: FeedRecord = { line: n, value, type, raw: { id } }
  if (tlp !== undefined) r.tlp = tlp
  const report = ctx.reportNames.get(id)
  if (report !== undefined) r.eventTitle = report
  return r
}

const file = (
  obj: Record<string, unknown>,
  id: string,
  n: number,
  tlp: Tlp | undefined,
  ctx: StixContext,
  out: Batcher,
): void => {
  let any = false
  if (isRecord(obj.hashes)) {
    for (const [k, v] of Object.entries(obj.hashes)) {
      const t = own(HASH_KEYS, k.toUpperCase().replace(/-/g, ''))
      if (t === undefined || typeof v !== 'string') continue
      const r = scoRecord(n, v, t, id, tlp, ctx)
      if (typeof obj.name === 'string') r.raw = { id, name: clip(obj.name, 1024) }
      out.push({ kind: 'record', record: r })
      any = true
    }
  }
  // A file known only by its name is a file-name indicator; with hashes, the name is their context.
  if (!any && typeof obj.name === 'string' && obj.name !== '') {
    out.push({ kind: 'record', record: scoRecord(n, obj.name, 'file-name', id, tlp, ctx) })
    any = true
  }
  if (!any) out.push({ kind: 'object', object: intelObject(obj, id, 'file') })
}

const rememberMarking = (obj: Record<string, unknown>, id: string, ctx: StixContext): void => {
  if (own(STIX_TLP_MARKINGS, id) !== undefined || ctx.markings.size >= MAX_CUSTOM_MARKINGS) return
  // TLP 1.0 style: definition_type 'tlp', definition { tlp: 'green' }; otherwise a name like "TLP:GREEN".
  const def = obj.definition
  const named =
    obj.definition_type === 'tlp' && isRecord(def) && typeof def.tlp === 'string'
      ? tlpFromName(def.tlp)
      : typeof obj.name === 'string'
        ? tlpFromName(obj.name)
        : undefined
  if (named !== undefined) ctx.markings.set(id, named)
}

const indicator = (
  obj: Record<string, unknown>,
  id: string,
  n: number,
  tlp: Tlp | undefined,
  ctx: StixContext,
  out: Batcher,
): void => {
  const patternType = typeof obj.pattern_type === 'string' ? obj.pattern_type : 'stix'
  if (patternType !== 'stix') {
    out.push({ kind: 'object', object: intelObject(obj, id, 'indicator') })
    return
  }
  const pattern = typeof obj.pattern === 'string' ? obj.pattern : ''
  let info
  try {
    info = parseStixPattern(pattern)
  } catch (e) {
    out.push(rejectItem(n, pattern, `object ${n}: ${isAppError(e) ? e.message : String(e)}`))
    return
  }
  let emitted = 0
  if (info.observables.length > 0) {
    const tags = mergeTags(
      mergeTags(strings(obj.labels), strings(obj.indicator_types)),
      killChainTags(obj.kill_chain_phases),
    )
    const dateOf = (k: string) => toIsoUtc(typeof obj[k] === 'string' ? obj[k] : null)
    // valid_from is when the producer saw it start; created is the fallback. modified is the producer's
    // latest word on it (never before first seen).
    const firstSeen = dateOf('valid_from') ?? dateOf('created')
    const modified = dateOf('modified')
    const lastSeen =
      modified === null ? null : firstSeen !== null && modified < firstSeen ? firstSeen : modified
    const confidence = toConfidence(obj.confidence)
    const types = strings(obj.indicator_types)
    const classification = classificationOf(types)
    const report = ctx.reportNames.get(id)
    const reference = firstReferenceUrl(obj.external_references)
    const description = text(obj.description)
    const raw: Record<string, unknown> = { id }
    if (typeof obj.name === 'string') raw.name = clip(obj.name, 1024)
    if (typeof obj.valid_until === 'string') raw.valid_until = obj.valid_until
    if (typeof obj.created_by_ref === 'string') raw.created_by_ref = obj.created_by_ref
    for (const o of info.observables) {
      if (!o.sufficient) continue
      const r: FeedRecord = { line: n, value: o.value, type: o.type, raw }
      if (firstSeen !== null) r.firstSeen = firstSeen
      if (lastSeen !== null) r.lastSeen = lastSeen
      if (classification !== undefined) r.classification = classification
      if (report !== undefined) r.eventTitle = report
      if (confidence !== undefined) r.confidence = confidence
      if (types.length > 0) r.threatType = types[0]
      if (tags.length > 0) r.tags = tags.length > MAX_TAGS ? tags.slice(0, MAX_TAGS) : tags
      if (reference !== undefined) r.reference = reference
      if (description !== undefined) r.description = description
      if (tlp !== undefined) r.tlp = tlp
      out.push({ kind: 'record', record: r })
      emitted++
    }
  }
  // Whatever the records do not capture (ANDs, qualifiers, unmapped paths) stays as the object itself.
  if (!info.simple || emitted === 0)
    out.push({ kind: 'object', object: intelObject(obj, id, 'indicator') })
}
