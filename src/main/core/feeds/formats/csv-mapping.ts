import {
  CSV_MAPPED_FIELDS,
  mappingKey,
  type CsvMappedField,
  type CsvMapping,
  type CsvPreview,
} from '#shared/contract/feeds.contract'
import { normaliseColumn } from './csv-format'
import { CsvReader, type CsvSink } from './csv-reader'

/**
 * Header names recognised for each field (normalised: lower case, spaces and dashes as `_`, parentheses
 * dropped). The analyst CSV's header (`value`/`indicator`/`ioc`, `type`, `tags`, `severity`, `description`)
 * and the usual spellings of SIEM and sharing-platform exports.
 */
const NAMES: Readonly<Record<CsvMappedField, readonly string[]>> = {
  value: ['value', 'indicator', 'ioc', 'ioc_value', 'indicator_value', 'observable'],
  type: ['type', 'ioc_type', 'indicator_type', 'kind'],
  tags: ['tags', 'tag', 'labels'],
  description: ['description', 'comment', 'comments', 'notes'],
  confidence: ['confidence', 'confidence_level'],
  severity: ['severity'],
  classification: ['classification'],
  firstSeen: ['first_seen', 'firstseen', 'first_seen_utc', 'date_added', 'dateadded'],
  lastSeen: ['last_seen', 'lastseen', 'last_seen_utc'],
  tlp: ['tlp'],
  threatType: ['threat_type'],
  malware: ['malware', 'malware_family'],
  reference: ['reference', 'ref'],
}

/**
 * The mapping a header's names give, by column name, or null when no column names the indicator (then
 * the analyst maps the columns).
 */
export const recogniseColumns = (header: readonly string[]): CsvMapping | null => {
  const norm = header.map(normaliseColumn)
  const out: CsvMapping = {}
  for (const f of CSV_MAPPED_FIELDS) {
    const i = norm.findIndex((n) => NAMES[f].includes(n))
    if (i >= 0) out[mappingKey(f)] = header[i].trim()
  }
  return out.valueColumn === undefined ? null : out
}

const PREVIEW_ROWS = 8

const countOutsideQuotes = (line: string, d: string): number => {
  let n = 0
  let quoted = false
  for (const ch of line) {
    if (ch === '"') quoted = !quoted
    else if (ch === d && !quoted) n++
  }
  return n
}

/**
 * The delimiter of a CSV head: the one its first line (the header, usually) holds most often, among those
 * most of the next lines hold as often; a short or broken row further down does not change it.
 */
export const guessDelimiter = (lines: readonly string[]): string => {
  const sample = lines.slice(0, 20)
  let best = ','
  let bestCount = 0
  for (const d of [',', ';', '\t', '|']) {
    const counts = sample.map((l) => countOutsideQuotes(l, d))
    const c0 = counts[0] ?? 0
    const agreeing = counts.filter((c) => c === c0).length
    if (c0 > bestCount && agreeing * 2 > counts.length) {
      best = d
      bestCount = c0
    }
  }
  return best
}

/**
 * The first rows of a CSV head, for the mapping step: its header (when the first row names columns
 * rather than holding an indicator) and the rows after it, with the mapping recognised from the names.
 */
export const previewCsv = (head: string): CsvPreview => {
  const lines = head
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  const delimiter = guessDelimiter(lines)
  const rows: string[][] = []
  const sink: CsvSink = {
    row: (fields) => {
      if (rows.length <= PREVIEW_ROWS) rows.push(fields.map((f) => f.slice(0, 200)))
    },
    comment: () => undefined,
    bad: () => undefined,
    blank: () => undefined,
  }
  const reader = new CsvReader({ delimiter, commentPrefix: '#' })
  // The first rows only: the reader sees no more than the preview needs.
  reader.push(lines.slice(0, PREVIEW_ROWS + 1).join('\n'), sink)
  reader.end(sink)
  const first = rows[0] ?? []
  const mapping = recogniseColumns(first)
  if (mapping !== null && delimiter !== ',') mapping.delimiter = delimiter
  return { delimiter, columns: first, rows: rows.slice(1), mapping }
}
