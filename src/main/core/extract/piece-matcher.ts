import * as plain from './plain-matcher'
import { wasDefanged } from './refang-line'
import type { ScanContext } from './scan-context'
import * as chars from './scan-context'

// Matchers for one "piece": a run of text between delimiters that no indicator outside a URL or registry
// key contains (spaces, quotes, brackets, commas, '='). The separators a piece still holds say what it can
// be: '@' an e-mail address, '\\' a Windows path or UNC share, '/' a CIDR or a host and path, ':' an IPv6
// address or host:port; the parts go to the plain matchers.

// Bound once at load: under tsx (tests, benchmarks) every use of an imported name is a getter call, and
// these are used per character or per piece.
const { CHAR_CLASS: CLASS, HEX, isAsciiLetter, isDigit, isLabelChar } = chars
const { edgeTable, emitIf, isKnownTld, matchFileName, matchPlain, trimEnd, trimStart } = plain

const MAX_PIECE = 2048
const CIDR_V4 = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}\/[0-9]{1,2}$/
const CIDR_V6 = /^[0-9a-fA-F:.]+\/[0-9]{1,3}$/
// A piece keeps a leading ':' ("::1") and '%' ("%APPDATA%\\x.exe" is cut by the path matcher).
const PIECE_LEADING = edgeTable(".,;!?-#~$&*+'")

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
