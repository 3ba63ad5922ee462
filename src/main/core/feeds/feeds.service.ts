import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import { AppError } from '#shared/contract/errors'
import type {
  CatalogueEntry,
  DetectFormatResult,
  Feed,
  FeedAuthInput,
  FeedCreate,
  FeedPatch,
  FeedRun,
} from '#shared/contract/feeds.contract'
import type { CoreContext } from '../core-context'
import { CORE_CALLER, SCHEDULER_CALLER, type ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import { catalogue } from './catalogue'
import { feedConfigForLog } from './feed-audit'
import { RELIABILITY_CONFIDENCE, type RunDefaults } from './engine/engine-types'
import { openFeedSource } from './sources/feed-sources'
import { createFeedStore, secretRefOf, type FeedRecordRow } from './engine/feed-store'
import { listObservations } from './engine/observations-query'
import { createRunManager, type LaunchSpec } from './engine/run-manager'
import type { PipelineDeps } from './engine/run-pipeline'
import { createRunStore } from './engine/run-store'
import { scrubberFor, scrubbingLogger } from './engine/secret-scrub'
import { openFileSource, openTextSource, openUrlSource, type RemoteDeps } from './sources/sources'
import { clearSpools } from './engine/spool'
import type { FeedFormat } from './feed-types'
import { detectFormat } from './formats'
import { redactUrl } from './http/fetch-error'
import type { FetchDeps, FetchLimits } from './http/fetch-types'
import { createFeedScheduler } from './scheduler'

export type FeedsServiceOptions = {
  /** Start croner timers (default true). Tests and one-shot CLI commands turn them off. */
  schedule?: boolean
  /** Bounds for every download (tests use short timeouts). */
  fetchLimits?: Partial<FetchLimits>
  /** Wait between download retries (tests inject one that records instead of waiting). */
  sleep?: FetchDeps['sleep']
  /** Records per transaction; default: adaptive (see createBatchSizer). */
  batchSize?: number
  version?: string
}

type Trigger = FeedRun['trigger']

export type FeedsService = ReturnType<typeof createFeedsService>

/**
 * Feeds: configuration (secrets in ctx.secrets, never in the DB or any output), the catalogue, runs
 * (manual, scheduled, imports) and their history. The engine under ./engine does the reading and writing.
 */
export const createFeedsService = (ctx: CoreContext, opts: FeedsServiceOptions = {}) => {
  const log = ctx.logger.child({ component: 'feeds' })
  const runs = createRunStore(ctx.db.sqlite, ctx.changes)
  const feeds = createFeedStore(ctx.db.dataSource, ctx.db.sqlite)
  const pipeline: PipelineDeps = {
    db: ctx.db,
    clock: ctx.clock,
    logger: log,
    events: ctx.events,
    dataDir: ctx.dataDir,
    runs,
    batchSize: opts.batchSize,
  }
  const manager = createRunManager(pipeline)
  const remote: RemoteDeps = {
    fetch: { logger: log, clock: ctx.clock, sleep: opts.sleep, version: opts.version },
    limits: opts.fetchLimits,
  }
  const now = () => ctx.clock.now().toISOString()

  const readAuth = async (feed: FeedRecordRow): Promise<FeedAuthInput | undefined> => {
    if (feed.authKind === 'none' || !feed.secretRef) return undefined
    const raw = await ctx.secrets.get(feed.secretRef)
    if (!raw)
      throw new AppError(
        'invalid_input',
        `Feed '${feed.name}' has no stored credentials any more; set its auth again`,
      )
    return JSON.parse(raw) as FeedAuthInput
  }

  const present = (f: FeedRecordRow): Feed => ({
    id: f.id,
    name: f.name,
    format: f.format,
    url: f.url,
    path: f.path,
    schedule: f.schedule,
    enabled: f.enabled,
    hasAuth: f.authKind !== 'none',
    authKind: f.authKind,
    defaultTlp: f.defaultTlp,
    reliability: f.reliability,
    tags: f.tags,
    options: f.options,
    catalogueKey: f.catalogueKey,
    running: manager.activeRunOf(f.id) !== undefined,
    nextRunAt: f.enabled ? scheduler.nextRunAt(f.id) : null,
    lastRun: runs.lastOfFeed(f.id),
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  })

  const feedDefaults = (f: FeedRecordRow): RunDefaults => ({
    feedId: f.id,
    sourceKey: f.id,
    tlp: f.defaultTlp,
    tags: f.tags,
    confidence: RELIABILITY_CONFIDENCE[f.reliability],
  })

  const importDefaults = (label: string): RunDefaults => ({
    feedId: null,
    sourceKey: `import:${label}`,
    tags: [],
  })

  const runFeed = async (id: string, trigger: Trigger, by: ChangeCaller) => {
    const feed = await feeds.require(id)
    const auth = await readAuth(feed)
    const scrub = scrubberFor(auth)
    const runRemote: RemoteDeps = {
      ...remote,
      fetch: { ...remote.fetch, logger: scrubbingLogger(log, scrub) },
    }
    return manager.launch({
      feedId: feed.id,
      source: feed.name,
      format: feed.format,
      trigger,
      defaults: feedDefaults(feed),
      open: (signal) => openFeedSource(feed, auth, signal, runRemote),
      saveState: (patch) => feeds.mergeState(feed.id, patch),
      redact: scrub,
      caller: by,
    })
  }

  const scheduler = createFeedScheduler({
    start: opts.schedule ?? true,
    logger: log,
    onDue: (id) => {
      // One run per feed: a tick while the last run is still going is skipped, not queued.
      if (manager.activeRunOf(id)) return
      // The core calling itself: the run and its batches are recorded for the scheduler.
      runFeed(id, 'schedule', SCHEDULER_CALLER).catch((e: unknown) =>
        log.warn('scheduled run did not start', { feedId: id, error: e }),
      )
    },
  })
  const resync = async () => scheduler.sync(await feeds.list())

  const storeAuth = async (id: string, auth: FeedAuthInput | null | undefined) => {
    if (auth === undefined) return
    if (auth === null) await ctx.secrets.delete(secretRefOf(id))
    else await ctx.secrets.set(secretRefOf(id), JSON.stringify(auth))
  }

  const checkSource = (
    f: { format: FeedFormat; url: string | null; path: string | null },
    field = 'url',
  ) => {
    if (f.format === 'taxii' && !f.url)
      throw new AppError(
        'invalid_input',
        `${field}: a TAXII feed needs the discovery or API root URL`,
      )
  }

  const create = async (
    input: FeedCreate,
    by: ChangeCaller,
    catalogueKey: string | null = null,
  ): Promise<Feed> => {
    checkSource(input)
    const id = randomUUID()
    await storeAuth(id, input.auth)
    try {
      const row = await ctx.db.writes.run('feeds.create', () =>
        ctx.db.dataSource.transaction(async () => {
          const inserted = await feeds.insert(
            { ...input, authKind: input.auth?.kind ?? 'none', catalogueKey },
            now(),
            id,
          )
          ctx.changes.record(by, {
            entity: 'feed',
            entityId: id,
            operation: 'create',
            changes: feedConfigForLog(inserted, scrubberFor(input.auth ?? undefined)),
          })
          return inserted
        }),
      )
      await resync()
      ctx.events.emit('feeds.onDidChange', { kind: 'created', id })
      return present(row)
    } catch (e) {
      if (input.auth) await ctx.secrets.delete(secretRefOf(id))
      throw e
    }
  }

  /** A caller that waits and then gives up (Ctrl-C in the CLI) cancels the run it waits for. */
  const settle = async (
    runId: string,
    done: Promise<FeedRun>,
    signal?: AbortSignal,
  ): Promise<FeedRun> => {
    if (!signal) return done
    const onAbort = () => manager.cancel(runId)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    try {
      return await done
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  const launchImport = async (
    spec: Omit<LaunchSpec, 'feedId' | 'defaults'>,
    wait: boolean,
    signal?: AbortSignal,
  ): Promise<FeedRun> => {
    const { run, done } = await manager.launch({
      ...spec,
      feedId: null,
      defaults: importDefaults(spec.source),
    })
    return wait ? settle(run.id, done, signal) : run
  }

  const catalogueEntries = async (): Promise<CatalogueEntry[]> => {
    const added = new Set((await feeds.list()).map((f) => f.catalogueKey).filter(Boolean))
    return catalogue.map((c) => ({
      key: c.key,
      name: c.name,
      format: c.format,
      url: c.url,
      description: c.description,
      defaultTlp: c.defaultTlp,
      reliability: c.reliability,
      schedule: c.schedule ?? null,
      needsAuthKey: c.needsAuthKey === true,
      needsConfiguration: c.needsConfiguration === true,
      homepage: c.homepage,
      added: added.has(c.key),
    }))
  }

  return {
    list: async () => (await feeds.list()).map(present),
    get: async (id: string) => present(await feeds.require(id)),
    create: (input: FeedCreate, by: ChangeCaller = CORE_CALLER) => create(input, by),
    async update(id: string, patch: FeedPatch, by: ChangeCaller = CORE_CALLER): Promise<Feed> {
      const current = await feeds.require(id)
      const { auth, ...rest } = patch
      checkSource(
        {
          format: rest.format ?? current.format,
          url: rest.url ?? current.url,
          path: rest.path ?? current.path,
        },
        'patch.url',
      )
      await storeAuth(id, auth)
      const authKind = auth === undefined ? undefined : (auth?.kind ?? 'none')
      const scrub = scrubberFor(auth ?? (await readAuth(current).catch(() => undefined)))
      const row = await ctx.db.writes.run('feeds.update', () =>
        ctx.db.dataSource.transaction(async () => {
          const updated = await feeds.update(current, { ...rest, authKind }, now())
          const diff = fieldDiff(feedConfigForLog(current, scrub), feedConfigForLog(updated, scrub))
          // A new credential of the same kind changes no logged field; the entry still says it happened.
          if (auth !== undefined) diff.accessReplaced = { before: null, after: true }
          if (Object.keys(diff).length > 0) {
            ctx.changes.record(by, {
              entity: 'feed',
              entityId: id,
              operation: 'update',
              changes: diff,
            })
          }
          return updated
        }),
      )
      await resync()
      ctx.events.emit('feeds.onDidChange', { kind: 'updated', id })
      return present(row)
    },
    async remove(id: string, by: ChangeCaller = CORE_CALLER): Promise<void> {
      const feed = await feeds.require(id)
      const running = manager.activeRunOf(id)
      if (running) {
        manager.cancel(running)
        await manager.waitForIdle()
      }
      await ctx.db.writes.run('feeds.delete', () =>
        ctx.db.dataSource.transaction(async () => {
          await feeds.remove(id)
          ctx.changes.record(by, {
            entity: 'feed',
            entityId: id,
            operation: 'delete',
            changes: { name: feed.name, format: feed.format },
          })
        }),
      )
      if (feed.secretRef) await ctx.secrets.delete(feed.secretRef)
      await resync()
      ctx.events.emit('feeds.onDidChange', { kind: 'deleted', id })
    },
    catalogue: catalogueEntries,
    async addFromCatalogue(
      key: string,
      authKey?: string,
      by: ChangeCaller = CORE_CALLER,
    ): Promise<Feed> {
      const entry = catalogue.find((c) => c.key === key)
      if (!entry) throw new AppError('not_found', `key: no catalogue feed '${key}'`)
      if (entry.needsConfiguration) {
        throw new AppError(
          'invalid_input',
          `key: '${key}' is a template; add it with feeds.create and its own URL`,
        )
      }
      if (entry.needsAuthKey && !authKey) {
        throw new AppError('invalid_input', `authKey: ${entry.name} needs an API key`)
      }
      const auth: FeedAuthInput | null = !authKey
        ? null
        : entry.authKeyIn === 'url'
          ? { kind: 'url', value: authKey }
          : { kind: 'header', name: entry.authHeader ?? 'Auth-Key', value: authKey }
      return create(
        {
          name: entry.name,
          format: entry.format,
          url: entry.url,
          path: null,
          schedule: entry.schedule ?? null,
          enabled: true,
          auth,
          defaultTlp: entry.defaultTlp,
          reliability: entry.reliability,
          tags: [],
          options: entry.options ?? {},
        },
        by,
        entry.key,
      )
    },
    async run(
      id: string,
      trigger: Trigger,
      wait: boolean,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ): Promise<FeedRun> {
      const { run, done } = await runFeed(id, trigger, by)
      return wait ? settle(run.id, done, signal) : run
    },
    cancel(runId: string): void {
      if (manager.cancel(runId)) return
      const run = runs.get(runId)
      if (!run) throw new AppError('not_found', `runId: no run ${runId}`)
      throw new AppError('conflict', `runId: run ${runId} is not running (it is ${run.status})`)
    },
    runs: (q: { feedId?: string; limit: number; cursor?: string }) => runs.list(q),
    getRun(id: string) {
      const run = runs.getDetail(id)
      if (!run) throw new AppError('not_found', `id: no run ${id}`)
      return run
    },
    importFile(
      q: { path: string; format: FeedFormat | 'auto'; name?: string; wait: boolean },
      trigger: Trigger,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ) {
      const options = {}
      return launchImport(
        {
          source: q.name ?? basename(q.path),
          format: q.format,
          trigger,
          caller: by,
          open: (s) => openFileSource({ path: q.path, format: q.format, options, signal: s }),
        },
        q.wait,
        signal,
      )
    },
    importUrl(
      q: { url: string; format: FeedFormat | 'auto'; name?: string; wait: boolean },
      trigger: Trigger,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ) {
      return launchImport(
        {
          source: q.name ?? redactUrl(q.url),
          format: q.format,
          trigger,
          caller: by,
          open: (s) =>
            openUrlSource({ url: q.url, format: q.format, options: {}, signal: s }, remote),
        },
        q.wait,
        signal,
      )
    },
    importText(
      q: { content: string; fileName: string; format: FeedFormat | 'auto' },
      trigger: Trigger,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ) {
      return launchImport(
        {
          source: q.fileName,
          format: q.format,
          trigger,
          caller: by,
          open: (s) => openTextSource({ ...q, options: {}, signal: s }),
        },
        true,
        signal,
      )
    },
    detectFormat(head: string, fileName?: string): DetectFormatResult {
      return detectFormat(Buffer.from(head, 'utf8'), fileName)
    },
    observations: (indicatorId: string, limit: number) =>
      listObservations(ctx.db.sqlite, indicatorId, limit),
    /** Fails runs a previous process left open, drops their spool files, starts the timers. */
    async start(): Promise<void> {
      const failed = await ctx.db.writes.run('feeds.recover', () => runs.failInterrupted(now()))
      if (failed > 0)
        log.warn('runs interrupted by the last shutdown were marked failed', { count: failed })
      await clearSpools(ctx.dataDir)
      await resync()
    },
    waitForIdle: () => manager.waitForIdle(),
    async stop(): Promise<void> {
      scheduler.stop()
      await manager.stop()
    },
  }
}
