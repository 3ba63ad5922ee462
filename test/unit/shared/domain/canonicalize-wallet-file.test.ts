import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalize } from '#shared/domain/canonicalize'
import { detectType, parseIndicator } from '#shared/domain/detect-type'
import type { IocType } from '#shared/domain/enums'
import { indicatorId, stixScoId } from '#shared/domain/indicator-id'
import { keccak256 } from '#shared/domain/keccak'
import { sha256 } from '#shared/domain/sha256'

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

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('the digests wallets are checked with', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'b'.repeat(56), 'c'.repeat(64), 'd'.repeat(1000)])(
    'sha256 agrees with node:crypto on %#',
    (s) => {
      expect(hex(sha256(new TextEncoder().encode(s)))).toBe(
        createHash('sha256').update(s).digest('hex'),
      )
    },
  )

  it('keccak256 gives the published vectors (the original padding, not SHA3)', () => {
    expect(hex(keccak256(new Uint8Array()))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    )
    expect(hex(keccak256(new TextEncoder().encode('abc')))).toBe(
      '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    )
  })
})

describe('bitcoin-address', () => {
  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    [' 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy\n', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    ['BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    [
      'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
      'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
    ],
    // Taproot (BIP 86), bech32m.
    [
      'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
      'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297',
    ],
  ])('%s is %s (bech32 lower-cased, Base58 kept)', (raw, canonical) => {
    expect(ok('bitcoin-address', raw)).toBe(canonical)
  })

  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', /Base58Check checksum does not match/],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0l', /outside Base58/],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp', /bech32 checksum does not match/],
    ['bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', /never mixed/],
    // BIP 350: a version 1 program written with the bech32 constant is invalid (it needs bech32m).
    [
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx',
      /bech32m checksum does not match/,
    ],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', /testnet/],
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', /testnet/],
    ['xyz', /neither 1, 3 nor bc1/],
  ])('refuses %s', (raw, why) => {
    expect(reason('bitcoin-address', raw)).toMatch(why)
  })
})

describe('ethereum-address', () => {
  it.each([
    // EIP-55's own examples.
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ])('accepts the checksummed %s and stores it lower-cased', (raw) => {
    expect(ok('ethereum-address', raw)).toBe(raw.toLowerCase())
  })

  it('accepts all-lower and all-upper spellings (they carry no checksum) as the same value', () => {
    const lower = '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'
    expect(ok('ethereum-address', lower)).toBe(lower)
    expect(ok('ethereum-address', '0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED')).toBe(lower)
  })

  it.each([
    ['0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed', /EIP-55/],
    ['0x1234', /40 hex digits, got 4/],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeG', /not a hex digit/],
    ['5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', /does not start with '0x'/],
  ])('refuses %s', (raw, why) => {
    expect(reason('ethereum-address', raw)).toMatch(why)
  })
})

describe('file-name', () => {
  it.each([
    ['Invoice_2024.PDF', 'Invoice_2024.PDF'],
    ['  report final.docx ', 'report final.docx'],
    ['svchost', 'svchost'],
  ])('%s keeps its case and inner spaces', (raw, canonical) => {
    expect(ok('file-name', raw)).toBe(canonical)
  })

  it.each([
    ['C:\\Users\\a\\evil.exe', /without its directory/],
    ['/tmp/x.sh', /without its directory/],
    ['..', /directory/],
    ['a\u0007.exe', /control character at position 2/],
    [`${'a'.repeat(300)}.exe`, /more than 255/],
  ])('refuses %s', (raw, why) => {
    expect(reason('file-name', raw)).toMatch(why)
  })
})

describe('detection of the new types', () => {
  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'bitcoin-address'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'bitcoin-address'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ethereum-address'],
    ['invoice.exe', 'file-name'],
    ['report.final.pdf', 'file-name'],
    // Extensions that are also TLDs stay domains in a list: a list may hold real .zip hosts.
    ['setup.zip', 'domain'],
    ['evil.com', 'domain'],
    // A product name is never a file name (detection of domains does not judge TLDs).
    ['node.js', 'domain'],
  ])('%s is %s', (value, type) => {
    expect(detectType(value)).toBe(type)
  })

  it('says why a wallet-shaped value is not one', () => {
    const r = parseIndicator('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.reason).toMatch(/not a valid bitcoin address: its Base58Check checksum/)
  })
})

describe('ids of the new types', () => {
  it('a file name is the STIX file SCO named so (its only id-contributing property)', () => {
    expect(stixScoId('file-name', 'report.pdf')).toBe('file--3a7b02d3-5171-55ae-ad7f-acb30ec1fbbd')
    expect(indicatorId('file-name', 'report.pdf')).toBe('3a7b02d3-5171-55ae-ad7f-acb30ec1fbbd')
  })

  it('wallets have no SCO: ids in our namespace, apart per chain', () => {
    expect(stixScoId('bitcoin-address', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toBeNull()
    expect(indicatorId('bitcoin-address', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toBe(
      '9029a71e-282d-573b-9154-88c92b36217f',
    )
    expect(indicatorId('custom', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).not.toBe(
      indicatorId('bitcoin-address', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'),
    )
  })
})
