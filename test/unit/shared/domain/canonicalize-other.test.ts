import { describe, expect, it } from 'vitest'
import { canonicalize } from '#shared/domain/canonicalize'
import { IOC_TYPES, type IocType } from '#shared/domain/enums'
import { punycodeDecode, punycodeEncode } from '#shared/domain/punycode'

const ok = (type: IocType, raw: string): string => {
  const r = canonicalize(type, raw)
  if (!r.ok) throw new Error(`expected ${type} ${JSON.stringify(raw)} to parse, got: ${r.reason}`)
  return r.value
}

const reason = (type: IocType, raw: string): string => {
  const r = canonicalize(type, raw)
  if (r.ok)
    throw new Error(`expected ${type} ${JSON.stringify(raw)} to be rejected, got ${r.value}`)
  return r.reason
}

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e'
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const SHA512 =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'

describe('hashes', () => {
  it.each([
    ['md5', MD5.toUpperCase(), MD5],
    ['md5', ` ${MD5}\n`, MD5],
    ['sha1', SHA1.toUpperCase(), SHA1],
    ['sha256', SHA256, SHA256],
    ['sha512', SHA512.toUpperCase(), SHA512],
  ] as const)('%s %j', (type, raw, expected) => {
    expect(ok(type, raw)).toBe(expected)
  })

  it.each([
    ['md5', 'abc', ['not a valid MD5 hash', 'expected 32 hex characters, got 3']],
    ['md5', SHA256, ['expected 32', 'got 64', 'a SHA-256 hash']],
    ['sha1', MD5, ['expected 40', 'got 32', 'an MD5 hash']],
    ['sha256', `${SHA256}0`, ['expected 64 hex characters, got 65']],
    ['sha512', SHA256, ['expected 128']],
    ['md5', `${MD5.slice(0, 31)}g`, ["character 'g' at position 32 is not a hex digit"]],
    ['sha256', `${SHA256.slice(0, 10)} ${SHA256.slice(11)}`, ["' ' (space) at position 11"]],
  ] as const)('%s %j is rejected', (type, raw, parts) => {
    const why = reason(type, raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('cve', () => {
  it.each([
    ['CVE-2021-44228', 'CVE-2021-44228'],
    ['cve-2021-44228', 'CVE-2021-44228'],
    ['CVE-1999-0001', 'CVE-1999-0001'],
    ['CVE-2024-1234567', 'CVE-2024-1234567'],
    ['CVE\u20112014\u20110160', 'CVE-2014-0160'],
    [' cve-2100-0001 ', 'CVE-2100-0001'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('cve', raw)).toBe(expected)
  })

  it.each([
    ['CVE-1998-0001', ['year 1998 is before 1999']],
    ['CVE-2101-0001', ['year 2101 is after 2100']],
    ['CVE-2021-123', ["sequence number '123' has fewer than 4 digits"]],
    ['CVE-21-1234', ['expected CVE-YYYY-NNNN']],
    ['2021-44228', ['expected CVE-YYYY-NNNN']],
    ['CVE-2021-44228a', ['expected CVE-YYYY-NNNN']],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('cve', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('attack-technique', () => {
  it.each([
    ['T1059', 'T1059'],
    ['t1059.001', 'T1059.001'],
    ['T0800', 'T0800'],
  ])('%j → %s', (raw, expected) => {
    expect(ok('attack-technique', raw)).toBe(expected)
  })

  it.each([
    ['TA0001', ['TA0001 is an ATT&CK tactic, not a technique']],
    ['T123', ['expected T followed by 4 digits']],
    ['T1059.1', ['expected T followed by 4 digits']],
    ['T1059/001', ['expected T followed by 4 digits']],
    ['S0154', ['expected T']],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('attack-technique', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('registry-key', () => {
  it.each([
    [
      'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
      'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
    ],
    ['hkcu\\Software\\Evil', 'HKEY_CURRENT_USER\\Software\\Evil'],
    ['HKCR\\exefile', 'HKEY_CLASSES_ROOT\\exefile'],
    ['HKU\\S-1-5-21\\Software', 'HKEY_USERS\\S-1-5-21\\Software'],
    ['HKCC\\System', 'HKEY_CURRENT_CONFIG\\System'],
    ['hkey_local_machine\\SOFTWARE\\Classes', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes'],
    ['HKLM\\\\Software\\\\Evil\\\\', 'HKEY_LOCAL_MACHINE\\Software\\Evil'],
    ['HKLM\\Software\\Evil\\', 'HKEY_LOCAL_MACHINE\\Software\\Evil'],
    ['HKLM:\\Software\\Evil', 'HKEY_LOCAL_MACHINE\\Software\\Evil'],
    ['Computer\\HKEY_CURRENT_USER\\Software\\X', 'HKEY_CURRENT_USER\\Software\\X'],
    ['\\REGISTRY\\MACHINE\\SOFTWARE\\X', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X'],
    ['\\Registry\\User\\S-1-5-18\\X', 'HKEY_USERS\\S-1-5-18\\X'],
    ['HKLM', 'HKEY_LOCAL_MACHINE'],
    [
      'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion',
      'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion',
    ],
  ])('%j → %j', (raw, expected) => {
    expect(ok('registry-key', raw)).toBe(expected)
  })

  it.each([
    ['Software\\Microsoft', ['does not start with a registry hive']],
    ['HKXX\\Software', ['does not start with a registry hive']],
    ['HKLM\\Soft\u0007ware', ['control character \\x07']],
  ])('%j is rejected', (raw, parts) => {
    const why = reason('registry-key', raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('mutex and custom', () => {
  it.each([
    ['mutex', '  Global\\Zeus  ', 'Global\\Zeus'],
    ['mutex', 'Local\\{7C1D7F00-1234}', 'Local\\{7C1D7F00-1234}'],
    ['custom', 'JA3 e7d705a3286e19ea42f587b344ee6865', 'JA3 e7d705a3286e19ea42f587b344ee6865'],
    ['custom', 'ünïcödé, with commas', 'ünïcödé, with commas'],
  ] as const)('%s %j', (type, raw, expected) => {
    expect(ok(type, raw)).toBe(expected)
  })

  it.each([
    ['mutex', '   ', ['the mutex name is empty']],
    ['custom', 'a\u0001b', ['control character \\x01 at position 2']],
    ['mutex', 'a\tb', ['control character \\x09']],
    ['custom', 'x'.repeat(1025), ['1025 characters long, more than 1024']],
  ] as const)('%s %j is rejected', (type, raw, parts) => {
    const why = reason(type, raw)
    for (const part of parts) expect(why).toContain(part)
  })
})

describe('every type', () => {
  it.each(IOC_TYPES.map((t) => [t]))(
    '%s rejects an empty value and values over 8192 characters',
    (type) => {
      expect(reason(type, '')).toContain('is empty')
      expect(reason(type, '\u200b \u200b')).toContain('is empty')
      const r = canonicalize(type, 'a'.repeat(9000))
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.reason).toContain('9000 characters long, more than 8192')
        expect(r.value.length).toBeLessThan(2000)
      }
    },
  )

  it('quotes long values in reasons without repeating them whole', () => {
    const why = reason('domain', `${'a'.repeat(300)}.com!`)
    expect(why.length).toBeLessThan(300)
    expect(why).toContain('…')
  })

  it('rejects a 100 KB garbage line for every type without hanging', () => {
    const garbage = Array.from({ length: 100_000 }, (_, i) =>
      '.:[(a1-/@\\%'.charAt((i * 7) % 12),
    ).join('')
    const nested = `${'['.repeat(50_000)}${'.'.repeat(50_000)}`
    for (const type of IOC_TYPES) {
      expect(canonicalize(type, garbage).ok).toBe(false)
      expect(canonicalize(type, nested).ok).toBe(false)
    }
  })
})

describe('punycode (RFC 3492)', () => {
  // Pairs from RFC 3492 §7.1 and IANA's IDN test domains.
  it.each([
    ['bücher', 'bcher-kva'],
    ['пример', 'e1afmkfd'],
    ['рф', 'p1ai'],
    ['münchen', 'mnchen-3ya'],
    ['例え', 'r8jz45g'],
    ['テスト', 'zckzah'],
    ['他们为什么不说中文', 'ihqwcrb4cv8a8dqg056pqjye'],
    ['ليهمابتكلموشعربي؟', 'egbpdaj6bu4bxfgehfvwxn'],
    ['3年B組金八先生', '3B-ww4c5e180e575a65lsy2b'],
  ])('%s ⇄ %s', (unicode, ascii) => {
    expect(punycodeEncode(unicode)).toBe(ascii)
    expect(punycodeDecode(ascii)).toBe(unicode)
  })

  it('refuses text that is not Punycode', () => {
    expect(punycodeDecode('zz')).toBeNull()
    expect(punycodeDecode('abc-!!')).toBeNull()
  })
})
