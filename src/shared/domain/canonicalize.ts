import { canonicalEmail, canonicalUrl } from './canonicalize-url'
import { assertNever, type IocType } from './enums'
import { bitcoinProblem, ethereumProblem } from './crypto-address'
import { fileNameProblem } from './file-name'
import { canonicalHost } from './host-name'
import {
  formatIPv4,
  formatIPv6,
  maskIPv4,
  maskIPv6,
  parseIPv4,
  parseIPv6,
  splitHostPort,
} from './ip-address'
import {
  Invalid,
  MAX_FREE_TEXT_LENGTH,
  MAX_VALUE_LENGTH,
  type ParseResult,
  cleanValue,
  fail,
  invalid,
  isControl,
  quote,
  quoteChar,
} from './parse-result'
import { refang } from './refang'

/** How reasons name each type: "'x' is not a valid <label>: why". */
export const IOC_TYPE_LABELS: Record<IocType, string> = {
  ip: 'IPv4 address',
  ipv6: 'IPv6 address',
  cidr: 'CIDR network',
  domain: 'domain',
  url: 'URL',
  md5: 'MD5 hash',
  sha1: 'SHA-1 hash',
  sha256: 'SHA-256 hash',
  sha512: 'SHA-512 hash',
  email: 'email address',
  cve: 'CVE id',
  'attack-technique': 'ATT&CK technique id',
  'registry-key': 'registry key',
  mutex: 'mutex name',
  'bitcoin-address': 'bitcoin address',
  'ethereum-address': 'Ethereum address',
  'file-name': 'file name',
  custom: 'custom value',
}

const HASH_LENGTHS = { md5: 32, sha1: 40, sha256: 64, sha512: 128 } as const
const HASH_BY_LENGTH: Record<number, string> = {
  32: 'MD5',
  40: 'SHA-1',
  64: 'SHA-256',
  128: 'SHA-512',
}

const portHint = (s: string): Invalid | null => {
  const { port } = splitHostPort(s)
  return port === null ? null : invalid(`it includes port ${port} (split host and port first)`)
}

const ip = (v: string): string | Invalid => {
  const s = refang(v)
  if (s.includes(':')) {
    const { host } = splitHostPort(s)
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
    if (!(parseIPv6(bare) instanceof Invalid))
      return invalid('it is an IPv6 address (use type ipv6)')
    const hint = portHint(s)
    if (hint !== null) return hint
  }
  const n = parseIPv4(s)
  // Leading zeros are refused, so text that parses is already canonical: no new string needed.
  return n instanceof Invalid ? n : s
}

const ipv6 = (v: string): string | Invalid => {
  let s = refang(v)
  if (s.startsWith('[')) {
    const close = s.indexOf(']')
    if (close < 0) return invalid(`it has an unclosed '['`)
    const after = s.slice(close + 1)
    if (after !== '') {
      const hint = portHint(s)
      return hint ?? invalid(`unexpected '${after.slice(0, 20)}' after ']'`)
    }
    s = s.slice(1, close)
  }
  const pct = s.indexOf('%')
  if (pct >= 0) {
    return invalid(
      `zone id '${s.slice(pct, pct + 20)}' names an interface on one machine and is not part of the address; remove it`,
    )
  }
  if (!s.includes(':')) {
    return parseIPv4(s) instanceof Invalid
      ? invalid("it has no ':'")
      : invalid('it is an IPv4 address (use type ip)')
  }
  const g = parseIPv6(s)
  return g instanceof Invalid ? g : formatIPv6(g)
}

/**
 * CIDR networks are stored as their network address: `10.1.2.3/8` becomes `10.0.0.0/8`. Feeds write host
 * bits by mistake or to mean "the /8 around this host"; either way the block they describe is the network,
 * and dedup, containment checks and STIX `ipv4-addr` values all need one spelling per block.
 */
const cidr = (v: string): string | Invalid => {
  const s = refang(v)
  const slash = s.indexOf('/')
  if (slash < 0) return invalid(`it has no '/prefix' (a single address is type ip or ipv6)`)
  let addr = s.slice(0, slash)
  const prefixText = s.slice(slash + 1)
  if (addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1)
  if (!/^[0-9]{1,3}$/.test(prefixText)) {
    return invalid(`prefix '${prefixText.slice(0, 20)}' is not a number`)
  }
  const prefix = Number(prefixText)
  if (addr.includes(':')) {
    if (addr.includes('%'))
      return invalid('the address has a zone id, which is not part of a network')
    if (prefix > 128) return invalid(`prefix /${prefix} is out of range 0-128 for IPv6`)
    const g = parseIPv6(addr)
    if (g instanceof Invalid)
      return invalid(`address '${addr.slice(0, 60)}' is not valid IPv6: ${g.why}`)
    return `${formatIPv6(maskIPv6(g, prefix))}/${prefix}`
  }
  if (prefix > 32) return invalid(`prefix /${prefix} is out of range 0-32 for IPv4`)
  const n = parseIPv4(addr)
  if (n instanceof Invalid)
    return invalid(`address '${addr.slice(0, 60)}' is not valid IPv4: ${n.why}`)
  return `${formatIPv4(maskIPv4(n, prefix))}/${prefix}`
}

const domain = (v: string): string | Invalid => {
  const s = refang(v)
  if (s.includes('://')) return invalid('it is a URL (use type url)')
  if (s.includes('/')) return invalid(`it contains '/', and a domain has no path (use type url)`)
  if (s.includes('@')) return invalid(`it contains '@' (an email address is type email)`)
  if (s.includes(':')) {
    const hint = portHint(s)
    if (hint !== null) return hint
    if (!(parseIPv6(s) instanceof Invalid))
      return invalid('it is an IPv6 address, not a domain (use type ipv6)')
  }
  return canonicalHost(s, 2)
}

const hash = (v: string, length: number): string | Invalid => {
  let upper = false
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue
    if (c >= 65 && c <= 70) {
      upper = true
      continue
    }
    return invalid(`character ${quoteChar(v[i] ?? '')} at position ${i + 1} is not a hex digit`)
  }
  if (v.length !== length) {
    const other = HASH_BY_LENGTH[v.length]
    const hint =
      other === undefined ? '' : ` (that length is ${other === 'MD5' ? 'an' : 'a'} ${other} hash)`
    return invalid(`expected ${length} hex characters, got ${v.length}${hint}`)
  }
  return upper ? v.toLowerCase() : v
}

// PDFs and word processors turn '-' into typographic dashes; a CVE id copied from a report keeps them.
const DASHES = /[\u2010-\u2015\u2212]/g
const CVE = /^CVE-([0-9]{4})-([0-9]+)$/

const cve = (v: string): string | Invalid => {
  const s = v.toUpperCase().replace(DASHES, '-')
  const m = CVE.exec(s)
  if (m === null) return invalid('expected CVE-YYYY-NNNN (like CVE-2021-44228)')
  const year = Number(m[1])
  if (year < 1999) return invalid(`year ${year} is before 1999, when CVE ids began`)
  if (year > 2100) return invalid(`year ${year} is after 2100`)
  const seq = m[2] ?? ''
  if (seq.length < 4) return invalid(`sequence number '${seq}' has fewer than 4 digits`)
  if (seq.length > 19) return invalid(`sequence number has ${seq.length} digits, more than 19`)
  return s
}

const TECHNIQUE = /^T[0-9]{4}(?:\.[0-9]{3})?$/
const TACTIC = /^TA[0-9]{4}$/

const attackTechnique = (v: string): string | Invalid => {
  const s = v.toUpperCase()
  if (TECHNIQUE.test(s)) return s
  if (TACTIC.test(s)) {
    return invalid(
      `${s} is an ATT&CK tactic, not a technique (techniques look like T1059 or T1059.001)`,
    )
  }
  return invalid('expected T followed by 4 digits, optionally .NNN (like T1059 or T1059.001)')
}

/** STIX `windows-registry-key.key` refuses abbreviated hives, so they are always written out. */
const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
  HKEY_LOCAL_MACHINE: 'HKEY_LOCAL_MACHINE',
  HKEY_CURRENT_USER: 'HKEY_CURRENT_USER',
  HKEY_CLASSES_ROOT: 'HKEY_CLASSES_ROOT',
  HKEY_USERS: 'HKEY_USERS',
  HKEY_CURRENT_CONFIG: 'HKEY_CURRENT_CONFIG',
  HKEY_PERFORMANCE_DATA: 'HKEY_PERFORMANCE_DATA',
}
// Kernel paths (Sysmon, ETW) name the same hives differently.
const KERNEL_ROOTS: Array<[RegExp, string]> = [
  [/^\\REGISTRY\\MACHINE(?=\\|$)/i, 'HKEY_LOCAL_MACHINE'],
  [/^\\REGISTRY\\USER(?=\\|$)/i, 'HKEY_USERS'],
]

const registryKey = (v: string): string | Invalid => {
  // regedit's "Copy key name" prefixes "Computer\"; escaped sources double every backslash.
  let s = v.replace(/^Computer\\+/i, '').replace(/\\{2,}/g, '\\')
  for (const [re, hive] of KERNEL_ROOTS) s = s.replace(re, hive)
  const sep = s.indexOf('\\')
  let hiveText = sep < 0 ? s : s.slice(0, sep)
  // PowerShell's drive form: HKLM:\Software
  if (hiveText.endsWith(':')) hiveText = hiveText.slice(0, -1)
  const hive = HIVES[hiveText.toUpperCase()]
  if (hive === undefined) {
    return invalid(
      `it does not start with a registry hive (HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, HKEY_USERS, HKEY_CURRENT_CONFIG or HKLM, HKCU, HKCR, HKU, HKCC)`,
    )
  }
  let rest = sep < 0 ? '' : s.slice(sep)
  while (rest.endsWith('\\')) rest = rest.slice(0, -1)
  for (let i = 0; i < rest.length; i++) {
    if (isControl(rest.charCodeAt(i))) {
      return invalid(
        `control character ${quoteChar(rest[i] ?? '')} at position ${hive.length + i + 1}`,
      )
    }
  }
  return `${hive}${rest}`
}

const freeText = (v: string): string | Invalid => {
  if (v.length > MAX_FREE_TEXT_LENGTH) {
    return invalid(`it is ${v.length} characters long, more than ${MAX_FREE_TEXT_LENGTH}`)
  }
  for (let i = 0; i < v.length; i++) {
    if (isControl(v.charCodeAt(i))) {
      return invalid(`control character ${quoteChar(v[i] ?? '')} at position ${i + 1}`)
    }
  }
  return v
}

/** Bech32 is lower-cased (BIP 173: case carries nothing); Base58's case is the value itself. */
const bitcoin = (v: string): string | Invalid => {
  const why = bitcoinProblem(v)
  if (why !== null) return invalid(why)
  return v.charCodeAt(0) === 49 || v.charCodeAt(0) === 51 ? v : v.toLowerCase()
}

/** Lower case: EIP-55's mixed case is a display checksum over the same 20 bytes (checked, then dropped). */
const ethereum = (v: string): string | Invalid => {
  const why = ethereumProblem(v)
  return why === null ? `0x${v.slice(2).toLowerCase()}` : invalid(why)
}

/** File names keep their case: Linux names are case-sensitive, and the analyst reads them as written. */
const fileName = (v: string): string | Invalid => {
  const why = fileNameProblem(v)
  return why === null ? v : invalid(why)
}

const canonicalText = (type: IocType, v: string): string | Invalid => {
  switch (type) {
    case 'ip':
      return ip(v)
    case 'ipv6':
      return ipv6(v)
    case 'cidr':
      return cidr(v)
    case 'domain':
      return domain(v)
    case 'url':
      return canonicalUrl(refang(v))
    case 'email':
      return canonicalEmail(refang(v))
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return hash(v, HASH_LENGTHS[type])
    case 'cve':
      return cve(v)
    case 'attack-technique':
      return attackTechnique(v)
    case 'registry-key':
      return registryKey(v)
    case 'bitcoin-address':
      return bitcoin(v)
    case 'ethereum-address':
      return ethereum(v)
    case 'file-name':
      return fileName(v)
    case 'mutex':
    case 'custom':
      return freeText(v)
    default:
      return assertNever(type, 'IOC type')
  }
}

// A failed result keeps the input for the reject list; a hostile 100 KB line is cut so rejects stay small.
const REJECT_VALUE_LIMIT = 1024

/** Canonicalise a value that `cleanValue` has already trimmed (used by detection to avoid doing it twice). */
export const canonicalizeClean = (type: IocType, value: string): ParseResult => {
  const label = IOC_TYPE_LABELS[type]
  if (value.length === 0) return fail(value, `the ${label} is empty`, type)
  if (value.length > MAX_VALUE_LENGTH) {
    return fail(
      `${value.slice(0, REJECT_VALUE_LIMIT)}…`,
      `${quote(value)} is not a valid ${label}: it is ${value.length} characters long, more than ${MAX_VALUE_LENGTH}`,
      type,
    )
  }
  const out = canonicalText(type, value)
  if (out instanceof Invalid)
    return fail(value, `${quote(value)} is not a valid ${label}: ${out.why}`, type)
  return { ok: true, type, value: out }
}

/**
 * The one canonical spelling of an indicator value of a given type, or the reason it is not one. Surrounding
 * whitespace and zero-width characters are removed first; network types are refanged.
 */
export const canonicalize = (type: IocType, raw: string): ParseResult =>
  canonicalizeClean(type, cleanValue(raw))
