import { punycodeDecode } from '#shared/domain'

// Brands that phishing imitates most: banks, mail and cloud log-ins, parcel carriers, shops, and the
// wallets and exchanges the crypto phishing lists are full of. Each is the label a brand registers
// (paypal.com, paypal.de: the label `paypal`). Names under six letters (ups, apple) are matched only
// whole or after folding homoglyphs, never by edit distance: too many ordinary words (apply, abode) are
// one edit away from them.
export const BRANDS: readonly string[] = [
  'paypal microsoft office365 outlook live hotmail apple icloud google gmail youtube amazon',
  'facebook instagram whatsapp messenger linkedin twitter netflix spotify dropbox docusign',
  'adobe yahoo ebay walmart alibaba aliexpress steamcommunity steampowered roblox discord',
  'telegram github gitlab chase wellsfargo bankofamerica citibank hsbc barclays santander',
  'natwest lloydsbank americanexpress mastercard visa dhl fedex usps ups royalmail',
  'coinbase binance kraken kucoin bitfinex blockchain metamask myetherwallet trustwallet',
  'ledger trezor opensea uniswap pancakeswap etherscan phantom exodus',
]
  .join(' ')
  .split(' ')

// Registered domains the brands themselves own beyond `<brand>.<tld>`, whose labels would otherwise read
// as a brand embedded in a longer name.
const BRAND_OWNED_DOMAINS: ReadonlySet<string> = new Set(
  [
    'googleapis.com googleusercontent.com googlesource.com googlecode.com withgoogle.com',
    'googlevideo.com googletagmanager.com google-analytics.com githubusercontent.com',
    'githubassets.com githubapp.com dropboxusercontent.com dropboxstatic.com amazonwebservices.com',
    'amazontrust.com microsoftonline.com microsoftstore.com paypalobjects.com paypal-community.com',
    'facebookmail.com instagramstatic.com whatsappbrand.com linkedinmobileapp.com netflixinvestor.com',
    'spotifycdn.com adobelogin.com docusignhq.com yahooinc.com appleid.com applepay.com',
    'steamcommunity.com steampowered.com steamstatic.com discordapp.com discordapp.net',
  ]
    .join(' ')
    .split(' '),
)

/** A registered domain that a listed brand owns (googleapis.com): never a look-alike of it. */
export const isBrandOwned = (registeredDomain: string): boolean =>
  BRAND_OWNED_DOMAINS.has(registeredDomain)

const MIN_FUZZY_LENGTH = 6

// Visual confusables folded to one representative, applied to the brand and the candidate alike, so
// `paypa1`, `rnicrosoft` and a Cyrillic `раураl` all fold onto `paypal`/`microsoft`. Multi-character
// sequences first: `rn` reads as `m`, `vv` as `w`, `cl` as `d`.
const SEQUENCES: readonly (readonly [string, string])[] = [
  ['rn', 'm'],
  ['vv', 'w'],
  ['cl', 'd'],
]
const SINGLE: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  i: 'l',
  '!': 'l',
  '|': 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'l',
  ї: 'l',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ɡ: 'g',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'l',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  // Latin look-alikes that NFD does not decompose
  ı: 'l',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
  ŀ: 'l',
  ƅ: 'b',
  ɑ: 'a',
  ɩ: 'l',
  ʟ: 'l',
}
const COMBINING_MARKS = /\p{M}/gu

/** Confusable-folded form of a label: diacritics dropped, homoglyphs and digit look-alikes mapped. */
export const foldHomoglyphs = (label: string): string => {
  const stripped = label.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase()
  let out = ''
  for (const ch of stripped) out += SINGLE[ch] ?? ch
  for (const [from, to] of SEQUENCES) out = out.split(from).join(to)
  return out
}

/** Unicode form of a label (`xn--…` decoded); the label itself when it is not valid Punycode. */
export const unicodeLabel = (label: string): string =>
  label.startsWith('xn--') ? (punycodeDecode(label.slice(4)) ?? label) : label

/**
 * Optimal-string-alignment distance (edits plus adjacent swaps), giving up past `max`: the answer is then
 * `max + 1`. Labels are at most 63 characters, so the table is small; the early exit keeps a host with
 * many labels against many brands cheap.
 */
export const boundedEditDistance = (a: string, b: string, max: number): number => {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prevPrev: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prevPrev[j - 2] + 1)
      }
      row.push(d)
      if (d < rowMin) rowMin = d
    }
    if (rowMin > max) return max + 1
    prevPrev = prev
    prev = row
  }
  return prev[b.length]
}

export type BrandMatch = {
  brand: string
  /** The host label that matched, as written in the URL (Punycode when it was IDN). */
  label: string
  kind: 'homoglyph' | 'edit-distance' | 'embedded'
  distance: number
}

const FOLDED_BRANDS = BRANDS.map((brand) => ({ brand, folded: foldHomoglyphs(brand) }))
const brandSet = new Set(BRANDS)

const maxDistance = (brand: string): number => (brand.length >= 9 ? 2 : 1)

/**
 * How the registered-domain label imitates a brand, if it does: the same after folding homoglyphs
 * (`paypa1`, `rnicrosoft`, Cyrillic look-alikes), within one or two edits (`paypall`, `mircosoft`), or the
 * brand embedded in a longer label (`paypal-secure`). A label that is exactly a brand is the brand's own
 * site and never a match here; brand names in sub-domains are reported by the caller separately.
 */
export const brandLookalike = (label: string): BrandMatch | null => {
  if (brandSet.has(label) || label.length > 63) return null
  const unicode = unicodeLabel(label)
  const folded = foldHomoglyphs(unicode)
  let best: BrandMatch | null = null
  for (const { brand, folded: fb } of FOLDED_BRANDS) {
    if (folded === fb) return { brand, label, kind: 'homoglyph', distance: 0 }
    if (brand.length < MIN_FUZZY_LENGTH) continue
    const max = maxDistance(brand)
    const d = boundedEditDistance(folded, fb, max)
    if (d <= max && (best === null || d < best.distance)) {
      best = { brand, label, kind: 'edit-distance', distance: d }
    }
  }
  if (best) return best
  for (const { brand, folded: fb } of FOLDED_BRANDS) {
    if (brand.length >= MIN_FUZZY_LENGTH && folded.includes(fb)) {
      return { brand, label, kind: 'embedded', distance: folded.length - fb.length }
    }
  }
  return null
}

/** Brands named whole in labels other than the registered one (`paypal.com.account-check.net`). */
export const brandsInLabels = (labels: readonly string[]): string[] => {
  const found: string[] = []
  for (const label of labels) {
    for (const token of unicodeLabel(label).split('-')) {
      if (brandSet.has(token) && !found.includes(token)) found.push(token)
    }
  }
  return found
}
