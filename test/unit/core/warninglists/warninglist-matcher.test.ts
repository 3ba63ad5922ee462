import { describe, expect, it } from 'vitest'
import type { IocType } from '#shared/domain'
import { createWarninglistMatcher } from '#core/warninglists/warninglist-matcher'
import { canon, makeList } from './warninglist-support'

const names = (m: ReturnType<typeof createWarninglistMatcher>, type: IocType, raw: string) =>
  m.match(type, canon(type, raw)).map((h) => `${h.list.name}=${h.entry}`)

describe('cidr lists', () => {
  const v4 = makeList('cidr', ['10.0.0.0/8', '192.168.1.0/24', '8.8.8.8', '0.0.0.0/0'], {
    name: 'v4',
    matching_attributes: ['ip-src', 'ip-dst', 'url'],
  })
  const v6 = makeList('cidr', ['2001:db8::/32', 'fe80::/10', '2606:4700:4700::1111'], {
    name: 'v6',
    matching_attributes: ['ip-dst', 'url'],
  })
  const m = createWarninglistMatcher([v4, v6])

  it('finds an IPv4 address inside a listed network, naming the network', () => {
    expect(names(m, 'ip', '10.200.3.4')).toEqual(['v4=0.0.0.0/0'])
    const narrow = createWarninglistMatcher([
      makeList('cidr', ['10.0.0.0/8', '192.168.1.0/24', '8.8.8.8'], { name: 'v4' }),
    ])
    expect(names(narrow, 'ip', '10.200.3.4')).toEqual(['v4=10.0.0.0/8'])
    expect(names(narrow, 'ip', '192.168.1.255')).toEqual(['v4=192.168.1.0/24'])
    expect(names(narrow, 'ip', '192.168.2.1')).toEqual([])
    expect(names(narrow, 'ip', '8.8.8.8')).toEqual(['v4=8.8.8.8/32'])
    expect(names(narrow, 'ip', '8.8.8.9')).toEqual([])
    expect(names(narrow, 'ip', '11.0.0.0')).toEqual([])
    expect(names(narrow, 'ip', '9.255.255.255')).toEqual([])
  })

  it('matches IPv6 whatever the input spelling (compression, case, leading zeros)', () => {
    for (const raw of [
      '2001:db8::1',
      '2001:0DB8:0000:0000:0000:0000:0000:0001',
      '[2001:db8:0::1]',
    ]) {
      expect(names(m, 'ipv6', raw)).toEqual(['v6=2001:db8::/32'])
    }
    expect(names(m, 'ipv6', '2606:4700:4700:0:0:0:0:1111')).toEqual(['v6=2606:4700:4700::1111/128'])
    expect(names(m, 'ipv6', '2606:4700:4700::1112')).toEqual([])
    expect(names(m, 'ipv6', 'FE80::1')).toEqual(['v6=fe80::/10'])
    expect(names(m, 'ipv6', 'fec0::1')).toEqual([])
    expect(names(m, 'ipv6', '2001:db9::1')).toEqual([])
  })

  it('checks an IPv4-mapped IPv6 address against the IPv4 lists', () => {
    const narrow = createWarninglistMatcher([makeList('cidr', ['192.168.0.0/16'])])
    expect(names(narrow, 'ipv6', '::ffff:192.168.7.7')).toEqual(['test cidr=192.168.0.0/16'])
    expect(names(narrow, 'ipv6', '::ffff:c0a8:0707')).toEqual(['test cidr=192.168.0.0/16'])
    expect(names(narrow, 'ipv6', '::ffff:193.168.7.7')).toEqual([])
  })

  it('finds a CIDR inside a listed network, not one that is wider', () => {
    const narrow = createWarninglistMatcher([makeList('cidr', ['10.0.0.0/8', '2001:db8::/32'])])
    expect(names(narrow, 'cidr', '10.1.0.0/16')).toEqual(['test cidr=10.0.0.0/8'])
    expect(names(narrow, 'cidr', '10.0.0.0/8')).toEqual(['test cidr=10.0.0.0/8'])
    expect(names(narrow, 'cidr', '10.9.9.9/32')).toEqual(['test cidr=10.0.0.0/8'])
    expect(names(narrow, 'cidr', '10.0.0.0/7')).toEqual([])
    expect(names(narrow, 'cidr', '0.0.0.0/0')).toEqual([])
    expect(names(narrow, 'cidr', '2001:db8:1::/48')).toEqual(['test cidr=2001:db8::/32'])
    expect(names(narrow, 'cidr', '2001:d00::/24')).toEqual([])
  })

  it('checks the host of a URL when it is an address', () => {
    expect(names(m, 'url', 'http://10.1.1.1:8080/a')).toEqual(['v4=0.0.0.0/0'])
    expect(names(m, 'url', 'https://user:pw@[2001:db8::5]:8443/x?q=1')).toEqual([
      'v6=2001:db8::/32',
    ])
    expect(names(m, 'url', 'http://example.com/10.0.0.1')).toEqual([])
  })

  it('applies a list only to the types its matching_attributes name', () => {
    const onlyIp = createWarninglistMatcher([
      makeList('cidr', ['10.0.0.0/8'], { matching_attributes: ['ip-dst'] }),
    ])
    expect(names(onlyIp, 'ip', '10.0.0.1')).toHaveLength(1)
    expect(names(onlyIp, 'url', 'http://10.0.0.1/')).toEqual([])
  })
})

describe('hostname lists', () => {
  const m = createWarninglistMatcher([
    makeList('hostname', ['example.com', 'test', 'bücher.de', 'dns.google']),
  ])

  it('hits the host and its sub-domains, never a look-alike suffix', () => {
    expect(names(m, 'domain', 'example.com')).toEqual(['test hostname=example.com'])
    expect(names(m, 'domain', 'a.b.EXAMPLE.com')).toEqual(['test hostname=example.com'])
    expect(names(m, 'domain', 'notexample.com')).toEqual([])
    expect(names(m, 'domain', 'example.com.evil.net')).toEqual([])
    expect(names(m, 'domain', 'example.co')).toEqual([])
    expect(names(m, 'domain', 'foo.test')).toEqual(['test hostname=test'])
    expect(names(m, 'domain', 'footest.com')).toEqual([])
    expect(names(m, 'domain', 'google.com')).toEqual([])
    expect(names(m, 'domain', 'x.dns.google')).toEqual(['test hostname=dns.google'])
  })

  it('compares IDNs in their Punycode form', () => {
    expect(names(m, 'domain', 'shop.BÜCHER.de')).toEqual(['test hostname=xn--bcher-kva.de'])
    expect(names(m, 'domain', 'www.xn--bcher-kva.de')).toEqual(['test hostname=xn--bcher-kva.de'])
  })

  it('checks the host of a URL and the domain of an e-mail address', () => {
    expect(names(m, 'url', 'hxxps://login.example[.]com:8443/path?x=notexample.com')).toEqual([
      'test hostname=example.com',
    ])
    expect(names(m, 'url', 'http://user@evil.net/example.com')).toEqual([])
    expect(names(m, 'url', 'http://example.com@evil.net/')).toEqual([])
    expect(names(m, 'email', 'Someone@Mail.Example.com')).toEqual(['test hostname=example.com'])
    expect(names(m, 'email', 'example.com@evil.net')).toEqual([])
  })
})

describe('string, substring and regex lists', () => {
  const strings = makeList('string', ['D41D8CD98F00B204E9800998ECF8427E', 'Global\\MyMutex'], {
    name: 's',
  })
  const subs = makeList('substring', ['amazonaws.com', 'googleusercontent', 'ushers'], {
    name: 'sub',
  })
  const re = makeList('regex', ['/^https?:\\/\\/[a-z0-9-]+\\.cloudfront\\.net\\//'], { name: 'r' })
  const m = createWarninglistMatcher([strings, subs, re])

  it('matches exact strings case-insensitively and only whole values', () => {
    expect(names(m, 'md5', 'd41d8cd98f00b204e9800998ecf8427e')).toEqual([
      's=d41d8cd98f00b204e9800998ecf8427e',
    ])
    expect(names(m, 'mutex', 'global\\mymutex')).toEqual(['s=global\\mymutex'])
    expect(names(m, 'mutex', 'Global\\MyMutex2')).toEqual([])
  })

  it('finds every substring list in one pass, overlapping entries included', () => {
    expect(names(m, 'domain', 'bucket.s3.AMAZONAWS.com')).toEqual(['sub=amazonaws.com'])
    expect(names(m, 'url', 'https://lh3.googleusercontent.com/a')).toEqual([
      'sub=googleusercontent',
    ])
    // 'ushers' overlaps 'ushe' prefixes of other entries: the failure links must still find it.
    expect(names(m, 'custom', 'pushers')).toEqual(['sub=ushers'])
    expect(names(m, 'domain', 'amazonaws.co')).toEqual([])
  })

  it('runs regexes on the canonical value', () => {
    expect(names(m, 'url', 'https://d111111abcdef8.cloudfront.net/x.js')).toEqual([
      'r=/^https?:\\/\\/[a-z0-9-]+\\.cloudfront\\.net\\//',
    ])
    expect(names(m, 'url', 'https://evil.com/d1.cloudfront.net/')).toEqual([])
  })

  it('does not test regexes on values past the input cap (a miss, never a false hit)', () => {
    const long = `https://a.cloudfront.net/${'x'.repeat(600)}`
    expect(names(m, 'url', long)).toEqual([])
  })

  it('reports one hit per list, in list order, and nothing for a type no list applies to', () => {
    const both = createWarninglistMatcher([
      makeList('hostname', ['example.com', 'a.example.com'], { name: 'h' }),
      makeList('substring', ['example'], { name: 'x' }),
    ])
    expect(names(both, 'domain', 'b.a.example.com')).toEqual(['h=a.example.com', 'x=example'])
    const hashesOnly = createWarninglistMatcher([
      makeList('substring', ['abc'], { matching_attributes: ['md5'] }),
    ])
    expect(names(hashesOnly, 'domain', 'abc.com')).toEqual([])
    expect(hashesOnly.match('md5', 'abc'.padEnd(32, '0'))).toHaveLength(1)
  })
})
