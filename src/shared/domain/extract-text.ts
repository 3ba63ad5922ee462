import { canonicalizeClean } from './canonicalize'
import type { IocType } from './enums'
import { splitHostPort } from './ip-address'
import type { ParseResult } from './parse-result'
import { refang } from './refang'

// Free-text scanning: a pasted report is mostly prose, so only values that parse are yielded, and shapes
// are checked by hand per whitespace-separated token (no regex over the whole text, nothing to backtrack).

export type Candidate = { type: IocType; raw: string }

// File extensions that are also TLDs or look like them. In prose "invoice.zip", "setup.exe" and
// "Node.js" are files and tools far more often than hosts, so free-text mode skips them; list mode never
// does (a list of domains may hold a real .zip or .mov domain).
const FILE_EXTENSIONS = new Set(
  (
    'exe dll sys bat cmd ps1 psm1 psd1 vbs vbe js jse mjs cjs wsf wsh hta lnk scr pif msi msp jar class py ' +
    'pyc sh bash rb pl php asp aspx jsp cgi doc docx docm dot dotm xls xlsx xlsm xlsb ppt pptx pptm rtf pdf ' +
    'txt csv tsv log json xml yml yaml ini cfg conf toml html htm xhtml css md rst png jpg jpeg gif bmp svg ' +
    'ico tif tiff webp zip rar 7z gz tgz bz2 xz tar cab iso img vhd vhdx vmdk dat bin tmp bak db sqlite ' +
    'c cpp cc h hpp cs go rs ts tsx jsx java kt swift lock so dylib ko elf apk ipa dmg pkg deb rpm eml msg ' +
    'one onepkg mov mp3 mp4 wav avi mkv ogg chm evtx pcap pcapng dmp mem yar yara rules sig pem crt cer key'
  ).split(' '),
)

const HASH_TYPES: Record<number, IocType> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' }

const LEADING = new Set(['"', "'", '<', '(', '[', '{', '`', '*', '«', '“', '‘', '>', '|'])
const TRAILING = new Set([
  '"',
  "'",
  '>',
  ')',
  ']',
  '}',
  '`',
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  '*',
  '»',
  '”',
  '’',
  '|',
])
const QUOTES = new Set(['"', "'", '`', '“', '‘'])
const CLOSING_QUOTE: Record<string, string> = { '"': '"', "'": "'", '`': '`', '“': '”', '‘': '’' }

const isHexToken = (s: string): boolean => /^[0-9a-fA-F]+$/.test(s)
const isSchemeChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 43 ||
  c === 45 ||
  c === 46

const CVE = /^CVE-[0-9]{4}-[0-9]{4,}$/i
const TECHNIQUE = /^T[0-9]{4}(?:\.[0-9]{3})?$/
const CIDR = /^[0-9a-fA-F:.]+\/[0-9]{1,3}$/
const IPV6 = /^[0-9a-fA-F:.]+$/
const IPV4_PORT = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?$/
const REGISTRY = /^(?:HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC):?\\/
const DOMAIN = /^[\p{L}\p{M}\p{N}_-]+(?:\.[\p{L}\p{M}\p{N}_-]+)+$/u
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

const count = (s: string, ch: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) if (s[i] === ch) n++
  return n
}

/** Drop closing parentheses that have no opening one inside the value ("(see http://x/a_(b))."). */
const trimUnbalanced = (t: string): string => {
  let s = t
  let extra = count(s, ')') - count(s, '(')
  while (extra > 0 && s.endsWith(')')) {
    s = s.slice(0, -1)
    extra--
    while (s.length > 0 && TRAILING.has(s[s.length - 1] ?? '') && !s.endsWith(')'))
      s = s.slice(0, -1)
  }
  return s
}

const stripEdges = (t: string): string => {
  let a = 0
  let b = t.length
  while (a < b && LEADING.has(t[a] ?? '')) a++
  // A closing parenthesis may belong to the value (Wikipedia-style URLs); trimUnbalanced decides.
  while (b > a && TRAILING.has(t[b - 1] ?? '') && t[b - 1] !== ')') b--
  return trimUnbalanced(t.slice(a, b))
}

/** What a single prose token could be. At most one candidate per token. */
export const tokenCandidate = (token: string): Candidate | null => {
  const t = stripEdges(token)
  if (t.length < 3) return null
  const sep = t.indexOf('://')
  if (sep > 0) {
    let start = sep
    while (start > 0 && isSchemeChar(t.charCodeAt(start - 1))) start--
    // A scheme starts with a letter; "(see:http://x)" leaves punctuation before it.
    while (start < sep && !/[A-Za-z]/.test(t[start] ?? '')) start++
    return start < sep ? { type: 'url', raw: trimUnbalanced(t.slice(start)) } : null
  }
  const at = t.indexOf('@')
  if (at >= 0) {
    const e = /^mailto:/i.test(t) ? t.slice(7) : t
    const a = e.indexOf('@')
    return a > 0 && e.indexOf('.', a) > a + 1 ? { type: 'email', raw: e } : null
  }
  if (REGISTRY.test(t)) return { type: 'registry-key', raw: t }

  const lastSep = Math.max(t.lastIndexOf(':'), t.lastIndexOf('='))
  const hex =
    lastSep >= 0 && HASH_TYPES[t.length - lastSep - 1] !== undefined ? t.slice(lastSep + 1) : t
  const hashType = HASH_TYPES[hex.length]
  if (hashType !== undefined && isHexToken(hex)) return { type: hashType, raw: hex }

  if (CVE.test(t)) return { type: 'cve', raw: t }
  if (TECHNIQUE.test(t)) return { type: 'attack-technique', raw: t }
  if (t.includes('/')) return CIDR.test(t) ? { type: 'cidr', raw: t } : null

  if (t.includes(':')) {
    if (IPV4_PORT.test(t)) return { type: 'ip', raw: splitHostPort(t).host }
    if (t.startsWith('[')) {
      const { host } = splitHostPort(t)
      return IPV6.test(host) ? { type: 'ipv6', raw: host } : null
    }
    // Clock times (12:30:45) and "Class::method" are not addresses: want a digit and three groups or '::'.
    if (IPV6.test(t) && /[0-9]/.test(t) && (t.includes('::') || t.split(':').length >= 4)) {
      return t === '::' ? null : { type: 'ipv6', raw: t }
    }
    return null
  }
  if (IPV4_PORT.test(t)) return { type: 'ip', raw: t }
  if (DOMAIN.test(t)) {
    const lower = t.toLowerCase()
    const tld = lower.slice(lower.lastIndexOf('.') + 1)
    // Non-ASCII TLDs are IDN ccTLDs (.рф); ASCII ones must look like letters, not "1.2.3" or "e.g".
    if (/[^\p{ASCII}]/u.test(tld) || (TLD.test(tld) && !FILE_EXTENSIONS.has(tld))) {
      return { type: 'domain', raw: t }
    }
  }
  return null
}

export type TextHit = { line: number; raw: string; result: Extract<ParseResult, { ok: true }> }

const isSpace = (c: number): boolean =>
  c === 32 || c === 9 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200b) || c < 32

/**
 * Scan one line of prose. `seen` carries dedup across lines (`type\0value`); `only` keeps one type.
 * Registry keys inside quotes may contain spaces ("…\Windows NT\…"), so a quoted key runs to its quote.
 */
export const scanTextLine = (
  line: string,
  lineNo: number,
  seen: Set<string>,
  only: IocType | undefined,
  out: TextHit[],
): void => {
  const s = refang(line, { spacedDot: false })
  let i = 0
  while (i < s.length) {
    while (i < s.length && isSpace(s.charCodeAt(i))) i++
    if (i >= s.length) break
    let end = i
    while (end < s.length && !isSpace(s.charCodeAt(end))) end++
    let token = s.slice(i, end)
    const q = s[i] ?? ''
    if (QUOTES.has(q) && REGISTRY.test(token.slice(1))) {
      const close = s.indexOf(CLOSING_QUOTE[q] ?? q, i + 1)
      if (close > i) {
        token = s.slice(i + 1, close)
        end = close + 1
      }
    }
    i = end
    const cand = tokenCandidate(token)
    if (cand === null || (only !== undefined && cand.type !== only)) continue
    const result = canonicalizeClean(cand.type, cand.raw)
    if (!result.ok) continue
    const key = `${result.type}\u0000${result.value}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ line: lineNo, raw: cand.raw, result })
  }
}
