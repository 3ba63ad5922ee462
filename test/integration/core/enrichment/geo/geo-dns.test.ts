import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type TestCore } from '../../../../support/test-core'
import {
  startDnsFixtureServer,
  type DnsFixtureServer,
} from '../../../../support/enrichment-dns-server'

// The resolved-address rule end to end: the real engine runs the DNS provider against a DNS server on
// 127.0.0.1 and GeoIP on the packaged data, and the map's counts place the domain in its addresses'
// countries. evil-c2.net resolves (the fixture zone) to 45.155.205.233, 91.92.240.5 and an IPv6 address
// that is not an indicator.
describe('geo counts after a real enrichment run (GeoIP, DNS)', () => {
  let t: TestCore
  let dns: DnsFixtureServer
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    dns = await startDnsFixtureServer()
    t = await openCore({ start: true })
    await t.core.call('enrichment.updateSettings', {
      patch: {
        offline: false,
        auto: { enabled: false },
        dnsServers: [dns.address],
        providers: { dns: { enabled: true } },
      },
    })
    for (const value of ['evil-c2.net', '45.155.205.233', '91.92.240.5']) {
      ids[value] = (await t.core.call('indicators.create', { value, tlp: 'green' })).id
    }
    const run = await t.core.call('enrichment.run', {
      target: { kind: 'query', filter: {} },
      providers: ['geoip', 'dns'],
      wait: true,
    })
    expect(run.scanJob.status).toBe('succeeded')
  })

  afterAll(async () => {
    await t?.dispose()
    await dns?.close()
  })

  /** The country GeoIP gave an address indicator (its `country` fact). */
  const countryOf = async (value: string): Promise<string> => {
    const { items } = await t.core.call('enrichment.results', { indicatorId: ids[value] })
    const fact = items
      .find((r) => r.provider === 'geoip')
      ?.finding?.facts.find((f) => f.key === 'country')?.value
    if (typeof fact !== 'string') throw new Error(`GeoIP placed no country for ${value}`)
    return fact
  }

  it('counts the domain in the countries of the addresses it resolved to', async () => {
    const a = await countryOf('45.155.205.233')
    const b = await countryOf('91.92.240.5')
    expect(a).not.toBe(b)
    const out = await t.core.call('enrichment.geoCounts', {
      target: { kind: 'query', filter: {} },
    })
    // Each address in its own country, and the domain once in each of them.
    expect(Object.fromEntries(out.countries.map((c) => [c.country, c.count]))).toEqual({
      [a]: 2,
      [b]: 2,
    })
    expect(out).toMatchObject({ located: 3, unlocated: 0 })
    const domainOnly = await t.core.call('enrichment.geoCounts', {
      target: { kind: 'query', filter: { types: ['domain'] } },
    })
    expect(domainOnly.countries.map((c) => c.count)).toEqual([1, 1])
    expect(domainOnly).toMatchObject({ located: 1, unlocated: 0 })
  })
})
