import { AppError } from '#shared/contract/errors'
import { type FontStyle, candidateSlices, fontBytes, fontSlices, sliceFont } from './pdf-fonts'

/**
 * Text for the PDF: hostile strings made safe to draw, split into runs by the font that has their glyphs,
 * wrapped to a width, and drawn piece by piece. The wrapping is ours rather than pdfkit's because one line mixes
 * fonts (an IDN value is Latin punctuation around Cyrillic or Han labels) and a table needs each cell's height
 * before drawing it.
 */

export type Doc = PDFKit.PDFDocument

export type Span = { text: string; style?: FontStyle; color?: string }
type Piece = { font: string; text: string; width: number; color: string; dir: Dir }
export type Line = { pieces: Piece[]; width: number }
type Dir = 'ltr' | 'rtl' | 'neutral'

/** Bidi embeddings, overrides, isolates and marks: a feed must not be able to reorder what the page shows. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu
// C0 and C1 controls except tab and newline, DEL, the BOM, and unpaired surrogates.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFEFF]|\p{Cs}/gu

/** A string from a feed made drawable: controls and bidi overrides gone, clipped to `max` characters. */
export const cleanText = (s: string, max: number): string => {
  // Cheap first cut in UTF-16 units (a character is at most two), then the exact one in characters.
  const cut = s.length > max * 2 + 2
  let t = cut ? s.slice(0, max * 2 + 2) : s
  t = t
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROLS, '')
  const chars = Array.from(t)
  if (chars.length > max) return `${chars.slice(0, max).join('')}…`
  return cut ? `${t}…` : t
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u
const STRONG_LTR = /[\p{L}\p{N}]/u
const dirOf = (text: string): Dir =>
  RTL.test(text) ? 'rtl' : STRONG_LTR.test(text) ? 'ltr' : 'neutral'

const MIRROR: Record<string, string> = {
  '[': ']',
  ']': '[',
  '(': ')',
  ')': '(',
  '{': '}',
  '}': '{',
  '<': '>',
  '>': '<',
}
const mirror = (s: string): string =>
  Array.from(s)
    .reverse()
    .map((c) => MIRROR[c] ?? c)
    .join('')

/** Where a line may break after: spaces and the punctuation of URLs, hosts and paths. */
const BREAK_AFTER = new Set([' ', '/', '-', '.', '?', '&', '=', ',', ';', ':', '_', '\\', ']', ')'])
const isWide = (cp: number): boolean =>
  (cp >= 0x2e80 && cp <= 0x9fff) ||
  (cp >= 0xac00 && cp <= 0xd7af) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xff00 && cp <= 0xffef) ||
  cp >= 0x20000
const isMark = (c: string): boolean => /\p{M}|\u200C|\u200D/u.test(c)

// Which slice has a glyph is a property of the files, the same for every document: cached per process.
const glyphCache = new Map<number, boolean>()
const faceCache = new Map<number, number>()
const PLANE = 0x110000

type FontkitLike = {
  hasGlyphForCodePoint: (cp: number) => boolean
  glyphForCodePoint: (cp: number) => { advanceWidth: number }
  unitsPerEm: number
}

/** The fonts of one document: slices are registered with pdfkit the first time a character needs them. */
export class FontBook {
  private readonly registered = new Set<string>()
  /** Per simple font: its fontkit font and each character's advance in 1/1000 em. */
  private readonly advances = new Map<string, { font: FontkitLike; widths: Map<number, number> }>()
  private readonly simple = new Set<string>()

  constructor(private readonly doc: Doc) {}

  /** Selects the slice's font in the document and returns its name. */
  use(slice: number, style: FontStyle): string {
    const { name, file, simple } = sliceFont(slice, style)
    if (!this.registered.has(name)) {
      if (simple) this.simple.add(name)
      const bytes = fontBytes(file)
      try {
        this.doc.registerFont(name, bytes)
      } catch (e) {
        throw new AppError('internal', `PDF fonts: cannot load ${file}`, {
          cause: e instanceof Error ? e.message : String(e),
        })
      }
      this.registered.add(name)
    }
    this.doc.font(name)
    return name
  }

  private has(slice: number, cp: number): boolean {
    const key = slice * PLANE + cp
    const known = glyphCache.get(key)
    if (known !== undefined) return known
    this.use(slice, 'regular')
    const has = this.fontkit().hasGlyphForCodePoint(cp)
    glyphCache.set(key, has)
    return has
  }

  /** The fontkit font behind the document's current font (pdfkit keeps it on its embedded font). */
  private fontkit(): FontkitLike {
    const font = (this.doc as unknown as { _font?: { font?: Partial<FontkitLike> } })._font?.font
    if (
      typeof font?.hasGlyphForCodePoint !== 'function' ||
      typeof font.glyphForCodePoint !== 'function' ||
      typeof font.unitsPerEm !== 'number'
    )
      throw new AppError('internal', 'PDF fonts: pdfkit does not expose the fontkit font')
    return font as FontkitLike
  }

  /** The first slice in the chain that has the character, or -1. */
  private faceFor(cp: number): number {
    const known = faceCache.get(cp)
    if (known !== undefined) return known
    const face = candidateSlices(cp).find((s) => this.has(s, cp)) ?? -1
    faceCache.set(cp, face)
    return face
  }

  /** The text cut into runs drawable with one slice each; characters no font has become U+FFFD. */
  runs(text: string): { slice: number; text: string }[] {
    const out: { slice: number; text: string }[] = []
    let cur = -1
    let buf = ''
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0x3f
      // Marks stay with their base; a space stays in a left-to-right run, but after right-to-left text it is a
      // neutral piece of its own so that visual reordering can leave it between the words it separates.
      const sticky = isMark(ch) || (cp === 0x20 && !RTL.test(buf))
      let slice = cur >= 0 && sticky && this.has(cur, cp) ? cur : this.faceFor(cp)
      let c = ch
      if (slice < 0) {
        c = this.has(0, 0xfffd) ? '\uFFFD' : '?'
        slice = 0
      }
      if (slice !== cur && buf !== '') {
        out.push({ slice: cur, text: buf })
        buf = ''
      }
      cur = slice
      buf += c
    }
    if (buf !== '') out.push({ slice: cur, text: buf })
    return out
  }

  /**
   * A run's width at `size`. Runs of simple scripts add up cached advances (kerning left out, so the width is
   * never short of what is drawn); shaped scripts go through pdfkit's layout.
   */
  width(font: string, size: number, text: string): number {
    if (!this.simple.has(font)) return this.doc.font(font).fontSize(size).widthOfString(text)
    let entry = this.advances.get(font)
    if (entry === undefined) {
      this.doc.font(font)
      entry = { font: this.fontkit(), widths: new Map() }
      this.advances.set(font, entry)
    }
    let w = 0
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0
      let adv = entry.widths.get(cp)
      if (adv === undefined) {
        adv = (entry.font.glyphForCodePoint(cp).advanceWidth * 1000) / entry.font.unitsPerEm
        entry.widths.set(cp, adv)
      }
      w += adv
    }
    return (w * size) / 1000
  }
}

/** Splits text into break units: up to and including a break character, or one wide (CJK) character. */
const tokens = (text: string): string[] => {
  const out: string[] = []
  let buf = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    if (ch === '\n') {
      if (buf !== '') out.push(buf)
      out.push('\n')
      buf = ''
      continue
    }
    if (isWide(cp) && buf !== '' && !isMark(ch)) {
      out.push(buf)
      buf = ''
    }
    buf += ch
    if (BREAK_AFTER.has(ch) || isWide(cp)) {
      out.push(buf)
      buf = ''
    }
  }
  if (buf !== '') out.push(buf)
  return out
}

const piecesOf = (
  fb: FontBook,
  text: string,
  style: FontStyle,
  color: string,
  size: number,
): Piece[] =>
  fb.runs(text).map((r) => {
    const font = fb.use(r.slice, style)
    return { font, text: r.text, width: fb.width(font, size, r.text), color, dir: dirOf(r.text) }
  })

/** Cuts an over-long piece list into chunks no wider than `width`, at character boundaries. */
const splitWide = (fb: FontBook, pieces: Piece[], width: number, size: number): Piece[][] => {
  const chunks: Piece[][] = [[]]
  let used = 0
  for (const p of pieces) {
    let acc = ''
    let accW = 0
    for (const ch of p.text) {
      const w = fb.width(p.font, size, ch)
      if (used + accW + w > width && !isMark(ch) && (used > 0 || acc !== '')) {
        if (acc !== '') chunks[chunks.length - 1]?.push({ ...p, text: acc, width: accW })
        chunks.push([])
        used = 0
        acc = ''
        accW = 0
      }
      acc += ch
      accW += w
    }
    if (acc !== '') {
      chunks[chunks.length - 1]?.push({ ...p, text: acc, width: accW })
      used += accW
    }
  }
  return chunks.filter((c) => c.length > 0)
}

const trimEnd = (fb: FontBook, line: Line, size: number): Line => {
  const last = line.pieces[line.pieces.length - 1]
  if (last === undefined || !last.text.endsWith(' ')) return line
  const text = last.text.trimEnd()
  const width = text === '' ? 0 : fb.width(last.font, size, text)
  const pieces =
    text === '' ? line.pieces.slice(0, -1) : [...line.pieces.slice(0, -1), { ...last, text, width }]
  return { pieces, width: line.width - last.width + width }
}

/**
 * Adds pieces to a line, joining each to the one before when font and colour match and neither is
 * right-to-left: fewer, longer runs are fewer text operations in the PDF.
 */
const append = (line: Line, pieces: readonly Piece[]): void => {
  for (const p of pieces) {
    const last = line.pieces[line.pieces.length - 1]
    if (
      last !== undefined &&
      last.font === p.font &&
      last.color === p.color &&
      last.dir !== 'rtl' &&
      p.dir !== 'rtl'
    ) {
      const dir: Dir = last.dir === 'ltr' || p.dir === 'ltr' ? 'ltr' : 'neutral'
      line.pieces[line.pieces.length - 1] = {
        ...last,
        text: last.text + p.text,
        width: last.width + p.width,
        dir,
      }
    } else line.pieces.push(p)
    line.width += p.width
  }
}

/** Lays spans out in lines no wider than `width` at font size `size`. */
export const layout = (
  fb: FontBook,
  spans: readonly Span[],
  width: number,
  size: number,
): Line[] => {
  const lines: Line[] = []
  let cur: Line = { pieces: [], width: 0 }
  const flush = (): void => {
    lines.push(trimEnd(fb, cur, size))
    cur = { pieces: [], width: 0 }
  }
  for (const span of spans) {
    const style = span.style ?? 'regular'
    const color = span.color ?? '#1a1a1a'
    for (const tok of tokens(span.text)) {
      if (tok === '\n') {
        flush()
        continue
      }
      if (cur.pieces.length === 0 && tok.trim() === '') continue
      const pieces = piecesOf(fb, tok, style, color, size)
      const w = pieces.reduce((a, p) => a + p.width, 0)
      if (cur.width + w <= width) {
        append(cur, pieces)
        continue
      }
      if (cur.pieces.length > 0) flush()
      if (tok.trim() === '') continue
      if (w <= width) {
        append(cur, pieces)
        continue
      }
      const chunks = splitWide(fb, pieces, width, size)
      chunks.forEach((chunk, i) => {
        append(cur, chunk)
        if (i < chunks.length - 1) flush()
      })
    }
  }
  if (cur.pieces.length > 0 || lines.length === 0) flush()
  return lines
}

/**
 * Visual order for a left-to-right line: each stretch of right-to-left pieces (with the neutral ones between
 * them) is reversed, its neutral pieces mirrored; fontkit already reverses the glyphs inside a piece.
 */
const visualOrder = (pieces: readonly Piece[]): Piece[] => {
  const out: Piece[] = []
  let i = 0
  while (i < pieces.length) {
    const p = pieces[i]
    if (p === undefined || p.dir !== 'rtl') {
      if (p !== undefined) out.push(p)
      i++
      continue
    }
    let end = i
    for (let j = i + 1; j < pieces.length; j++) {
      const q = pieces[j]
      if (q === undefined || q.dir === 'ltr') break
      if (q.dir === 'rtl') end = j
    }
    const stretch = pieces.slice(i, end + 1).reverse()
    for (const s of stretch) out.push(s.dir === 'neutral' ? { ...s, text: mirror(s.text) } : s)
    i = end + 1
  }
  return out
}

/** Draws one laid-out line with its top at `y`; `align` places it inside `width`. */
export const drawLine = (
  doc: Doc,
  line: Line,
  x: number,
  y: number,
  size: number,
  opts: { width?: number; align?: 'left' | 'right' | 'center' } = {},
): void => {
  let px = x
  if (opts.width !== undefined && opts.align === 'right') px = x + opts.width - line.width
  if (opts.width !== undefined && opts.align === 'center') px = x + (opts.width - line.width) / 2
  const baseline = y + size * 1.05
  for (const p of visualOrder(line.pieces)) {
    doc
      .font(p.font)
      .fontSize(size)
      .fillColor(p.color)
      .text(p.text, px, baseline, { lineBreak: false, baseline: 'alphabetic' })
    px += p.width
  }
}

export const lineHeight = (size: number): number => size * 1.4

/** The slice count, for callers that warm the catalogue up front (and fail early if a package is missing). */
export const fontCount = (): number => fontSlices().length
