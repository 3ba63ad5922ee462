/** Prints rows as an aligned plain-text table (numbers right-aligned), for benchmark summaries. */
export type Cell = string | number
export const formatTable = (
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
): string => {
  const text = (c: Cell) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => text(r[i] ?? '').length)),
  )
  const line = (cells: readonly Cell[]) =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0
        return typeof c === 'number' ? text(c).padStart(w) : text(c).padEnd(w)
      })
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
