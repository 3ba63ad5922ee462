import { parseIndicator } from '#shared/domain/detect-type'
import { CLASSIFICATIONS, SEVERITIES } from '#shared/domain/enums'
import type { Tlp } from '#shared/domain/enums'
import type { FeedRecord, IntelObject, ParseItem } from '../feed-types'
import { stricterTlp, tlpFromTag } from '../formats/tlp'
import type { PreparedObject, PreparedRecord, RunDefaults } from './engine-types'
import { addNote, addReject, type IngestCounts as RunCounters } from '#core/ingest/ingest-counts'

/** The engine's bounds on what a source may make us store per record (feed data is hostile). */
export const MAX_RAW_JSON = 8 * 1024
export const MAX_OBJECT_JSON = 1024 * 1024
const MAX_TAGS = 64
const MAX_TAG = 128
const MAX_DESCRIPTION = 4000
const MAX_SHORT = 200
const MAX_REFERENCE = 2048
const MAX_TITLE = 1024

const short = (s: string | undefined, max = MAX_SHORT): string | null => {
  if (s === undefined) return null
  const t = s.trim()
  if (t.length === 0) return null
  return t.length > max ? t.slice(0, max) : t
}

/**
 * ISO-8601 timestamps compare as strings only in one spelling: observations merge first/last seen with
 * SQL min/max, so every date is normalised to `toISOString()` (the common case is checked without parsing).
 */
export const normaliseDate = (s: string | null | undefined): string | undefined => {
  if (!s) return undefined
  if (s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */)
    return s
  const t = Date.parse(s)
  if (Number.isNaN(t)) return undefined
  return new Date(t).toISOString()
}

const mergeTags = (feedTags: readonly string[], own: readonly string[] | undefined): string[] => {
  if (!own || own.length === 0) return feedTags.length === 0 ? [] : [...feedTags]
  const out = [...feedTags]
  for (const raw of own) {
    if (out.length >= MAX_TAGS) break
    const t = raw.trim()
    if (t.length === 0 || t.length > MAX_TAG || out.includes(t)) continue
    out.push(t)
  }
  return out
}

const boundedJson = (value: unknown, max: number): string | null => {
  if (value === undefined || value === null) return null
  let s: string | undefined
  try {
    s = JSON.stringify(value)
  } catch {
    return null
  }
  if (s === undefined) return null
  // A cut JSON text is not JSON: keep it as a string value so readers can still parse the column.
  return s.length > max ? JSON.stringify({ truncated: true, head: s.slice(0, max - 64) }) : s
}

/** A `tlp:green`-style tag among the record's own tags (the strictest wins), for formats without markings. */
const tlpOfTags = (tags: readonly string[] | undefined): Tlp | undefined => {
  if (tags === undefined) return undefined
  let tlp: Tlp | undefined
  for (const t of tags) {
    // Cheap pre-check: nearly no tag starts with a 't'.
    if ((t.charCodeAt(0) | 32) === 116) tlp = stricterTlp(tlp, tlpFromTag(t))
  }
  return tlp
}

const validConfidence = (n: number | undefined): number | undefined =>
  n !== undefined && Number.isFinite(n) ? Math.max(0, Math.min(100, Math.round(n))) : undefined

const validPort = (n: number | undefined): number | null =>
  n !== undefined && Number.isInteger(n) && n > 0 && n < 65536 ? n : null

/** Canonicalises one record and applies the run's defaults; a reject goes to the counters with its line. */
export const prepareRecord = (
  rec: FeedRecord,
  d: RunDefaults,
  counters: RunCounters,
): PreparedRecord | null => {
  const parsed = parseIndicator(rec.value, rec.type)
  if (!parsed.ok) {
    addReject(counters, { line: rec.line, value: parsed.value, reason: parsed.reason })
    return null
  }
  counters.rows++
  const tags = mergeTags(d.tags, rec.tags)
  const out: PreparedRecord = {
    line: rec.line,
    type: parsed.type,
    value: parsed.value,
    tags,
    threatType: short(rec.threatType, 100),
    malware: short(rec.malware),
    reference: short(rec.reference, MAX_REFERENCE),
    port: validPort(rec.port),
    eventTitle: short(rec.eventTitle, MAX_TITLE),
    tagsJson: JSON.stringify(tags),
    raw: boundedJson(rec.raw, MAX_RAW_JSON),
  }
  // Only defined keys: the indicator writer keeps an existing value for an absent one.
  const confidence = validConfidence(rec.confidence) ?? d.confidence
  if (confidence !== undefined) out.confidence = confidence
  // Parsers are ours, but a record can come from a mapping another module wrote: only known values pass.
  if (rec.classification !== undefined && CLASSIFICATIONS.includes(rec.classification))
    out.classification = rec.classification
  if (rec.severity !== undefined && SEVERITIES.includes(rec.severity)) out.severity = rec.severity
  // The record's marking, else a TLP tag it carries, else the feed's default.
  const tlp = rec.tlp ?? tlpOfTags(rec.tags) ?? d.tlp
  if (tlp) out.tlp = tlp
  const firstSeen = normaliseDate(rec.firstSeen)
  if (firstSeen) out.firstSeen = firstSeen
  const lastSeen = normaliseDate(rec.lastSeen)
  if (lastSeen) out.lastSeen = lastSeen
  const description = short(rec.description, MAX_DESCRIPTION)
  if (description) out.description = description
  return out
}

// Objects have no line of their own: their rejects are reported as line 0.
export const prepareObject = (o: IntelObject, counters: RunCounters): PreparedObject | null => {
  const line = 0
  const data = JSON.stringify(o.data ?? null)
  if (data.length > MAX_OBJECT_JSON) {
    addReject(counters, {
      line,
      value: o.id,
      reason: `object ${o.id} is ${data.length} bytes of JSON, more than the ${MAX_OBJECT_JSON} kept per object`,
    })
    return null
  }
  if (!o.id || o.id.length > 200 || !o.type || o.type.length > 64) {
    addReject(counters, { line, value: String(o.id), reason: 'object without a usable id or type' })
    return null
  }
  return {
    id: o.id,
    type: o.type,
    name: short(o.name, MAX_DESCRIPTION),
    created: normaliseDate(o.created) ?? null,
    modified: normaliseDate(o.modified) ?? null,
    sourceRef: short(o.sourceRef),
    targetRef: short(o.targetRef),
    relationshipType: short(o.relationshipType, 64),
    data,
  }
}

/** Splits a parser batch into prepared records and objects, counting rejects as it goes. */
export const prepareItems = (
  items: readonly ParseItem[],
  d: RunDefaults,
  counters: RunCounters,
  records: PreparedRecord[],
  objects: PreparedObject[],
): void => {
  for (const item of items) {
    if (item.kind === 'record') {
      const r = prepareRecord(item.record, d, counters)
      if (r) records.push(r)
    } else if (item.kind === 'reject') {
      addReject(counters, item.reject)
    } else if (item.kind === 'note') {
      addNote(counters, item.note)
    } else {
      const o = prepareObject(item.object, counters)
      if (o) objects.push(o)
    }
  }
}
