import { AppError } from '#shared/contract/errors'
import type { FeedRecord, FormatParser } from '../feed-types'
import { type Columns, type RowMapper, field, runCsvFormat } from './csv-format'
import { type JsonRecordsOptions, runJsonRecords } from './json-records'
import { runLineFormat } from './line-format'
import {
  type Batcher,
  type CommonParseOptions,
  type ParseStats,
  isRecord,
  rejectItem,
  str,
  text,
  toIsoUtc,
} from './parse-support'

/**
 * OpenPhish community `feed.txt`: one URL per line, nothing else. No timestamps: the engine stamps the
 * fetch time. `#` lines are tolerated as comments (mirrors add them).
 */
export const parseOpenPhishTxt: FormatParser<CommonParseOptions> = (input, options) =>
  runLineFormat(input, options, (line, lineNo, out) => {
    const value = line.trim()
    if (value.startsWith('#')) {
      if (options.stats) options.stats.skipped++
      return
    }
    out.push({
      kind: 'record',
      record: {
        line: lineNo,
        value,
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
    })
  })

export const PHISHTANK_COLUMNS = [
  'phish_id',
  'url',
  'phish_detail_url',
  'submission_time',
  'verified',
  'verification_time',
  'online',
  'target',
] as const

type PhishFields = {
  id: string
  url: string
  detail: string
  submitted: string
  verified: string
  verifiedAt: string
  online: string
  target: string
}

/**
 * PhishTank keeps rows that are verified AND online. Other rows are not errors, they are the feed's own
 * filter: they are counted in `stats.filtered`, never reported as rejects. A file without the verified or
 * online column is taken as already filtered.
 */
const phishItem = (
  f: PhishFields,
  line: number,
  stats: ParseStats | undefined,
  out: Batcher,
  extra?: Record<string, unknown>,
): void => {
  if ((f.verified !== '' && f.verified !== 'yes') || (f.online !== '' && f.online !== 'yes')) {
    if (stats) stats.filtered++
    return
  }
  const value = f.url.trim()
  if (value === '') {
    out.push(rejectItem(line, f.id, 'the url field is empty'))
    return
  }
  // Kept rows are verified phish, online when the list was made.
  const r: FeedRecord = {
    line,
    value,
    type: 'url',
    threatType: 'phishing',
    classification: 'malicious',
  }
  const first = toIsoUtc(f.submitted)
  if (first !== null) r.firstSeen = first
  // Verification is the source's last look at the phish (online and confirmed).
  const verified = toIsoUtc(f.verifiedAt)
  if (verified !== null) r.lastSeen = first !== null && verified < first ? first : verified
  if (f.detail !== '') r.reference = f.detail
  const target = f.target.trim()
  if (target !== '' && target !== 'Other') r.tags = [target.slice(0, 256)]
  const raw: Record<string, unknown> = { ...extra }
  if (f.id !== '') raw.phish_id = f.id
  if (f.verifiedAt !== '') raw.verification_time = f.verifiedAt
  if (target !== '') raw.target = target.slice(0, 256)
  r.raw = raw
  out.push({ kind: 'record', record: r })
}

const csvMapper =
  (stats: ParseStats | undefined) =>
  (cols: Columns): RowMapper => {
    const url = cols.index('url')
    if (url < 0) {
      throw new AppError(
        'invalid_input',
        `PhishTank CSV: the header has no url column (${cols.names.join(', ')})`,
      )
    }
    const id = cols.index('phish_id')
    const detail = cols.index('phish_detail_url')
    const submitted = cols.index('submission_time')
    const verified = cols.index('verified')
    const verifiedAt = cols.index('verification_time')
    const online = cols.index('online')
    const target = cols.index('target')
    return (fields, line, out) =>
      phishItem(
        {
          id: field(fields, id),
          url: field(fields, url),
          detail: field(fields, detail),
          submitted: field(fields, submitted),
          verified: field(fields, verified).trim().toLowerCase(),
          verifiedAt: field(fields, verifiedAt),
          online: field(fields, online).trim().toLowerCase(),
          target: field(fields, target),
        },
        line,
        stats,
        out,
      )
  }

/** PhishTank `online-valid.csv`: plain header line, fields quoted only when needed. */
export const parsePhishTankCsv: FormatParser<CommonParseOptions> = (input, options) =>
  runCsvFormat(input, options, {
    label: 'PhishTank CSV',
    reader: {},
    keyColumns: ['phish_id', 'url'],
    headerInComments: false,
    fallbackColumns: PHISHTANK_COLUMNS,
    strictFieldCount: true,
    start: csvMapper(options.stats),
  })

const flag = (v: unknown): string => {
  if (v === true) return 'yes'
  if (v === false) return 'no'
  return (str(v) ?? '').trim().toLowerCase()
}

/** PhishTank `online-valid.json`: an array of entries; `details[]` (IP, CIDR, ASN, country) go to raw. */
export const parsePhishTankJson: FormatParser<CommonParseOptions & JsonRecordsOptions> = (
  input,
  options,
) =>
  runJsonRecords(input, options, {
    label: 'PhishTank JSON',
    target: { kind: 'root-array' },
    rootKind: 'array',
    map(v, index, _key, out) {
      const extra: Record<string, unknown> = {}
      if (Array.isArray(v.details)) {
        extra.details = v.details
          .slice(0, 16)
          .filter(isRecord)
          .map((d) => ({
            ip_address: text(d.ip_address, 64),
            cidr_block: text(d.cidr_block, 64),
            announcing_network: str(d.announcing_network),
            rir: text(d.rir, 16),
            country: text(d.country, 8),
            detail_time: text(d.detail_time, 40),
          }))
      }
      phishItem(
        {
          id: str(v.phish_id) ?? '',
          url: str(v.url) ?? '',
          detail: str(v.phish_detail_url) ?? '',
          submitted: str(v.submission_time) ?? '',
          verified: flag(v.verified),
          verifiedAt: str(v.verification_time) ?? '',
          online: flag(v.online),
          target: str(v.target) ?? '',
        },
        index,
        options.stats,
        out,
        extra,
      )
    },
  })
