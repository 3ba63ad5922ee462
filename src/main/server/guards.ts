import type { FastifyRequest } from 'fastify'
import type { RpcError } from '#shared/contract'
import { tokenMatches } from './api-token'
import { isApiPath, routePathOf } from './http-errors'
import { isLoopbackHost } from '#shared/domain/loopback'

/**
 * /api routes that need no token. The OpenAPI document and the docs page describe the API's shape, which
 * ships with the app and is public in its source; they hold no indicator, project or setting, so a tool or a
 * person can discover the API before holding the token. The Host/Origin checks still apply to them.
 */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set([
  '/api/openapi.json',
  '/api/docs',
  '/api/docs.js',
])
export const EVENTS_PATH = '/api/events'

export { isLoopbackHost }

/**
 * The address a saved setting may bind: loopback only. A non-loopback one (saved by an older version, or
 * written into the database by hand) is not obeyed: exposing the API is chosen on the command line or in the
 * desktop's confirmation dialog, never by a stored value alone.
 */
export const savedListenHost = (saved: string, logger?: { warn(m: string, f?: object): void }) => {
  if (isLoopbackHost(saved)) return saved
  logger?.warn('saved httpHost is not a loopback address; listening on 127.0.0.1 instead', {
    saved,
  })
  return '127.0.0.1'
}

/**
 * DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1 and then talk to this
 * server as a "same-origin" site. The browser still sends `Host: evil.example[:port]`, so a loopback-bound
 * server accepts only loopback names on its own port. (The token already stops data access; this also keeps
 * such a page from probing the token-less routes or tying up the server.)
 */
export const checkHost = (
  hostHeader: string | undefined,
  port: number | undefined,
): RpcError | null => {
  if (!hostHeader) return { code: 'forbidden', message: 'Missing Host header' }
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader)
  if (!m || !isLoopbackHost(m[1] ?? '')) {
    return {
      code: 'forbidden',
      message: `Host ${JSON.stringify(hostHeader)} is not allowed; use 127.0.0.1 or localhost`,
    }
  }
  // Without a port the client means :80; only accept that if we really listen there.
  const presented = m[2] === undefined ? 80 : Number(m[2])
  if (port !== undefined && presented !== port) {
    return {
      code: 'forbidden',
      message: `Host ${JSON.stringify(hostHeader)} names another port than this server's`,
    }
  }
  return null
}

/**
 * Cross-origin browser requests: a page elsewhere can fire "simple" requests (form posts, text/plain fetches,
 * image loads) at this server without a CORS preflight. They are refused when the browser tells us the origin
 * (Origin header) or that the request is cross-site (Sec-Fetch-Site). Same-origin pages — the renderer we serve
 * — and non-browser clients (curl, scripts, the CLI) pass. We send no CORS headers, so browsers also never let
 * another origin read a response.
 */
export const checkOrigin = (
  origin: string | undefined,
  secFetchSite: string | undefined,
  hostHeader: string | undefined,
): RpcError | null => {
  if (secFetchSite === 'cross-site') {
    return { code: 'forbidden', message: 'Cross-site requests are not allowed' }
  }
  if (origin === undefined) return null
  const host = hostHeader?.toLowerCase()
  const own = host ? [`http://${host}`, `https://${host}`] : []
  if (!own.includes(origin.toLowerCase())) {
    return {
      code: 'forbidden',
      message: `Requests from origin ${JSON.stringify(origin)} are not allowed`,
    }
  }
  return null
}

const bearer = (header: string | undefined): string | undefined => {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return m?.[1]
}

/** Every /api route needs the token, as a Bearer header; the SSE stream may also take `?token=` (EventSource). */
export const checkToken = (req: FastifyRequest, token: string): RpcError | null => {
  const path = routePathOf(req)
  if (!isApiPath(path) || PUBLIC_API_PATHS.has(path)) return null
  let presented = bearer(req.headers.authorization)
  if (presented === undefined && path === EVENTS_PATH) {
    const q = (req.query as Record<string, unknown> | undefined)?.token
    if (typeof q === 'string') presented = q
  }
  if (tokenMatches(presented, token)) return null
  return {
    code: 'unauthorized',
    message:
      presented === undefined
        ? 'Missing API token: send "Authorization: Bearer <token>" (see `threateye token`)'
        : 'Invalid API token',
  }
}
