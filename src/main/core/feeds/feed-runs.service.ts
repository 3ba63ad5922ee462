import { basename } from 'node:path'
import { AppError } from '#shared/contract/errors'
import type {
  CsvMapping,
  DetectFormatResult,
  FeedAuthInput,
  FeedRun,
} from '#shared/contract/feeds.contract'
import { CORE_CALLER, SCHEDULER_CALLER, type ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { RELIABILITY_CONFIDENCE, type RunDefaults } from './engine/engine-types'
import type { FeedRecordRow, FeedStore } from './engine/feed-store'
import { listObservations } from './engine/observations-query'
import { createRunManager, type LaunchSpec } from './engine/run-manager'
import type { PipelineDeps } from './engine/run-pipeline'
import { createRunStore } from './engine/run-store'
import { scrubberFor, scrubbingLogger } from './engine/secret-scrub'
import {
  createRunOwner,
  DEFAULT_RUN_LIVENESS,
  ownerGoneReason,
  type RunLiveness,
} from './engine/run-owner'
import { removeSpools } from './engine/spool'
import type { FeedFormat } from './feed-types'
import { detectFormat } from './formats'
import { previewCsv } from './formats/csv-mapping'
import { redactUrl } from './http/fetch-error'
import { precheckUrl, type TargetPolicy } from './http/fetch-targets'
import type { FetchDeps, FetchLimits } from './http/fetch-types'
import { createFeedScheduler } from './scheduler'
import { openFeedSource } from './sources/feed-sources'
import { readFileHead } from './sources/file-head'
import { openFileSource, openTextSource, openUrlSource, type RemoteDeps } from './sources/sources'

export type FeedRunsOptions = {
  /** Start croner timers (default true). Tests and one-shot CLI commands turn them off. */
  schedule?: boolean
  /** Bounds for every download (tests use short timeouts). */
  fetchLimits?: Partial<FetchLimits>
  /** Wait between download retries (tests inject one that records instead of waiting). */
  sleep?: FetchDeps['sleep']
  /** Records per transaction; default: adaptive (see createBatchSizer in core/ingest). */
  batchSize?: number
  version?: string
  /** Heartbeat period and stale threshold of live runs (tests shorten them). */
  liveness?: Partial<RunLiveness>
}

/** What the runs need of the rest of the core. */
export type FeedRunsDeps = {
  /** The hosts the user allowed API-set downloads to reach (settings.fetchAllowedHosts), read per run. */
  allowedHosts: () => Promise<readonly string[]>
}

type Trigger = FeedRun['trigger']
type ImportFormat = FeedFormat | 'auto'

export type FeedRunsService = ReturnType<typeof createFeedRunsService>

/**
 * A mapping makes the input a generic CSV: with `auto` that is the format; with any other format the
 * mapping would be ignored, which the caller should hear about.
 */
const withMapping = (
  format: ImportFormat,
  mapping: CsvMapping | undefined,
): { format: ImportFormat; options: Record<string, unknown> } => {
  if (mapping === undefined) return { format, options: {} }
  if (format !== 'auto' && format !== 'generic-csv') {
    throw new AppError(
      'invalid_input',
      `mapping: a column mapping is for the generic-csv format, not ${format}`,
      { field: 'mapping' },
    )
  }
  return { format: 'generic-csv', options: mapping }
}

/**
 * Feed runs: run now, the scheduler's runs, ad-hoc imports (file, URL, text), their history and the
 * observations they left. The engine under ./engine reads, core/ingest writes.
 */
export const createFeedRunsService = (
  ctx: CoreContext,
  feeds: FeedStore,
  opts: FeedRunsOptions = {},
  deps: FeedRunsDeps = { allowedHosts: async () => [] },
) => {
  const log = ctx.logger.child({ component: 'feeds' })
  const runs = createRunStore(ctx.db.sqlite, ctx.changes)
  const pipeline: PipelineDeps = {
    db: ctx.db,
    clock: ctx.clock,
    logger: log,
    events: ctx.events,
    dataDir: ctx.dataDir,
    runs,
    batchSize: opts.batchSize,
    screen: ctx.screen,
  }
  const owner = createRunOwner()
  const liveness: RunLiveness = { ...DEFAULT_RUN_LIVENESS, ...opts.liveness }
  const manager = createRunManager(pipeline, { owner, liveness })
  const remote: RemoteDeps = {
    fetch: { logger: log, clock: ctx.clock, sleep: opts.sleep, version: opts.version },
    limits: opts.fetchLimits,
  }
  const now = () => ctx.clock.now().toISOString()

  /**
   * A URL that came over the HTTP API may not reach loopback, private or other special addresses unless
   * the user allowed its host; anything else (desktop, CLI, feeds the user set up) fetches anywhere.
   */
  const targetsFor = async (restricted: boolean): Promise<TargetPolicy | undefined> =>
    restricted ? { allowedHosts: await deps.allowedHosts() } : undefined

  /**
   * Refuses at once the URLs an API caller gives that are special addresses by their spelling alone (IP
   * literals, localhost). Names are judged when the download connects, on the address it connects to.
   */
  const throwIfForbidden = (
    targets: TargetPolicy | undefined,
    urls: readonly (string | null | undefined)[],
  ): void => {
    if (!targets) return
    for (const url of urls) {
      const refused = url ? precheckUrl(targets, url) : undefined
      if (refused) throw refused.toAppError()
    }
  }
  const refuseForbiddenUrls = async (
    by: ChangeCaller,
    urls: readonly (string | null | undefined)[],
  ): Promise<void> => throwIfForbidden(await targetsFor(by.transport === 'http'), urls)

  const remoteFor = (targets: TargetPolicy | undefined, logger = log): RemoteDeps => ({
    ...remote,
    fetch: { ...remote.fetch, logger, targets },
  })

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
    const targets = await targetsFor(feed.urlFromHttp)
    const runRemote = remoteFor(targets, scrubbingLogger(log, scrub))
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

  /**
   * Closes the runs whose owning process is gone (exited, killed, or silent past the stale threshold) as
   * interrupted and drops their spool files. Runs of other live processes on the same data are left
   * alone: a CLI import keeps going while the desktop app or `serve` starts, and the reverse.
   */
  const recover = async (): Promise<number> => {
    const closed = await ctx.db.writes.run('feeds.recover', () =>
      runs.closeAbandoned(now(), (run) =>
        ownerGoneReason(run, owner, liveness, (id) => manager.ownsRun(id)),
      ),
    )
    if (closed.length > 0)
      log.warn('runs whose process is gone were closed as interrupted', { runs: closed })
    await removeSpools(ctx.dataDir, runs.isOpen).catch((e: unknown) =>
      log.warn('could not delete left-over spool files', { error: e }),
    )
    return closed.length
  }

  return {
    /** What the configuration side shows of a feed's runs. */
    activeRunOf: (feedId: string) => manager.activeRunOf(feedId),
    lastOfFeed: (feedId: string) => runs.lastOfFeed(feedId),
    nextRunAt: (feedId: string) => scheduler.nextRunAt(feedId),
    /** The feed's stored credentials (for the configuration side's log scrubbing). */
    readAuth,
    refuseForbiddenUrls,
    /** Re-reads the feeds' schedules (after a feed was added, changed or removed). */
    resync: async () => scheduler.sync(await feeds.list()),
    /** Cancels the feed's run, if one is going, and waits until it stopped. */
    async stopFeed(feedId: string): Promise<void> {
      const running = manager.activeRunOf(feedId)
      if (!running) return
      manager.cancel(running)
      await manager.waitForIdle()
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
    list: (q: { feedId?: string; limit: number; cursor?: string }) => runs.list(q),
    get(id: string) {
      const run = runs.getDetail(id)
      if (!run) throw new AppError('not_found', `id: no run ${id}`)
      return run
    },
    importFile(
      q: { path: string; format: ImportFormat; mapping?: CsvMapping; name?: string; wait: boolean },
      trigger: Trigger,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ) {
      const { format, options } = withMapping(q.format, q.mapping)
      return launchImport(
        {
          source: q.name ?? basename(q.path),
          format,
          trigger,
          caller: by,
          open: (s) => openFileSource({ path: q.path, format, options, signal: s }),
        },
        q.wait,
        signal,
      )
    },
    async importUrl(
      q: { url: string; format: ImportFormat; mapping?: CsvMapping; name?: string; wait: boolean },
      trigger: Trigger,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ) {
      const { format, options } = withMapping(q.format, q.mapping)
      const targets = await targetsFor(by.transport === 'http')
      throwIfForbidden(targets, [q.url])
      const urlRemote = remoteFor(targets)
      return launchImport(
        {
          source: q.name ?? redactUrl(q.url),
          format,
          trigger,
          caller: by,
          open: (s) => openUrlSource({ url: q.url, format, options, signal: s }, urlRemote),
        },
        q.wait,
        signal,
      )
    },
    importText(
      q: {
        content: string
        fileName: string
        format: ImportFormat
        mapping?: CsvMapping
        wait: boolean
      },
      trigger: Trigger,
      signal?: AbortSignal,
      by: ChangeCaller = CORE_CALLER,
    ) {
      const { format, options } = withMapping(q.format, q.mapping)
      return launchImport(
        {
          source: q.fileName,
          format,
          trigger,
          caller: by,
          open: (s) =>
            openTextSource({
              content: q.content,
              fileName: q.fileName,
              format,
              options,
              signal: s,
            }),
        },
        q.wait,
        signal,
      )
    },
    /** The format, and for a CSV its header and first rows with the mapping its names give. */
    detectFormat(head: string, fileName?: string): DetectFormatResult {
      const found = detectFormat(Buffer.from(head, 'utf8'), fileName)
      const csv =
        ('format' in found && found.format === 'generic-csv') ||
        ('ambiguous' in found && found.ambiguous.includes('generic-csv'))
      return csv ? { ...found, csv: previewCsv(head) } : found
    },
    /** The same for a local file (one picked in the desktop's dialog), read as its import would read it. */
    async detectFileFormat(path: string): Promise<DetectFormatResult> {
      const { head, name } = await readFileHead(path)
      return this.detectFormat(new TextDecoder('utf-8').decode(head), name)
    },
    observations: (indicatorId: string, limit: number) =>
      listObservations(ctx.db.sqlite, indicatorId, limit),
    recover,
    /** Recovers abandoned runs, then starts the timers. */
    async start(): Promise<void> {
      await recover()
      scheduler.sync(await feeds.list())
    },
    waitForIdle: () => manager.waitForIdle(),
    async stop(): Promise<void> {
      scheduler.stop()
      await manager.stop()
    },
  }
}
