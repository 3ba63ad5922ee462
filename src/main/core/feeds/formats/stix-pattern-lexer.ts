import { AppError } from '#shared/contract/errors'

// The STIX patterning lexer: words (object types, property names, keywords), single-quoted strings with
// \' and \\ escapes, typed literals t'' h'' b'', numbers and punctuation. Positions are kept for errors.

export type Tok =
  | { k: 'punct'; v: string; at: number }
  | { k: 'word'; v: string; at: number }
  | { k: 'str'; v: string; at: number; prefix: '' | 't' | 'h' | 'b' }
  | { k: 'num'; v: string; at: number }
  | { k: 'end'; at: number }

export const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'EXISTS',
  'IN',
  'WITHIN',
  'SECONDS',
  'REPEATS',
  'TIMES',
  'START',
  'STOP',
])
export const OPERATOR_WORDS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET', 'IN'])

export const fail = (at: number, what: string): AppError =>
  new AppError('invalid_input', `STIX pattern: ${what} at position ${at + 1}`, { position: at + 1 })

const isWordStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95
const isWordChar = (c: number): boolean => isWordStart(c) || (c >= 48 && c <= 57) || c === 45
const isDigit = (c: number): boolean => c >= 48 && c <= 57

export const tokenize = (src: string): Tok[] => {
  const out: Tok[] = []
  let i = 0
  const n = src.length
  while (i < n) {
    const c = src.charCodeAt(i)
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++
      continue
    }
    const at = i
    // Typed literal prefixes: t'…', h'…', b'…' (the letter touches the quote).
    if ((c === 116 || c === 104 || c === 98) && src.charCodeAt(i + 1) === 39) {
      const prefix = c === 116 ? 't' : c === 104 ? 'h' : 'b'
      const { value, next } = readString(src, i + 1)
      out.push({ k: 'str', v: value, at, prefix })
      i = next
      continue
    }
    if (c === 39) {
      const { value, next } = readString(src, i)
      out.push({ k: 'str', v: value, at, prefix: '' })
      i = next
      continue
    }
    if (isDigit(c) || (c === 45 && isDigit(src.charCodeAt(i + 1)))) {
      let j = i + 1
      while (j < n && (isDigit(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++
      out.push({ k: 'num', v: src.slice(i, j), at })
      i = j
      continue
    }
    if (isWordStart(c)) {
      let j = i + 1
      while (j < n && isWordChar(src.charCodeAt(j))) j++
      out.push({ k: 'word', v: src.slice(i, j), at })
      i = j
      continue
    }
    const two = src.slice(i, i + 2)
    if (two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      out.push({ k: 'punct', v: two === '==' ? '=' : two === '<>' ? '!=' : two, at })
      i += 2
      continue
    }
    const one = src[i]
    if ('[]():.,=<>*'.includes(one)) {
      out.push({ k: 'punct', v: one, at })
      i++
      continue
    }
    throw fail(at, `unexpected character '${one}'`)
  }
  out.push({ k: 'end', at: n })
  return out
}

/** A single-quoted literal; only \' and \\ are escapes in STIX, other backslashes are kept as written. */
const readString = (src: string, quoteAt: number): { value: string; next: number } => {
  let value = ''
  let i = quoteAt + 1
  let from = i
  for (;;) {
    const q = src.indexOf("'", i)
    const b = src.indexOf('\\', i)
    if (q < 0) throw fail(quoteAt, 'unterminated string literal')
    if (b >= 0 && b < q) {
      const next = src[b + 1]
      if (next === "'" || next === '\\') {
        value += src.slice(from, b) + next
        i = b + 2
        from = i
        continue
      }
      i = b + 1
      continue
    }
    value += src.slice(from, q)
    return { value, next: q + 1 }
  }
}
