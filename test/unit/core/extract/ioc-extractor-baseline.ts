import { type IOCKey, extractIOC } from 'ioc-extractor'
import { canonicalValue } from '#core/extract/canonicalise-item'
import type { ExtractKind } from '#core/extract/extract-types'

// ioc-extractor's findings in our terms: its keys mapped to our kinds, each value canonicalised the way our
// engine canonicalises (so "EVIL.COM" and "evil.com" compare equal). Values our canonicaliser refuses are
// kept as written: they are findings all the same, and wrong ones.

const KIND_OF_KEY: readonly (readonly [IOCKey, ExtractKind])[] = [
  ['ipv4s', 'ip'],
  ['ipv6s', 'ipv6'],
  ['domains', 'domain'],
  ['urls', 'url'],
  ['emails', 'email'],
  ['md5s', 'md5'],
  ['sha1s', 'sha1'],
  ['sha256s', 'sha256'],
  ['sha512s', 'sha512'],
  ['cves', 'cve'],
  ['btcs', 'bitcoin-address'],
  ['eths', 'ethereum-address'],
]

/** Its keys for kinds we do not extract (ASNs, MAC addresses, ssdeep, Monero, Google Analytics ids). */
export const UNCOMPARED_KEYS: readonly IOCKey[] = [
  'asns',
  'gaPubIDs',
  'gaTrackIDs',
  'macAddresses',
  'ssdeeps',
  'xmrs',
]

export const baselineFindings = (text: string): string[] => {
  const ioc = extractIOC(text)
  const out = new Set<string>()
  for (const [key, kind] of KIND_OF_KEY) {
    for (const raw of ioc[key]) {
      // Its IPv6 values keep a zone id ("%eth0"); the address is the same one we report.
      const v = kind === 'ipv6' && raw.includes('%') ? raw.slice(0, raw.indexOf('%')) : raw
      out.add(`${kind} ${canonicalValue(kind, v) ?? v}`)
    }
  }
  return [...out].sort()
}

export type Verdict = { finding: string; reason: string }

/**
 * Why one of its findings is not in a case's expected set, or null when the finding is one we report in
 * another form (the domain of an e-mail address, which we report as the address).
 */
export const judgeExtra = (
  finding: string,
  expected: ReadonlySet<string>,
  why: string | undefined,
): string | null => {
  const space = finding.indexOf(' ')
  const kind = finding.slice(0, space)
  const value = finding.slice(space + 1)
  const all = [...expected]
  if (kind === 'domain' && all.some((e) => e.startsWith('email ') && e.endsWith(`@${value}`))) {
    return null
  }
  if (kind === 'url' && all.some((e) => e.startsWith('url ') && value.startsWith(e.slice(4)))) {
    return 'kept the punctuation or bracket after the URL'
  }
  if (
    kind === 'domain' &&
    all.some((e) => e === `file-name ${value}` || e.toLowerCase() === `file-name ${value}`)
  ) {
    return 'a file name read as a domain'
  }
  if (kind === 'domain' && all.some((e) => e.startsWith('domain ') && e.endsWith(value))) {
    return 'cut a longer host short (an IDN or "_" label)'
  }
  if ((kind === 'ip' || kind === 'ipv6') && all.some((e) => e.startsWith('cidr '))) {
    return "a CIDR network's base address read as a host"
  }
  if (kind === 'ip' && all.some((e) => e.startsWith('ipv6 ::ffff:'))) {
    return 'the IPv4 part of an IPv4-mapped IPv6 address'
  }
  if (
    kind === 'email' &&
    all.some((e) => e.startsWith('url ') && e.includes(`${value.split('@')[0] ?? ''}@`))
  ) {
    return "a URL's user:password read as an e-mail address"
  }
  if (kind === 'domain' && all.some((e) => e.startsWith('url ') && e.includes(value))) {
    return 'a name inside a URL path or query read as a domain'
  }
  return why ?? 'not an indicator in this text'
}
