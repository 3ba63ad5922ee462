import { AppError } from '#shared/contract/errors'
import type { FeedRecord, FormatParser } from '../feed-types'
import { type Columns, type RowMapper, field, runCsvFormat } from './csv-format'
import { type CommonParseOptions, rejectItem, splitTags, toIsoUtc } from './parse-support'

/** The full/recent/online dumps' column line (formats.md §3.7), used when a file has lost its header. */
export const URLHAUS_COLUMNS = [
  'id',
  'dateadded',
  'url',
  'url_status',
  'last_online',
  'threat',
  'tags',
  'urlhaus_link',
  'reporter',
] as const

/** Columns mapped onto record fields; every other column of the row goes to `raw`. */
const MAPPED = new Set(['url', 'dateadded', 'last_online', 'threat', 'tags', 'urlhaus_link'])

const urlhausMapper = (cols: Columns): RowMapper => {
  const url = cols.index('url')
  if (url < 0) {
    throw new AppError(
      'invalid_input',
      `URLhaus CSV: the header has no url column (${cols.names.join(', ')})`,
    )
  }
  const added = cols.index('dateadded')
  const lastOnline = cols.index('last_online')
  const threat = cols.index('threat')
  const tags = cols.index('tags')
  const link = cols.index('urlhaus_link')
  const rawIdx: number[] = []
  const rawNames: string[] = []
  cols.names.forEach((n, i) => {
    if (!MAPPED.has(n)) {
      rawIdx.push(i)
      rawNames.push(n)
    }
  })
  return (fields, line, out) => {
    const value = field(fields, url).trim()
    if (value === '') {
      out.push(rejectItem(line, fields.join(','), 'the url field is empty'))
      return
    }
    // URLhaus lists URLs that distribute malware: the source says malicious.
    const r: FeedRecord = { line, value, type: 'url', classification: 'malicious' }
    const first = toIsoUtc(field(fields, added))
    if (first !== null) r.firstSeen = first
    const last = toIsoUtc(field(fields, lastOnline))
    if (last !== null) r.lastSeen = last
    const t = field(fields, threat).trim()
    if (t !== '') r.threatType = t
    const tagList = splitTags(field(fields, tags), ',')
    if (tagList.length > 0) r.tags = tagList
    const ref = field(fields, link).trim()
    if (ref !== '') r.reference = ref
    const raw: Record<string, string> = {}
    for (let k = 0; k < rawIdx.length; k++) {
      const v = field(fields, rawIdx[k])
      if (v !== '') raw[rawNames[k]] = v
    }
    r.raw = raw
    out.push({ kind: 'record', record: r })
  }
}

/**
 * abuse.ch URLhaus CSV: the recent/online/full dumps (commented column line) and the shorter per-ASN,
 * per-country and per-TLD feeds (`Dateadded (UTC),URL,URL_status,Threat,…`), all read by header name.
 */
export const parseUrlhausCsv: FormatParser<CommonParseOptions> = (input, options) =>
  runCsvFormat(input, options, {
    label: 'URLhaus CSV',
    reader: { commentPrefix: '#' },
    keyColumns: ['url'],
    headerInComments: true,
    fallbackColumns: URLHAUS_COLUMNS,
    strictFieldCount: true,
    start: urlhausMapper,
  })
