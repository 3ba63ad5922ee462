import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EnrichmentFindingSchema } from '#shared/contract/enrichment.schemas'
import { isProviderError } from '#core/enrichment/provider-types'
import { otxProvider, otxSection } from '#core/enrichment/providers/otx.provider'
import { shodanProvider } from '#core/enrichment/providers/shodan.provider'
import {
  ENRICHMENT_FIXTURE_KEY,
  FIXTURE_SHA256,
  startEnrichmentFixtureServer,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import { factsOf, lookup, reply, send, subject } from './provider-test-support'

let srv: EnrichmentFixtureServer
beforeAll(async () => {
  srv = await startEnrichmentFixtureServer()
})
afterAll(() => srv.close())
beforeEach(() => srv.reset())

const otxEnv = () => ({ key: ENRICHMENT_FIXTURE_KEY, baseUrl: srv.baseUrl('otx') })
const shodanEnv = () => ({ key: ENRICHMENT_FIXTURE_KEY, baseUrl: srv.baseUrl('shodan') })

const badResponse = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (isProviderError(e) && e.code === 'bad-response') return e.message
    throw e
  }
  throw new Error('parse accepted it')
}

describe('otx', () => {
  it('builds the documented general-section URLs with X-OTX-API-KEY', () => {
    const env = { key: 'secret-key', baseUrl: 'https://otx.alienvault.com' }
    const urls = [
      subject('ip', '45.155.205.233'),
      subject('ipv6', '2a0e:97c0:3e3:1::5'),
      subject('domain', 'evil-c2.net'),
      subject('domain', 'cdn.evil-c2.net'),
      subject('url', 'http://evil-c2.net/gate.php'),
      subject('sha256', FIXTURE_SHA256),
    ].map((s) => otxProvider.request(s, env))
    expect(urls.map((c) => c.url)).toEqual([
      'https://otx.alienvault.com/api/v1/indicators/IPv4/45.155.205.233/general',
      'https://otx.alienvault.com/api/v1/indicators/IPv6/2a0e%3A97c0%3A3e3%3A1%3A%3A5/general',
      'https://otx.alienvault.com/api/v1/indicators/domain/evil-c2.net/general',
      'https://otx.alienvault.com/api/v1/indicators/hostname/cdn.evil-c2.net/general',
      'https://otx.alienvault.com/api/v1/indicators/url/http%3A%2F%2Fevil-c2.net%2Fgate.php/general',
      `https://otx.alienvault.com/api/v1/indicators/file/${FIXTURE_SHA256}/general`,
    ])
    for (const c of urls) {
      expect(c.headers?.['X-OTX-API-KEY']).toBe('secret-key')
      expect(c.redactedUrl).not.toContain('secret-key')
    }
    expect(otxSection(subject('md5', 'b42a298f2dd8f1bcc4c9115fd14d2f47'))).toBe('file')
  })

  it('maps pulses and malware families to the verdict', async () => {
    const ip = await lookup(otxProvider, subject('ip', '45.155.205.233'), otxEnv())
    expect(EnrichmentFindingSchema.parse(ip.finding)).toEqual(ip.finding)
    expect(ip.finding.level).toBe('malicious')
    expect(factsOf(ip)).toMatchObject({ pulseCount: 14, malwareFamilies: 'Cobalt Strike' })
    expect(ip.finding.summary).toBe('In 14 OTX pulses, Cobalt Strike')
    expect(ip.finding.tags).toEqual(['c2', 'cobalt strike', 'beacon'])
    expect(srv.requestsFor('otx')[0]?.headers['x-otx-api-key']).toBe(ENRICHMENT_FIXTURE_KEY)

    const domain = await lookup(otxProvider, subject('domain', 'evil-c2.net'), otxEnv())
    expect([
      domain.finding.level,
      factsOf(domain).pulseCount,
      factsOf(domain).malwareFamilies,
    ]).toEqual(['suspicious', 2, 'SmokeLoader'])
    const file = await lookup(otxProvider, subject('sha256', FIXTURE_SHA256), otxEnv())
    expect([file.finding.level, file.finding.summary]).toEqual(['info', 'In no OTX pulse'])
  })

  it('a validated (whitelisted) indicator is never a verdict, whatever pulses say', async () => {
    const a = await lookup(otxProvider, subject('domain', 'example-cdn.de'), otxEnv())
    expect(a.finding.level).toBe('info')
    expect(a.finding.tags[0]).toBe('whitelisted')
    expect(factsOf(a).validation).toBe('Whitelisted domain')
  })

  it('404 is "not known"; wrong shapes are rejected naming the field', () => {
    const s = subject('domain', 'evil-c2.net')
    expect(otxProvider.parse(reply({ detail: 'Not found.' }, 404), s).finding.summary).toBe(
      'Not known to OTX',
    )
    const p = (json: unknown) => badResponse(() => otxProvider.parse(reply(json), s))
    expect(p([])).toBe('otx: body should be an object, got an array')
    expect(p({ pulse_info: { count: '3', pulses: [] } })).toBe(
      'otx: pulse_info.count should be a number, got a string',
    )
    expect(p({ pulse_info: { count: 1, pulses: {} } })).toMatch(
      /pulse_info\.pulses should be an array/,
    )
    expect(p({ pulse_info: { count: 1, pulses: [{ malware_families: [7] }] } })).toMatch(
      /pulse_info\.pulses\[0\]\.malware_families\[0\] should be an object/,
    )
    expect(p({ pulse_info: { count: 0, pulses: [] }, validation: [{ name: 3 }] })).toMatch(
      /validation\[0\]\.name/,
    )
  })
})

describe('shodan', () => {
  it('puts the key in the query string and keeps it out of redactedUrl', () => {
    const c = shodanProvider.request(subject('ip', '45.155.205.233'), {
      key: 'secret-key',
      baseUrl: 'https://api.shodan.io',
    })
    expect(c.url).toBe('https://api.shodan.io/shodan/host/45.155.205.233?key=secret-key')
    expect(c.redactedUrl).toBe('https://api.shodan.io/shodan/host/45.155.205.233')
  })

  it('maps a host with known vulnerabilities to suspicious, with ports, org, os and host names', async () => {
    const a = await lookup(shodanProvider, subject('ip', '45.155.205.233'), shodanEnv())
    expect(EnrichmentFindingSchema.parse(a.finding)).toEqual(a.finding)
    expect(a.finding.level).toBe('suspicious')
    expect(factsOf(a)).toMatchObject({
      ports: '22, 80, 443, 8443',
      vulns: 'CVE-2023-38408, CVE-2024-6387',
      org: 'Example Hosting Ltd',
      os: 'Linux',
      hostnames: 'vps-233.example-hosting.ru',
    })
    expect(a.finding.summary).toBe(
      'ports 22, 80, 443, 8443, 2 known vulnerabilities (Example Hosting Ltd)',
    )
    expect(a.finding.tags).toEqual(['self-signed', 'vpn'])
    expect(srv.requestsFor('shodan')[0]?.path).toBe(
      `/shodan/shodan/host/45.155.205.233?key=${ENRICHMENT_FIXTURE_KEY}`,
    )
  })

  it('a host without vulnerabilities is info; an unseen one is "not seen"', async () => {
    const plain = await lookup(shodanProvider, subject('ip', '91.92.240.5'), shodanEnv())
    expect([plain.finding.level, factsOf(plain).org, factsOf(plain).vulns]).toEqual([
      'info',
      null,
      null,
    ])
    const s = subject('ip', '45.155.205.9')
    const r = await send(shodanProvider, s, shodanEnv())
    expect(r.status).toBe(404)
    expect(shodanProvider.parse(r, s).finding.summary).toBe('Not seen by Shodan')
  })

  it('rejects wrong shapes naming the field', () => {
    const s = subject('ip', '45.155.205.233')
    const p = (json: unknown, status = 200) =>
      badResponse(() => shodanProvider.parse(reply(json, status), s))
    expect(p({ ports: 'all' })).toBe('shodan: ports should be an array, got a string')
    expect(p({ ports: [22, '80'] })).toBe('shodan: ports[1] should be a number, got a string')
    expect(p({ ports: [], vulns: { 'CVE-1': {} } })).toMatch(/vulns should be an array/)
    expect(p({ error: 'Invalid IP' }, 404)).toMatch(/error should be 'No information available'/)
  })
})
