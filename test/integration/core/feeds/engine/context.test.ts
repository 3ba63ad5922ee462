import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { FeedFormat } from '#core/feeds/feed-types'
import { openTestCore, writeFile, type TestCore } from './engine-support'

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/feeds')

/**
 * Every feed's context kept (issue 8): the fixture feeds of test/fixtures/feeds, imported through the whole
 * engine, give indicators and observations with the feed's own dates, confidence, classification,
 * severity, TLP, threat type, malware, reference and event title; re-imports count sightings only when a
 * source says something new; search finds what the sources said; reportedIn shows MISP and STIX context.
 */
describe('a feed context reaches the indicator and its observation', () => {
  let t: TestCore
  const runs: Record<string, Awaited<ReturnType<TestCore['core']['call']>>> = {}
  const importFixture = async (file: string, format: FeedFormat) => {
    const path = join(t.dataDir, file)
    copyFileSync(join(FIXTURES, file), path)
    return t.core.call('feeds.importFile', { path, format, name: file })
  }
  const get = async (value: string): Promise<Indicator> => {
    const found = await t.core.call('indicators.lookup', { value })
    if (found === null) throw new Error(`${value} was not imported`)
    return found
  }
  const observation = async (value: string) => {
    const { items } = await t.core.call('observations.list', {
      indicatorId: (await get(value)).id,
      limit: 10,
    })
    expect(items).toHaveLength(1)
    return items[0]
  }

  beforeAll(async () => {
    t = await openTestCore()
    for (const [file, format] of [
      ['urlhaus-recent.csv', 'urlhaus-csv'],
      ['threatfox-recent.csv', 'threatfox-csv'],
      ['feodo-ipblocklist.csv', 'feodo-csv'],
      ['phishtank-online-valid.csv', 'phishtank-csv'],
      ['misp-event.json', 'misp-event'],
      ['stix-bundle.json', 'stix-bundle'],
    ] as const) {
      runs[file] = await importFixture(file, format)
    }
    await t.core.waitForIdle()
  }, 120_000)
  afterAll(() => t.close())

  it('URLhaus: dates, malicious, threat type, tags and link', async () => {
    const i = await get('http://115.55.117.42:39958/i')
    expect(i).toMatchObject({
      classification: 'malicious',
      firstSeen: '2024-05-01T10:02:07.000Z',
      lastSeen: '2024-05-01T10:02:07.000Z',
      tags: ['32-bit', 'elf', 'mips', 'Mozi'],
      sourceCount: 1,
      sightingCount: 1,
    })
    expect(await observation(i.value)).toMatchObject({
      classification: 'malicious',
      threatType: 'malware_download',
      reference: 'https://urlhaus.abuse.ch/url/2869870/',
      sightings: 1,
    })
  })

  it('ThreatFox: confidence, malware family, threat type, port', async () => {
    const i = await get('45.95.147.10')
    expect(i).toMatchObject({
      classification: 'malicious',
      confidence: 100,
      firstSeen: '2024-05-01T09:55:11.000Z',
    })
    expect(await observation('45.95.147.10')).toMatchObject({
      malware: 'Cobalt Strike',
      threatType: 'botnet_cc',
      port: 8080,
      confidence: 100,
      reference: 'https://threatfox.abuse.ch/ioc/1267712/',
    })
    expect(await get('2001:db8::1')).toMatchObject({
      confidence: 75,
      lastSeen: '2024-05-01T09:59:00.000Z',
    })
  })

  it('Feodo: a C&C blocklist says malicious; first seen and last online', async () => {
    const i = await get('51.254.25.115')
    expect(i).toMatchObject({
      classification: 'malicious',
      firstSeen: '2021-01-17T07:44:46.000Z',
      lastSeen: '2024-05-01T00:00:00.000Z',
    })
    expect(await observation(i.value)).toMatchObject({ malware: 'Dridex', threatType: 'botnet_cc' })
  })

  it('PhishTank: submission and verification times, phishing, the detail page', async () => {
    const i = await get('https://paypal.example-login.com/')
    expect(i).toMatchObject({
      classification: 'malicious',
      firstSeen: '2023-02-09T06:00:00.000Z',
      lastSeen: '2023-02-09T06:10:00.000Z',
    })
    expect(await observation(i.value)).toMatchObject({
      threatType: 'phishing',
      reference: 'http://www.phishtank.com/phish_detail.php?phish_id=8000001',
    })
  })

  it('MISP: threat level as severity, TLP from tags, attribute dates, event title', async () => {
    const i = await get('198.51.100.10')
    expect(i).toMatchObject({
      severity: 'medium',
      tlp: 'green',
      firstSeen: '2024-04-30T18:00:00.000Z',
      lastSeen: '2024-04-30T18:00:00.000Z',
      // MISP says nothing about the nature of an attribute: classification stays as it was.
      classification: 'unknown',
    })
    expect(await get('evil.example')).toMatchObject({ tlp: 'amber' })
    expect(await get('http://evil.example/gate.php')).toMatchObject({
      firstSeen: '2024-04-01T10:00:00.000Z',
      lastSeen: '2024-04-20T10:00:00.000Z',
    })
    expect(await observation('198.51.100.10')).toMatchObject({
      eventTitle: "OSINT - <script>alert('x')</script> campaign",
      severity: 'medium',
    })
  })

  it('STIX: valid_from and modified, confidence, indicator_types, TLP marking', async () => {
    const i = await get('198.51.100.3')
    expect(i).toMatchObject({
      classification: 'malicious',
      confidence: 80,
      tlp: 'amber',
      firstSeen: '2024-04-01T00:00:00.000Z',
      lastSeen: '2024-04-01T00:00:00.000Z',
    })
    expect(await observation(i.value)).toMatchObject({
      threatType: 'malicious-activity',
      reference: 'https://blog.example/c2',
    })
  })

  it('search finds malware families, threat types, event titles and defanged values', async () => {
    const values = async (q: string) =>
      (await t.core.call('indicators.list', { filter: { q }, limit: 100 })).items.map(
        (x) => x.value,
      )
    expect(await values('cobalt strike')).toEqual(['45.95.147.10'])
    expect(await values('Dridex')).toContain('51.254.25.115')
    expect(await values('malware_download')).toContain('http://115.55.117.42:39958/i')
    expect(await values('OSINT campaign')).toEqual(expect.arrayContaining(['198.51.100.10']))
    const gate = await values('hxxp://evil[.]example/gate.php')
    expect(gate).toContain('http://evil.example/gate.php')
    // ThreatFox's http://evil.example/gate.php?a=1, b=2 starts the same way; nothing else does.
    expect(gate.every((v) => v.startsWith('http://evil.example/gate.php'))).toBe(true)
    expect(await values('51.254.25[.]115')).toEqual(['51.254.25.115'])
    const searched = await t.core.call('indicators.search', { q: 'Cobalt Strike', limit: 10 })
    expect(searched.items.map((x) => x.value)).toEqual(['45.95.147.10'])
    const defanged = await t.core.call('indicators.search', { q: '45.95.147[.]10', limit: 10 })
    expect(defanged.items.map((x) => x.value)).toEqual(['45.95.147.10'])
  })

  it('reportedIn: the MISP event with org, threat level and galaxy', async () => {
    const r = await t.core.call('indicators.reportedIn', { id: (await get('198.51.100.10')).id })
    expect(r.linked).toEqual([])
    expect(r.events).toEqual([
      {
        id: 'misp-event--5e2a1c3b-0000-4000-8000-000000000001',
        title: "OSINT - <script>alert('x')</script> campaign",
        threatLevel: 'medium',
        org: 'CIRCL',
        date: '2024-04-30',
        sourceKey: 'import:misp-event.json',
        galaxies: [
          {
            id: 'misp-galaxy-cluster--5b4ee3ea-eee3-4c8e-8323-85ae32658754',
            name: 'Sofacy',
            galaxy: 'threat-actor',
          },
        ],
      },
    ])
  })

  it('reportedIn: the STIX malware it indicates and the report that lists it', async () => {
    const r = await t.core.call('indicators.reportedIn', { id: (await get('198.51.100.3')).id })
    expect(r.events).toEqual([])
    expect(r.linked).toEqual([
      {
        id: 'malware--00000000-0000-4000-8000-000000000017',
        type: 'malware',
        name: 'X-Agent',
        relationship: 'indicates',
        sourceKey: 'import:stix-bundle.json',
      },
      {
        id: 'report--00000000-0000-4000-8000-000000000019',
        type: 'report',
        name: 'Report',
        relationship: 'report',
        sourceKey: 'import:stix-bundle.json',
      },
    ])
    // An indicator with nothing around it.
    const plain = await t.core.call('indicators.reportedIn', {
      id: (await get('51.254.25.115')).id,
    })
    expect(plain).toEqual({ events: [], linked: [] })
  })
})

describe('sightings across imports', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await openTestCore()
  })
  afterAll(() => t.close())
  const csv = (lastOnline: string, threat = 'malware_download') =>
    `# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n` +
    `1,2024-05-01 10:00:00,http://sighted.example/a,online,${lastOnline},${threat},x,https://urlhaus.abuse.ch/url/1/,r\n` +
    `2,2024-05-01 10:00:00,http://other.example/b,online,,malware_download,,https://urlhaus.abuse.ch/url/2/,r\n`
  const run = async (name: string, content: string, source = 'urlhaus') =>
    t.core.call('feeds.importFile', {
      path: writeFile(t.dataDir, name, content),
      format: 'urlhaus-csv',
      name: source,
    })
  const sighted = async () => {
    const i = await t.core.call('indicators.lookup', { value: 'http://sighted.example/a' })
    return [i?.sourceCount, i?.sightingCount, i?.lastSeen]
  }

  it('counts a new source and a re-observation, not a repeat', async () => {
    const first = await run('a.csv', csv('2024-05-02 10:00:00'))
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 })
    expect(await sighted()).toEqual([1, 1, '2024-05-02T10:00:00.000Z'])

    // The same source, the same data: nothing counted, everything unchanged.
    const same = await run('a.csv', csv('2024-05-02 10:00:00'))
    expect(same).toMatchObject({ created: 0, updated: 0, unchanged: 2 })
    expect(await sighted()).toEqual([1, 1, '2024-05-02T10:00:00.000Z'])

    // The source saw it again later: last_seen moves, one more sighting.
    const later = await run('a.csv', csv('2024-05-03 10:00:00'))
    expect(later).toMatchObject({ created: 0, updated: 1, unchanged: 1 })
    expect(await sighted()).toEqual([1, 2, '2024-05-03T10:00:00.000Z'])

    // An older date from the same source is not news.
    expect(await run('a.csv', csv('2024-05-01 12:00:00'))).toMatchObject({ updated: 0 })
    expect(await sighted()).toEqual([1, 2, '2024-05-03T10:00:00.000Z'])

    // Another source: one more source and sighting.
    const other = await run('b.csv', csv('2024-05-03 10:00:00'), 'mirror')
    expect(other).toMatchObject({ created: 0, updated: 2, unchanged: 0 })
    expect(await sighted()).toEqual([2, 3, '2024-05-03T10:00:00.000Z'])

    // Sort and filter on the figures.
    const list = await t.core.call('indicators.list', {
      filter: { sourcesMin: 2 },
      sort: { field: 'sightings', dir: 'desc' },
      limit: 10,
    })
    expect(list.items.map((i) => [i.value, i.sourceCount, i.sightingCount])).toEqual([
      ['http://sighted.example/a', 2, 3],
      ['http://other.example/b', 2, 2],
    ])
    const bySources = await t.core.call('indicators.list', {
      sort: { field: 'sources', dir: 'asc' },
      limit: 1,
    })
    expect(bySources.items[0]?.sourceCount).toBe(2)
  })

  it('a new threat type from a source is searchable after the re-import', async () => {
    await run('a.csv', csv('2024-05-04 10:00:00', 'ransomware_drop'))
    const found = await t.core.call('indicators.list', {
      filter: { q: 'ransomware_drop' },
      limit: 10,
    })
    expect(found.items.map((i) => i.value)).toEqual(['http://sighted.example/a'])
  })

  it("never overwrites an analyst's edit with a feed's value", async () => {
    const i = await t.core.call('indicators.lookup', { value: 'http://other.example/b' })
    if (i === null) throw new Error('missing')
    await t.core.call('indicators.update', {
      id: i.id,
      patch: { classification: 'benign', severity: 'low', tlp: 'red', confidence: 10 },
    })
    await run('c.csv', csv('2024-05-05 10:00:00'), 'third')
    const after = await t.core.call('indicators.get', { id: i.id })
    expect(after).toMatchObject({
      classification: 'benign',
      severity: 'low',
      tlp: 'red',
      confidence: 10,
      sourceCount: 3,
    })
  })
})
