import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { In, Method, Out } from '../shared/contract'
import { openDatabase, type Database } from './db/data-source'
import { createEventHub, type EventHub } from './events/event-hub'
import { createFeedHandlers } from './feeds/feeds.handlers'
import { createFeedsService, type FeedsServiceOptions } from './feeds/feeds.service'
import { createIndicatorHandlers } from './indicators/indicators.handlers'
import { systemClock, type Clock } from './platform/clock'
import { createLogger, type Logger } from './platform/logger'
import { createFileSecretStore, type SecretStore } from './platform/secret-store'
import { createProjectHandlers } from './projects/projects.handlers'
import { createDispatcher, unwrap, type Dispatch } from './rpc/dispatch'
import { inProcessContext, type CallContext, type Handlers } from './rpc/handlers'
import { createSettingsService, type SettingsService } from './settings/settings.service'
import { createSystemHandlers } from './settings/system.handlers'

export const APP_VERSION = '0.1.0'

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
}

/** Everything a core's services share. Passed explicitly: the core has no module-level state. */
export type CoreContext = {
  dataDir: string
  db: Database
  clock: Clock
  fetch: typeof globalThis.fetch
  logger: Logger
  secrets: SecretStore
  events: EventHub
}

export type Core = CoreContext & {
  handlers: Handlers
  dispatch: Dispatch
  settings: SettingsService
  /** Typed in-process call through the same dispatcher the transports use (validation included). */
  call<K extends Method>(method: K, input: In<K>, ctx?: CallContext): Promise<Out<K>>
  /** The HTTP transport reports where it listens, for system.info and the CLI. */
  setHttpUrl(url: string | null): void
  start(): Promise<void>
  waitForIdle(): Promise<void>
  stop(): Promise<void>
}

export const createCore = async (opts: CoreOptions): Promise<Core> => {
  mkdirSync(opts.dataDir, { recursive: true })
  const logger = opts.logger ?? createLogger()
  const db = await openDatabase({
    file: join(opts.dataDir, 'threateye.sqlite'),
    nativeBinding: opts.nativeBinding,
    logger,
  })
  const events = createEventHub((e) => logger.warn('event listener failed', { error: e }))
  const ctx: CoreContext = {
    dataDir: opts.dataDir,
    db,
    clock: opts.clock ?? systemClock,
    fetch: opts.fetch ?? globalThis.fetch,
    logger,
    secrets: opts.secrets ?? createFileSecretStore(opts.dataDir),
    events,
  }
  let httpUrl: string | null = null
  const settings = createSettingsService(ctx)
  const feeds = createFeedsService(ctx, { version: APP_VERSION, ...opts.feeds })
  const handlers: Handlers = {
    ...createFeedHandlers(feeds),
    ...createIndicatorHandlers(ctx),
    ...createProjectHandlers(ctx),
    ...settings.handlers,
    ...createSystemHandlers({ ...ctx, version: APP_VERSION, httpUrl: () => httpUrl }),
  }
  const dispatch = createDispatcher({ handlers, logger, validateOutput: opts.validateOutput })
  // Background engines (feed scheduler, ...) register here so stop() can drain them.
  const stoppers: (() => Promise<void>)[] = []
  const idlers: (() => Promise<void>)[] = [() => db.writes.waitForIdle()]
  stoppers.push(() => feeds.stop())
  idlers.push(() => feeds.waitForIdle())

  return {
    ...ctx,
    handlers,
    dispatch,
    settings,
    call: async (method, input, callCtx) =>
      unwrap<typeof method>(await dispatch(method, input, callCtx ?? inProcessContext())),
    setHttpUrl: (url) => {
      httpUrl = url
    },
    start: async () => {
      await feeds.start()
    },
    waitForIdle: async () => {
      for (const idle of idlers) await idle()
    },
    stop: async () => {
      for (const stop of stoppers.reverse()) await stop()
      await db.close()
    },
  }
}
