import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  indicatorId as nodeIndicatorId,
  stixScoId as nodeStixScoId,
} from '#core/indicators/indicator-id.node'
import { canonicalize } from '#shared/domain/canonicalize'
import type { IocType } from '#shared/domain/enums'
import {
  THREATEYE_NAMESPACE,
  createIndicatorId,
  createStixScoId,
  indicatorId,
  stixScoId,
} from '#shared/domain/indicator-id'
import { sha1 } from '#shared/domain/sha1'

// Expected ids were computed independently with Python 3.11 when this test was written:
//   ns = uuid.UUID('00abedb4-aa42-466c-9c01-fed23315a9b7')
//   jcs = lambda o: json.dumps(o, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
//   f"{sco}--{uuid.uuid5(ns, jcs({'value': v}))}"   (or {'hashes': {...}}, {'name': v}, {'key': v})
//   te = uuid.uuid5(ns, 'threateye'); uuid.uuid5(te, jcs({'type': t, 'value': v}))
const STIX_CASES: Array<[IocType, string, string]> = [
  ['ip', '1.2.3.4', 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4'],
  ['ip', '198.51.100.3', 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4'],
  ['cidr', '10.0.0.0/8', 'ipv4-addr--86428b07-0841-50f5-884f-260544a6ebee'],
  ['ipv6', '2001:db8::1', 'ipv6-addr--6469e3a9-b053-5e34-a025-9396ae051d26'],
  ['cidr', '2001:db8::/32', 'ipv6-addr--8da31feb-e0f9-54c3-ab30-bd8ccea361dd'],
  ['domain', 'example.com', 'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7'],
  ['domain', 'xn--bcher-kva.example', 'domain-name--2756bcd2-4f67-5280-b058-56605b46834f'],
  ['url', 'https://example.com/research/index.html', 'url--47c3cf9a-5027-5bf0-997a-017c7edc7c55'],
  ['url', 'http://evil.com/Path?q="x"&y=\\z', 'url--83fccd62-5e3f-5bac-ae96-43f668a2c754'],
  ['email', 'john@example.com', 'email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934'],
  ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'file--02fff920-f614-527c-81d1-6353633a6d21'],
  [
    'sha1',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'file--fa6e66a5-f019-51f9-8ab5-812023e58c6e',
  ],
  [
    'sha256',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'file--22f8ff52-8f62-5f03-a53a-6f50f54fd74c',
  ],
  [
    'sha512',
    'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    'file--39cf7bb7-502d-50ad-845c-b910a0598953',
  ],
  ['mutex', 'Global\\Zeus_mutex', 'mutex--0d2887d9-6910-5afc-a796-e24b2d922f7d'],
  ['mutex', 'ünïcödé 🦀', 'mutex--2fe25b01-98c6-5f74-a3b7-77c85ee00add'],
  [
    'registry-key',
    'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
    'windows-registry-key--ecf60546-d6cf-5d2e-a987-2439b4b6eb62',
  ],
]

const OWN_CASES: Array<[IocType, string, string]> = [
  ['cve', 'CVE-2021-44228', 'd3ec8cbb-d2c8-517f-8566-f72c4b789de1'],
  ['attack-technique', 'T1059.001', '1129a1fa-86e7-54f2-95d1-744bb470e3b0'],
  ['custom', 'hello "world"', 'c73b6716-8af3-5b5c-b596-4488764765a1'],
]

const nodeSha1 = (bytes: Uint8Array): Uint8Array => createHash('sha1').update(bytes).digest()

describe('sha1 (pure TS)', () => {
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    ],
  ])('sha1(%j) = %s (FIPS 180 examples)', (text, hex) => {
    expect(Buffer.from(sha1(new TextEncoder().encode(text))).toString('hex')).toBe(hex)
  })

  it('matches OpenSSL on every length around the block boundaries', () => {
    for (let len = 0; len < 300; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 255)
      expect(Buffer.from(sha1(bytes)).toString('hex')).toBe(
        Buffer.from(nodeSha1(bytes)).toString('hex'),
      )
    }
  })
})

describe('indicator ids', () => {
  it('our namespace is UUIDv5(STIX namespace, "threateye")', () => {
    expect(THREATEYE_NAMESPACE).toBe('fe4beb24-d4c1-5645-9bc3-046a46e75fab')
  })

  it.each(STIX_CASES)('%s %j has the STIX 2.1 deterministic id %s', (type, value, expected) => {
    expect(canonicalize(type, value)).toEqual({ ok: true, type, value })
    const uuid = expected.slice(expected.indexOf('--') + 2)
    expect(stixScoId(type, value)).toBe(expected)
    expect(nodeStixScoId(type, value)).toBe(expected)
    expect(indicatorId(type, value)).toBe(uuid)
    expect(nodeIndicatorId(type, value)).toBe(uuid)
  })

  it.each(OWN_CASES)('%s %j (no STIX SCO) has id %s in our namespace', (type, value, expected) => {
    expect(indicatorId(type, value)).toBe(expected)
    expect(nodeIndicatorId(type, value)).toBe(expected)
    expect(stixScoId(type, value)).toBeNull()
    expect(nodeStixScoId(type, value)).toBeNull()
  })

  it('is a version-5 RFC 4122 UUID and differs by type for the same text', () => {
    const a = indicatorId('mutex', 'abc')
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(indicatorId('custom', 'abc')).not.toBe(a)
    // md5 and sha256 are both STIX `file`, but the hash key differs, so ids do too.
    expect(indicatorId('md5', 'a'.repeat(32))).not.toBe(indicatorId('sha1', 'a'.repeat(32)))
  })

  it('the pure, pluggable and node:crypto versions agree on 1000 random values', () => {
    let seed = 7
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const hex = (n: number): string =>
      Array.from({ length: n }, () => '0123456789abcdef'[rnd(16)]).join('')
    const text = (n: number): string =>
      Array.from({ length: n }, () => 'aZ09-_./\\"é€🦀 '.charAt(rnd(16))).join('')
    const gens: Array<() => [IocType, string]> = [
      () => ['ip', `${rnd(256)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`],
      () => ['ipv6', `2001:db8::${rnd(65536).toString(16)}`],
      () => ['domain', `h${rnd(1e6)}.example.com`],
      () => ['url', `https://evil.com/${text(rnd(600))}`],
      () => ['md5', hex(32)],
      () => ['sha512', hex(128)],
      () => ['mutex', text(1 + rnd(300))],
      () => ['registry-key', `HKEY_LOCAL_MACHINE\\${text(rnd(400))}`],
      () => ['cve', `CVE-20${10 + rnd(15)}-${1000 + rnd(90000)}`],
      () => ['custom', text(1 + rnd(1024))],
    ]
    const pluggable = createIndicatorId(nodeSha1)
    const pluggableSco = createStixScoId(sha1)
    for (let i = 0; i < 1000; i++) {
      const [type, value] = gens[i % gens.length]()
      const id = indicatorId(type, value)
      expect(nodeIndicatorId(type, value)).toBe(id)
      expect(pluggable(type, value)).toBe(id)
      expect(pluggableSco(type, value)).toBe(nodeStixScoId(type, value))
    }
  })
})
