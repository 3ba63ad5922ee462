import Fastify, { type FastifyInstance } from 'fastify'
import { createLogger, type Core, type Logger } from '#core'
import { registerBodyParsers } from './body-parsers'
import { DOCS_HTML, DOCS_JS } from './docs-page'
import { registerEventsRoute } from './events.route'
import { checkHost, checkOrigin, checkToken, isLoopbackHost } from './guards'
import { fromFastifyError, isApiPath, pathOf, routePathOf, sendError } from './http-errors'
import { buildOpenApi } from './openapi'
import { registerRestRoutes } from './rest'
import { REST_ROUTES } from './rest.routes'
import { TRACKING_ROUTES } from './rest.tracking'
import { registerRpcRoute } from './rpc.route'
import { registerSummaryFileRoute } from './summaries-file.route'
import { API_CACHE_CONTROL, SECURITY_HEADERS } from './security-headers'
import { isRendererDir, registerRenderer } from './static'

/** Bulk imports arrive as one body; 32 MiB holds roughly half a million indicators. */
export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024

/** What the server needs of the core: the dispatcher every transport shares, and its events. */
export type HttpCore = Pick<Core, 'dispatch' | 'events'>

export type HttpServerOptions = {
  core: HttpCore
  token: string
  host?: string
  /** 0 picks a free port (tests). */
  port?: number
  /** The built renderer (out/renderer); without it only the API is served. */
  rendererDir?: string
  logger?: Logger
  bodyLimit?: number
  /** Time allowed to receive a whole request, body included (slow senders); not the handler's time. */
  requestTimeoutMs?: number
  /**
   * A socket idle this long is closed (the SSE heartbeat keeps event streams busy). Not while a handler
   * works on the socket's request: a long call keeps its connection (see call.ts).
   */
  connectionTimeoutMs?: number
  /** How often Node checks requests against requestTimeoutMs (its default: 30 s; tests check sooner). */
  requestCheckIntervalMs?: number
  heartbeatMs?: number
  version?: string
}

export type HttpServer = {
  app: FastifyInstance
  /** Starts listening and resolves with the base URL, e.g. `http://127.0.0.1:4517`. */
  listen(): Promise<string>
  close(): Promise<void>
  /** Connected event-stream clients (a disconnected client is unsubscribed and no longer counted). */
  openEventStreams(): number
}

export const createHttpServer = (opts: HttpServerOptions): HttpServer => {
  const host = opts.host ?? '127.0.0.1'
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT
  const logger = opts.logger ?? createLogger()
  const loopback = isLoopbackHost(host)
  const requestTimeout = opts.requestTimeoutMs ?? 120_000
  const app = Fastify({
    logger: false,
    bodyLimit,
    requestTimeout,
    connectionTimeout: opts.connectionTimeoutMs ?? 120_000,
    ...(opts.requestCheckIntervalMs === undefined
      ? {}
      : { http: { connectionsCheckingInterval: opts.requestCheckIntervalMs } }),
    keepAliveTimeout: 5_000,
    trustProxy: false,
    return503OnClosing: true,
    // Closing means the user stopped the server: cut keep-alive sockets and in-flight requests rather than
    // wait for browsers to let go (a cut read's signal aborts it; a change in flight runs on until the core
    // stops, which cancels runs and jobs; bulk imports are idempotent).
    forceCloseConnections: true,
  })

  // Node swaps the two deadlines when headersTimeout (its default: 60 s) exceeds requestTimeout, so a shorter
  // requestTimeout would silently become 60 s for a client trickling its body.
  app.server.headersTimeout = Math.min(app.server.headersTimeout, requestTimeout)

  registerBodyParsers(app)

  app.addHook('onRequest', async (req, reply) => {
    const host = req.headers.host
    // Bound to all interfaces, any name may reach us legitimately; only a loopback bind can pin the Host.
    // The port is the connection's own (injected test requests have none and skip the port comparison).
    const hostError = loopback ? checkHost(host, req.socket.localPort) : null
    const denied =
      hostError ??
      (isApiPath(routePathOf(req))
        ? (checkOrigin(req.headers.origin, headerOf(req.headers['sec-fetch-site']), host) ??
          checkToken(req, opts.token))
        : null)
    if (denied) {
      logger.debug('http request refused', { code: denied.code, path: pathOf(req.url) })
      return sendError(req, reply, denied)
    }
  })

  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v)
    if (isApiPath(routePathOf(req))) reply.header('cache-control', API_CACHE_CONTROL)
    return payload
  })

  app.setErrorHandler((err, req, reply) => {
    const error = fromFastifyError(err)
    if (error.code === 'internal') {
      logger.error('http request failed', { path: pathOf(req.url), error: err })
    }
    return sendError(req, reply, error)
  })

  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, {
      code: 'not_found',
      message: `No route ${req.method} ${pathOf(req.url)}`,
    }),
  )

  registerRpcRoute(app, opts.core.dispatch)
  registerRestRoutes(app, [...REST_ROUTES, ...TRACKING_ROUTES], opts.core.dispatch)
  registerSummaryFileRoute(app, opts.core.dispatch)
  const eventStreams = registerEventsRoute(app, opts.core.events, {
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    maxBufferedBytes: 4 * 1024 * 1024,
  })

  let openApi: string | null = null
  app.get('/api/openapi.json', async (_req, reply) => {
    openApi ??= JSON.stringify(
      buildOpenApi({
        routes: [...REST_ROUTES, ...TRACKING_ROUTES],
        version: opts.version ?? '0.0.0',
        bodyLimit,
      }),
    )
    return reply.type('application/json; charset=utf-8').send(openApi)
  })
  app.get('/api/docs', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(DOCS_HTML),
  )
  app.get('/api/docs.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(DOCS_JS),
  )

  if (isRendererDir(opts.rendererDir)) registerRenderer(app, opts.rendererDir)
  else logger.info('no built renderer; serving the API only', { rendererDir: opts.rendererDir })

  const boundPort = (): number | undefined => {
    const address = app.server.address()
    return address && typeof address === 'object' ? address.port : undefined
  }

  return {
    app,
    listen: async () => {
      await app.listen({ host, port: opts.port ?? 0 })
      const port = boundPort()
      const shownHost = host.includes(':') ? `[${host}]` : host
      if (!loopback) {
        logger.warn('the API listens beyond this machine; anyone with the token can use it', {
          host,
        })
      }
      return `http://${shownHost}:${port}`
    },
    close: () => app.close(),
    openEventStreams: () => eventStreams.openStreams(),
  }
}

const headerOf = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v[0] : v
