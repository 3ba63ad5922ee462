import type { FastifyInstance } from 'fastify'
import { HTTP_STATUS } from '#shared/contract'
import type { Dispatch } from '#core'
import { isJsonContentType } from './body-parsers'
import { dispatchForRequest } from './call'
import { RPC_PREFIX, sendError } from './http-errors'

/**
 * `POST /api/rpc/<method>`: the contract over HTTP, generic on purpose. The dispatcher checks the name and the
 * input, so this route knows no method and a new contract method is reachable without touching it.
 */
export const registerRpcRoute = (app: FastifyInstance, dispatch: Dispatch): void => {
  app.post<{ Params: { method: string } }>(`${RPC_PREFIX}:method`, async (req, reply) => {
    if (req.body !== undefined && !isJsonContentType(req.headers['content-type'])) {
      return sendError(req, reply, {
        code: 'unsupported',
        message: `The rpc route takes application/json, not ${req.headers['content-type'] ?? 'an untyped body'}`,
      })
    }
    const result = await dispatchForRequest(dispatch, req.params.method, req.body, reply)
    return reply.code(result.ok ? 200 : HTTP_STATUS[result.error.code]).send(result)
  })
}
