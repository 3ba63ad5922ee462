import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError } from '#shared/contract'
import { APP_VERSION, createCore, createLogger, type Core, type Logger } from '#core'
import { loadOrCreateToken } from './api-token'
import { createHttpServer, type HttpServer } from './server'
import { savedListenHost } from './guards'

export type HeadlessOptions = {
  dataDir: string
  /** Defaults to the saved settings (httpHost / httpPort), which default to 127.0.0.1:4517. */
  host?: string
  port?: number
  rendererDir?: string
  logger?: Logger
  /** Where the "serving" line goes (stdout by default). */
  print?: (line: string) => void
  /** Stop on SIGINT/SIGTERM (the CLI); tests and embedders stop it themselves. */
  handleSignals?: boolean
}

export type Headless = {
  url: string
  token: string
  core: Core
  server: HttpServer
  /** Closes the server, then the core. Safe to call more than once. */
  stop(): Promise<void>
  /** Resolves once stopped, by stop() or by a signal. */
  stopped: Promise<void>
}

const isBuiltRenderer = (dir: string): boolean =>
  existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))

/**
 * The built renderer: `out/renderer` beside the bundle (out/main/cli.js, or a chunk in out/main/chunks/) or
 * under the project root when running from source. A built one has assets/, which tells it apart from the
 * source folder src/renderer.
 */
export const defaultRendererDir = (from: string = __dirname): string | undefined => {
  let dir = from
  for (let i = 0; i < 5; i++) {
    for (const candidate of [join(dir, 'out', 'renderer'), join(dir, 'renderer')]) {
      if (isBuiltRenderer(candidate)) return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return undefined
}

/**
 * `threateye serve`: the core plus the HTTP server (API, events, renderer) without Electron, for a browser on
 * this machine. Like a notebook server, it prints the URL with the token in the fragment: the fragment never
 * reaches the server's logs or the Referer, and the page moves it to sessionStorage.
 */
export const startHeadless = async (opts: HeadlessOptions): Promise<Headless> => {
  const logger = opts.logger ?? createLogger()
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'))
  const token = loadOrCreateToken(opts.dataDir)
  const core = await createCore({ dataDir: opts.dataDir, logger })
  let server: HttpServer
  let url: string
  try {
    await core.start()
    const saved = await core.settings.read()
    const host = opts.host ?? savedListenHost(saved.httpHost, logger)
    const port = opts.port ?? saved.httpPort
    server = createHttpServer({
      core,
      token,
      host,
      port,
      rendererDir: opts.rendererDir ?? defaultRendererDir(),
      logger,
      version: APP_VERSION,
    })
    try {
      url = await server.listen()
    } catch (e) {
      await server.close()
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE') {
        throw new AppError(
          'conflict',
          `Port ${port} on ${host} is already in use; choose another with --port`,
          { host, port },
        )
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
        throw new AppError(
          'invalid_input',
          `Cannot listen on host ${JSON.stringify(host)}: ${code}`,
          { host },
        )
      }
      throw e
    }
  } catch (e) {
    await core.stop()
    throw e
  }
  core.setHttpUrl(url)

  let resolveStopped: () => void = () => {}
  const stopped = new Promise<void>((r) => {
    resolveStopped = r
  })
  let stopping: Promise<void> | null = null
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C means "now": the first is still closing connections or draining writes.
      logger.warn('second signal; exiting without waiting', { signal })
      process.exit(130)
    }
    logger.info('stopping', { signal })
    void stop()
  }
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await server.close()
      } finally {
        core.setHttpUrl(null)
        await core.stop()
        if (opts.handleSignals) {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
        }
        resolveStopped()
      }
    })()
    return stopping
  }
  if (opts.handleSignals) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }

  print(`ThreatEye is serving ${url}/#token=${token}`)
  return { url, token, core, server, stop, stopped }
}
