import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ATTACH_BATCH } from '#core/intel/intel-reports'
import { REPORT_INDICATORS_SQL } from '#core/intel/intel-links'
import { appErrorOf, openTestCore, queryPlan, type TestCore } from '../db/core-fixture'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(() => t.dispose())

const report = (name = 'Brief') => t.core.call('intel.create', { kind: 'report', name })

/** `n` private-range addresses, one a line, for indicators.bulkCreate. */
const addresses = (n: number) =>
  Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).join(
    '\n',
  )

describe('threat reports: attach and detach', () => {
  it('attaches everything a query matches, in batches, counting what was already there', async () => {
    const n = ATTACH_BATCH * 2 + 17
    const bulk = await t.core.call('indicators.bulkCreate', {
      text: `${addresses(n)}\nexample.org\n`,
      defaults: { tags: ['bulk'] },
    })
    expect(bulk.created).toBe(n + 1)
    await t.core.waitForIdle()
    const r = await report()
    const one = await t.core.call('indicators.lookup', { value: '10.0.0.5' })
    if (!one) throw new Error('no 10.0.0.5')
    const first = await t.core.call('intel.attachToReport', {
      reportId: r.id,
      indicatorIds: [one.id],
    })
    expect(first).toEqual({ added: 1, alreadyThere: 0 })
    const all = await t.core.call('intel.attachToReport', {
      reportId: r.id,
      filter: { types: ['ip'] },
    })
    expect(all).toEqual({ added: n - 1, alreadyThere: 1 })
    const page = await t.core.call('intel.reportObjects', { reportId: r.id, limit: 10 })
    expect(page.total).toBe(n)
    expect(page.items[0]).toMatchObject({ ref: one.id, kind: 'indicator', label: '10.0.0.5' })
    // Every indicator once, in attach order, by keyset pages.
    const seen = new Set<string>()
    let cursor: string | undefined
    let pages = 0
    do {
      const p = await t.core.call('intel.linkedIndicators', { id: r.id, limit: 1000, cursor })
      for (const i of p.items) seen.add(i.id)
      cursor = p.nextCursor ?? undefined
      pages++
    } while (cursor !== undefined)
    expect(seen.size).toBe(n)
    expect(pages).toBe(Math.ceil(n / 1000))
    const log = await t.core.call('audit.list', { entity: 'intel_entity', entityId: r.id })
    expect(log.items.map((e) => e.operation)).toEqual(['attach', 'attach', 'create'])
  })

  it('refuses unknown refs naming the position, and a report containing itself', async () => {
    const r = await report()
    const ind = await t.core.call('indicators.create', { value: '203.0.113.7' })
    const missing = '00000000-0000-4000-8000-0000000000aa'
    const e = await appErrorOf(
      t.core.call('intel.attachToReport', { reportId: r.id, indicatorIds: [ind.id, missing] }),
    )
    expect(e.code).toBe('not_found')
    expect(e.message).toContain('indicatorIds[1]')
    const self = await appErrorOf(
      t.core.call('intel.attachToReport', { reportId: r.id, entityIds: [r.id] }),
    )
    expect(self.message).toContain('entityIds[0]')
    const notReport = await t.core.call('intel.create', { kind: 'malware', name: 'M' })
    const wrong = await appErrorOf(
      t.core.call('intel.attachToReport', { reportId: notReport.id, indicatorIds: [ind.id] }),
    )
    expect(wrong.message).toContain('reportId')
    const nothing = await appErrorOf(t.core.call('intel.attachToReport', { reportId: r.id }))
    expect(nothing.code).toBe('invalid_input')
    // Nothing was attached by the refused calls.
    expect((await t.core.call('intel.reportObjects', { reportId: r.id })).total).toBe(0)
  })

  it('detaches, filters contents by kind, and deleting an object takes it off every report', async () => {
    const r = await report()
    const actor = await t.core.call('intel.create', { kind: 'threat-actor', name: 'A' })
    const malware = await t.core.call('intel.create', { kind: 'malware', name: 'M' })
    const ind = await t.core.call('indicators.create', { value: '203.0.113.8' })
    const added = await t.core.call('intel.attachToReport', {
      reportId: r.id,
      indicatorIds: [ind.id],
      entityIds: [actor.id, malware.id],
    })
    expect(added).toEqual({ added: 3, alreadyThere: 0 })
    const actors = await t.core.call('intel.reportObjects', {
      reportId: r.id,
      kind: 'threat-actor',
    })
    expect(actors.items.map((x) => x.ref)).toEqual([actor.id])
    const links = await t.core.call('intel.forIndicator', { indicatorId: ind.id })
    expect(links.items).toEqual([
      expect.objectContaining({ ref: r.id, kind: 'report', via: 'report' }),
    ])
    const n = await t.core.call('intel.neighbours', { ref: r.id })
    expect(n.edges.filter((e) => e.type === 'contains')).toHaveLength(3)
    expect(
      await t.core.call('intel.detachFromReport', { reportId: r.id, refs: [actor.id] }),
    ).toEqual({ removed: 1 })
    await t.core.call('intel.delete', { id: malware.id })
    const left = await t.core.call('intel.reportObjects', { reportId: r.id })
    expect(left.items.map((x) => x.ref)).toEqual([ind.id])
    // Deleting an indicator takes it off the report and deletes its relationships.
    await t.core.call('intel.createRelationship', {
      sourceRef: ind.id,
      targetRef: actor.id,
      relationshipType: 'indicates',
    })
    await t.core.call('indicators.delete', { id: ind.id })
    expect((await t.core.call('intel.reportObjects', { reportId: r.id })).total).toBe(0)
    expect((await t.core.call('intel.listRelationships', { ref: actor.id })).items).toEqual([])
    // Deleting the report takes its contents with it.
    await t.core.call('intel.attachToReport', { reportId: r.id, entityIds: [actor.id] })
    await t.core.call('intel.delete', { id: r.id })
    const rows = t.core.db.sqlite.prepare('SELECT count(*) FROM report_objects').pluck().get()
    expect(rows).toBe(0)
  })

  it("a report's indicators page by its (report_id, object_kind, position) index", () => {
    const plan = queryPlan(t.core, REPORT_INDICATORS_SQL, ['r', -1, '', 10]).join('\n')
    expect(plan).toContain('IDX_report_objects_order')
  })
})

describe('intel.forIndicator and linkedIndicators', () => {
  it('lists the entities an indicator is linked to, and an entity its indicators', async () => {
    const vuln = await t.core.call('intel.create', {
      kind: 'vulnerability',
      name: 'V',
      details: { cveId: 'CVE-2023-4966' },
    })
    const cve = await t.core.call('indicators.create', { value: 'CVE-2023-4966' })
    const ip = await t.core.call('indicators.create', { value: '203.0.113.50' })
    const actor = await t.core.call('intel.create', { kind: 'threat-actor', name: 'Exploiter' })
    await t.core.call('intel.createRelationship', {
      sourceRef: actor.id,
      targetRef: cve.id,
      relationshipType: 'exploits',
    })
    await t.core.call('intel.createRelationship', {
      sourceRef: ip.id,
      targetRef: actor.id,
      relationshipType: 'indicates',
    })
    const links = await t.core.call('intel.forIndicator', { indicatorId: cve.id })
    expect(links.items.map((l) => [l.ref, l.via, l.relationshipType, l.indicatorIs])).toEqual([
      [actor.id, 'relationship', 'exploits', 'target'],
      [vuln.id, 'cve', 'related-to', null],
    ])
    const ofVuln = await t.core.call('intel.linkedIndicators', { id: vuln.id })
    expect(ofVuln.items.map((i) => i.id)).toEqual([cve.id])
    const ofActor = await t.core.call('intel.linkedIndicators', { id: actor.id })
    expect(ofActor.items.map((i) => i.id).sort()).toEqual([cve.id, ip.id].sort())
    const rels = await t.core.call('intel.listRelationships', { ref: actor.id })
    expect(rels.items).toHaveLength(2)
    expect(rels.items[0]?.sourceNode).toMatchObject({ ref: actor.id, label: 'Exploiter' })
    const missing = await appErrorOf(t.core.call('intel.forIndicator', { indicatorId: actor.id }))
    expect(missing.message).toContain('indicatorId')
    const id = rels.items[0]?.id ?? ''
    await t.core.call('intel.deleteRelationship', { id })
    const gone = await appErrorOf(t.core.call('intel.deleteRelationship', { id }))
    expect(gone.code).toBe('not_found')
    expect((await t.core.call('intel.listRelationships', { ref: actor.id })).items).toHaveLength(1)
  })
})
