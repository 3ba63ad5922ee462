import { describe, expect, it } from 'vitest'
import {
  boundedEditDistance,
  brandLookalike,
  brandsInLabels,
  foldHomoglyphs,
  unicodeLabel,
} from '#core/analysis/url/brand-lookalike'
import { extractUrlFeatures } from '#core/analysis/url/url-features'

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(boundedEditDistance('paypal', 'paypal', 2)).toBe(0)
    expect(boundedEditDistance('paypall', 'paypal', 2)).toBe(1)
    expect(boundedEditDistance('paypl', 'paypal', 2)).toBe(1)
    expect(boundedEditDistance('paypel', 'paypal', 2)).toBe(1)
    expect(boundedEditDistance('mircosoft', 'microsoft', 2)).toBe(1)
    expect(boundedEditDistance('kitten', 'sitting', 5)).toBe(3)
  })

  it('gives up past the bound', () => {
    expect(boundedEditDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3)
    expect(boundedEditDistance('a', 'abcdefgh', 2)).toBe(3)
  })
})

describe('homoglyph folding', () => {
  it('maps digits, Cyrillic and Greek look-alikes and drops diacritics', () => {
    expect(foldHomoglyphs('paypa1')).toBe(foldHomoglyphs('paypal'))
    expect(foldHomoglyphs('rnicrosoft')).toBe(foldHomoglyphs('microsoft'))
    expect(foldHomoglyphs('g00gle')).toBe(foldHomoglyphs('google'))
    expect(foldHomoglyphs('раураl')).toBe(foldHomoglyphs('paypal')) // Cyrillic р а у
    expect(foldHomoglyphs('αpple')).toBe(foldHomoglyphs('apple')) // Greek alpha
    expect(foldHomoglyphs('bïnance')).toBe(foldHomoglyphs('binance'))
    expect(foldHomoglyphs('vvhatsapp')).toBe(foldHomoglyphs('whatsapp'))
  })

  it('decodes a Punycode label and leaves others alone', () => {
    expect(unicodeLabel('xn--pypal-4ve')).toBe('pаypal')
    expect(unicodeLabel('paypal')).toBe('paypal')
    expect(unicodeLabel('xn--!!')).toBe('xn--!!')
  })
})

describe('brand look-alikes', () => {
  it('catches homoglyph spellings of a brand', () => {
    expect(brandLookalike('paypa1')).toMatchObject({ brand: 'paypal', kind: 'homoglyph' })
    expect(brandLookalike('rnicrosoft')).toMatchObject({ brand: 'microsoft', kind: 'homoglyph' })
    expect(brandLookalike('xn--pypal-4ve')).toMatchObject({
      brand: 'paypal',
      kind: 'homoglyph',
      label: 'xn--pypal-4ve',
    })
    // Short brands only after folding, never by distance.
    expect(brandLookalike('app1e')).toMatchObject({ brand: 'apple', kind: 'homoglyph' })
    expect(brandLookalike('apply')).toBeNull()
  })

  it('catches one or two edits, by brand length', () => {
    expect(brandLookalike('paypall')).toMatchObject({ brand: 'paypal', kind: 'edit-distance' })
    expect(brandLookalike('metamsk')).toMatchObject({ brand: 'metamask', distance: 1 })
    expect(brandLookalike('coinbsae')).toMatchObject({ brand: 'coinbase', distance: 1 })
    expect(brandLookalike('myetherwalet')).toMatchObject({ brand: 'myetherwallet' })
    expect(brandLookalike('myethrwalet')).toMatchObject({ brand: 'myetherwallet', distance: 2 })
    // Six to eight letters allow one edit only.
    expect(brandLookalike('pypa')).toBeNull()
  })

  it('catches a brand inside a longer label', () => {
    expect(brandLookalike('paypal-resolution')).toMatchObject({ brand: 'paypal', kind: 'embedded' })
    expect(brandLookalike('metamaskwallets')).toMatchObject({ brand: 'metamask' })
  })

  it('leaves the brand itself and unrelated names alone', () => {
    for (const label of ['paypal', 'microsoft', 'github', 'mozilla', 'wikipedia', 'nodejs']) {
      expect(brandLookalike(label)).toBeNull()
    }
  })

  it('names whole brands in other labels', () => {
    expect(brandsInLabels(['paypal', 'com', 'secure-login'])).toEqual(['paypal'])
    expect(brandsInLabels(['apple-id', 'verify'])).toEqual(['apple'])
    expect(brandsInLabels(['docs', 'api'])).toEqual([])
  })

  it('is read from whole URLs, not from a brand-owned domain', () => {
    expect(extractUrlFeatures('https://paypa1.com/').features.brandHomoglyph).toBe(1)
    expect(extractUrlFeatures('https://rnicrosoft.com/').features.brandHomoglyph).toBe(1)
    expect(extractUrlFeatures('https://pаypal.com/').features.brandHomoglyph).toBe(1)
    expect(extractUrlFeatures('https://paypall.com/').features.brandLookalike).toBe(1)
    expect(extractUrlFeatures('https://www.paypal.com/').facts.brand).toBeNull()
    expect(extractUrlFeatures('https://ajax.googleapis.com/').facts.brand).toBeNull()
    const sub = extractUrlFeatures('https://paypal.com.account-check.net/')
    expect(sub.features.brandInSubdomain).toBe(1)
    expect(sub.facts.brandsInSubdomain).toEqual(['paypal'])
    expect(extractUrlFeatures('https://paypal.paypalobjects.com/').features.brandInSubdomain).toBe(
      0,
    )
  })
})
