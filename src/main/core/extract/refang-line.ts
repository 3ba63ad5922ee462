import { TLDS } from '#shared/domain/tld-list'

/**
 * One line with its defanging undone, and where each character came from, so an item found in the refanged
 * text reports the column and the raw text of the original. `map` is null when nothing changed (nearly every
 * line of a report): then refanged and original offsets are the same.
 */
export type RefangedLine = {
  text: string
  /** map[i]: offset in the original line of text[i]; map[text.length] is the original length. */
  map: Int32Array | null
}

// Every alternative is a fixed token or has single optional characters, never a nested quantifier, so the
// regex is linear on hostile input. Bracketed dots with spaces around them ("evil [.] com") lose the spaces
// in code, not in the regex, for the same reason.
const MARKER =
  /\[ ?\. ?\]|\( ?\. ?\)|\{ ?\. ?\}|\[dot\]|\(dot\)|\{dot\}|\[:\/\/\]|\(:\/\/\)|\{:\/\/\}|\[:\]|\(:\)|\{:\}|\[\/\]|\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}|\\\.|\\\/|\bh(?:xx|\*\*)p(s?)(?=\[?:|\(:|\{:)|\bfxp(s?)(?=\[?:)| dot | \. /gi
// The same without the spaced dots, which count as defanging only where something else is.
const HARD_MARKER = new RegExp(MARKER.source.replace('| dot | \\. ', ''), 'i')
// Cheap pre-check: a line without any of these has nothing to refang.
const HINT = /[[({\\]|h(?:xx|\*\*)p|fxp| dot | \. /i

const isLabelChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c >= 0x80

const SPACED_DOT = /^ dot $/i

// Words that come before " dot " in English prose ("connect the dot to ...").
const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'each',
  'every',
  'one',
  'red',
  'blue',
])

const wordAfter = (s: string, from: number): string => {
  let e = from
  while (e < s.length && isLabelChar(s.charCodeAt(e))) e++
  return s.slice(from, e)
}

const wordBefore = (s: string, to: number): string => {
  let b = to
  while (b > 0 && isLabelChar(s.charCodeAt(b - 1))) b--
  return s.slice(b, to)
}

/**
 * Whether an unbracketed spaced dot (" dot ", " . ") joins two labels. Brackets mark an indicator on purpose;
 * a bare " dot " does only in a line that is defanged elsewhere, or when it reads like a host: a lower-case
 * TLD after it and no article before it.
 */
const spacedDotJoins = (s: string, at: number, len: number, defangedLine: boolean): boolean => {
  const before = wordBefore(s, at)
  const after = wordAfter(s, at + len)
  if (before.length === 0 || after.length === 0) return false
  if (defangedLine) return true
  if (STOP_WORDS.has(before.toLowerCase())) return false
  // "cdn dot evil dot net": the chain's last word is the one that must be a TLD.
  let last = after
  let end = at + len + after.length
  while (SPACED_DOT.test(s.slice(end, end + 5))) {
    const w = wordAfter(s, end + 5)
    if (w.length === 0) break
    last = w
    end += 5 + w.length
  }
  const next = s.charCodeAt(end)
  return last === last.toLowerCase() && TLDS.has(last) && !(next === 46 || next === 45)
}

const replacementOf = (m: string, httpS?: string, ftpS?: string): string => {
  if (httpS !== undefined) return `http${httpS}`
  if (ftpS !== undefined) return `ftp${ftpS}`
  if (m.includes('//')) return '://'
  if (m.includes(':')) return ':'
  if (m.includes('/')) return '/'
  if (m.includes('@') || /at/i.test(m)) return '@'
  return '.'
}

/** Undo every common defanging style on one line (hxxp, [.], (dot), [:]//, [at], " dot ", "\\." ...). */
export const refangLine = (line: string): RefangedLine => {
  if (!HINT.test(line)) return { text: line, map: null }
  const parts: string[] = []
  let map: Int32Array | null = null
  let o = 0
  let from = 0
  // Whether the line has a marker other than a spaced dot; looked up once, at the first spaced dot.
  let hard: boolean | null = null
  const copy = (to: number, out: Int32Array): void => {
    parts.push(line.slice(from, to))
    for (let k = from; k < to; k++) out[o++] = k
    from = to
  }
  MARKER.lastIndex = 0
  for (let r = MARKER.exec(line); r !== null; r = MARKER.exec(line)) {
    const m = r[0]
    const at = r.index
    const spaced = m.charCodeAt(0) === 32
    if (spaced) {
      hard ??= HARD_MARKER.test(line)
      if (!spacedDotJoins(line, at, m.length, hard)) continue
    }
    map ??= new Int32Array(line.length + 1)
    const to = replacementOf(m, r[1], r[2])
    let start = at
    let end = at + m.length
    // "evil [.] com": the spaces around a bracketed dot between two labels go with it.
    if (
      to === '.' &&
      !spaced &&
      line.charCodeAt(end) === 32 &&
      isLabelChar(line.charCodeAt(end + 1))
    ) {
      let back = start
      while (back > from && line.charCodeAt(back - 1) === 32) back--
      if (back < start && back > from && isLabelChar(line.charCodeAt(back - 1))) {
        start = back
        end++
      }
    }
    copy(start, map)
    parts.push(to)
    for (let k = 0; k < to.length; k++) map[o++] = at
    from = end
  }
  if (map === null) return { text: line, map: null }
  copy(line.length, map)
  map[o] = line.length
  return { text: parts.join(''), map }
}

/** Offset in the original line of refanged offset i. */
export const originalOffset = (r: RefangedLine, i: number): number =>
  r.map === null ? i : (r.map[i] ?? 0)

/** True when refanged text [start, end) was written differently (a defanged spelling) in the original. */
export const wasDefanged = (r: RefangedLine, start: number, end: number): boolean => {
  if (r.map === null) return false
  return (r.map[end] ?? 0) - (r.map[start] ?? 0) !== end - start
}
