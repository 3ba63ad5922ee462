import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '#shared/contract'
import { appErrorOf as errorOf, openTestCore, type TestCore } from '../db/core-fixture'

let t: TestCore
let changes: EventPayload<'indicators.onDidChange'>[]
beforeEach(async () => {
  t = await openTestCore()
  changes = []
  t.core.events.on('indicators.onDidChange', (e) => changes.push(e))
})
afterEach(() => t.dispose())

describe('projects', () => {
  it('creates, gets, lists (archived hidden by default), renames and describes', async () => {
    const a = await t.core.call('projects.create', {
      name: 'Operation Dusk',
      description: 'APT28 case',
    })
    expect(a).toMatchObject({ name: 'Operation Dusk', description: 'APT28 case', archived: false })
    expect(a.createdAt).toBe('2025-11-21T10:00:00.000Z')
    const b = await t.core.call('projects.create', { name: 'Alpha' })
    expect(await t.core.call('projects.get', { id: a.id })).toEqual(a)
    expect((await t.core.call('projects.list', {})).items.map((p) => p.name)).toEqual([
      'Alpha',
      'Operation Dusk',
    ])
    t.clock.advance(1000)
    const renamed = await t.core.call('projects.update', {
      id: b.id,
      patch: { name: 'Beta', description: 'x' },
    })
    expect(renamed).toMatchObject({
      name: 'Beta',
      description: 'x',
      updatedAt: '2025-11-21T10:00:01.000Z',
    })
    expect(renamed.createdAt).toBe(b.createdAt)
  })

  it('refuses a taken name with 409 and the holder id, on create and on rename', async () => {
    const a = await t.core.call('projects.create', { name: 'Case' })
    const b = await t.core.call('projects.create', { name: 'Other' })
    const e = await errorOf(t.core.call('projects.create', { name: 'Case' }))
    expect(e.code).toBe('conflict')
    expect(e.details).toMatchObject({ id: a.id })
    expect(
      (await errorOf(t.core.call('projects.update', { id: b.id, patch: { name: 'Case' } }))).code,
    ).toBe('conflict')
    // Renaming to its own name is not a conflict.
    expect(
      await t.core.call('projects.update', { id: a.id, patch: { name: 'Case' } }),
    ).toMatchObject({ name: 'Case' })
  })

  it('archives and unarchives', async () => {
    const a = await t.core.call('projects.create', { name: 'Old case' })
    expect(await t.core.call('projects.archive', { id: a.id })).toMatchObject({ archived: true })
    expect((await t.core.call('projects.list', {})).items).toEqual([])
    expect(
      (await t.core.call('projects.list', { includeArchived: true })).items.map((p) => p.id),
    ).toEqual([a.id])
    expect(await t.core.call('projects.unarchive', { id: a.id })).toMatchObject({ archived: false })
    expect((await t.core.call('projects.list', {})).items.map((p) => p.id)).toEqual([a.id])
  })

  it('stats count the project indicators by type and severity', async () => {
    const p = await t.core.call('projects.create', { name: 'Stats' })
    await t.core.call('indicators.bulkCreate', {
      text: '45.155.205.1\n45.155.205.2\nevil-c2.net',
      defaults: { projectId: p.id, severity: 'high' },
    })
    const fp = await t.core.call('indicators.lookup', { value: '45.155.205.2' })
    t.clock.advance(60_000)
    await t.core.call('indicators.markFalsePositive', { id: fp?.id as string })
    await t.core.call('indicators.create', { value: 'login-verify.top' })
    expect(await t.core.call('projects.stats', { id: p.id })).toEqual({
      projectId: p.id,
      totalIndicators: 3,
      activeCount: 2,
      falsePositiveCount: 1,
      recentActivityCount: 3,
      // Pasted by an analyst with nothing else said, on values no built-in warninglist matches: 28
      // each (src/main/core/scoring).
      riskScore: 28,
      byType: { ip: 2, domain: 1 },
      bySeverity: { high: 3 },
      lastActivity: '2025-11-21T10:01:00.000Z',
      intelCounts: { 'threat-actor': 0, campaign: 0, vulnerability: 0, malware: 0, report: 0 },
      activity: [15, 16, 17, 18, 19, 20, 21].map((d) => ({
        day: `2025-11-${d}`,
        indicatorsAdded: d === 21 ? 3 : 0,
        entitiesAdded: 0,
        entitiesUpdated: 0,
        reportsPublished: 0,
      })),
    })
    // Eight days on, nothing is recent; the counts stay.
    t.clock.advance(8 * 86_400_000)
    expect(await t.core.call('projects.stats', { id: p.id })).toMatchObject({
      totalIndicators: 3,
      recentActivityCount: 0,
    })
  })

  it('stats count intel entities by kind and the last 7 UTC days of activity', async () => {
    const p = await t.core.call('projects.create', { name: 'Intel stats' })
    const other = await t.core.call('projects.create', { name: 'Elsewhere' })
    const inP = { projectId: p.id }
    // Day 1 (2025-11-21): an actor, a campaign and a draft report; an actor in another project.
    const actor = await t.core.call('intel.create', { kind: 'threat-actor', name: 'A', ...inP })
    await t.core.call('intel.create', { kind: 'campaign', name: 'C', ...inP })
    const report = await t.core.call('intel.create', { kind: 'report', name: 'R', ...inP })
    await t.core.call('intel.create', { kind: 'threat-actor', name: 'B', projectId: other.id })
    await t.core.call('indicators.create', { value: '45.155.205.77', ...inP })
    // Day 3: the actor edited, the report published, a malware family and two indicators added.
    t.clock.advance(2 * 86_400_000)
    await t.core.call('intel.update', { id: actor.id, patch: { description: 'edited' } })
    await t.core.call('intel.update', { id: report.id, patch: { published: true } })
    await t.core.call('intel.create', { kind: 'malware', name: 'M', ...inP })
    await t.core.call('indicators.bulkCreate', {
      text: 'evil-one.net\nevil-two.net',
      defaults: { projectId: p.id },
    })
    // Two days later the window runs 2025-11-19 .. 2025-11-25.
    t.clock.advance(2 * 86_400_000)
    const stats = await t.core.call('projects.stats', { id: p.id })
    expect(stats.intelCounts).toEqual({
      'threat-actor': 1,
      campaign: 1,
      vulnerability: 0,
      malware: 1,
      report: 1,
    })
    const zero = { indicatorsAdded: 0, entitiesAdded: 0, entitiesUpdated: 0, reportsPublished: 0 }
    expect(stats.activity).toEqual([
      { day: '2025-11-19', ...zero },
      { day: '2025-11-20', ...zero },
      // The campaign stays on its creation day; the actor and report moved to day 3 by their edits.
      { day: '2025-11-21', ...zero, indicatorsAdded: 1, entitiesAdded: 3 },
      { day: '2025-11-22', ...zero },
      {
        day: '2025-11-23',
        indicatorsAdded: 2,
        entitiesAdded: 1,
        entitiesUpdated: 2,
        reportsPublished: 1,
      },
      { day: '2025-11-24', ...zero },
      { day: '2025-11-25', ...zero },
    ])
  })

  it('keeps tags (once each) and settings, and an edit that changes nothing keeps updatedAt', async () => {
    const p = await t.core.call('projects.create', {
      name: 'Tagged',
      tags: ['apt', 'russia', 'apt'],
      settings: { defaultTlp: 'amber', nested: { list: [1, 2] } },
    })
    expect(p).toMatchObject({
      tags: ['apt', 'russia'],
      settings: { defaultTlp: 'amber', nested: { list: [1, 2] } },
    })
    expect(await t.core.call('projects.get', { id: p.id })).toEqual(p)
    t.clock.advance(1000)
    expect(
      await t.core.call('projects.update', {
        id: p.id,
        patch: { tags: ['apt', 'russia'], settings: p.settings, name: 'Tagged' },
      }),
    ).toEqual(p)
    const edited = await t.core.call('projects.update', {
      id: p.id,
      patch: { tags: ['ransomware'], settings: {}, archived: true },
    })
    expect(edited).toMatchObject({ tags: ['ransomware'], settings: {}, archived: true })
    expect(edited.updatedAt).not.toBe(p.updatedAt)
    const plain = await t.core.call('projects.create', { name: 'Plain' })
    expect(plain).toMatchObject({ tags: [], settings: {} })
  })

  it('refuses settings that are not a bounded JSON object, naming the field', async () => {
    const notObject = await errorOf(
      t.core.call('projects.create', {
        name: 'S',
        settings: 'dark' as unknown as Record<string, unknown>,
      }),
    )
    expect(notObject.code).toBe('invalid_input')
    expect(notObject.message).toContain('settings')
    let deep: unknown = 'leaf'
    for (let i = 0; i < 9; i++) deep = { d: deep }
    const tooDeep = await errorOf(
      t.core.call('projects.create', { name: 'S', settings: deep as Record<string, unknown> }),
    )
    expect(tooDeep.message).toMatch(/settings: nested deeper than 8 levels/)
    const badTag = await errorOf(t.core.call('projects.create', { name: 'S', tags: [' '] }))
    expect(badTag.message).toContain('tags[0]')
  })

  it('deleting a project keeps its indicators, detached, and says so', async () => {
    const p = await t.core.call('projects.create', { name: 'Doomed' })
    const i = await t.core.call('indicators.create', { value: 'kept.example', projectId: p.id })
    expect(await t.core.call('projects.delete', { id: p.id })).toEqual({ ok: true })
    expect(await t.core.call('indicators.get', { id: i.id })).toMatchObject({ projectId: null })
    expect(changes.at(-1)).toEqual({ kind: 'bulk' })
    expect((await errorOf(t.core.call('projects.get', { id: p.id }))).code).toBe('not_found')
    expect((await errorOf(t.core.call('projects.stats', { id: p.id }))).code).toBe('not_found')
  })
})
