import { AppError } from '#shared/contract/errors'
import type { FeedRecord, FormatParser } from '../feed-types'
import { type Columns, type RowMapper, field, runCsvFormat } from './csv-format'
import { type JsonRecordsOptions, runJsonRecords } from './json-records'
import {
  type CommonParseOptions,
  noneToNull,
  rejectItem,
  str,
  text,
  toIsoUtc,
  toPort,
} from './parse-support'

export const FEODO_COLUMNS = [
  'first_seen_utc',
  'dst_ip',
  'dst_port',
  'c2_status',
  'last_online',
  'malware',
] as const

type FeodoFields = {
  ip: string | null
  port: string | null
  status: string | null
  firstSeen: string | null
  lastOnline: string | null
  malware: string | null
}

const feodoRecord = (
  f: FeodoFields,
  line: number,
  extra: Record<string, unknown>,
): FeedRecord | null => {
  if (f.ip === null) return null
  const r: FeedRecord = {
    line,
    value: f.ip,
    type: f.ip.includes(':') ? 'ipv6' : 'ip',
    threatType: 'botnet_cc',
    // A blocklist of botnet C&C servers: malicious.
    classification: 'malicious',
  }
  const port = toPort(f.port)
  if (port !== undefined) r.port = port
  const first = toIsoUtc(f.firstSeen)
  if (first !== null) r.firstSeen = first
  const last = toIsoUtc(f.lastOnline)
  if (last !== null) r.lastSeen = last
  if (f.malware !== null) r.malware = f.malware
  r.reference = `https://feodotracker.abuse.ch/browse/host/${encodeURIComponent(f.ip)}/`
  const raw: Record<string, unknown> = { ...extra }
  if (f.status !== null) raw.c2_status = f.status
  r.raw = raw
  return r
}

const csvMapper = (cols: Columns): RowMapper => {
  const ip = cols.index('dst_ip')
  if (ip < 0) {
    throw new AppError(
      'invalid_input',
      `Feodo CSV: the header has no dst_ip column (${cols.names.join(', ')})`,
    )
  }
  const port = cols.index('dst_port')
  const status = cols.index('c2_status')
  const first = cols.index('first_seen_utc')
  const last = cols.index('last_online')
  const malware = cols.index('malware')
  return (fields, line, out) => {
    const r = feodoRecord(
      {
        ip: noneToNull(field(fields, ip)),
        port: noneToNull(field(fields, port)),
        status: noneToNull(field(fields, status)),
        firstSeen: field(fields, first),
        lastOnline: field(fields, last),
        malware: noneToNull(field(fields, malware)),
      },
      line,
      {},
    )
    out.push(
      r === null
        ? rejectItem(line, fields.join(','), 'dst_ip is empty')
        : { kind: 'record', record: r },
    )
  }
}

/** Feodo Tracker `ipblocklist.csv`: `#` comments, quoted columns (header commented or not), may hold IPv6. */
export const parseFeodoCsv: FormatParser<CommonParseOptions> = (input, options) =>
  runCsvFormat(input, options, {
    label: 'Feodo Tracker CSV',
    reader: { commentPrefix: '#' },
    keyColumns: ['dst_ip'],
    headerInComments: true,
    fallbackColumns: FEODO_COLUMNS,
    strictFieldCount: true,
    start: csvMapper,
  })

const s = (v: unknown): string | null => {
  const x = str(v)
  return x === undefined ? null : noneToNull(x)
}

/** Feodo Tracker `ipblocklist.json`: an array of `{ ip_address, port, status, hostname, as_number, … }`. */
export const parseFeodoJson: FormatParser<JsonRecordsOptions> = (input, options) =>
  runJsonRecords(input, options, {
    label: 'Feodo Tracker JSON',
    target: { kind: 'root-array' },
    rootKind: 'array',
    map(v, index, _key, out) {
      const extra: Record<string, unknown> = {}
      const hostname = text(v.hostname, 255)
      if (hostname !== undefined) extra.hostname = hostname
      if (typeof v.as_number === 'number' || typeof v.as_number === 'string')
        extra.as_number = v.as_number
      const asName = text(v.as_name, 255)
      if (asName !== undefined) extra.as_name = asName
      const country = text(v.country, 8)
      if (country !== undefined) extra.country = country
      const r = feodoRecord(
        {
          ip: s(v.ip_address),
          port: s(v.port),
          status: s(v.status),
          firstSeen: s(v.first_seen),
          lastOnline: s(v.last_online),
          malware: s(v.malware),
        },
        index,
        extra,
      )
      out.push(
        r === null
          ? rejectItem(index, '', `record ${index} has no ip_address`)
          : { kind: 'record', record: r },
      )
    },
  })
