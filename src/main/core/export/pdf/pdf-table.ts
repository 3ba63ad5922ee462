import { COLORS, type Flow, PAGE } from './pdf-flow'
import { type Line, type Span, drawLine, layout, lineHeight } from './pdf-text'

export type Cell = readonly Span[]

/** A table: fixed column widths, a header row repeated at the top of every page it continues on. */
export class Table {
  private readonly pad = 3
  private rowIndex = 0

  constructor(
    private readonly flow: Flow,
    private readonly widths: readonly number[],
    private readonly header: readonly string[],
    private readonly size = 8,
  ) {}

  private laidOut(cells: readonly Cell[]): { lines: Line[][]; height: number } {
    // A row never outgrows a page (under the repeated header): a cell past that is cut, marked with "…".
    const room = this.flow.bottom - PAGE.top - lineHeight(this.size) * 3 - this.pad * 4
    const maxLines = Math.max(Math.floor(room / lineHeight(this.size)), 1)
    const lines = this.widths.map((w, i) => {
      const width = Math.max(w - this.pad * 2, 8)
      const all = layout(this.flow.fonts, cells[i] ?? [], width, this.size)
      if (all.length <= maxLines) return all
      const more = layout(this.flow.fonts, [{ text: '…', color: COLORS.muted }], width, this.size)
      return [...all.slice(0, maxLines - 1), ...more]
    })
    const tallest = Math.max(...lines.map((l) => l.length), 1)
    return { lines, height: tallest * lineHeight(this.size) + this.pad * 2 }
  }

  private draw(lines: Line[][], height: number, fill: string | null): void {
    const { doc, left } = this.flow
    const total = this.widths.reduce((a, b) => a + b, 0)
    const y = this.flow.y
    if (fill !== null) doc.save().rect(left, y, total, height).fill(fill).restore()
    let x = left
    this.widths.forEach((w, i) => {
      let ly = y + this.pad
      for (const line of lines[i] ?? []) {
        drawLine(doc, line, x + this.pad, ly, this.size)
        ly += lineHeight(this.size)
      }
      x += w
    })
    doc
      .save()
      .moveTo(left, y + height)
      .lineTo(left + total, y + height)
      .lineWidth(0.4)
      .strokeColor(COLORS.rule)
      .stroke()
      .restore()
    this.flow.y = y + height
  }

  /** The header row, drawn at the start and again after each page break. */
  start(): void {
    const cells = this.header.map((h) => [{ text: h, style: 'bold' as const, color: '#ffffff' }])
    const { lines, height } = this.laidOut(cells)
    this.flow.ensure(height + lineHeight(this.size) * 2 + this.pad * 2)
    this.draw(lines, height, COLORS.accent)
  }

  /**
   * One row, never split: when it does not fit, the page breaks before it and the header is repeated. Cell text
   * is clipped upstream, so a row is always shorter than a page.
   */
  row(cells: readonly Cell[]): void {
    const { lines, height } = this.laidOut(cells)
    if (this.flow.y + height > this.flow.bottom) {
      this.flow.newPage()
      this.start()
    }
    this.draw(lines, height, this.rowIndex % 2 === 1 ? COLORS.zebra : null)
    this.rowIndex++
  }

  end(): void {
    this.flow.y += 10
  }
}

/** Column widths for `count` columns sharing `total`, in proportion to their longest text, none too narrow. */
export const proportionalWidths = (
  texts: readonly (readonly string[])[],
  total: number,
): number[] => {
  const count = Math.max(...texts.map((r) => r.length), 1)
  const weight = Array.from({ length: count }, (_, i) =>
    Math.min(Math.max(...texts.map((r) => (r[i] ?? '').length), 3), 60),
  )
  const sum = weight.reduce((a, b) => a + b, 0)
  const min = Math.min(40, total / count)
  const raw = weight.map((w) => Math.max((w / sum) * total, min))
  const scale = total / raw.reduce((a, b) => a + b, 0)
  return raw.map((w) => w * scale)
}
