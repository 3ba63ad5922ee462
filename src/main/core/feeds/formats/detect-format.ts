import type { FeedFormat } from '../feed-types'
import { describeNonFeed } from '../http/sniff'
import { guessDelimiter, recogniseColumns } from './csv-mapping'
import { splitHeaderLine } from './csv-reader'

export type DetectResult =
  | { format: FeedFormat }
  | { ambiguous: FeedFormat[] }
  /** `looksLike`: what the input seems to be instead ("an HTML page", "XML", "binary data (PNG image)"). */
  | { unknown: true; looksLike?: string }

/** Bytes looked at; callers may pass more, the rest is ignored. */
export const DETECT_HEAD_BYTES = 64 * 1024

const UNKNOWN: DetectResult = { unknown: true }

const isBinary = (head: Uint8Array): boolean => {
  const n = Math.min(head.length, 4096)
  if (n >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return true // zip
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true // gzip
  // NUL bytes in bulk (describeNonFeed has already refused those); a stray one only rejects its line.
  return false
}

const nonBlankLines = (text: string, max: number): string[] => {
  const out: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    const l = raw.trim()
    if (l !== '') out.push(l)
    if (out.length >= max) break
  }
  return out
}

const UUID_KEY = /^\{\s*"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"\s*:\s*\{/i

const detectJson = (t: string, lines: string[]): DetectResult => {
  const first = lines[0] ?? ''
  // JSON lines (Spamhaus drop_v4.json): every line is an object of its own.
  if (
    first.startsWith('{') &&
    first.endsWith('}') &&
    /"sblid"\s*:/.test(first) &&
    /"cidr"\s*:/.test(first)
  ) {
    return { format: 'spamhaus-drop' }
  }
  if (/"type"\s*:\s*"bundle"/.test(t)) return { format: 'stix-bundle' }
  if (t.startsWith('{') && /^\{\s*"Event"\s*:/.test(t)) return { format: 'misp-event' }
  if (/^\{\s*"response"\s*:\s*\[\s*\{\s*"Event"\s*:/.test(t)) return { format: 'misp-event' }
  if (UUID_KEY.test(t) && /"info"\s*:/.test(t) && /"timestamp"\s*:/.test(t))
    return { format: 'misp-feed' }
  if (/^\{\s*"\d+"\s*:\s*\[/.test(t) && /"ioc_value"\s*:/.test(t))
    return { format: 'threatfox-json' }
  if (t.startsWith('[')) {
    if (/"phish_id"\s*:/.test(t) && /"phish_detail_url"\s*:/.test(t))
      return { format: 'phishtank-json' }
    if (/"ip_address"\s*:/.test(t) && /"as_name"\s*:/.test(t) && /"malware"\s*:/.test(t)) {
      return { format: 'feodo-json' }
    }
    if (/"type"\s*:\s*"[a-z0-9-]+"/.test(t) && /"id"\s*:\s*"[a-z0-9-]+--/.test(t))
      return { format: 'stix-bundle' }
  }
  // A TAXII envelope of STIX objects.
  if (/^\{\s*"(?:more|next|objects)"\s*:/.test(t) && /"id"\s*:\s*"[a-z0-9-]+--/.test(t)) {
    return { format: 'stix-bundle' }
  }
  // A bare MISP event (no "Event" wrapper).
  if (/"Attribute"\s*:\s*\[/.test(t) && /"uuid"\s*:/.test(t) && /"info"\s*:/.test(t))
    return { format: 'misp-event' }
  return UNKNOWN
}

/** Column names of a header line, quotes and a leading `#` stripped. */
const headerNames = (line: string): string[] =>
  line
    .replace(/^#+\s*/, '')
    .split(',')
    .map((c) =>
      c
        .trim()
        .replace(/^"|"$/g, '')
        .replace(/\(.*?\)/g, '')
        .trim()
        .toLowerCase(),
    )

const hasAll = (names: string[], want: string[]): boolean => want.every((w) => names.includes(w))

const detectCsvLike = (lines: string[], fileName: string | undefined): DetectResult | null => {
  for (const line of lines.slice(0, 60)) {
    const names = headerNames(line)
    if (hasAll(names, ['ioc_value', 'ioc_type'])) return { format: 'threatfox-csv' }
    if (hasAll(names, ['dst_ip', 'c2_status'])) return { format: 'feodo-csv' }
    if (hasAll(names, ['phish_id', 'url', 'phish_detail_url'])) return { format: 'phishtank-csv' }
    if (
      hasAll(names, ['url', 'url_status']) &&
      (names.includes('urlhaus_link') || names.includes('dateadded'))
    ) {
      return { format: 'urlhaus-csv' }
    }
  }
  const head = lines.slice(0, 15).join('\n')
  if (/^;\s*Spamhaus (?:DROP|EDROP|DROPv6)/im.test(head)) return { format: 'spamhaus-drop' }
  const data = lines.filter((l) => !l.startsWith('#') && !l.startsWith(';'))
  if (
    data.length > 0 &&
    data.slice(0, 20).every((l) => /^[0-9a-f.:]+\/\d{1,3}\s*;\s*SBL\d+/i.test(l))
  ) {
    return { format: 'spamhaus-drop' }
  }
  // A header-less URLhaus dump: "id","YYYY-MM-DD HH:MM:SS","http…
  if (
    data.length > 0 &&
    /^"\d+","\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}","[a-z][a-z0-9+.-]*:\/\//i.test(data[0] ?? '')
  ) {
    return { format: 'urlhaus-csv' }
  }
  // A CSV whose header names the indicator column (value, indicator, ioc...): the analyst's CSV, read the
  // same way whether it came from a file, a URL or a drop.
  const header = data[0]
  if (header !== undefined) {
    const names = splitHeaderLine(header, guessDelimiter([header]))
    if ((names.length > 1 || isCsvName(fileName)) && recogniseColumns(names) !== null)
      return { format: 'generic-csv' }
  }
  if (data.length >= 2 && looksLikeCsv(data)) return { ambiguous: ['generic-csv', 'text'] }
  if (data.length > 0 && data.slice(0, 50).every((l) => /^https?:\/\/\S+$/i.test(l))) {
    // A bare URL list reads the same as text; the OpenPhish feed is only recognisable by name.
    return {
      format: fileName !== undefined && /openphish/i.test(fileName) ? 'openphish-txt' : 'text',
    }
  }
  return null
}

const isCsvName = (fileName: string | undefined): boolean =>
  fileName !== undefined && /\.(?:csv|tsv)$/i.test(fileName)

/** Every sampled line has the same number (≥ 1) of one delimiter outside quotes. */
const looksLikeCsv = (lines: string[]): boolean => {
  const sample = lines.slice(0, 20)
  for (const d of [',', ';', '\t', '|']) {
    const counts = sample.map((l) => countOutsideQuotes(l, d))
    const c0 = counts[0] ?? 0
    if (c0 >= 1 && counts.every((c) => c === c0)) return true
  }
  return false
}

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
 * Which format is this? Looks at the first bytes (BOM and leading whitespace tolerated) and the file
 * name. Unambiguous signatures win; a CSV we cannot attribute is ambiguous (generic-csv or text, the user
 * picks) unless its header names the indicator column; free text is 'text'; HTML, XML and binary (zip,
 * gzip, NUL bytes, images) are unknown, with what they look like.
 */
export const detectFormat = (head: Uint8Array, fileName?: string): DetectResult => {
  const bytes = head.subarray(0, DETECT_HEAD_BYTES)
  const looksLike = describeNonFeed(bytes)
  if (looksLike !== undefined) return { unknown: true, looksLike }
  if (bytes.length === 0 || isBinary(bytes)) return UNKNOWN
  const t = new TextDecoder('utf-8')
    .decode(bytes)
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (t === '') return UNKNOWN
  const lines = nonBlankLines(t, 200)
  if (t.startsWith('{') || t.startsWith('[')) {
    const json = detectJson(t, lines)
    if (!('unknown' in json)) return json
    if (fileName !== undefined && /\.json$/i.test(fileName)) return UNKNOWN
  }
  const csv = detectCsvLike(lines, fileName)
  if (csv !== null) return csv
  if (isCsvName(fileName)) return { ambiguous: ['generic-csv', 'text'] }
  return { format: 'text' }
}
