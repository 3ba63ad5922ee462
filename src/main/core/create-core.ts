import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import type { In, Method, Out } from '#shared/contract'
import { createAlertHandlers } from './alerts/alerts.handlers'
import { createAlertsService, type AlertsService } from './alerts/alerts.service'
import {
  createAlertSettingsService,
  type AlertSettingsService,
} from './alerts/alert-settings.service'
import { createWebhookSender, type WebhookOptions } from './alerts/alert-webhook'
import { createAnalysisHandlers } from './analysis/analysis.handlers'
import { createAttackHandlers } from './attack/attack.handlers'
import { createAttackService, type AttackService } from './attack/attack.service'
import { createAnalysisService } from './analysis/analysis.service'
import { warninglistsLookup } from './analysis/url-lookups'
import { createAllowlistHandlers } from './allowlist/allowlist.handlers'
import { createAuditHandlers } from './audit/audit.handlers'
import { CORE_CALLER, type RunCallers } from './audit/change-caller'
import { createChangeLog } from './audit/change-log'
import { openDatabase, type Database } from './db/data-source'
import {
  attachSearchIndex,
  createSearchIndexer,
  detachSearchIndex,
  type SearchIndexer,
} from './db/search/search-indexer'
import { APP_VERSION, type CoreContext } from './core-context'
import { createEventHub } from './events/event-hub'
import { createFeedHandlers } from './feeds/feeds.handlers'
import { createFileHandlers } from './files/files.handlers'
import { createFeedsService, type FeedsServiceOptions } from './feeds/feeds.service'
import { createEnrichmentHandlers } from './enrichment/enrichment.handlers'
import { openEnrichment } from './enrichment/open-enrichment'
import type { EnrichmentOptions, EnrichmentService } from './enrichment/enrichment.service'
import { createEnrichmentGeoHandlers } from './enrichment/enrichment-geo.handlers'
import { createExportHandlers } from './export/export.handlers'
import { createExportService, type ExportService } from './export/export.service'
import { createExtractHandlers } from './extract/extract.handlers'
import { createEnrichmentPivotHandlers } from './enrichment/enrichment-pivots.handlers'
import { createIncidentHandlers } from './incidents/incidents.handlers'
import { startRunSightings } from './incidents/incident-sightings'
import { startSnapshotWriter } from './incidents/incidents-snapshot'
import { openIncidentsForAlerts } from './incidents/incidents-for-alerts'
import { createIncidentsService } from './incidents/incidents.service'
import { createIndicatorHandlers } from './indicators/indicators.handlers'
import { createIntelHandlers } from './intel/intel.handlers'
import { createIntelService } from './intel/intel.service'
import { startKnowledgeImport } from './intel/import/intel-import-runs'
import { createJobRegistry, type JobRegistry } from './jobs/job-registry'
import { createJobHandlers } from './jobs/jobs.handlers'
import { systemClock, type Clock } from './platform/clock'
import { createLogger, type Logger } from './platform/logger'
import { makeDataDirPrivate } from './platform/private-files'
import { createFileSecretStore, type SecretStore } from './platform/secret-store'
import { createProjectHandlers } from './projects/projects.handlers'
import { createDispatcher, unwrap, type Dispatch } from './rpc/dispatch'
import { inProcessContext, type CallContext, type Handlers } from './rpc/handlers'
import { createSettingsService, type SettingsService } from './settings/settings.service'
import {
  createHttpExposureService,
  type HttpExposureService,
} from './settings/http-exposure.service'
import { createSettingsHandlers } from './settings/settings.handlers'
import { createScoringHandlers } from './scoring/scoring.handlers'
import { createScoringService } from './scoring/scoring.service'
import { createScoringSettings, scoringConfigOf } from './scoring/scoring-settings'
import { createSummariesHandlers } from './summaries/summaries.handlers'
import { createSummariesService, type SummariesService } from './summaries/summaries.service'
import { createSummaryScheduler, type SummaryScheduler } from './summaries/summary-scheduler'
import { createSystemHandlers } from './system/system.handlers'
import { createTriageHandlers } from './triage/triage.handlers'
import { createTriageService, type SetVerdict } from './triage/triage.service'
import { createWarninglistsHandlers } from './warninglists/warninglists.handlers'
import {
  createWarninglistsService,
  type WarninglistsService,
} from './warninglists/warninglists.service'

export type CoreOptions = {
  dataDir: string
  clock?: Clock
  /** Used by every fetcher; tests pass one bound to a 127.0.0.1 fixture server. */
  fetch?: typeof globalThis.fetch
  logger?: Logger
  secrets?: SecretStore
  /** Path to an Electron-ABI better_sqlite3.node for the desktop; Node's build otherwise. */
  nativeBinding?: string
  /** Check every handler's output against the contract (tests turn this on). */
  validateOutput?: boolean
  /** Feed engine knobs: scheduler on/off, download limits (tests shorten timeouts). */
  feeds?: FeedsServiceOptions
  /** Alert webhook delivery knobs (tests shorten the backoff). */
  alertWebhook?: Partial<WebhookOptions>
  /** Enrichment knobs: provider endpoints (tests point them at 127.0.0.1), the RDAP bootstrap URL, backoff. */
  enrichment?: EnrichmentOptions
}

export type Core = CoreContext & {
  handlers: Handlers
  dispatch: Dispatch
  settings: SettingsService
  /** The desktop's confirmed non-loopback API address: main-process only, not in the contract. */
  httpExposure: HttpExposureService
  /** Background jobs (jobs.start): long calls followed by id, events and jobs.get. */
  jobs: JobRegistry
  /** Alert rules and alerts; evaluation hooks on imports and indicator changes. */
  alerts: AlertsService
  /** Notification and webhook settings of alerts (the desktop reads whether to notify). */
  alertSettings: AlertSettingsService
  /** The warninglists (built-in and imported), their compiled matcher, checks and the rescan job. */
  warninglists: WarninglistsService
  /** Exports: the file jobs of export.*, and streaming straight into a response or a file (REST, CLI). */
  exports: ExportService
  /** The ATT&CK catalogue (built-in or imported). */
  attack: AttackService
  /** Summary reports (daily, weekly, custom) and their files. */
  summaries: SummariesService
  /** Enrichment: providers, settings, scan jobs and the network queue (kick() looks at the queue now). */
  enrichment: EnrichmentService
  /** Daily and weekly summaries on their schedule; start() arms it and catches up a missed period. */
  summaryScheduler: SummaryScheduler
  /** Typed in-process call through the same dispatcher the transports use (validation included). */
  call<K extends Method>(method: K, input: In<K>, ctx?: CallContext): Promise<Out<K>>
  /** The HTTP transport reports where it listens, for system.info and the CLI. */
  setHttpUrl(url: string | null): void
  start(): Promise<void>
  /**
   * Closes the feed runs whose owning process is gone (start() does it too). One-shot CLI commands call
   * this instead of start(): a CLI import killed earlier is closed by the next command.
   */
  recoverRuns(): Promise<number>
  waitForIdle(): Promise<void>
  stop(): Promise<void>
}

export const createCore = async (opts: CoreOptions): Promise<Core> => {
  const logger = opts.logger ?? createLogger()
  makeDataDirPrivate(opts.dataDir, logger)
  const mainFile = join(opts.dataDir, 'threateye.sqlite')
  // Created private before SQLite opens it: its WAL and shared-memory files then get the same mode.
  if (process.platform !== 'win32') closeSync(openSync(mainFile, 'a', 0o600))
  const runCallers: RunCallers = new Map()
  const db = await openDatabase({
    file: mainFile,
    nativeBinding: opts.nativeBinding,
    logger,
    runCallers,
  })
  const search = await startSearchIndexer(db, mainFile, opts, logger)
  // search.sqlite and the files SQLite has just created: silently, they are ours and new.
  makeDataDirPrivate(opts.dataDir)
  const events = createEventHub((e) => logger.warn('event listener failed', { error: e }))
  const clock = opts.clock ?? systemClock
  const changes = createChangeLog(db.sqlite, clock, runCallers)
  const warninglists = await createWarninglistsService({ db, clock, events, logger, changes })
  const ctx: CoreContext = {
    dataDir: opts.dataDir,
    db,
    clock,
    fetch: opts.fetch ?? globalThis.fetch,
    logger,
    secrets: opts.secrets ?? createFileSecretStore(opts.dataDir),
    events,
    search,
    changes,
    screen: warninglists.screen,
    // The bulk writer's thread gets the settings with each transaction it begins.
    scoring: createScoringSettings((config) => db.bulk.setScoring(config)),
  }
  let httpUrl: string | null = null
  const settings = createSettingsService(ctx)
  ctx.scoring.set(scoringConfigOf(await settings.read()))
  events.on('settings.onDidChange', (s) => ctx.scoring.set(scoringConfigOf(s)))
  const httpExposure = createHttpExposureService(ctx, settings)
  const feeds = createFeedsService(
    ctx,
    { version: APP_VERSION, ...opts.feeds },
    { allowedHosts: async () => (await settings.read()).fetchAllowedHosts },
  )
  const jobs = createJobRegistry({ clock, events, logger })
  const incidents = createIncidentsService(ctx)
  const snapshot = startSnapshotWriter(ctx, incidents)
  const alertSettings = createAlertSettingsService(ctx, {
    allowedHosts: async () => (await settings.read()).fetchAllowedHosts,
  })
  const webhook = createWebhookSender({
    ctx,
    settings: alertSettings,
    version: APP_VERSION,
    options: opts.alertWebhook,
  })
  const alerts = createAlertsService(ctx, {
    webhookEnabled: async () => (await alertSettings.webhook()) !== null,
    onPendingWebhook: () => webhook.kick(),
    openIncidents: (rule, raised, by) => openIncidentsForAlerts(incidents, rule, raised, by),
  })
  const unsubscribeAlerts = alerts.subscribe()
  const sightings = startRunSightings(ctx, incidents, {
    ...CORE_CALLER,
    method: 'incidents.countRunSightings',
  })
  const analysis = createAnalysisService(ctx, {
    incidents,
    warninglists: warninglistsLookup(warninglists.check),
  })
  const triage = createTriageService(ctx, { alerts, incidents })
  // The analyst's verdict from the triage queue, through the indicators domain with the caller's context:
  // a scoring term, a restart of the decay clock on a true positive, the allowlist on a false positive.
  const verdictFor =
    (call: CallContext): SetVerdict =>
    async (id, verdict, reason) => {
      await handlers['indicators.setVerdict']({ id, verdict, reason }, call)
    }
  const scoring = createScoringService({ ...ctx, jobs })
  const exports = createExportService(ctx, jobs)
  const attack = createAttackService(ctx)
  // Finished runs' STIX and MISP objects become entities and relationships of the knowledge base.
  const knowledge = startKnowledgeImport(ctx)
  const summaries = createSummariesService({ ...ctx, jobs, settings })
  const summaryScheduler = createSummaryScheduler({
    clock,
    logger,
    readSchedule: () => summaries.schedule.read(),
    ensure: (period, by) => summaries.ensure(period, by),
  })
  let summariesScheduled = false
  const enrichment = openEnrichment({
    ctx,
    jobs,
    options: opts.enrichment ?? {},
    checkWarninglists: warninglists.check,
    allowedHosts: async () => (await settings.read()).fetchAllowedHosts,
    rescore: async (ids) => {
      await scoring.rescoreIndicators(ids)
    },
    evaluateAlerts: (ids, scanJobId) => alerts.evaluateEnrichment(ids, { scanJobId }),
  })
  const handlers: Handlers = {
    ...createAlertHandlers(alerts, alertSettings, webhook),
    ...createJobHandlers(jobs, () => handlers),
    ...createScoringHandlers(scoring, () => handlers),
    ...createAuditHandlers(ctx),
    ...createFeedHandlers(feeds),
    ...createFileHandlers(),
    ...createIndicatorHandlers(ctx),
    ...createIncidentHandlers(ctx, incidents),
    ...createAnalysisHandlers(analysis),
    ...createExtractHandlers(),
    ...createProjectHandlers(ctx),
    ...createSettingsHandlers(settings),
    ...createSystemHandlers({ ...ctx, version: APP_VERSION, httpUrl: () => httpUrl }),
    ...createTriageHandlers(ctx, triage, verdictFor),
    ...createWarninglistsHandlers(warninglists),
    ...createAllowlistHandlers(ctx),
    ...createExportHandlers(exports),
    ...createEnrichmentHandlers(enrichment),
    ...createEnrichmentGeoHandlers(ctx),
    ...createIntelHandlers(ctx, createIntelService(ctx)),
    ...createEnrichmentPivotHandlers(ctx),
    ...createAttackHandlers(attack, (call) =>
      knowledge.rebuild({ signal: call.signal, progress: call.progress }),
    ),
    ...createSummariesHandlers(summaries, {
      clock,
      // A changed schedule re-arms the timer (only where start() armed it: not in one-shot CLI runs).
      onScheduleChange: () => {
        if (summariesScheduled) void summaryScheduler.start()
      },
    }),
  }
  const dispatch = createDispatcher({
    handlers,
    logger,
    validateOutput: opts.validateOutput,
  })
  // Background engines (feed scheduler, ...) register here so stop() can drain them.
  const stoppers: (() => Promise<void>)[] = []
  const idlers: (() => Promise<void>)[] = [() => db.writes.waitForIdle()]
  // First in, so it runs last: the feeds' final batches still queue their evaluations.
  stoppers.push(async () => {
    unsubscribeAlerts()
    await alerts.waitForIdle()
    // Deliveries still pending stay pending: the next core that starts sends them.
    await webhook.stop()
  })
  stoppers.push(() => feeds.stop())
  // Stopped before the feeds (stoppers run in reverse): a job may be writing through the same queue.
  stoppers.push(() => jobs.stop())
  // Stopped before the jobs (stoppers run in reverse): its scan jobs then stay open in scan_jobs and resume.
  stoppers.push(() => enrichment.stop())
  // Before the jobs (stoppers run in reverse): no scheduled report starts while they drain.
  stoppers.push(async () => summaryScheduler.stop())
  // Stopped first (stoppers run in reverse): a sweep writes through the same queue as the rest.
  stoppers.push(() => scoring.stop())
  idlers.push(() => scoring.waitForIdle())
  idlers.push(() => feeds.waitForIdle())
  idlers.push(() => enrichment.waitForIdle())
  idlers.push(() => jobs.waitForIdle())
  idlers.push(() => enrichment.waitForIdle())
  // After the feeds and jobs: their last batches queue evaluations.
  idlers.push(() => alerts.waitForIdle())
  idlers.push(() => webhook.waitForIdle())
  idlers.push(() => db.writes.waitForIdle())
  idlers.push(() => sightings.idle())
  idlers.push(() => knowledge.idle())
  idlers.push(() => db.writes.waitForIdle())
  // Last: every incident change above still reaches the file.
  idlers.push(() => snapshot.flush())
  // After the feeds, jobs and alerts (stoppers run in reverse): the runs they finish still count on
  // incidents, and the last incident changes still reach the file.
  stoppers.unshift(() => sightings.stop())
  // After the feeds (stoppers run in reverse): their last runs' intel still reaches the knowledge base.
  stoppers.unshift(() => knowledge.stop())
  stoppers.unshift(() => snapshot.stop())
  idlers.push(async () => {
    if (!(await search.catchUp(SEARCH_IDLE_TIMEOUT_MS))) {
      logger.warn('search index still catching up')
    }
  })

  return {
    ...ctx,
    handlers,
    dispatch,
    settings,
    httpExposure,
    jobs,
    alerts,
    alertSettings,
    warninglists,
    exports,
    attack,
    summaries,
    summaryScheduler,
    enrichment,
    call: async (method, input, callCtx) =>
      unwrap<typeof method>(await dispatch(method, input, callCtx ?? inProcessContext())),
    setHttpUrl: (url) => {
      httpUrl = url
    },
    start: async () => {
      await feeds.start()
      // Deliveries a previous process left pending.
      webhook.kick()
      scoring.start()
      // Reports a previous process left unfinished, then the catch-up of a missed scheduled period.
      await summaries.recover()
      // Requests and scan jobs a previous process left open.
      await enrichment.start()
      summariesScheduled = true
      await summaryScheduler.start()
    },
    recoverRuns: () => feeds.recover(),
    waitForIdle: async () => {
      for (const idle of idlers) await idle()
    },
    stop: async () => {
      for (const stop of stoppers.reverse()) await stop()
      // Writes may still be queued: they only append to the log, which the next start applies.
      await db.writes.waitForIdle()
      await search.stop()
      try {
        detachSearchIndex(db.sqlite)
      } catch (e) {
        // Closing the connection releases it anyway; only its final checkpoint would touch search.sqlite.
        logger.warn('search index detach failed', { error: e })
      }
      await db.close()
    },
  }
}

/** waitForIdle's bound on the index catching up (a million-row import takes well under this). */
const SEARCH_IDLE_TIMEOUT_MS = 600_000

/**
 * Starts the indexer worker on `<dataDir>/search.sqlite` and attaches that file to the main connection as
 * `search` (the queries read `search.indicators_fts`). Every write-queue job may have appended to the log,
 * so each one wakes the worker; the worker also polls, for writes on other connections.
 */
const startSearchIndexer = async (
  db: Database,
  mainFile: string,
  opts: CoreOptions,
  logger: Logger,
): Promise<SearchIndexer> => {
  const search = createSearchIndexer({
    dataDir: opts.dataDir,
    mainFile,
    sqlite: db.sqlite,
    nativeBinding: opts.nativeBinding,
    logger,
    prune: (below) =>
      db.writes.run('search-log.prune', () => {
        db.sqlite.prepare('DELETE FROM search_log WHERE seq < ?').run(below)
      }),
  })
  try {
    await search.ready
    attachSearchIndex(db.sqlite, search.file)
  } catch (e) {
    await search.stop()
    await db.close()
    throw e
  }
  db.writes.onDidRun(() => search.notify())
  return search
}
