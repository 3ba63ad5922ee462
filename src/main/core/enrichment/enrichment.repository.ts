import type BetterSqlite3 from 'better-sqlite3'
import { ENRICHMENT_RAW_MAX_BYTES } from '#shared/contract/enrichment.contract'
import type {
  EnrichmentFinding,
  EnrichmentResult,
  EnrichmentStatus,
  ProviderId,
  SkipReason,
} from '#shared/contract/enrichment.schemas'
import type { Reliability } from '#core/feeds/engine/engine-types'
import { signalOf } from './enrichment-signal'
import type { PivotKey } from './provider-types'

export type ResultRow = {
  indicator_id: string
  provider: ProviderId
  status: EnrichmentStatus
  level: EnrichmentFinding['level'] | null
  summary: string | null
  tags: string | null
  facts: string | null
  reliability: Reliability
  source: string | null
  skip_reason: SkipReason | null
  message: string | null
  raw_truncated: number
  has_raw: number
  cached: number
  tlp_override: number
  attempts: number
  scan_job_id: string | null
  requested_at: string
  fetched_at: string | null
  expires_at: string | null
  next_attempt_at: string | null
}

const RESULT_COLUMNS = `indicator_id, provider, status, level, summary, tags, facts, reliability, source,
  skip_reason, message, raw_truncated, (raw IS NOT NULL) AS has_raw, cached, tlp_override, attempts,
  scan_job_id, requested_at, fetched_at, expires_at, next_attempt_at`

export const findingOf = (
  r: Pick<ResultRow, 'level' | 'summary' | 'tags' | 'facts'>,
): EnrichmentFinding | null =>
  r.level === null
    ? null
    : {
        level: r.level,
        summary: r.summary ?? '',
        tags: r.tags === null ? [] : (JSON.parse(r.tags) as string[]),
        facts: r.facts === null ? [] : (JSON.parse(r.facts) as EnrichmentFinding['facts']),
      }

export const rowToResult = (r: ResultRow): EnrichmentResult => ({
  indicatorId: r.indicator_id,
  provider: r.provider,
  status: r.status,
  finding: findingOf(r),
  reliability: r.reliability,
  source: r.source,
  skipReason: r.skip_reason,
  message: r.message,
  hasRaw: r.has_raw === 1,
  cached: r.cached === 1,
  tlpOverride: r.tlp_override === 1,
  requestedAt: r.requested_at,
  fetchedAt: r.fetched_at,
  expiresAt: r.expires_at,
  attempts: r.attempts,
})

/** A raw response cut to ENRICHMENT_RAW_MAX_BYTES (on a byte boundary; the panel says it was cut). */
export const capRaw = (raw: string): { text: string; truncated: boolean } => {
  const bytes = Buffer.from(raw, 'utf8')
  if (bytes.length <= ENRICHMENT_RAW_MAX_BYTES) return { text: raw, truncated: false }
  return { text: bytes.subarray(0, ENRICHMENT_RAW_MAX_BYTES).toString('utf8'), truncated: true }
}

/** The worker's pick: a provider's queued rows that are due, oldest first (IDX_enrichment_results_queue). */
export const DUE_SQL = `SELECT r.indicator_id, r.provider, r.attempts, r.tlp_override, r.scan_job_id, i.type, i.value, i.tlp
     FROM enrichment_results r JOIN indicators i ON i.id = r.indicator_id
     WHERE r.status = 'queued' AND r.provider = ? AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)
     ORDER BY r.next_attempt_at, r.requested_at LIMIT ?`

/** A job's rows a worker could pick now (IDX_enrichment_results_job). */
export const JOB_OPEN_SQL = `SELECT count(*) FROM enrichment_results WHERE scan_job_id = ? AND (status = 'running' OR
       (status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)))`

/** One settled result to write: done (with a finding), skipped or failed. */
export type SettledWrite = {
  indicatorId: string
  provider: ProviderId
  reliability: Reliability
  scanJobId: string | null
  now: string
  tlpOverride: boolean
  attempts: number
} & (
  | {
      status: 'done'
      finding: EnrichmentFinding
      keys: PivotKey[]
      source: string
      raw: string | null
      rawUrl: string | null
      cached: boolean
      fetchedAt: string
      expiresAt: string | null
    }
  | { status: 'skipped'; reason: SkipReason; message: string }
  | { status: 'failed'; message: string }
)

export type QueuedRow = {
  indicator_id: string
  provider: ProviderId
  attempts: number
  tlp_override: number
  scan_job_id: string | null
  type: string
  value: string
  tlp: string
}

/** enrichment_results (result and queue), enrichment_keys and indicators.enrichment_signal, as prepared SQL. */
export const createEnrichmentRepository = (db: BetterSqlite3.Database) => {
  const upsertSettled =
    db.prepare(`INSERT INTO enrichment_results (indicator_id, provider, status, level,
      summary, tags, facts, reliability, source, skip_reason, message, raw, raw_truncated, raw_url, cached,
      tlp_override, attempts, scan_job_id, requested_at, fetched_at, expires_at, next_attempt_at, updated_at)
    VALUES (@indicator_id, @provider, @status, @level, @summary, @tags, @facts, @reliability, @source,
      @skip_reason, @message, @raw, @raw_truncated, @raw_url, @cached, @tlp_override, @attempts, @scan_job_id,
      @now, @fetched_at, @expires_at, NULL, @now)
    ON CONFLICT (indicator_id, provider) DO UPDATE SET status = excluded.status,
      level = coalesce(excluded.level, level), summary = coalesce(excluded.summary, summary),
      tags = coalesce(excluded.tags, tags), facts = coalesce(excluded.facts, facts),
      reliability = excluded.reliability, source = coalesce(excluded.source, source),
      skip_reason = excluded.skip_reason, message = excluded.message,
      raw = CASE WHEN excluded.status = 'done' THEN excluded.raw ELSE raw END,
      raw_truncated = CASE WHEN excluded.status = 'done' THEN excluded.raw_truncated ELSE raw_truncated END,
      raw_url = CASE WHEN excluded.status = 'done' THEN excluded.raw_url ELSE raw_url END,
      cached = excluded.cached, tlp_override = excluded.tlp_override, attempts = excluded.attempts,
      scan_job_id = coalesce(excluded.scan_job_id, scan_job_id),
      fetched_at = coalesce(excluded.fetched_at, fetched_at),
      expires_at = coalesce(excluded.expires_at, expires_at), next_attempt_at = NULL,
      updated_at = excluded.updated_at`)
  const upsertQueued = db.prepare(`INSERT INTO enrichment_results (indicator_id, provider, status,
      reliability, tlp_override, attempts, scan_job_id, requested_at, next_attempt_at, updated_at)
    VALUES (?, ?, 'queued', ?, ?, 0, ?, ?, ?, ?)
    ON CONFLICT (indicator_id, provider) DO UPDATE SET status = 'queued', skip_reason = NULL,
      message = NULL, reliability = excluded.reliability, tlp_override = excluded.tlp_override,
      attempts = 0, scan_job_id = excluded.scan_job_id, requested_at = excluded.requested_at,
      next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at`)
  const deleteKeys = db.prepare(
    'DELETE FROM enrichment_keys WHERE indicator_id = ? AND provider = ?',
  )
  const insertKey = db.prepare(
    'INSERT OR IGNORE INTO enrichment_keys (indicator_id, kind, value, provider) VALUES (?, ?, ?, ?)',
  )
  const doneOf = db.prepare<
    [string],
    Pick<ResultRow, 'provider' | 'level' | 'summary' | 'tags' | 'facts'>
  >(
    // `+status`: keeps SQLite on the primary key (one indicator's few rows); on the status index it walked
    // every done row of the table for each indicator, so a job slowed down as results accumulated.
    "SELECT provider, level, summary, tags, facts FROM enrichment_results WHERE indicator_id = ? AND +status = 'done' AND level IS NOT NULL",
  )
  const setSignal = db.prepare('UPDATE indicators SET enrichment_signal = ? WHERE id = ?')
  const byIndicator = db.prepare<[string], ResultRow>(
    `SELECT ${RESULT_COLUMNS} FROM enrichment_results WHERE indicator_id = ? ORDER BY provider`,
  )
  const one = db.prepare<[string, string], ResultRow>(
    `SELECT ${RESULT_COLUMNS} FROM enrichment_results WHERE indicator_id = ? AND provider = ?`,
  )
  const rawOf = db.prepare<
    [string, string],
    {
      provider: ProviderId
      raw: string | null
      raw_truncated: number
      raw_url: string | null
      fetched_at: string | null
    }
  >(
    'SELECT provider, raw, raw_truncated, raw_url, fetched_at FROM enrichment_results WHERE indicator_id = ? AND provider = ?',
  )
  const due = db.prepare<[string, string, number], QueuedRow>(DUE_SQL)
  const nextDue = db
    .prepare<[], string | null>(
      "SELECT min(coalesce(next_attempt_at, requested_at)) FROM enrichment_results WHERE status = 'queued'",
    )
    .pluck()
  const setRunning = db.prepare(
    "UPDATE enrichment_results SET status = 'running', updated_at = ? WHERE indicator_id = ? AND provider = ? AND status = 'queued'",
  )
  const requeue = db.prepare(
    `UPDATE enrichment_results SET status = 'queued', attempts = ?, next_attempt_at = ?, message = ?,
       updated_at = ? WHERE indicator_id = ? AND provider = ?`,
  )
  const resetRunning = db.prepare(
    "UPDATE enrichment_results SET status = 'queued', updated_at = ? WHERE status = 'running'",
  )
  const jobOpen = db.prepare<[string, string], number>(JOB_OPEN_SQL).pluck()
  const jobSettled = db.prepare<[string], { indicator_id: string; provider: ProviderId }>(
    "SELECT indicator_id, provider FROM enrichment_results WHERE scan_job_id = ? AND status IN ('done', 'skipped', 'failed')",
  )

  const write = (w: SettledWrite): void => {
    const done = w.status === 'done'
    const raw = done && w.raw !== null ? capRaw(w.raw) : null
    upsertSettled.run({
      indicator_id: w.indicatorId,
      provider: w.provider,
      status: w.status,
      level: done ? w.finding.level : null,
      summary: done ? w.finding.summary.slice(0, 500) : null,
      tags: done ? JSON.stringify(w.finding.tags) : null,
      facts: done ? JSON.stringify(w.finding.facts) : null,
      reliability: w.reliability,
      source: done ? w.source : null,
      skip_reason: w.status === 'skipped' ? w.reason : null,
      message: w.status === 'done' ? null : w.message.slice(0, 1000),
      raw: raw?.text ?? null,
      raw_truncated: raw?.truncated === true ? 1 : 0,
      raw_url: done ? w.rawUrl : null,
      cached: done && w.cached ? 1 : 0,
      tlp_override: w.tlpOverride ? 1 : 0,
      attempts: w.attempts,
      scan_job_id: w.scanJobId,
      now: w.now,
      fetched_at: done ? w.fetchedAt : null,
      expires_at: done ? w.expiresAt : null,
    })
    if (done) {
      deleteKeys.run(w.indicatorId, w.provider)
      for (const k of w.keys)
        insertKey.run(w.indicatorId, k.kind, k.value.slice(0, 300), w.provider)
    }
  }

  return {
    write,
    queue: (
      indicatorId: string,
      provider: ProviderId,
      reliability: Reliability,
      tlpOverride: boolean,
      scanJobId: string | null,
      now: string,
    ) =>
      upsertQueued.run(
        indicatorId,
        provider,
        reliability,
        tlpOverride ? 1 : 0,
        scanJobId,
        now,
        now,
        now,
      ),
    /** Rewrites indicators.enrichment_signal from the indicator's done results. */
    refreshSignal: (indicatorId: string): void => {
      const results = doneOf.all(indicatorId).flatMap((r) => {
        const finding = findingOf(r)
        return finding === null ? [] : [{ provider: r.provider, finding }]
      })
      const signal = signalOf(results)
      setSignal.run(signal === null ? null : JSON.stringify(signal), indicatorId)
    },
    results: (indicatorId: string) => byIndicator.all(indicatorId).map(rowToResult),
    one: (indicatorId: string, provider: ProviderId) => one.get(indicatorId, provider),
    raw: (indicatorId: string, provider: ProviderId) => rawOf.get(indicatorId, provider),
    due: (provider: ProviderId, now: string, limit: number) => due.all(provider, now, limit),
    nextDue: (): string | null => nextDue.get() ?? null,
    setRunning: (indicatorId: string, provider: ProviderId, now: string): boolean =>
      setRunning.run(now, indicatorId, provider).changes === 1,
    requeue: (
      indicatorId: string,
      provider: ProviderId,
      attempts: number,
      nextAttemptAt: string,
      message: string | null,
      now: string,
    ) => requeue.run(attempts, nextAttemptAt, message, now, indicatorId, provider),
    /** A process that stopped mid-request left rows running: they are asked again. */
    resetRunning: (now: string): number => resetRunning.run(now).changes,
    /** Rows of the job a worker could pick now (queued and due, or running). */
    jobOpen: (scanJobId: string, now: string): number => jobOpen.get(scanJobId, now) ?? 0,
    /** (indicator, provider) pairs the job has settled already: a resumed job does not ask them again. */
    jobSettled: (scanJobId: string): Set<string> =>
      new Set(jobSettled.all(scanJobId).map((r) => `${r.indicator_id}|${r.provider}`)),
  }
}
export type EnrichmentRepository = ReturnType<typeof createEnrichmentRepository>
