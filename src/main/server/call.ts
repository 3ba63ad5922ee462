import type { FastifyReply } from 'fastify'
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
    return await dispatch(method, input, { caller: 'http', signal: controller.signal })
  } finally {
    reply.raw.off('close', onClose)
  }
}
