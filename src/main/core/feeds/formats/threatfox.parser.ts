import { AppError } from '#shared/contract/errors'
import type { IocType } from '#shared/domain/enums'
import type { FeedRecord, FormatParser, ParseItem } from '../feed-types'
import { type Columns, type RowMapper, field, runCsvFormat } from './csv-format'
import { type JsonRecordsOptions, runJsonRecords } from './json-records'
import {
  type CommonParseOptions,
  noneToNull,
  rejectItem,
  splitTags,
  str,
  toConfidence,
  toIsoUtc,
  own,
} from './parse-support'

/** The 15-column header of current exports; older dumps lack is_compromised (so we go by name). */
export const THREATFOX_COLUMNS = [
  'first_seen_utc',
  'ioc_id',
  'ioc_value',
  'ioc_type',
  'threat_type',
  'fk_malware',
  'malware_alias',
  'malware_printable',
  'last_seen_utc',
  'confidence_level',
  'is_compromised',
  'reference',
  'tags',
  'anonymous',
  'reporter',
] as const

const TYPES: Readonly<Record<string, IocType>> = {
  domain: 'domain',
  url: 'url',
  md5_hash: 'md5',
  sha1_hash: 'sha1',
  sha256_hash: 'sha256',
}

/** The fields of one ThreatFox IOC, whichever export it came from (null = absent or `None`). */
type ThreatFoxFields = {
  ioc_id: string | null
  ioc_value: string | null
  ioc_type: string | null
  threat_type: string | null
  fk_malware: string | null
  malware_alias: string | null
  malware_printable: string | null
  first_seen_utc: string | null
  last_seen_utc: string | null
  confidence_level: string | null
  is_compromised: string | null
  reference: string | null
  tags: string | null
  anonymous: string | null
  reporter: string | null
}

/**
 * `1.2.3.4:443` or `[2001:db8::1]:443` → host and port. Without brackets, an address with several colons
 * is split at the last one (ThreatFox's ip:port type always carries a port).
 */
export const splitIpPort = (v: string): { host: string; port: number | undefined } => {
  if (v.startsWith('[')) {
    const close = v.indexOf(']')
    if (close > 0) {
      const rest = v.slice(close + 1)
      const port = rest.startsWith(':') ? Number(rest.slice(1)) : NaN
      return { host: v.slice(1, close), port: validPort(port) }
    }
  }
  const colon = v.lastIndexOf(':')
  if (colon < 0) return { host: v, port: undefined }
  const port = validPort(Number(v.slice(colon + 1)))
  return port === undefined ? { host: v, port: undefined } : { host: v.slice(0, colon), port }
}

const validPort = (n: number): number | undefined =>
  Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined

/** Builds the record for one IOC, or a reject; shared by the CSV and JSON exports. */
const threatFoxItem = (f: ThreatFoxFields, line: number): ParseItem => {
  const rawValue = f.ioc_value
  if (rawValue === null) return rejectItem(line, f.ioc_id ?? '', 'ioc_value is empty')
  const iocType = f.ioc_type ?? ''
  // ThreatFox shares IOCs of malware: every one is malicious by the source's own definition.
  const r: FeedRecord = { line, value: rawValue, classification: 'malicious' }
  if (iocType === 'ip:port') {
    const { host, port } = splitIpPort(rawValue)
    r.value = host
    r.type = host.includes(':') ? 'ipv6' : 'ip'
    if (port !== undefined) r.port = port
  } else {
    // Unknown ioc_types (new ones appear) are left for the engine to detect rather than dropped.
    const t = own(TYPES, iocType)
    if (t !== undefined) r.type = t
  }
  const first = toIsoUtc(f.first_seen_utc)
  if (first !== null) r.firstSeen = first
  const last = toIsoUtc(f.last_seen_utc)
  if (last !== null) r.lastSeen = last
  const confidence = toConfidence(f.confidence_level)
  if (confidence !== undefined) r.confidence = confidence
  if (f.threat_type !== null) r.threatType = f.threat_type
  if (f.malware_printable !== null) r.malware = f.malware_printable
  const tags = splitTags(f.tags, ',')
  if (tags.length > 0) r.tags = tags
  // The source's own link for the IOC; the external `reference` (a tweet, a blog) is kept in raw.
  if (f.ioc_id !== null)
    r.reference = `https://threatfox.abuse.ch/ioc/${encodeURIComponent(f.ioc_id)}/`
  else if (f.reference !== null) r.reference = f.reference
  const raw: Record<string, string> = {}
  if (f.ioc_id !== null) raw.ioc_id = f.ioc_id
  if (iocType !== '') raw.ioc_type = iocType
  if (f.fk_malware !== null) raw.fk_malware = f.fk_malware
  if (f.malware_alias !== null) raw.malware_alias = f.malware_alias
  if (f.reference !== null) raw.reference = f.reference
  if (f.is_compromised !== null) raw.is_compromised = f.is_compromised
  if (f.anonymous !== null) raw.anonymous = f.anonymous
  if (f.reporter !== null) raw.reporter = f.reporter
  r.raw = raw
  return { kind: 'record', record: r }
}

type FieldName = keyof ThreatFoxFields

const fieldsFrom = (get: (name: FieldName) => string | null): ThreatFoxFields => ({
  ioc_id: get('ioc_id'),
  ioc_value: get('ioc_value'),
  ioc_type: get('ioc_type'),
  threat_type: get('threat_type'),
  fk_malware: get('fk_malware'),
  malware_alias: get('malware_alias'),
  malware_printable: get('malware_printable'),
  first_seen_utc: get('first_seen_utc'),
  last_seen_utc: get('last_seen_utc'),
  confidence_level: get('confidence_level'),
  is_compromised: get('is_compromised'),
  reference: get('reference'),
  tags: get('tags'),
  anonymous: get('anonymous'),
  reporter: get('reporter'),
})

const csvMapper = (cols: Columns): RowMapper => {
  if (!cols.has('ioc_value')) {
    throw new AppError(
      'invalid_input',
      `ThreatFox CSV: the header has no ioc_value column (${cols.names.join(', ')})`,
    )
  }
  const idx = new Map(THREATFOX_COLUMNS.map((n) => [n, cols.index(n)]))
  return (fields, line, out) => {
    out.push(
      threatFoxItem(
        fieldsFrom((n) => noneToNull(field(fields, idx.get(n) ?? -1))),
        line,
      ),
    )
  }
}

/** ThreatFox CSV export: commented header, `", "` separators, `None` for null, parsed by header name. */
export const parseThreatFoxCsv: FormatParser<CommonParseOptions> = (input, options) =>
  runCsvFormat(input, options, {
    label: 'ThreatFox CSV',
    reader: { commentPrefix: '#', trimLeadingSpace: true },
    keyColumns: ['ioc_value', 'ioc_type'],
    headerInComments: true,
    fallbackColumns: THREATFOX_COLUMNS,
    strictFieldCount: true,
    start: csvMapper,
  })

const jsonString = (v: unknown): string | null => {
  const s = str(v)
  return s === undefined ? null : noneToNull(s)
}

/**
 * ThreatFox JSON export: `{ "<ioc_id>": [ { ioc_value, ioc_type, … } ] }`, streamed element by element
 * (the full export is hundreds of MB). The record number is the IOC's position in the file.
 */
export const parseThreatFoxJson: FormatParser<JsonRecordsOptions> = (input, options) =>
  runJsonRecords(input, options, {
    label: 'ThreatFox JSON',
    target: { kind: 'object-values' },
    rootKind: 'object',
    map(v, index, key, out) {
      const f = fieldsFrom((n) => jsonString(v[n]))
      // The JSON export names the Malpedia id `malware` and keys each record by its ioc_id; the API's
      // `{"data": [...]}` answers say id, ioc, first_seen, last_seen. Both read the same.
      if (f.fk_malware === null) f.fk_malware = jsonString(v.malware)
      if (f.ioc_id === null)
        f.ioc_id = key !== undefined && /^\d+$/.test(key) ? key : jsonString(v.id)
      if (f.ioc_value === null) f.ioc_value = jsonString(v.ioc)
      if (f.first_seen_utc === null) f.first_seen_utc = jsonString(v.first_seen)
      if (f.last_seen_utc === null) f.last_seen_utc = jsonString(v.last_seen)
      if (Array.isArray(v.tags)) f.tags = v.tags.filter((t) => typeof t === 'string').join(',')
      out.push(threatFoxItem(f, index))
    },
  })
