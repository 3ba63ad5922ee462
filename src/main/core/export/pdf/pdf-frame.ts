import { AppError } from '#shared/contract/errors'
import type { Tlp } from '#shared/domain/enums'
import { COLORS, PAGE, TLP_COLORS, tlpLabel } from './pdf-flow'
import { type Doc, type FontBook, type Line, drawLine, layout } from './pdf-text'

/** Draws the TLP label (its colour on black) with its top-left corner at x, y; returns its width. */
export const drawTlpBadge = (
  doc: Doc,
  fonts: FontBook,
  tlp: Tlp,
  x: number,
  y: number,
  size: number,
): number => {
  const [line] = layout(
    fonts,
    [{ text: tlpLabel(tlp), style: 'bold', color: TLP_COLORS[tlp] }],
    400,
    size,
  )
  if (line === undefined) return 0
  const padX = size * 0.55
  const padY = size * 0.3
  const w = line.width + padX * 2
  const h = size * 1.4 + padY * 2 - size * 0.4
  doc.save().rect(x, y, w, h).fill('#000000').restore()
  drawLine(doc, line, x + padX, y + padY - size * 0.2, size)
  return w
}

/** The parts of pdfkit's embedded font this file writes with directly (a form XObject is below pdfkit's API). */
type EmbeddedFontLike = {
  id: string
  ref: () => PDFKit.PDFKitReference
  encode: (text: string) => [string[], unknown]
}

const FRAME_SIZE = 8.5
const TOTAL_FORM = 'XPageTotal'

/**
 * The running header and footer: the TLP label in both (a page torn off the document still carries its
 * marking), the title, and "Page n of N". Each page is framed when it starts, so pages stream out one at a
 * time and memory stays flat however many there are; N, unknown until the end, is one form XObject that every
 * footer references and that is written last.
 */
export class PageFrame {
  private pageNo = 0
  private readonly titleLine: Line | undefined
  private readonly badgeW: number
  private readonly total: PDFKit.PDFKitReference
  private totalFont: EmbeddedFontLike | null = null

  constructor(
    private readonly doc: Doc,
    private readonly fonts: FontBook,
    private readonly tlp: Tlp,
    title: string,
  ) {
    const contentW = PAGE.width - PAGE.left - PAGE.right
    this.titleLine = layout(
      fonts,
      [{ text: title, color: COLORS.muted }],
      contentW - 120,
      FRAME_SIZE,
    )[0]
    const probe = layout(fonts, [{ text: tlpLabel(tlp), style: 'bold' }], 400, FRAME_SIZE)[0]
    this.badgeW = (probe?.width ?? 60) + FRAME_SIZE * 1.1
    this.total = doc.ref({
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [0, -4, 80, 12],
      Resources: { Font: {} },
    })
  }

  get pages(): number {
    return this.pageNo
  }

  /** Frames the page just started. */
  draw(): void {
    this.pageNo++
    const { doc, fonts, tlp } = this
    drawTlpBadge(doc, fonts, tlp, PAGE.width - PAGE.right - this.badgeW, 22, FRAME_SIZE)
    if (this.titleLine !== undefined) drawLine(doc, this.titleLine, PAGE.left, 24, FRAME_SIZE)
    doc
      .moveTo(PAGE.left, 44)
      .lineTo(PAGE.width - PAGE.right, 44)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke()
    const footY = PAGE.height - 38
    drawTlpBadge(doc, fonts, tlp, PAGE.left, footY, FRAME_SIZE)
    const [line] = layout(
      fonts,
      [{ text: `Page ${this.pageNo} of`, color: COLORS.muted }],
      200,
      FRAME_SIZE,
    )
    if (line === undefined) return
    const x = PAGE.width - PAGE.right - 100
    drawLine(doc, line, x, footY + 1.5, FRAME_SIZE)
    const page = this.doc.page as unknown as { xobjects: Record<string, PDFKit.PDFKitReference> }
    page.xobjects[TOTAL_FORM] = this.total
    // The form's y axis points up; the page's (pdfkit's) points down: flip back at the baseline.
    const baseline = footY + 1.5 + FRAME_SIZE * 1.05
    // The form starts with the space (text extraction may still join "of" and N: the form is its own run).
    const at = x + line.width
    doc.addContent(`q 1 0 0 -1 ${at.toFixed(2)} ${baseline.toFixed(2)} cm /${TOTAL_FORM} Do Q`)
  }

  private font(): EmbeddedFontLike {
    if (this.totalFont !== null) return this.totalFont
    this.fonts.use(0, 'regular')
    const font = (this.doc as unknown as { _font?: Partial<EmbeddedFontLike> })._font
    if (
      typeof font?.id !== 'string' ||
      typeof font.ref !== 'function' ||
      typeof font.encode !== 'function'
    )
      throw new AppError('internal', 'PDF page numbers: pdfkit does not expose its embedded font')
    this.totalFont = font as EmbeddedFontLike
    return this.totalFont
  }

  /** Writes N into the shared form; call once, after the last page, before the document ends. */
  finish(): void {
    const font = this.font()
    const [glyphs] = font.encode(` ${this.pageNo}`)
    const grey = '0.373 0.388 0.408'
    const data = (
      this.total as unknown as { data: { Resources: { Font: Record<string, unknown> } } }
    ).data
    data.Resources.Font[font.id] = font.ref()
    this.total.end(`BT ${grey} rg /${font.id} ${FRAME_SIZE} Tf 0 0 Td <${glyphs.join('')}> Tj ET`)
  }
}
