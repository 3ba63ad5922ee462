import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract/errors'
import {
  IANA_RDAP_BOOTSTRAP,
  loadRdapBootstrap,
  openRdapBootstrap,
  parseRdapBootstrap,
  refreshRdapBootstrap,
  refreshedRdapBootstrapDir,
  shippedRdapBootstrapDir,
} from '#core/enrichment/providers/rdap-bootstrap'
import {
  FIXTURE_DIR,
  startEnrichmentFixtureServer,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import { subject } from './provider-test-support'

const FIXTURE_BOOTSTRAP = join(FIXTURE_DIR, 'rdap-bootstrap')

const rejection = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
  } catch (e) {
    if (isAppError(e)) return `${e.code}: ${e.message}`
    throw e
  }
  throw new Error('it was accepted')
}

describe('longest match', () => {
  it('TLDs: the longest suffix of labels wins, case and a final dot ignored, https preferred', async () => {
    const b = loadRdapBootstrap({ dataDir: null, shippedDir: FIXTURE_BOOTSTRAP })
    expect(b.baseForDomain('shop.example.co.uk')).toBe('https://rdap.co-uk.test/rdap/')
    expect(b.baseForDomain('example.uk')).toBe('https://rdap.uk-wide.test/')
    expect(b.baseForDomain('EVIL-C2.NET.')).toBe('https://rdap.verisign-like.test/v1/')
    expect(b.baseForDomain('xn--80ak6aa92e.xn--p1ai')).toBe('https://rdap.idn.test/')
    expect(b.baseForDomain('evil.zz')).toBeNull()
    expect(b.entries).toEqual({ dns: 6, ipv4: 5, ipv6: 3, asn: 4 })
    expect(b.publication.dns).toBe('2026-11-30T20:00:00Z')
  })

  it('IPv4: the most specific prefix holding the address', async () => {
    const b = loadRdapBootstrap({ dataDir: null, shippedDir: FIXTURE_BOOTSTRAP })
    expect(b.baseForAddress('45.155.205.233')).toBe('https://rdap.slash24.test/')
    expect(b.baseForAddress('45.155.206.1')).toBe('https://rdap.slash16.test/')
    expect(b.baseForAddress('45.1.2.3')).toBe('https://rdap.slash8.test/')
    expect(b.baseForAddress('91.92.243.255')).toBe('https://rdap.slash24.test/')
    expect(b.baseForAddress('91.92.244.0')).toBe('https://rdap.default.test/')
    expect(b.baseFor(subject('cidr', '45.155.205.0/24'))).toBe('https://rdap.slash24.test/')
    expect(b.baseFor(subject('url', 'http://45.155.205.233:8080/x'))).toBe(
      'https://rdap.slash24.test/',
    )
    expect(b.baseFor(subject('url', 'https://www.example.co.uk/login'))).toBe(
      'https://rdap.co-uk.test/rdap/',
    )
    expect(b.baseFor(subject('sha256', 'a'.repeat(64)))).toBeNull()
  })

  it('IPv6: the most specific prefix, compressed forms alike', async () => {
    const b = loadRdapBootstrap({ dataDir: null, shippedDir: FIXTURE_BOOTSTRAP })
    expect(b.baseForAddress('2a0e:97c0:3e3:1::5')).toBe('https://rdap.v6-narrow.test/')
    expect(b.baseForAddress('2a0e:97c8::1')).toBe('https://rdap.v6-wide.test/')
    expect(b.baseForAddress('2a0f:0:0:0:0:0:0:1')).toBe('https://rdap.v6-wide.test/')
    expect(b.baseForAddress('2001:db8::1')).toBe('https://rdap.v6-doc.test/')
    expect(b.baseForAddress('2600::1')).toBeNull()
    expect(b.baseForAddress('not-an-address')).toBeNull()
  })

  it('ASNs: the narrowest range holding the number', async () => {
    const b = loadRdapBootstrap({ dataDir: null, shippedDir: FIXTURE_BOOTSTRAP })
    expect(b.baseForAsn(49505)).toBe('https://rdap.asn-one.test/')
    expect(b.baseForAsn(49506)).toBe('https://rdap.asn-narrow.test/')
    expect(b.baseForAsn(13335)).toBe('https://rdap.asn-wide.test/')
    expect(b.baseForAsn(4200000001)).toBe('https://rdap.asn-32bit.test/')
    expect(b.baseForAsn(70000)).toBeNull()
  })

  it('the shipped files load and answer for the registries they cover', async () => {
    const b = loadRdapBootstrap({ dataDir: null })
    expect(b.origin.dns).toBe(join(shippedRdapBootstrapDir(), 'dns.json'))
    expect(b.baseForDomain('evil-c2.net')).toBe('https://rdap.verisign.com/net/v1/')
    expect(b.baseForDomain('example.org')).toBe('https://rdap.publicinterestregistry.org/rdap/')
    expect(b.baseForAddress('45.155.205.233')).toBe('https://rdap.arin.net/registry/')
    expect(b.baseForAddress('91.92.240.5')).toBe('https://rdap.db.ripe.net/')
    expect(b.baseForAddress('2a0e:97c0:3e3:1::5')).toBe('https://rdap.db.ripe.net/')
    expect(b.baseForAsn(49505)).toBe('https://rdap.db.ripe.net/')
    expect(b.entries).toEqual({ dns: 1175, ipv4: 221, ipv6: 34, asn: 153 })
    // What they are is said in the files, not dressed up as IANA's own download.
    expect(b.publication).toEqual({ dns: null, ipv4: null, ipv6: null, asn: null })
  })
})

describe('parse', () => {
  const file = (services: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ version: '1.0', publication: '2026-12-01T00:00:00Z', services, ...extra })
  const error = (f: () => unknown): string => {
    try {
      f()
    } catch (e) {
      if (isAppError(e)) return e.message
      throw e
    }
    throw new Error('accepted')
  }
  it('names the file and the entry that is wrong', () => {
    expect(error(() => parseRdapBootstrap('dns', '<html>', 'x'))).toMatch(
      /^RDAP bootstrap x \(dns\.json\): not JSON/,
    )
    expect(error(() => parseRdapBootstrap('dns', file([]).replace('"1.0"', '"2.0"'), 'x'))).toMatch(
      /version should be "1\.0", got "2\.0"/,
    )
    expect(error(() => parseRdapBootstrap('dns', file({}), 'x'))).toMatch(
      /services should be an array/,
    )
    expect(error(() => parseRdapBootstrap('dns', file([[['net'], []]]), 'x'))).toMatch(
      /services\[0\]: \[1\] should be a non-empty array of URLs/,
    )
    expect(
      error(() =>
        parseRdapBootstrap(
          'ipv4',
          file([[['45.0.0.0/8', '300.0.0.0/8'], ['https://a.test/']]]),
          'x',
        ),
      ),
    ).toMatch(/services\[0\]\[0\]\[1\]: '300\.0\.0\.0\/8' is not a valid ipv4 entry/)
    expect(
      error(() => parseRdapBootstrap('ipv6', file([[['2a00::/129'], ['https://a.test/']]]), 'x')),
    ).toMatch(/'2a00::\/129' is not a valid ipv6 entry/)
    expect(
      error(() => parseRdapBootstrap('asn', file([[['20-10'], ['https://a.test/']]]), 'x')),
    ).toMatch(/'20-10' is not a valid asn entry/)
    expect(
      error(() => parseRdapBootstrap('dns', file([[['net'], ['ftp://a.test/']]]), 'x')),
    ).toMatch(/no http\(s\) URL/)
    expect(
      error(() => parseRdapBootstrap('dns', `{"pad":"${'x'.repeat(1024 * 1024)}"}`, 'x')),
    ).toMatch(/larger than 1048576 bytes/)
  })
})

describe('refresh', () => {
  let srv: EnrichmentFixtureServer
  let dataDir: string
  beforeAll(async () => {
    srv = await startEnrichmentFixtureServer()
  })
  afterAll(() => srv.close())
  beforeEach(async () => {
    srv.reset()
    dataDir = await mkdtemp(join(tmpdir(), 'threateye-rdap-'))
  })
  afterEach(() => rm(dataDir, { recursive: true, force: true }))

  /** The engine's fetch, pointed at the fake IANA on 127.0.0.1 (as createCore's fetch would be in tests). */
  const fetchText = async (url: string): Promise<string> => {
    const local = url.replace(IANA_RDAP_BOOTSTRAP, `${srv.baseUrl('iana')}/rdap/`)
    const res = await fetch(local)
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
    return res.text()
  }

  it('downloads the four files, writes them, and a load then prefers them', async () => {
    const out = await refreshRdapBootstrap(fetchText, dataDir, {
      now: () => Date.parse('2026-12-03T12:00:00Z'),
    })
    expect(out.updatedAt).toBe('2026-12-03T12:00:00.000Z')
    expect(out.entries).toEqual({ dns: 1175, ipv4: 221, ipv6: 34, asn: 153 })
    expect(out.source).toBe('https://data.iana.org/rdap/')
    expect(srv.requestsFor('iana').map((r) => r.path)).toEqual([
      '/iana/rdap/dns.json',
      '/iana/rdap/ipv4.json',
      '/iana/rdap/ipv6.json',
      '/iana/rdap/asn.json',
    ])
    const dir = refreshedRdapBootstrapDir(dataDir)
    expect((await readdir(dir)).sort()).toEqual(['asn.json', 'dns.json', 'ipv4.json', 'ipv6.json'])
    const loaded = loadRdapBootstrap({ dataDir })
    expect(loaded.origin.ipv4).toBe(join(dir, 'ipv4.json'))
    expect(loaded.baseForAddress('45.155.205.233')).toBe('https://rdap.arin.net/registry/')
    expect(out.bootstrap.baseForDomain('evil-c2.net')).toBe('https://rdap.verisign.com/net/v1/')
  })

  it('a bad file anywhere writes nothing: garbage, a wrong shape, too few entries, an HTTP error', async () => {
    srv.setMode('garbage', { provider: 'iana', value: 'asn' })
    expect(await rejection(refreshRdapBootstrap(fetchText, dataDir))).toMatch(
      /^upstream_failed: RDAP bootstrap https:\/\/data\.iana\.org\/rdap\/asn\.json \(asn\.json\): not JSON/,
    )
    srv.reset()
    srv.answerWith('iana', 'ipv6', 200, {
      version: '1.0',
      services: [[['2a00::/12'], 'https://x.test/']],
    })
    expect(await rejection(refreshRdapBootstrap(fetchText, dataDir))).toMatch(
      /ipv6\.json\) services\[0\]: \[1\] should be a non-empty array of URLs/,
    )
    srv.reset()
    srv.answerWith('iana', 'dns', 200, srv.rdapBootstrap.dns)
    expect(await rejection(refreshRdapBootstrap(fetchText, dataDir))).toMatch(
      /dns\.json: only 3 entries \(at least 300 expected\)/,
    )
    srv.reset()
    srv.setMode('server-error', { provider: 'iana', value: 'ipv4' })
    await expect(refreshRdapBootstrap(fetchText, dataDir)).rejects.toThrow(/ipv4\.json: HTTP 500/)
    await expect(readdir(refreshedRdapBootstrapDir(dataDir))).rejects.toThrow(/ENOENT/)
  })

  it('the handle the engine holds: lazy load, refresh through its JSON GET, new files answer at once', async () => {
    const handle = openRdapBootstrap({ dataDir, now: () => Date.parse('2026-12-03T12:00:00Z') })
    expect(handle.rdapBase(subject('domain', 'evil-c2.net'))).toBe(
      'https://rdap.verisign.com/net/v1/',
    )
    expect(handle.current().origin.dns).toBe(join(shippedRdapBootstrapDir(), 'dns.json'))
    const asked: { url: string; maxBytes: number | undefined }[] = []
    // The engine's getJson: a GET that parses JSON (its caps and policy are the engine's own tests).
    const getJson = async (url: string, _signal?: AbortSignal, maxBytes?: number) => {
      asked.push({ url, maxBytes })
      const res = await fetch(url)
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
      return (await res.json()) as unknown
    }
    const out = await handle.refresh(getJson, `${srv.baseUrl('iana')}/rdap/`)
    expect(out).toEqual({
      updatedAt: '2026-12-03T12:00:00.000Z',
      entries: { dns: 1175, ipv4: 221, ipv6: 34, asn: 153 },
      source: `${srv.baseUrl('iana')}/rdap/`,
    })
    expect(asked.map((a) => a.url.replace(srv.origin, ''))).toEqual([
      '/iana/rdap/dns.json',
      '/iana/rdap/ipv4.json',
      '/iana/rdap/ipv6.json',
      '/iana/rdap/asn.json',
    ])
    expect(asked.every((a) => a.maxBytes === 1024 * 1024)).toBe(true)
    expect(handle.current().origin.dns).toBe(join(refreshedRdapBootstrapDir(dataDir), 'dns.json'))
  })

  it('a refreshed file that no longer parses is passed over for the shipped one', async () => {
    const dir = refreshedRdapBootstrapDir(dataDir)
    await mkdir(dir, { recursive: true })
    await writeFile(
      join(dir, 'dns.json'),
      '{"version":"1.0","services":[[["net"],["https://rdap.refreshed.test/"]]]}',
    )
    await writeFile(join(dir, 'ipv4.json'), 'truncated{')
    const b = loadRdapBootstrap({ dataDir })
    expect(b.baseForDomain('evil-c2.net')).toBe('https://rdap.refreshed.test/')
    expect(b.origin.ipv4).toBe(join(shippedRdapBootstrapDir(), 'ipv4.json'))
    expect(await readFile(join(dir, 'ipv4.json'), 'utf8')).toBe('truncated{')
  })
})
