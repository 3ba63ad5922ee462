import { describe, expect, it } from 'vitest'
import { createMispEventValidator } from '#core/export/misp/misp-event.schema'
import { writeMispEvent } from '#core/export/misp/misp-event.writer'
import type { ExportSet } from '#core/export/export-set'
import {
  ACTOR,
  CAMPAIGN,
  MALWARE,
  OTHER_INDICATORS,
  PATTERN_INDICATORS,
  REPORT,
  VULN,
  canonicalIndicator,
  fullSet,
  makeIndicator,
  makeSet,
} from './export-set-fixture'
import { collect, countingSink, exportMisp } from './stream-support'

const attr = (doc: Awaited<ReturnType<typeof exportMisp>>['doc'], value: string) => {
  const a = doc.Event.Attribute.find((x) => x.value === value)
  if (a === undefined) throw new Error(`no attribute ${value}`)
  return a
}

describe('writeMispEvent', () => {
  it('writes an event our MISP event schema accepts, and the schema refuses broken ones', async () => {
    const { doc, result } = await exportMisp(fullSet())
    const validate = createMispEventValidator()
    expect(validate(doc)).toEqual({ ok: true })
    expect(result.attributes).toBe(doc.Event.Attribute.length)
    const a0 = doc.Event.Attribute[0]
    const broken: [string, unknown][] = [
      ['numeric threat level', { Event: { ...doc.Event, threat_level_id: 1 } }],
      ['two-line info', { Event: { ...doc.Event, info: 'a\nb' } }],
      ['no Orgc', { Event: { ...doc.Event, Orgc: undefined } }],
      ['unknown category', { Event: { ...doc.Event, Attribute: [{ ...a0, category: 'Nope' }] } }],
      ['to_ids as a string', { Event: { ...doc.Event, Attribute: [{ ...a0, to_ids: '1' }] } }],
      [
        'seconds-only first_seen',
        { Event: { ...doc.Event, Attribute: [{ ...a0, first_seen: '2025-11-01T12:00:00Z' }] } },
      ],
      ['distribution 6', { Event: { ...doc.Event, Attribute: [{ ...a0, distribution: '6' }] } }],
    ]
    for (const [why, d] of broken)
      expect(validate(JSON.parse(JSON.stringify(d))).ok, why).toBe(false)
  })

  it('writes the event fields from the report and the set', async () => {
    const { doc } = await exportMisp(fullSet())
    expect(doc.Event).toMatchObject({
      uuid: REPORT.id,
      info: 'Test export',
      date: '2025-11-20',
      threat_level_id: '1',
      analysis: '2',
      // The strictest TLP of the set (RED) keeps the event in the organisation.
      distribution: '0',
      timestamp: String(Date.parse('2025-11-20T08:30:00.000Z') / 1000),
      published: true,
      publish_timestamp: String(Date.parse('2025-11-20T08:00:00.000Z') / 1000),
      Orgc: { name: 'ThreatEye' },
      Tag: [{ name: 'tlp:red', colour: '#cc0033', exportable: true }],
    })
    expect(doc.Event.EventReport).toEqual([
      expect.objectContaining({
        name: REPORT.name,
        content: REPORT.details.content,
        distribution: '5',
      }),
    ])
    const query = await exportMisp(
      makeSet({ indicators: PATTERN_INDICATORS.slice(0, 2), title: 'Line one\nline two' }),
    )
    expect(query.doc.Event).toMatchObject({
      info: 'Line one line two',
      published: false,
      analysis: '2',
      distribution: '1',
    })
    expect(query.doc.Event.uuid).toMatch(/^[0-9a-f-]{36}$/)
    // The same set gives the same event (MISP updates it rather than adding another).
    const again = await exportMisp(
      makeSet({ indicators: PATTERN_INDICATORS.slice(0, 2), title: 'Line one\nline two' }),
    )
    expect(again.text).toBe(query.text)
  })

  it('maps each IOC type to its MISP type, category and to_ids', async () => {
    const { doc } = await exportMisp(fullSet())
    const rows = Object.fromEntries(
      [...PATTERN_INDICATORS, ...OTHER_INDICATORS]
        .filter((i) => i.type !== 'attack-technique')
        .map((i) => {
          const a = attr(doc, i.value)
          return [i.type, [a.type, String(a.category), String(a.to_ids)].join(' / ')]
        }),
    )
    expect(rows).toEqual({
      ip: 'ip-dst / Network activity / true',
      ipv6: 'ip-dst / Network activity / true',
      cidr: 'ip-dst / Network activity / true',
      domain: 'domain / Network activity / true',
      url: 'url / Network activity / true',
      email: 'email-src / Payload delivery / true',
      md5: 'md5 / Payload delivery / true',
      sha1: 'sha1 / Payload delivery / true',
      sha256: 'sha256 / Payload delivery / true',
      sha512: 'sha512 / Payload delivery / true',
      'registry-key': 'regkey / Persistence mechanism / true',
      mutex: 'mutex / Artifacts dropped / true',
      // unknown classification: not actionable.
      'file-name': 'filename / Payload delivery / false',
      'bitcoin-address': 'btc / Financial fraud / true',
      // benign
      'ethereum-address': 'btc / Financial fraud / false',
      cve: 'vulnerability / External analysis / false',
      custom: 'text / Other / false',
    })
    const fp = makeIndicator({ type: 'domain', value: 'fp.example' })
    const off = await exportMisp(makeSet({ indicators: [{ ...fp, falsePositive: true }] }))
    expect(attr(off.doc, 'fp.example').to_ids).toBe(false)
  })

  it("writes attribute fields, and a TLP tag on every attribute whose TLP is not the event's", async () => {
    const { doc } = await exportMisp(fullSet())
    const ip = attr(doc, '203.0.113.5')
    expect(ip).toMatchObject({
      distribution: '5',
      deleted: false,
      comment: '',
      first_seen: '2025-11-01T12:00:00.000000+00:00',
      last_seen: '2025-11-19T12:00:00.000000+00:00',
      timestamp: String(Math.floor(Date.parse('2025-11-18T17:45:00.456Z') / 1000)),
      Tag: [
        { name: 'tlp:amber', colour: '#ffc000', exportable: true },
        { name: 'c2', colour: '#0088cc', exportable: true },
        { name: 'cobalt-strike', colour: '#0088cc', exportable: true },
      ],
    })
    // The RED sha256 has the event's level: its tag is the event's.
    expect(attr(doc, PATTERN_INDICATORS[9].value)).not.toHaveProperty('Tag')
    const uuids = doc.Event.Attribute.map((a) => a.uuid)
    expect(new Set(uuids).size).toBe(uuids.length)
  })

  it('writes galaxies for actors, malware and techniques, and campaigns and CVEs as attributes', async () => {
    const names: Record<string, string> = { T1566: 'Phishing' }
    const { doc } = await exportMisp(fullSet(), { techniqueName: (t) => names[t] })
    const byType = Object.fromEntries(doc.Event.Galaxy.map((g) => [g.type, g]))
    expect(Object.keys(byType).sort()).toEqual(['malpedia', 'mitre-attack-pattern', 'threat-actor'])
    expect(byType['threat-actor']).toMatchObject({ uuid: '698774c7-8022-42c4-917f-8d6e4f06ada3' })
    const actors = byType['threat-actor'].GalaxyCluster
    expect(actors.map((c) => c.value)).toEqual(['APT28', 'Wizard Spider'])
    expect(actors[0]).toMatchObject({
      tag_name: 'misp-galaxy:threat-actor="APT28"',
      description: ACTOR.description,
      meta: {
        synonyms: ['Sofacy', 'Fancy Bear'],
        country: ['RU'],
        'cfr-suspected-victims': ['DE', 'FR'],
        'cfr-target-category': ['government'],
      },
    })
    const malware = byType.malpedia.GalaxyCluster[0]
    expect(malware).toMatchObject({
      value: MALWARE.name,
      meta: { synonyms: ['CHOPSTICK'], type: ['backdoor'] },
    })
    // APT28 uses X-Agent: a relation between their clusters.
    expect(actors[0].GalaxyClusterRelation).toEqual([
      {
        galaxy_cluster_uuid: actors[0].uuid,
        referenced_galaxy_cluster_uuid: malware.uuid,
        referenced_galaxy_cluster_type: 'uses',
      },
    ])
    const techniques = byType['mitre-attack-pattern'].GalaxyCluster.map((c) => [
      c.value,
      c.tag_name,
    ])
    expect(techniques).toEqual([
      ['T1027', 'misp-galaxy:mitre-attack-pattern="T1027"'],
      ['T1059.001', 'misp-galaxy:mitre-attack-pattern="T1059.001"'],
      ['T1071.001', 'misp-galaxy:mitre-attack-pattern="T1071.001"'],
      ['Phishing - T1566', 'misp-galaxy:mitre-attack-pattern="Phishing - T1566"'],
    ])
    expect(attr(doc, CAMPAIGN.name)).toMatchObject({
      type: 'campaign-name',
      category: 'Attribution',
      to_ids: false,
    })
    // Log4Shell's CVE is already an indicator in the set: one attribute, not two.
    expect(doc.Event.Attribute.filter((a) => a.value === 'CVE-2021-44228')).toHaveLength(1)
    const vulnOnly = await exportMisp(makeSet({ entities: [VULN] }))
    expect(attr(vulnOnly.doc, 'CVE-2021-44228')).toMatchObject({
      type: 'vulnerability',
      comment: 'Log4Shell',
    })
  })

  it('streams a large event through a slow reader, page by page', async () => {
    const n = 50_000
    const sink = countingSink()
    const receivedAtPage: number[] = []
    const set: ExportSet = {
      ...makeSet({}),
      indicatorCount: n,
      indicators: async function* () {
        for (let p = 0; p < n; p += 1000) {
          receivedAtPage.push(sink.bytes())
          yield Array.from({ length: 1000 }, (_, i) =>
            canonicalIndicator({ type: 'domain', value: `host${p + i}.example.com` }),
          )
        }
      },
    }
    const result = await writeMispEvent(set, sink.stream)
    expect(result.attributes).toBe(n)
    for (let i = 1; i < receivedAtPage.length; i++) {
      expect(receivedAtPage[i]).toBeGreaterThan(receivedAtPage[i - 1])
    }
    const small = collect({ highWaterMark: 512, delayEvery: 1 })
    await writeMispEvent(makeSet({ indicators: PATTERN_INDICATORS }), small.stream)
    expect(JSON.parse(small.text())).toHaveProperty(
      'Event.Attribute.length',
      PATTERN_INDICATORS.length,
    )
  }, 60_000)
})
