import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RpcResult } from '#shared/contract'
import type { Dispatch } from '#core'

/**
 * Dispatches on behalf of an HTTP request with a signal that aborts when the client goes away, so a long
 * import or search stops working for nobody. The response's `close` is the reliable signal in Node: the
 * request's own `close` fires as soon as its body has been read.
 */
export const dispatchForRequest = async (
  dispatch: Dispatch,
  method: string,
  input: unknown,
  reply: FastifyReply,
): Promise<RpcResult<unknown>> => {
  const controller = new AbortController()
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort()
  }
  reply.raw.once('close', onClose)
  try {
    return await dispatch(method, input, {
      caller: 'http',
      actor: httpActor(reply.request),
      signal: controller.signal,
    })
  } finally {
    reply.raw.off('close', onClose)
  }
}

/**
 * The change log's actor for an HTTP call: `api:` and the first 12 hex digits of the SHA-256 of the token
 * the guard accepted. It tells tokens apart (once there are several) without the log holding one.
 */
export const httpActor = (req: FastifyRequest): string => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (m === null) return 'api'
  return `api:${createHash('sha256').update(m[1]).digest('hex').slice(0, 12)}`
}
