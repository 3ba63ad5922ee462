import { z } from 'zod'
import { AppError } from '#shared/contract/errors'
import type { IocType } from '#shared/domain/enums'
import type { FeedRecord, FormatParser } from '../feed-types'
import { type Columns, type RowMapper, field, normaliseColumn, runCsvFormat } from './csv-format'
import {
  type CommonParseOptions,
  rejectItem,
  splitTags,
  text,
  toIsoUtc,
  own,
} from './parse-support'

const Column = z.union([z.string().min(1).max(256), z.number().int().min(0).max(10_000)])

/**
 * Column mapping for any CSV. A column is a header name (needs `hasHeader`) or a 0-based index.
 * `hasHeader` defaults to true when `valueColumn` is a name; `valueColumn` defaults to column 0.
 */
export const GenericCsvOptionsSchema = z.object({
  delimiter: z.string().length(1).optional(),
  hasHeader: z.boolean().optional(),
  valueColumn: Column.default(0),
  typeColumn: Column.optional(),
  tagsColumn: Column.optional(),
  firstSeenColumn: Column.optional(),
  lastSeenColumn: Column.optional(),
  descriptionColumn: Column.optional(),
  commentPrefix: z.string().min(1).max(8).optional(),
})
export type GenericCsvOptions = z.input<typeof GenericCsvOptionsSchema>

/** Type names seen in hand-made CSVs, MISP exports and SIEM dumps → ours. Unknown names: detect. */
const TYPE_ALIASES: Readonly<Record<string, IocType>> = {
  ip: 'ip',
  ipv4: 'ip',
  'ip-dst': 'ip',
  'ip-src': 'ip',
  'ipv4-addr': 'ip',
  ipv6: 'ipv6',
  'ipv6-addr': 'ipv6',
  cidr: 'cidr',
  network: 'cidr',
  domain: 'domain',
  hostname: 'domain',
  fqdn: 'domain',
  'domain-name': 'domain',
  url: 'url',
  link: 'url',
  md5: 'md5',
  sha1: 'sha1',
  'sha-1': 'sha1',
  sha256: 'sha256',
  'sha-256': 'sha256',
  sha512: 'sha512',
  'sha-512': 'sha512',
  email: 'email',
  'email-addr': 'email',
  'email-src': 'email',
  'email-dst': 'email',
  cve: 'cve',
  vulnerability: 'cve',
  'attack-technique': 'attack-technique',
  technique: 'attack-technique',
  'registry-key': 'registry-key',
  regkey: 'registry-key',
  mutex: 'mutex',
}

const typeFromName = (name: string): IocType | undefined => {
  const t = own(TYPE_ALIASES, name.trim().toLowerCase())
  if (t === 'ip' && name.includes(':')) return undefined
  return t
}

/** Validates a generic-csv mapping; AppError('invalid_input') names the bad option. */
export const readGenericCsvOptions = (raw: unknown): z.output<typeof GenericCsvOptionsSchema> => {
  const r = GenericCsvOptionsSchema.safeParse(raw)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const path = issue?.path.join('.') ?? ''
  throw new AppError('invalid_input', `options.${path}: ${issue?.message ?? 'invalid'}`, {
    issues: r.error.issues,
  })
}

const resolve = (
  cols: Columns,
  col: string | number | undefined,
  name: string,
  hasHeader: boolean,
): number => {
  if (col === undefined) return -1
  if (typeof col === 'number') return col
  if (!hasHeader) {
    throw new AppError(
      'invalid_input',
      `options.${name}: '${col}' names a column, but hasHeader is false`,
    )
  }
  const i = cols.index(normaliseColumn(col))
  if (i < 0) {
    throw new AppError(
      'invalid_input',
      `options.${name}: no column '${col}' in the header (${cols.names.join(', ')})`,
    )
  }
  return i
}

/** Any CSV with a column mapping: the value column is required, the rest optional. */
export const parseGenericCsv: FormatParser<CommonParseOptions & GenericCsvOptions> =
  async function* (input, options) {
    // Validated inside the generator, so a bad mapping fails the run like any other parse error.
    const o = readGenericCsvOptions(options)
    const hasHeader = o.hasHeader ?? typeof o.valueColumn === 'string'
    const start = (cols: Columns): RowMapper => {
      const value = resolve(cols, o.valueColumn, 'valueColumn', hasHeader)
      const type = resolve(cols, o.typeColumn, 'typeColumn', hasHeader)
      const tags = resolve(cols, o.tagsColumn, 'tagsColumn', hasHeader)
      const first = resolve(cols, o.firstSeenColumn, 'firstSeenColumn', hasHeader)
      const last = resolve(cols, o.lastSeenColumn, 'lastSeenColumn', hasHeader)
      const desc = resolve(cols, o.descriptionColumn, 'descriptionColumn', hasHeader)
      return (fields, line, out) => {
        if (value >= fields.length) {
          out.push(
            rejectItem(line, fields.join(o.delimiter ?? ','), `the row has no column ${value + 1}`),
          )
          return
        }
        const v = field(fields, value).trim()
        if (v === '') {
          out.push(rejectItem(line, fields.join(o.delimiter ?? ','), 'the value column is empty'))
          return
        }
        const r: FeedRecord = { line, value: v }
        const t = type < 0 ? undefined : typeFromName(field(fields, type))
        if (t !== undefined) r.type = t
        const tagList = splitTags(field(fields, tags))
        if (tagList.length > 0) r.tags = tagList
        const fs = toIsoUtc(field(fields, first))
        if (fs !== null) r.firstSeen = fs
        const ls = toIsoUtc(field(fields, last))
        if (ls !== null) r.lastSeen = ls
        const d = text(field(fields, desc))
        if (d !== undefined) r.description = d
        out.push({ kind: 'record', record: r })
      }
    }
    yield* runCsvFormat(input, options, {
      label: 'CSV',
      reader: { delimiter: o.delimiter ?? ',', commentPrefix: o.commentPrefix },
      keyColumns: [],
      noHeader: !hasHeader,
      headerInComments: false,
      strictFieldCount: false,
      start,
    })
  }
