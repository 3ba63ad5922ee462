import { describe, expect, it } from 'vitest'
import { canonicalize } from '#shared/domain/canonicalize'
import { detectType, parseIndicator } from '#shared/domain/detect-type'
import type { IocType } from '#shared/domain/enums'
import { defang, refang } from '#shared/domain/refang'

describe('detectType', () => {
  it.each<[string, IocType | null]>([
    ['d41d8cd98f00b204e9800998ecf8427e', 'md5'],
    ['DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'sha1'],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256'],
    ['a'.repeat(128), 'sha512'],
    ['CVE-2021-44228', 'cve'],
    ['cve-2021-44228', 'cve'],
    ['T1059.001', 'attack-technique'],
    ['TA0001', 'attack-technique'],
    ['user@evil.com', 'email'],
    ['user[@]evil[.]com', 'email'],
    ['mailto:user@evil.com', 'email'],
    ['http://evil.com/x', 'url'],
    ['hxxps://evil[.]com', 'url'],
    ['tcp://1.2.3.4:4444', 'url'],
    ['http://user@evil.com/', 'url'],
    ['10.0.0.0/8', 'cidr'],
    ['2001:db8::/32', 'cidr'],
    ['2001:db8::1', 'ipv6'],
    ['[2001:db8::1]:443', 'ipv6'],
    ['fe80::1%eth0', 'ipv6'],
    ['::ffff:1.2.3.4', 'ipv6'],
    ['1.2.3.4', 'ip'],
    ['1.2.3[.]4', 'ip'],
    ['1.2.3.4:8080', 'ip'],
    ['999.1.1.1', 'ip'],
    ['HKLM\\Software\\Evil', 'registry-key'],
    ['HKEY_CURRENT_USER\\Software', 'registry-key'],
    ['evil.com', 'domain'],
    ['evil[.]com', 'domain'],
    ['bücher.example', 'domain'],
    ['cvedetails.com', 'domain'],
    ['deadbeef.com', 'domain'],
    ['xyz', null],
    ['hello world', null],
    ['evil.com/path', null],
    ['abcdef0123', null],
    ['', null],
  ])('%j → %s', (raw, expected) => {
    expect(detectType(raw)).toBe(expected)
  })

  it('never guesses mutex or custom', () => {
    expect(detectType('Global\\MyMutex')).toBeNull()
  })
})

describe('parseIndicator', () => {
  it.each([
    [' HXXP://EVIL[.]COM:80/x ', 'url', 'http://evil.com/x'],
    ['10.1.2.3/8', 'cidr', '10.0.0.0/8'],
    ['пример.рф', 'domain', 'xn--e1afmkfd.xn--p1ai'],
    ['T1059.001', 'attack-technique', 'T1059.001'],
  ])('%j → %s %s', (raw, type, value) => {
    expect(parseIndicator(raw)).toEqual({ ok: true, type, value })
  })

  it('says when it cannot tell the type', () => {
    expect(parseIndicator('xyz')).toEqual({
      ok: false,
      value: 'xyz',
      reason: "could not tell the type of 'xyz'",
    })
  })

  it('hints at a URL without a scheme, and only assumes http:// when told the type', () => {
    const r = parseIndicator('evil.com/login.php')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toContain('add http:// or choose type url')
    expect(parseIndicator('evil.com/login.php', 'url')).toEqual({
      ok: true,
      type: 'url',
      value: 'http://evil.com/login.php',
    })
  })

  it('never invents a host from a scheme that lost its colon, with or without a type', () => {
    const detected = parseIndicator('http//evil.example/path')
    expect(detected.ok).toBe(false)
    expect(!detected.ok && detected.reason).toContain("a scheme missing its ':'; write 'http://'")
    const typed = parseIndicator('http//evil.example/path', 'url')
    expect(typed.ok).toBe(false)
    expect(!typed.ok && typed.reason).toContain("starts with 'http//'")
    // A host followed by a double slash is still a host with a path.
    expect(parseIndicator('evil.example//path', 'url')).toMatchObject({
      ok: true,
      value: 'http://evil.example//path',
    })
  })

  it('hints at hex of a length no hash has', () => {
    const r = parseIndicator('a'.repeat(33))
    expect(!r.ok && r.reason).toContain('33 hex characters is not an MD5 (32)')
  })

  it('passes the detected type to the reject', () => {
    expect(parseIndicator('1.2.3.4:8080')).toMatchObject({ ok: false, type: 'ip' })
    expect(parseIndicator('TA0002')).toMatchObject({ ok: false, type: 'attack-technique' })
  })

  it('rejects values over 8192 characters before looking at them', () => {
    const r = parseIndicator(`http://x.com/${'a'.repeat(10_000)}`)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toContain('more than 8192')
  })

  it('with a type, skips detection', () => {
    expect(parseIndicator('1.2.3.4', 'custom')).toEqual({
      ok: true,
      type: 'custom',
      value: '1.2.3.4',
    })
  })
})

describe('refang', () => {
  it.each([
    ['hxxp://evil[.]com', 'http://evil.com'],
    ['hxxps://evil[.]com', 'https://evil.com'],
    ['hXXps://evil.com', 'https://evil.com'],
    ['h**p://evil.com', 'http://evil.com'],
    ['fxp://evil.com', 'ftp://evil.com'],
    ['evil(.)com', 'evil.com'],
    ['evil{.}com', 'evil.com'],
    ['evil[ . ]com', 'evil.com'],
    ['evil[dot]com', 'evil.com'],
    ['evil(DOT)com', 'evil.com'],
    ['evil dot com', 'evil.com'],
    ['http[:]//evil.com', 'http://evil.com'],
    ['http[://]evil.com', 'http://evil.com'],
    ['user[@]evil.com', 'user@evil.com'],
    ['user[at]evil.com', 'user@evil.com'],
    ['user(at)evil.com', 'user@evil.com'],
    ['evil\\.com', 'evil.com'],
    ['1.2.3[.]4', '1.2.3.4'],
    ['already.clean.com', 'already.clean.com'],
    ['hxxpx', 'hxxpx'],
  ])('%j → %s', (raw, expected) => {
    expect(refang(raw)).toBe(expected)
  })

  it('leaves spaced "dot" alone when scanning prose', () => {
    expect(refang('the dot is evil[.]com', { spacedDot: false })).toBe('the dot is evil.com')
  })
})

describe('defang', () => {
  it.each<[IocType, string, string]>([
    ['url', 'http://evil.com/a.b', 'hxxp://evil[.]com/a.b'],
    ['url', 'https://www.evil.com:8443/x?y=1.2', 'hxxps://www[.]evil[.]com:8443/x?y=1.2'],
    ['url', 'ftp://evil.com/', 'fxp://evil[.]com/'],
    ['url', 'tcp://1.2.3.4:4444', 'tcp[://]1.2.3[.]4:4444'],
    ['url', 'http://[2001:db8::1]:80/x', 'hxxp://[2001[:]db8[:][:]1]:80/x'],
    ['ip', '1.2.3.4', '1.2.3[.]4'],
    ['cidr', '10.0.0.0/8', '10.0.0[.]0/8'],
    ['ipv6', '2001:db8::1', '2001[:]db8[:][:]1'],
    ['domain', 'www.evil.com', 'www[.]evil[.]com'],
    ['email', 'user@evil.com', 'user[@]evil[.]com'],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['cve', 'CVE-2021-44228', 'CVE-2021-44228'],
    ['registry-key', 'HKEY_LOCAL_MACHINE\\Software', 'HKEY_LOCAL_MACHINE\\Software'],
  ])('%s %s → %s', (type, value, expected) => {
    expect(defang(type, value)).toBe(expected)
  })

  it.each<[IocType, string]>([
    ['url', 'https://user@sub.evil.com:8443/p/a.t/h?q=1#f'],
    ['url', 'http://[2001:db8::1]/'],
    ['url', 'wss://x.example/s'],
    ['ip', '192.168.0.1'],
    ['ipv6', '::ffff:1.2.3.4'],
    ['cidr', '2001:db8::/32'],
    ['domain', 'xn--bcher-kva.example'],
    ['email', 'first.last@mail.evil.co.uk'],
  ])('refang(defang(%s %s)) round-trips to the canonical value', (type, value) => {
    expect(canonicalize(type, value)).toEqual({ ok: true, type, value })
    const d = defang(type, value)
    expect(d).not.toBe(value)
    expect(refang(d)).toBe(value)
    expect(canonicalize(type, d)).toEqual({ ok: true, type, value })
  })
})
