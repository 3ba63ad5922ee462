import type { FastifyReply, FastifyRequest } from 'fastify'
import { HTTP_STATUS, isAppError, type RpcError } from '#shared/contract'

export const RPC_PREFIX = '/api/rpc/'

export const pathOf = (url: string): string => {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

/**
 * What a request addresses, for every decision made before or around its handler (token, origin check,
 * error shape, caching): the pattern of the route it matched (`/api/rpc/:method`), or for an unmatched or
 * wildcard-matched request its percent-decoded path. Never the raw URL: the router decodes `/%61pi/...` to
 * `/api/...`, so a check on the raw text could be walked around.
 */
export const routePathOf = (req: FastifyRequest): string => {
  const pattern = req.routeOptions.url
  // A wildcard (the renderer's `/*`) says nothing about the path: /api/unknown is still an API path.
  if (pattern !== undefined && !pattern.includes('*')) return pattern
  const path = pathOf(req.url)
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

export const isApiPath = (routePath: string): boolean =>
  routePath === '/api' || routePath.startsWith('/api/')

/**
 * Two error shapes leave this server: the rpc route wraps errors in the same envelope as IPC
 * (`{ ok: false, error }`), every other route sends the bare `{ code, message, details }`. Which one a request
 * gets depends only on its path, so errors raised before routing (auth, body parsing) match the route too.
 */
export const sendError = (
  req: FastifyRequest,
  reply: FastifyReply,
  error: RpcError,
): FastifyReply => {
  const status = HTTP_STATUS[error.code]
  const payload = routePathOf(req).startsWith(RPC_PREFIX) ? { ok: false, error } : error
  return reply.code(status).type('application/json; charset=utf-8').send(payload)
}

type FastifyLikeError = Error & { code?: string; statusCode?: number; validation?: unknown }

/** Maps fastify's own errors (body parsing, limits, content types, timeouts) onto our error codes. */
export const fromFastifyError = (e: unknown): RpcError => {
  if (isAppError(e)) return e.toJSON()
  const err = (e instanceof Error ? e : new Error(String(e))) as FastifyLikeError
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        code: 'payload_too_large',
        message: 'Request body is larger than the server accepts',
      }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported', message: 'Unsupported Content-Type; send application/json' }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'invalid_input', message: 'Request body size did not match Content-Length' }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'invalid_input', message: err.message }
    case 'FST_ERR_REQUEST_TIMEOUT':
      return { code: 'cancelled', message: 'The request took too long to arrive' }
    default:
      break
  }
  if (err.validation !== undefined) {
    return { code: 'invalid_input', message: err.message, details: { validation: err.validation } }
  }
  // Any other 4xx from fastify or a plugin is the client's fault; keep its message, pick the nearest code.
  const status = err.statusCode ?? 500
  if (status === 413) return { code: 'payload_too_large', message: err.message }
  if (status === 415) return { code: 'unsupported', message: err.message }
  if (status === 404) return { code: 'not_found', message: err.message }
  if (status >= 400 && status < 500) return { code: 'invalid_input', message: err.message }
  return { code: 'internal', message: 'Internal server error' }
}
