/**
 * `npm run bench:warninglists`: the warninglist engine against a naive linear scan.
 *
 * Loads the built-in lists (resources/warninglists) plus a synthetic MISP hostname list of BENCH_HOSTS
 * (default 100,000) entries written to a temp folder, timing the load (read, JSON parse, validation and
 * normalisation of every entry) and the matcher build. Then matches BENCH_ROWS (default 1,000,000) mixed
 * indicators (bench/support/indicator-generator.ts, seeded; canonicalised outside the timed region, in
 * batches so the set is never held whole) and times only the matching. The naive contender scans every entry
 * of every list for each indicator (entries pre-parsed, so only the scan is compared) on BENCH_NAIVE_ROWS
 * (default 2,000) of the same indicators; both must find the same lists on that sample. Prints a table, then
 * one JSON line.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type IocType, Invalid, canonicalize, parseIPv4, parseIPv6 } from '#shared/domain'
import { compileSafeRegex } from '#core/warninglists/regex-safety'
import type { Warninglist } from '#core/warninglists/warninglist-format'
import { builtinWarninglistDir, loadWarninglistFolder } from '#core/warninglists/warninglist-loader'
import { createWarninglistMatcher } from '#core/warninglists/warninglist-matcher'
import { createIndicatorGenerator } from './support/indicator-generator'
import { createRandom } from './support/random'
import { round, timed } from './support/stats'
import { formatTable } from './support/table'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const HOSTS = Number(process.env.BENCH_HOSTS ?? 100_000)
const NAIVE_ROWS = Number(process.env.BENCH_NAIVE_ROWS ?? 2_000)
const BATCH = 50_000
const SEED = 20251203

type Probe = { type: IocType; value: string }

/** Synthetic popular-domain list: registrable names and some www/cdn hosts, like a top-sites export. */
const syntheticHostnames = (n: number): string[] => {
  const gen = createIndicatorGenerator(SEED + 1)
  const r = createRandom(SEED + 2)
  const out = new Set<string>()
  while (out.size < n) {
    const d = canonicalize('domain', gen.value('domain'))
    if (!d.ok) continue
    out.add(r.chance(0.2) ? `www.${d.value}` : d.value)
  }
  return [...out]
}

/** Up to `total` canonical indicators, `size` at a time (values that do not canonicalise are skipped). */
function* probes(total: number, size: number): Generator<Probe[]> {
  const gen = createIndicatorGenerator(SEED)
  let made = 0
  while (made < total) {
    const batch: Probe[] = []
    while (batch.length < Math.min(size, total - made)) {
      const g = gen.next()
      const c = canonicalize(g.type, g.value)
      if (c.ok) batch.push({ type: c.type, value: c.value })
    }
    made += batch.length
    yield batch
  }
}

// ---- the naive contender: every entry of every list, for every indicator ---------------------------------

/** What a scan needs from one indicator, worked out once per indicator (not per entry). */
type Facts = {
  probe: Probe
  lower: string
  host: string | null
  addr: bigint | null
  v6: boolean
  prefix: number
}

const toBits = (addr: string): { bits: bigint; v6: boolean } | null => {
  if (addr.includes(':')) {
    const g = parseIPv6(addr)
    if (g instanceof Invalid) return null
    // An IPv4-mapped address is compared as the IPv4 address it carries, as the matcher does.
    if (g.slice(0, 6).join() === '0,0,0,0,0,65535')
      return { bits: BigInt((g[6] ?? 0) * 65536 + (g[7] ?? 0)), v6: false }
    return { bits: g.reduce((n, x) => (n << 16n) | BigInt(x), 0n), v6: true }
  }
  const n = parseIPv4(addr)
  return n instanceof Invalid ? null : { bits: BigInt(n), v6: false }
}

const factsOf = (probe: Probe): Facts => {
  const { type, value } = probe
  let host: string | null = null
  if (type === 'domain') host = value
  else if (type === 'email') host = value.slice(value.lastIndexOf('@') + 1)
  else if (type === 'url') {
    const h = new URL(value).hostname
    host = h.startsWith('[') ? h.slice(1, -1) : h
  }
  let addrText: string | null = null
  let prefix = -1
  if (type === 'ip' || type === 'ipv6') addrText = value
  else if (type === 'url') addrText = host
  else if (type === 'cidr') {
    addrText = value.slice(0, value.lastIndexOf('/'))
    prefix = Number(value.slice(value.lastIndexOf('/') + 1))
  }
  const a = addrText === null ? null : toBits(addrText)
  if (a !== null && prefix < 0) prefix = a.v6 ? 128 : 32
  return {
    probe,
    lower: value.toLowerCase(),
    host,
    addr: a?.bits ?? null,
    v6: a?.v6 ?? false,
    prefix,
  }
}

type NaiveCheck = (f: Facts) => boolean

const naiveEntry = (list: Warninglist, entry: string): NaiveCheck => {
  switch (list.type) {
    case 'cidr': {
      const slash = entry.lastIndexOf('/')
      const p = Number(entry.slice(slash + 1))
      const e = toBits(entry.slice(0, slash))
      const v6 = entry.includes(':') && e?.v6 === true
      const shift = BigInt((v6 ? 128 : 32) - p)
      const net = (e?.bits ?? 0n) >> shift
      return (f) => f.addr !== null && f.v6 === v6 && f.prefix >= p && f.addr >> shift === net
    }
    case 'hostname': {
      const suffix = `.${entry}`
      return (f) => f.host !== null && (f.host === entry || f.host.endsWith(suffix))
    }
    case 'string':
      return (f) => f.lower === entry
    case 'substring':
      return (f) => f.lower.includes(entry)
    case 'regex': {
      const v = compileSafeRegex(entry)
      return (f) => v.ok && f.probe.value.length <= 512 && v.regex.test(f.probe.value)
    }
  }
}

const naiveMatcher = (lists: readonly Warninglist[]) => {
  const compiled = lists.map((l) => ({
    list: l,
    applies: new Set(l.appliesTo),
    checks: l.entries.map((e) => naiveEntry(l, e)),
  }))
  return (p: Probe): string[] => {
    const f = factsOf(p)
    const out: string[] = []
    for (const c of compiled) {
      if (!c.applies.has(p.type)) continue
      for (const check of c.checks) {
        if (check(f)) {
          out.push(c.list.name)
          break
        }
      }
    }
    return out
  }
}

// ---- run --------------------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'te-warn-bench-'))
  try {
    const builtin = builtinWarninglistDir()
    for (const f of readdirSync(builtin)) copyFileSync(join(builtin, f), join(dir, f))
    const hosts = syntheticHostnames(HOSTS)
    writeFileSync(
      join(dir, 'synthetic-popular-domains.json'),
      JSON.stringify({
        name: 'Synthetic popular domains',
        description: 'Benchmark list',
        version: 1,
        type: 'hostname',
        matching_attributes: ['hostname', 'domain', 'url', 'email-src'],
        list: hosts,
      }),
    )
    const t0 = performance.now()
    const loaded = await loadWarninglistFolder(dir)
    const loadMs = performance.now() - t0
    if (loaded.errors.length > 0 || loaded.issues.length > 0) {
      throw new Error(
        `lists did not load cleanly: ${JSON.stringify(loaded.errors.concat(loaded.issues))}`,
      )
    }
    const built = timed(() => createWarninglistMatcher(loaded.lists))
    const matcher = built.value
    const entries = loaded.lists.reduce((n, l) => n + l.entries.length, 0)

    let matched = 0
    let hits = 0
    let matchMs = 0
    const byType = new Map<IocType, { n: number; hits: number }>()
    for (const batch of probes(ROWS, BATCH)) {
      const t = performance.now()
      for (const p of batch) if (matcher.match(p.type, p.value).length > 0) hits++
      matchMs += performance.now() - t
      matched += batch.length
      for (const p of batch) {
        const s = byType.get(p.type) ?? { n: 0, hits: 0 }
        s.n++
        if (matcher.match(p.type, p.value).length > 0) s.hits++
        byType.set(p.type, s)
      }
    }

    const sample: Probe[] = probes(NAIVE_ROWS, NAIVE_ROWS).next().value ?? []
    const naive = naiveMatcher(loaded.lists)
    const naiveRun = timed(() => sample.map((p) => naive(p)))
    const ours = sample.map((p) => matcher.match(p.type, p.value).map((h) => h.list.name))
    const disagreements = sample.filter(
      (p, i) => (naiveRun.value[i] ?? []).join('|') !== (ours[i] ?? []).join('|'),
    )
    if (disagreements.length > 0) {
      throw new Error(
        `naive and indexed matching disagree on ${JSON.stringify(disagreements.slice(0, 5))}`,
      )
    }

    const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000)
    const oursRate = perSec(matched, matchMs)
    const naiveRate = perSec(sample.length, naiveRun.ms)
    console.log(
      formatTable(
        ['step', 'items', 'ms', 'per second'],
        [
          [
            `load ${loaded.lists.length} lists (read, parse, validate)`,
            entries,
            round(loadMs, 1),
            perSec(entries, loadMs),
          ],
          ['build the matcher', entries, round(built.ms, 1), perSec(entries, built.ms)],
          ['match, indexed', matched, round(matchMs, 1), oursRate],
          ['match, naive linear scan', sample.length, round(naiveRun.ms, 1), naiveRate],
        ],
      ),
    )
    console.log('')
    console.log(
      formatTable(
        ['type', 'indicators', 'hit'],
        [...byType].map(([t, s]) => [t, s.n, s.hits]),
      ),
    )
    console.log(
      `\nindexed is ${round(oursRate / naiveRate, 0)}x the naive scan; both agree on ${sample.length} indicators`,
    )
    console.log(
      JSON.stringify({
        bench: 'warninglists',
        lists: loaded.lists.length,
        entries,
        syntheticHostnames: HOSTS,
        loadMs: round(loadMs, 1),
        buildMs: round(built.ms, 1),
        indicators: matched,
        hits,
        matchesPerSec: oursRate,
        naiveSample: sample.length,
        naiveMatchesPerSec: naiveRate,
        speedup: round(oursRate / naiveRate, 1),
      }),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
