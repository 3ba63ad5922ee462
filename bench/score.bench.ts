/**
 * `npm run bench:score`: rescoring BENCH_ROWS (default 1,000,000) indicators with their observations
 * through the rescoring job (scoring.rescore: chunks through the write queue, the observations' aggregates,
 * every term, the decay, the JSON breakdown), against the true limit of the same writes: raw better-sqlite3
 * performing exactly the UPDATEs the job performed, with the values the job computed (read back from its
 * database, not timed), on a copy of the database as it was before the job, with the job's commit cadence.
 *
 * The data is written straight into a migrated database (generation is not timed): indicators of the four
 * common types with dates, classification and tags; one to three observations each from three feeds of
 * grades A, B and C, with confidence, threat type and malware. Prints a table, then one JSON line.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import 'reflect-metadata'
import { createCore } from '#core'
import { indicatorId } from '#core/indicators/indicator-id.node'
import { createLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import { RESCORE_CHUNK } from '#core/scoring/scoring.service'
import { createRandom } from './support/random'
import { forceGc, round } from './support/stats'
import { formatTable } from './support/table'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const WORK = join(import.meta.dirname, '.work', 'score')
const DATA = join(WORK, 'data')
const MAIN = join(DATA, 'threateye.sqlite')
const BEFORE = join(WORK, 'before.sqlite')

const MALWARE = ['Emotet', 'QakBot', 'Cobalt Strike', 'AsyncRAT', 'Mozi', null, null]
const THREATS = ['botnet_cc', 'malware_download', 'payload_delivery', null]
const CLASSES = ['malicious', 'suspicious', 'unknown']
const TYPES = ['url', 'domain', 'ip', 'sha256'] as const

const valueOf = (i: number, r: ReturnType<typeof createRandom>): string => {
  switch (TYPES[i % 4]) {
    case 'url':
      return `http://h${i.toString(36)}.example.com/${r.hex(8)}`
    case 'domain':
      return `d${i.toString(36)}.example.net`
    case 'ip':
      return `${10 + ((i >>> 16) & 0x7f)}.${(i >>> 8) & 0xff}.${i & 0xff}.${1 + (i % 254)}`
    default:
      return r.hex(64)
  }
}

/** Writes the indicators and their observations into the core's database in one transaction. */
const generate = async (): Promise<void> => {
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(DATA, { recursive: true })
  const core = await createCore({
    dataDir: DATA,
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })
  const feeds: string[] = []
  for (const [name, reliability] of [
    ['grade A', 'A'],
    ['grade B', 'B'],
    ['grade C', 'C'],
  ] as const) {
    const f = await core.call('feeds.create', {
      name,
      format: 'text',
      path: join(WORK, `${name}.txt`),
      reliability,
    })
    feeds.push(f.id)
  }
  const db = core.db.sqlite
  const insert = db.prepare(`INSERT INTO indicators (id, type, value, classification, confidence,
    severity, severity_rank, score, risk_level, tlp, first_seen, last_seen, description, tags,
    mitre_tactics, mitre_techniques, active, false_positive, source_count, sighting_count,
    created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'medium', 2, 50, 'medium', 'amber', ?, ?, '', '["bench"]', '[]', '[]', 1, 0,
      ?, ?, ?, ?)`)
  const observe = db.prepare(`INSERT INTO observations (indicator_id, indicator_rowid, feed_id,
    source_key, first_seen, last_seen, confidence, threat_type, malware, tags, sightings, last_outcome,
    created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 1, 3, ?, ?)`)
  const r = createRandom(23)
  const now = Date.parse('2026-01-01T00:00:00Z')
  db.exec('BEGIN')
  for (let i = 0; i < ROWS; i++) {
    const type = TYPES[i % 4]
    const value = valueOf(i, r)
    const id = indicatorId(type, value)
    const seen = new Date(now - r.int(200) * 86_400_000).toISOString()
    const sources = 1 + r.int(3)
    const rowid = Number(
      insert.run(
        id,
        type,
        value,
        r.pick(CLASSES),
        50 + r.int(50),
        seen,
        seen,
        sources,
        sources + r.int(4),
        seen,
        seen,
      ).lastInsertRowid,
    )
    for (let s = 0; s < sources; s++) {
      observe.run(
        id,
        rowid,
        feeds[s],
        feeds[s],
        seen,
        seen,
        40 + r.int(60),
        r.pick(THREATS),
        r.pick(MALWARE),
        seen,
        seen,
      )
    }
  }
  db.exec('COMMIT')
  await core.stop()
}

/** The job, timed from the call to its end. */
const rescoreWithJob = async (): Promise<{ ms: number; scored: number; expired: number }> => {
  const core = await createCore({
    dataDir: DATA,
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })
  forceGc()
  const t0 = performance.now()
  const job = await core.call('scoring.rescore', { filter: {} })
  const done = await core.jobs.settled(job.id)
  const ms = performance.now() - t0
  await core.stop()
  if (done.kind !== 'scoring.rescore' || done.result === null) {
    throw new Error(`rescore ${done.status}: ${done.error?.message ?? ''}`)
  }
  return { ms, scored: done.result.scored, expired: done.result.expired }
}

const COLUMNS = `base_score, score, risk_level, risk_decided_by, score_terms, decay_from, expires_at,
  expired, scored_at`

/**
 * The true limit: the same UPDATEs with the values the job computed, on the database as it was before the
 * job, one transaction per RESCORE_CHUNK rowids as the job commits. Reading the values is not timed.
 */
const trueLimit = (): number => {
  const source = new Database(MAIN, { readonly: true })
  const target = new Database(BEFORE)
  target.pragma('journal_mode = WAL')
  target.pragma('synchronous = NORMAL')
  const read = source.prepare<[number, number], unknown[]>(
    `SELECT rowid, ${COLUMNS} FROM indicators WHERE rowid >= ? AND rowid < ? ORDER BY rowid`,
  )
  read.raw(true)
  const update = target.prepare(`UPDATE indicators SET base_score = ?, score = ?, risk_level = ?,
    risk_decided_by = ?, score_terms = ?, decay_from = ?, expires_at = ?, expired = ?, scored_at = ?
    WHERE rowid = ?`)
  const max = (source.prepare('SELECT max(rowid) FROM indicators').pluck().get() as number) ?? 0
  let ms = 0
  for (let from = 1; from <= max; from += RESCORE_CHUNK) {
    const rows = read.all(from, from + RESCORE_CHUNK)
    const t0 = performance.now()
    target.exec('BEGIN')
    for (const r of rows) update.run(...r.slice(1), r[0])
    target.exec('COMMIT')
    ms += performance.now() - t0
  }
  source.close()
  target.close()
  return ms
}

const main = async () => {
  process.stdout.write(`generating ${ROWS.toLocaleString('en-US')} indicators with observations…\n`)
  await generate()
  copyFileSync(MAIN, BEFORE)
  const job = await rescoreWithJob()
  const limitMs = trueLimit()
  const jobRate = Math.round(job.scored / (job.ms / 1000))
  const limitRate = Math.round(job.scored / (limitMs / 1000))
  process.stdout.write(
    `${formatTable(
      ['run', 'rows', 'seconds', 'rows/s'],
      [
        ['scoring.rescore job', job.scored, round(job.ms / 1000, 1), jobRate],
        ['true limit (raw UPDATEs)', job.scored, round(limitMs / 1000, 1), limitRate],
      ],
    )}\n`,
  )
  process.stdout.write(
    `${JSON.stringify({
      rows: job.scored,
      expired: job.expired,
      job_rows_per_s: jobRate,
      true_limit_rows_per_s: limitRate,
      ratio_to_limit: round(jobRate / limitRate, 3),
      chunk: RESCORE_CHUNK,
    })}\n`,
  )
  rmSync(WORK, { recursive: true, force: true })
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
