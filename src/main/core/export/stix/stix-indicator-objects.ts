import type { Indicator } from '#shared/contract/indicators.contract'
import {
  INDICATOR_TYPES_OF,
  derivedStixId,
  indicatorStixId,
  scoOf,
  stixPatternOf,
  stixTime,
} from './stix-indicator'
import { type StixObject, type StixScope, attackPatternId, commonProps } from './stix-entities'

/** What the bundle writer needs to know about the rest of the set while it maps one indicator. */
export type IndicatorScope = StixScope & {
  /** Emit the cyber-observable beside each indicator (with a based-on relationship). */
  observables: boolean
  /** CVE id → the vulnerability SDO of an entity in the set, so a cve indicator does not duplicate it. */
  vulnerabilityByCve: ReadonlyMap<string, string>
  /** Called for every ATT&CK technique an indicator names (the attack-pattern is written once, later). */
  useTechnique: (techniqueId: string) => void
}

/** The objects one indicator becomes, the one that stands for it (relationships point there) first. */
export type IndicatorObjects = { primary: string; objects: StixObject[] }

const labelled = (ind: Indicator) => {
  const out: Record<string, unknown> = { confidence: ind.confidence }
  if (ind.tags.length > 0) out.labels = ind.tags
  if (ind.description !== '') out.description = ind.description
  return out
}

/**
 * One indicator → its STIX objects. Patternable types become `indicator` SDOs (+ the SCO on request); a
 * CVE becomes the `vulnerability` SDO STIX has for it, an ATT&CK technique its `attack-pattern`, and a
 * custom value an `x-threateye-indicator` (STIX has no observable for either of the last).
 */
export const indicatorObjects = (ind: Indicator, scope: IndicatorScope): IndicatorObjects => {
  const head = (type: string, id: string) =>
    commonProps(type, id, ind.createdAt, ind.updatedAt, ind.tlp, scope)
  const techniques = (source: string): StixObject[] =>
    ind.mitreTechniques.map((t) => {
      scope.useTechnique(t)
      const target = attackPatternId(t)
      return {
        ...head('relationship', derivedStixId('relationship', `${source}|indicates|${target}`)),
        relationship_type: 'indicates',
        source_ref: source,
        target_ref: target,
      }
    })
  if (ind.type === 'cve') {
    const entity = scope.vulnerabilityByCve.get(ind.value.toUpperCase())
    if (entity !== undefined) return { primary: entity, objects: [] }
    const id = `vulnerability--${ind.id}`
    return {
      primary: id,
      objects: [
        {
          ...head('vulnerability', id),
          name: ind.value,
          ...labelled(ind),
          external_references: [{ source_name: 'cve', external_id: ind.value }],
        },
      ],
    }
  }
  if (ind.type === 'attack-technique') {
    scope.useTechnique(ind.value)
    return { primary: attackPatternId(ind.value), objects: [] }
  }
  const pattern = stixPatternOf(ind.type, ind.value)
  if (pattern === null) {
    const id = derivedStixId('x-threateye-indicator', ind.id)
    return {
      primary: id,
      objects: [
        {
          ...head('x-threateye-indicator', id),
          name: ind.value,
          value: ind.value,
          ...labelled(ind),
        },
      ],
    }
  }
  const id = indicatorStixId(pattern)
  const type = INDICATOR_TYPES_OF[ind.classification]
  // The hot path (a million of these): one literal, no spreads, so every indicator has one shape.
  const created = stixTime(ind.createdAt)
  const modified = stixTime(ind.updatedAt)
  const sdo: StixObject = {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created,
    modified: modified < created ? created : modified,
    created_by_ref: scope.identityId,
    object_marking_refs: [scope.marking(ind.tlp)],
    name: ind.value,
    description: ind.description === '' ? undefined : ind.description,
    indicator_types: type === null ? undefined : [type],
    pattern,
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: stixTime(ind.firstSeen ?? ind.createdAt),
    confidence: ind.confidence,
    labels: ind.tags.length > 0 ? ind.tags : undefined,
  }
  const objects = [sdo]
  const sco = scope.observables ? scoOf(ind) : null
  if (sco !== null) {
    objects.push({ ...sco, object_marking_refs: [scope.marking(ind.tlp)] })
    objects.push({
      ...head('relationship', derivedStixId('relationship', `${id}|based-on|${sco.id}`)),
      relationship_type: 'based-on',
      source_ref: id,
      target_ref: sco.id,
    })
  }
  objects.push(...techniques(id))
  return { primary: id, objects }
}
