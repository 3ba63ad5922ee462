import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openCore, type TestCore } from '../../../../support/test-core'
import { entityNamed, viewKnowledge } from './knowledge-support'

let t: TestCore
beforeEach(async () => {
  t = await openCore()
})
afterEach(async () => {
  await t.dispose()
})

const cluster = (
  galaxy: string,
  uuid: string,
  value: string,
  meta: Record<string, unknown> = {},
) => ({
  uuid: `00000000-0000-4000-9000-${uuid.padStart(12, '0')}`,
  type: galaxy,
  name: galaxy,
  GalaxyCluster: [
    {
      uuid: `00000000-0000-4000-a000-${uuid.padStart(12, '0')}`,
      type: galaxy,
      value,
      tag_name: `misp-galaxy:${galaxy}="${value}"`,
      description: `${value} described`,
      meta,
    },
  ],
})

const EVENT = {
  Event: {
    uuid: '5f0c1e2d-0000-4000-8000-00000000e001',
    info: 'Sofacy phishing wave',
    date: '2024-03-01',
    threat_level_id: '1',
    analysis: '2',
    published: true,
    timestamp: '1709290000',
    publish_timestamp: '1709300000',
    Orgc: { uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f', name: 'CIRCL' },
    Tag: [{ name: 'tlp:amber' }, { name: 'type:OSINT' }],
    Galaxy: [
      cluster('threat-actor', '1', 'Sofacy', { synonyms: ['APT28', 'Fancy Bear'], country: 'RU' }),
      cluster('malpedia', '2', 'X-Agent', { synonyms: ['CHOPSTICK'] }),
    ],
    Attribute: [
      {
        uuid: '5f0c1e2d-0000-4000-8000-00000000a001',
        type: 'ip-dst',
        category: 'Network activity',
        value: '198.51.100.9',
        to_ids: true,
        timestamp: '1709290000',
        Galaxy: [
          cluster('mitre-attack-pattern', '3', 'PowerShell - T1059.001', {
            external_id: ['T1059.001'],
          }),
        ],
      },
      {
        uuid: '5f0c1e2d-0000-4000-8000-00000000a002',
        type: 'domain',
        category: 'Network activity',
        value: 'bad.example',
        to_ids: true,
        timestamp: '1709290000',
      },
    ],
  },
}

const importEvent = async (event: unknown, fileName = 'event.json') => {
  const run = await t.core.call('feeds.importText', {
    content: JSON.stringify(event),
    fileName,
    format: 'misp-event',
  })
  await t.core.waitForIdle()
  return run
}

describe('MISP events and galaxies into the knowledge base', () => {
  it('makes the event a report, its galaxy clusters actors, malware and techniques', async () => {
    expect((await importEvent(EVENT)).status).toBe('succeeded')
    const k = viewKnowledge(t.core.db.sqlite)
    expect(entityNamed(k, 'report', 'Sofacy phishing wave')).toMatchObject({
      severity: 'high',
      tlp: 'amber',
      first_seen: '2024-03-01T00:00:00.000Z',
      techniques: ['T1059.001'],
      details: { published: true, publishedAt: '2024-03-01T13:33:20.000Z', authors: ['CIRCL'] },
    })
    expect(entityNamed(k, 'threat-actor', 'Sofacy')).toMatchObject({
      aliases: ['APT28', 'Fancy Bear'],
      description: 'Sofacy described',
      techniques: ['T1059.001'],
      sources: ['event.json', 'misp-galaxy:threat-actor'],
      details: { originCountry: 'RU' },
    })
    expect(entityNamed(k, 'malware', 'X-Agent')).toMatchObject({
      aliases: ['CHOPSTICK'],
      techniques: ['T1059.001'],
    })
    expect(k.reportObjects).toEqual([
      'report:Sofacy phishing wave ∋ indicator:198.51.100.9',
      'report:Sofacy phishing wave ∋ indicator:bad.example',
      'report:Sofacy phishing wave ∋ malware:X-Agent',
      'report:Sofacy phishing wave ∋ threat-actor:Sofacy',
    ])
    // The event's clusters are on every attribute; the technique is not an entity, so no edge to it.
    expect(k.relationships).toEqual([
      'indicator:198.51.100.9 -indicates-> malware:X-Agent',
      'indicator:198.51.100.9 -indicates-> threat-actor:Sofacy',
      'indicator:bad.example -indicates-> malware:X-Agent',
      'indicator:bad.example -indicates-> threat-actor:Sofacy',
    ])
  })

  it('a STIX intrusion set named by a galaxy synonym merges into the galaxy actor; re-import changes nothing', async () => {
    await importEvent(EVENT)
    await t.core.call('feeds.importText', {
      content: JSON.stringify({
        type: 'bundle',
        id: 'bundle--00000000-0000-4000-8000-0000000000aa',
        objects: [
          {
            type: 'intrusion-set',
            spec_version: '2.1',
            id: 'intrusion-set--00000000-0000-4000-8000-000000000001',
            created: '2024-01-01T00:00:00.000Z',
            modified: '2024-01-01T00:00:00.000Z',
            name: 'apt28',
            aliases: ['Strontium'],
          },
        ],
      }),
      fileName: 'stix.json',
      format: 'stix-bundle',
    })
    await t.core.waitForIdle()
    const k = viewKnowledge(t.core.db.sqlite)
    const actors = k.entities.filter((e) => e.kind === 'threat-actor')
    expect(actors).toHaveLength(1)
    expect(actors[0]).toMatchObject({
      name: 'Sofacy',
      aliases: ['APT28', 'Fancy Bear', 'Strontium'],
      stix_id: 'intrusion-set--00000000-0000-4000-8000-000000000001',
      sources: ['event.json', 'misp-galaxy:threat-actor', 'stix.json'],
    })
    await importEvent(EVENT)
    expect(viewKnowledge(t.core.db.sqlite)).toEqual(k)
  })

  it("a MITRE galaxy cluster is MITRE's STIX object: its UUID dedupes it with the STIX import", async () => {
    const uuid = 'bef4c620-0787-42a8-a96d-b7eb6e85917c'
    await importEvent({
      Event: {
        ...EVENT.Event,
        Attribute: [],
        Galaxy: [
          {
            uuid: 'd752161c-78f6-11e7-a0ea-bfa79b407ce4',
            type: 'mitre-intrusion-set',
            name: 'Intrusion Set',
            GalaxyCluster: [
              {
                uuid,
                type: 'mitre-intrusion-set',
                value: 'APT28 - G0007',
                tag_name: 'misp-galaxy:mitre-intrusion-set="APT28 - G0007"',
                meta: { synonyms: ['Sednit'] },
              },
            ],
          },
        ],
      },
    })
    await t.core.call('feeds.importText', {
      content: JSON.stringify({
        type: 'bundle',
        id: 'bundle--00000000-0000-4000-8000-0000000000ab',
        objects: [
          {
            type: 'intrusion-set',
            spec_version: '2.1',
            id: `intrusion-set--${uuid}`,
            created: '2024-01-01T00:00:00.000Z',
            modified: '2024-01-01T00:00:00.000Z',
            name: 'Pawn Storm',
          },
        ],
      }),
      fileName: 'mitre.json',
      format: 'stix-bundle',
    })
    await t.core.waitForIdle()
    const actors = viewKnowledge(t.core.db.sqlite).entities.filter((e) => e.kind === 'threat-actor')
    expect(actors).toHaveLength(1)
    expect(actors[0]).toMatchObject({
      name: 'APT28',
      aliases: ['Sednit', 'Pawn Storm'],
      stix_id: `intrusion-set--${uuid}`,
    })
  })

  it('rebuilds the knowledge base from what imports stored (the backfill job)', async () => {
    await importEvent(EVENT)
    const built = viewKnowledge(t.core.db.sqlite)
    // As a database from before the knowledge base: raw objects and observations only.
    t.core.db.sqlite.exec(`DELETE FROM intel_relationships; DELETE FROM intel_entities;
      DELETE FROM intel_stix_indicators; DELETE FROM intel_pending_refs;`)
    expect(viewKnowledge(t.core.db.sqlite).entities).toEqual([])
    const job = await t.core.call('jobs.start', { kind: 'attack.rebuildKnowledge', input: {} })
    const done = await t.core.jobs.settled(job.id)
    expect(done).toMatchObject({
      status: 'succeeded',
      result: { entities: 5, relationships: 4, reportObjects: 4, pending: 0 },
    })
    expect(done.progress.done).toBe(done.progress.total)
    expect(viewKnowledge(t.core.db.sqlite)).toEqual(built)
    // Running it again finds everything in place.
    expect(await t.core.call('attack.rebuildKnowledge', {})).toMatchObject({
      entities: 0,
      relationships: 0,
      reportObjects: 0,
    })
    expect(viewKnowledge(t.core.db.sqlite)).toEqual(built)
  })
})
