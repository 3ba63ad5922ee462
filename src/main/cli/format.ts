/**
 * Feed data is hostile and a terminal interprets escape sequences: a value carrying ESC [ ... could recolour,
 * retitle or rewrite the screen. Everything shown in a table goes through this: control characters, C1
 * codes and bidirectional overrides become visible \u escapes.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

export const safeText = (s: string): string =>
  s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

export const clipText = (s: string, max: number): string =>
  s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`

/** A left-aligned text table; cells are made safe and clipped to `maxCell` characters. */
export const formatTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxCell = 64,
): string => {
  const cells = rows.map((r) => r.map((c) => clipText(safeText(c), maxCell)))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return (
    [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n'
  )
}

/** Two columns of `key  value` lines, for one record. */
export const formatRecord = (pairs: readonly (readonly [string, string])[]): string => {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${safeText(v)}`).join('\n') + '\n'
}

export const toJsonLine = (value: unknown): string => JSON.stringify(value, null, 2) + '\n'
