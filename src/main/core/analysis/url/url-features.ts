import { AppError } from '#shared/contract'
import {
  brandLookalike,
  brandsInLabels,
  type BrandMatch,
  isBrandOwned,
  unicodeLabel,
} from './brand-lookalike'
import { registeredDomain } from './registered-domain'

/**
 * Longest URL analysed. Real URLs stay far below it (browsers and servers cut near 8 KiB-2 MiB); the cap
 * bounds the work on hostile input, and a longer string is refused by name instead of cut, since a cut
 * URL is a different URL.
 */
export const MAX_URL_LENGTH = 65_536

// Every feature the engine computes, in a fixed order: the model file names the ones it uses.
export const URL_FEATURE_NAMES = [
  'urlLength',
  'hostLength',
  'hostEntropy',
  'hostDigitRatio',
  'hostHyphens',
  'subdomainDepth',
  'longestHostLabel',
  'ipHost',
  'punycode',
  'mixedScriptHost',
  'suspiciousTld',
  'suspiciousWordsInHost',
  'brandLookalike',
  'brandHomoglyph',
  'brandInSubdomain',
  'shortener',
  'atInAuthority',
  'doubleSlashInPath',
  'explicitPort',
  'httpScheme',
  'pathLength',
  'pathDepth',
  'pathEntropy',
  'suspiciousWordsInPath',
  'queryLength',
  'queryParams',
  'percentEncoded',
  'executableExtension',
] as const
export type UrlFeatureName = (typeof URL_FEATURE_NAMES)[number]
export type UrlFeatures = Record<UrlFeatureName, number>

/** What the numbers rest on, for the explanation beside a verdict. */
export type UrlFacts = {
  url: string
  host: string
  registeredDomain: string
  brand: BrandMatch | null
  brandsInSubdomain: string[]
  suspiciousWords: string[]
  tld: string
}

// Words phishing pages put in host names and paths to look like a log-in or a payout. The crypto terms
// are here because wallet drainers are a large share of phishing today, not only of the training data.
const SUSPICIOUS_WORDS: readonly string[] = [
  'login signin logon verify verification secure security account update confirm password',
  'banking unlock suspend suspended recover recovery support billing invoice webscr authenticate',
  'wallet airdrop claim giveaway bonus reward connect validate validation restore sync seed',
  'metamask mint presale whitelist dapp',
]
  .join(' ')
  .split(' ')

// TLDs that abuse reports rank high for phishing per registration: cheap or free, little checking.
const SUSPICIOUS_TLDS: ReadonlySet<string> = new Set(
  [
    'tk ml ga cf gq xyz top club online site website space live icu buzz pw cc su ws vip work',
    'click link rest fit monster cyou sbs cfd quest bar casa loan win bid gdn men mom country',
    'kim science party review stream racing download accountant date faith trade cricket zip mov',
  ]
    .join(' ')
    .split(' '),
)

const SHORTENERS: ReadonlySet<string> = new Set(
  [
    'bit.ly bitly.com tinyurl.com t.co goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly shorturl.at',
    'rb.gy t.ly tiny.cc bl.ink lnkd.in s.id v.gd qrco.de trib.al shorte.st adf.ly short.io',
    'soo.gd clck.ru u.to x.co dlvr.it db.tt t.me wa.me linktr.ee',
  ]
    .join(' ')
    .split(' '),
)

const EXECUTABLE_EXTENSIONS = /\.(exe|scr|msi|bat|cmd|ps1|vbs|js|jar|apk|dmg|iso|lnk|hta|zip|rar)$/i

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** Shannon entropy in bits per character. */
export const shannonEntropy = (s: string): number => {
  if (s.length === 0) return 0
  const counts = new Map<string, number>()
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let h = 0
  const n = [...s].length
  for (const c of counts.values()) {
    const p = c / n
    h -= p * Math.log2(p)
  }
  return h
}

const countDigits = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) n++
  }
  return n
}

const wordsIn = (s: string): string[] => SUSPICIOUS_WORDS.filter((w) => s.includes(w))

const parse = (input: string): { url: URL; raw: string } => {
  if (input.length > MAX_URL_LENGTH) {
    throw new AppError(
      'payload_too_large',
      `url is ${input.length} characters long; at most ${MAX_URL_LENGTH} are analysed`,
      { field: 'url', length: input.length, max: MAX_URL_LENGTH },
    )
  }
  const trimmed = input.trim()
  // A bare host (`paypa1.com`) is how most lists carry phishing sites; read it as a web URL.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new AppError('invalid_input', `url is not a valid URL: '${trimmed.slice(0, 80)}'`, {
      field: 'url',
    })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('invalid_input', `url must be http or https, not '${url.protocol}'`, {
      field: 'url',
    })
  }
  if (url.hostname.length === 0) {
    throw new AppError('invalid_input', 'url has no host name', { field: 'url' })
  }
  if (url.hostname.length > 253) {
    throw new AppError(
      'invalid_input',
      `url's host name is ${url.hostname.length} characters long, more than 253`,
      { field: 'url' },
    )
  }
  return { url, raw: withScheme }
}

/** The authority as written: the WHATWG parser drops what an `@` hides, so read it from the input. */
const rawAuthority = (withScheme: string): string => {
  const rest = withScheme.slice(withScheme.indexOf('//') + 2)
  const end = rest.search(/[/?#\\]/)
  return end < 0 ? rest : rest.slice(0, end)
}

// ASCII letters beside non-ASCII ones in one label is the homograph attack's signature (`pаypal` with a
// Cyrillic а, `bestchañge`); a label wholly in another script is an ordinary IDN. Accented names
// (`blockflöte`) match too, which is why this is a weighted feature and not a verdict.
const mixesScripts = (label: string): boolean => {
  const u = unicodeLabel(label)
  return /[a-z]/.test(u) && /[^\p{ASCII}]/u.test(u)
}

/** Named lexical and host features of a URL (or a bare host), plus the facts behind them. */
export const extractUrlFeatures = (input: string): { features: UrlFeatures; facts: UrlFacts } => {
  const { url, raw } = parse(input)
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '')
  const ip = IPV4.test(host) || host.includes(':')
  const labels = ip ? [] : host.split('.')
  const reg = ip ? host : registeredDomain(host)
  const regLabel = ip ? '' : reg.split('.')[0]
  const subLabels = ip ? [] : labels.slice(0, labels.length - reg.split('.').length)
  const tld = ip ? '' : labels[labels.length - 1]
  const owned = ip || isBrandOwned(reg)
  const brand = owned ? null : brandLookalike(regLabel)
  const brandsInSubdomain = owned ? [] : brandsInLabels(subLabels).filter((b) => b !== regLabel)
  const path = url.pathname
  const query = url.search.replace(/^\?/, '')
  // Length, entropy, digits and hyphens are read on the host as people see it: `xn--uniswp-mta` is the
  // seven letters `uniswаp`, not fifteen characters with two hyphens.
  const shownHost = ip ? host : labels.map(unicodeLabel).join('.')
  const hostLetters = shownHost.replace(/\./g, '')
  const hostWords = wordsIn(host)
  const pathWords = wordsIn(decodeSafely(path + url.search).toLowerCase())
  const features: UrlFeatures = {
    urlLength: input.trim().length,
    hostLength: [...shownHost].length,
    // An address is all digits by nature: name features are 0 for it and ipHost speaks instead.
    hostEntropy: ip ? 0 : shannonEntropy(hostLetters),
    hostDigitRatio: ip ? 0 : countDigits(hostLetters) / Math.max(1, [...hostLetters].length),
    hostHyphens: shownHost.split('-').length - 1,
    subdomainDepth: subLabels.filter((l) => l !== 'www').length,
    longestHostLabel: shownHost.split('.').reduce((m, l) => Math.max(m, [...l].length), 0),
    ipHost: ip ? 1 : 0,
    punycode: labels.some((l) => l.startsWith('xn--')) ? 1 : 0,
    mixedScriptHost: labels.some(mixesScripts) ? 1 : 0,
    suspiciousTld: SUSPICIOUS_TLDS.has(tld) ? 1 : 0,
    suspiciousWordsInHost: hostWords.length,
    brandLookalike: brand !== null && brand.kind !== 'homoglyph' ? 1 : 0,
    brandHomoglyph: brand?.kind === 'homoglyph' ? 1 : 0,
    brandInSubdomain: brandsInSubdomain.length > 0 ? 1 : 0,
    shortener: SHORTENERS.has(host) || SHORTENERS.has(reg) ? 1 : 0,
    atInAuthority:
      url.username !== '' || url.password !== '' || rawAuthority(raw).includes('@') ? 1 : 0,
    doubleSlashInPath: path.slice(1).includes('//') ? 1 : 0,
    explicitPort: url.port !== '' ? 1 : 0,
    httpScheme: url.protocol === 'http:' ? 1 : 0,
    pathLength: path === '/' ? 0 : path.length,
    pathDepth: path.split('/').filter((s) => s !== '').length,
    pathEntropy: shannonEntropy(path === '/' ? '' : path),
    suspiciousWordsInPath: pathWords.length,
    queryLength: query.length,
    queryParams: query === '' ? 0 : query.split('&').length,
    percentEncoded: (input.match(/%[0-9a-f]{2}/gi) ?? []).length,
    executableExtension: EXECUTABLE_EXTENSIONS.test(path) ? 1 : 0,
  }
  return {
    features,
    facts: {
      url: url.href,
      host,
      registeredDomain: reg,
      brand,
      brandsInSubdomain,
      suspiciousWords: [...new Set([...hostWords, ...pathWords])],
      tld,
    },
  }
}

const decodeSafely = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
