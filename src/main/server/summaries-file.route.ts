import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Out, RpcError, RpcResult } from '#shared/contract'
import { SUMMARY_CHUNK_MAX } from '#shared/contract/summaries.contract'
import type { Dispatch } from '#core'
import { dispatchForRequest } from './call'
import { sendError } from './http-errors'
import { REST_PREFIX } from './rest'

type Chunk = Out<'summaries.readFile'>

const chunkOf = (r: RpcResult<unknown>): Chunk | RpcError => (r.ok ? (r.value as Chunk) : r.error)

/**
 * `GET /api/v1/summaries/:id/file`: a summary report's file as a download. It reads through the same
 * contract method the renderer uses (summaries.readFile), a bounded chunk at a time, so the server needs no
 * path of its own into the data directory and memory stays at one chunk whatever the file's size. The first
 * chunk is read before the headers go out: a missing report or file is a proper error response.
 */
export const registerSummaryFileRoute = (app: FastifyInstance, dispatch: Dispatch): void => {
  app.get<{ Params: { id: string } }>(`${REST_PREFIX}/summaries/:id/file`, async (req, reply) => {
    const read = async (offset: number) =>
      chunkOf(
        await dispatchForRequest(
          dispatch,
          'summaries.readFile',
          { id: req.params.id, offset, length: SUMMARY_CHUNK_MAX },
          reply,
        ),
      )
    const first = await read(0)
    if ('code' in first) return sendError(req, reply, first)
    const head: Chunk = first
    async function* rest(): AsyncGenerator<Buffer> {
      let chunk = head
      for (;;) {
        const bytes = Buffer.from(chunk.data, 'base64')
        yield bytes
        if (chunk.eof || bytes.length === 0) return
        const next = await read(chunk.offset + bytes.length)
        // Headers are gone: a failure now can only cut the download short.
        if ('code' in next) throw new Error(`summary file read failed: ${next.message}`)
        chunk = next
      }
    }
    return reply
      .header('content-type', head.contentType)
      .header('content-length', String(head.size))
      .header('content-disposition', `attachment; filename="${head.name.replace(/["\\]/g, '_')}"`)
      .header('x-content-type-options', 'nosniff')
      .send(Readable.from(rest()))
  })
}
