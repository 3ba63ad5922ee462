import { z } from 'zod'
import { CsvMappingSchema } from '#shared/contract/feeds.contract'
import { AppError } from '#shared/contract/errors'
import {
  CLASSIFICATIONS,
  SEVERITIES,
  TLP_LEVELS,
  type Classification,
  type IocType,
  type Severity,
} from '#shared/domain/enums'
import type { FeedRecord, FormatParser } from '../feed-types'
import { type Columns, type RowMapper, field, normaliseColumn, runCsvFormat } from './csv-format'
import {
  clip,
  type CommonParseOptions,
  rejectItem,
  splitTags,
  text,
  toConfidence,
  toIsoUtc,
  own,
} from './parse-support'
import { peekBytes } from '../decode/byte-streams'
import { guessDelimiter, recogniseColumns } from './csv-mapping'
import { tlpFromName } from './tlp'

/**
 * The column mapping (feeds.contract.ts CsvMappingSchema), read from feed options or an import's mapping:
 * keys it does not know (the parse options) are left to the others.
 */
export const GenericCsvOptionsSchema = z.object(CsvMappingSchema.shape)
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
  'bitcoin-address': 'bitcoin-address',
  bitcoin: 'bitcoin-address',
  btc: 'bitcoin-address',
  'ethereum-address': 'ethereum-address',
  ethereum: 'ethereum-address',
  eth: 'ethereum-address',
  'file-name': 'file-name',
  filename: 'file-name',
  'file:name': 'file-name',
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

const SEVERITY_ALIASES: Readonly<Record<string, Severity>> = {
  informational: 'info',
  moderate: 'medium',
  med: 'medium',
  severe: 'high',
}
const CLASSIFICATION_ALIASES: Readonly<Record<string, Classification>> = {
  malware: 'malicious',
  bad: 'malicious',
  clean: 'benign',
  good: 'benign',
  whitelisted: 'benign',
}
const severityOf = (s: string): Severity | undefined => {
  const t = s.trim().toLowerCase()
  return (SEVERITIES as readonly string[]).includes(t) ? (t as Severity) : own(SEVERITY_ALIASES, t)
}
const classificationOf = (s: string): Classification | undefined => {
  const t = s.trim().toLowerCase()
  return (CLASSIFICATIONS as readonly string[]).includes(t)
    ? (t as Classification)
    : own(CLASSIFICATION_ALIASES, t)
}

const SNIFF_DELIMITER_BYTES = 16 * 1024

type Mapping = z.output<typeof GenericCsvOptionsSchema>

/**
 * The mapping to use once the header is known: the given columns over the ones recognised by name. No
 * value column at all is an error that lists the header's columns, so the analyst can map them.
 */
const effectiveMapping = (o: Mapping, header: readonly string[]): Mapping => {
  const recognised = header.length > 0 ? recogniseColumns(header) : null
  const merged: Mapping = { ...recognised, ...dropUndefined(o) }
  if (merged.valueColumn === undefined) {
    throw new AppError(
      'invalid_input',
      `mapping.valueColumn: no column of the CSV header is recognised as the indicator (value, indicator, ioc); map the columns. The header has: ${header.join(', ')}`,
      { field: 'mapping.valueColumn', columns: [...header], needsMapping: true },
    )
  }
  return merged
}

const dropUndefined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>

/**
 * Any CSV with a column mapping: the value column is required (given, or recognised from the header), the
 * rest optional. Everything the row states reaches the record: type, tags, description, confidence,
 * severity, classification, first/last seen, TLP, threat type, malware, reference.
 */
export const parseGenericCsv: FormatParser<CommonParseOptions & GenericCsvOptions> =
  async function* (input, options) {
    // Validated inside the generator, so a bad mapping fails the run like any other parse error.
    const o = readGenericCsvOptions(options)
    const hasHeader = o.hasHeader ?? typeof o.valueColumn !== 'number'
    let delimiter = o.delimiter
    if (delimiter === undefined) {
      // Not given: the one the first lines agree on (a `;` export reads as well as a `,` one).
      const peeked = await peekBytes(input, SNIFF_DELIMITER_BYTES)
      input = peeked.stream
      const lines = new TextDecoder()
        .decode(peeked.head.subarray(0, SNIFF_DELIMITER_BYTES))
        .split(/\r?\n/)
        .slice(0, -1)
        .filter(
          (l) =>
            l.trim() !== '' && (o.commentPrefix === undefined || !l.startsWith(o.commentPrefix)),
        )
      delimiter = guessDelimiter(lines)
    }
    const sep = delimiter
    const start = (cols: Columns): RowMapper => {
      const m = effectiveMapping(o, cols.names)
      const col = (key: keyof Mapping) => {
        const v = m[key]
        return resolve(cols, typeof v === 'boolean' ? undefined : v, key, hasHeader)
      }
      const value = col('valueColumn')
      const type = col('typeColumn')
      const tags = col('tagsColumn')
      const first = col('firstSeenColumn')
      const last = col('lastSeenColumn')
      const desc = col('descriptionColumn')
      const confidence = col('confidenceColumn')
      const severity = col('severityColumn')
      const classification = col('classificationColumn')
      const tlp = col('tlpColumn')
      const threatType = col('threatTypeColumn')
      const malware = col('malwareColumn')
      const reference = col('referenceColumn')
      return (fields, line, out) => {
        if (value >= fields.length) {
          out.push(rejectItem(line, fields.join(sep), `the row has no column ${value + 1}`))
          return
        }
        const v = field(fields, value).trim()
        if (v === '') {
          out.push(rejectItem(line, fields.join(sep), 'the value column is empty'))
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
        // A stated value we cannot read is the row's error, named, rather than silently dropped.
        const bad = (what: string, v: string, expected: string) =>
          out.push(
            rejectItem(
              line,
              fields.join(sep),
              `${what}: '${clip(v.trim(), 40)}' is not ${expected}`,
            ),
          )
        const cs = field(fields, confidence)
        const c = toConfidence(cs)
        if (c !== undefined) r.confidence = c
        else if (cs.trim() !== '') return bad('confidence', cs, 'a number from 0 to 100')
        const ss = field(fields, severity)
        const sv = severityOf(ss)
        if (sv !== undefined) r.severity = sv
        else if (ss.trim() !== '') return bad('severity', ss, `one of ${SEVERITIES.join(', ')}`)
        const cls = field(fields, classification)
        const cl = classificationOf(cls)
        if (cl !== undefined) r.classification = cl
        else if (cls.trim() !== '')
          return bad('classification', cls, `one of ${CLASSIFICATIONS.join(', ')}`)
        const ts = field(fields, tlp)
        const tl = ts.trim() === '' ? undefined : tlpFromName(ts)
        if (tl !== undefined) r.tlp = tl
        else if (ts.trim() !== '') return bad('tlp', ts, `a TLP (${TLP_LEVELS.join(', ')})`)
        const tt = text(field(fields, threatType), 100)
        if (tt !== undefined) r.threatType = tt
        const mw = text(field(fields, malware), 200)
        if (mw !== undefined) r.malware = mw
        const rf = text(field(fields, reference), 2048)
        if (rf !== undefined) r.reference = rf
        out.push({ kind: 'record', record: r })
      }
    }
    yield* runCsvFormat(input, options, {
      label: 'CSV',
      reader: { delimiter, commentPrefix: o.commentPrefix },
      keyColumns: [],
      noHeader: !hasHeader,
      headerInComments: false,
      // A header says how many fields a row has; without one there is nothing to compare with.
      strictFieldCount: hasHeader,
      start,
    })
  }
