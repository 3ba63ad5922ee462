/**
 * `npm run bench:ingest`: the feed engine against the limit of the hardware.
 *
 * Writes a BENCH_ROWS-row (default 1,000,000) URLhaus CSV and a BENCH_ROWS-indicator STIX 2.1 bundle into
 * bench/.work/, then in one process times:
 *   - raw:  a bare better-sqlite3 table with UNIQUE(type, value), one prepared upsert per value of the CSV,
 *           one transaction (what SQLite itself can do on this box);
 *   - csv:  our full import of the CSV file (decode, parse, canonicalise, indicator upsert with the search
 *           index, observations, run bookkeeping) through feeds.importFile;
 *   - stix: the same for the bundle;
 *   - csv over HTTP (staged): the CSV served from 127.0.0.1, which goes through the fetcher and the staging
 *           spool (parse while downloading, commit after) — the price of "nothing written from a failed
 *           download". BENCH_STAGED=0 skips it;
 *   - the true limit of each file import: raw better-sqlite3 performing exactly the writes that import
 *           performed (the same indicator, observation, search-log and change-log rows, read back from its
 *           database), on the same schema, with the same commit cadence (support/true-limit.ts).
 * Peak RSS is sampled every 50 ms during our imports (the raw baseline runs last). The search index is built
 * on its own thread; an import counts as done when the index has caught up. Also prints each import's CPU time
 * per thread: SQLite takes one writer at a time, so the bulk writer's CPU per row is a ceiling on the rate
 * that no spreading of the other work can lift. Prints a table, then one JSON line.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import 'reflect-metadata'
import { createCore } from '#core'
import { createLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import { createReadStream } from 'node:fs'
import { createRandom } from './support/random'
import { startRssSampler } from './support/rss-sampler'
import { forceGc, round } from './support/stats'
import { formatTable } from './support/table'
import { threadCpuDelta, threadCpuMs } from './support/thread-cpu'
import { MAX_BATCH } from '#core/ingest/ingest-writer'
import { trueLimitMs } from './support/true-limit'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const STAGED = process.env.BENCH_STAGED !== '0'
const WORK = join(import.meta.dirname, '.work')

const WORDS = [
  'evil',
  'cdn',
  'login',
  'update',
  'secure',
  'mail',
  'pay',
  'cloud',
  'files',
  'panel',
  'track',
  'docs',
]
const TLDS = ['com', 'net', 'org', 'ru', 'xyz', 'top', 'info', 'io', 'de', 'online']
const FILES = [
  'index.php',
  'gate.php',
  'update.exe',
  'invoice.zip',
  'doc.js',
  'payload.bin',
  'mozi.m',
  'a.sh',
]
const TAGS = ['elf', 'Mozi', 'exe', 'Emotet', 'doc', 'Qakbot', 'zip', 'AsyncRAT', 'sh', 'mirai']

/** The i-th URL: unique by construction (the path carries i), realistic in shape. */
const urlOf = (i: number, r: ReturnType<typeof createRandom>): string => {
  const host = r.chance(0.3)
    ? `${1 + r.int(223)}.${r.int(256)}.${r.int(256)}.${r.int(256)}`
    : `${r.pick(WORDS)}-${r.pick(WORDS)}${r.int(1000)}.${r.pick(TLDS)}`
  const port = r.chance(0.2) ? `:${r.pick([8080, 8443, 2222, 81])}` : ''
  return `http://${host}${port}/${r.pick(WORDS)}/${i.toString(36)}/${r.pick(FILES)}`
}

const write = async (path: string, lines: Iterable<string>): Promise<void> => {
  const out = createWriteStream(path)
  let buf = ''
  for (const line of lines) {
    buf += line
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()))
      buf = ''
    }
  }
  out.end(buf)
  await new Promise<void>((res, rej) => out.on('finish', res).on('error', rej))
}

function* urlhausLines(n: number): Generator<string> {
  const r = createRandom(7)
  yield '################################################################\n'
  yield '# abuse.ch URLhaus Database Dump (CSV - recent URLs only)      #\n'
  yield '################################################################\n#\n'
  yield '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n'
  const base = Date.parse('2025-01-01T00:00:00Z')
  for (let i = 0; i < n; i++) {
    const id = 3_000_000 + i
    const added = new Date(base + i * 1000).toISOString().replace('T', ' ').slice(0, 19)
    const tags = `${r.pick(TAGS)},${r.pick(TAGS)}`
    yield `"${id}","${added}","${urlOf(i, r)}","${r.chance(0.3) ? 'online' : 'offline'}","","malware_download","${tags}","https://urlhaus.abuse.ch/url/${id}/","reporter${r.int(50)}"\n`
  }
}

function* stixLines(n: number): Generator<string> {
  const r = createRandom(11)
  const uuid = () => {
    const h = r.hex(32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
  const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'
  yield `{"type":"bundle","id":"bundle--${uuid()}","objects":[\n`
  const base = Date.parse('2025-01-01T00:00:00Z')
  for (let i = 0; i < n; i++) {
    let pattern: string
    switch (i % 4) {
      case 0:
        pattern = `[url:value = '${urlOf(i, r)}']`
        break
      case 1:
        pattern = `[domain-name:value = 'h${i.toString(36)}.${r.pick(WORDS)}.${r.pick(TLDS)}']`
        break
      case 2:
        pattern = `[ipv4-addr:value = '${10 + ((i >>> 16) & 0x7f)}.${(i >>> 8) & 0xff}.${i & 0xff}.${1 + r.int(254)}']`
        break
      default:
        pattern = `[file:hashes.'SHA-256' = '${r.hex(64)}']`
    }
    const ts = new Date(base + i * 1000).toISOString()
    const obj = {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${uuid()}`,
      created: ts,
      modified: ts,
      name: `bench indicator ${i}`,
      pattern,
      pattern_type: 'stix',
      valid_from: ts,
      indicator_types: ['malicious-activity'],
      labels: [r.pick(TAGS)],
      confidence: 50 + r.int(50),
      object_marking_refs: [green],
    }
    yield `${i ? ',' : ''}${JSON.stringify(obj)}\n`
  }
  yield ']}\n'
}

/** The CSV's URL values again, for the raw baseline (same generator, same seed). */
/** The CSV's values, `chunk` at a time (the baseline must not hold a million strings at once). */
function* csvValues(n: number, chunk = 50_000): Generator<string[]> {
  const r = createRandom(7)
  for (let from = 0; from < n; from += chunk) {
    const out = new Array<string>(Math.min(chunk, n - from))
    for (let j = 0; j < out.length; j++) {
      r.pick(TAGS) // keep the random sequence aligned with urlhausLines
      r.pick(TAGS)
      out[j] = urlOf(from + j, r)
      r.chance(0.3)
      r.int(50)
    }
    yield out
  }
}

/**
 * Raw upserts of every value; generation is not timed. `commitEvery` null: one transaction, like the 1M-row
 * raw runs of toolchain.md (the limit the targets are set against); a number: a commit every that many
 * rows, the cadence of our batches, shown beside it because on a random-key index the commits cost.
 */
const rawBaseline = (
  values: Iterable<string[]>,
  file: string,
  commitEvery: number | null = null,
): number => {
  rmSync(file, { force: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE raw (id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL,
    first_seen TEXT, last_seen TEXT, UNIQUE (type, value))`)
  const upsert =
    db.prepare(`INSERT INTO raw (type, value, first_seen, last_seen) VALUES ('url', ?, ?, ?)
    ON CONFLICT (type, value) DO UPDATE SET last_seen = excluded.last_seen`)
  const now = new Date().toISOString()
  let ms = 0
  db.exec('BEGIN')
  for (const chunk of values) {
    const t0 = performance.now()
    for (const v of chunk) upsert.run(v, now, now)
    if (commitEvery !== null) db.exec('COMMIT; BEGIN')
    ms += performance.now() - t0
  }
  const t0 = performance.now()
  db.exec('COMMIT')
  ms += performance.now() - t0
  db.close()
  return ms
}

type Result = {
  label: string
  rows: number
  ms: number
  created: number
  rejected: number
  status: string
}

const importWith = async (
  label: string,
  dir: string,
  call: (core: Awaited<ReturnType<typeof createCore>>) => Promise<{
    status: string
    rows: number
    created: number
    rejected: number
    error: string | null
  }>,
): Promise<Result> => {
  rmSync(dir, { recursive: true, force: true })
  const core = await createCore({
    dataDir: dir,
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })
  await core.start()
  try {
    forceGc()
    const threads0 = threadCpuMs()
    const t0 = performance.now()
    const run = await call(core)
    // The search index is built on its own thread, in step with the import; the import is done when the
    // index has caught up too, so that wait is timed.
    const tIndex = performance.now()
    if (!(await core.search.catchUp(600_000)))
      throw new Error(`${label}: search index did not catch up`)
    const ms = performance.now() - t0
    indexTailMs.set(label, performance.now() - tIndex)
    // Before stop(): the worker threads end with the core.
    threadMs.set(label, threadCpuDelta(threads0, threadCpuMs()))
    if (run.status !== 'succeeded') throw new Error(`${label}: run ${run.status}: ${run.error}`)
    return {
      label,
      rows: run.rows,
      ms,
      created: run.created,
      rejected: run.rejected,
      status: run.status,
    }
  } finally {
    await core.stop()
  }
}

/** A freshly migrated, empty database file (what the true limit writes into). */
const migratedEmpty = async (dir: string): Promise<string> => {
  rmSync(dir, { recursive: true, force: true })
  const core = await createCore({
    dataDir: dir,
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })
  await core.stop()
  return join(dir, 'threateye.sqlite')
}

/** Per contender: how long the search index still took after the run itself had finished. */
const indexTailMs = new Map<string, number>()
/** Per contender: CPU time per thread during the import (main first, then the busiest). */
const threadMs = new Map<string, { tid: number; ms: number }[]>()

/**
 * Per contender: CPU seconds per thread, and the ceiling the busiest worker thread sets. SQLite has one
 * writer at a time, so the bulk writer's CPU per row bounds the rate however the rest is spread.
 */
const threadLines = (results: readonly Result[]): string =>
  results
    .map((r) => {
      const t = threadMs.get(r.label) ?? []
      const busiestWorker = t.slice(1).reduce((m, x) => Math.max(m, x.ms), 0)
      const ceiling = busiestWorker > 0 ? Math.round(r.rows / (busiestWorker / 1000)) : 0
      return `  ${r.label}: ${t.map((x) => round(x.ms / 1000, 1)).join(' / ')}; the busiest worker alone allows at most ${ceiling.toLocaleString('en-US')} rows/s`
    })
    .join('\n')

const main = async (): Promise<void> => {
  mkdirSync(WORK, { recursive: true })
  const csv = join(WORK, `urlhaus-${ROWS}.csv`)
  const stix = join(WORK, `stix-${ROWS}.json`)
  if (!existsSync(csv)) await write(csv, urlhausLines(ROWS))
  if (!existsSync(stix)) await write(stix, stixLines(ROWS))
  process.stderr.write(
    `inputs: ${csv} (${statSync(csv).size} B), ${stix} (${statSync(stix).size} B)\n`,
  )

  const rss = startRssSampler(50)
  const results: Result[] = []
  results.push(
    await importWith('csv (file)', join(WORK, 'db-csv'), (core) =>
      core.call('feeds.importFile', { path: csv, format: 'urlhaus-csv' }),
    ),
  )
  const csvRss = rss.peakMb
  results.push(
    await importWith('stix (file)', join(WORK, 'db-stix'), (core) =>
      core.call('feeds.importFile', { path: stix, format: 'stix-bundle' }),
    ),
  )
  if (STAGED) {
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/csv',
        'content-length': String(statSync(csv).size),
      })
      createReadStream(csv).pipe(res)
    })
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/urlhaus.csv`
    try {
      results.push(
        await importWith('csv (http, staged)', join(WORK, 'db-http'), (core) =>
          core.call('feeds.importUrl', { url, format: 'urlhaus-csv' }),
        ),
      )
    } finally {
      server.close()
    }
  }
  const peak = rss.stop()
  // Said before the raw baseline runs, in case that phase fails: our figures stand on their own.
  process.stderr.write(
    `our imports: ${results.map((r) => `${r.label} ${Math.round(r.rows / (r.ms / 1000))} rows/s`).join(', ')}; peak RSS ${peak.peakMb} MB\n`,
  )

  forceGc()
  const limitCsvMs = trueLimitMs(
    join(WORK, 'db-csv', 'threateye.sqlite'),
    await migratedEmpty(join(WORK, 'limit-csv')),
    MAX_BATCH,
  )
  const limitStixMs = trueLimitMs(
    join(WORK, 'db-stix', 'threateye.sqlite'),
    await migratedEmpty(join(WORK, 'limit-stix')),
    MAX_BATCH,
  )
  const rawMs = rawBaseline(csvValues(ROWS), join(WORK, 'raw.sqlite'))
  // Our runs commit every MAX_BATCH records once the batch size has adapted.
  const rawBatchedMs = rawBaseline(
    csvValues(ROWS, MAX_BATCH),
    join(WORK, 'raw-batched.sqlite'),
    MAX_BATCH,
  )

  const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000))
  const raw = rate(ROWS, rawMs)
  const csvRate = rate(results[0].rows, results[0].ms)
  const stixRate = rate(results[1].rows, results[1].ms)
  const limitCsv = rate(results[0].rows, limitCsvMs)
  const limitStix = rate(results[1].rows, limitStixMs)
  process.stdout.write(
    formatTable(
      [
        'contender',
        'rows',
        'created',
        'rejected',
        'seconds',
        'of which index tail',
        'rows/s',
        'vs raw',
      ],
      [
        ['raw better-sqlite3 upsert', ROWS, ROWS, 0, round(rawMs / 1000, 2), '-', raw, '1.00'],
        [
          `raw, a commit every ${MAX_BATCH.toLocaleString('en-US')} rows`,
          ROWS,
          ROWS,
          0,
          round(rawBatchedMs / 1000, 2),
          '-',
          rate(ROWS, rawBatchedMs),
          (rate(ROWS, rawBatchedMs) / raw).toFixed(2),
        ],
        [
          "true limit: the csv import's writes, raw",
          results[0].rows,
          results[0].created,
          0,
          round(limitCsvMs / 1000, 2),
          '-',
          limitCsv,
          (limitCsv / raw).toFixed(2),
        ],
        [
          "true limit: the stix import's writes, raw",
          results[1].rows,
          results[1].created,
          0,
          round(limitStixMs / 1000, 2),
          '-',
          limitStix,
          (limitStix / raw).toFixed(2),
        ],
        ...results.map((r) => [
          r.label,
          r.rows,
          r.created,
          r.rejected,
          round(r.ms / 1000, 2),
          round((indexTailMs.get(r.label) ?? 0) / 1000, 2),
          rate(r.rows, r.ms),
          (rate(r.rows, r.ms) / raw).toFixed(2),
        ]),
      ],
    ) +
      `\nagainst the true limit (the same writes, raw): csv ${(csvRate / limitCsv).toFixed(2)}, stix ${(stixRate / limitStix).toFixed(2)}` +
      `\nagainst the raw run with the same commits: ${results.map((r) => `${r.label} ${(rate(r.rows, r.ms) / rate(ROWS, rawBatchedMs)).toFixed(2)}`).join(', ')}` +
      `\npeak RSS during our imports: ${peak.peakMb} MB (csv alone ${csvRss} MB), ${peak.samples} samples` +
      `\nCPU s per thread during each import (main first, then the busiest: bulk writer, search indexer, V8 helpers):\n` +
      `${threadLines(results)}\n`,
  )
  process.stdout.write(
    JSON.stringify({
      rows: ROWS,
      raw_rows_per_s: raw,
      csv_rows_per_s: csvRate,
      stix_rows_per_s: stixRate,
      ratio_csv: round(csvRate / raw, 3),
      ratio_stix: round(stixRate / raw, 3),
      true_limit_csv_rows_per_s: limitCsv,
      true_limit_stix_rows_per_s: limitStix,
      ratio_csv_to_limit: round(csvRate / limitCsv, 3),
      ratio_stix_to_limit: round(stixRate / limitStix, 3),
      rss_peak_mb: peak.peakMb,
    }) + '\n',
  )
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
