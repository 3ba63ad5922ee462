import type { Writable } from 'node:stream'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'
import { THREATEYE_NAMESPACE_BYTES, uuidV5Pure } from '#shared/domain/indicator-id'
import type { ExportSet } from '../export-set'
import { JsonArrayOut, JsonOut } from '../stix/json-out'
import { attackGalaxy, galaxiesOf } from './misp-galaxies'
import {
  DISTRIBUTION_OF,
  MISP_TYPES,
  THREAT_LEVEL_OF,
  TLP_TAGS,
  epoch,
  mispTime,
  oneLine,
  toIdsOf,
} from './misp-mapping'

export type MispExportOptions = {
  signal?: AbortSignal
  /** ATT&CK technique names from the catalogue, for the mitre-attack-pattern clusters' values. */
  techniqueName?: (techniqueId: string) => string | undefined
}

/** The organisation that creates the events: one fixed uuid, so MISP sees one creator across exports. */
export const THREATEYE_ORG = {
  uuid: uuidV5Pure(THREATEYE_NAMESPACE_BYTES, '{"misp-org":"ThreatEye"}'),
  name: 'ThreatEye',
}

type Tag = { name: string; colour: string; exportable: boolean }

const TAG_COLOUR = '#0088cc'
const tlpTag = (tlp: Tlp): Tag => ({ ...TLP_TAGS[tlp], exportable: true })

const uuid = (parts: Record<string, string>): string =>
  uuidV5Pure(THREATEYE_NAMESPACE_BYTES, JSON.stringify(parts))

/** A report exports as its own event (stable across re-exports); any other set by title and time. */
const eventUuid = (set: ExportSet): string =>
  set.report !== null ? set.report.id : uuid({ generatedAt: set.generatedAt, title: set.title })

/** The severity an event states: the report's, else the worst among the indicators. */
const threatLevel = (set: ExportSet): string => {
  if (set.report?.severity != null) return THREAT_LEVEL_OF[set.report.severity] ?? '4'
  for (const s of ['critical', 'high', 'medium', 'low']) {
    if ((set.stats.bySeverity[s] ?? 0) > 0) return THREAT_LEVEL_OF[s]
  }
  return '4'
}

const attribute = (
  ind: Indicator,
  event: string,
  eventTlp: Tlp,
  techniqueName: (id: string) => string | undefined,
) => {
  const t = MISP_TYPES[ind.type]
  const tags: Tag[] = []
  // The event's tag covers attributes at its level; any other level is the attribute's own.
  if (ind.tlp !== eventTlp) tags.push(tlpTag(ind.tlp))
  for (const name of ind.tags) tags.push({ name, colour: TAG_COLOUR, exportable: true })
  const first = ind.firstSeen === null ? null : mispTime(ind.firstSeen)
  const last = ind.lastSeen === null ? null : mispTime(ind.lastSeen)
  return {
    uuid: uuid({ event, indicator: ind.id }),
    type: t.type,
    category: t.category,
    value: ind.value,
    to_ids: toIdsOf(ind),
    distribution: '5',
    timestamp: epoch(ind.updatedAt),
    deleted: false,
    comment: ind.description,
    first_seen: first ?? undefined,
    // MISP refuses a last_seen before first_seen.
    last_seen: last !== null && (first === null || last >= first) ? last : undefined,
    Tag: tags.length > 0 ? tags : undefined,
    // The techniques this indicator is evidence of are its own clusters, not the whole event's.
    Galaxy:
      ind.mitreTechniques.length > 0
        ? [
            attackGalaxy(
              ind.mitreTechniques.map((t) => t.toUpperCase()),
              techniqueName,
            ),
          ]
        : undefined,
  }
}

/** Campaigns and vulnerabilities have no galaxy of ours: they travel as attributes. */
const entityAttribute = (e: IntelEntity, event: string, eventTlp: Tlp) => {
  const base = {
    uuid: uuid({ event, entity: e.id }),
    to_ids: false,
    distribution: '5',
    timestamp: epoch(e.updatedAt),
    deleted: false,
    comment: oneLine(e.description === '' ? e.name : `${e.name}: ${e.description}`, 4096),
    Tag: e.tlp !== eventTlp ? [tlpTag(e.tlp)] : undefined,
  }
  if (e.kind === 'campaign') {
    return { ...base, type: 'campaign-name', category: 'Attribution', value: e.name }
  }
  if (e.kind === 'vulnerability' && e.details.cveId !== null) {
    return { ...base, type: 'vulnerability', category: 'External analysis', value: e.details.cveId }
  }
  return null
}

const eventReports = (set: ExportSet, event: string) => {
  const reports = set.entities.filter((e) => e.kind === 'report' && e.id !== set.report?.id)
  if (set.report !== null) reports.unshift(set.report)
  return reports.flatMap((r) =>
    r.kind === 'report'
      ? [
          {
            uuid: uuid({ event, report: r.id }),
            name: oneLine(r.name, 255),
            content: r.details.content === '' ? r.details.summary : r.details.content,
            distribution: '5',
            timestamp: epoch(r.updatedAt),
            deleted: false,
          },
        ]
      : [],
  )
}

/**
 * Writes the set as one MISP event (`{"Event": …}`), streamed: the event's fields and TLP tag, every
 * indicator as an attribute page by page, then campaigns and vulnerabilities as attributes, the galaxies
 * (threat actors, malware families, ATT&CK techniques, with cluster relations; an indicator's own
 * techniques are its attribute's galaxy) and the report's text as
 * an EventReport. Members come in that order because the techniques are known only once the indicators
 * have been read. The stream is not ended.
 */
export const writeMispEvent = async (
  set: ExportSet,
  out: Writable,
  opts: MispExportOptions = {},
): Promise<{ attributes: number }> => {
  const json = new JsonOut(out, opts.signal)
  const event = eventUuid(set)
  const report = set.report
  const date = (report?.details.publishedAt ?? set.generatedAt).slice(0, 10)
  const published = report?.details.published === true
  const head = {
    uuid: event,
    info: oneLine(set.title, 256),
    date,
    threat_level_id: threatLevel(set),
    analysis: report === null || published ? '2' : '1',
    distribution: DISTRIBUTION_OF[set.tlp],
    timestamp: epoch(set.generatedAt),
    published,
    publish_timestamp: published ? epoch(report?.details.publishedAt ?? set.generatedAt) : '0',
    Orgc: THREATEYE_ORG,
    Tag: [tlpTag(set.tlp)],
    Object: [],
  }
  const attributes = new JsonArrayOut(json)
  await json.raw(`{"Event":${JSON.stringify(head).slice(0, -1)},`)
  await attributes.open('"Attribute":')
  const techniques = new Set<string>()
  for (const e of set.entities) for (const t of e.techniques) techniques.add(t.toUpperCase())
  for (const r of set.relationships) {
    if (r.sourceKind === 'attack-pattern') techniques.add(r.sourceRef.toUpperCase())
    if (r.targetKind === 'attack-pattern') techniques.add(r.targetRef.toUpperCase())
  }
  const techniqueName = opts.techniqueName ?? (() => undefined)
  const cves = new Set<string>()
  for await (const page of set.indicators()) {
    json.checkAbort()
    for (const ind of page) {
      if (ind.type === 'attack-technique') {
        techniques.add(ind.value.toUpperCase())
        continue
      }
      if (ind.type === 'cve') cves.add(ind.value.toUpperCase())
      await attributes.push(attribute(ind, event, set.tlp, techniqueName))
    }
  }
  for (const e of set.entities) {
    if (e.kind === 'vulnerability' && cves.has(e.details.cveId ?? '')) continue
    const a = entityAttribute(e, event, set.tlp)
    if (a !== null) await attributes.push(a)
  }
  await attributes.close(',')
  const galaxies = galaxiesOf(
    set.entities,
    set.relationships,
    [...techniques].sort(),
    techniqueName,
  )
  await json.raw(`"Galaxy":${JSON.stringify(galaxies)},`)
  await json.raw(`"EventReport":${JSON.stringify(eventReports(set, event))}}}`)
  await json.flush()
  return { attributes: attributes.length }
}
