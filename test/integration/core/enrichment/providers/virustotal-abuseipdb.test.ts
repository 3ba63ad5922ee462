import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EnrichmentFindingSchema } from '#shared/contract/enrichment.schemas'
import { isProviderError, type LookupSubject } from '#core/enrichment/provider-types'
import { abuseipdbProvider } from '#core/enrichment/providers/abuseipdb.provider'
import { virustotalProvider, vtUrlId } from '#core/enrichment/providers/virustotal.provider'
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

const vtEnv = () => ({ key: ENRICHMENT_FIXTURE_KEY, baseUrl: srv.baseUrl('virustotal') })
const abuseEnv = () => ({ key: ENRICHMENT_FIXTURE_KEY, baseUrl: srv.baseUrl('abuseipdb') })

const badResponse = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (isProviderError(e) && e.code === 'bad-response') return e.message
    throw e
  }
  throw new Error('parse accepted it')
}

describe('virustotal', () => {
  it('builds the documented v3 URLs with the key in x-apikey, never in the URL', () => {
    const env = { key: 'secret-key', baseUrl: 'https://www.virustotal.com/api/v3/' }
    const urls = [
      subject('ip', '45.155.205.233'),
      subject('ipv6', '2a0e:97c0:3e3:1::5'),
      subject('domain', 'evil-c2.net'),
      subject('url', 'http://evil-c2.net/gate.php'),
      subject('sha256', FIXTURE_SHA256),
    ].map((s) => virustotalProvider.request(s, env))
    expect(urls.map((c) => c.url)).toEqual([
      'https://www.virustotal.com/api/v3/ip_addresses/45.155.205.233',
      'https://www.virustotal.com/api/v3/ip_addresses/2a0e%3A97c0%3A3e3%3A1%3A%3A5',
      'https://www.virustotal.com/api/v3/domains/evil-c2.net',
      'https://www.virustotal.com/api/v3/urls/aHR0cDovL2V2aWwtYzIubmV0L2dhdGUucGhw',
      `https://www.virustotal.com/api/v3/files/${FIXTURE_SHA256}`,
    ])
    for (const c of urls) {
      expect(c.headers?.['x-apikey']).toBe('secret-key')
      expect(c.redactedUrl).not.toContain('secret-key')
      expect(c.url).not.toContain('secret-key')
    }
  })

  it('identifies a URL by unpadded base64url, as the v3 docs say', () => {
    // 'http://a.b/?' is 12 bytes: base64 of it would end in '=' padding and use '/' or '+' for some bytes.
    expect(vtUrlId('http://evil-c2.net/gate.php')).toBe('aHR0cDovL2V2aWwtYzIubmV0L2dhdGUucGhw')
    expect(vtUrlId('http://x.io/?a=>>')).not.toMatch(/[=+/]/)
  })

  it('maps an IP address object: detections of the four counted categories, reputation, tags', async () => {
    const a = await lookup(virustotalProvider, subject('ip', '45.155.205.233'), vtEnv())
    expect(EnrichmentFindingSchema.parse(a.finding)).toEqual(a.finding)
    expect(a.finding.level).toBe('malicious')
    expect(factsOf(a)).toMatchObject({
      detections: '9/94',
      malicious: 9,
      suspicious: 1,
      harmless: 52,
      undetected: 32,
      reputation: -23,
      lastAnalysisAt: '2025-12-03T00:00:00.000Z',
    })
    expect(a.finding.tags).toEqual(['scanner'])
    expect(a.finding.summary).toBe('9/94 engines flag it (1 suspicious), reputation -23')
    expect(a.keys).toEqual([])
    const [req] = srv.requestsFor('virustotal')
    expect(req?.headers['x-apikey']).toBe(ENRICHMENT_FIXTURE_KEY)
  })

  it('levels: five engines are malicious, one is suspicious, none is only info', async () => {
    const low = await lookup(virustotalProvider, subject('ip', '91.92.240.5'), vtEnv())
    expect([low.finding.level, factsOf(low).detections]).toEqual(['suspicious', '1/94'])
    const url = await lookup(
      virustotalProvider,
      subject('url', 'http://evil-c2.net/gate.php'),
      vtEnv(),
    )
    expect([url.finding.level, factsOf(url).detections]).toEqual(['suspicious', '0/97'])
    const file = await lookup(virustotalProvider, subject('sha256', FIXTURE_SHA256), vtEnv())
    expect([file.finding.level, factsOf(file).detections]).toEqual(['malicious', '45/70'])
    const domain = await lookup(virustotalProvider, subject('domain', 'evil-c2.net'), vtEnv())
    expect([domain.finding.level, factsOf(domain).detections]).toEqual(['malicious', '12/93'])
    const clean = virustotalProvider.parse(
      reply({
        data: {
          attributes: {
            last_analysis_stats: { harmless: 70, malicious: 0, suspicious: 0, undetected: 20 },
          },
        },
      }),
      subject('domain', 'example-cdn.de'),
    )
    expect([clean.finding.level, factsOf(clean).reputation]).toEqual(['info', null])
  })

  it('reads a 404 NotFoundError as "not known", and refuses any other 404 body', async () => {
    const s = subject('domain', 'never-seen-before.net')
    const r = await send(virustotalProvider, s, vtEnv())
    expect(r.status).toBe(404)
    const a = virustotalProvider.parse(r, s)
    expect(a.finding).toMatchObject({
      level: 'info',
      summary: 'Not known to VirusTotal',
      facts: [],
    })
    expect(
      badResponse(() => virustotalProvider.parse(reply({ error: { code: 'X' } }, 404), s)),
    ).toMatch(/error\.code/)
  })

  it('rejects wrong shapes naming the field', () => {
    const s = subject('ip', '45.155.205.233')
    const p = (json: unknown) => badResponse(() => virustotalProvider.parse(reply(json), s))
    expect(p(null)).toBe('virustotal: body should be an object, got null')
    expect(p({ data: [] })).toBe('virustotal: data should be an object, got an array')
    expect(p({ data: { attributes: {} } })).toMatch(
      /data\.attributes\.last_analysis_stats should be an object/,
    )
    expect(
      p({
        data: {
          attributes: {
            last_analysis_stats: { malicious: '9', suspicious: 0, harmless: 0, undetected: 0 },
          },
        },
      }),
    ).toBe(
      'virustotal: data.attributes.last_analysis_stats.malicious should be a number, got a string',
    )
    const stats = { malicious: 1, suspicious: 0, harmless: 0, undetected: 0 }
    expect(p({ data: { attributes: { last_analysis_stats: stats, tags: [1] } } })).toMatch(
      /data\.attributes\.tags\[0\] should be a string/,
    )
    expect(p({ data: { attributes: { last_analysis_stats: stats, reputation: 'bad' } } })).toMatch(
      /data\.attributes\.reputation/,
    )
  })

  it('declares the public API tier and keeps private values at home', () => {
    expect(virustotalProvider.defaults).toEqual({
      enabled: false,
      maxTlp: 'green',
      rateLimit: { perMinute: 4, perDay: 500 },
      cacheTtlHours: 24,
    })
    const na = (s: LookupSubject) => virustotalProvider.notApplicable?.(s) ?? null
    expect(na(subject('ip', '10.1.2.3'))).toMatch(/private/)
    expect(na(subject('ipv6', 'fe80::1'))).toMatch(/link-local/)
    expect(na(subject('domain', 'printer.local'))).toMatch(/'\.local'/)
    expect(na(subject('domain', 'git.corp.internal'))).toMatch(/'\.internal'/)
    expect(na(subject('url', 'http://192.168.1.10/admin'))).toMatch(/private/)
    expect(na(subject('url', 'http://intranet.lan/x'))).toMatch(/'\.lan'/)
    expect(na(subject('ip', '45.155.205.233'))).toBeNull()
    expect(na(subject('sha256', FIXTURE_SHA256))).toBeNull()
    expect(virustotalProvider.lookupKey(subject('ip', '45.155.205.233'))).toBe('ip:45.155.205.233')
  })
})

describe('abuseipdb', () => {
  it('builds the v2 check URL with Key and Accept headers', () => {
    const c = abuseipdbProvider.request(subject('ipv6', '2a0e:97c0:3e3:1::5'), {
      key: 'secret-key',
      baseUrl: 'https://api.abuseipdb.com/api/v2',
    })
    expect(c.url).toBe(
      'https://api.abuseipdb.com/api/v2/check?ipAddress=2a0e%3A97c0%3A3e3%3A1%3A%3A5&maxAgeInDays=90',
    )
    expect(c.headers).toEqual({ Key: 'secret-key', Accept: 'application/json' })
    expect(c.redactedUrl).not.toContain('secret-key')
  })

  it('maps a reported address by its confidence score', async () => {
    const a = await lookup(abuseipdbProvider, subject('ip', '45.155.205.233'), abuseEnv())
    expect(EnrichmentFindingSchema.parse(a.finding)).toEqual(a.finding)
    expect(a.finding.level).toBe('malicious')
    expect(a.finding.summary).toBe('Confidence 100%, 1423 reports from 312 users in 90 days')
    expect(factsOf(a)).toMatchObject({
      abuseConfidenceScore: 100,
      totalReports: 1423,
      isp: 'Example Hosting Ltd',
      usageType: 'Data Center/Web Hosting/Transit',
      isTor: false,
      countryCode: 'RU',
    })
    const [req] = srv.requestsFor('abuseipdb')
    expect(req?.headers.key).toBe(ENRICHMENT_FIXTURE_KEY)
    expect(req?.headers.accept).toBe('application/json')
    expect(req?.path).toBe('/abuseipdb/api/v2/check?ipAddress=45.155.205.233&maxAgeInDays=90')
  })

  it('a Tor exit with a few reports is suspicious; a whitelisted clean address is safe; unknown is info', async () => {
    const tor = await lookup(abuseipdbProvider, subject('ip', '91.92.240.5'), abuseEnv())
    expect([tor.finding.level, tor.finding.tags, factsOf(tor).isTor]).toEqual([
      'suspicious',
      ['tor'],
      true,
    ])
    const clean = await lookup(abuseipdbProvider, subject('ipv6', '2a0e:97c0:3e3:1::5'), abuseEnv())
    expect([clean.finding.level, clean.finding.summary]).toEqual([
      'safe',
      'Confidence 0%, no reports in 90 days',
    ])
    const unknown = await lookup(abuseipdbProvider, subject('ip', '45.155.205.1'), abuseEnv())
    expect(unknown.finding.level).toBe('info')
  })

  it('rejects wrong shapes naming the field', () => {
    const s = subject('ip', '45.155.205.233')
    const p = (json: unknown) => badResponse(() => abuseipdbProvider.parse(reply(json), s))
    expect(p({ errors: [] })).toBe('abuseipdb: data should be an object, got undefined')
    expect(p({ data: { abuseConfidenceScore: null, totalReports: 1 } })).toMatch(
      /data\.abuseConfidenceScore should be a number, got null/,
    )
    expect(p({ data: { abuseConfidenceScore: 140, totalReports: 1 } })).toMatch(
      /data\.abuseConfidenceScore should be within 0–100/,
    )
    expect(p({ data: { abuseConfidenceScore: 5, totalReports: 1, isTor: 'no' } })).toMatch(
      /data\.isTor should be a boolean/,
    )
  })
})

describe('the fixture server', () => {
  it('refuses a wrong key in each provider documented way and logs every request', async () => {
    const r = await send(virustotalProvider, subject('ip', '45.155.205.233'), {
      key: 'wrong',
      baseUrl: srv.baseUrl('virustotal'),
    })
    expect(r.status).toBe(401)
    expect(r.json).toEqual({ error: { code: 'WrongCredentialsError', message: 'Wrong API key' } })
    const a = await send(abuseipdbProvider, subject('ip', '45.155.205.233'), {
      key: null,
      baseUrl: srv.baseUrl('abuseipdb'),
    })
    expect(a.status).toBe(401)
    expect(srv.requests.map((x) => [x.provider, x.value])).toEqual([
      ['virustotal', '45.155.205.233'],
      ['abuseipdb', '45.155.205.233'],
    ])
  })

  it('switches modes per value, per provider and globally', async () => {
    const s = subject('ip', '45.155.205.233')
    srv.setMode('rate-limited', { provider: 'virustotal', retryAfter: '7' })
    srv.setMode('server-error', { value: '91.92.240.5' })
    const limited = await send(virustotalProvider, s, vtEnv())
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '7'])
    expect(limited.json).toEqual({
      error: { code: 'QuotaExceededError', message: 'Quota exceeded' },
    })
    expect((await send(abuseipdbProvider, s, abuseEnv())).status).toBe(200)
    const failed = await fetch(
      abuseipdbProvider.request(subject('ip', '91.92.240.5'), abuseEnv()).url,
    )
    expect(failed.status).toBe(500)
    srv.setMode('not-found')
    expect((await send(abuseipdbProvider, s, abuseEnv())).status).toBe(404)
    srv.setMode('garbage', { provider: 'abuseipdb' })
    const garbage = await fetch(abuseipdbProvider.request(s, abuseEnv()).url, {
      headers: { Key: ENRICHMENT_FIXTURE_KEY },
    })
    expect([garbage.status, garbage.headers.get('content-type')]).toEqual([200, 'text/html'])
    await expect(garbage.json()).rejects.toThrow()
  })

  it('answers slowly and hugely on request', async () => {
    const s = subject('ip', '45.155.205.233')
    srv.setMode('slow', { value: '45.155.205.233', delayMs: 300 })
    const t0 = performance.now()
    expect((await send(virustotalProvider, s, vtEnv())).status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290)
    // A value's mode beats a provider's: clear the slow one first.
    srv.reset()
    srv.setMode('huge', { provider: 'virustotal', hugeBytes: 3 * 1024 * 1024 })
    const huge = await fetch(virustotalProvider.request(s, vtEnv()).url)
    expect(huge.headers.get('content-length')).toBe(String(3 * 1024 * 1024))
    const body = await huge.text()
    expect(body.length).toBe(3 * 1024 * 1024)
    expect(JSON.parse(body)).toHaveProperty('data.pad')
  })

  it('custom answers by value reach parse, for wrong-shape tests over the wire', async () => {
    srv.answerWith('virustotal', 'evil-c2.net', 200, {
      data: { attributes: { last_analysis_stats: [] } },
    })
    const s = subject('domain', 'evil-c2.net')
    const r = await send(virustotalProvider, s, vtEnv())
    expect(badResponse(() => virustotalProvider.parse(r, s))).toMatch(
      /data\.attributes\.last_analysis_stats should be an object, got an array/,
    )
  })
})
