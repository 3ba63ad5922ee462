import { createHash } from 'node:crypto'
import { AppError } from '#shared/contract'
import {
  IndicatorCreateSchema,
  MAX_LISTED_REJECTS,
  type BulkReport,
} from '#shared/contract/indicators.contract'
import { parseIndicator } from '#shared/domain'
import { IOC_TYPES, type IocType } from '#shared/domain/enums'
import {
  CsvReader,
  columnsOf,
  decodeText,
  field,
  formatIssuePath,
  splitTags,
  type CsvSink,
} from '#core'

/**
 * The analyst's CSV: a header row naming a value column (`value`, `indicator` or `ioc`, any case) and,
 * optionally, `type`, `tags`, `severity` and `description`. Unlike feed CSVs it carries severities, so rows go
 * to indicators.bulkCreate as items (the same validation and upsert as every other bulk path), in batches.
 */
export const VALUE_COLUMNS = ['value', 'indicator', 'ioc'] as const

export type CsvImportReport = {
  status: 'succeeded' | 'cancelled'
  rows: number
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number
  rejects: { line: number; value: string; reason: string }[]
  byType: Record<string, number>
}

export type CsvImportOptions = {
  input: AsyncIterable<Uint8Array>
  /** indicators.bulkCreate with `{ items }`. */
  bulk: (items: unknown[]) => Promise<BulkReport>
  signal?: AbortSignal
  batchSize?: number
  /** Distinct values remembered to count in-file duplicates; past it, repeats count as unchanged. */
  maxRemembered?: number
}

const TYPE_ALIASES: Readonly<Record<string, IocType>> = {
  ipv4: 'ip',
  'ip-dst': 'ip',
  'ip-src': 'ip',
  hostname: 'domain',
  fqdn: 'domain',
  'sha-1': 'sha1',
  'sha-256': 'sha256',
  'sha-512': 'sha512',
  'e-mail': 'email',
}
const isIocType = (s: string): s is IocType => (IOC_TYPES as readonly string[]).includes(s)

/** True when a header line names a value column: how `--format auto` recognises an analyst CSV. */
export const isAnalystCsvHeader = (fields: readonly string[]): boolean =>
  columnsOf(fields).names.some((n) => (VALUE_COLUMNS as readonly string[]).includes(n))

type Mapper = (fields: readonly string[]) => { value: string; item: Record<string, unknown> }

const mapperFor = (header: readonly string[], line: number): Mapper => {
  const cols = columnsOf(header)
  const value = VALUE_COLUMNS.map((n) => cols.index(n)).find((i) => i >= 0) ?? -1
  if (value < 0) {
    throw new AppError(
      'invalid_input',
      `CSV header (line ${line}) has no value, indicator or ioc column; it has: ${cols.names.join(', ')}`,
      { line, columns: cols.names },
    )
  }
  // -1 for an absent column: `field` then reads ''.
  const type = cols.index('type')
  const tags = cols.index('tags')
  const severity = cols.index('severity')
  const description = cols.index('description')
  return (fields) => {
    const item: Record<string, unknown> = { value: field(fields, value).trim() }
    const t = field(fields, type).trim().toLowerCase()
    if (t !== '') item.type = TYPE_ALIASES[t] ?? t
    const tagList = splitTags(field(fields, tags))
    if (tagList.length) item.tags = tagList
    const s = field(fields, severity).trim().toLowerCase()
    if (s !== '') item.severity = s
    const d = field(fields, description).trim()
    if (d !== '') item.description = d
    return { value: String(item.value), item }
  }
}

/**
 * Items per indicators.bulkCreate call (one transaction each). Measured on a 1,000,000-row analyst CSV with
 * `threateye import` (wall time, peak RSS): 5,000: 24.7 s, 375 MB; 10,000: 21.0-22.4 s, 379-381 MB;
 * 25,000: 18.7-19.3 s, 397-405 MB; 50,000: 18.8-19.0 s, 416-422 MB. Each call holds its items twice
 * (as read and as validated), so past 10,000 the speed costs memory beyond the 400 MB the app aims at.
 */
const CSV_CALL_ITEMS = 10_000

/** Streams the CSV: at most one batch of rows (and one chunk of text) is held at a time. */
export const importAnalystCsv = async (opts: CsvImportOptions): Promise<CsvImportReport> => {
  const batchSize = opts.batchSize ?? CSV_CALL_ITEMS
  const maxRemembered = opts.maxRemembered ?? 1_000_000
  const report: CsvImportReport = {
    status: 'succeeded',
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
    rejected: 0,
    rejects: [],
    byType: {},
  }
  // Rejects of the rows not yet sent, merged with the handler's at each flush so the list stays in line order.
  let pendingRejects: CsvImportReport['rejects'] = []
  let items: unknown[] = []
  let lines: number[] = []
  // Hashes, not values: 12 bytes per distinct indicator however long the URL.
  const seen = new Set<string>()
  let mapper: Mapper | null = null

  const reject = (line: number, value: string, reason: string) => {
    pendingRejects.push({ line, value: value.slice(0, 200), reason })
  }
  const keep = (rs: CsvImportReport['rejects']) => {
    report.rejected += rs.length
    const room = MAX_LISTED_REJECTS - report.rejects.length
    if (room > 0) report.rejects.push(...rs.sort((a, b) => a.line - b.line).slice(0, room))
  }

  const onRow = (fields: string[], line: number) => {
    if (mapper === null) {
      mapper = mapperFor(fields, line)
      return
    }
    report.rows++
    const { value, item } = mapper(fields)
    if (value === '') return reject(line, fields.join(','), 'the value column is empty')
    const checked = IndicatorCreateSchema.safeParse(item)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      return reject(
        line,
        value,
        `${formatIssuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
      )
    }
    const type = typeof item.type === 'string' && isIocType(item.type) ? item.type : undefined
    const parsed = parseIndicator(value, type)
    if (!parsed.ok) return reject(line, value, parsed.reason)
    const key = createHash('sha1')
      .update(`${parsed.type}\0${parsed.value}`)
      .digest('base64')
      .slice(0, 16)
    if (seen.has(key)) {
      report.duplicates++
      return
    }
    if (seen.size < maxRemembered) seen.add(key)
    items.push({ ...checked.data, type: parsed.type, value: parsed.value })
    lines.push(line)
  }

  const sink: CsvSink = {
    row: onRow,
    bad: (line, reason, head) => {
      report.rows++
      reject(line, head, reason)
    },
    comment: () => {},
    blank: () => {},
  }

  const flush = async () => {
    const batch = items
    const batchLines = lines
    const rejects = pendingRejects
    items = []
    lines = []
    pendingRejects = []
    if (batch.length > 0) {
      const r = await opts.bulk(batch)
      report.created += r.created
      report.updated += r.updated
      report.unchanged += r.unchanged
      for (const [t, n] of Object.entries(r.byType)) report.byType[t] = (report.byType[t] ?? 0) + n
      // The handler numbers items 1..n; the analyst wants the CSV line. Unlisted ones are still counted.
      for (const x of r.rejects) rejects.push({ ...x, line: batchLines[x.line - 1] ?? x.line })
      const unlisted = r.rejected - r.rejects.length
      report.rejected += unlisted
    }
    keep(rejects)
  }

  const reader = new CsvReader({ delimiter: ',' })
  try {
    for await (const text of decodeText(opts.input, opts.signal)) {
      reader.push(text, sink)
      if (items.length >= batchSize) await flush()
    }
    reader.end(sink)
    await flush()
  } catch (e) {
    if (
      (e instanceof Error && e.name === 'AbortError') ||
      (e instanceof AppError && e.code === 'cancelled')
    ) {
      return { ...report, status: 'cancelled' }
    }
    throw e
  }
  if (mapper === null)
    throw new AppError('invalid_input', 'The CSV file is empty: expected a header row')
  return report
}
