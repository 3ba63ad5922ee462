import { describe, expect, it } from 'vitest'
import { canonicalBitcoin, canonicalEthereum } from '#shared/domain/crypto-address'

describe('canonicalBitcoin', () => {
  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    ['BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
  ])('accepts %s', (input, canonical) => {
    expect(canonicalBitcoin(input)).toBe(canonical)
  })

  it.each([
    ['a typo in the last character', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'],
    ['base58 letters without a checksum', '1AbcdefghijkmnopqrstuvwxyzABCDEFG'],
    ['a character outside base58', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0l'],
    ['a bech32 typo', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp'],
    ['mixed-case bech32', 'bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    ['too short', '1BvBMSEYst'],
  ])('refuses %s', (_why, input) => {
    expect(canonicalBitcoin(input)).toBeNull()
  })
})

describe('canonicalEthereum', () => {
  it('lower-cases 0x and 40 hex digits', () => {
    expect(canonicalEthereum('0x52908400098527886E0F7030069857D2E4169EE7')).toBe(
      '0x52908400098527886e0f7030069857d2e4169ee7',
    )
  })

  it.each([
    '0x1234',
    '0x52908400098527886E0F7030069857D2E4169EEG',
    '52908400098527886E0F7030069857D2E4169EE7aa',
  ])('refuses %s', (input) => {
    expect(canonicalEthereum(input)).toBeNull()
  })
})
