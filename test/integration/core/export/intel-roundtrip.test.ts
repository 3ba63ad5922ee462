import type BetterSqlite3 from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExportSet } from '#core/export/export-set'
import { entityStixId } from '#core/export/stix/stix-entities'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import { openTestCore, type TestCore } from '../feeds/engine/engine-support'
import { ACTOR, CAMPAIGN, IMPORTED_SET, MALWARE, REPORT, VULN, fullSet } from './export-set-fixture'
import { exportMisp, exportStix } from './stream-support'

/**
 * Entities, relationships and a report exported, then imported into a fresh core through the file
 * import, must come back into the knowledge base (intel_entities, intel_relationships, report_objects,
 * intel_entity_techniques) as they were. The knowledge import is the attack lane's
 * (src/main/core/intel/import/): these tests need it merged. Compared by name, as ids are the core's.
 * Not compared: `sources` (a fresh core learns the entity from the file, which is its source).
 */

type Row = Record<string, unknown>

const view = (db: BetterSqlite3.Database) => {
  const json = (v: unknown): unknown => JSON.parse(String(v))
  const entities = (db.prepare('SELECT * FROM intel_entities').all() as Row[]).map((e) => ({
    id: String(e.id),
    kind: String(e.kind),
    name: String(e.name),
    aliases: [...(json(e.aliases) as string[])].sort(),
    description: e.description,
    stixId: e.stix_id,
    tlp: e.tlp,
    severity: e.severity,
    confidence: e.confidence,
    firstSeen: e.first_seen,
    lastSeen: e.last_seen,
    details: json(e.details),
  }))
  const byId = new Map(entities.map((e) => [e.id, e]))
  const nameOf = (ref: string, kind: string): string => {
    if (kind === 'attack-pattern') return ref
    if (kind === 'indicator') {
      const v = db.prepare('SELECT value FROM indicators WHERE id = ?').pluck().get(ref) as
        string | undefined
      return `indicator:${v ?? ref}`
    }
    return `${kind}:${byId.get(ref)?.name ?? ref}`
  }
  const edges = (db.prepare('SELECT * FROM intel_relationships').all() as Row[]).map((r) => ({
    from: nameOf(String(r.source_ref), String(r.source_kind)),
    type: String(r.relationship_type),
    to: nameOf(String(r.target_ref), String(r.target_kind)),
    targetKind: String(r.target_kind),
  }))
  const techniqueRows = db
    .prepare(
      `SELECT e.kind, e.id, t.technique_id FROM intel_entity_techniques t
       JOIN intel_entities e ON e.id = t.entity_id`,
    )
    .all() as { kind: string; id: string; technique_id: string }[]
  const reportObjects = (db.prepare('SELECT * FROM report_objects').all() as Row[]).map(
    (o) =>
      `${nameOf(String(o.report_id), 'report')} ∋ ${nameOf(String(o.object_ref), String(o.object_kind))}`,
  )
  return {
    entities,
    relationships: edges
      .filter((e) => e.targetKind !== 'attack-pattern')
      .map((e) => `${e.from} -${e.type}-> ${e.to}`)
      .sort(),
    // What uses which technique, whether the import kept it as the entity's technique or as an edge.
    techniques: [
      ...new Set([
        ...techniqueRows
          .filter((t) => t.kind !== 'report')
          .map((t) => `${nameOf(t.id, t.kind)} uses ${t.technique_id}`),
        ...edges
          .filter((e) => e.targetKind === 'attack-pattern')
          .map((e) => `${e.from} uses ${e.to}`),
      ]),
    ].sort(),
    reportObjects,
  }
}

/** The knowledge the set holds, in the view's terms. */
const expectedKnowledge = (set: ExportSet) => {
  const entities = [...set.entities, ...(set.report === null ? [] : [set.report])]
  const name = (ref: string, kind: string): string => {
    if (kind === 'attack-pattern') return ref
    const e = entities.find((x) => x.id === ref)
    return `${kind}:${e?.name ?? ref}`
  }
  const techniques = new Set<string>()
  for (const e of set.entities)
    for (const t of e.techniques) techniques.add(`${e.kind}:${e.name} uses ${t}`)
  const relationships: string[] = []
  for (const r of set.relationships) {
    if (r.targetKind === 'attack-pattern') {
      techniques.add(`${name(r.sourceRef, r.sourceKind)} uses ${r.targetRef}`)
    } else if (r.sourceKind !== 'indicator') {
      relationships.push(
        `${name(r.sourceRef, r.sourceKind)} -${r.relationshipType}-> ${name(r.targetRef, r.targetKind)}`,
      )
    }
  }
  return { techniques: [...techniques].sort(), relationships }
}

/**
 * An actor's tools as the knowledge import keeps them: its own, then every malware family it `uses` (the
 * import's rule: an actor's tools include the software it is known to use).
 */
const toolsOf = (e: IntelEntity, set: ExportSet): IntelEntity['details'] => {
  if (e.kind !== 'threat-actor') return e.details
  const used = set.relationships
    .filter(
      (r) => r.sourceRef === e.id && r.relationshipType === 'uses' && r.targetKind === 'malware',
    )
    .map((r) => set.entities.find((x) => x.id === r.targetRef)?.name)
    .filter((n): n is string => n !== undefined && !e.details.tools.includes(n))
  return { ...e.details, tools: [...e.details.tools, ...used] }
}

const fieldsOf = (e: IntelEntity, set: ExportSet) => {
  // STIX cannot say last_seen before first_seen: such a pair keeps the first alone.
  const inverted = e.firstSeen !== null && e.lastSeen !== null && e.lastSeen < e.firstSeen
  return {
    kind: e.kind,
    name: e.name,
    aliases: [...e.aliases].sort(),
    description: e.description,
    stixId: entityStixId(e),
    tlp: e.tlp,
    severity: e.severity,
    confidence: e.confidence,
    // A report nobody dated is first seen when it was published (the knowledge import's rule).
    firstSeen: e.kind === 'report' ? (e.firstSeen ?? e.details.publishedAt) : e.firstSeen,
    lastSeen: inverted ? null : e.lastSeen,
    details: toolsOf(e, set),
  }
}

describe('knowledge export → knowledge import', () => {
  let t: TestCore
  beforeEach(async () => {
    t = await openTestCore()
  })
  afterEach(async () => {
    await t.close()
  })

  const importText = async (content: string, format: 'stix-bundle' | 'misp-event') => {
    const run = await t.core.call('feeds.importText', {
      content,
      fileName: format === 'stix-bundle' ? 'threateye-export.json' : 'threateye-event.json',
      format,
    })
    await t.core.waitForIdle()
    expect(run.status).toBe('succeeded')
  }

  it('STIX: gives back every entity with its fields, the relationships, techniques and report contents', async () => {
    const set = fullSet()
    const { text } = await exportStix(set)
    await importText(text, 'stix-bundle')
    const k = view(t.core.db.sqlite)
    for (const e of [ACTOR, IMPORTED_SET, CAMPAIGN, VULN, MALWARE, REPORT]) {
      const back = k.entities.find((x) => x.kind === e.kind && x.name === e.name)
      expect(back, `${e.kind} ${e.name}`).toBeDefined()
      const { id: _id, ...fields } = back ?? { id: '' }
      expect(fields).toEqual(fieldsOf(e, set))
    }
    // The second CVE indicator is a vulnerability SDO in STIX: it is one in the knowledge base too.
    expect(k.entities.map((e) => `${e.kind}:${e.name}`).sort()).toEqual(
      [
        ...[ACTOR, IMPORTED_SET, CAMPAIGN, VULN, MALWARE, REPORT].map((e) => `${e.kind}:${e.name}`),
        'vulnerability:CVE-2024-3400',
      ].sort(),
    )
    const want = expectedKnowledge(set)
    expect(k.relationships).toEqual(
      [
        ...want.relationships,
        'indicator:203.0.113.5 -indicates-> malware:X-Agent',
        'indicator:evil.example.com -indicates-> campaign:Operation Pawn Storm',
      ].sort(),
    )
    expect(k.techniques).toEqual(
      [
        ...want.techniques,
        // An indicator's own technique travels as its indicates edge to the attack-pattern.
        'indicator:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 uses T1059.001',
      ].sort(),
    )
    // The report contains every entity, indicator and technique of the set.
    expect(k.reportObjects).toEqual(
      expect.arrayContaining([
        ...[ACTOR, IMPORTED_SET, CAMPAIGN, VULN, MALWARE].map(
          (e) => `report:${REPORT.name} ∋ ${e.kind}:${e.name}`,
        ),
        `report:${REPORT.name} ∋ indicator:203.0.113.5`,
        `report:${REPORT.name} ∋ indicator:evil.example.com`,
        `report:${REPORT.name} ∋ T1027`,
        `report:${REPORT.name} ∋ T1566`,
      ]),
    )
  })

  it('STIX: importing the same export again changes nothing', async () => {
    const { text } = await exportStix(fullSet())
    await importText(text, 'stix-bundle')
    const first = view(t.core.db.sqlite)
    await importText(text, 'stix-bundle')
    expect(view(t.core.db.sqlite)).toEqual(first)
  })

  it('MISP: gives back the actors and malware families of the galaxies, their relation and the event as a report', async () => {
    const set = fullSet()
    const { text } = await exportMisp(set)
    await importText(text, 'misp-event')
    const k = view(t.core.db.sqlite)
    const entity = (kind: string, name: string) =>
      k.entities.find((e) => e.kind === kind && e.name === name)
    expect(entity('threat-actor', 'APT28')).toMatchObject({
      aliases: ['Fancy Bear', 'Sofacy'],
      description: ACTOR.description,
      details: {
        originCountry: 'RU',
        motivation: 'organizational-gain',
        targetSectors: ['government'],
        targetCountries: ['DE', 'FR'],
      },
    })
    expect(entity('threat-actor', 'Wizard Spider')).toBeDefined()
    expect(entity('malware', 'X-Agent')).toMatchObject({
      aliases: ['CHOPSTICK'],
      details: { malwareTypes: ['backdoor'] },
    })
    expect(entity('report', set.title)).toMatchObject({
      tlp: set.tlp,
      severity: 'high',
      details: { published: true },
    })
    expect(k.relationships).toContain('threat-actor:APT28 -uses-> malware:X-Agent')
  })
})
