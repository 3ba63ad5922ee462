import { AppError } from '#shared/contract/errors'
import type { ParseItem } from '../feed-types'
import { CsvReader, type CsvReaderOptions, type CsvSink, splitHeaderLine } from './csv-reader'
import { decodeText } from './line-splitter'
import { Batcher, type CommonParseOptions, rejectItem } from './parse-support'

/** Header name as compared: `Dateadded (UTC)` → `dateadded`, `First Seen` → `first_seen`. */
export const normaliseColumn = (name: string): string =>
  name
    .replace(/\(.*?\)/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')

/** Column positions by normalised name. */
export type Columns = {
  readonly names: readonly string[]
  index(name: string): number
  has(name: string): boolean
}

export const columnsOf = (names: readonly string[]): Columns => {
  const norm = names.map(normaliseColumn)
  const map = new Map<string, number>()
  norm.forEach((n, i) => {
    if (!map.has(n)) map.set(n, i)
  })
  return {
    names: norm,
    index: (name) => map.get(name) ?? -1,
    has: (name) => map.has(name),
  }
}

/** Maps one data row; pushes records/rejects into `out`. Returning nothing keeps the hot loop lean. */
export type RowMapper = (fields: string[], line: number, out: Batcher) => void

export type CsvFormatSpec = {
  /** For messages: 'URLhaus CSV'. */
  label: string
  reader: CsvReaderOptions
  /**
   * A header (commented or not) must contain all of these normalised names to be taken as the header.
   * Empty: the first row is the header, whatever it says.
   */
  keyColumns: readonly string[]
  /** The file has no header: rows are mapped by position from the start (columns are empty). */
  noHeader?: boolean
  /** Look for the header in `#` comment lines too (abuse.ch comments out its column line). */
  headerInComments: boolean
  /** Columns to assume when the file has no header at all; without it a missing header is an error. */
  fallbackColumns?: readonly string[]
  /** Reject rows whose field count differs from the header's (misaligned rows put values in the wrong field). */
  strictFieldCount: boolean
  /** Builds the row mapper once the header is known; may throw AppError for an unusable header. */
  start(columns: Columns): RowMapper
}

/** The header's names again, field for field (any case, spacing or quoting). */
const isHeaderRepeat = (fields: readonly string[], cols: Columns): boolean => {
  const names = cols.names
  if (names.length === 0 || fields.length !== names.length) return false
  for (let i = 0; i < names.length; i++) if (normaliseColumn(fields[i]) !== names[i]) return false
  return true
}

const stripCommentMarker = (line: string): string => line.replace(/^\s*#+\s*/, '')

/**
 * Drives a CSV-shaped format: decode → CSV records → header resolution by name → row mapper → batches.
 */
export async function* runCsvFormat(
  input: AsyncIterable<Uint8Array>,
  options: CommonParseOptions,
  spec: CsvFormatSpec,
): AsyncGenerator<ParseItem[]> {
  const reader = new CsvReader({ maxRecordLength: options.maxLineLength, ...spec.reader })
  const out = new Batcher()
  const stats = options.stats
  let state: { cols: Columns; map: RowMapper } | undefined
  let commentHeader: string[] | undefined
  const hasKeys = (names: readonly string[]): boolean => {
    const c = columnsOf(names)
    return spec.keyColumns.every((k) => c.has(k))
  }
  const begin = (names: readonly string[]): { cols: Columns; map: RowMapper } => {
    const cols = columnsOf(names)
    state = { cols, map: spec.start(cols) }
    return state
  }
  const sink: CsvSink = {
    row(fields, line) {
      if (fields.length === 1 && fields[0].trim() === '') {
        if (stats) stats.skipped++
        return
      }
      let st = state
      if (st === undefined) {
        const trimmed = fields.map((f) => f.trim())
        if (spec.noHeader === true) {
          st = begin([])
        } else if (commentHeader !== undefined) {
          st = begin(commentHeader)
        } else if (hasKeys(trimmed)) {
          begin(trimmed)
          return
        } else if (spec.fallbackColumns !== undefined) {
          st = begin(spec.fallbackColumns)
        } else {
          throw new AppError(
            'invalid_input',
            `${spec.label}: no header line with the columns ${spec.keyColumns.join(', ')} before line ${line}`,
            { line },
          )
        }
      }
      // A repeated header line (concatenated dumps) is not a data row, nor a reject.
      if (
        isHeaderRepeat(fields, st.cols) ||
        (spec.keyColumns.length > 0 &&
          normaliseColumn(fields[0]) === st.cols.names[0] &&
          hasKeys(fields))
      ) {
        if (stats) stats.skipped++
        return
      }
      if (spec.strictFieldCount && fields.length !== st.cols.names.length) {
        out.push(
          rejectItem(
            line,
            fields.join(spec.reader.delimiter ?? ','),
            `expected ${st.cols.names.length} fields, got ${fields.length}`,
          ),
        )
        return
      }
      st.map(fields, line, out)
    },
    comment(textOf, _line) {
      if (stats) stats.skipped++
      if (state !== undefined || !spec.headerInComments) return
      const names = splitHeaderLine(stripCommentMarker(textOf), spec.reader.delimiter)
      if (names.length > 1 && hasKeys(names)) commentHeader = names
    },
    bad(line, reason, head) {
      out.push(rejectItem(line, head, reason))
    },
    blank() {
      if (stats) stats.skipped++
    },
  }
  for await (const textOf of decodeText(input, options.signal)) {
    reader.push(textOf, sink)
    if (out.full) yield out.take()
  }
  reader.end(sink)
  if (out.size > 0) yield out.take()
}

/** The field at `index`, or '' when the column is absent (-1) or the row is short. */
export const field = (fields: readonly string[], index: number): string =>
  index < 0 ? '' : (fields[index] ?? '')
