import { punycodeEncode } from '#shared/domain'
import { canonicalValue } from './canonicalise-item'
import type { ExtractKind } from './extract-types'
import { FILE_EXTENSIONS, NOT_INDICATORS } from './file-extensions'
import { wasDefanged } from './refang-line'
import type { ScanContext } from './scan-context'
import * as chars from './scan-context'
import { TLDS } from './tld-list'

// Matchers for one "piece": a run of text between delimiters that no indicator outside a URL or registry
// key contains (spaces, quotes, brackets, commas, '='). Each decides by shape first, with loops over char
// codes, and only then pays for canonicalisation.

const HASH_KIND: Record<number, ExtractKind> = {
  32: 'md5',
  40: 'sha1',
  64: 'sha256',
  128: 'sha512',
}
// Special-use names that are not in the root zone but are indicators all the same (RFC 7686 .onion).
const EXTRA_TLDS = new Set(['onion'])
// A dotted quad after one of these words is a version ("version 1.2.3.4", "build 10.0.0.1"), not an
// address. Written defanged ("version 1.2.3[.]4") it is an address: someone meant it as one.
const VERSION_WORDS = new Set([
  'v',
  'ver',
  'version',
  'versions',
  'build',
  'release',
  'firmware',
  'fw',
  'rev',
  'revision',
  'patch',
])
const MAX_PIECE = 2048

const CVE = /^CVE[-\u2010-\u2015\u2212][0-9]{4}[-\u2010-\u2015\u2212][0-9]{4,19}$/i
const TECHNIQUE = /^T[0-9]{4}(?:\.[0-9]{3})?$/
const TACTIC = /^TA[0-9]{4}$/
const CIDR_V4 = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}\/[0-9]{1,2}$/
const CIDR_V6 = /^[0-9a-fA-F:.]+\/[0-9]{1,3}$/

// Bound once at load: under tsx (tests, benchmarks) every use of an imported name is a getter call, and
// these are used per character or per token.
const { CHAR_CLASS: CLASS, DIGIT, HEX, LETTER, isAsciiLetter, isDigit, isLabelChar } = chars

const edgeTable = (chars: string): Uint8Array => {
  const t = new Uint8Array(128)
  for (const ch of chars) t[ch.charCodeAt(0)] = 1
  return t
}
// Punctuation prose puts around a value, as tables of ASCII codes.
const LEADING = edgeTable(".,;:!?-#~$%&*+'([{")
const TRAILING = edgeTable(".,;:!?-_#~')]}*")
// A piece keeps a leading ':' ("::1") and '%' ("%APPDATA%\\x.exe" is cut by the path matcher).
const PIECE_LEADING = edgeTable(".,;!?-#~$&*+'")

const isEdge = (t: Uint8Array, c: number): boolean => c < 128 && t[c] === 1

/** Start of [from, to) without the punctuation prose puts before a value. */
const trimStart = (s: string, from: number, to: number, lead = LEADING): number => {
  let a = from
  while (a < to && isEdge(lead, s.charCodeAt(a))) a++
  return a
}

/** End of [from, to) without the punctuation prose puts after a value. */
const trimEnd = (s: string, from: number, to: number): number => {
  let b = to
  while (b > from && isEdge(TRAILING, s.charCodeAt(b - 1))) b--
  return b
}

const emitIf = (
  ctx: ScanContext,
  kind: ExtractKind,
  raw: string,
  a: number,
  b: number,
): boolean => {
  const value = canonicalValue(kind, raw)
  if (value === null) return false
  ctx.emit(kind, value, a, b)
  return true
}

export const isKnownTld = (tld: string): boolean => {
  if (TLDS.has(tld) || EXTRA_TLDS.has(tld)) return true
  for (let i = 0; i < tld.length; i++) {
    if (tld.charCodeAt(i) >= 0x80) return TLDS.has(`xn--${punycodeEncode(tld.normalize('NFC'))}`)
  }
  return false
}

const previousWord = (s: string, before: number): string => {
  let e = before
  while (e > 0) {
    const c = s.charCodeAt(e - 1)
    if (c === 32 || c === 9 || c === 58 || c === 61 || c === 35 || c === 40) e--
    else break
  }
  let b = e
  while (b > 0 && isAsciiLetter(s.charCodeAt(b - 1))) b--
  return s.slice(b, e).toLowerCase()
}

/** A file name: a name and an extension from the list ("invoice.exe", "report.final.pdf"). */
export const matchFileName = (ctx: ScanContext, from: number, to: number): boolean => {
  const text = ctx.line.text
  const a = trimStart(text, from, to)
  const b = trimEnd(text, a, to)
  const s = text.slice(a, b)
  const dot = s.lastIndexOf('.')
  if (dot <= 0 || dot === s.length - 1) return false
  if (!FILE_EXTENSIONS.has(s.slice(dot + 1).toLowerCase())) return false
  if (NOT_INDICATORS.has(s.toLowerCase())) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!(isLabelChar(c) || c === 46 || c === 36 || c === 126 || c === 64)) return false
  }
  return emitIf(ctx, 'file-name', s, a, b)
}

/** A dotted word: a domain when its TLD is real (or it was defanged), a file name when it ends in one. */
const matchDotted = (
  ctx: ScanContext,
  a: number,
  b: number,
  s: string,
  hostOnly: boolean,
): boolean => {
  const dot = s.lastIndexOf('.')
  if (dot <= 0) return false
  const tldRaw = s.slice(dot + 1)
  const tld = tldRaw.toLowerCase()
  const defanged = wasDefanged(ctx.line, a, b)
  if (NOT_INDICATORS.has(s.toLowerCase())) return false
  if (!hostOnly && !defanged && FILE_EXTENSIONS.has(tld)) return matchFileName(ctx, a, b)
  if (!defanged) {
    if (!isKnownTld(tld)) return false
    // "done.It": a sentence run into the next one, not a host in Italy.
    const before = s.charCodeAt(dot - 1)
    if (/^[A-Z][a-z]+$/.test(tldRaw) && before >= 97 && before <= 122) return false
  }
  return emitIf(ctx, 'domain', s, a, b)
}

/**
 * A piece with none of '@', '/', '\', ':': a hash, CVE, ATT&CK id, wallet, IPv4 address, domain or file
 * name. `hostOnly` keeps it to addresses and domains (the first segment of "evil.com/path").
 */
export const matchPlain = (
  ctx: ScanContext,
  from: number,
  to: number,
  hostOnly = false,
): boolean => {
  const text = ctx.line.text
  const a = trimStart(text, from, to)
  const b = trimEnd(text, a, to)
  const len = b - a
  if (len < 3 || len > 253) return false
  let hex = true
  let digitsDots = true
  let dotted = true
  let dots = 0
  let dashes = 0
  let letters = true
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i)
    if (c === 46) {
      dots++
      hex = false
      letters = false
      continue
    }
    const k = c < 128 ? (CLASS[c] ?? 0) : 0
    if ((k & HEX) === 0) hex = false
    if ((k & LETTER) === 0) letters = false
    if ((k & DIGIT) === 0) {
      if (c === 45) dashes++
      else digitsDots = false
    }
    if (k === 0 && c !== 45 && c !== 95 && !isLabelChar(c)) dotted = false
  }
  // A word: nothing it could be but a hash spelled in the letters a-f.
  if (letters && !(hex && HASH_KIND[len] !== undefined)) return false
  const s = text.slice(a, b)
  if (digitsDots) {
    if (dashes > 0) {
      // A range written "10.0.0.1-10.0.0.9".
      const dash = s.indexOf('-')
      const l = matchPlain(ctx, a, a + dash)
      const r = matchPlain(ctx, a + dash + 1, b)
      return l || r
    }
    if (dots !== 3) return false
    if (!wasDefanged(ctx.line, a, b) && VERSION_WORDS.has(previousWord(text, a))) return false
    return emitIf(ctx, 'ip', s, a, b)
  }
  if (hostOnly) return dotted && dots > 0 && matchDotted(ctx, a, b, s, true)
  const hashKind = HASH_KIND[len]
  if (hex && hashKind !== undefined) return emitIf(ctx, hashKind, s, a, b)
  const c0 = text.charCodeAt(a)
  if (len === 42 && c0 === 48) return emitIf(ctx, 'ethereum-address', s, a, b)
  if ((c0 | 0x20) === 99 && CVE.test(s)) return emitIf(ctx, 'cve', s, a, b)
  if (c0 === 84) {
    if (TECHNIQUE.test(s)) return emitIf(ctx, 'attack-technique', s, a, b)
    if (TACTIC.test(s)) return emitIf(ctx, 'attack-tactic', s, a, b)
  }
  if (dots === 0) {
    if (((c0 === 49 || c0 === 51) && len >= 26 && len <= 35) || /^bc1/i.test(s)) {
      return emitIf(ctx, 'bitcoin-address', s, a, b)
    }
    return false
  }
  return dotted && matchDotted(ctx, a, b, s, false)
}

const NOT_IN_LOCAL_PART = (c: number): boolean =>
  !(isAsciiLetter(c) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45)

const matchEmail = (ctx: ScanContext, from: number, to: number, at: number): boolean => {
  const text = ctx.line.text
  let ls = at
  while (ls > from && !NOT_IN_LOCAL_PART(text.charCodeAt(ls - 1))) ls--
  while (ls < at && text.charCodeAt(ls) === 46) ls++
  let de = at + 1
  while (de < to && (isLabelChar(text.charCodeAt(de)) || text.charCodeAt(de) === 46)) de++
  while (de > at + 1 && (text.charCodeAt(de - 1) === 46 || text.charCodeAt(de - 1) === 45)) de--
  if (ls === at) return matchPlain(ctx, at + 1, to)
  const domain = text.slice(at + 1, de)
  const dot = domain.lastIndexOf('.')
  if (dot <= 0) return false
  if (!isKnownTld(domain.slice(dot + 1).toLowerCase()) && !wasDefanged(ctx.line, ls, de))
    return false
  return emitIf(ctx, 'email', text.slice(ls, de), ls, de)
}

const isIPv6Shape = (s: string): boolean => {
  let colons = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 58) colons++
    else if (!(c < 128 && ((CLASS[c] ?? 0) & HEX) !== 0) && c !== 46) return false
  }
  return colons >= 2
}

const matchColon = (ctx: ScanContext, a: number, b: number): boolean => {
  const text = ctx.line.text
  const s = text.slice(a, b)
  // A zone id ("fe80::1%eth0") names an interface on one machine; the address is what is extracted.
  const pct = s.indexOf('%')
  const addr = pct >= 0 ? s.slice(0, pct) : s
  if (isIPv6Shape(addr) && /[0-9a-fA-F]/.test(addr)) {
    if (emitIf(ctx, 'ipv6', addr, a, pct >= 0 ? b : a + addr.length)) return true
  }
  // host:port, "sha256:<hex>", "IP:1.2.3.4"
  let found = false
  let start = a
  for (let i = a; i <= b; i++) {
    if (i === b || text.charCodeAt(i) === 58) {
      if (i > start && matchPlain(ctx, start, i)) found = true
      start = i + 1
    }
  }
  return found
}

const matchSlash = (ctx: ScanContext, a: number, b: number, slash: number): boolean => {
  const text = ctx.line.text
  const s = text.slice(a, b)
  if (CIDR_V4.test(s) || (s.includes(':') && CIDR_V6.test(s))) return emitIf(ctx, 'cidr', s, a, b)
  // "evil.com/gate.php" is a host and its path; "/tmp/x.sh" and "dir/x.exe" end in a file name.
  if (slash > a) {
    const first = text.slice(a, slash)
    const colon = first.indexOf(':')
    const hostEnd = colon >= 0 ? a + colon : slash
    if (matchPlain(ctx, a, hostEnd, true)) return true
  }
  return matchFileName(ctx, text.lastIndexOf('/', b - 1) + 1, b)
}

const matchBackslash = (ctx: ScanContext, a: number, b: number): boolean => {
  const text = ctx.line.text
  let found = false
  // A UNC path names its server: \\evil.com\share\x.dll
  if (text.charCodeAt(a) === 92 && text.charCodeAt(a + 1) === 92) {
    let e = a + 2
    while (e < b && text.charCodeAt(e) !== 92) e++
    found = matchPlain(ctx, a + 2, e, true)
  }
  return matchFileName(ctx, text.lastIndexOf('\\', b - 1) + 1, b) || found
}

/** Classify one piece by the separators it holds. */
export const matchPiece = (ctx: ScanContext, from: number, to: number): void => {
  const text = ctx.line.text
  const a = trimStart(text, from, to, PIECE_LEADING)
  const b = trimEnd(text, a, to)
  if (b - a < 3 || b - a > MAX_PIECE) return
  let at = -1
  let slash = -1
  let backslash = -1
  let colon = -1
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i)
    if (c === 64 && at < 0) at = i
    else if (c === 47 && slash < 0) slash = i
    else if (c === 92 && backslash < 0) backslash = i
    else if (c === 58 && colon < 0) colon = i
  }
  if (at >= 0) {
    matchEmail(ctx, a, b, at)
    return
  }
  if (backslash >= 0) {
    matchBackslash(ctx, a, b)
    return
  }
  if (slash >= 0) {
    matchSlash(ctx, a, b, slash)
    return
  }
  if (colon >= 0) {
    matchColon(ctx, a, b)
    return
  }
  matchPlain(ctx, a, b)
}
