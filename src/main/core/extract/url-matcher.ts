import { MAX_VALUE_LENGTH } from '#shared/domain'
import { matchPlain } from './plain-matcher'
import { canonicalValue } from './canonicalise-item'
import type { ScanContext } from './scan-context'
import * as chars from './scan-context'

// Bound once at load: under tsx (tests, benchmarks) every use of an imported name is a getter call, and
// these are used per character or per token.
const { isAsciiLetter, isDigit } = chars

const isSchemeChar = (c: number): boolean =>
  isAsciiLetter(c) || isDigit(c) || c === 43 || c === 45 || c === 46

/** Start of the scheme before the "://" at `sep`, not before `floor`; -1 when there is none. */
export const schemeStart = (text: string, sep: number, floor: number): number => {
  let s = sep
  while (s > floor && sep - s < 32 && isSchemeChar(text.charCodeAt(s - 1))) s--
  while (s < sep && !isAsciiLetter(text.charCodeAt(s))) s++
  return s < sep ? s : -1
}

// Characters a URL cannot hold unescaped and prose puts right after one: '"' and '<' in HTML, ']' closing a
// markdown link text, '\' and '|' in tables, '{' '}' in templates.
const ENDS_URL = new Set([34, 60, 62, 96, 123, 125, 124, 92, 94, 93])
// Sentence punctuation after a URL belongs to the sentence.
const TRAILING = new Set([46, 44, 59, 58, 33, 63, 39, 42])

/** End of the URL whose authority starts at `from`, within [from, limit). */
export const urlEnd = (text: string, from: number, limit: number): number => {
  let e = from
  if (text.charCodeAt(e) === 91) {
    const close = text.indexOf(']', e)
    if (close > 0 && close < limit) e = close + 1
  }
  let open = 0
  let close = 0
  while (e < limit) {
    const c = text.charCodeAt(e)
    if (ENDS_URL.has(c)) break
    if (c === 40) open++
    else if (c === 41) close++
    e++
  }
  // "(see http://x/a_(b))." keeps the balanced ')' and drops the one that closes the prose.
  while (e > from) {
    const c = text.charCodeAt(e - 1)
    if (TRAILING.has(c)) e--
    else if (c === 41 && close > open) {
      close--
      e--
    } else break
  }
  return e
}

const emitHost = (ctx: ScanContext, sep: number, end: number): void => {
  const text = ctx.line.text
  let h = sep + 3
  let ae = h
  while (ae < end) {
    const c = text.charCodeAt(ae)
    if (c === 47 || c === 63 || c === 35) break
    ae++
  }
  const at = text.lastIndexOf('@', ae - 1)
  if (at >= h) h = at + 1
  if (text.charCodeAt(h) === 91) {
    const close = text.indexOf(']', h)
    if (close > h && close < ae) {
      const v = canonicalValue('ipv6', text.slice(h + 1, close))
      if (v !== null) ctx.emit('ipv6', v, h + 1, close)
    }
    return
  }
  let he = h
  while (he < ae && text.charCodeAt(he) !== 58) he++
  if (!matchPlain(ctx, h, he, true)) emitDomain(ctx, h, he)
}

// A URL's host is a host whatever its TLD (http://evil.zip/ is not a file); only the label rules apply.
const emitDomain = (ctx: ScanContext, h: number, he: number): boolean => {
  const v = canonicalValue('domain', ctx.line.text.slice(h, he))
  if (v === null) return false
  ctx.emit('domain', v, h, he)
  return true
}

/** A URL at [start, end) whose "://" is at `sep`. False when it does not canonicalise. */
export const matchUrl = (ctx: ScanContext, start: number, end: number, sep: number): boolean => {
  if (end - start > MAX_VALUE_LENGTH) return false
  const v = canonicalValue('url', ctx.line.text.slice(start, end))
  if (v === null) return false
  ctx.emit('url', v, start, end)
  if (ctx.urlHosts) emitHost(ctx, sep, end)
  return true
}
