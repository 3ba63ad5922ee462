import type { Settings } from '#shared/contract/settings.contract'
import { APP_VERSION, type Core, type Logger } from '#core'
import { loadOrCreateToken } from '../server/api-token'
import { createHttpServer } from '../server/server'
import { savedListenHost } from '../server/guards'

export type RunningHttpServer = { url: string; close(): Promise<void> }
export type StartHttpServer = (where: { host: string; port: number }) => Promise<RunningHttpServer>

export type HttpToggle = {
  /** Brings the server in line with the settings; resolves when it is (or failed to be) there. */
  apply(settings: Pick<Settings, 'httpEnabled' | 'httpHost' | 'httpPort'>): Promise<void>
  /** Starts following settings.onDidChange after applying the current settings. */
  watch(): Promise<void>
  /** The URL of the running server, null when off. */
  url(): string | null
  /** Resolves when every requested change has been carried out. */
  waitForIdle(): Promise<void>
  stop(): Promise<void>
}

/**
 * The desktop's optional local REST port: off by default; Settings switch it on, off, or move it between
 * loopback addresses, and the app menu's confirmation dialog (api-sharing.ts) can put it on a network address
 * (core.httpExposure; the server then switches its Host check off, the token still guards /api). Changes are
 * applied one at a time in order, so quickly toggling the setting ends in the last state asked for. A failed
 * start (port taken, bad host) is logged and leaves the server off; it never takes the app down.
 *
 * No Electron here: tests drive it with a real core and the real HTTP server.
 */
export const createHttpToggle = (opts: {
  core: Core
  start: StartHttpServer
  logger: Logger
}): HttpToggle => {
  const { core, logger } = opts
  let running: { key: string; server: RunningHttpServer } | null = null
  let tail: Promise<void> = Promise.resolve()
  let unsubscribe: (() => void) | null = null

  const enqueue = (fn: () => Promise<void>): Promise<void> => {
    tail = tail
      .then(fn)
      .catch((error: unknown) => logger.error('local HTTP API toggle failed', { error }))
    return tail
  }

  const closeRunning = async () => {
    if (!running) return
    const { server } = running
    running = null
    core.setHttpUrl(null)
    await server.close()
    logger.info('local HTTP API stopped', { url: server.url })
  }

  const apply: HttpToggle['apply'] = (given) =>
    enqueue(async () => {
      // A non-loopback address only as confirmed in the desktop's dialog (core.httpExposure, which no
      // transport can write); the settings' own httpHost is obeyed only when it is loopback.
      const exposure = await core.httpExposure.read()
      const httpHost = exposure?.host ?? savedListenHost(given.httpHost, logger)
      const s = { ...given, httpHost }
      const key = s.httpEnabled ? `${s.httpHost}|${s.httpPort}` : null
      if (running?.key === key) return
      await closeRunning()
      if (key === null) return
      try {
        const server = await opts.start({ host: s.httpHost, port: s.httpPort })
        running = { key, server }
        core.setHttpUrl(server.url)
        if (exposure) {
          logger.warn('local HTTP API listening beyond this machine, as confirmed in the app', {
            url: server.url,
            confirmedAt: exposure.confirmedAt,
          })
        } else {
          logger.info('local HTTP API listening', { url: server.url })
        }
      } catch (error) {
        logger.error('local HTTP API could not start', {
          host: s.httpHost,
          port: s.httpPort,
          error,
        })
      }
    })

  return {
    apply,
    watch: async () => {
      unsubscribe ??= core.events.on('settings.onDidChange', (next) => {
        void apply(next)
      })
      await apply(await core.settings.read())
    },
    url: () => running?.server.url ?? null,
    waitForIdle: () => tail,
    stop: async () => {
      unsubscribe?.()
      unsubscribe = null
      await enqueue(closeRunning)
    },
  }
}

/** The toggle bound to the real HTTP transport (src/main/http/server.ts) and the data directory's API token. */
export const createDesktopHttpToggle = (opts: {
  core: Core
  logger: Logger
  rendererDir?: string
}): HttpToggle =>
  createHttpToggle({
    core: opts.core,
    logger: opts.logger,
    start: async ({ host, port }) => {
      const server = createHttpServer({
        core: opts.core,
        // Read on every start: `threateye token` and the desktop share the file, so both print the same token.
        token: loadOrCreateToken(opts.core.dataDir),
        host,
        port,
        logger: opts.logger.child({ component: 'http' }),
        version: APP_VERSION,
        ...(opts.rendererDir ? { rendererDir: opts.rendererDir } : {}),
      })
      try {
        const url = await server.listen()
        return { url, close: () => server.close() }
      } catch (error) {
        await server.close().catch(() => undefined)
        throw error
      }
    },
  })
