import { Lexer, type MarkedToken, type Token, type Tokens } from 'marked'
import type { FontStyle } from './pdf-fonts'
import { COLORS, type Flow, PAGE } from './pdf-flow'
import { Table, proportionalWidths } from './pdf-table'
import { type Span, cleanText, layout, drawLine, lineHeight } from './pdf-text'

/**
 * A report's Markdown drawn as PDF blocks. Only marked's lexer runs: its tokens are read as data and nothing
 * in them is executed, fetched or treated as HTML. Links are shown as their text followed by the URL, images
 * as their alt text and URL, raw HTML as the text it is.
 */

/** Deeper nesting (lists in quotes in lists…) is drawn flat: the indent stops growing. */
const MAX_DEPTH = 8
const MAX_TABLE_COLUMNS = 12
const TEXT_MAX = 100_000

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
}
const decode = (s: string): string =>
  s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (m, name: string) => {
    if (name.startsWith('#')) {
      const cp =
        name[1] === 'x' || name[1] === 'X'
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1))
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m
    }
    return ENTITIES[name.toLowerCase()] ?? m
  })

type InlineState = { bold: boolean; italic: boolean; color: string }

const styleOf = (s: InlineState): FontStyle => (s.bold ? 'bold' : s.italic ? 'italic' : 'regular')

const asMarked = (t: Token): MarkedToken | null =>
  'type' in t && typeof t.type === 'string' ? (t as MarkedToken) : null

/** Inline tokens as styled spans. */
export const inlineSpans = (
  tokens: readonly Token[] | undefined,
  st: InlineState,
  depth = 0,
): Span[] => {
  const out: Span[] = []
  const push = (text: string, s: InlineState = st): void => {
    if (text !== '')
      out.push({ text: cleanText(decode(text), TEXT_MAX), style: styleOf(s), color: s.color })
  }
  for (const raw of tokens ?? []) {
    const t = asMarked(raw)
    if (t === null) continue
    if (depth > MAX_DEPTH) {
      push(t.raw)
      continue
    }
    switch (t.type) {
      case 'strong':
        out.push(...inlineSpans(t.tokens, { ...st, bold: true }, depth + 1))
        break
      case 'em':
        out.push(...inlineSpans(t.tokens, { ...st, italic: true }, depth + 1))
        break
      case 'del':
        out.push(...inlineSpans(t.tokens, { ...st, color: COLORS.muted }, depth + 1))
        break
      case 'codespan':
        push(t.text, { ...st, color: '#7a2e0e' })
        break
      case 'link': {
        out.push(...inlineSpans(t.tokens, { ...st, color: COLORS.link }, depth + 1))
        if (t.text.trim() !== t.href.trim()) push(` (${t.href})`, { ...st, color: COLORS.muted })
        break
      }
      case 'image':
        push(`[image: ${t.text === '' ? 'no description' : t.text}] (${t.href})`, {
          ...st,
          italic: true,
          color: COLORS.muted,
        })
        break
      case 'br':
        push('\n')
        break
      case 'text':
        if ('tokens' in t && t.tokens !== undefined && t.tokens.length > 0)
          out.push(...inlineSpans(t.tokens, st, depth + 1))
        else push(t.text)
        break
      case 'escape':
      case 'html':
        push(t.text)
        break
      case 'checkbox':
        push(t.checked ? '[x] ' : '[ ] ')
        break
      default:
        push(t.raw)
    }
  }
  return out
}

const BASE: InlineState = { bold: false, italic: false, color: COLORS.text }

const codeBlock = (flow: Flow, text: string, indent: number): void => {
  const size = 8.5
  const lh = lineHeight(size)
  const w = flow.width - indent - 12
  const lines = layout(flow.fonts, [{ text: cleanText(text, TEXT_MAX), color: '#263238' }], w, size)
  for (const line of lines) {
    flow.ensure(lh)
    flow.doc
      .save()
      .rect(flow.left + indent, flow.y, flow.width - indent, lh)
      .fill(COLORS.codeBg)
      .restore()
    drawLine(flow.doc, line, flow.left + indent + 6, flow.y, size)
    flow.y += lh
  }
  flow.y += 6
}

const table = (flow: Flow, t: Tokens.Table, indent: number): void => {
  const cols = Math.min(t.header.length, MAX_TABLE_COLUMNS)
  const texts = [t.header, ...t.rows].map((r) => r.slice(0, cols).map((c) => c.text))
  const widths = proportionalWidths(texts, flow.width - indent)
  const tbl = new Table(
    flow,
    widths,
    t.header.slice(0, cols).map((c) => decode(c.text)),
    8,
  )
  tbl.start()
  for (const row of t.rows) tbl.row(row.slice(0, cols).map((c) => inlineSpans(c.tokens, BASE)))
  tbl.end()
  if (t.header.length > cols)
    flow.text(
      [
        {
          text: `${t.header.length - cols} more columns not shown.`,
          color: COLORS.muted,
          style: 'italic',
        },
      ],
      { size: 8 },
    )
}

const blocks = (flow: Flow, tokens: readonly Token[], indent: number, depth: number): void => {
  for (const raw of tokens) {
    flow.checkAbort()
    const t = asMarked(raw)
    if (t === null) continue
    const ind = Math.min(indent, 18 * MAX_DEPTH)
    switch (t.type) {
      case 'heading':
        flow.heading(cleanText(decode(t.text), 500), Math.min(t.depth + 1, 6))
        break
      case 'paragraph':
        flow.text(inlineSpans(t.tokens, BASE), { indent: ind, size: 10 })
        break
      case 'text':
        flow.text(
          inlineSpans(
            t.tokens ?? [{ type: 'text', raw: t.raw, text: t.text } satisfies Tokens.Text],
            BASE,
          ),
          { indent: ind, size: 10, gap: 2 },
        )
        break
      case 'list':
        t.items.forEach((item, i) => {
          const start = typeof t.start === 'number' ? t.start : 1
          const bullet = t.ordered ? `${start + i}.` : '•'
          flow.ensure(lineHeight(10))
          const [line] = layout(flow.fonts, [{ text: bullet, color: COLORS.muted }], 18, 10)
          if (line !== undefined) drawLine(flow.doc, line, flow.left + ind, flow.y, 10)
          blocks(flow, item.tokens, ind + 18, depth + 1)
        })
        flow.y += 4
        break
      case 'code':
        codeBlock(flow, t.text, ind)
        break
      case 'blockquote': {
        const top = flow.y
        const page = flow.page
        blocks(flow, t.tokens, ind + 14, depth + 1)
        // The bar is drawn on the page the quote ends on, from its top there.
        const from = flow.page === page ? top : PAGE.top
        flow.doc
          .save()
          .rect(flow.left + ind + 2, from, 3, Math.max(flow.y - from - 6, 4))
          .fill(COLORS.rule)
          .restore()
        break
      }
      case 'table':
        table(flow, t, ind)
        break
      case 'hr':
        flow.rule()
        break
      case 'html':
        flow.text([{ text: cleanText(t.text, TEXT_MAX), color: COLORS.muted }], {
          indent: ind,
          size: 9,
        })
        break
      case 'space':
      case 'def':
        break
      default:
        if ('raw' in t && typeof t.raw === 'string')
          flow.text([{ text: cleanText(t.raw, TEXT_MAX) }], { indent: ind, size: 10 })
    }
  }
}

/** Per block (text between blank lines): more emphasis/link/HTML delimiters than this is not prose. */
const MAX_DELIMITERS_PER_BLOCK = 1_000
const DELIMITER = /[*_~`[\]<>]/g
/** A run of one delimiter, or a line that opens a dozen quotes or lists, nests deeper than a document does. */
const HOSTILE_SHAPE = /([*_~`])\1{32,}|^[ \t>*+\-.)\d]{40,}/m

/**
 * marked's inline pass is quadratic in the delimiters of one block and recursive in nesting, so a hostile
 * report (`*a` a hundred thousand times, twenty thousand `>`) could stall or overflow the stack. Such a block
 * becomes an indented code block: shown as its raw text, lexed in linear time.
 */
export const guardMarkdown = (markdown: string): string =>
  markdown
    .split(/(\n[ \t]*\n)/)
    .map((block, i) => {
      if (i % 2 === 1) return block
      const delimiters = block.match(DELIMITER)?.length ?? 0
      if (delimiters <= MAX_DELIMITERS_PER_BLOCK && !HOSTILE_SHAPE.test(block)) return block
      return block
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')
    })
    .join('')

/** Renders a Markdown document at the flow's position. */
export const writeMarkdown = (flow: Flow, markdown: string): void => {
  const source = guardMarkdown(markdown)
  let tokens: Token[]
  try {
    tokens = new Lexer({ gfm: true }).lex(source)
  } catch {
    // Whatever marked cannot read is still the report: shown as its text.
    codeBlock(flow, markdown, 0)
    return
  }
  blocks(flow, tokens, 0, 0)
}
