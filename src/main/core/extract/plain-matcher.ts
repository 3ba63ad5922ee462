import { punycodeEncode } from '#shared/domain'
import { canonicalValue } from './canonicalise-item'
import type { ExtractKind } from './extract-types'
import { FILE_EXTENSIONS, NOT_INDICATORS } from '#shared/domain/file-name'
import { wasDefanged } from './refang-line'
import type { ScanContext } from './scan-context'
import * as chars from './scan-context'
import { TLDS } from '#shared/domain/tld-list'

// Matchers for a piece with no separator left in it ('@', '/', '\\', ':'): hashes, CVE and ATT&CK ids,
// wallets, IPv4 addresses, domains and file names. Each decides by shape first, with loops over char codes,
// and only then pays for canonicalisation.

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
const CVE = /^CVE[-\u2010-\u2015\u2212][0-9]{4}[-\u2010-\u2015\u2212][0-9]{4,19}$/i
const TECHNIQUE = /^T[0-9]{4}(?:\.[0-9]{3})?$/
const TACTIC = /^TA[0-9]{4}$/

// Bound once at load: under tsx (tests, benchmarks) every use of an imported name is a getter call, and
// these are used per character or per token.
const { CHAR_CLASS: CLASS, DIGIT, HEX, LETTER, isAsciiLetter, isLabelChar } = chars

export const edgeTable = (chars: string): Uint8Array => {
  const t = new Uint8Array(128)
  for (const ch of chars) t[ch.charCodeAt(0)] = 1
  return t
}
// Punctuation prose puts around a value, as tables of ASCII codes.
const LEADING = edgeTable(".,;:!?-#~$%&*+'([{")
const TRAILING = edgeTable(".,;:!?-_#~')]}*")

const isEdge = (t: Uint8Array, c: number): boolean => c < 128 && t[c] === 1

/** Start of [from, to) without the punctuation prose puts before a value. */
export const trimStart = (s: string, from: number, to: number, lead = LEADING): number => {
  let a = from
  while (a < to && isEdge(lead, s.charCodeAt(a))) a++
  return a
}

/** End of [from, to) without the punctuation prose puts after a value. */
export const trimEnd = (s: string, from: number, to: number): number => {
  let b = to
  while (b > from && isEdge(TRAILING, s.charCodeAt(b - 1))) b--
  return b
}

export const emitIf = (
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
