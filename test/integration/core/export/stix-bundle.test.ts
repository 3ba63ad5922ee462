import { describe, expect, it } from 'vitest'
import { createStixValidator } from '#core/export/stix/schemas/stix-validator'
import { writeStixBundle } from '#core/export/stix/stix-bundle.writer'
import { parseStixPattern } from '#core/feeds/formats/stix-pattern'
import type { ExportSet } from '#core/export/export-set'
import type { Indicator } from '#shared/contract/indicators.contract'
import {
  OTHER_INDICATORS,
  PATTERN_INDICATORS,
  REPORT,
  VULN,
  fullSet,
  canonicalIndicator,
  makeIndicator,
  makeSet,
} from './export-set-fixture'
import { type Bundle, type Obj, collect, countingSink, exportStix } from './stream-support'

const TLP2 = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  amberStrict: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
}
const TLP1 = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
}

const byId = (b: Bundle) => new Map(b.objects.map((o) => [o.id, o]))
const ofType = (b: Bundle, type: string) => b.objects.filter((o) => o.type === type)
const indicatorFor = (b: Bundle, ind: Indicator): Obj => {
  const found = ofType(b, 'indicator').find((o) => o.name === ind.value)
  if (found === undefined) throw new Error(`no indicator for ${ind.value}`)
  return found
}

describe('writeStixBundle', () => {
  it('writes a bundle every object of which passes our STIX 2.1 schemas', async () => {
    const { bundle, result } = await exportStix(fullSet(), { observables: true })
    const v = createStixValidator()
    expect(v.bundle(bundle)).toEqual({ ok: true })
    expect(result.objects).toBe(bundle.objects.length)
    const failures = bundle.objects
      .map((o) => ({ id: o.id, r: v.object(o) }))
      .filter((x) => !x.r.ok)
    expect(failures).toEqual([])
    // Every type the writer can emit was exercised, so every schema was applied at least once.
    expect(new Set(bundle.objects.map((o) => o.type))).toEqual(new Set(v.types))
    // No two objects share an id.
    expect(new Set(bundle.objects.map((o) => o.id)).size).toBe(bundle.objects.length)
  })

  it('our schemas reject what the specification forbids', async () => {
    const v = createStixValidator()
    const { bundle } = await exportStix(fullSet())
    const ind = ofType(bundle, 'indicator')[0]
    const malware = ofType(bundle, 'malware')[0]
    const report = ofType(bundle, 'report')[0]
    const rel = ofType(bundle, 'relationship')[0]
    const bad: [string, Obj][] = [
      ['seconds-only created', { ...ind, created: '2025-11-02T09:15:30Z' }],
      ['no marking', { ...ind, object_marking_refs: undefined }],
      ['wrong id type', { ...ind, id: ind.id.replace('indicator--', 'malware--') }],
      ['not a UUID', { ...ind, id: 'indicator--1234' }],
      ['spec 2.0', { ...ind, spec_version: '2.0' }],
      ['confidence 101', { ...ind, confidence: 101 }],
      ['empty labels', { ...ind, labels: [] }],
      ['no pattern', { ...ind, pattern: undefined }],
      ['no is_family', { ...malware, is_family: undefined }],
      ['report without published', { ...report, published: undefined }],
      ['report without refs', { ...report, object_refs: [] }],
      ['upper-case relationship type', { ...rel, relationship_type: 'Uses' }],
      ['bad custom property', { ...ind, 'X-Bad': 1 }],
    ]
    for (const [why, obj] of bad) expect(v.object(obj).ok, why).toBe(false)
    const key = { type: 'windows-registry-key', id: `windows-registry-key--${ind.id.slice(11)}` }
    expect(v.object({ ...key, key: 'HKLM\\Software', object_marking_refs: [TLP2.clear] }).ok).toBe(
      false,
    )
    expect(v.bundle({ ...bundle, spec_version: '2.1' }).ok).toBe(false)
  })

  it('emits patterns our STIX pattern parser reads back to the same type and value', async () => {
    const { bundle } = await exportStix(makeSet({ indicators: PATTERN_INDICATORS }))
    expect(ofType(bundle, 'indicator')).toHaveLength(PATTERN_INDICATORS.length)
    for (const ind of PATTERN_INDICATORS) {
      const sdo = indicatorFor(bundle, ind)
      const info = parseStixPattern(String(sdo.pattern))
      expect(info.simple, String(sdo.pattern)).toBe(true)
      expect(info.observables.map((o) => [o.type, o.value])).toEqual([[ind.type, ind.value]])
    }
    const byValue = (v: string) => String(indicatorFor(bundle, { value: v } as Indicator).pattern)
    expect(byValue(PATTERN_INDICATORS[5].value)).toBe(
      "[url:value = 'http://evil.example.com/a\\'b\\\\c?q=1']",
    )
    expect(byValue(PATTERN_INDICATORS[9].value)).toMatch(/^\[file:hashes\.'SHA-256' = '/)
    expect(byValue(PATTERN_INDICATORS[11].value)).toBe(
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\evil']",
    )
    expect(byValue(PATTERN_INDICATORS[14].value)).toMatch(/^\[cryptocurrency-wallet:value = /)
    expect(byValue(PATTERN_INDICATORS[13].value)).toBe(
      "[file:name = 'invoice \\'final\\'.pdf.exe']",
    )
  })

  it('writes the indicator fields: times to the millisecond, confidence, labels, types', async () => {
    const { bundle } = await exportStix(makeSet({ indicators: PATTERN_INDICATORS }))
    const ip = indicatorFor(bundle, PATTERN_INDICATORS[0])
    expect(ip).toMatchObject({
      spec_version: '2.1',
      created: '2025-11-02T09:15:30.123Z',
      modified: '2025-11-18T17:45:00.456Z',
      valid_from: '2025-11-01T12:00:00.000Z',
      confidence: 70,
      labels: ['c2', 'cobalt-strike'],
      indicator_types: ['malicious-activity'],
      pattern_type: 'stix',
      pattern_version: '2.1',
      object_marking_refs: [TLP2.amber],
    })
    expect(indicatorFor(bundle, PATTERN_INDICATORS[6]).indicator_types).toEqual([
      'anomalous-activity',
    ])
    expect(indicatorFor(bundle, PATTERN_INDICATORS[13])).not.toHaveProperty('indicator_types')
    const noFirstSeen = makeIndicator({ type: 'domain', value: 'late.example', firstSeen: null })
    const late = await exportStix(makeSet({ indicators: [noFirstSeen] }))
    expect(indicatorFor(late.bundle, noFirstSeen).valid_from).toBe(noFirstSeen.createdAt)
  })

  it('gives the same ids on every export, and an entity its own STIX id', async () => {
    const a = await exportStix(fullSet())
    const b = await exportStix(fullSet())
    expect(b.text).toBe(a.text)
    const ids = byId(a.bundle)
    expect(ids.get(VULN.stixId ?? '')).toMatchObject({
      type: 'vulnerability',
      name: 'CVE-2021-44228',
    })
    expect(ids.get('intrusion-set--bcd1c6a9-4b8f-4a3e-9d2c-1f0e5b6a7c02')).toMatchObject({
      name: 'Wizard Spider',
    })
    // OpenCTI's indicator id: UUIDv5 of {"pattern": …} in the STIX namespace.
    const ip = indicatorFor(a.bundle, PATTERN_INDICATORS[0])
    expect(ip.id).toBe('indicator--' + ipIndicatorUuid)
  })

  it('maps the entities with their fields', async () => {
    const { bundle } = await exportStix(fullSet())
    const actor = ofType(bundle, 'threat-actor')[0]
    expect(actor).toMatchObject({
      name: 'APT28',
      aliases: ['Sofacy', 'Fancy Bear'],
      description: 'Russian military intelligence unit.',
      threat_actor_types: ['nation-state'],
      primary_motivation: 'organizational-gain',
      sophistication: 'expert',
      first_seen: '2007-01-01T00:00:00.000Z',
      last_seen: '2025-11-01T00:00:00.000Z',
      confidence: 85,
      x_threateye_origin_country: 'RU',
      x_threateye_target_countries: ['DE', 'FR'],
      object_marking_refs: [TLP2.amber],
    })
    const campaign = ofType(bundle, 'campaign')[0]
    // last_seen before first_seen cannot be written; the first is kept.
    expect(campaign).toMatchObject({
      first_seen: '2024-03-01T00:00:00.000Z',
      objective: 'credential theft; espionage',
    })
    expect(campaign).not.toHaveProperty('last_seen')
    const vuln = byId(bundle).get(VULN.stixId ?? '')
    expect(vuln?.external_references).toEqual([
      {
        source_name: 'cve',
        external_id: 'CVE-2021-44228',
        url: 'https://www.cve.org/CVERecord?id=CVE-2021-44228',
      },
      { source_name: 'exploit', url: 'https://github.com/example/poc' },
      { source_name: 'exploit', description: 'EDB-50592' },
      { source_name: 'patch', url: 'https://logging.apache.org/log4j/2.x/security.html' },
    ])
    expect(vuln).toMatchObject({ x_threateye_cvss_score: 10, x_threateye_name: 'Log4Shell' })
    expect(ofType(bundle, 'malware')[0]).toMatchObject({
      name: 'X-Agent',
      is_family: true,
      malware_types: ['backdoor'],
      capabilities: ['exfiltrates-data'],
      aliases: ['CHOPSTICK'],
      object_marking_refs: [TLP2.amberStrict],
    })
    // The cve indicator of an entity's CVE is that entity, not a second vulnerability.
    const vulns = ofType(bundle, 'vulnerability').map((o) => o.name)
    expect(vulns.sort()).toEqual(['CVE-2021-44228', 'CVE-2024-3400'])
    expect(ofType(bundle, 'x-threateye-indicator')[0]).toMatchObject({
      value: OTHER_INDICATORS[3].value,
      object_marking_refs: [TLP2.clear],
    })
  })

  it('writes ATT&CK techniques as attack-patterns once each, with uses and indicates edges', async () => {
    const names: Record<string, string> = { T1566: 'Phishing' }
    const { bundle } = await exportStix(fullSet(), { techniqueName: (t) => names[t] })
    const aps = ofType(bundle, 'attack-pattern')
    const ext = aps.map((a) => (a.external_references as { external_id: string }[])[0].external_id)
    expect(ext.sort()).toEqual(['T1027', 'T1059.001', 'T1071.001', 'T1566'])
    const phishing = aps.find((a) => a.name === 'Phishing')
    expect(phishing?.external_references).toEqual([
      {
        source_name: 'mitre-attack',
        external_id: 'T1566',
        url: 'https://attack.mitre.org/techniques/T1566/',
      },
    ])
    const ids = byId(bundle)
    const edges = ofType(bundle, 'relationship').map((r) => [
      ids.get(String(r.source_ref))?.name,
      r.relationship_type,
      ids.get(String(r.target_ref))?.name,
    ])
    expect(edges).toEqual(
      expect.arrayContaining([
        ['APT28', 'uses', 'Phishing'],
        ['APT28', 'uses', 'T1059.001'],
        ['APT28', 'uses', 'X-Agent'],
        ['X-Agent', 'uses', 'T1071.001'],
        ['X-Agent', 'uses', 'T1027'],
        ['Operation Pawn Storm', 'attributed-to', 'APT28'],
        ['Operation Pawn Storm', 'exploits', 'CVE-2021-44228'],
        ['203.0.113.5', 'indicates', 'X-Agent'],
        ['evil.example.com', 'indicates', 'Operation Pawn Storm'],
        [PATTERN_INDICATORS[9].value, 'indicates', 'T1059.001'],
      ]),
    )
    // The cve indicator is Log4Shell's own SDO: its edge to it would be a loop, and is not written.
    expect(edges.filter((e) => e[0] === e[2])).toEqual([])
    // A relationship is marked with the stricter TLP of its ends.
    const uses = ofType(bundle, 'relationship').find(
      (r) =>
        r.source_ref === ofType(bundle, 'threat-actor')[0].id &&
        r.target_ref === ofType(bundle, 'malware')[0].id,
    )
    expect(uses).toMatchObject({
      object_marking_refs: [TLP2.amberStrict],
      start_time: '2025-11-01T00:00:00.000Z',
      stop_time: '2025-11-10T00:00:00.000Z',
      confidence: 60,
    })
  })

  it('writes the report last with published and object_refs covering every object', async () => {
    const { bundle } = await exportStix(fullSet())
    const report = bundle.objects.at(-1)
    expect(report).toMatchObject({
      type: 'report',
      name: REPORT.name,
      description: REPORT.details.summary,
      published: '2025-11-20T08:00:00.000Z',
      report_types: ['threat-report'],
      x_threateye_content: REPORT.details.content,
      x_threateye_authors: ['A. Analyst'],
      object_marking_refs: [TLP2.amber],
    })
    const refs = new Set(report?.object_refs as string[])
    const expected = bundle.objects
      .filter((o) => !['marking-definition', 'identity', 'report'].includes(o.type))
      .map((o) => o.id)
    expect([...refs].sort()).toEqual([...new Set(expected)].sort())
  })

  it('marks every object, and carries exactly the marking definitions it uses (TLP 2.0)', async () => {
    const { bundle } = await exportStix(fullSet(), { observables: true })
    const used = new Set<string>()
    for (const o of bundle.objects) {
      if (o.type === 'marking-definition') continue
      expect(o.object_marking_refs, o.id).toHaveLength(1)
      used.add((o.object_marking_refs as string[])[0])
    }
    const defs = ofType(bundle, 'marking-definition')
    expect(new Set(defs.map((d) => d.id))).toEqual(used)
    expect(used).toEqual(new Set(Object.values(TLP2)))
    expect(defs.find((d) => d.id === TLP2.amberStrict)).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id: TLP2.amberStrict,
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:AMBER+STRICT',
      extensions: {
        'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
          extension_type: 'property-extension',
          tlp_2_0: 'amber+strict',
        },
      },
    })
    const identity = ofType(bundle, 'identity')[0]
    const sdos = bundle.objects.filter(
      (o) => 'created' in o && o.type !== 'marking-definition' && o.type !== 'identity',
    )
    expect(sdos.length).toBeGreaterThan(40)
    for (const o of sdos) expect(o.created_by_ref, o.id).toBe(identity.id)
  })

  it('writes TLP 1.0 markings on request, CLEAR as WHITE and AMBER+STRICT down to RED', async () => {
    const { bundle } = await exportStix(fullSet(), { tlpVersion: '1.0' })
    const defs = ofType(bundle, 'marking-definition')
    expect(new Set(defs.map((d) => d.id))).toEqual(new Set(Object.values(TLP1)))
    expect(defs.find((d) => d.id === TLP1.white)).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id: TLP1.white,
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: 'TLP:WHITE',
      definition: { tlp: 'white' },
    })
    expect(ofType(bundle, 'malware')[0].object_marking_refs).toEqual([TLP1.red])
    const url = indicatorFor(bundle, PATTERN_INDICATORS[5])
    expect(url.object_marking_refs).toEqual([TLP1.red])
    expect(indicatorFor(bundle, PATTERN_INDICATORS[2]).object_marking_refs).toEqual([TLP1.white])
    const v = createStixValidator()
    expect(bundle.objects.filter((o) => !v.object(o).ok)).toEqual([])
  })

  it('streams: a slow reader with a small buffer gets every object, written in many chunks', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      makeIndicator({ type: 'domain', value: `host-${i}.example.com`, tags: ['bulk'] }),
    )
    const out = collect({ highWaterMark: 1024, delayEvery: 1 })
    const result = await writeStixBundle(makeSet({ indicators: many, report: REPORT }), out.stream)
    const bundle = JSON.parse(out.text()) as Bundle
    expect(ofType(bundle, 'indicator')).toHaveLength(3000)
    expect(result.objects).toBe(bundle.objects.length)
    expect((bundle.objects.at(-1)?.object_refs as string[]).length).toBe(3000)
    expect(out.writes()).toBeGreaterThan(10)
  })

  it('holds neither the indicators nor the output: pages are written as they are read', async () => {
    const n = 100_000
    const sink = countingSink()
    // What the sink had received when each page was handed over, and the most the stream ever buffered.
    const receivedAtPage: number[] = []
    let maxBuffered = 0
    const set: ExportSet = {
      ...makeSet({ report: REPORT }),
      indicatorCount: n,
      indicators: async function* () {
        for (let p = 0; p < n; p += 1000) {
          receivedAtPage.push(sink.bytes())
          maxBuffered = Math.max(maxBuffered, sink.stream.writableLength)
          yield Array.from({ length: 1000 }, (_, i) =>
            canonicalIndicator({
              type: 'ip',
              value: `10.${(p + i) >> 16}.${((p + i) >> 8) & 255}.${(p + i) & 255}`,
            }),
          )
        }
      },
    }
    const result = await writeStixBundle(set, sink.stream)
    // Marking definitions (CLEAR, AMBER for the report, GREEN for the indicators), identity, the
    // indicators, the report.
    expect(result.objects).toBe(n + 5)
    expect(sink.bytes()).toBeGreaterThan(50 * 1024 * 1024)
    // Two passes (the report's object_refs read the pages again), each page read after the previous
    // ones reached the sink: nothing waits for the end.
    expect(receivedAtPage).toHaveLength(200)
    for (let i = 1; i < 100; i++) expect(receivedAtPage[i]).toBeGreaterThan(receivedAtPage[i - 1])
    // Backpressure: never more than the stream's buffer plus one chunk waits in it.
    expect(maxBuffered).toBeLessThanOrEqual(16 * 1024 + 64 * 1024 + 4096)
  }, 120_000)

  it('stops with a cancelled error when the signal aborts', async () => {
    const ac = new AbortController()
    const set: ExportSet = {
      ...makeSet({}),
      indicators: async function* () {
        for (let i = 0; ; i++) {
          if (i === 3) ac.abort()
          yield [makeIndicator({ type: 'domain', value: `a${i}.example.com` })]
        }
      },
    }
    const out = collect()
    await expect(writeStixBundle(set, out.stream, { signal: ac.signal })).rejects.toMatchObject({
      code: 'cancelled',
    })
  })
})

// UUIDv5(00abedb4-…, '{"pattern":"[ipv4-addr:value = \'203.0.113.5\']"}'), computed with Python's uuid module.
const ipIndicatorUuid = 'b043e4db-c04c-5577-a531-8e844948b163'
