import type { Writable } from 'node:stream'
import type { IntelEntity, IntelRefKind, ThreatReport } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'
import { TLP_LEVELS } from '#shared/domain/enums'
import { THREATEYE_NAMESPACE_BYTES, uuidV5Pure } from '#shared/domain/indicator-id'
import type { ExportSet } from '../export-set'
import { JsonArrayOut, JsonOut } from './json-out'
import {
  type StixObject,
  type StixScope,
  attackPatternId,
  attackPatternSdo,
  commonProps,
  entitySdo,
  entityStixId,
  relationshipSro,
} from './stix-entities'
import { derivedStixId } from './stix-indicator'
import { type IndicatorScope, indicatorObjects } from './stix-indicator-objects'
import { type TlpVersion, tlpMarkingId, tlpMarkingObject } from './stix-markings'

export type StixExportOptions = {
  /** TLP 2.0 markings (the default) or TLP 1.0 ones for legacy peers. */
  tlpVersion?: TlpVersion
  signal?: AbortSignal
  /** Also write each indicator's cyber-observable and a based-on relationship to it. */
  observables?: boolean
  /** ATT&CK technique names from the catalogue; the id is the attack-pattern's name without it. */
  techniqueName?: (techniqueId: string) => string | undefined
}

/** Who wrote the bundle: one fixed identity, so every export names the same producer. */
export const THREATEYE_IDENTITY = {
  type: 'identity',
  spec_version: '2.1',
  id: `identity--${uuidV5Pure(THREATEYE_NAMESPACE_BYTES, '{"name":"ThreatEye"}')}`,
  created: '2025-01-01T00:00:00.000Z',
  modified: '2025-01-01T00:00:00.000Z',
  name: 'ThreatEye',
  identity_class: 'system',
} as const

const RANK = Object.fromEntries(TLP_LEVELS.map((t, i) => [t, i])) as Record<Tlp, number>
const stricter = (a: Tlp, b: Tlp): Tlp => (RANK[b] > RANK[a] ? b : a)

type Ref = { id: string; tlp: Tlp }

/** Markings are written as they are first used; those first used late are written at the end. */
class Markings {
  private readonly written = new Set<string>()
  private readonly pending = new Map<string, Tlp>()
  constructor(private readonly version: TlpVersion) {}

  use(tlp: Tlp): string {
    const id = tlpMarkingId(tlp, this.version)
    if (!this.written.has(id)) this.pending.set(id, tlp)
    return id
  }

  async flush(objects: JsonArrayOut): Promise<void> {
    for (const [id, tlp] of this.pending) {
      this.written.add(id)
      await objects.push(tlpMarkingObject(tlp, this.version))
    }
    this.pending.clear()
  }
}

/**
 * Writes the set as one STIX 2.1 bundle, streamed: markings and the producer identity, the entities, every
 * indicator page by page (never all at once), the ATT&CK attack-patterns used, the relationships, and
 * last the report, whose object_refs are streamed from a second pass over the indicators. Every object
 * carries its TLP marking. The stream is not ended.
 */
export const writeStixBundle = async (
  set: ExportSet,
  out: Writable,
  opts: StixExportOptions = {},
): Promise<{ objects: number }> => {
  const json = new JsonOut(out, opts.signal)
  const objects = new JsonArrayOut(json)
  const markings = new Markings(opts.tlpVersion ?? '2.0')
  const scope: StixScope = { identityId: THREATEYE_IDENTITY.id, marking: (t) => markings.use(t) }
  const bundleId = `bundle--${uuidV5Pure(
    THREATEYE_NAMESPACE_BYTES,
    JSON.stringify({ generatedAt: set.generatedAt, title: set.title }),
  )}`
  await json.raw(`{"type":"bundle","id":${JSON.stringify(bundleId)},`)
  await objects.open('"objects":')
  for (const t of [...(Object.keys(set.tlpCounts) as Tlp[]), set.tlp, 'clear' as const]) {
    markings.use(t)
  }
  await markings.flush(objects)
  await objects.push({ ...THREATEYE_IDENTITY, object_marking_refs: [markings.use('clear')] })

  const entities = set.entities.filter((e) => e.id !== set.report?.id)
  // Everything the report contains but the indicators' objects (those are streamed again).
  const contained: string[] = []
  const refs = new Map<string, Ref>()
  const vulnerabilityByCve = new Map<string, string>()
  const techniques = new Set<string>()
  for (const e of entities) {
    refs.set(e.id, { id: entityStixId(e), tlp: e.tlp })
    if (e.kind === 'vulnerability' && e.details.cveId !== null) {
      vulnerabilityByCve.set(e.details.cveId, entityStixId(e))
    }
  }
  if (set.report !== null)
    refs.set(set.report.id, { id: entityStixId(set.report), tlp: set.report.tlp })

  for (const e of entities) {
    if (e.kind === 'report') continue
    json.checkAbort()
    await objects.push(entitySdo(e, scope))
    contained.push(entityStixId(e))
    for (const sro of techniqueUses(e, scope, techniques)) {
      await objects.push(sro)
      contained.push(sro.id)
    }
  }

  const wanted = new Set<string>()
  for (const r of set.relationships) {
    if (r.sourceKind === 'indicator') wanted.add(r.sourceRef)
    if (r.targetKind === 'indicator') wanted.add(r.targetRef)
  }
  const indicatorScope: IndicatorScope = {
    ...scope,
    observables: opts.observables === true,
    vulnerabilityByCve,
    useTechnique: (t) => techniques.add(t.toUpperCase()),
  }
  for await (const page of set.indicators()) {
    json.checkAbort()
    for (const ind of page) {
      const mapped = indicatorObjects(ind, indicatorScope)
      for (const o of mapped.objects) await objects.push(o)
      if (wanted.has(ind.id)) refs.set(ind.id, { id: mapped.primary, tlp: ind.tlp })
    }
    await markings.flush(objects)
  }

  const at = set.generatedAt
  for (const r of set.relationships) {
    if (r.sourceKind === 'attack-pattern') techniques.add(r.sourceRef.toUpperCase())
    if (r.targetKind === 'attack-pattern') techniques.add(r.targetRef.toUpperCase())
  }
  for (const t of [...techniques].sort()) {
    const ap = attackPatternSdo(t, opts.techniqueName?.(t), at, scope)
    await objects.push(ap)
    contained.push(ap.id)
  }

  const endOf = (ref: string, kind: IntelRefKind): Ref | undefined =>
    kind === 'attack-pattern' ? { id: attackPatternId(ref), tlp: 'clear' } : refs.get(ref)
  const linked = new Map<string, string[]>()
  for (const r of set.relationships) {
    const source = endOf(r.sourceRef, r.sourceKind)
    const target = endOf(r.targetRef, r.targetKind)
    // Both ends are in the set by the set's contract; an end it does not hold is not invented here.
    if (source === undefined || target === undefined) continue
    // A cve indicator is its vulnerability's SDO: an edge between the two would point at itself.
    if (source.id === target.id) continue
    const sro = relationshipSro(
      r,
      { source: source.id, target: target.id, tlp: stricter(source.tlp, target.tlp) },
      scope,
    )
    await objects.push(sro)
    contained.push(sro.id)
    for (const [end, other] of [
      [r.sourceRef, target.id],
      [r.targetRef, source.id],
    ]) {
      const list = linked.get(end) ?? []
      list.push(other, sro.id)
      linked.set(end, list)
    }
  }

  // Reports in the set other than the target: they contain what the set links them to.
  for (const e of entities) {
    if (e.kind !== 'report') continue
    const own = linked.get(e.id) ?? []
    await objects.push({
      ...entitySdo(e, scope),
      object_refs: own.length > 0 ? [...new Set(own)] : [THREATEYE_IDENTITY.id],
    })
    contained.push(entityStixId(e))
  }
  await markings.flush(objects)

  if (set.report !== null) {
    await writeReport(set.report, set, contained, indicatorScope, objects, json)
  }
  await markings.flush(objects)
  await objects.close('}')
  await json.flush()
  return { objects: objects.length }
}

/** An entity's ATT&CK techniques: `uses` relationships to their attack-patterns (written later). */
const techniqueUses = (e: IntelEntity, scope: StixScope, techniques: Set<string>): StixObject[] =>
  e.techniques.map((raw) => {
    const t = raw.toUpperCase()
    techniques.add(t)
    const source = entityStixId(e)
    const target = attackPatternId(t)
    return {
      ...commonProps(
        'relationship',
        derivedStixId('relationship', `${source}|uses|${target}`),
        e.createdAt,
        e.updatedAt,
        e.tlp,
        scope,
      ),
      relationship_type: 'uses',
      source_ref: source,
      target_ref: target,
    }
  })

/**
 * The target report, last: its object_refs name every object of the bundle (a million indicators too), so
 * the array is written as the indicators are read a second time.
 */
const writeReport = async (
  report: ThreatReport,
  set: ExportSet,
  contained: readonly string[],
  scope: IndicatorScope,
  objects: JsonArrayOut,
  json: JsonOut,
): Promise<void> => {
  const head = JSON.stringify(entitySdo(report, scope))
  await objects.pushRaw(`${head.slice(0, -1)},"object_refs":[`)
  let n = 0
  const ref = async (id: string) => {
    await json.raw(`${n++ === 0 ? '' : ','}${JSON.stringify(id)}`)
  }
  for (const id of contained) await ref(id)
  // The second pass must not record techniques again or grow the marking list: a silent scope.
  const quiet: IndicatorScope = { ...scope, useTechnique: () => undefined }
  for await (const page of set.indicators()) {
    json.checkAbort()
    for (const ind of page) for (const o of indicatorObjects(ind, quiet).objects) await ref(o.id)
  }
  // STIX requires at least one reference; an empty report refers to its producer.
  if (n === 0) await ref(THREATEYE_IDENTITY.id)
  await json.raw(']}')
}
