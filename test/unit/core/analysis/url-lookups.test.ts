import { describe, expect, it } from 'vitest'
import { databaseSeverity, lookupKeys, type UrlMatch } from '#core/analysis/url-lookups'
import { extractUrlFeatures } from '#core/analysis/url/url-features'

const keysOf = (url: string) => lookupKeys(url, extractUrlFeatures(url).facts)

const match = (m: Partial<UrlMatch>): UrlMatch => ({
  indicatorId: '00000000-0000-5000-8000-000000000001',
  type: 'domain',
  value: 'x.example',
  on: 'host',
  classification: 'malicious',
  severity: 'medium',
  score: 50,
  knownBad: true,
  ...m,
})

describe('lookupKeys', () => {
  it('looks a URL up as itself, its host and its registered domain', () => {
    expect(keysOf('https://login.secure.bank-verify.co.uk/x')).toEqual([
      { type: 'url', value: 'https://login.secure.bank-verify.co.uk/x', on: 'url' },
      { type: 'domain', value: 'login.secure.bank-verify.co.uk', on: 'host' },
      { type: 'domain', value: 'bank-verify.co.uk', on: 'domain' },
    ])
  })

  it('a host that is its registered domain is looked up once', () => {
    expect(keysOf('http://evil.tk/').map((k) => k.on)).toEqual(['url', 'host'])
  })

  it('an address host is looked up as an ip', () => {
    expect(keysOf('http://198.51.100.7:8080/gate.php')).toEqual([
      { type: 'url', value: 'http://198.51.100.7:8080/gate.php', on: 'url' },
      { type: 'ip', value: '198.51.100.7', on: 'ip' },
    ])
  })
})

describe('databaseSeverity', () => {
  it('is null without a known-bad match', () => {
    expect(databaseSeverity([])).toBeNull()
    expect(databaseSeverity([match({ knownBad: false, severity: 'critical' })])).toBeNull()
  })

  it('takes the worst known-bad match: its named severity on 0-100 or its score, the higher', () => {
    const a = match({ indicatorId: '00000000-0000-5000-8000-00000000000a', severity: 'high' })
    const b = match({
      indicatorId: '00000000-0000-5000-8000-00000000000b',
      severity: 'low',
      score: 97,
    })
    expect(databaseSeverity([a])).toEqual({ severity: 80, reference: a.indicatorId })
    expect(databaseSeverity([a, b])).toEqual({ severity: 97, reference: b.indicatorId })
  })
})
