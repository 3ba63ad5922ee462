/**
 * `npm run bench:extract`: IOC extraction throughput, ours against ioc-extractor, on the same text in one run.
 *
 * The text is BENCH_EXTRACT_MB (default 4) MB of generated report (bench/support/report-text.ts: prose,
 * tables, logs, with plain and defanged indicators and version/file-name traps mixed in). Each contender
 * runs BENCH_EXTRACT_ROUNDS (default 7) times over the whole text after one warm-up, alternating, so load
 * on the machine hits both alike; the median round of each is reported, and the ratio is the median of the
 * rounds' ratios (each round's two runs are seconds apart, so a load spike on the shared machine moves both). ioc-extractor runs with its defaults
 * (refang on, strict TLDs, sorted output), which is how the comparison test calls it too. Then ours alone
 * on 5 MB single lines of hostile shapes (the unit tests only assert that these finish with bounded output;
 * their time is measured here). Prints tables, then one JSON line.
 */
import { type IOCKey, extractIOC } from 'ioc-extractor'
import { extractIocs } from '#core/extract/extract-iocs'
import { reportText } from './support/report-text'
import { forceGc, percentile, round } from './support/stats'
import { formatTable } from './support/table'

const MB = Number(process.env.BENCH_EXTRACT_MB ?? 4)
const ROUNDS = Number(process.env.BENCH_EXTRACT_ROUNDS ?? 7)

const HOSTILE_BYTES = 5 * 1024 * 1024
const HOSTILE: Record<string, string> = {
  dots: '.',
  hex: 'a',
  brackets: '[',
  'defanged dots': '[.]',
  'spaced dots': 'a dot ',
  'dotted numbers': '1.1.1.1.',
  schemes: 'http://',
  'at signs': 'a@',
  'every defang marker': '[.](.){.}[at]hxxp[:]//',
  // Each one costs a Keccak-256 for its EIP-55 checksum.
  'mixed-case wallets': '0xaBcDeF0123456789aBcDeF0123456789aBcDeF01 ',
}

const hostileRows = (): [string, number, number][] =>
  Object.entries(HOSTILE).map(([name, unit]) => {
    const line = unit.repeat(Math.ceil(HOSTILE_BYTES / unit.length)).slice(0, HOSTILE_BYTES)
    forceGc()
    const t0 = performance.now()
    extractIocs(line)
    const ms = performance.now() - t0
    return [name, round(ms, 1), round(HOSTILE_BYTES / (1024 * 1024) / (ms / 1000), 1)]
  })

// Every kind it extracts, ours or not: its output, counted whole.
const IOC_KEYS: readonly IOCKey[] = [
  'asns',
  'btcs',
  'cves',
  'domains',
  'emails',
  'eths',
  'gaPubIDs',
  'gaTrackIDs',
  'ipv4s',
  'ipv6s',
  'macAddresses',
  'md5s',
  'sha1s',
  'sha256s',
  'sha512s',
  'ssdeeps',
  'urls',
  'xmrs',
]

const countTheirs = (text: string): number => {
  const ioc = extractIOC(text)
  let n = 0
  for (const key of IOC_KEYS) n += ioc[key].length
  return n
}

const main = (): void => {
  const text = reportText(MB * 1024 * 1024)
  const megabytes = Buffer.byteLength(text, 'utf8') / (1024 * 1024)
  const lines = text.split('\n').length
  const oursMs: number[] = []
  const theirsMs: number[] = []
  // The first run of each is the warm-up, and gives the item counts.
  const oursItems = extractIocs(text).items.length
  const theirsItems = countTheirs(text)
  for (let i = 0; i < ROUNDS; i++) {
    forceGc()
    let t0 = performance.now()
    extractIocs(text)
    oursMs.push(performance.now() - t0)
    forceGc()
    t0 = performance.now()
    countTheirs(text)
    theirsMs.push(performance.now() - t0)
  }
  const ours = percentile(oursMs, 50)
  const theirs = percentile(theirsMs, 50)
  const oursRate = megabytes / (ours / 1000)
  const theirsRate = megabytes / (theirs / 1000)
  const ratio = percentile(
    oursMs.map((ms, i) => (theirsMs[i] ?? ms) / ms),
    50,
  )
  console.log(
    `IOC extraction: ${round(megabytes, 2)} MB, ${lines.toLocaleString('en-US')} lines, median of ${ROUNDS} rounds\n`,
  )
  console.log(
    formatTable(
      ['contender', 'median ms', 'MB/s', 'distinct items'],
      [
        ['ours (extractIocs)', round(ours, 1), round(oursRate, 2), oursItems],
        ['ioc-extractor 8.2.0 (extractIOC)', round(theirs, 1), round(theirsRate, 2), theirsItems],
      ],
    ),
  )
  console.log(`\nours / ioc-extractor speed (median of the rounds' ratios): ${round(ratio, 2)}x\n`)
  const hostile = hostileRows()
  console.log(formatTable(['ours on a 5 MB line of', 'ms', 'MB/s'], hostile))
  const slowest = Math.max(...hostile.map(([, ms]) => ms))
  console.log(
    JSON.stringify({
      megabytes: round(megabytes, 2),
      rounds: ROUNDS,
      ours_mb_per_s: round(oursRate, 2),
      ioc_extractor_mb_per_s: round(theirsRate, 2),
      ratio: round(ratio, 2),
      ours_items: oursItems,
      ioc_extractor_items: theirsItems,
      hostile_5mb_line_max_ms: round(slowest, 1),
    }),
  )
}

main()
