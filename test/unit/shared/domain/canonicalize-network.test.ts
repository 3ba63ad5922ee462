import { describe, expect, it } from 'vitest'
import { canonicalize } from '#shared/domain/canonicalize'
import type { IocType } from '#shared/domain/enums'
import { splitHostPort } from '#shared/domain/ip-address'

const ok = (type: IocType, raw: string): string => {
  const r = canonicalize(type, raw)
  if (!r.ok) throw new Error(`expected ${type} ${JSON.stringify(raw)} to parse, got: ${r.reason}`)
  expect(r.type).toBe(type)
  return r.value
}

const reason = (type: IocType, raw: string): string => {
  const r = canonicalize(type, raw)
  if (r.ok)
    throw new Error(`expected ${type} ${JSON.stringify(raw)} to be rejected, got ${r.value}`)
  expect(r.type).toBe(type)
  return r.reason
}

describe('ip (IPv4)', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['  8.8.8.8\t', '8.8.8.8'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['1.2.3[.]4', '1.2.3.4'],
    ['1[.]2[.]3[.]4', '1.2.3.4'],
    ['10(.)0(.)0(.)1', '10.0.0.1'],
    ['\u200b192.168.1.1\ufeff', '192.168.1.1'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('ip', raw)).toBe(expected)
  })

  it.each([
    ['999.1.1.1', ["'999.1.1.1' is not a valid IPv4 address: octet 999 > 255"]],
    ['256.1.1.1', ['octet 256 > 255']],
    ['01.2.3.4', ["octet '01'", 'leading zero', 'ambiguous']],
    ['1.2.3.010', ["octet '010'", 'leading zero']],
    ['1.2.3.4:8080', ['port 8080']],
    ['1.2.3', ['expected 4 octets, got 3']],
    ['1.2.3.4.5', ['more than 4 octets']],
    ['1..3.4', ['empty octet']],
    ['1.2.3.', ["ends with '.'"]],
    ['1.2.3.a', ["character 'a'"]],
    ['::1', ['IPv6 address', 'type ipv6']],
    ['', ['is empty']],
    ['1.2.3.4/24', ["character '/'"]],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('ip', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('ipv6', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['FE80::0202:B3FF:FE1E:8329', 'fe80::202:b3ff:fe1e:8329'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::FFFF:0102:0304', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['2001:db8[:]:1', '2001:db8::1'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('ipv6', raw)).toBe(expected)
  })

  it.each([
    ['fe80::1%eth0', ['zone id', '%eth0', 'remove it']],
    ['[2001:db8::1]:443', ['port 443']],
    ['1:2:3:4:5:6:7:8:9', ['expected 8 groups, got 9']],
    ['1:2:3:4:5:6:7', ['expected 8 groups, got 7']],
    ['1::2::3', ["'::' appears more than once"]],
    ['12345::1', ['more than 4 hex digits']],
    ['2001:db8::g', ["character 'g'"]],
    [':1:2:3:4:5:6:7', ["starts with a single ':'"]],
    ['1:2:3:4:5:6:7:', ["ends with a single ':'"]],
    ['1.2.3.4', ['IPv4 address', 'type ip']],
    ['::ffff:1.2.3.400', ['embedded IPv4', '400 > 255']],
    ['1:2:3:4:5:6:7::8', ['no room']],
    ['[2001:db8::1', ["unclosed '['"]],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('ipv6', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('cidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    // Host bits are cleared: the block is what the feed describes.
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.1.77/24', '192.168.1.0/24'],
    ['192.168.1.77/32', '192.168.1.77/32'],
    ['1.2.3.4/0', '0.0.0.0/0'],
    ['172.16.255.255/12', '172.16.0.0/12'],
    ['10.0.0.0/08', '10.0.0.0/8'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['2001:db8:abcd:1234::1/48', '2001:db8:abcd::/48'],
    ['2001:db8::ffff/127', '2001:db8::fffe/127'],
    ['::/0', '::/0'],
    ['[2001:db8::]/64', '2001:db8::/64'],
    ['10.0.0[.]0/8', '10.0.0.0/8'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('cidr', raw)).toBe(expected)
  })

  it.each([
    ['10.0.0.0/33', ['prefix /33', '0-32']],
    ['2001:db8::/129', ['prefix /129', '0-128']],
    ['10.0.0.0', ["no '/prefix'"]],
    ['10.0.0.0/', ["prefix '' is not a number"]],
    ['10.0.0.0/abc', ["prefix 'abc'"]],
    ['10.0.0.300/8', ['300 > 255']],
    ['fe80::%eth0/64', ['zone id']],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('cidr', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('domain', () => {
  it.each([
    ['example.com', 'example.com'],
    ['Example.COM.', 'example.com'],
    ['www.Evil-Site.co.uk', 'www.evil-site.co.uk'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example', 'xn--bcher-kva.example'],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['bücher。example', 'xn--bcher-kva.example'],
    ['_dmarc.example.com', '_dmarc.example.com'],
    ['host_name.corp.example', 'host_name.corp.example'],
    [
      'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.onion',
      'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk.onion',
    ],
    ['printer.local', 'printer.local'],
    ['db.internal', 'db.internal'],
    ['invoice.zip', 'invoice.zip'],
    ['evil[.]com', 'evil.com'],
    ['evil[dot]com', 'evil.com'],
    ['evil dot com', 'evil.com'],
    ['1.2.3.example', '1.2.3.example'],
    ['a.b', 'a.b'],
    ['123.com', '123.com'],
    ['\u200bevil.com\u200d', 'evil.com'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('domain', raw)).toBe(expected)
  })

  it('accepts 63-character labels and 253-character names, not more', () => {
    const label63 = 'a'.repeat(63)
    expect(ok('domain', `${label63}.com`)).toBe(`${label63}.com`)
    expect(reason('domain', `${'a'.repeat(64)}.com`)).toContain('64 characters long, more than 63')
    const name253 = `${label63}.${label63}.${label63}.${'a'.repeat(61)}`
    expect(name253.length).toBe(253)
    expect(ok('domain', name253)).toBe(name253)
    expect(reason('domain', `${name253}a`)).toContain('more than 253')
  })

  it.each([
    ['com', ['at least two labels']],
    ['1.2.3.4', ['IPv4 address', 'type ip']],
    ['1.2.3', ["top-level label '3' is all digits"]],
    ['-evil.com', ["label '-evil' starts with '-'"]],
    ['evil-.com', ["label 'evil-' ends with '-'"]],
    ['evil..com', ['empty label']],
    ['.evil.com', ["starts with '.'"]],
    ['ev il.com', ["' ' (space)"]],
    ['evil.com/path', ["contains '/'", 'type url']],
    ['http://evil.com', ['is a URL', 'type url']],
    ['user@evil.com', ["contains '@'", 'type email']],
    ['evil.com:8080', ['port 8080']],
    ['*.evil.com', ['wildcards']],
    ['ev!l.com', ["character '!'"]],
    ['xn--zz.com', ['not valid Punycode']],
    ['☃.com', ["character '☃'"]],
    ['2001:db8::1', ['IPv6 address', 'type ipv6']],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('domain', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('url', () => {
  it.each([
    ['http://example.com/', 'http://example.com/'],
    ['HTTP://EXAMPLE.COM/Path/To?Q=A#Frag', 'http://example.com/Path/To?Q=A#Frag'],
    ['http://example.com:80/x', 'http://example.com/x'],
    ['https://example.com:443/x', 'https://example.com/x'],
    ['https://example.com:80/x', 'https://example.com:80/x'],
    ['http://example.com:8080', 'http://example.com:8080'],
    ['http://example.com:0080/x', 'http://example.com/x'],
    ['hxxp://evil[.]com/payload.exe', 'http://evil.com/payload.exe'],
    ['hxxps[://]evil[.]com', 'https://evil.com'],
    ['hXXps://evil(.)com/a', 'https://evil.com/a'],
    ['fxp://files.evil.com/x', 'ftp://files.evil.com/x'],
    ['evil.com/path', 'http://evil.com/path'],
    ['//evil.com/path', 'http://evil.com/path'],
    ['localhost:8080/x', 'http://localhost:8080/x'],
    ['tcp://1.2.3.4:4444', 'tcp://1.2.3.4:4444'],
    ['udp://1.2.3.4:53', 'udp://1.2.3.4:53'],
    ['wss://example.com:443/socket', 'wss://example.com/socket'],
    ['svn+ssh://example.com/repo', 'svn+ssh://example.com/repo'],
    ['http://[2001:DB8::1]:8080/x', 'http://[2001:db8::1]:8080/x'],
    ['http://user:Pass@Example.com/', 'http://user:Pass@example.com/'],
    ['http://bücher.example/Straße', 'http://xn--bcher-kva.example/Straße'],
    ['http://intranet/login', 'http://intranet/login'],
    ['http://1.2.3.4/a%20b', 'http://1.2.3.4/a%20b'],
    ['http://example.com./', 'http://example.com/'],
    ['http://example.com?q=1', 'http://example.com?q=1'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('url', raw)).toBe(expected)
  })

  it.each([
    ['mailto:user@example.com', ["scheme 'mailto:'", "no '//'"]],
    ['javascript:alert(1)', ["scheme 'javascript:'"]],
    ['http://', ['no host']],
    ['http://exa mple.com/', ['contains a space']],
    ['http://example.com:99999/', ['port 99999 > 65535']],
    ['http://example.com:8o/', ["port '8o'"]],
    ['http://01.2.3.4/', ['leading zero']],
    ['http://[2001:db8::1/', ["unclosed '['"]],
    ['http://[fe80::1%25eth0]/', ['zone id']],
    ['http://-bad.com/', ["starts with '-'"]],
    ['http://example.com/\u0000x', ['control character']],
    [`http://example.com/${'a'.repeat(8200)}`, ['more than 8192']],
    // A scheme that lost its ':' is refused, never read as the host 'http' (http://http//host/path).
    ['http//evil.example/path', ["starts with 'http//'", "missing its ':'", "'http://'"]],
    ['HTTPS///evil.example/', ["starts with 'HTTPS///'", "'https://'"]],
    ['hxxp//evil[.]example/a', ["missing its ':'"]],
    ['ftp//files.example/x', ["'ftp://'"]],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('url', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('email', () => {
  it.each([
    ['John.Doe@Example.COM', 'John.Doe@example.com'],
    ['user@bücher.example', 'user@xn--bcher-kva.example'],
    ['user[@]evil[.]com', 'user@evil.com'],
    ['user[at]evil[dot]com', 'user@evil.com'],
    ['mailto:user@evil.com', 'user@evil.com'],
    ['first+tag@sub.example.org', 'first+tag@sub.example.org'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('email', raw)).toBe(expected)
  })

  it.each([
    ['user.example.com', ["no '@'"]],
    ['@example.com', ["before '@' is empty"]],
    ['user@', ["after '@' is empty"]],
    ['user@localhost', ['at least two labels']],
    ['us er@example.com', ["' ' (space)"]],
    [`${'a'.repeat(65)}@example.com`, ['more than 64']],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('email', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('splitHostPort', () => {
  it.each([
    ['1.2.3.4:8080', { host: '1.2.3.4', port: 8080 }],
    ['1.2.3.4', { host: '1.2.3.4', port: null }],
    ['evil.com:443', { host: 'evil.com', port: 443 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['[2001:db8::1]', { host: '2001:db8::1', port: null }],
    ['2001:db8::1', { host: '2001:db8::1', port: null }],
    ['1.2.3.4:99999', { host: '1.2.3.4:99999', port: null }],
    ['1.2.3.4:http', { host: '1.2.3.4:http', port: null }],
    [' 1.2.3.4:0 ', { host: '1.2.3.4', port: 0 }],
  ])('%j → %j', (raw, expected) => {
    expect(splitHostPort(raw)).toEqual(expected)
  })
})
