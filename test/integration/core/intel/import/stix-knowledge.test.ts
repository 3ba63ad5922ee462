import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFixedClock } from '#core/platform/clock'
import { openCore, type TestCore } from '../../../../support/test-core'
import { entityNamed, viewKnowledge } from './knowledge-support'

let t: TestCore<ReturnType<typeof createFixedClock>>
beforeEach(async () => {
  t = await openCore()
})
afterEach(async () => {
  await t.dispose()
})

const TLP_GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'
const OWN_AMBER = 'marking-definition--11111111-2222-4333-8444-555555555555'
const id = (type: string, n: number) =>
  `${type}--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const sdo = (type: string, n: number, extra: Record<string, unknown>) => ({
  type,
  spec_version: '2.1',
  id: id(type, n),
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  ...extra,
})
const rel = (
  n: number,
  type: string,
  from: string,
  to: string,
  extra: Record<string, unknown> = {},
) => sdo('relationship', n, { relationship_type: type, source_ref: from, target_ref: to, ...extra })

const ACTOR = id('intrusion-set', 1)
const MALWARE = id('malware', 3)
const PATTERN = id('attack-pattern', 5)
const CAMPAIGN = id('campaign', 6)
const IND_A = id('indicator', 10)
const IND_B = id('indicator', 11)
const IND_LATE = id('indicator', 12)

const bundle = (objects: unknown[]) =>
  JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-0000000000ff', objects })

const FIRST = [
  sdo('marking-definition', 0, {
    id: OWN_AMBER,
    name: 'TLP:AMBER',
    definition_type: 'tlp',
    definition: { tlp: 'amber' },
  }),
  sdo('identity', 99, {
    name: 'Ministries',
    identity_class: 'class',
    sectors: ['government', 'defense'],
  }),
  sdo('location', 98, { name: 'Germany', country: 'de' }),
  sdo('intrusion-set', 1, {
    name: 'APT28',
    aliases: ['Fancy Bear', 'Sofacy'],
    description: 'Russian military intelligence',
    confidence: 80,
    first_seen: '2015-03-01T00:00:00Z',
    object_marking_refs: [TLP_GREEN],
  }),
  sdo('threat-actor', 2, {
    name: 'fancy-bear',
    modified: '2024-02-01T00:00:00.000Z',
    threat_actor_types: ['nation-state'],
    primary_motivation: 'organizational-gain',
    sophistication: 'expert',
    last_seen: '2024-01-20T00:00:00Z',
  }),
  sdo('malware', 3, {
    name: 'X-Agent',
    aliases: ['CHOPSTICK'],
    is_family: true,
    malware_types: ['backdoor'],
    capabilities: ['exfiltrates-data'],
  }),
  sdo('tool', 4, { name: 'Mimikatz', tool_types: ['credential-exploitation'] }),
  sdo('attack-pattern', 5, {
    name: 'PowerShell',
    external_references: [{ source_name: 'mitre-attack', external_id: 'T1059.001' }],
  }),
  sdo('campaign', 6, {
    name: 'Operation Pawn Storm',
    objective: 'steal credentials',
    first_seen: '2016-01-01T00:00:00Z',
    last_seen: '2017-01-01T00:00:00Z',
    object_marking_refs: [OWN_AMBER],
  }),
  sdo('vulnerability', 7, {
    name: 'PAN-OS GlobalProtect command injection',
    external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3400' }],
  }),
  sdo('indicator', 10, {
    pattern: "[ipv4-addr:value = '203.0.113.7']",
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  }),
  sdo('indicator', 11, {
    pattern: "[domain-name:value = 'evil.example']",
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  }),
  rel(30, 'indicates', IND_A, MALWARE, { confidence: 70 }),
  rel(31, 'uses', ACTOR, PATTERN),
  rel(32, 'uses', ACTOR, MALWARE),
  rel(33, 'attributed-to', CAMPAIGN, ACTOR),
  rel(34, 'targets', ACTOR, id('identity', 99)),
  rel(35, 'indicates', IND_LATE, ACTOR),
  rel(36, 'targets', CAMPAIGN, id('location', 98)),
  sdo('report', 20, {
    name: 'APT28 weekly',
    description: 'What APT28 did this week',
    published: '2024-01-15T00:00:00Z',
    object_refs: [ACTOR, IND_A, IND_B, IND_LATE, PATTERN, id('identity', 99)],
  }),
]

const importBundle = async (objects: unknown[]) => {
  const run = await t.core.call('feeds.importText', {
    content: bundle(objects),
    fileName: 'intel.json',
    format: 'stix-bundle',
  })
  await t.core.waitForIdle()
  return run
}

describe('STIX import into the knowledge base', () => {
  it('turns actors, campaigns, vulnerabilities, malware, tools and reports into entities, SROs into edges', async () => {
    const run = await importBundle(FIRST)
    expect(run.status).toBe('succeeded')
    const k = viewKnowledge(t.core.db.sqlite)
    // The intrusion set and the threat actor named by its alias are one actor.
    expect(k.entities.filter((e) => e.kind === 'threat-actor')).toHaveLength(1)
    const actor = entityNamed(k, 'threat-actor', 'APT28')
    expect(actor).toMatchObject({
      aliases: ['Fancy Bear', 'Sofacy'],
      description: 'Russian military intelligence',
      stix_id: ACTOR,
      tlp: 'green',
      confidence: 80,
      first_seen: '2015-03-01T00:00:00.000Z',
      last_seen: '2024-01-20T00:00:00.000Z',
      techniques: ['T1059.001'],
      sources: ['intel.json'],
      // The threat actor is the newer object: its type and motivation win.
      details: {
        actorType: 'nation-state',
        motivation: 'organizational-gain',
        sophistication: 'expert',
        // From `uses` → malware and `targets` → identity (not entities, so not edges).
        tools: ['X-Agent'],
        targetSectors: ['government', 'defense'],
      },
    })
    expect(entityNamed(k, 'campaign', 'Operation Pawn Storm')).toMatchObject({
      tlp: 'amber',
      details: { objectives: ['steal credentials'], targetCountries: ['DE'] },
    })
    expect(entityNamed(k, 'vulnerability', 'CVE-2024-3400')).toMatchObject({
      details: { cveId: 'CVE-2024-3400' },
    })
    expect(entityNamed(k, 'malware', 'X-Agent')).toMatchObject({
      aliases: ['CHOPSTICK'],
      details: { malwareTypes: ['backdoor'], capabilities: ['exfiltrates-data'], isFamily: true },
    })
    expect(entityNamed(k, 'malware', 'Mimikatz')).toMatchObject({
      details: { malwareTypes: ['tool', 'credential-exploitation'] },
    })
    expect(entityNamed(k, 'report', 'APT28 weekly')).toMatchObject({
      techniques: ['T1059.001'],
      details: {
        summary: 'What APT28 did this week',
        published: true,
        publishedAt: '2024-01-15T00:00:00.000Z',
      },
    })
    expect(k.relationships).toEqual([
      'campaign:Operation Pawn Storm -attributed-to-> threat-actor:APT28',
      'indicator:203.0.113.7 -indicates-> malware:X-Agent',
      'threat-actor:APT28 -uses-> T1059.001',
      'threat-actor:APT28 -uses-> malware:X-Agent',
    ])
    expect(k.reportObjects).toEqual([
      'report:APT28 weekly ∋ T1059.001',
      'report:APT28 weekly ∋ indicator:203.0.113.7',
      'report:APT28 weekly ∋ indicator:evil.example',
      'report:APT28 weekly ∋ threat-actor:APT28',
    ])
    expect(k.aliases).toContain('threat-actor:APT28 ~ fancy bear')
    expect(k.aliases).toContain('threat-actor:APT28 ~ apt28')
    expect(k.techniques).toEqual([
      'report:APT28 weekly uses T1059.001',
      'threat-actor:APT28 uses T1059.001',
    ])
    // The late indicator is named by an edge and by the report: both wait for it.
    expect(k.pending).toBe(2)
  })

  it('resolves references to an indicator that arrives in a later import', async () => {
    await importBundle(FIRST)
    await importBundle([
      sdo('indicator', 12, {
        pattern: "[url:value = 'http://late.example/x']",
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
      }),
    ])
    const k = viewKnowledge(t.core.db.sqlite)
    expect(k.pending).toBe(0)
    expect(k.relationships).toContain(
      'indicator:http://late.example/x -indicates-> threat-actor:APT28',
    )
    expect(k.reportObjects).toContain('report:APT28 weekly ∋ indicator:http://late.example/x')
  })

  it('importing the same bundle again changes nothing', async () => {
    await importBundle(FIRST)
    const before = viewKnowledge(t.core.db.sqlite)
    t.clock.advance(60_000)
    await importBundle(FIRST)
    expect(viewKnowledge(t.core.db.sqlite)).toEqual(before)
  })

  it('merges a newer version by STIX id, keeps what an analyst wrote, unions aliases and sources', async () => {
    await importBundle(FIRST)
    const newer = sdo('intrusion-set', 1, {
      name: 'APT28',
      modified: '2025-01-01T00:00:00.000Z',
      aliases: ['Strontium'],
      description: 'Newer words',
      confidence: 90,
      first_seen: '2014-01-01T00:00:00Z',
    })
    await t.core.call('feeds.importText', {
      content: bundle([newer]),
      fileName: 'vendor.json',
      format: 'stix-bundle',
    })
    await t.core.waitForIdle()
    let actor = entityNamed(viewKnowledge(t.core.db.sqlite), 'threat-actor', 'APT28')
    expect(actor).toMatchObject({
      aliases: ['Fancy Bear', 'Sofacy', 'Strontium'],
      description: 'Newer words',
      confidence: 90,
      first_seen: '2014-01-01T00:00:00.000Z',
      last_seen: '2024-01-20T00:00:00.000Z',
      sources: ['intel.json', 'vendor.json'],
      techniques: ['T1059.001'],
    })
    // An analyst's edit: sources name 'analyst'; a still newer import keeps the analyst's description.
    t.core.db.sqlite
      .prepare(
        `UPDATE intel_entities SET description = 'Analyst notes', sources = '["intel.json","analyst"]'
         WHERE stix_id = ?`,
      )
      .run(ACTOR)
    await importBundle([
      {
        ...newer,
        modified: '2025-06-01T00:00:00.000Z',
        description: 'Vendor rewrite',
        aliases: ['APT-28'],
      },
    ])
    actor = entityNamed(viewKnowledge(t.core.db.sqlite), 'threat-actor', 'APT28')
    expect(actor?.description).toBe('Analyst notes')
    expect(actor?.sources).toEqual(['intel.json', 'analyst'])
    // Lists still grow.
    expect(actor?.aliases).toEqual(['Fancy Bear', 'Sofacy', 'Strontium', 'APT-28'])
  })

  it('the backfill rebuilds the same knowledge from the stored objects and observations', async () => {
    await importBundle(FIRST)
    const built = viewKnowledge(t.core.db.sqlite)
    t.core.db.sqlite.exec(`DELETE FROM intel_relationships; DELETE FROM intel_entities;
      DELETE FROM intel_stix_indicators; DELETE FROM intel_pending_refs;`)
    const report = await t.core.call('attack.rebuildKnowledge', {})
    expect(report).toMatchObject({ relationships: 4, reportObjects: 4, pending: 2 })
    expect(viewKnowledge(t.core.db.sqlite)).toEqual(built)
  })

  it('bounds what a hostile object brings', async () => {
    const aliases = Array.from({ length: 50_000 }, (_, i) => `alias ${i}`)
    await importBundle([
      sdo('intrusion-set', 1, {
        name: 'N'.repeat(5000),
        aliases,
        description: 'd'.repeat(100_000),
      }),
    ])
    const [actor] = viewKnowledge(t.core.db.sqlite).entities
    expect(String(actor.name).length).toBe(300)
    expect((actor.aliases as string[]).length).toBe(200)
    expect(String(actor.description).length).toBeLessThanOrEqual(20_000)
  })
})
