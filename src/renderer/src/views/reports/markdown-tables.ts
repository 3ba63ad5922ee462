import type {
  AlignType,
  Paragraph,
  Parent,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
  TableRow,
} from 'mdast'

/**
 * GitHub-style pipe tables for the report preview. react-markdown parses CommonMark, where a table is just a
 * paragraph of lines with pipes; this remark transform turns such a paragraph (a header row, a delimiter row
 * such as `| --- | :-: |`, then body rows) into an mdast table, keeping the inline Markdown of each cell
 * (emphasis, code, links), which is what remark-gfm's table does for the common case. The table must be the
 * whole paragraph, as the toolbar inserts it (on its own lines).
 */

/** Bounds, so a hostile report cannot make the preview build an enormous table. */
const MAX_COLUMNS = 64
const MAX_ROWS = 5000

type Line = PhrasingContent[]

const DELIMITER_CELL = /^\s*(:?)-+(:?)\s*$/

/** Splits the paragraph's inline nodes into lines at the soft line breaks (newlines inside text nodes). */
const splitLines = (nodes: PhrasingContent[]): Line[] => {
  const lines: Line[] = [[]]
  const current = () => lines[lines.length - 1] ?? []
  for (const node of nodes) {
    if (node.type === 'break') {
      lines.push([])
      continue
    }
    if (node.type !== 'text') {
      current().push(node)
      continue
    }
    const parts = node.value.split('\n')
    parts.forEach((part, i) => {
      if (i > 0) lines.push([])
      if (part !== '') current().push({ type: 'text', value: part })
    })
  }
  return lines
}

const trimCell = (cell: Line): Line => {
  const out = [...cell]
  const first = out[0]
  if (first?.type === 'text') {
    const value = first.value.replace(/^\s+/, '')
    if (value === '') out.shift()
    else out[0] = { type: 'text', value }
  }
  const last = out[out.length - 1]
  if (last?.type === 'text') {
    const value = last.value.replace(/\s+$/, '')
    if (value === '') out.pop()
    else out[out.length - 1] = { type: 'text', value }
  }
  return out
}

/** One line's cells: split at the pipes of its text (a pipe inside inline code does not split). */
const splitCells = (line: Line): Line[] => {
  const cells: Line[] = [[]]
  for (const node of line) {
    if (node.type !== 'text') {
      cells[cells.length - 1]?.push(node)
      continue
    }
    node.value.split('|').forEach((part, i) => {
      if (i > 0) cells.push([])
      if (part !== '') cells[cells.length - 1]?.push({ type: 'text', value: part })
    })
  }
  const trimmed = cells.map(trimCell)
  // A leading and a trailing pipe frame the row; they do not make empty cells.
  const startsWithPipe = line[0]?.type === 'text' && line[0].value.trimStart().startsWith('|')
  const lastNode = line[line.length - 1]
  const endsWithPipe = lastNode?.type === 'text' && lastNode.value.trimEnd().endsWith('|')
  if (startsWithPipe && trimmed[0]?.length === 0) trimmed.shift()
  if (endsWithPipe && trimmed[trimmed.length - 1]?.length === 0) trimmed.pop()
  return trimmed
}

const plainText = (line: Line): string | null => {
  let out = ''
  for (const node of line) {
    if (node.type !== 'text') return null
    out += node.value
  }
  return out
}

/** The column alignments when `line` is a delimiter row, else null. */
const delimiterRow = (line: Line): AlignType[] | null => {
  const text = plainText(line)
  if (text === null || !text.includes('-')) return null
  const inner = text.trim().replace(/^\|/, '').replace(/\|$/, '')
  const cells = inner.split('|')
  const align: AlignType[] = []
  for (const cell of cells) {
    const m = DELIMITER_CELL.exec(cell)
    if (!m) return null
    const left = m[1] === ':'
    const right = m[2] === ':'
    align.push(left && right ? 'center' : left ? 'left' : right ? 'right' : null)
  }
  return align
}

const row = (cells: Line[], columns: number): TableRow => {
  const children: TableCell[] = []
  for (let i = 0; i < columns; i++) children.push({ type: 'tableCell', children: cells[i] ?? [] })
  return { type: 'tableRow', children }
}

/** The table this paragraph spells, or null when it is not one. */
export const tableOf = (paragraph: Paragraph): Table | null => {
  const lines = splitLines(paragraph.children)
  const [headerLine, delimiterLine, ...bodyLines] = lines
  if (!headerLine || !delimiterLine) return null
  const align = delimiterRow(delimiterLine)
  if (!align) return null
  const header = splitCells(headerLine)
  if (header.length !== align.length || header.length > MAX_COLUMNS) return null
  const rows = [row(header, header.length)]
  for (const line of bodyLines.slice(0, MAX_ROWS)) rows.push(row(splitCells(line), header.length))
  return { type: 'table', align, children: rows, position: paragraph.position }
}

const walk = (parent: Parent): void => {
  parent.children.forEach((child: RootContent, i) => {
    if (child.type === 'paragraph') {
      const table = tableOf(child)
      if (table) parent.children[i] = table
      return
    }
    if ('children' in child) walk(child)
  })
}

/** The remark plugin: `remarkPlugins={[remarkPipeTables]}`. */
export const remarkPipeTables = () => (tree: Root) => {
  walk(tree)
}
