/**
 * `npm run bench:indicators`: the indicator store against the limit of the hardware.
 *
 * Generates BENCH_ROWS (default 1,000,000) realistic indicators lazily (bench/support/indicator-generator.ts,
 * seeded, so every contender sees the same rows) and, in one process, times:
 *   - ours: indicators.bulkCreate through createCore(...) and the dispatcher (input validation,
 *           canonicalisation, ids, merge, the search index), BENCH_CALL_ROWS items per call, until the
 *           search index (built on its own thread) has caught up;
 *   - reads on the result: indicators.lookup over 10,000 random existing keys, indicators.search over a
 *           realistic query mix (domain fragments, IP prefixes, hash prefixes, tags, description words,
 *           whole values, misses), both through core.call;
 *   - the true limit: raw better-sqlite3 performing exactly the writes ours performed (the same indicator
 *           rows read back from our database, one search-log and one change-log entry per call's
 *           transaction), on the same schema with the same commits (support/true-limit.ts);
 *   - raw:  better-sqlite3 prepared upserts of the same rows into a bare table
 *           (id INTEGER PRIMARY KEY, type, value, score, first_seen, tags, UNIQUE(type, value)), one
 *           transaction, same pragmas: what SQLite itself does on this box.
 * Generation is outside every timed region. RSS is sampled every 50 ms (and between batches) while ours and
 * the reads run; the raw baseline runs last so its memory does not count. Prints a table, then one JSON line.
 */
import 'reflect-metadata'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createCore } from '#core'
import { createLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import type { IocType } from '#shared/domain/enums'
import { createIndicatorGenerator } from './support/indicator-generator'
import { createRandom } from './support/random'
import { startRssSampler } from './support/rss-sampler'
import { forceGc, percentile, round } from './support/stats'
import { formatTable } from './support/table'
import { threadCpuDelta, threadCpuMs } from './support/thread-cpu'
import { trueLimitMs } from './support/true-limit'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
// Items per indicators.bulkCreate call: one call is one transaction, so a client streaming a million rows
// hands them over a batch at a time, MAX_BATCH (50,000, core/ingest) per call. Smaller calls commit more often,
// and every commit rewrites most pages of the random-key id index (10,000 per call: ~30% slower).
const CALL_ROWS = Number(process.env.BENCH_CALL_ROWS ?? 50_000)
const SEED = 20251121
const CORES = availableParallelism()
const LOOKUPS = 10_000
const SEARCH_REPEATS = 5

const fileSize = (path: string): number => {
  let total = 0
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size
    } catch {
      // no WAL file after a truncating checkpoint
    }
  }
  return total
}

/** Every `stride`-th generated row, as lookup keys and search material. */
const sampleKeys = (stride: number): { type: IocType; value: string }[] => {
  const keys: { type: IocType; value: string }[] = []
  const gen = createIndicatorGenerator(SEED)
  let i = 0
  for (const batch of gen.batches(ROWS, 10_000)) {
    for (const g of batch) if (i++ % stride === 0) keys.push({ type: g.type, value: g.value })
  }
  return keys
}

type QueryClass =
  'domain fragment' | 'ip prefix' | 'hash prefix' | 'tag' | 'description' | 'whole value' | 'miss'

const queryMix = (keys: { type: IocType; value: string }[]): { q: string; kind: QueryClass }[] => {
  const r = createRandom(7)
  const of = (types: IocType[]) => keys.filter((k) => types.includes(k.type))
  const domains = of(['domain'])
  const ips = of(['ip'])
  const hashes = of(['md5', 'sha1', 'sha256'])
  const all = keys
  const out: { q: string; kind: QueryClass }[] = []
  const labelFragment = (d: string): string => {
    const labels = d.toLowerCase().split('.')
    return labels.length > 2 ? `${labels[1]}.${labels[2]}` : (labels[0] ?? d)
  }
  for (let i = 0; i < 20; i++) {
    out.push({ q: labelFragment(r.pick(domains).value), kind: 'domain fragment' })
    const ip = r.pick(ips).value.split('.')
    out.push({
      q: i % 2 === 0 ? `${ip[0]}.${ip[1]}.${ip[2]}.` : `${ip[0]}.${ip[1]}`,
      kind: 'ip prefix',
    })
    out.push({
      q: r
        .pick(hashes)
        .value.slice(0, 8 + r.int(8))
        .toLowerCase(),
      kind: 'hash prefix',
    })
    out.push({
      q: r.pick(['emotet', 'cobalt-strike', 'feed:urlhaus', 'apt28', 'c2', 'tor-exit']),
      kind: 'tag',
    })
    out.push({
      q: r.pick([
        'ransomware',
        'exfiltration',
        'phishing page',
        'command and control',
        'wordpress',
        'vpn appliances',
      ]),
      kind: 'description',
    })
    out.push({ q: r.pick(all).value, kind: 'whole value' })
    out.push({
      q: r.pick(['nonexistent-zzz', 'qqqqqq.invalid', '999.888.', 'ffffffff0000ffff']),
      kind: 'miss',
    })
  }
  return out
}

const cpuOf = (u: NodeJS.CpuUsage) => u.user + u.system

/**
 * Raw upserts into a bare table. `commitEvery` null: one transaction for everything (the limit the targets
 * are set against); a number: a commit every that many rows, the cadence ours must keep (one transaction
 * per batch), shown beside it because on a random-key index the commits themselves cost.
 */
const runRaw = (
  dir: string,
  commitEvery: number | null,
): { ms: number; cpuUs: number; bytes: number } => {
  const file = join(dir, commitEvery === null ? 'raw.sqlite' : 'raw-batched.sqlite')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('temp_store = MEMORY')
  db.pragma('cache_size = -65536')
  db.exec(
    'CREATE TABLE indicators (id INTEGER PRIMARY KEY, type TEXT, value TEXT, score INT, first_seen TEXT, tags TEXT, UNIQUE(type, value))',
  )
  const upsert = db.prepare(
    `INSERT INTO indicators (type, value, score, first_seen, tags) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (type, value) DO UPDATE SET score = max(score, excluded.score)`,
  )
  let ms = 0
  let cpuUs = 0
  db.exec('BEGIN')
  for (const batch of createIndicatorGenerator(SEED).batches(ROWS, CALL_ROWS)) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    for (const g of batch) upsert.run(g.type, g.value, g.score, g.firstSeen, JSON.stringify(g.tags))
    if (commitEvery !== null) db.exec('COMMIT; BEGIN')
    ms += performance.now() - t0
    cpuUs += cpuOf(process.cpuUsage(c0))
  }
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  db.exec('COMMIT')
  ms += performance.now() - t0
  cpuUs += cpuOf(process.cpuUsage(c0))
  const bytes = fileSize(file)
  db.close()
  return { ms, cpuUs, bytes }
}

const mbOf = (b: number) => Math.round(b / (1024 * 1024))

const main = async (): Promise<void> => {
  const work = mkdtempSync(join(tmpdir(), 'te-bench-indicators-'))
  const rss = startRssSampler(50)
  const core = await createCore({
    dataDir: join(work, 'ours'),
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
  })
  const totals = { created: 0, updated: 0, unchanged: 0, rejected: 0 }
  let oursMs = 0
  let oursCpuUs = 0
  const threads0 = threadCpuMs()
  for (const batch of createIndicatorGenerator(SEED).batches(ROWS, CALL_ROWS)) {
    // Generated rows are already in the shape of indicators.bulkCreate items (no second copy).
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const report = await core.call('indicators.bulkCreate', { items: batch })
    oursMs += performance.now() - t0
    oursCpuUs += cpuOf(process.cpuUsage(c0))
    totals.created += report.created
    totals.updated += report.updated
    totals.unchanged += report.unchanged
    totals.rejected += report.rejected
    rss.sample()
    if (process.env.BENCH_DEBUG) {
      const m = process.memoryUsage()
      console.error(
        `rss ${mbOf(m.rss)} heap ${mbOf(m.heapUsed)}/${mbOf(m.heapTotal)} ext ${mbOf(m.external)} ab ${mbOf(m.arrayBuffers)}`,
      )
    }
  }
  // The search index is built on its own thread while the calls run; ours is done when it has caught up,
  // so the wait for its tail is part of the timed region.
  const tIndex = performance.now()
  const cIndex = process.cpuUsage()
  if (!(await core.search.catchUp(600_000))) throw new Error('the search index did not catch up')
  const indexTailMs = performance.now() - tIndex
  oursMs += indexTailMs
  oursCpuUs += cpuOf(process.cpuUsage(cIndex))
  const threadsMs = threadCpuDelta(threads0, threadCpuMs())
  const oursBytes = fileSize(join(work, 'ours', 'threateye.sqlite'))
  forceGc()

  const keys = sampleKeys(Math.max(1, Math.floor(ROWS / 20_000)))
  const r = createRandom(99)
  const lookupMs: number[] = []
  let hits = 0
  for (let i = 0; i < LOOKUPS; i++) {
    const k = r.pick(keys)
    const t0 = performance.now()
    const found = await core.call('indicators.lookup', { type: k.type, value: k.value })
    lookupMs.push(performance.now() - t0)
    if (found !== null) hits++
  }
  rss.sample()

  const queries = queryMix(keys)
  const searchMs: number[] = []
  const byKind = new Map<QueryClass, number[]>()
  const matches = new Map<QueryClass, number>()
  for (let rep = 0; rep < SEARCH_REPEATS; rep++) {
    for (const { q, kind } of queries) {
      const t0 = performance.now()
      const page = await core.call('indicators.search', { q })
      const ms = performance.now() - t0
      searchMs.push(ms)
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms])
      if (rep === 0) matches.set(kind, (matches.get(kind) ?? 0) + page.items.length)
    }
    rss.sample()
  }
  await core.stop()
  const { peakMb } = rss.stop()
  forceGc()

  const limitDir = join(work, 'limit')
  await (
    await createCore({
      dataDir: limitDir,
      logger: createLogger({ level: 'warn' }),
      secrets: createMemorySecretStore(),
      feeds: { schedule: false },
    })
  ).stop()
  const limitMs = trueLimitMs(
    join(work, 'ours', 'threateye.sqlite'),
    join(limitDir, 'threateye.sqlite'),
    CALL_ROWS,
  )
  const raw = runRaw(work, null)
  const rawBatched = runRaw(work, CALL_ROWS)
  rmSync(work, { recursive: true, force: true })
  const limitRate = ROWS / (limitMs / 1000)

  const rawRate = ROWS / (raw.ms / 1000)
  const oursRate = ROWS / (oursMs / 1000)
  const mb = (b: number) => round(b / (1024 * 1024), 1)
  console.log(
    formatTable(
      ['measure', 'value'],
      [
        ['rows', ROWS],
        ['raw upsert, 1 transaction (rows/s)', Math.round(rawRate)],
        [
          `ours bulkCreate, ${CALL_ROWS.toLocaleString('en-US')} items/call (rows/s)`,
          Math.round(oursRate),
        ],
        ['ratio ours / raw', round(oursRate / rawRate, 3)],
        ['true limit: our writes, raw, same schema and commits (rows/s)', Math.round(limitRate)],
        ['ratio ours / true limit', round(oursRate / limitRate, 3)],
        [
          `raw upsert, a commit every ${CALL_ROWS.toLocaleString('en-US')} rows like ours (rows/s)`,
          Math.round(ROWS / (rawBatched.ms / 1000)),
        ],
        [
          'ratio ours / raw with the same commits',
          round(oursRate / (ROWS / (rawBatched.ms / 1000)), 3),
        ],
        [
          '  of which waiting for the search index after the last call (s)',
          round(indexTailMs / 1000, 2),
        ],
        // CPU time is less sensitive to other load on a shared box than wall time. The gap between ours and
        // its ceiling is the threads waiting for each other (the writer for the next chunk, the main thread
        // for a commit), not the disk: without fsync or without checkpoints it measured the same.
        [
          'CPU µs per row raw / ours (all threads)',
          `${round(raw.cpuUs / ROWS, 2)} / ${round(oursCpuUs / ROWS, 2)}`,
        ],
        ['ratio by CPU time', round(raw.cpuUs / oursCpuUs, 3)],
        [
          `ours: ceiling with all ${CORES} cores busy all the time (rows/s; ratio to raw)`,
          `${Math.round(ROWS / (oursCpuUs / 1e6 / CORES))}; ${round(ROWS / (oursCpuUs / 1e6 / CORES) / rawRate, 3)}`,
        ],
        [
          'ours: CPU s per thread (main first; includes generating the rows)',
          threadsMs.map((t) => round(t.ms / 1000, 1)).join(' / '),
        ],
        [
          'ours created / updated / unchanged / rejected',
          `${totals.created} / ${totals.updated} / ${totals.unchanged} / ${totals.rejected}`,
        ],
        ['database size raw / ours (MB)', `${mb(raw.bytes)} / ${mb(oursBytes)}`],
        [
          `lookup p50 / p99 (ms, ${LOOKUPS} keys, ${hits} hits)`,
          `${round(percentile(lookupMs, 50), 3)} / ${round(percentile(lookupMs, 99), 3)}`,
        ],
        [
          `search p50 / p95 (ms, ${searchMs.length} queries)`,
          `${round(percentile(searchMs, 50), 2)} / ${round(percentile(searchMs, 95), 2)}`,
        ],
        ...[...byKind].map(([kind, ms]): [string, string] => [
          `  search ${kind}: p50 / p95 (ms), items on page 1`,
          `${round(percentile(ms, 50), 2)} / ${round(percentile(ms, 95), 2)}, ${matches.get(kind) ?? 0}`,
        ]),
        ['RSS peak (MB)', peakMb],
      ],
    ),
  )
  console.log(
    JSON.stringify({
      rows: ROWS,
      raw_rows_per_s: Math.round(rawRate),
      ours_rows_per_s: Math.round(oursRate),
      ratio: round(oursRate / rawRate, 3),
      true_limit_rows_per_s: Math.round(limitRate),
      ratio_to_limit: round(oursRate / limitRate, 3),
      lookup_p99_ms: round(percentile(lookupMs, 99), 3),
      search_p95_ms: round(percentile(searchMs, 95), 2),
      rss_peak_mb: peakMb,
    }),
  )
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
