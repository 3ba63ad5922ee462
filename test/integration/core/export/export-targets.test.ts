import { PassThrough } from 'node:stream'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExportTargetInput } from '#shared/contract/export.schemas'
import { ExportTargetSchema } from '#shared/contract/export.schemas'
import type { Indicator } from '#shared/contract/indicators.contract'
import { openTestCore, type TestCore } from '../db/core-fixture'
import { addToReport, insertEntity, insertIndicators, relate } from './export-support'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(async () => {
  await t.dispose()
})

const prepare = (target: ExportTargetInput) =>
  t.core.exports.prepare({
    format: 'csv',
    target: ExportTargetSchema.parse(target),
    defang: false,
    confirmTlp: true,
  })

const allIndicators = async (target: ExportTargetInput): Promise<Indicator[]> => {
  const out: Indicator[] = []
  for await (const page of prepare(target).set.indicators()) out.push(...page)
  return out
}

const csvOf = async (target: ExportTargetInput): Promise<string[][]> => {
  const p = prepare(target)
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (c: Buffer) => chunks.push(c))
  await p.write(sink, new AbortController().signal)
  sink.end()
  return parse(Buffer.concat(chunks).toString('utf8'))
}

describe('indicator query target', () => {
  it('holds what indicators.list returns for the same filter, in the same order', async () => {
    for (const [value, score, tlp] of [
      ['a.example.com', 10, 'clear'],
      ['b.example.com', 95, 'green'],
      ['203.0.113.9', 70, 'amber'],
      ['c.example.com', 40, 'green'],
    ] as const) {
      await t.core.call('indicators.create', { value, score, tlp })
    }
    const filter = { types: ['domain' as const], scoreMin: 20 }
    const sort = { field: 'score' as const, dir: 'desc' as const }
    const listed = await t.core.call('indicators.list', { filter, sort, limit: 100 })
    const exported = await allIndicators({ kind: 'indicators', filter, sort })
    expect(exported.map((i) => i.value)).toEqual(listed.items.map((i) => i.value))
    expect(exported.map((i) => i.value)).toEqual(['b.example.com', 'c.example.com'])
  })

  it('searches text as indicators.list does (q)', async () => {
    await t.core.call('indicators.create', { value: 'login-bank.example.net', tags: ['phish'] })
    await t.core.call('indicators.create', { value: 'other.example.org' })
    await t.core.search.catchUp(30_000)
    const exported = await allIndicators({ kind: 'indicators', filter: { q: 'login-bank' } })
    expect(exported.map((i) => i.value)).toEqual(['login-bank.example.net'])
  })

  it('walks every page of a large result in keyset order, nullable sort included', async () => {
    await insertIndicators(t.core, 5000, (i) => ({
      value: `h${i}.example.com`,
      score: i % 101,
      firstSeen:
        i % 3 === 0 ? null : `2026-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z`,
    }))
    const byScore = await allIndicators({ kind: 'indicators' })
    expect(byScore).toHaveLength(5000)
    expect(new Set(byScore.map((i) => i.id)).size).toBe(5000)
    const scores = byScore.map((i) => i.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    const byFirstSeen = await allIndicators({
      kind: 'indicators',
      sort: { field: 'firstSeen', dir: 'asc' },
    })
    expect(new Set(byFirstSeen.map((i) => i.id)).size).toBe(5000)
    // SQLite orders NULL first ascending: the rows without a date lead.
    expect(byFirstSeen.slice(0, 1667).every((i) => i.firstSeen === null)).toBe(true)
  })

  it('computes the chart statistics in SQL', async () => {
    await insertIndicators(t.core, 30, (i) => ({
      value: `s${i}.example.com`,
      type: i < 10 ? 'ip' : 'domain',
      severity: i < 5 ? 'high' : 'low',
      score: i === 0 ? 100 : i,
      firstSeen: i < 20 ? '2026-01-02T05:00:00.000Z' : '2026-01-03T05:00:00.000Z',
    }))
    const { set } = prepare({ kind: 'indicators' })
    expect(set.indicatorCount).toBe(30)
    expect(set.stats.byType).toEqual({ ip: 10, domain: 20 })
    expect(set.stats.bySeverity).toEqual({ high: 5, low: 25 })
    // Scores 1-9 and none of 0 (the first is 100), 10-19, 20-29, and 100 in the top bucket.
    expect(set.stats.scoreBuckets).toEqual([9, 10, 10, 0, 0, 0, 0, 0, 0, 1])
    expect(set.stats.timeline).toEqual([
      { day: '2026-01-02', count: 20 },
      { day: '2026-01-03', count: 10 },
    ])
  })
})

describe('intel targets', () => {
  it('a threat report holds its indicators and entities, and the relationships among them', async () => {
    const [inReport, outside] = await insertIndicators(t.core, 2, (i) => ({
      value: `r${i}.example.com`,
      tlp: 'green',
    }))
    const report = await insertEntity(t.core, {
      kind: 'report',
      name: 'Operation Teacup',
      tlp: 'amber',
      details: { summary: 'Tea everywhere', content: '# Findings\n\nMuch tea.' },
    })
    const actor = await insertEntity(t.core, { kind: 'threat-actor', name: 'Kettle Group' })
    const stranger = await insertEntity(t.core, { kind: 'malware', name: 'NotInReport' })
    await addToReport(t.core, report, [
      [actor, 'threat-actor'],
      [inReport ?? '', 'indicator'],
    ])
    await relate(t.core, [actor, 'threat-actor'], 'uses', [stranger, 'malware'])
    await relate(t.core, [inReport ?? '', 'indicator'], 'indicates', [actor, 'threat-actor'])
    const { set } = prepare({ kind: 'report', id: report })
    expect(set.title).toBe('Operation Teacup')
    expect(set.summary).toBe('Tea everywhere')
    expect(set.markdown).toContain('Much tea')
    expect(set.report?.id).toBe(report)
    expect(set.entities.map((e) => e.name)).toEqual(['Kettle Group'])
    expect(set.relationships.map((r) => r.relationshipType)).toEqual(['indicates'])
    expect(set.indicatorCount).toBe(1)
    expect((await allIndicators({ kind: 'report', id: report })).map((i) => i.id)).toEqual([
      inReport,
    ])
    expect(outside).toBeDefined()
    // The report itself is AMBER: the whole set is.
    expect(set.tlp).toBe('amber')
    expect(set.tlpCounts).toEqual({ amber: 1, green: 1, clear: 1 })
  })

  it('an entity with its neighbourhood: one hop, then two', async () => {
    const actor = await insertEntity(t.core, { kind: 'threat-actor', name: 'Alpha' })
    const malware = await insertEntity(t.core, { kind: 'malware', name: 'Beta', tlp: 'red' })
    const vuln = await insertEntity(t.core, { kind: 'vulnerability', name: 'CVE-2024-3400' })
    const [ioc] = await insertIndicators(t.core, 1, () => ({ value: 'c2.example.net' }))
    await relate(t.core, [actor, 'threat-actor'], 'uses', [malware, 'malware'])
    await relate(t.core, [malware, 'malware'], 'exploits', [vuln, 'vulnerability'])
    await relate(t.core, [ioc ?? '', 'indicator'], 'indicates', [malware, 'malware'])
    const one = prepare({ kind: 'entity', id: actor, hops: 1 }).set
    expect(one.entities.map((e) => e.name).sort()).toEqual(['Alpha', 'Beta'])
    expect(one.indicatorCount).toBe(0)
    expect(one.relationships).toHaveLength(1)
    expect(one.tlp).toBe('red')
    const two = prepare({ kind: 'entity', id: actor, hops: 2 }).set
    expect(two.entities.map((e) => e.name).sort()).toEqual(['Alpha', 'Beta', 'CVE-2024-3400'])
    expect(two.indicatorCount).toBe(1)
    expect(two.relationships.map((r) => r.relationshipType).sort()).toEqual([
      'exploits',
      'indicates',
      'uses',
    ])
  })

  it('a project holds its indicators and its entities', async () => {
    const project = await t.core.call('projects.create', { name: 'Case 7' })
    await insertIndicators(t.core, 3, (i) => ({
      value: `p${i}.example.com`,
      projectId: i < 2 ? project.id : null,
    }))
    await insertEntity(t.core, { kind: 'campaign', name: 'Winter', projectId: project.id })
    await insertEntity(t.core, { kind: 'campaign', name: 'Summer' })
    const { set } = prepare({ kind: 'project', id: project.id })
    expect(set.title).toBe('Project: Case 7')
    expect(set.indicatorCount).toBe(2)
    expect(set.entities.map((e) => e.name)).toEqual(['Winter'])
  })

  it('an entity list exports its entities as CSV rows, filtered by name or alias', async () => {
    await insertEntity(t.core, { kind: 'threat-actor', name: 'APT 28', aliases: ['Fancy Bear'] })
    await insertEntity(t.core, { kind: 'threat-actor', name: '=Evil()', tlp: 'green' })
    await insertEntity(t.core, { kind: 'malware', name: 'Fancy Loader' })
    const all = await csvOf({ kind: 'entities', entityKind: 'threat-actor' })
    expect(all).toHaveLength(3)
    const names = all.slice(1).map((r) => r[all[0]?.indexOf('name') ?? -1])
    expect(names.sort()).toEqual(["'=Evil()", 'APT 28'])
    const fancy = await csvOf({
      kind: 'entities',
      entityKind: 'threat-actor',
      filter: { q: 'fancy' },
    })
    expect(fancy.slice(1).map((r) => r[2])).toEqual(['APT 28'])
    const byTechnique = prepare({
      kind: 'entities',
      entityKind: 'threat-actor',
      filter: { technique: 't1059' },
    }).set
    expect(byTechnique.entities).toHaveLength(2)
  })

  it('names a missing target', async () => {
    expect(() => prepare({ kind: 'report', id: '00000000-0000-4000-8000-000000000099' })).toThrow(
      /target\.id: no threat report/,
    )
    const actor = await insertEntity(t.core, { kind: 'threat-actor', name: 'Not a report' })
    expect(() => prepare({ kind: 'report', id: actor })).toThrow(/no threat report/)
    expect(() => prepare({ kind: 'project', id: actor })).toThrow(/no project/)
  })
})

describe('targets written by the intel domain', () => {
  it('exports a report built with intel.create and intel.attachToReport', async () => {
    const a = await t.core.call('indicators.create', { value: 'rpt-a.example.com', tlp: 'green' })
    await t.core.call('indicators.create', { value: 'rpt-b.example.com', tlp: 'green' })
    const actor = await t.core.call('intel.create', { kind: 'threat-actor', name: 'Seed Bear' })
    const report = await t.core.call('intel.create', {
      kind: 'report',
      name: 'Weekly',
      tlp: 'red',
      details: { summary: 'One indicator', content: '# Weekly' },
    })
    await t.core.call('intel.attachToReport', {
      reportId: report.id,
      indicatorIds: [a.id],
      entityIds: [actor.id],
    })
    const check = await t.core.call('export.check', { target: { kind: 'report', id: report.id } })
    expect(check).toMatchObject({
      tlp: 'red',
      indicatorCount: 1,
      entityCount: 1,
      needsConfirm: true,
    })
    const table = await csvOf({ kind: 'report', id: report.id })
    expect(table.slice(1).map((r) => r[2])).toEqual(['rpt-a.example.com'])
  })
})
