/**
 * Parse throughput of the URLhaus CSV and STIX bundle parsers on 1,000,000 rows each (a 100k-row sample
 * replayed, so generation stays out of the timing and the input is never held whole), output counted and
 * dropped. Not a test: run
 * `node --expose-gc --import tsx bench/support/parse-throughput.ts [rows]`. Last line is JSON.
 */
import type { FormatParser } from '#core/feeds/feed-types'
import { parsers } from '#core/feeds/formats/index'
import type { IocType } from '#shared/domain/enums'
import { createIndicatorGenerator } from './indicator-generator'
import { startRssSampler } from './rss-sampler'
import { forceGc, round } from './stats'
import { formatTable } from './table'

const ROWS = Number(process.argv[2] ?? 1_000_000)
/** Distinct rows generated; the parsers see them ROWS / SAMPLE times over (they do not care about repeats). */
const SAMPLE = 100_000
const CHUNK_BYTES = 64 * 1024
const encoder = new TextEncoder()

/** Text pieces → byte chunks of about CHUNK_BYTES, like a socket or file read delivers them. */
const toChunks = (pieces: Iterable<string>): Uint8Array[] => {
  const out: Uint8Array[] = []
  let buf = ''
  for (const p of pieces) {
    buf += p
    if (buf.length >= CHUNK_BYTES) {
      out.push(encoder.encode(buf))
      buf = ''
    }
  }
  if (buf !== '') out.push(encoder.encode(buf))
  return out
}

/**
 * Generation is not what we measure: a sample of rows is made into byte chunks once, and the input
 * replays them (head, body × n, tail), so the timed loop is the parser alone and memory stays small.
 */
async function* replay(
  head: Uint8Array[],
  body: Uint8Array[],
  times: number,
  tail: Uint8Array[],
): AsyncGenerator<Uint8Array> {
  yield* head
  for (let t = 0; t < times; t++) yield* body
  yield* tail
}

function* urlhausRows(rows: number): Generator<string> {
  const gen = createIndicatorGenerator(7)
  for (let i = 0; i < rows; i++) {
    const url = gen.value('url').replace(/"/g, '""')
    yield `"${3_000_000 + i}","2025-05-01 10:${String(i % 60).padStart(2, '0')}:07","${url}","online","2025-05-01 10:02:07","malware_download","32-bit,elf,mips,Mozi","https://urlhaus.abuse.ch/url/${3_000_000 + i}/","geenensp"\n`
  }
}

const PATTERN_OF: Partial<Record<IocType, (v: string) => string>> = {
  ip: (v) => `[ipv4-addr:value = '${v}']`,
  domain: (v) => `[domain-name:value = '${v}']`,
  url: (v) => `[url:value = '${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`,
  sha256: (v) => `[file:hashes.'SHA-256' = '${v}']`,
  md5: (v) => `[file:hashes.MD5 = '${v}']`,
}
const STIX_TYPES = Object.keys(PATTERN_OF) as IocType[]

/** Every element is written with a leading comma; the head holds one extra first element without it. */
function* stixElements(rows: number, seed: number): Generator<string> {
  const gen = createIndicatorGenerator(seed)
  for (let i = 0; i < rows; i++) {
    const type = STIX_TYPES[i % STIX_TYPES.length]
    const pattern = (PATTERN_OF[type] as (v: string) => string)(gen.value(type))
    const obj = {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${String(i).padStart(8, '0')}-5f74-4287-9642-33f4c354e56d`,
      created: '2025-05-01T10:00:00.000Z',
      modified: '2025-05-01T10:00:00.000Z',
      name: `Indicator ${i}`,
      pattern,
      pattern_type: 'stix',
      valid_from: '2025-05-01T10:00:00Z',
      indicator_types: ['malicious-activity'],
      confidence: 75,
      labels: ['c2'],
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    }
    yield `,\n${JSON.stringify(obj)}`
  }
}

const measure = async (label: string, parser: FormatParser, input: AsyncIterable<Uint8Array>) => {
  forceGc()
  const rss = startRssSampler(20)
  const t0 = performance.now()
  let records = 0
  let other = 0
  let batches = 0
  for await (const batch of parser(input, {})) {
    batches++
    for (const item of batch) {
      if (item.kind === 'record') records++
      else other++
    }
    if ((batches & 63) === 0) rss.sample()
  }
  const ms = performance.now() - t0
  const { peakMb } = rss.stop()
  return {
    label,
    records,
    other,
    batches,
    seconds: round(ms / 1000, 2),
    perSecond: Math.round(records / (ms / 1000)),
    peakMb,
  }
}

const run = async () => {
  const times = Math.max(1, Math.round(ROWS / SAMPLE))
  const csvHead = toChunks([
    '################################################################\n',
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n',
  ])
  const csvBody = toChunks(urlhausRows(SAMPLE))
  const first = [...stixElements(1, 3)][0]?.slice(2) ?? ''
  const stixHead = toChunks([
    `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[\n${first}`,
  ])
  const stixBody = toChunks(stixElements(SAMPLE, 11))
  const stixTail = toChunks(['\n]}\n'])

  const csv = await measure(
    'urlhaus-csv',
    parsers['urlhaus-csv'],
    replay(csvHead, csvBody, times, []),
  )
  const stix = await measure(
    'stix-bundle',
    parsers['stix-bundle'],
    replay(stixHead, stixBody, times, stixTail),
  )
  const mb = (chunks: Uint8Array[]) =>
    Math.round((chunks.reduce((n, c) => n + c.length, 0) * times) / 1e6)
  console.log(
    formatTable(
      ['parser', 'records', 'input MB', 'seconds', 'rows/s', 'rss peak MB'],
      [
        [csv.label, csv.records, mb(csvBody), csv.seconds, csv.perSecond, csv.peakMb],
        [stix.label, stix.records, mb(stixBody), stix.seconds, stix.perSecond, stix.peakMb],
      ],
    ),
  )
  console.log(
    JSON.stringify({
      rows: ROWS,
      csv_rows_per_s: csv.perSecond,
      stix_rows_per_s: stix.perSecond,
      rss_peak_mb: Math.max(csv.peakMb, stix.peakMb),
    }),
  )
}

void run()
