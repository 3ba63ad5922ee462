import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload, In } from '#shared/contract'
import { INTEL_KINDS, type IntelKind } from '#shared/contract/intel.schemas'
import { appErrorOf, openTestCore, type TestCore } from '../db/core-fixture'

let t: TestCore
let changes: EventPayload<'intel.onDidChange'>[]
beforeEach(async () => {
  t = await openTestCore()
  changes = []
  t.core.events.on('intel.onDidChange', (e) => changes.push(e))
})
afterEach(() => t.dispose())

const entries = async (id: string) =>
  (await t.core.call('audit.list', { entity: 'intel_entity', entityId: id, limit: 100 })).items

/** A valid create input of each kind, exercising its own fields. */
const SAMPLES: { [K in IntelKind]: Extract<In<'intel.create'>, { kind: K }> } = {
  'threat-actor': {
    kind: 'threat-actor',
    name: 'APT28',
    aliases: ['Fancy Bear', 'Sofacy'],
    details: {
      actorType: 'nation-state',
      originCountry: 'ru',
      motivation: 'espionage',
      tactics: ['TA0001'],
      tools: ['X-Agent'],
      targetSectors: ['government'],
      targetCountries: ['de', 'US'],
    },
  },
  campaign: {
    kind: 'campaign',
    name: 'Operation Pawn Storm',
    details: { objectives: ['credential theft'], targetSectors: ['defence'] },
  },
  vulnerability: {
    kind: 'vulnerability',
    name: 'PAN-OS GlobalProtect command injection',
    details: {
      cveId: 'cve-2024-3400',
      cvssScore: 10,
      cvssSeverity: 'critical',
      affectedProducts: [{ product: 'PAN-OS', versions: ['10.2', '11.0'] }],
      exploitedInTheWild: true,
      patchAvailable: true,
    },
  },
  malware: {
    kind: 'malware',
    name: 'Emotet',
    aliases: ['Heodo', 'Geodo'],
    details: { malwareTypes: ['trojan', 'loader'], capabilities: ['spam'] },
  },
  report: {
    kind: 'report',
    name: 'Weekly threat brief',
    tlp: 'amber',
    severity: 'high',
    details: { summary: 'What we saw', content: '# Brief\n\n*Markdown*', authors: ['me'] },
  },
}

describe('intel entities: create, get, update, delete for each kind', () => {
  it.each(INTEL_KINDS)('%s', async (kind) => {
    const created = await t.core.call('intel.create', SAMPLES[kind])
    expect(created).toMatchObject({ kind, name: SAMPLES[kind].name, sources: ['analyst'] })
    expect(await t.core.call('intel.get', { id: created.id })).toEqual(created)
    const listed = await t.core.call('intel.list', { kind })
    expect(listed.total).toBe(1)
    expect(listed.items.map((e) => e.id)).toEqual([created.id])

    t.clock.advance(1000)
    const updated = await t.core.call('intel.update', {
      id: created.id,
      patch: { description: 'edited', confidence: 80 },
    })
    expect(updated).toMatchObject({ description: 'edited', confidence: 80 })
    expect(updated.updatedAt > created.updatedAt).toBe(true)
    expect(updated.details).toEqual(created.details)

    await t.core.call('intel.delete', { id: created.id })
    expect((await appErrorOf(t.core.call('intel.get', { id: created.id }))).code).toBe('not_found')
    expect((await entries(created.id)).map((e) => e.operation).sort()).toEqual([
      'create',
      'delete',
      'update',
    ])
    expect(changes.map((c) => c.change)).toEqual(['created', 'updated', 'deleted'])
  })

  it('fills every detail field with its default and folds codes', async () => {
    const actor = await t.core.call('intel.create', SAMPLES['threat-actor'])
    expect(actor.details).toMatchObject({ originCountry: 'RU', targetCountries: ['DE', 'US'] })
    const vuln = await t.core.call('intel.create', SAMPLES.vulnerability)
    expect(vuln.kind === 'vulnerability' && vuln.details.cveId).toBe('CVE-2024-3400')
    const bare = await t.core.call('intel.create', { kind: 'malware', name: 'Bare' })
    expect(bare.details).toEqual({ malwareTypes: [], capabilities: [], isFamily: true })
  })

  it('the list leaves a report content out and says its length', async () => {
    const r = await t.core.call('intel.create', SAMPLES.report)
    const [item] = (await t.core.call('intel.list', { kind: 'report' })).items
    expect(item?.details).not.toHaveProperty('content')
    const content = SAMPLES.report.details?.content ?? ''
    expect(content).not.toBe('')
    expect(item?.details).toMatchObject({ contentChars: content.length })
    expect(r.kind === 'report' && r.details.content).toBe(content)
  })

  it('an edit that changes nothing neither moves updatedAt nor logs', async () => {
    const a = await t.core.call('intel.create', SAMPLES.malware)
    t.clock.advance(1000)
    const same = await t.core.call('intel.update', { id: a.id, patch: { name: 'Emotet' } })
    expect(same.updatedAt).toBe(a.updatedAt)
    expect(await entries(a.id)).toHaveLength(1)
  })
})

describe('intel entities: validation names the field', () => {
  it.each([
    [{ kind: 'threat-actor', name: 'X', details: { actorType: 'pirate' } }, 'details.actorType'],
    [{ kind: 'threat-actor', name: 'X', details: { originCountry: 'Narnia' } }, 'originCountry'],
    [{ kind: 'vulnerability', name: 'X', details: { cveId: 'CVE-24' } }, 'details.cveId'],
    [{ kind: 'vulnerability', name: 'X', details: { cvssScore: 11 } }, 'details.cvssScore'],
    [{ kind: 'malware', name: 'X', details: { colour: 'red' } }, 'colour'],
    [{ kind: 'report', name: 'X', severity: 'info' }, 'severity'],
    [{ kind: 'campaign', name: '' }, 'name'],
    [{ kind: 'campaign', name: 'X', techniques: ['T59'] }, 'techniques'],
    [{ kind: 'spaceship', name: 'X' }, 'kind'],
  ])('%j -> %s', async (input, field) => {
    const e = await appErrorOf(t.core.call('intel.create', input as never))
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain(field)
  })

  it('a patch of details is checked against the kind, naming patch.details.<field>', async () => {
    const v = await t.core.call('intel.create', SAMPLES.vulnerability)
    const e = await appErrorOf(
      t.core.call('intel.update', { id: v.id, patch: { details: { cvssScore: 42 } } }),
    )
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain('patch.details.cvssScore')
    const r = await t.core.call('intel.create', SAMPLES.report)
    const bad = await appErrorOf(
      t.core.call('intel.update', { id: r.id, patch: { severity: 'info' } }),
    )
    expect(bad.message).toContain('patch.severity')
    const pub = await appErrorOf(
      t.core.call('intel.update', { id: v.id, patch: { published: true } }),
    )
    expect(pub.message).toContain('patch.published')
    // Nothing was written by the refused edits.
    expect(await t.core.call('intel.get', { id: v.id })).toEqual(v)
  })

  it('an unknown project is not_found naming projectId', async () => {
    const e = await appErrorOf(
      t.core.call('intel.create', {
        kind: 'malware',
        name: 'X',
        projectId: '00000000-0000-4000-8000-000000000001',
      }),
    )
    expect(e.code).toBe('not_found')
    expect(e.message).toContain('projectId')
  })
})

describe('intel entities: dedupe by name or alias', () => {
  it('refuses a name or alias that already names another entity of the kind, naming it', async () => {
    const apt = await t.core.call('intel.create', SAMPLES['threat-actor'])
    const byName = await appErrorOf(
      t.core.call('intel.create', { kind: 'threat-actor', name: 'apt28' }),
    )
    expect(byName.code).toBe('conflict')
    expect(byName.message).toContain('APT28')
    expect(byName.details).toMatchObject({ field: 'name', existingId: apt.id })
    const byAlias = await appErrorOf(
      t.core.call('intel.create', { kind: 'threat-actor', name: 'FANCY_BEAR' }),
    )
    expect(byAlias.details).toMatchObject({ existingId: apt.id, existingName: 'APT28' })
    const aliasClash = await appErrorOf(
      t.core.call('intel.create', { kind: 'threat-actor', name: 'Other', aliases: ['sofacy'] }),
    )
    expect(aliasClash.details).toMatchObject({ field: 'aliases', existingId: apt.id })
    // Another kind may share the name.
    await t.core.call('intel.create', { kind: 'malware', name: 'APT28' })
  })

  it('an update may not take another entity name; a freed alias can be reused', async () => {
    const a = await t.core.call('intel.create', { kind: 'malware', name: 'Alpha', aliases: ['A1'] })
    const b = await t.core.call('intel.create', { kind: 'malware', name: 'Beta' })
    const e = await appErrorOf(
      t.core.call('intel.update', { id: b.id, patch: { aliases: ['a1'] } }),
    )
    expect(e.code).toBe('conflict')
    expect(e.details).toMatchObject({ field: 'patch.aliases', existingId: a.id })
    await t.core.call('intel.update', { id: a.id, patch: { aliases: [] } })
    const b2 = await t.core.call('intel.update', { id: b.id, patch: { aliases: ['A1'] } })
    expect(b2.aliases).toEqual(['A1'])
    const keys = t.core.db.sqlite
      .prepare('SELECT name_key FROM intel_aliases WHERE entity_id = ? ORDER BY name_key')
      .pluck()
      .all(b.id)
    expect(keys).toEqual(['a1', 'beta'])
  })
})

describe('intel entities: list filters and pages', () => {
  it('filters by technique (and its sub-techniques), q over aliases, tlp, project, published', async () => {
    const project = await t.core.call('projects.create', { name: 'P' })
    const a = await t.core.call('intel.create', {
      kind: 'threat-actor',
      name: 'Uses PowerShell',
      techniques: ['T1059.001'],
      projectId: project.id,
    })
    const b = await t.core.call('intel.create', {
      kind: 'threat-actor',
      name: 'Uses shells',
      aliases: ['Shell Crew'],
      techniques: ['T1059'],
      tlp: 'red',
    })
    await t.core.call('intel.create', {
      kind: 'threat-actor',
      name: 'Phisher',
      techniques: ['T1566', 'T1060'],
    })
    const ids = async (f: Record<string, unknown>) =>
      (await t.core.call('intel.list', { kind: 'threat-actor', ...f })).items.map((e) => e.id)
    expect((await ids({ technique: 'T1059' })).sort()).toEqual([a.id, b.id].sort())
    expect(await ids({ technique: 'T1059.001' })).toEqual([a.id])
    expect(await ids({ q: 'shell-crew' })).toEqual([b.id])
    expect(await ids({ tlp: ['red'] })).toEqual([b.id])
    expect(await ids({ projectId: project.id })).toEqual([a.id])
    const draft = await t.core.call('intel.create', { kind: 'report', name: 'Draft' })
    const pub = await t.core.call('intel.create', {
      kind: 'report',
      name: 'Out',
      details: { published: true },
    })
    const reports = async (published: boolean) =>
      (await t.core.call('intel.list', { kind: 'report', published })).items.map((e) => e.id)
    expect(await reports(false)).toEqual([draft.id])
    expect(await reports(true)).toEqual([pub.id])
  })

  it('pages by keyset, most recently updated first, with the total', async () => {
    const made: string[] = []
    for (let i = 0; i < 7; i++) {
      made.push((await t.core.call('intel.create', { kind: 'campaign', name: `Op ${i}` })).id)
      t.clock.advance(1000)
    }
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await t.core.call('intel.list', { kind: 'campaign', limit: 3, cursor })
      expect(page.total).toBe(7)
      seen.push(...page.items.map((e) => e.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined)
    expect(seen).toEqual([...made].reverse())
    const bad = await appErrorOf(t.core.call('intel.list', { kind: 'campaign', cursor: 'zz' }))
    expect(bad.message).toContain('cursor')
  })
})

describe('threat reports: publishing', () => {
  it('published: true stamps publishedAt from the clock and logs a publish; false clears it', async () => {
    const r = await t.core.call('intel.create', SAMPLES.report)
    t.clock.advance(60_000)
    const published = await t.core.call('intel.update', { id: r.id, patch: { published: true } })
    expect(published.details).toMatchObject({
      published: true,
      publishedAt: t.clock.now().toISOString(),
    })
    expect((await entries(r.id)).map((e) => e.operation)).toContain('publish')
    const back = await t.core.call('intel.update', { id: r.id, patch: { published: false } })
    expect(back.details).toMatchObject({ published: false, publishedAt: null })
  })
})

describe('an analyst edit', () => {
  it('marks the entity as the analyst’s and announces every change, even within one millisecond', async () => {
    const actor = await t.core.call('intel.create', {
      kind: 'threat-actor',
      name: 'Lantern Spider',
      sources: ['feed:otx'],
    })
    changes = []
    // The test clock does not move between the two edits: updatedAt stays the same, the changes do not.
    const first = await t.core.call('intel.update', { id: actor.id, patch: { description: 'one' } })
    const second = await t.core.call('intel.update', {
      id: actor.id,
      patch: { description: 'two' },
    })
    expect(first.sources).toEqual(['feed:otx', 'analyst'])
    expect(second.description).toBe('two')
    expect(changes.filter((c) => c.change === 'updated' && c.id === actor.id)).toHaveLength(2)
    // Nothing changed: nothing announced.
    await t.core.call('intel.update', { id: actor.id, patch: { description: 'two' } })
    expect(changes.filter((c) => c.change === 'updated')).toHaveLength(2)
  })
})
