import type { IocType } from '#shared/domain/enums'
import { createRandom, type Random } from './random'

/**
 * Realistic indicator rows for benchmarks: the type mix, value shapes (IDN domains, URLs with paths and
 * queries, mixed-case hashes, a few defanged values), tags and descriptions that feeds actually deliver.
 * Rows are produced lazily in batches so a 1M-row benchmark never holds 1M objects.
 */
export type GeneratedIndicator = {
  type: IocType
  value: string
  score: number
  confidence: number
  firstSeen: string
  tags: string[]
  description?: string
}

const WORDS = [
  'evil',
  'corp',
  'secure',
  'login',
  'update',
  'cdn',
  'mail',
  'bank',
  'pay',
  'account',
  'verify',
  'cloud',
  'micro',
  'soft',
  'office',
  'portal',
  'auth',
  'support',
  'service',
  'online',
  'shop',
  'drive',
  'docs',
  'static',
  'api',
  'track',
  'invoice',
  'delivery',
  'wallet',
  'crypto',
  'vpn',
  'remote',
  'admin',
  'panel',
] as const
const TLDS = [
  'com',
  'net',
  'org',
  'ru',
  'cn',
  'xyz',
  'top',
  'info',
  'io',
  'co',
  'de',
  'br',
  'in',
  'online',
] as const
const IDN_LABELS = [
  'пример',
  'банк',
  'почта',
  'bücher',
  'münchen',
  'café',
  'straße',
  '例え',
  '테스트',
  'δοκιμή',
] as const
const IDN_TLDS = ['рф', 'de', 'com', 'jp', 'kr', 'gr'] as const
const PATHS = [
  'wp-admin',
  'wp-content',
  'uploads',
  'admin',
  'login',
  'gate',
  'panel',
  'files',
  'dl',
  'bin',
  'js',
] as const
const FILES = [
  'index.php',
  'gate.php',
  'update.exe',
  'invoice.zip',
  'doc.js',
  'payload.bin',
  'a.sh',
  'load.ps1',
] as const
const FIRST_NAMES = [
  'john',
  'maria',
  'wei',
  'olga',
  'ahmed',
  'lena',
  'carlos',
  'yuki',
  'admin',
  'billing',
] as const
const TAGS = [
  'malware',
  'phishing',
  'c2',
  'botnet',
  'ransomware',
  'emotet',
  'qakbot',
  'cobalt-strike',
  'apt28',
  'apt29',
  'lazarus',
  'scanner',
  'tor-exit',
  'spam',
  'exploit',
  'loader',
  'stealer',
  'redline',
  'mirai',
  'asyncrat',
  'feed:urlhaus',
  'feed:threatfox',
  'feed:feodo',
  'feed:openphish',
  'tlp:amber',
  'campaign:2025-q3',
] as const
const DESCRIPTIONS = [
  'Command and control server for the Emotet botnet',
  'Phishing page impersonating a bank login portal',
  'Observed in a ransomware intrusion targeting the finance sector',
  'Payload delivery host used by a loader campaign',
  'Credential harvesting kit hosted on compromised WordPress site',
  'Scanner probing exposed VPN appliances',
  'Dropper hash reported by an incident response engagement',
  'Infostealer exfiltration endpoint',
  'Tor exit node seen in brute force attempts',
  'Malicious document macro downloading second stage',
] as const

const TYPE_MIX: readonly [IocType, number][] = [
  ['ip', 0.25],
  ['domain', 0.19],
  ['url', 0.2],
  ['sha256', 0.12],
  ['md5', 0.06],
  ['sha1', 0.05],
  ['ipv6', 0.04],
  ['email', 0.06],
  ['cve', 0.03],
]

const label = (r: Random): string => {
  const w = r.pick(WORDS)
  switch (r.int(4)) {
    case 0:
      return `${w}-${r.pick(WORDS)}`
    case 1:
      return `${w}${r.int(10000)}`
    case 2:
      return `${w}-${r.pick(WORDS)}${r.int(1000)}`
    default:
      return `${r.hex(2 + r.int(6))}${w}`
  }
}

const domain = (r: Random): string => {
  if (r.chance(0.03)) return `${r.pick(IDN_LABELS)}-${r.int(10000)}.${r.pick(IDN_TLDS)}`
  const base = `${label(r)}.${r.pick(TLDS)}`
  const d = r.chance(0.35) ? `${r.pick(WORDS)}.${base}` : base
  return r.chance(0.05) ? d.toUpperCase() : d
}

const ipv4 = (r: Random): string => {
  switch (r.int(5)) {
    case 0:
      return `203.0.${113 + r.int(8)}.${r.int(256)}`
    case 1:
      return `45.${r.int(256)}.${r.int(256)}.${r.int(256)}`
    case 2:
      return `185.${r.int(256)}.${r.int(256)}.${r.int(256)}`
    default:
      return `${1 + r.int(223)}.${r.int(256)}.${r.int(256)}.${r.int(256)}`
  }
}

const ipv6 = (r: Random): string => {
  const groups = Array.from({ length: 6 }, () => r.int(0x10000).toString(16))
  return r.chance(0.5)
    ? `2001:db8:${groups.slice(0, 2).join(':')}::${groups[2]}`
    : `2a02:${groups.join(':')}:1`
}

const url = (r: Random): string => {
  const scheme = r.chance(0.7) ? 'http' : 'https'
  const host = r.chance(0.15) ? ipv4(r) : domain(r).toLowerCase()
  const port = r.chance(0.1) ? `:${r.pick([8080, 8443, 443, 80, 2222])}` : ''
  const depth = r.int(3)
  const path = Array.from({ length: depth }, () => r.pick(PATHS)).join('/')
  const file = r.chance(0.7) ? r.pick(FILES) : `${r.hex(8)}`
  const query = r.chance(0.3) ? `?id=${r.int(100000)}&k=${r.hex(6)}` : ''
  const u = `${scheme}://${host}${port}/${path ? `${path}/` : ''}${file}${query}`
  return r.chance(0.03) ? u.replace(/^http/, 'hxxp').replace(/\./, '[.]') : u
}

const value = (r: Random, type: IocType): string => {
  switch (type) {
    case 'ip':
      return ipv4(r)
    case 'ipv6':
      return ipv6(r)
    case 'domain':
      return domain(r)
    case 'url':
      return url(r)
    case 'md5':
      return r.chance(0.2) ? r.hex(32).toUpperCase() : r.hex(32)
    case 'sha1':
      return r.hex(40)
    case 'sha256':
      return r.chance(0.1) ? r.hex(64).toUpperCase() : r.hex(64)
    case 'email':
      return `${r.pick(FIRST_NAMES)}.${label(r)}@${domain(r).toLowerCase()}`
    case 'cve':
      return `CVE-${2015 + r.int(11)}-${1000 + r.int(60000)}`
    default:
      return r.hex(16)
  }
}

const pickType = (r: Random): IocType => {
  let x = r.next()
  for (const [type, weight] of TYPE_MIX) {
    x -= weight
    if (x < 0) return type
  }
  return 'ip'
}

export type IndicatorGenerator = {
  next(): GeneratedIndicator
  /** Yields `total` rows in arrays of at most `size`. */
  batches(total: number, size: number): Generator<GeneratedIndicator[]>
  /** A random value shape of a type, for lookups/searches of things that do not exist. */
  value(type: IocType): string
}

export const createIndicatorGenerator = (seed = 42): IndicatorGenerator => {
  const r = createRandom(seed)
  const base = Date.parse('2025-01-01T00:00:00.000Z')
  const next = (): GeneratedIndicator => {
    const type = pickType(r)
    const tagCount = r.int(4)
    const tags: string[] = []
    for (let i = 0; i < tagCount; i++) {
      const t = r.pick(TAGS)
      if (!tags.includes(t)) tags.push(t)
    }
    const row: GeneratedIndicator = {
      type,
      value: value(r, type),
      score: r.int(101),
      confidence: r.int(101),
      firstSeen: new Date(base + r.int(300 * 86_400_000)).toISOString(),
      tags,
    }
    if (r.chance(0.3)) row.description = `${r.pick(DESCRIPTIONS)} (${r.pick(WORDS)} ${r.int(1000)})`
    return row
  }
  return {
    next,
    *batches(total, size) {
      for (let done = 0; done < total; done += size) {
        const n = Math.min(size, total - done)
        const batch: GeneratedIndicator[] = new Array<GeneratedIndicator>(n)
        for (let i = 0; i < n; i++) batch[i] = next()
        yield batch
      }
    },
    value: (type) => value(r, type),
  }
}
