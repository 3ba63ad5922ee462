import type { Core } from '#core/create-core'

/**
 * Indicators with enrichment keys as GeoIP and DNS would leave them, written straight into enrichment_keys
 * (the engine that writes them is tested on its own): the world map's counts, its table and the PDF section
 * all read this shape. What the fixture holds, by the rule in src/main/core/enrichment/geo-counts.ts:
 * - 45.155.205.3 and 45.155.205.4 in NL, 91.92.240.5 in RU, 2a0e:97c0::5 in DE (IPv6);
 * - 45.155.205.9: GeoIP says NL, Shodan says DE: GeoIP wins (NL);
 * - 185.220.101.4: only a provider that writes lower case ('fr'): FR;
 * - 103.224.182.9 in SG, a country too small for the map's shapes: drawn as a dot;
 * - 193.42.33.7: a country value that is not two letters: unlocated;
 * - evil-c2.net: no country of its own, resolves to 45.155.205.3 and 91.92.240.5: once in NL, once in RU;
 * - twin-c2.net: resolves to 45.155.205.3 and 45.155.205.4, both in NL: once in NL;
 * - v6-c2.net: resolves to 2a0e:97c0::5 written out in full and in upper case: DE;
 * - cdn-evil.org: its own country (US) wins over the address it resolves to;
 * - lost-c2.org: resolves to an address that is no indicator: unlocated;
 * - a SHA-256: unlocated.
 * So over everything: NL 5, DE 2, RU 2, FR 1, SG 1, US 1; located 11, unlocated 3.
 */
export type GeoSeed = {
  ids: Record<string, string>
  /** A threat report holding evil-c2.net, 91.92.240.5, 2a0e:97c0::5 and the hash. */
  report: string
}

const INDICATORS = [
  { type: 'ip', value: '45.155.205.3' },
  { type: 'ip', value: '45.155.205.4' },
  { type: 'ip', value: '45.155.205.9' },
  { type: 'ip', value: '91.92.240.5' },
  { type: 'ipv6', value: '2a0e:97c0::5' },
  { type: 'ip', value: '185.220.101.4' },
  { type: 'ip', value: '103.224.182.9' },
  { type: 'ip', value: '193.42.33.7' },
  { type: 'domain', value: 'evil-c2.net' },
  { type: 'domain', value: 'twin-c2.net' },
  { type: 'domain', value: 'v6-c2.net' },
  { type: 'domain', value: 'cdn-evil.org' },
  { type: 'domain', value: 'lost-c2.org' },
  { type: 'sha256', value: 'e3'.repeat(32) },
] as const

/** [indicator value, kind, key value, provider] */
const KEYS: readonly (readonly [string, string, string, string])[] = [
  ['45.155.205.3', 'country', 'NL', 'geoip'],
  ['45.155.205.4', 'country', 'NL', 'geoip'],
  ['45.155.205.9', 'country', 'NL', 'geoip'],
  ['45.155.205.9', 'country', 'DE', 'shodan'],
  ['91.92.240.5', 'country', 'RU', 'geoip'],
  ['2a0e:97c0::5', 'country', 'DE', 'geoip'],
  ['185.220.101.4', 'country', 'fr', 'abuseipdb'],
  ['103.224.182.9', 'country', 'SG', 'geoip'],
  ['193.42.33.7', 'country', 'NLD', 'shodan'],
  ['45.155.205.3', 'asn', '44477', 'asn'],
  ['evil-c2.net', 'resolved-address', '45.155.205.3', 'dns'],
  ['evil-c2.net', 'resolved-address', '91.92.240.5', 'dns'],
  ['twin-c2.net', 'resolved-address', '45.155.205.3', 'dns'],
  ['twin-c2.net', 'resolved-address', '45.155.205.4', 'dns'],
  ['v6-c2.net', 'resolved-address', '2A0E:97C0:0:0:0:0:0:5', 'dns'],
  ['cdn-evil.org', 'country', 'US', 'rdap'],
  ['cdn-evil.org', 'resolved-address', '45.155.205.4', 'dns'],
  ['lost-c2.org', 'resolved-address', '198.51.100.9', 'dns'],
]

export const seedGeo = async (core: Core): Promise<GeoSeed> => {
  const ids: Record<string, string> = {}
  for (const i of INDICATORS) {
    const created = await core.call('indicators.create', { ...i, tags: ['geo'], tlp: 'green' })
    ids[i.value] = created.id
  }
  await core.db.writes.run('test.seed-enrichment-keys', () => {
    const insert = core.db.sqlite.prepare(
      'INSERT INTO enrichment_keys (indicator_id, kind, value, provider) VALUES (?, ?, ?, ?)',
    )
    core.db.sqlite.transaction(() => {
      for (const [of, kind, value, provider] of KEYS) insert.run(ids[of], kind, value, provider)
    })()
  })
  const report = await core.call('intel.create', {
    kind: 'report',
    name: 'Spring C2 infrastructure',
    tlp: 'green',
  })
  await core.call('intel.attachToReport', {
    reportId: report.id,
    indicatorIds: [
      ids['evil-c2.net'],
      ids['91.92.240.5'],
      ids['2a0e:97c0::5'],
      ids['e3'.repeat(32)],
    ],
  })
  return { ids, report: report.id }
}
