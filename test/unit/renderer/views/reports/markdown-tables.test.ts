import { fromMarkdown } from 'mdast-util-from-markdown'
import type { Root, Table } from 'mdast'
import { describe, expect, it } from 'vitest'
import { remarkPipeTables } from '../../../../../src/renderer/src/views/reports/markdown-tables'

const parse = (markdown: string): Root => {
  const tree = fromMarkdown(markdown)
  remarkPipeTables()(tree)
  return tree
}

const tables = (tree: Root): Table[] => tree.children.filter((c): c is Table => c.type === 'table')

/** A cell's text, inline marks shown by their node type. */
const cellText = (table: Table, r: number, c: number): string =>
  (table.children[r]?.children[c]?.children ?? [])
    .map((n) => (n.type === 'text' ? n.value : `<${n.type}>`))
    .join('')

describe('pipe tables in the report preview', () => {
  it('turns a header, a delimiter row and body rows into a table', () => {
    const [table] = tables(parse('# T\n\n| Value | Type |\n| --- | :-: |\n| 1.2.3.4 | ip |\n'))
    expect(table?.align).toEqual([null, 'center'])
    expect(table?.children).toHaveLength(2)
    expect(cellText(table, 0, 0)).toBe('Value')
    expect(cellText(table, 1, 1)).toBe('ip')
  })

  it('keeps inline Markdown inside cells and does not split on a pipe in code', () => {
    const [table] = tables(parse('a | b\n--- | ---:\n**bold** | `x|y`'))
    expect(table?.align).toEqual([null, 'right'])
    expect(cellText(table, 1, 0)).toBe('<strong>')
    expect(cellText(table, 1, 1)).toBe('<inlineCode>')
  })

  it('pads short rows and drops cells past the header', () => {
    const [table] = tables(parse('| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |'))
    expect(table?.children.map((r) => r.children.length)).toEqual([2, 2, 2])
    expect(cellText(table, 1, 1)).toBe('')
    expect(cellText(table, 2, 1)).toBe('2')
  })

  it('leaves paragraphs that only look like tables alone', () => {
    const tree = parse('a | b\nnot a delimiter\n\n| a | b |\n| --- |\n\nplain text')
    expect(tables(tree)).toHaveLength(0)
    expect(tree.children.map((c) => c.type)).toEqual(['paragraph', 'paragraph', 'paragraph'])
  })

  it('finds tables inside block quotes and list items', () => {
    const tree = parse('> | a | b |\n> | - | - |\n> | 1 | 2 |')
    const quote = tree.children[0]
    expect(quote?.type).toBe('blockquote')
    expect(quote?.type === 'blockquote' ? quote.children[0]?.type : null).toBe('table')
  })
})
