import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EnrichmentFindingSchema } from '#shared/contract/enrichment.schemas'
import { isProviderError, type HttpEnv } from '#core/enrichment/provider-types'
import { loadRdapBootstrap, type RdapBootstrap } from '#core/enrichment/providers/rdap-bootstrap'
import { createRdapProvider, rdapNoServerReason } from '#core/enrichment/providers/rdap.provider'
import { signalOf } from '#core/enrichment/enrichment-signal'
import {
  readFixture,
  startEnrichmentFixtureServer,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import { factsOf, lookup, reply, send, subject } from './provider-test-support'

const NOW = Date.parse('2026-12-03T10:15:00Z')
const rdap = createRdapProvider({ now: () => NOW })

let srv: EnrichmentFixtureServer
let bootstrap: RdapBootstrap
let dataDir: string
beforeAll(async () => {
  srv = await startEnrichmentFixtureServer()
  // As an engine test would: the fixture's bootstrap written where a refresh puts it, then loaded.
  dataDir = await mkdtemp(join(tmpdir(), 'threateye-rdap-provider-'))
  await srv.writeRdapBootstrap(dataDir)
  bootstrap = loadRdapBootstrap({ dataDir })
})
afterAll(async () => {
  await srv.close()
  await rm(dataDir, { recursive: true, force: true })
})
beforeEach(() => srv.reset())

const env = (): HttpEnv => ({
  key: null,
  baseUrl: rdap.baseUrl,
  rdapBase: (s) => bootstrap.baseFor(s),
})

const badResponse = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (isProviderError(e) && e.code === 'bad-response') return e.message
    throw e
  }
  throw new Error('parse accepted it')
}

describe('rdap', () => {
  it('asks the server the bootstrap names, at the RFC 9082 paths, with no key', () => {
    const e: HttpEnv = {
      key: null,
      baseUrl: rdap.baseUrl,
      rdapBase: () => 'https://rdap.example-rir.test/rdap',
    }
    expect(rdap.request(subject('domain', 'evil-c2.net'), e).url).toBe(
      'https://rdap.example-rir.test/rdap/domain/evil-c2.net',
    )
    expect(rdap.request(subject('ip', '45.155.205.233'), e).url).toBe(
      'https://rdap.example-rir.test/rdap/ip/45.155.205.233',
    )
    expect(rdap.request(subject('ipv6', '2a0e:97c0:3e3:1::5'), e).url).toBe(
      'https://rdap.example-rir.test/rdap/ip/2a0e%3A97c0%3A3e3%3A1%3A%3A5',
    )
    expect(rdap.request(subject('cidr', '45.155.205.0/24'), e).url).toBe(
      'https://rdap.example-rir.test/rdap/ip/45.155.205.0/24',
    )
    const c = rdap.request(subject('domain', 'evil-c2.net'), e)
    expect(c.headers).toEqual({ Accept: 'application/rdap+json, application/json' })
    expect(c.redactedUrl).toBe(c.url)
    expect(rdap.needsKey).toBe(false)
  })

  it('refuses to guess a server when the bootstrap names none', () => {
    const s = subject('domain', 'evil.zz')
    let code = ''
    try {
      rdap.request(s, { key: null, baseUrl: rdap.baseUrl, rdapBase: () => null })
    } catch (e) {
      if (isProviderError(e)) code = `${e.code}: ${e.message}`
    }
    expect(code).toBe(`unavailable: ${rdapNoServerReason(s)}`)
    expect(rdapNoServerReason(s)).toMatch(/no server for '\.zz'/)
  })

  it('a domain registered ten days ago: suspicious, its age, dates, registrar as a pivot key', async () => {
    const a = await lookup(rdap, subject('domain', 'evil-c2.net'), env())
    expect(EnrichmentFindingSchema.parse(a.finding)).toEqual(a.finding)
    expect(a.finding.level).toBe('suspicious')
    expect(a.finding.tags).toEqual(['young-domain'])
    expect(factsOf(a)).toMatchObject({
      registrar: 'Example Registrar LLC',
      registrarIanaId: '1068',
      registrantOrg: 'Privacy Service Example',
      createdAt: '2026-11-23T10:15:00.000Z',
      expiresAt: '2027-11-23T10:15:00.000Z',
      domainAgeDays: 10,
      nameservers: 'ns1.evil-c2.net, ns2.evil-c2.net',
    })
    expect(a.finding.summary).toBe(
      'Registered 2026-11-23 (10 days ago) at Example Registrar LLC expires 2027-11-23',
    )
    expect(a.keys).toEqual([{ kind: 'registrar', value: 'Example Registrar LLC' }])
    expect(srv.requestsFor('rdap')[0]?.path).toBe('/rdap/domain/evil-c2.net')
    // What the score reads from it.
    expect(signalOf([{ provider: 'rdap', finding: a.finding }])?.domainAgeDays).toBe(10)
  })

  it('an old domain is info, with the registrant organisation of a structured vCard', async () => {
    const a = await lookup(rdap, subject('domain', 'registered-long-ago.org'), env())
    expect(a.finding.level).toBe('info')
    expect(factsOf(a)).toMatchObject({
      registrar: 'Example Names, Inc.',
      registrantOrg: 'Example Nonprofit Foundation',
      domainAgeDays: 6453,
    })
  })

  it('an IPv4 and an IPv6 network: range, name, holder, network pivot keys', async () => {
    const v4 = await lookup(rdap, subject('ip', '45.155.205.233'), env())
    expect(EnrichmentFindingSchema.parse(v4.finding)).toEqual(v4.finding)
    expect(factsOf(v4)).toMatchObject({
      network: '45.155.205.0/24',
      networkName: 'EXAMPLE-HOSTING-NET',
      registrantOrg: 'Example Hosting Ltd',
      country: 'RU',
    })
    expect(v4.finding.summary).toBe('EXAMPLE-HOSTING-NET 45.155.205.0/24 (Example Hosting Ltd, RU)')
    expect(v4.keys).toEqual([{ kind: 'network', value: '45.155.205.0/24' }])
    const range = await lookup(rdap, subject('ip', '91.92.240.5'), env())
    expect([factsOf(range).network, range.keys]).toEqual([
      '91.92.240.0 - 91.92.243.255',
      [{ kind: 'network', value: '91.92.240.0 - 91.92.243.255' }],
    ])
    const v6 = await lookup(rdap, subject('ipv6', '2a0e:97c0:3e3:1::5'), env())
    expect(v6.keys).toEqual([{ kind: 'network', value: '2a0e:97c0:3e3::/48' }])
  })

  it('404 is "not registered" for a domain', async () => {
    const s = subject('domain', 'never-registered.net')
    const r = await send(rdap, s, env())
    expect(r.status).toBe(404)
    expect(rdap.parse(r, s).finding).toMatchObject({
      level: 'info',
      summary: 'Not registered (the registry has no record)',
    })
  })

  it('rejects wrong shapes naming the field', () => {
    const s = subject('domain', 'evil-c2.net')
    const good = readFixture('rdap', 'domain-young.json') as Record<string, unknown>
    const p = (json: unknown) => badResponse(() => rdap.parse(reply(json), s))
    expect(p('<html>')).toBe('rdap: body should be an object, got a string')
    expect(p({ ...good, objectClassName: 'ip network' })).toBe(
      `rdap: objectClassName should be 'domain', got "ip network"`,
    )
    expect(p({ ...good, events: [{ eventAction: 'registration', eventDate: 'yesterday' }] })).toBe(
      'rdap: events[0].eventDate should be an RFC 3339 date, got "yesterday"',
    )
    expect(p({ ...good, entities: [{ roles: ['registrar'], vcardArray: 'x' }] })).toBe(
      'rdap: entities[0].vcardArray should be an array, got a string',
    )
    expect(p({ ...good, nameservers: [{ ldhName: 5 }] })).toMatch(
      /nameservers\[0\]\.ldhName should be a string/,
    )
    const net = readFixture('rdap', 'ip-network.json') as Record<string, unknown>
    const ip = subject('ip', '45.155.205.233')
    expect(badResponse(() => rdap.parse(reply({ ...net, startAddress: undefined }), ip))).toBe(
      'rdap: startAddress should be a string, got undefined',
    )
    expect(
      badResponse(() =>
        rdap.parse(
          reply({ ...net, cidr0_cidrs: [{ v4prefix: '45.155.205.0', length: '24' }] }),
          ip,
        ),
      ),
    ).toMatch(/cidr0_cidrs\[0\]\.length should be a number/)
  })

  it('defaults: off, amber ceiling, no key; private values are not sent', () => {
    expect(rdap.defaults).toMatchObject({ enabled: false, maxTlp: 'amber' })
    expect(rdap.notApplicable?.(subject('ip', '192.168.1.1'))).toMatch(/private/)
    expect(rdap.notApplicable?.(subject('domain', 'dc01.corp'))).toMatch(/'\.corp'/)
    expect(rdap.notApplicable?.(subject('domain', 'evil-c2.net'))).toBeNull()
  })
})
