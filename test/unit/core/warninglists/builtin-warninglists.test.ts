import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { IocType } from '#shared/domain'
import { specialRangeOf } from '#core/feeds/http/address-ranges'
import { loadBuiltinWarninglists } from '#core/warninglists/warninglist-loader'
import { createWarninglistMatcher } from '#core/warninglists/warninglist-matcher'
import { canon } from './warninglist-support'

const loaded = await loadBuiltinWarninglists()
const matcher = createWarninglistMatcher(loaded.lists)
const hitNames = (type: IocType, raw: string): string[] =>
  matcher.match(type, canon(type, raw)).map((h) => h.list.name)

describe('the built-in warninglists', () => {
  it('all load without an error or a dropped entry, and each says where its data came from', () => {
    expect(loaded.errors).toEqual([])
    expect(loaded.issues).toEqual([])
    expect(loaded.lists.length).toBeGreaterThanOrEqual(10)
    for (const l of loaded.lists) {
      expect(l.description, l.file).toContain('Source:')
      expect(l.entries.length, l.file).toBeGreaterThan(0)
    }
  })

  it('hold the real digests of the empty input', () => {
    const list = loaded.lists.find((l) => l.file === 'empty-hashes.json')
    const digests = ['md5', 'sha1', 'sha224', 'sha256', 'sha512'].map((a) =>
      createHash(a).update('').digest('hex'),
    )
    expect(list?.entries).toEqual(digests)
    expect(hitNames('sha256', digests[3] ?? '')).toEqual(['List of hashes of the empty input'])
    expect(hitNames('md5', (digests[0] ?? '').toUpperCase())).toEqual([
      'List of hashes of the empty input',
    ])
  })

  it('agree with the fetch guard about which addresses are special', () => {
    const samples = [
      '10.1.2.3',
      '172.31.255.255',
      '172.32.0.1',
      '192.168.0.1',
      '100.64.0.1',
      '100.128.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '0.1.2.3',
      '192.0.2.10',
      '198.51.100.1',
      '203.0.113.77',
      '198.18.5.5',
      '224.0.0.251',
      '240.0.0.1',
      '8.8.8.8',
      '93.184.216.34',
      '1.1.1.1',
    ]
    for (const ip of samples) {
      const special = specialRangeOf(ip) !== undefined
      const listed = hitNames('ip', ip).some((n) => !n.includes('DNS resolvers'))
      expect(listed, ip).toBe(special)
    }
    for (const ip of ['::1', 'fe80::1', 'fd00::1', 'ff02::1', '2001:db8::1', '2a00:1450::1']) {
      const special = specialRangeOf(ip) !== undefined
      expect(hitNames('ipv6', ip).length > 0, ip).toBe(special)
    }
  })

  it('name public resolvers, reserved domains and private URLs', () => {
    expect(hitNames('ip', '8.8.8.8')).toEqual(['List of well-known public DNS resolvers'])
    expect(hitNames('ipv6', '2606:4700:4700:0::1111')).toEqual([
      'List of well-known public DNS resolvers',
    ])
    expect(hitNames('domain', 'dns.google')).toEqual([
      'List of well-known public DNS resolver host names',
    ])
    expect(hitNames('domain', 'www.example.com')).toEqual([
      'List of reserved and special-use domain names',
    ])
    expect(hitNames('domain', 'notexample.com')).toEqual([])
    expect(hitNames('domain', 'printer.local')).toEqual([
      'List of reserved and special-use domain names',
    ])
    expect(hitNames('email', 'bob@example.org')).toEqual([
      'List of reserved and special-use domain names',
    ])
    expect(hitNames('url', 'http://192.168.1.1/admin')).toEqual([
      'List of RFC 1918 private IPv4 networks',
    ])
    expect(hitNames('cidr', '10.10.0.0/16')).toEqual(['List of RFC 1918 private IPv4 networks'])
    expect(hitNames('domain', 'evil.onion')).toEqual([])
  })

  it('name the hosts every operating system contacts, not look-alikes of them', () => {
    const noise =
      'List of operating-system connectivity-check, time and certificate-revocation hosts'
    expect(hitNames('domain', 'www.msftconnecttest.com')).toEqual([noise])
    expect(hitNames('url', 'http://r3.o.lencr.org/MFMw')).toEqual([noise])
    expect(hitNames('domain', '2.pool.ntp.org')).toEqual([noise])
    expect(hitNames('domain', 'msftconnecttest.com.evil.net')).toEqual([])
    expect(hitNames('domain', 'sites.google.com')).toEqual([])
  })
})
