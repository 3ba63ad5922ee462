import { describe, expect, it } from 'vitest'
import {
  extractUrlFeatures,
  shannonEntropy,
  URL_FEATURE_NAMES,
} from '#core/analysis/url/url-features'
import { publicSuffix, registeredDomain } from '#core/analysis/url/registered-domain'

const f = (url: string) => extractUrlFeatures(url).features

describe('URL features', () => {
  it('names every feature and gives each a finite number', () => {
    const features = f('https://example.org/a/b?c=d')
    expect(Object.keys(features).sort()).toEqual([...URL_FEATURE_NAMES].sort())
    for (const v of Object.values(features)) expect(Number.isFinite(v)).toBe(true)
  })

  it('measures lengths, path depth and query', () => {
    const url = 'https://docs.example.org/guide/install/linux?lang=en&v=2#top'
    const x = f(url)
    expect(x.urlLength).toBe(url.length)
    expect(x.hostLength).toBe('docs.example.org'.length)
    expect(x.pathLength).toBe('/guide/install/linux'.length)
    expect(x.pathDepth).toBe(3)
    expect(x.queryLength).toBe('lang=en&v=2'.length)
    expect(x.queryParams).toBe(2)
    expect(f('https://example.org/').pathLength).toBe(0)
    expect(f('https://example.org/').queryParams).toBe(0)
  })

  it('computes Shannon entropy of host and path', () => {
    expect(shannonEntropy('')).toBe(0)
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('abab')).toBe(1)
    expect(shannonEntropy('abcd')).toBe(2)
    // Dots are not counted: "ab.ab" is the letters "abab".
    expect(f('http://ab.ab/').hostEntropy).toBe(1)
    expect(f('http://x.org/abcd').pathEntropy).toBeCloseTo(shannonEntropy('/abcd'), 10)
    expect(f('http://x7q9zk2v.top/').hostEntropy).toBeGreaterThan(
      f('http://google.com/').hostEntropy,
    )
  })

  it('counts digits and hyphens in the host', () => {
    expect(f('http://a1b2.com/').hostDigitRatio).toBeCloseTo(2 / 7, 10)
    expect(f('http://example.com/').hostDigitRatio).toBe(0)
    expect(f('http://secure-pay-check.com/').hostHyphens).toBe(2)
  })

  it('counts sub-domains below the registered domain, ignoring www', () => {
    expect(f('https://example.com/').subdomainDepth).toBe(0)
    expect(f('https://www.example.com/').subdomainDepth).toBe(0)
    expect(f('https://a.b.c.example.com/').subdomainDepth).toBe(3)
    expect(f('https://shop.example.co.uk/').subdomainDepth).toBe(1)
    expect(f('https://wallet-sync.netlify.app/').subdomainDepth).toBe(0)
    expect(f('https://a.b.example.com/').longestHostLabel).toBe(7)
  })

  it('flags an IP host, with or without brackets', () => {
    expect(f('http://192.0.2.7/login').ipHost).toBe(1)
    expect(f('http://[2001:db8::1]/').ipHost).toBe(1)
    expect(f('http://example.com/').ipHost).toBe(0)
    // The WHATWG parser reads a decimal host as an IPv4 address, as browsers do.
    expect(extractUrlFeatures('http://3221225991/').facts.host).toBe('192.0.2.7')
  })

  it('flags punycode and labels that mix ASCII with other scripts', () => {
    const cyrillic = f('https://pаypal.com/') // the second letter is U+0430
    expect(cyrillic.punycode).toBe(1)
    expect(cyrillic.mixedScriptHost).toBe(1)
    expect(f('https://xn--pypal-4ve.com/').mixedScriptHost).toBe(1)
    // Wholly Cyrillic: IDN, but not mixed.
    const russian = f('https://пример.рф/')
    expect(russian.punycode).toBe(1)
    expect(russian.mixedScriptHost).toBe(0)
    expect(f('https://example.com/').punycode).toBe(0)
  })

  it('reads host features on the host as shown, not its Punycode', () => {
    const x = f('https://xn--uniswp-mta.com/')
    expect(x.hostLength).toBe('uniswаp.com'.length)
    expect(x.hostHyphens).toBe(0)
    expect(x.longestHostLabel).toBe(7)
  })

  it('flags suspicious TLDs and words', () => {
    expect(f('https://claim-airdrop.xyz/').suspiciousTld).toBe(1)
    expect(f('https://example.com/').suspiciousTld).toBe(0)
    expect(f('https://claim-airdrop.xyz/').suspiciousWordsInHost).toBe(2)
    expect(f('https://example.com/account/verify?step=login').suspiciousWordsInPath).toBe(3)
    expect(extractUrlFeatures('https://secure-login.example/').facts.suspiciousWords).toEqual([
      'login',
      'secure',
    ])
  })

  it('flags shorteners, ports, http and executable downloads', () => {
    expect(f('https://bit.ly/3xYz').shortener).toBe(1)
    expect(f('https://example.com/').shortener).toBe(0)
    expect(f('https://example.com:8443/').explicitPort).toBe(1)
    expect(f('https://example.com:443/').explicitPort).toBe(0)
    expect(f('http://example.com/').httpScheme).toBe(1)
    expect(f('https://example.com/').httpScheme).toBe(0)
    expect(f('https://example.com/files/invoice.exe').executableExtension).toBe(1)
    expect(f('https://example.com/files/invoice.pdf').executableExtension).toBe(0)
    expect(f('https://example.com/a%20b%2Fc').percentEncoded).toBe(2)
  })

  it('sees an @ in the authority and // in the path', () => {
    expect(f('http://paypal.com@evil.example/').atInAuthority).toBe(1)
    expect(f('http://user:pw@evil.example/').atInAuthority).toBe(1)
    expect(extractUrlFeatures('http://paypal.com@evil.example/').facts.host).toBe('evil.example')
    // An @ in the path is not in the authority.
    expect(f('https://medium.com/@someone/post').atInAuthority).toBe(0)
    expect(f('https://example.com/redirect//evil.example/').doubleSlashInPath).toBe(1)
    expect(f('https://example.com/a/b').doubleSlashInPath).toBe(0)
  })

  it('takes a bare host as a web URL', () => {
    const { facts, features } = extractUrlFeatures('paypa1.com')
    expect(facts.url).toBe('http://paypa1.com/')
    expect(features.httpScheme).toBe(1)
  })

  it('refuses what is not an http(s) URL, naming the field', () => {
    expect(() => extractUrlFeatures('ftp://example.com/')).toThrow(/url must be http or https/)
    expect(() => extractUrlFeatures('http://exa mple.com/')).toThrow(/url is not a valid URL/)
    expect(() => extractUrlFeatures('')).toThrow(/url/)
  })
})

describe('registered domain', () => {
  it('takes the last two labels, or three under a listed suffix', () => {
    expect(registeredDomain('a.b.example.com')).toBe('example.com')
    expect(registeredDomain('example.com')).toBe('example.com')
    expect(registeredDomain('shop.example.co.uk')).toBe('example.co.uk')
    expect(registeredDomain('myetherwallet.uk.com')).toBe('myetherwallet.uk.com')
    expect(registeredDomain('login.wallet-sync.netlify.app')).toBe('wallet-sync.netlify.app')
    expect(registeredDomain('x.evil.web.core.windows.net')).toBe('evil.web.core.windows.net')
    expect(publicSuffix('a.example.co.uk')).toBe('co.uk')
    expect(publicSuffix('example.com')).toBe('com')
  })
})
