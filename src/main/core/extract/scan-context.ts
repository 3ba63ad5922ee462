import type { ExtractKind } from './extract-types'
import type { RefangedLine } from './refang-line'

/** What every matcher gets: the refanged line and where to report a canonical value found at [start, end). */
export type ScanContext = {
  line: RefangedLine
  urlHosts: boolean
  emit: (kind: ExtractKind, value: string, start: number, end: number) => void
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57
export const isHexDigit = (c: number): boolean => {
  const l = c | 0x20
  return (c >= 48 && c <= 57) || (l >= 97 && l <= 102)
}
export const isAsciiLetter = (c: number): boolean => {
  const l = c | 0x20
  return l >= 97 && l <= 122
}
/** Letters, digits, '-' and '_' of a host label; any non-ASCII character is let through for IDN labels. */
export const isLabelChar = (c: number): boolean =>
  isAsciiLetter(c) || isDigit(c) || c === 45 || c === 95 || (c >= 0xc0 && isWordish(c))

/** Non-ASCII characters that can be in an IDN label: not spaces, quotes, dashes or CJK punctuation. */
const isWordish = (c: number): boolean =>
  c !== 0xd7 &&
  c !== 0xf7 &&
  !(c >= 0x2000 && c <= 0x206f) &&
  !(c >= 0x3000 && c <= 0x303f) &&
  !(c >= 0xfe30 && c <= 0xfe4f) &&
  !(c >= 0xff00 && c <= 0xff20) &&
  c !== 0xfeff

export const isSpaceCode = (c: number): boolean =>
  c === 32 ||
  c === 9 ||
  c === 0xa0 ||
  c === 0x3000 ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0xfeff ||
  (c >= 0x2000 && c <= 0x200b) ||
  c < 32

// Character classes of ASCII as bit flags in one table: the scanner's loops test a character with one
// indexed load instead of a chain of comparisons.
export const SPACE = 1
/** Ends a token: spaces and '"', '<', '>', '`', '|'. */
export const TOKEN_BREAK = 2
export const LETTER = 4
export const DIGIT = 8
export const HEX = 16
/** Cuts a token into pieces: ',', ';', brackets, '=', '&', quotes, '*', '!', '?', '#'. */
export const PIECE_BREAK = 32
/** Letters and the punctuation prose puts around words (',', ';', ':', '!', '?', brackets, "'"). */
export const PROSE = 64

export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128)
  for (let c = 0; c <= 32; c++) t[c] = SPACE | TOKEN_BREAK
  for (const ch of '"<>`|') t[ch.charCodeAt(0)] = TOKEN_BREAK
  for (let c = 48; c <= 57; c++) t[c] = DIGIT | HEX
  for (let c = 65; c <= 90; c++) t[c] = LETTER | (c <= 70 ? HEX : 0)
  for (let c = 97; c <= 122; c++) t[c] = LETTER | (c <= 102 ? HEX : 0)
  t[127] = SPACE | TOKEN_BREAK
  for (const ch of ",;()[]{}=&'*!?#") t[ch.charCodeAt(0)] = PIECE_BREAK
  for (const ch of ",;:!?()'") t[ch.charCodeAt(0)] |= PROSE
  for (let c = 65; c <= 90; c++) t[c] |= PROSE
  for (let c = 97; c <= 122; c++) t[c] |= PROSE
  return t
})()
