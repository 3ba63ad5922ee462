import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appErrorOf, openTestCore, type TestCore } from '../db/core-fixture'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(() => t.dispose())

const UNKNOWN = '00000000-0000-4000-8000-0000000000ff'

const actorAndIndicator = async () => {
  const actor = await t.core.call('intel.create', {
    kind: 'threat-actor',
    name: 'APT Graph',
    aliases: ['Graph Panda'],
  })
  const ind = await t.core.call('indicators.create', { value: '203.0.113.9', tlp: 'green' })
  return { actor, ind }
}

describe('intel relationships', () => {
  it('links an indicator to an entity, kinds resolved by lookup; the same edge again merges', async () => {
    const { actor, ind } = await actorAndIndicator()
    const first = await t.core.call('intel.createRelationship', {
      sourceRef: ind.id,
      targetRef: actor.id,
      relationshipType: 'indicates',
      confidence: 40,
      firstSeen: '2025-01-05T00:00:00Z',
      source: 'feed-a',
    })
    expect(first.created).toBe(true)
    expect(first.relationship).toMatchObject({
      sourceKind: 'indicator',
      targetKind: 'threat-actor',
    })
    t.clock.advance(1000)
    const again = await t.core.call('intel.createRelationship', {
      sourceRef: ind.id,
      targetRef: actor.id,
      relationshipType: 'indicates',
      confidence: 90,
      firstSeen: '2025-01-01T00:00:00Z',
      description: 'seen in the wild',
      source: 'feed-b',
    })
    expect(again.created).toBe(false)
    expect(again.relationship).toMatchObject({
      id: first.relationship.id,
      confidence: 90,
      firstSeen: '2025-01-01T00:00:00Z',
      description: 'seen in the wild',
      source: 'feed-a, feed-b',
    })
    const rows = t.core.db.sqlite.prepare('SELECT count(*) FROM intel_relationships').pluck().get()
    expect(rows).toBe(1)
  })

  it('an unknown ref is not_found naming it; an edge to itself is refused', async () => {
    const { actor } = await actorAndIndicator()
    const e = await appErrorOf(
      t.core.call('intel.createRelationship', {
        sourceRef: actor.id,
        targetRef: UNKNOWN,
        relationshipType: 'uses',
      }),
    )
    expect(e.code).toBe('not_found')
    expect(e.message).toContain('targetRef')
    expect(e.message).toContain(UNKNOWN)
    const self = await appErrorOf(
      t.core.call('intel.createRelationship', {
        sourceRef: actor.id,
        targetRef: actor.id,
        relationshipType: 'uses',
      }),
    )
    expect(self.code).toBe('invalid_input')
    const badType = await appErrorOf(
      t.core.call('intel.createRelationship', {
        sourceRef: actor.id,
        targetRef: UNKNOWN,
        relationshipType: 'Uses Badly',
      }),
    )
    expect(badType.message).toContain('relationshipType')
  })

  it('deleting an entity deletes its relationships', async () => {
    const { actor, ind } = await actorAndIndicator()
    const malware = await t.core.call('intel.create', { kind: 'malware', name: 'GraphRAT' })
    await t.core.call('intel.createRelationship', {
      sourceRef: actor.id,
      targetRef: malware.id,
      relationshipType: 'uses',
    })
    await t.core.call('intel.createRelationship', {
      sourceRef: ind.id,
      targetRef: actor.id,
      relationshipType: 'indicates',
    })
    await t.core.call('intel.delete', { id: actor.id })
    const left = t.core.db.sqlite.prepare('SELECT count(*) FROM intel_relationships').pluck().get()
    expect(left).toBe(0)
    const n = await t.core.call('intel.neighbours', { ref: malware.id })
    expect(n.nodes).toEqual([])
  })
})

describe('intel neighbours', () => {
  it('one hop both ways, labels as plain values, filters by kind and type, truncates at the limit', async () => {
    const { actor, ind } = await actorAndIndicator()
    const html = await t.core.call('indicators.create', {
      value: 'http://evil.example/<script>alert(1)</script>',
    })
    const malware = await t.core.call('intel.create', { kind: 'malware', name: 'GraphRAT' })
    const link = async (s: string, target: string, type: string) =>
      t.core.call('intel.createRelationship', {
        sourceRef: s,
        targetRef: target,
        relationshipType: type,
      })
    await link(actor.id, malware.id, 'uses')
    await link(ind.id, actor.id, 'indicates')
    await link(html.id, actor.id, 'indicates')
    const n = await t.core.call('intel.neighbours', { ref: actor.id })
    expect(n.center).toMatchObject({ ref: actor.id, kind: 'threat-actor', label: 'APT Graph' })
    expect(n.nodes.map((x) => x.label).sort()).toEqual(
      ['203.0.113.9', 'GraphRAT', html.value].sort(),
    )
    expect(n.nodes.find((x) => x.ref === ind.id)).toMatchObject({
      kind: 'indicator',
      tlp: 'green',
      type: 'ip',
    })
    expect(n.edges).toContainEqual(
      expect.objectContaining({ source: actor.id, target: malware.id, type: 'uses' }),
    )
    expect(n.truncated).toBe(false)
    const onlyMalware = await t.core.call('intel.neighbours', { ref: actor.id, kinds: ['malware'] })
    expect(onlyMalware.nodes.map((x) => x.ref)).toEqual([malware.id])
    const onlyIndicates = await t.core.call('intel.neighbours', {
      ref: actor.id,
      relationshipTypes: ['indicates'],
    })
    expect(onlyIndicates.nodes.every((x) => x.kind === 'indicator')).toBe(true)
    const cut = await t.core.call('intel.neighbours', { ref: actor.id, limit: 2 })
    expect(cut.nodes).toHaveLength(2)
    expect(cut.truncated).toBe(true)
    // From the indicator's side.
    const fromInd = await t.core.call('intel.neighbours', { ref: ind.id })
    expect(fromInd.center).toMatchObject({ kind: 'indicator', label: '203.0.113.9' })
    expect(fromInd.nodes.map((x) => x.ref)).toEqual([actor.id])
  })

  it('a cve indicator and the vulnerability with its CVE id are related-to', async () => {
    const vuln = await t.core.call('intel.create', {
      kind: 'vulnerability',
      name: 'GlobalProtect injection',
      details: { cveId: 'CVE-2024-3400' },
    })
    const cve = await t.core.call('indicators.create', { value: 'cve-2024-3400' })
    const fromVuln = await t.core.call('intel.neighbours', { ref: vuln.id })
    expect(fromVuln.nodes.map((x) => x.ref)).toEqual([cve.id])
    expect(fromVuln.edges[0]).toMatchObject({ source: cve.id, target: vuln.id, type: 'related-to' })
    const fromCve = await t.core.call('intel.neighbours', { ref: cve.id })
    expect(fromCve.nodes.map((x) => x.ref)).toEqual([vuln.id])
  })

  it('an unknown ref is not_found naming ref', async () => {
    const e = await appErrorOf(t.core.call('intel.neighbours', { ref: UNKNOWN }))
    expect(e.code).toBe('not_found')
    expect(e.message).toContain('ref')
  })
})

describe('intel searchObjects', () => {
  it('finds entities by name or alias (exact first) and indicators by value', async () => {
    const { actor, ind } = await actorAndIndicator()
    const other = await t.core.call('intel.create', { kind: 'malware', name: 'Graph Panda Loader' })
    const hits = await t.core.call('intel.searchObjects', { q: 'graph panda' })
    expect(hits.items.map((x) => x.ref)).toEqual([actor.id, other.id])
    const onlyMalware = await t.core.call('intel.searchObjects', {
      q: 'graph panda',
      kinds: ['malware'],
    })
    expect(onlyMalware.items.map((x) => x.ref)).toEqual([other.id])
    await t.core.waitForIdle()
    const byValue = await t.core.call('intel.searchObjects', { q: '203.0.113.9' })
    expect(byValue.items).toContainEqual(
      expect.objectContaining({ ref: ind.id, kind: 'indicator', label: '203.0.113.9' }),
    )
  })
})
