import { canonicalize } from './canonicalize'
import { parseIndicator } from './detect-type'
import type { IocType } from './enums'
import type { ParseResult } from './parse-result'

// Lists of values, one per line. Prose is the extraction engine's (src/main/core/extract/): its
// extractIndicators picks between the two and is what imports call; the renderer reads lists here.

export type ExtractMode = 'list' | 'text' | 'auto'

export type ExtractedIndicator = { line: number; raw: string; result: ParseResult }

/** Values that may contain spaces and commas: a list line of these types is taken whole. */
const WHOLE_LINE_TYPES: ReadonlySet<IocType> = new Set([
  'registry-key',
  'mutex',
  'file-name',
  'custom',
])
const REGISTRY_START =
  /^(?:computer\\+)?(?:HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC):?(?:\\|$)|^\\REGISTRY\\/i
const NUMBERED_BULLET = /^[0-9]{1,6}[.)]\s+/
// hosts-file blocklists: "0.0.0.0 evil.com" means evil.com.
const HOSTS_SINK = /^(?:0\.0\.0\.0|127\.0\.0\.1|::1?|::0)\s+/

const isCommentStart = (s: string): boolean => {
  const c = s.charCodeAt(0)
  return c === 35 || c === 59 || (c === 47 && s.charCodeAt(1) === 47)
}

const stripBullet = (s: string): string => {
  const c = s.charCodeAt(0)
  if ((c === 45 || c === 42 || c === 43) && (s.charCodeAt(1) === 32 || s.charCodeAt(1) === 9)) {
    return s.slice(2).trimStart()
  }
  if (c === 0x2022 || c === 0x25aa || c === 0x25e6) return s.slice(1).trimStart()
  if (c >= 48 && c <= 57) {
    const m = NUMBERED_BULLET.exec(s)
    if (m !== null) return s.slice(m[0].length)
  }
  return s
}

/** Cut a trailing comment: whitespace then '#', ';' or '//'. A '#' inside a URL has no space before it. */
const stripInlineComment = (s: string): string => {
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 32 && c !== 9) continue
    const n = s.charCodeAt(i + 1)
    if (n === 35 || n === 59 || (n === 47 && s.charCodeAt(i + 2) === 47))
      return s.slice(0, i).trimEnd()
  }
  return s
}

const unquote = (s: string): string => {
  const c = s.charCodeAt(0)
  if ((c === 34 || c === 39) && s.length >= 2 && s.charCodeAt(s.length - 1) === c)
    return s.slice(1, -1).trim()
  return s
}

const hasScheme = (s: string): boolean => {
  const sep = s.indexOf('://')
  return sep > 0 && sep < 64
}

/**
 * The value on one line of a list, or null for blank and comment lines. Accepts bullets (`- `, `* `, `1. `),
 * trailing comments (` # c2`, ` ; SBL123`), `value,comment`, tab-separated columns and hosts-file lines.
 */
export const listCandidate = (line: string, type?: IocType): string | null => {
  let s = line.trim()
  if (s.length === 0 || isCommentStart(s)) return null
  s = stripBullet(s)
  if (s.length === 0 || isCommentStart(s)) return null
  s = stripInlineComment(s)
  const whole = type === undefined ? REGISTRY_START.test(s) : WHOLE_LINE_TYPES.has(type)
  if (whole) return unquote(s)
  const hosts = HOSTS_SINK.exec(s)
  if (hosts !== null && hosts[0].length < s.length) s = s.slice(hosts[0].length)
  let ws = -1
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 32 || c === 9) {
      ws = i
      break
    }
  }
  const comma = s.indexOf(',')
  let cut = s.length
  if (comma >= 0 && (ws < 0 || comma < ws)) {
    // A comma inside a URL (query strings, paths) is part of it when nothing else is on the line.
    cut = ws < 0 && (type === 'url' || hasScheme(s)) ? s.length : comma
  } else if (ws >= 0) {
    cut = ws
  }
  return unquote(cut === s.length ? s : s.slice(0, cut))
}

/** Line starts as offsets: `\n`, `\r\n` and lone `\r` all end a line. */
export function* lines(text: string): Generator<[number, string]> {
  let start = 0
  let n = 0
  const len = text.length
  while (start <= len) {
    let end = start
    while (end < len) {
      const c = text.charCodeAt(end)
      if (c === 10 || c === 13) break
      end++
    }
    n++
    yield [n, text.slice(start, end)]
    if (end >= len) break
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1
  }
}

const SAMPLE_LINES = 200
const LIST_SHARE = 0.8

/** Is this line shaped like a list entry: a value, maybe with a comment after it? */
const isListLike = (line: string): boolean => {
  let s = line.trim()
  if (REGISTRY_START.test(s)) return true
  s = stripInlineComment(stripBullet(s))
  const comma = s.indexOf(',')
  if (comma > 0) s = s.slice(0, comma)
  const tab = s.indexOf('\t')
  if (tab > 0) s = s.slice(0, tab)
  const hosts = HOSTS_SINK.exec(s)
  if (hosts !== null) s = s.slice(hosts[0].length)
  // A value, maybe followed by one word ("evil.com c2"); prose lines have many more.
  return s.trim().split(/\s+/).length <= 2
}

/** 'list' when at least 80% of the first content lines look like one value each, else 'text'. */
export const pickMode = (text: string): 'list' | 'text' => {
  let total = 0
  let listLike = 0
  for (const [, raw] of lines(text)) {
    const s = raw.trim()
    if (s.length === 0 || isCommentStart(s)) continue
    total++
    if (isListLike(s)) listLike++
    if (total >= SAMPLE_LINES) break
  }
  return total === 0 || listLike >= total * LIST_SHARE ? 'list' : 'text'
}

/**
 * A list's values with their 1-based line numbers: every non-blank, non-comment line, parsed (as `type`
 * when given, detected otherwise) or rejected with its reason.
 */
export function* readList(text: string, type?: IocType): Generator<ExtractedIndicator> {
  for (const [n, line] of lines(text)) {
    const raw = listCandidate(line, type)
    if (raw === null) continue
    yield {
      line: n,
      raw,
      result: type === undefined ? parseIndicator(raw) : canonicalize(type, raw),
    }
  }
}
