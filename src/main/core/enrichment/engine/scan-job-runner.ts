import { z } from 'zod'
import { AppError, isAppError } from '#shared/contract/errors'
import {
  EnrichmentTargetSchema,
  ProviderIdSchema,
  type EnrichmentSettings,
  type ProviderId,
  type ScanJob,
} from '#shared/contract/enrichment.schemas'
import type { ChangeCaller } from '#core/audit/change-caller'
import type { CoreContext } from '#core/core-context'
import type { JobControl } from '#core/jobs/job-registry'
import type { EnrichmentSettingsStore } from '../enrichment-settings'
import type { EnrichmentRepository, SettledWrite } from '../enrichment.repository'
import type { ProviderRegistry } from '../provider-registry'
import type { LookupSubject } from '../provider-types'
import type { BoundNetwork, BoundProvider } from './engine-types'
import { gate } from './gate'
import { fromCache, lookupKeyOf } from './network-lookup'
import type { QueueWorker } from './queue-worker'
import type { ResponseCache } from './response-cache'
import { createTargetReader, type TargetIndicator } from './scan-target'
import { rowToScanJob, type ScanJobsRepository } from './scan-jobs.repository'

/** Indicators per write transaction of a job (local answers, queued rows, the signal). */
export const SCAN_BATCH = 500
/** Indicators a TLP-override entry of the change log names (the count says how many in all). */
const LOGGED_IDS_MAX = 100

/** What a job keeps to be resumed by the next process. */
export const StoredScanInputSchema = z.object({
  target: EnrichmentTargetSchema,
  providers: z.array(ProviderIdSchema).nullable(),
  force: z.boolean(),
  tlpOverride: z.object({ reason: z.string() }).nullable(),
  by: z.object({ transport: z.string(), actor: z.string(), method: z.string() }),
})
export type StoredScanInput = z.infer<typeof StoredScanInputSchema>

const parseJson = (text: string | null): unknown => {
  try {
    return text === null ? null : JSON.parse(text)
  } catch {
    return null
  }
}

export type AfterWrite = (
  indicatorIds: string[],
  providers: ProviderId[],
  scanJobId: string | null,
) => Promise<number>

/** Runs one persisted scan job: local providers inline per batch, network ones into the queue. */
export const createScanJobRunner = (deps: {
  ctx: Pick<CoreContext, 'db' | 'clock' | 'changes' | 'events' | 'logger'>
  registry: ProviderRegistry
  settings: EnrichmentSettingsStore
  repo: EnrichmentRepository
  jobs: ScanJobsRepository
  cache: ResponseCache
  worker: QueueWorker
  afterWrite: AfterWrite
  /** Shutting down: an aborted job stays running in scan_jobs so the next start resumes it. */
  stopping: () => boolean
}) => {
  const { ctx, repo } = deps
  const { db, clock } = ctx
  const emitJob = (id: string) => {
    const row = deps.jobs.get(id)
    if (row !== undefined)
      ctx.events.emit('enrichment.onDidScanJob', { scanJob: rowToScanJob(row) })
  }

  const chosen = (input: StoredScanInput, settings: EnrichmentSettings): BoundProvider[] =>
    input.providers === null
      ? deps.registry.all.filter((p) => settings.providers[p.id].enabled)
      : input.providers.flatMap((id) => {
          const p = deps.registry.get(id)
          return p === undefined ? [] : [p]
        })

  /** A fresh cached answer written as the result (true), or nothing written (false: ask the service). */
  const answerFromCache = (
    p: BoundNetwork,
    s: LookupSubject,
    base: Omit<SettledWrite, 'status'>,
    force: boolean,
  ): boolean => {
    const key = lookupKeyOf(p, s)
    if (force) {
      deps.cache.drop(p.id, key)
      return false
    }
    const hit = deps.cache.fresh(p.id, key, base.now)
    if (hit === undefined) return false
    try {
      const a = fromCache(p, s, hit)
      repo.write({
        ...base,
        status: 'done',
        finding: a.answer.finding,
        keys: a.answer.keys,
        source: a.source,
        raw: a.raw,
        rawUrl: a.url,
        cached: true,
        fetchedAt: hit.fetched_at,
        expiresAt: hit.expires_at,
      })
      return true
    } catch (e) {
      ctx.logger.warn('enrichment cache entry unreadable; asking again', {
        provider: p.id,
        error: e,
      })
      return false
    }
  }

  /** The change log's entry for a confirmed TLP override: who, which indicators, which providers, why. */
  const recordOverride = (
    input: StoredScanInput,
    id: string,
    overridden: { ids: Set<string>; providers: Set<ProviderId> },
  ) => {
    if (overridden.ids.size === 0 || input.tlpOverride === null) return
    const ids = [...overridden.ids]
    ctx.changes.record(input.by as ChangeCaller, {
      entity: 'indicator',
      entityId: ids.length === 1 ? ids[0] : null,
      operation: 'update',
      changes: {
        enrichmentTlpOverride: {
          indicators: ids.slice(0, LOGGED_IDS_MAX),
          count: ids.length,
          providers: [...overridden.providers],
          reason: input.tlpOverride.reason,
          scanJob: id,
        },
      },
    })
  }

  /** Plans and writes one batch; returns the ids whose results changed. */
  const runBatch = async (
    id: string,
    input: StoredScanInput,
    page: TargetIndicator[],
    settledPairs: Set<string>,
  ): Promise<{ changed: string[]; providers: ProviderId[]; queued: number }> => {
    const settings = await deps.settings.read()
    const providers = chosen(input, settings)
    const keys = new Map<ProviderId, boolean>()
    for (const p of providers) keys.set(p.id, p.needsKey ? await deps.settings.hasKey(p.id) : true)
    const override = input.tlpOverride !== null
    return db.writes.run('enrichment.batch', () =>
      db.sqlite.transaction(() => {
        const now = clock.now()
        const at = now.toISOString()
        const changed = new Set<string>()
        const used = new Set<ProviderId>()
        const overridden: { ids: Set<string>; providers: Set<ProviderId> } = {
          ids: new Set(),
          providers: new Set(),
        }
        let queued = 0
        for (const ind of page) {
          const s: LookupSubject = {
            indicatorId: ind.id,
            type: ind.type,
            value: ind.value,
            tlp: ind.tlp,
          }
          for (const p of providers) {
            if (settledPairs.has(`${ind.id}|${p.id}`)) continue
            // The default set asks only providers that take the type; a named one says why it did not.
            if (input.providers === null && !p.accepts.includes(ind.type)) continue
            const base = {
              indicatorId: ind.id,
              provider: p.id,
              reliability: p.reliability,
              scanJobId: id,
              now: at,
              attempts: 0,
            }
            // The gate once with the TLP check; only a TLP refusal the analyst overrode asks it again.
            const strict = gate(p, s, settings, keys.get(p.id) ?? false, false)
            const overrides = override && p.network && strict?.reason === 'tlp'
            const refused = overrides ? gate(p, s, settings, keys.get(p.id) ?? false, true) : strict
            if (refused !== null) {
              repo.write({ ...base, tlpOverride: false, status: 'skipped', ...refused })
            } else if (p.kind === 'local') {
              repo.write(localWrite(p, s, base, at))
            } else {
              if (overrides) {
                overridden.ids.add(ind.id)
                overridden.providers.add(p.id)
              }
              if (!answerFromCache(p, s, { ...base, tlpOverride: overrides }, input.force)) {
                repo.queue(ind.id, p.id, p.reliability, overrides, id, at)
                queued++
              }
            }
            changed.add(ind.id)
            used.add(p.id)
          }
        }
        for (const i of changed) repo.refreshSignal(i)
        recordOverride(input, id, overridden)
        deps.jobs.bump(id, { processed: page.length })
        return { changed: [...changed], providers: [...used], queued }
      })(),
    )
  }

  const localWrite = (
    p: Extract<BoundProvider, { kind: 'local' }>,
    s: LookupSubject,
    base: Omit<SettledWrite, 'status' | 'tlpOverride'> & { attempts: number },
    at: string,
  ): SettledWrite => {
    try {
      const out = p.lookup(s)
      if (out === null)
        return {
          ...base,
          tlpOverride: false,
          status: 'skipped',
          reason: 'not-applicable',
          message: `${p.label} has no data for this value`,
        }
      return {
        ...base,
        tlpOverride: false,
        status: 'done',
        finding: out.answer.finding,
        keys: out.answer.keys,
        source: p.source(),
        raw: JSON.stringify(out.raw),
        rawUrl: null,
        cached: false,
        fetchedAt: at,
        expiresAt: null,
      }
    } catch (e) {
      ctx.logger.warn('local enrichment failed', { provider: p.id, error: e })
      return {
        ...base,
        tlpOverride: false,
        status: 'failed',
        message: `${p.label} failed: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`,
      }
    }
  }

  const waitForQueue = async (id: string, signal: AbortSignal) => {
    deps.worker.kick()
    while (!signal.aborted && repo.jobOpen(id, clock.now().toISOString()) > 0) {
      if ((await deps.settings.read()).offline) return
      // The pass's abort listener is removed after it: a long job passes thousands of times.
      let onAbort = () => {}
      await Promise.race([
        deps.worker.nextChange(),
        new Promise<void>((resolve) => {
          onAbort = () => resolve()
          signal.addEventListener('abort', onAbort, { once: true })
        }),
      ])
      signal.removeEventListener('abort', onAbort)
    }
  }

  const cancelQueued = db.sqlite.prepare(
    `UPDATE enrichment_results SET status = 'failed', message = 'the scan job was cancelled before this was asked', updated_at = ?
     WHERE scan_job_id = ? AND status = 'queued'`,
  )

  /** The job's work for the registry (kind enrichment.run): resumable from what it already settled. */
  const work =
    (id: string) =>
    async (control: JobControl): Promise<ScanJob> => {
      const row = deps.jobs.get(id)
      if (row === undefined) throw new AppError('not_found', `id: no scan job ${id}`, { id })
      try {
        const parsed = StoredScanInputSchema.safeParse(parseJson(row.input))
        if (!parsed.success)
          throw new AppError(
            'invalid_input',
            `scan job ${id}: its stored input cannot be read; run it again`,
            { id },
          )
        const input = parsed.data
        await db.writes.run('enrichment.jobStart', () =>
          deps.jobs.start(id, clock.now().toISOString()),
        )
        const reader = createTargetReader(db.sqlite, input.target)
        const total = reader.count()
        await db.writes.run('enrichment.jobTotal', () => deps.jobs.setTotal(id, total))
        emitJob(id)
        const settledPairs = repo.jobSettled(id)
        let after = 0
        let done = 0
        control.progress(0, total)
        for (;;) {
          control.signal.throwIfAborted()
          const page = reader.page(after, SCAN_BATCH)
          if (page.length === 0) break
          after = page[page.length - 1].rowid
          const r = await runBatch(id, input, page, settledPairs)
          if (r.changed.length > 0) {
            const alerts = await deps.afterWrite(r.changed, r.providers, id)
            if (alerts > 0)
              await db.writes.run('enrichment.jobAlerts', () => deps.jobs.bump(id, { alerts }))
          }
          done += page.length
          control.progress(done, total)
          emitJob(id)
          if (r.queued > 0) deps.worker.kick()
        }
        await waitForQueue(id, control.signal)
        control.signal.throwIfAborted()
        if (deps.stopping()) throw new AppError('cancelled', 'ThreatEye is shutting down')
        await db.writes.run('enrichment.jobFinish', () =>
          deps.jobs.finish(id, 'succeeded', clock.now()),
        )
      } catch (e) {
        const aborted = control.signal.aborted
        // Shutting down: left running, so the next start resumes it.
        if (deps.stopping()) throw e
        const message = isAppError(e)
          ? e.message
          : aborted
            ? undefined
            : 'the job failed (see the log)'
        if (!aborted && !isAppError(e)) ctx.logger.error('enrichment job failed', { id, error: e })
        await db.writes.run('enrichment.jobEnd', () =>
          db.sqlite.transaction(() => {
            if (aborted) cancelQueued.run(clock.now().toISOString(), id)
            deps.jobs.finish(id, aborted ? 'cancelled' : 'failed', clock.now(), message)
          })(),
        )
        emitJob(id)
        throw e
      }
      emitJob(id)
      const finished = deps.jobs.get(id)
      if (finished === undefined) throw new AppError('not_found', `id: no scan job ${id}`, { id })
      return rowToScanJob(finished)
    }

  return { work, emitJob }
}
export type ScanJobRunner = ReturnType<typeof createScanJobRunner>
