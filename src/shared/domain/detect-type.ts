import { IOC_TYPE_LABELS, canonicalizeClean } from './canonicalize'
import { mangledSchemeReason } from './canonicalize-url'
import type { IocType } from './enums'
import { isUnambiguousFileName } from './file-name'
import { MAX_VALUE_LENGTH, type ParseResult, cleanValue, fail, quote } from './parse-result'
import { refang } from './refang'
import { TLDS } from './tld-list'

const HASH_TYPES: Record<number, IocType> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' }

const isHex = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

const isSchemeChar = (c: number, first: boolean): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (!first && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46))

/** `scheme://` at the start (any RFC 3986 scheme). */
export const hasUrlScheme = (s: string): boolean => {
  let i = 0
  while (i < s.length && i < 64 && isSchemeChar(s.charCodeAt(i), i === 0)) i++
  return i > 0 && s.startsWith('://', i)
}

// Characters that never appear in an email address as analysts write them (quoted local parts aside).
const NOT_IN_EMAIL = /[\s/\\:<>()[\],;"']/

const looksLikeEmail = (s: string): boolean => {
  const body = s.length > 7 && s.slice(0, 7).toLowerCase() === 'mailto:' ? s.slice(7) : s
  const at = body.indexOf('@')
  if (at <= 0 || at !== body.lastIndexOf('@')) return false
  const dot = body.indexOf('.', at)
  return dot > at + 1 && dot < body.length - 1 && !NOT_IN_EMAIL.test(body)
}

const CIDR_SHAPE = /^\[?[0-9a-fA-F:.]+\]?\/[0-9]+$/
const IPV6_SHAPE = /^\[?[0-9a-fA-F:.]+(?:%[^\s\]]*)?(?:\]:?[0-9]*)?$/
const IPV4_SHAPE = /^[0-9.]+(?::[0-9]*)?$/
const REGISTRY_SHAPE =
  /^(?:computer\\+)?(?:HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC):?(?:\\|$)|^\\REGISTRY\\/i
// Letters of any script, digits, '-', '_', '*' (to explain wildcards) and dots, including the full-width
// dots UTS #46 maps to '.'.
const DOMAIN_SHAPE =
  /^[\p{L}\p{M}\p{N}_*-]+(?:[.\u3002\uff0e\uff61][\p{L}\p{M}\p{N}_*-]+)+[.\u3002\uff0e\uff61]?$/u

const BASE58_SHAPE = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/
const BECH32_SHAPE = /^bc1[0-9a-z]{11,71}$/i

/** Shaped like a wallet: detection says so even when the checksum fails, so the reject names the checksum. */
const cryptoShape = (v: string): IocType | null => {
  if (v.length === 42 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) | 0x20) === 120) {
    return isHex(v.slice(2)) ? 'ethereum-address' : null
  }
  return BASE58_SHAPE.test(v) || BECH32_SHAPE.test(v) ? 'bitcoin-address' : null
}

const countColons = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 58) n++
  return n
}

/** Detect the type of a value `cleanValue` has already trimmed. */
export const detectClean = (v: string): IocType | null => {
  const len = v.length
  if (len === 0 || len > MAX_VALUE_LENGTH) return null
  const hashType = HASH_TYPES[len]
  if (hashType !== undefined && isHex(v)) return hashType
  const c0 = v.charCodeAt(0) | 0x20
  if (c0 === 99 && len > 4 && /^cve[-\u2010-\u2015][0-9]/i.test(v)) return 'cve'
  if (c0 === 116 && len <= 10 && /^TA?[0-9]{4}(?:\.[0-9]{3})?$/i.test(v)) return 'attack-technique'
  // Wallets start with 1, 3, bc1 or 0x: the first character keeps every other value off the regexes.
  if (len >= 14 && len <= 74 && (c0 === 0x31 || c0 === 0x33 || c0 === 0x62 || c0 === 0x30)) {
    const wallet = cryptoShape(v)
    if (wallet !== null) return wallet
  }

  const s = refang(v)
  if (looksLikeEmail(s)) return 'email'
  if (hasUrlScheme(s)) return 'url'
  if (s.includes('/')) return CIDR_SHAPE.test(s) ? 'cidr' : null
  if (countColons(s) >= 2 && IPV6_SHAPE.test(s)) return 'ipv6'
  if (IPV4_SHAPE.test(s) && s.includes('.')) return 'ip'
  if (REGISTRY_SHAPE.test(s)) return 'registry-key'
  if (DOMAIN_SHAPE.test(s)) return isUnambiguousFileName(s, TLDS) ? 'file-name' : 'domain'
  return null
}

/**
 * Which type a value most likely is, or null. Order matters: hashes (hex of an exact length), CVE, ATT&CK,
 * bitcoin and Ethereum addresses (by shape), email, URL (a scheme, also defanged hxxp://), CIDR, IPv6, IPv4
 * (with a port, so the reject can say so), registry key, file name (an extension that is not also a TLD:
 * invoice.exe, not setup.zip), domain. Mutex and custom values are never guessed.
 */
export const detectType = (raw: string): IocType | null => detectClean(cleanValue(raw))

const typeHint = (v: string): string => {
  const mangled = mangledSchemeReason(v)
  if (mangled !== null) return `: ${mangled}`
  const slash = v.indexOf('/')
  if (slash > 0 && !/\s/.test(v) && DOMAIN_SHAPE.test(refang(v.slice(0, slash)))) {
    return ': it looks like a URL without a scheme; add http:// or choose type url'
  }
  if (isHex(v) && v.length >= 16) {
    return `: ${v.length} hex characters is not an MD5 (32), SHA-1 (40), SHA-256 (64) or SHA-512 (128) hash`
  }
  return ''
}

/**
 * Detect then canonicalise. With `type`, detection is skipped (and only then does a URL without a scheme
 * get `http://`).
 */
export const parseIndicator = (raw: string, type?: IocType): ParseResult => {
  const v = cleanValue(raw)
  if (type !== undefined) return canonicalizeClean(type, v)
  if (v.length === 0) return fail(v, 'the value is empty')
  if (v.length > MAX_VALUE_LENGTH) {
    return fail(
      `${v.slice(0, 1024)}…`,
      `${quote(v)} is ${v.length} characters long, more than ${MAX_VALUE_LENGTH}`,
    )
  }
  const detected = detectClean(v)
  if (detected === null) return fail(v, `could not tell the type of ${quote(v)}${typeHint(v)}`)
  return canonicalizeClean(detected, v)
}

/** Human label of a type, as reasons use it ("IPv4 address"). */
export const iocTypeLabel = (type: IocType): string => IOC_TYPE_LABELS[type]
