import * as atoms from './piece-matcher'
import * as registry from './registry-matcher'
import type { ScanContext } from './scan-context'
import * as chars from './scan-context'
import { matchUrl, schemeStart, urlEnd } from './url-matcher'

// Bound once at load: under tsx (tests, benchmarks) every use of an imported name is a getter call, and
// these are used per character or per token.
const { CHAR_CLASS: CLASS, LETTER, PIECE_BREAK, PROSE, TOKEN_BREAK, isSpaceCode } = chars
const { matchPiece } = atoms
const { isHiveAt, matchRegistry } = registry

// The scanner: one pass over a refanged line. Tokens end at spaces and at characters no indicator holds
// ('"', '<', '>', '`', '|'); in a token, URLs are found from their "://" (positions collected once per line,
// so a token never searches past its end), and what lies between URLs is cut into pieces at ',', ';',
// brackets, '=', '&' and friends for the per-kind matchers. Every character is looked at a bounded number of
// times, whatever the input: no regex runs over more than one short piece.

const isTokenBreak = (c: number): boolean =>
  c < 128 ? ((CLASS[c] ?? 0) & TOKEN_BREAK) !== 0 : isSpaceCode(c)

/** Lengths at which a word of letters only can still be an indicator: a hash of hex letters. */
const isHashLength = (n: number): boolean => n === 32 || n === 40 || n === 64 || n === 128

// Outside ASCII: guillemets, curly quotes, CJK and full-width brackets and commas.
const isPieceBreak = (c: number): boolean =>
  c < 128
    ? ((CLASS[c] ?? 0) & PIECE_BREAK) !== 0
    : c === 0xab ||
      c === 0xbb ||
      (c >= 0x2018 && c <= 0x201f) ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff08 && c <= 0xff0c)

const scanPieces = (ctx: ScanContext, from: number, to: number): void => {
  const text = ctx.line.text
  let start = from
  for (let i = from; i <= to; i++) {
    if (i === to || isPieceBreak(text.charCodeAt(i))) {
      if (i - start >= 3) matchPiece(ctx, start, i)
      start = i + 1
    }
  }
}

const isRegistryLead = (c: number): boolean => c === 39 || c === 40 || c === 91

export const scanLine = (ctx: ScanContext): void => {
  const text = ctx.line.text
  const n = text.length
  const seps: number[] = []
  for (let k = text.indexOf('://'); k >= 0; k = text.indexOf('://', k + 3)) seps.push(k)
  let si = 0
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (isTokenBreak(c)) {
      i++
      continue
    }
    const keyAt = isRegistryLead(c) ? i + 1 : i
    if (isHiveAt(text, keyAt)) {
      i = Math.max(matchRegistry(ctx, keyAt), i + 1)
      continue
    }
    // Most tokens are words: letters, maybe with the punctuation of a sentence around them ("(see", "data,",
    // "end."), no digit, no dot inside. None of those can be an indicator (bar a hash written in the letters
    // a-f), so they are skipped without being cut into pieces.
    let end = i
    let word = true
    let letters = 0
    let lastDot = -1
    while (end < n) {
      const d = text.charCodeAt(end)
      if (d < 128) {
        const k = CLASS[d] ?? 0
        if ((k & TOKEN_BREAK) !== 0) break
        if ((k & LETTER) !== 0) letters++
        else if (d === 46 && lastDot < 0) lastDot = end
        else if ((k & PROSE) === 0) word = false
      } else {
        if (isSpaceCode(d)) break
        word = false
      }
      end++
    }
    if (lastDot >= 0 && lastDot !== end - 1) word = false
    if (word && !isHashLength(letters)) {
      i = end
      continue
    }
    let seg = i
    while (si < seps.length && (seps[si] ?? n) < seg) si++
    while (si < seps.length && (seps[si] ?? n) < end) {
      const sep = seps[si] ?? n
      si++
      const s = schemeStart(text, sep, seg)
      if (s < 0) continue
      const e = urlEnd(text, sep + 3, end)
      if (e <= sep + 3) continue
      scanPieces(ctx, seg, s)
      if (!matchUrl(ctx, s, e, sep)) scanPieces(ctx, s, e)
      seg = e
      while (si < seps.length && (seps[si] ?? n) < seg) si++
    }
    scanPieces(ctx, seg, end)
    i = end
  }
}
