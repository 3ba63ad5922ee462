import { AppError } from '#shared/contract/errors'
import type { Tlp } from '#shared/domain/enums'
import { type Doc, FontBook, type Span, drawLine, layout, lineHeight } from './pdf-text'

/** A4 portrait, in points. The header and footer bands hold the TLP label and the page number. */
export const PAGE = {
  width: 595.28,
  height: 841.89,
  left: 48,
  right: 48,
  top: 62,
  bottom: 58,
} as const

export const COLORS = {
  text: '#1a1a1a',
  muted: '#5f6368',
  rule: '#c8ccd0',
  accent: '#1f4e79',
  link: '#1a5fb4',
  zebra: '#f3f5f7',
  codeBg: '#f1f3f4',
} as const

/** FIRST's TLP 2.0 colours: the label is written in its colour on a black background. */
export const TLP_COLORS: Record<Tlp, string> = {
  red: '#FF2B2B',
  amber: '#FFC000',
  'amber+strict': '#FFC000',
  green: '#33FF00',
  clear: '#FFFFFF',
}

export const tlpLabel = (tlp: Tlp): string => `TLP:${tlp.toUpperCase()}`

/** FIRST's one-line meaning of each level, printed on the title page. */
export const TLP_MEANING: Record<Tlp, string> = {
  red: 'For the eyes and ears of individual recipients only, no further disclosure.',
  'amber+strict': 'Limited disclosure, restricted to the recipient organisation only.',
  amber:
    'Limited disclosure, recipients may share on a need-to-know basis within their organisation and its clients.',
  green: 'Limited disclosure, recipients may share within their community but not publicly.',
  clear: 'Disclosure is not limited.',
}

/**
 * The writing cursor over pages: content flows down from the top margin and a new page starts when the next
 * block does not fit. Every section writes through it, so page breaks and cancellation are handled once.
 */
export class Flow {
  readonly fonts: FontBook
  y: number = PAGE.top
  /** Pages started so far (0 on the first page). */
  page = 0
  /** Called after every page break (the running header and footer). */
  onPage: () => void = () => undefined

  constructor(
    readonly doc: Doc,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.fonts = new FontBook(doc)
  }

  get left(): number {
    return PAGE.left
  }
  get width(): number {
    return PAGE.width - PAGE.left - PAGE.right
  }
  get bottom(): number {
    return PAGE.height - PAGE.bottom
  }

  /** Throws `cancelled` once the caller's signal fired; called between blocks and rows. */
  checkAbort(): void {
    if (this.signal?.aborted === true) throw new AppError('cancelled', 'PDF export cancelled')
  }

  newPage(): void {
    this.checkAbort()
    this.doc.addPage()
    this.page++
    this.y = PAGE.top
    this.onPage()
  }

  /** Starts a new page unless `h` more points fit on this one. */
  ensure(h: number): void {
    if (this.y + h > this.bottom && this.y > PAGE.top) this.newPage()
  }

  /** Wrapped text, breaking between lines across pages. */
  text(
    spans: readonly Span[],
    opts: { size?: number; indent?: number; gap?: number; align?: 'left' | 'center' } = {},
  ): void {
    const size = opts.size ?? 10
    const indent = opts.indent ?? 0
    const w = this.width - indent
    const lh = lineHeight(size)
    for (const line of layout(this.fonts, spans, w, size)) {
      this.ensure(lh)
      drawLine(this.doc, line, this.left + indent, this.y, size, { width: w, align: opts.align })
      this.y += lh
    }
    this.y += opts.gap ?? size * 0.6
  }

  heading(text: string, level: number): void {
    const size = [20, 16, 13.5, 12, 11, 10.5][Math.min(Math.max(level, 1), 6) - 1] ?? 12
    this.ensure(lineHeight(size) * 3)
    this.y += level <= 2 ? size * 0.5 : size * 0.3
    this.text([{ text, style: 'bold', color: COLORS.accent }], { size, gap: size * 0.35 })
  }

  /** A section title that starts a fresh page. */
  section(text: string): void {
    if (this.y > PAGE.top) this.newPage()
    this.heading(text, 1)
    this.rule()
  }

  rule(): void {
    this.doc
      .moveTo(this.left, this.y)
      .lineTo(this.left + this.width, this.y)
      .lineWidth(0.6)
      .strokeColor(COLORS.rule)
      .stroke()
    this.y += 8
  }

  /** Label: value lines, as in an entity's details. Empty values are left out. */
  fields(rows: readonly (readonly [string, string])[], size = 9.5): void {
    for (const [label, value] of rows) {
      if (value.trim() === '') continue
      this.text(
        [
          { text: `${label}: `, style: 'bold', color: COLORS.muted },
          { text: value, style: 'regular' },
        ],
        { size, gap: 1.5 },
      )
    }
  }
}
