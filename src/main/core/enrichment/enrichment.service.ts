import { randomUUID } from 'node:crypto'
import type { Out, ParsedIn } from '#shared/contract'
import { AppError } from '#shared/contract/errors'
import type { ProviderId, ProviderInfo, ScanJob } from '#shared/contract/enrichment.schemas'
import type { Job } from '#shared/contract/jobs.contract'
import { CORE_CALLER, type ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import type { JobRegistry } from '../jobs/job-registry'
import { startAutoEnrichment } from './engine/auto-enrich'
import { createBudgets } from './engine/budgets'
import type { BoundNetwork, BoundProvider } from './engine/engine-types'
import { createProviderHttpClient, type ProviderHttpClient } from './engine/http-client'
import { createQueueReads } from './engine/queue-reads'
import { createQueueWorker, DEFAULT_WORKER_OPTIONS, type SettledRow } from './engine/queue-worker'
import { createResponseCache } from './engine/response-cache'
import { createScanJobRunner, type StoredScanInput } from './engine/scan-job-runner'
import { targetText } from './engine/scan-target'
import {
  createScanJobsRepository,
  rowToScanJob,
  type JobDelta,
} from './engine/scan-jobs.repository'
import { createEnrichmentSettings } from './enrichment-settings'
import { createEnrichmentRepository } from './enrichment.repository'
import { createProviderRegistry } from './provider-registry'
import type { LookupSubject } from './provider-types'

export type EnrichmentOptions = {
  /** Base URLs per provider instead of the documented ones (tests point them at 127.0.0.1). */
  endpoints?: Partial<Record<ProviderId, string>>
  /** Where enrichment.refreshBootstrap fetches IANA's RDAP files (default https://data.iana.org/rdap/). */
  rdapBootstrapUrl?: string
  retryBaseMs?: number
  maxAttempts?: number
}

/** What the RDAP bootstrap module offers the engine (the net lane's refresh, with the engine's client). */
export type RdapBootstrap = {
  rdapBase: (s: LookupSubject) => string | null
  refresh: (
    getText: ProviderHttpClient['getText'],
    baseUrl: string,
  ) => Promise<Out<'enrichment.refreshBootstrap'>>
}

type Deps = Pick<CoreContext, 'db' | 'clock' | 'events' | 'logger' | 'changes' | 'secrets'> & {
  jobs: JobRegistry
  providers: readonly BoundProvider[]
  options: EnrichmentOptions
  version: string
  allowedHosts: () => Promise<readonly string[]>
  /** Rescores the indicators after their enrichment_signal was written. */
  rescore: (ids: string[]) => Promise<void>
  /** Evaluates alert rules on them; resolves with the alerts raised. */
  evaluateAlerts: (ids: string[], scanJobId: string | null) => Promise<number>
  rdap?: RdapBootstrap
}

const DEFAULT_RDAP_BOOTSTRAP = 'https://data.iana.org/rdap/'
const UPDATE_FLUSH_MS = 250
const UPDATE_IDS_MAX = 1000

/** Enrichment: providers, settings and keys, results, scan jobs and the network queue (issue 12). */
export const createEnrichmentService = (deps: Deps) => {
  const { db, clock, events } = deps
  const registry = createProviderRegistry(deps.providers)
  const settings = createEnrichmentSettings(deps, registry)
  const repo = createEnrichmentRepository(db.sqlite)
  const scanJobs = createScanJobsRepository(db.sqlite)
  const cache = createResponseCache(db.sqlite)
  const budgets = createBudgets(db.sqlite)
  const queueReads = createQueueReads(db.sqlite)
  const client = createProviderHttpClient({
    logger: deps.logger,
    clock,
    version: deps.version,
    allowedHosts: deps.allowedHosts,
  })
  const baseUrl = (p: BoundNetwork): string =>
    deps.options.endpoints?.[p.id] ?? (p.kind === 'http' ? p.http.baseUrl : p.source())
  const rdapEndpoint = deps.options.endpoints?.rdap
  let stopping = false
  // Until start(), only a job drives the queue (one-shot CLI commands never start the core).
  let started = false
  const registryJobs = new Map<string, string>()

  // onDidUpdate, batched: at most one event per UPDATE_FLUSH_MS (or per UPDATE_IDS_MAX ids).
  const pendingIds = new Set<string>()
  const pendingProviders = new Set<ProviderId>()
  let flushTimer: NodeJS.Timeout | null = null
  const flush = () => {
    if (flushTimer !== null) clearTimeout(flushTimer)
    flushTimer = null
    if (pendingIds.size === 0) return
    const ids = [...pendingIds]
    for (let i = 0; i < ids.length; i += UPDATE_IDS_MAX)
      events.emit('enrichment.onDidUpdate', {
        indicatorIds: ids.slice(i, i + UPDATE_IDS_MAX),
        providers: [...pendingProviders],
      })
    pendingIds.clear()
    pendingProviders.clear()
  }
  const announce = (ids: readonly string[], providers: readonly ProviderId[]) => {
    for (const id of ids) pendingIds.add(id)
    for (const p of providers) pendingProviders.add(p)
    if (pendingIds.size >= UPDATE_IDS_MAX) flush()
    else if (flushTimer === null) {
      flushTimer = setTimeout(flush, UPDATE_FLUSH_MS)
      flushTimer.unref()
    }
  }

  const afterWrite = async (
    ids: string[],
    providers: ProviderId[],
    scanJobId: string | null,
  ): Promise<number> => {
    await deps.rescore(ids)
    // Before announcing the ids: the alerts' change hook then finds these alerts raised and adds none.
    const raised = await deps.evaluateAlerts(ids, scanJobId)
    for (let i = 0; i < ids.length; i += UPDATE_IDS_MAX)
      events.emit('indicators.onDidChange', {
        kind: 'updated',
        ids: ids.slice(i, i + UPDATE_IDS_MAX),
      })
    announce(ids, providers)
    return raised
  }

  const worker = createQueueWorker({
    db,
    clock,
    logger: deps.logger,
    registry,
    settings,
    repo,
    cache,
    budgets,
    client,
    baseUrl,
    // A test's RDAP endpoint answers for every value; otherwise IANA's bootstrap picks the registry.
    rdapBase: rdapEndpoint !== undefined ? () => rdapEndpoint : deps.rdap?.rdapBase,
    options: {
      ...DEFAULT_WORKER_OPTIONS,
      ...(deps.options.retryBaseMs !== undefined ? { retryBaseMs: deps.options.retryBaseMs } : {}),
      ...(deps.options.maxAttempts !== undefined ? { maxAttempts: deps.options.maxAttempts } : {}),
    },
    onSettled: async (rows: SettledRow[], deltas: Map<string, JobDelta>) => {
      const byJob = new Map<string | null, SettledRow[]>()
      for (const r of rows) {
        const list = byJob.get(r.scanJobId)
        if (list === undefined) byJob.set(r.scanJobId, [r])
        else list.push(r)
      }
      for (const [jobId, list] of byJob) {
        const ids = [...new Set(list.map((r) => r.indicatorId))]
        const alerts = await afterWrite(ids, [...new Set(list.map((r) => r.provider))], jobId)
        if (jobId === null) continue
        const d = deltas.get(jobId) ?? {}
        await db.writes.run('enrichment.jobMetrics', () => scanJobs.bump(jobId, { ...d, alerts }))
        runner.emitJob(jobId)
      }
    },
  })

  const runner = createScanJobRunner({
    ctx: deps,
    registry,
    settings,
    repo,
    jobs: scanJobs,
    cache,
    worker,
    afterWrite,
    stopping: () => stopping,
  })

  const startJob = (id: string, actor: string): Job => {
    const job = deps.jobs.start('enrichment.run', actor, runner.work(id))
    registryJobs.set(id, job.id)
    return job
  }

  const createJob = async (
    type: ScanJob['type'],
    input: StoredScanInput,
    providers: ProviderId[],
  ): Promise<string> => {
    const id = randomUUID()
    await db.writes.run('enrichment.createJob', () =>
      scanJobs.insert({
        id,
        type,
        target: targetText(input.target),
        input: JSON.stringify(input),
        providers,
        actor: input.by.actor,
        created_at: clock.now().toISOString(),
      }),
    )
    runner.emitJob(id)
    return id
  }

  const mustJob = (id: string) => {
    const row = scanJobs.get(id)
    if (row === undefined) throw new AppError('not_found', `id: no scan job ${id}`, { id })
    return row
  }
  const indicatorExists = db.sqlite.prepare('SELECT 1 FROM indicators WHERE id = ?')
  const knownIndicators = db.sqlite
    .prepare<[string], number>(
      'SELECT count(*) FROM indicators WHERE id IN (SELECT value FROM json_each(?))',
    )
    .pluck()
  const mustIndicator = (id: string, field = 'indicatorId') => {
    const found = indicatorExists.get(id)
    if (found === undefined)
      throw new AppError('not_found', `${field}: no indicator ${id}`, { field })
  }

  const info = async (p: BoundProvider): Promise<ProviderInfo> => {
    const s = await settings.read()
    return {
      id: p.id,
      label: p.label,
      network: p.network,
      accepts: [...p.accepts],
      needsKey: p.needsKey,
      hasKey: p.needsKey ? await settings.hasKey(p.id) : false,
      defaults: p.defaults,
      settings: s.providers[p.id],
      reliability: p.reliability,
      used: budgets.used(p.id, clock.now()),
      source: p.kind === 'local' ? p.source() : baseUrl(p),
      docsUrl: p.docsUrl,
    }
  }

  const auto = startAutoEnrichment({
    ctx: deps,
    settings,
    run: async (ids) => {
      const by: ChangeCaller = { ...CORE_CALLER, method: 'enrichment.auto' }
      const input: StoredScanInput = {
        target: { kind: 'indicators', ids },
        providers: null,
        force: false,
        tlpOverride: null,
        by,
      }
      const s = await settings.read()
      const id = await createJob(
        'auto-enrichment',
        input,
        registry.all.filter((p) => s.providers[p.id].enabled).map((p) => p.id),
      )
      await deps.jobs.settled(startJob(id, by.actor).id)
    },
  })

  return {
    registry,
    settings,
    /** Looks at the queue now (tests move the clock, then kick). */
    kick: () => worker.kick(),
    providers: async (): Promise<Out<'enrichment.providers'>> => ({
      offline: (await settings.read()).offline,
      items: await Promise.all(registry.all.map(info)),
    }),
    getSettings: () => settings.read(),
    updateSettings: async (
      patch: ParsedIn<'enrichment.updateSettings'>['patch'],
      by: ChangeCaller,
    ) => {
      const next = await settings.update(patch, by)
      if (started && !next.offline) worker.kick()
      return next
    },
    setKey: async (provider: ProviderId, key: string | null, by: ChangeCaller) => {
      const p = registry.require(provider)
      if (!p.needsKey)
        throw new AppError('invalid_input', `provider: ${p.label} takes no API key`, {
          field: 'provider',
        })
      await settings.setKey(provider, key, by)
      if (started && key !== null) worker.kick()
      return info(p)
    },
    results: (indicatorId: string) => {
      mustIndicator(indicatorId)
      return { items: repo.results(indicatorId) }
    },
    raw: (indicatorId: string, provider: ProviderId): Out<'enrichment.raw'> => {
      mustIndicator(indicatorId)
      const r = repo.raw(indicatorId, provider)
      if (r === undefined || r.raw === null || r.fetched_at === null)
        throw new AppError(
          'not_found',
          `provider: no raw ${provider} response is stored for indicator ${indicatorId}`,
          {
            field: 'provider',
          },
        )
      return {
        provider: r.provider,
        raw: r.raw,
        truncated: r.raw_truncated === 1,
        url: r.raw_url,
        fetchedAt: r.fetched_at,
      }
    },
    run: async (
      input: ParsedIn<'enrichment.run'>,
      by: ChangeCaller,
    ): Promise<Out<'enrichment.run'>> => {
      if (input.target.kind === 'indicators') {
        const ids = input.target.ids
        const known = knownIndicators.get(JSON.stringify(ids))
        if (known !== new Set(ids).size)
          throw new AppError('not_found', 'target.ids: some of these indicators do not exist', {
            field: 'target.ids',
          })
      }
      for (const [i, id] of (input.providers ?? []).entries())
        registry.require(id, `providers.${i}`)
      const s = await settings.read()
      const providers =
        input.providers ?? registry.all.filter((p) => s.providers[p.id].enabled).map((p) => p.id)
      const stored: StoredScanInput = {
        target: input.target,
        providers: input.providers ?? null,
        force: input.force,
        tlpOverride: input.tlpOverride ? { reason: input.tlpOverride.reason } : null,
        by,
      }
      const id = await createJob('enrichment', stored, providers)
      const job = startJob(id, by.actor)
      if (!input.wait) return { scanJob: rowToScanJob(mustJob(id)), job }
      const done = await deps.jobs.settled(job.id)
      const { result: _result, resultExpired: _expired, ...plain } = done
      return { scanJob: rowToScanJob(mustJob(id)), job: plain }
    },
    queue: async (q: ParsedIn<'enrichment.queue'>): Promise<Out<'enrichment.queue'>> => ({
      offline: (await settings.read()).offline,
      ...queueReads(q),
    }),
    scanJobs: (q: ParsedIn<'enrichment.scanJobs'>) => ({
      items: scanJobs.list(q.status, q.limit).map(rowToScanJob),
    }),
    scanJob: (id: string) => rowToScanJob(mustJob(id)),
    cancelScanJob: async (id: string): Promise<ScanJob> => {
      const row = mustJob(id)
      if (row.status !== 'queued' && row.status !== 'running')
        throw new AppError('conflict', `id: scan job ${id} has finished (it ${row.status})`, {
          id,
          status: row.status,
        })
      const jobId = registryJobs.get(id)
      if (jobId !== undefined) {
        deps.jobs.cancel(jobId)
        await deps.jobs.settled(jobId)
      } else
        await db.writes.run('enrichment.jobCancel', () =>
          scanJobs.finish(id, 'cancelled', clock.now()),
        )
      runner.emitJob(id)
      return rowToScanJob(mustJob(id))
    },
    refreshBootstrap: async (): Promise<Out<'enrichment.refreshBootstrap'>> => {
      if (deps.rdap === undefined)
        throw new AppError(
          'unsupported',
          'this build has no RDAP provider, so there is no bootstrap to refresh',
        )
      return deps.rdap.refresh(
        client.getText,
        deps.options.rdapBootstrapUrl ?? DEFAULT_RDAP_BOOTSTRAP,
      )
    },
    /** Requests a stopped process left running are asked again; its open jobs resume (or fail, saying why). */
    start: async () => {
      await db.writes.run('enrichment.recover', () => repo.resetRunning(clock.now().toISOString()))
      started = true
      for (const row of scanJobs.open()) startJob(row.id, row.actor)
      worker.kick()
    },
    waitForIdle: async () => {
      await auto.idle()
      await worker.waitForIdle()
      flush()
    },
    stop: async () => {
      stopping = true
      auto.stop()
      await worker.stop()
      flush()
    },
  }
}
export type EnrichmentService = ReturnType<typeof createEnrichmentService>
