import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { contract, isMethod, type RpcResult } from '#shared/contract'
import type { Dispatch } from '#core'

/**
 * Dispatches on behalf of an HTTP request. A read gets a signal that aborts when the client goes away, so
 * a search stops working for nobody; a change (the contract's `mutates`) runs to its end even then: an
 * import the user started must not be cancelled half-done because a tab closed or a proxy gave up. The
 * response's `close` is the reliable signal in Node: the request's own `close` fires as soon as its body
 * has been read.
 */
export const dispatchForRequest = async (
  dispatch: Dispatch,
  method: string,
  input: unknown,
  reply: FastifyReply,
): Promise<RpcResult<unknown>> => {
  const controller = new AbortController()
  const abortOnClose = !(isMethod(method) && contract[method].mutates)
  const onClose = () => {
    if (abortOnClose && !reply.raw.writableFinished) controller.abort()
  }
  reply.raw.once('close', onClose)
  const release = holdConnection(reply)
  try {
    return await dispatch(method, input, {
      caller: 'http',
      actor: httpActor(reply.request),
      signal: controller.signal,
    })
  } finally {
    release()
    reply.raw.off('close', onClose)
  }
}

/**
 * The server's idle timeout (connectionTimeout) is for clients that stop sending or reading. While a handler
 * works the socket is idle because of us, not the client: the timer is off until the handler answers, then
 * back, so the answer and the keep-alive that follows are timed as before. The request timeout (a whole
 * request received within requestTimeout: slow senders) is Node's own and not touched.
 */
const holdConnection = (reply: FastifyReply): (() => void) => {
  const socket = reply.raw.socket
  // Injected requests (tests) have a stand-in socket without timers.
  if (socket === null || typeof socket.setTimeout !== 'function') return () => {}
  const idleMs = socket.timeout ?? 0
  socket.setTimeout(0)
  return () => {
    if (!socket.destroyed) socket.setTimeout(idleMs)
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
