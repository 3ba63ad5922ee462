import { describe, expect, it } from 'vitest'
import { ipv6Groups, specialRangeOf } from '#core/feeds/http/address-ranges'
import { checkTarget, normaliseHost, precheckUrl } from '#core/feeds/http/fetch-targets'

describe('specialRangeOf', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['::ffff:0:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b:1::1', 'reserved'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    // Teredo: the client address 127.0.0.1 inverted.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (address, range) => {
    expect(specialRangeOf(address)).toBe(range)
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(specialRangeOf(address)).toBeUndefined()
  })

  it('is undefined for what is not an IP address', () => {
    expect(specialRangeOf('example.com')).toBeUndefined()
    expect(specialRangeOf('999.1.1.1')).toBeUndefined()
  })

  it('expands IPv6 spellings to the same eight groups', () => {
    const loopback = [0, 0, 0, 0, 0, 0, 0, 1]
    expect(ipv6Groups('::1')).toEqual(loopback)
    expect(ipv6Groups('0::0:1')).toEqual(loopback)
    expect(ipv6Groups('::0.0.0.1')).toEqual(loopback)
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(ipv6Groups('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0])
    expect(ipv6Groups('nope')).toBeUndefined()
  })
})

describe('the target policy', () => {
  const none = { allowedHosts: [] }

  it('catches every spelling the URL parser turns into a loopback or private address', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://0x7f.1/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://0/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://localhost:4517/',
      'http://LOCALHOST./',
      'http://api.localhost/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::5]/',
      'http://100.100.100.200/',
    ]) {
      const refused = precheckUrl(none, url)
      expect(refused?.code, url).toBe('forbidden-target')
      expect(refused?.toAppError().code, url).toBe('fetch_target_forbidden')
    }
    expect(precheckUrl(none, 'https://example.com/feed.txt')).toBeUndefined()
    expect(precheckUrl(none, 'http://8.8.8.8/')).toBeUndefined()
  })

  it('lets the allowed hosts through, by name or by address, however they are spelled', () => {
    expect(precheckUrl({ allowedHosts: ['127.0.0.1'] }, 'http://0x7f.1/')).toBeUndefined()
    expect(precheckUrl({ allowedHosts: ['::1'] }, 'http://[0::1]/')).toBeUndefined()
    expect(precheckUrl({ allowedHosts: ['[::1]'] }, 'http://[::1]/')).toBeUndefined()
    expect(precheckUrl({ allowedHosts: ['LocalHost'] }, 'http://localhost/')).toBeUndefined()
    // localhost is 127.0.0.1: allowing the address allows the name, as for any name resolving to it.
    expect(precheckUrl({ allowedHosts: ['127.0.0.1'] }, 'http://localhost/')).toBeUndefined()
    expect(precheckUrl({ allowedHosts: ['127.0.0.2'] }, 'http://localhost/')?.code).toBe(
      'forbidden-target',
    )
    expect(checkTarget({ allowedHosts: ['taxii.corp'] }, 'TAXII.corp', '10.0.0.5')).toBeUndefined()
    expect(checkTarget({ allowedHosts: ['10.0.0.5'] }, 'taxii.corp', '10.0.0.5')).toBeUndefined()
    expect(checkTarget({ allowedHosts: ['10.0.0.5'] }, 'taxii.corp', '10.0.0.6')?.code).toBe(
      'forbidden-target',
    )
    expect(normaliseHost('Feeds.Example.COM.')).toBe('feeds.example.com')
  })

  it('says what the host resolved to and how to allow it', () => {
    const refused = checkTarget(none, 'intranet.example', '192.168.1.10')
    expect(refused?.message).toContain('intranet.example resolves to 192.168.1.10')
    expect(refused?.message).toContain('private')
    expect(refused?.message).toContain('fetchAllowedHosts')
    expect(refused?.details).toMatchObject({ host: 'intranet.example', address: '192.168.1.10' })
  })
})
