import type { EnrichmentSettings, ProviderId } from '#shared/contract/enrichment.schemas'
import type { Tlp, IocType } from '#shared/domain/enums'
import type { Clock } from '#core/platform/clock'
import type { Database } from '#core/db/data-source'
import type { Logger } from '#core/platform/logger'
import type { EnrichmentSettingsStore } from '../enrichment-settings'
import type { EnrichmentRepository, QueuedRow, SettledWrite } from '../enrichment.repository'
import type { ProviderRegistry } from '../provider-registry'
import type { LookupSubject } from '../provider-types'
import type { BudgetVerdict, Budgets } from './budgets'
import type { BoundNetwork } from './engine-types'
import { gate } from './gate'
import type { ProviderHttpClient } from './http-client'
import {
  askNetwork,
  cacheBodyOf,
  expiryOf,
  failureOf,
  type LookupFailure,
  fromCache,
  lookupKeyOf,
  type NetworkAnswer,
} from './network-lookup'
import type { ResponseCache } from './response-cache'
import type { JobDelta } from './scan-jobs.repository'

export type WorkerOptions = {
  /** First retry after this; doubles per attempt. */
  retryBaseMs: number
  /** Attempts before a row fails (unavailable, timeouts). */
  maxAttempts: number
  /** Rows a provider takes per pass. */
  batch: number
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  retryBaseMs: 30_000,
  maxAttempts: 5,
  batch: 20,
}

const BACKOFF_MAX_MS = 6 * 3_600_000
/** A timer never sleeps longer than this: the clock may have been moved, the network may be back. */
const WAKE_MAX_MS = 60_000

export type SettledRow = { indicatorId: string; provider: ProviderId; scanJobId: string | null }

export type QueueWorker = {
  /** Looks for due rows now (after an enqueue, offline switched off, a test moving the clock). */
  kick(): void
  /** Resolves when no pass is running and none is pending. */
  waitForIdle(): Promise<void>
  /** Resolves at the next settled row or idle pass (the jobs wait on it instead of sleeping). */
  nextChange(): Promise<void>
  stop(): Promise<void>
}

/**
 * The network queue: enrichment_results rows with status queued, per provider, due by next_attempt_at.
 * Providers run side by side, each one's rows in order. Offline mode leaves every row queued. A spent
 * minute or a Retry-After defers the provider; failures back off exponentially up to maxAttempts; an
 * unreachable network (no DNS, no route) waits as if offline instead of spending attempts.
 */
export const createQueueWorker = (deps: {
  db: Database
  clock: Clock
  logger: Logger
  registry: ProviderRegistry
  settings: EnrichmentSettingsStore
  repo: EnrichmentRepository
  cache: ResponseCache
  budgets: Budgets
  client: ProviderHttpClient
  baseUrl: (p: BoundNetwork) => string
  rdapBase?: (s: LookupSubject) => string | null
  options: WorkerOptions
  /** After rows settle: job metrics, signal, rescoring, alerts, events. */
  onSettled: (rows: SettledRow[], deltas: Map<string, JobDelta>) => Promise<void>
}): QueueWorker => {
  const { db, clock, repo } = deps
  const paused = new Map<ProviderId, number>()
  const controller = new AbortController()
  let pass: Promise<void> | null = null
  let again = false
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let waiters: (() => void)[] = []
  const otherThreat = db.sqlite
    .prepare<[string, string, string], number>(
      `SELECT count(*) FROM enrichment_results WHERE indicator_id = ? AND scan_job_id = ? AND provider != ?
       AND status = 'done' AND level IN ('malicious', 'suspicious')`,
    )
    .pluck()
  const levelOf = db.sqlite
    .prepare<[string, string], string | null>(
      'SELECT level FROM enrichment_results WHERE indicator_id = ? AND provider = ?',
    )
    .pluck()

  const notify = () => {
    const w = waiters
    waiters = []
    for (const f of w) f()
  }
  const backoff = (attempts: number) =>
    Math.min(BACKOFF_MAX_MS, deps.options.retryBaseMs * 2 ** Math.max(0, attempts - 1))
  const iso = (ms: number) => new Date(ms).toISOString()

  const settle = async (
    row: QueuedRow,
    p: BoundNetwork,
    a: NetworkAnswer,
    cached: boolean,
    attempts: number,
  ) => {
    const now = clock.now()
    const settings = await deps.settings.read()
    return db.writes.run('enrichment.result', () =>
      db.sqlite.transaction(() => {
        const before = levelOf.get(row.indicator_id, row.provider)
        const expiresAt = expiryOf(settings, p, now)
        repo.write({
          indicatorId: row.indicator_id,
          provider: row.provider,
          reliability: p.reliability,
          scanJobId: row.scan_job_id,
          now: now.toISOString(),
          tlpOverride: row.tlp_override === 1,
          attempts,
          status: 'done',
          finding: a.answer.finding,
          keys: a.answer.keys,
          source: a.source,
          raw: a.raw,
          rawUrl: a.url,
          cached,
          fetchedAt: now.toISOString(),
          expiresAt,
        })
        if (!cached)
          deps.cache.put(row.provider, lookupKeyOf(p, subjectOf(row)), {
            status_code: a.statusCode,
            body: cacheBodyOf(p, a),
            body_truncated: false,
            url: a.url,
            fetched_at: now.toISOString(),
            expires_at: expiresAt,
          })
        repo.refreshSignal(row.indicator_id)
        const threat =
          a.answer.finding.level === 'malicious' || a.answer.finding.level === 'suspicious'
        const wasThreat = before === 'malicious' || before === 'suspicious'
        return (
          threat &&
          !wasThreat &&
          row.scan_job_id !== null &&
          (otherThreat.get(row.indicator_id, row.scan_job_id, row.provider) ?? 0) === 0
        )
      })(),
    )
  }

  const subjectOf = (row: QueuedRow): LookupSubject => ({
    indicatorId: row.indicator_id,
    type: row.type as IocType,
    value: row.value,
    tlp: row.tlp as Tlp,
  })

  /** One row, start to end; returns the job delta it caused (null when it only moved in the queue). */
  type RowBase = Omit<SettledWrite, 'status' | 'now'>

  /** Takes one request from the budgets; a spent minute defers the row, a spent day skips it. */
  const takeBudget = (
    row: QueuedRow,
    p: BoundNetwork,
    settings: EnrichmentSettings,
    base: RowBase,
  ): Promise<BudgetVerdict> =>
    db.writes.run('enrichment.budget', (): BudgetVerdict => {
      const now = clock.now()
      const v = deps.budgets.take(p.id, settings.providers[p.id].rateLimit, now)
      if (v.ok) {
        repo.setRunning(row.indicator_id, row.provider, now.toISOString())
        return v
      }
      if (v.window === 'minute') {
        paused.set(p.id, v.retryAt.getTime())
        repo.requeue(
          row.indicator_id,
          row.provider,
          row.attempts,
          v.retryAt.toISOString(),
          `${p.label}'s budget of ${settings.providers[p.id].rateLimit.perMinute} a minute is spent; waits until ${v.retryAt.toISOString()}`,
          now.toISOString(),
        )
      } else {
        repo.write({
          ...base,
          now: now.toISOString(),
          status: 'skipped',
          reason: 'budget',
          message: `${p.label}'s daily budget of ${settings.providers[p.id].rateLimit.perDay} requests is spent; a run after ${v.retryAt.toISOString()} asks again`,
        })
      }
      return v
    })

  /** After a failed request: wait (Retry-After, unreachable), retry with backoff, or fail the row. */
  const failed = async (
    row: QueuedRow,
    p: BoundNetwork,
    base: RowBase,
    f: LookupFailure,
    attempts: number,
  ): Promise<JobDelta | null> => {
    const now = clock.now()
    if (controller.signal.aborted) {
      // Stopped mid-request: not the service's fault; the next worker asks at once.
      await db.writes.run('enrichment.requeue', () =>
        repo.requeue(
          row.indicator_id,
          row.provider,
          row.attempts,
          now.toISOString(),
          null,
          now.toISOString(),
        ),
      )
      return null
    }
    if (f.kind === 'wait' || (f.kind === 'retry' && attempts < deps.options.maxAttempts)) {
      const counted = f.kind === 'retry' ? attempts : row.attempts
      const waitMs =
        f.kind === 'wait' && f.retryAfterMs !== undefined
          ? f.retryAfterMs
          : backoff(Math.max(1, counted))
      const at = now.getTime() + waitMs
      if (f.kind === 'wait' && f.retryAfterMs !== undefined) paused.set(p.id, at)
      await db.writes.run('enrichment.requeue', () =>
        repo.requeue(
          row.indicator_id,
          row.provider,
          counted,
          iso(at),
          `${f.message} (asks again at ${iso(at)})`,
          now.toISOString(),
        ),
      )
      return null
    }
    const message =
      f.kind === 'retry' ? `gave up after ${attempts} attempts: ${f.message}` : f.message
    await db.writes.run('enrichment.fail', () =>
      repo.write({ ...base, attempts, now: now.toISOString(), status: 'failed', message }),
    )
    return { errors: [`${p.label}, ${row.value.slice(0, 100)}: ${message}`] }
  }

  const runRow = async (row: QueuedRow, p: BoundNetwork): Promise<JobDelta | null> => {
    const settings = await deps.settings.read()
    if (settings.offline) return null
    const s = subjectOf(row)
    const key = p.needsKey ? await deps.settings.key(p.id) : null
    const base = {
      indicatorId: row.indicator_id,
      provider: row.provider,
      reliability: p.reliability,
      scanJobId: row.scan_job_id,
      tlpOverride: row.tlp_override === 1,
      attempts: row.attempts,
    }
    const refused = gate(p, s, settings, key !== null, row.tlp_override === 1)
    if (refused !== null) {
      await db.writes.run('enrichment.skip', () =>
        repo.write({ ...base, now: clock.now().toISOString(), status: 'skipped', ...refused }),
      )
      return {}
    }
    const hit = deps.cache.fresh(p.id, lookupKeyOf(p, s), clock.now().toISOString())
    if (hit !== undefined) {
      try {
        const threat = await settle(row, p, fromCache(p, s, hit), true, row.attempts)
        return { newThreats: threat ? 1 : 0 }
      } catch (e) {
        deps.logger.warn('enrichment cache entry unreadable; asking again', {
          provider: p.id,
          error: e,
        })
      }
    }
    const verdict = await takeBudget(row, p, settings, base)
    if (!verdict.ok) return verdict.window === 'day' ? {} : null
    const attempts = row.attempts + 1
    try {
      const answer = await askNetwork(p, s, {
        client: deps.client,
        key,
        baseUrl: deps.baseUrl(p),
        rdapBase: deps.rdapBase,
        signal: controller.signal,
      })
      const threat = await settle(row, p, answer, false, attempts)
      return { newThreats: threat ? 1 : 0 }
    } catch (e) {
      return failed(row, p, base, failureOf(e, key), attempts)
    }
  }

  const runProvider = async (
    p: BoundNetwork,
    settled: SettledRow[],
    deltas: Map<string, JobDelta>,
  ) => {
    for (;;) {
      if (stopped) return
      const nowMs = clock.now().getTime()
      if ((paused.get(p.id) ?? 0) > nowMs) return
      const rows = repo.due(p.id, iso(nowMs), deps.options.batch)
      if (rows.length === 0) return
      let moved = 0
      for (const row of rows) {
        if (stopped || (paused.get(p.id) ?? 0) > clock.now().getTime()) return
        const d = await runRow(row, p)
        if (d === null) continue
        moved++
        settled.push({
          indicatorId: row.indicator_id,
          provider: row.provider,
          scanJobId: row.scan_job_id,
        })
        if (row.scan_job_id !== null) {
          const acc = deltas.get(row.scan_job_id)
          if (acc === undefined) {
            deltas.set(row.scan_job_id, {
              newThreats: d.newThreats ?? 0,
              errors: [...(d.errors ?? [])],
            })
          } else {
            acc.newThreats = (acc.newThreats ?? 0) + (d.newThreats ?? 0)
            for (const e of d.errors ?? []) (acc.errors ??= []).push(e)
          }
        }
      }
      if (moved === 0) return
    }
  }

  const runPass = async () => {
    const settings = await deps.settings.read()
    if (settings.offline) return
    const settled: SettledRow[] = []
    const deltas = new Map<string, JobDelta>()
    const providers = deps.registry.all.flatMap((p) => (p.kind === 'local' ? [] : [p]))
    await Promise.all(providers.map((p) => runProvider(p, settled, deltas)))
    if (settled.length > 0) await deps.onSettled(settled, deltas)
  }

  const arm = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    if (stopped) return
    const next = repo.nextDue()
    if (next === null) return
    const nowMs = clock.now().getTime()
    const until = new Date(next).getTime()
    const delay = Math.min(WAKE_MAX_MS, Math.max(1_000, until - nowMs))
    timer = setTimeout(() => kick(), delay)
    timer.unref()
  }

  const kick = (): void => {
    if (stopped) return
    if (pass !== null) {
      again = true
      return
    }
    pass = (async () => {
      try {
        do {
          again = false
          await runPass()
          notify()
        } while (again && !stopped)
      } catch (e) {
        deps.logger.error('enrichment queue pass failed', { error: e })
      } finally {
        pass = null
        notify()
        arm()
      }
    })()
  }

  return {
    kick,
    waitForIdle: async () => {
      while (pass !== null) await pass
    },
    nextChange: () => new Promise<void>((resolve) => waiters.push(resolve)),
    stop: async () => {
      stopped = true
      controller.abort()
      if (timer !== null) clearTimeout(timer)
      while (pass !== null) await pass
      notify()
    },
  }
}
