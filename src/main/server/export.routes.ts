import { PassThrough } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError, contract, isAppError, type MethodSpec } from '#shared/contract'
import { ExportFormatSchema } from '#shared/contract/export.schemas'
import { IndicatorFilterSchema, IndicatorSortSchema } from '#shared/contract/indicators.contract'
import { formatIssuePath, type Core } from '#core'
import { sendError } from './http-errors'
import { REST_PREFIX, asObject, type RestRequestParts } from './rest'
import { fromQuery } from './rest.mappings'
import { sortField } from './rest.seed'
import { fromSnake, snakeKey } from './snake-case'

type Exports = Core['exports']
type ExportRequest = Parameters<Exports['prepare']>[0]

/** The query of GET /indicators/export.csv: the indicator list's filters and sort, and the export's flags. */
const INDICATOR_CSV_INPUT = z.strictObject({
  filter: IndicatorFilterSchema.default({}),
  sort: IndicatorSortSchema.default({ field: 'score', dir: 'desc' }),
  defang: z.boolean().default(false),
  confirmTlp: z.boolean().default(false),
})

const INDICATOR_CSV_SPEC: MethodSpec = {
  summary: 'Stream the CSV of an indicator query',
  mutates: false,
  output: z.unknown(),
  input: INDICATOR_CSV_INPUT,
}

const Flag = z.enum(['true', 'false']).optional()

const TARGET_EXPORT_QUERY = z.strictObject({
  format: ExportFormatSchema.default('csv'),
  defang: Flag,
  confirm_tlp: Flag,
})

const indicatorQuery = fromQuery({
  flatten: ['filter'],
  alias: {
    type: 'filter.types',
    severity: 'filter.severities',
    classification: 'filter.classifications',
    dir: 'sort.dir',
  },
  derived: { sort: sortField },
})

const parsed = <T>(schema: z.ZodType<T>, input: unknown): T => {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const field = issue === undefined ? '(input)' : formatIssuePath(issue.path.map(snakeKeyOf))
  throw new AppError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, { field })
}

const snakeKeyOf = (p: PropertyKey): PropertyKey => (typeof p === 'string' ? snakeKey(p) : p)

/**
 * Streams a prepared export into the response. The target is resolved and its TLP checked before the
 * status line, so a refusal is an ordinary error answer; a client that goes away stops the export.
 */
const streamExport = async (
  exports: Exports,
  reply: FastifyReply,
  exportReq: ExportRequest,
): Promise<FastifyReply> => {
  const prepared = exports.prepare(exportReq)
  const controller = new AbortController()
  const body = new PassThrough()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort()
  })
  prepared.write(body, controller.signal).then(
    () => body.end(),
    (e: unknown) => body.destroy(e instanceof Error ? e : new Error(String(e))),
  )
  return reply
    .type(prepared.mediaType)
    .header('content-disposition', `attachment; filename="${prepared.fileName}"`)
    .header('x-threateye-tlp', prepared.tlp.toUpperCase())
    .send(body)
}

const guarded =
  (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
  async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return await fn(req, reply)
    } catch (e) {
      if (isAppError(e)) return sendError(req, reply, e.toJSON())
      throw e
    }
  }

/**
 * The export routes that stream, beside the export.* routes in rest.routes.ts: a finished export's file,
 * any export straight into the response (POST /exports/stream, the export.start body), and the common case
 * of an indicator query's CSV as a plain GET (the indicator list's query parameters).
 */
export const registerExportRoutes = (app: FastifyInstance, exports: Exports): void => {
  app.get(
    `${REST_PREFIX}/exports/:id/file`,
    guarded(async (req, reply) => {
      const { id } = parsed(z.object({ id: z.uuid() }), req.params)
      const { file, body } = exports.stream(id)
      return reply
        .type(file.mediaType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-threateye-tlp', file.tlp.toUpperCase())
        .send(body)
    }),
  )

  app.post(
    `${REST_PREFIX}/exports/stream`,
    guarded(async (req, reply) => {
      const spec = contract['export.start']
      const input = parsed(spec.input, fromSnake(spec.input, asObject(req.body) ?? {}))
      return streamExport(exports, reply, input)
    }),
  )

  // A report's or a project's export in one GET: `?format=csv|pdf|stix|misp&defang=true&confirm_tlp=true`.
  for (const [path, kind] of [
    ['/reports/:id/export', 'report'],
    ['/projects/:id/export', 'project'],
  ] as const) {
    app.get(
      `${REST_PREFIX}${path}`,
      guarded(async (req, reply) => {
        const { id } = parsed(z.object({ id: z.uuid() }), req.params)
        const q = parsed(TARGET_EXPORT_QUERY, req.query ?? {})
        return streamExport(exports, reply, {
          format: q.format,
          target: { kind, id },
          defang: q.defang === 'true',
          confirmTlp: q.confirm_tlp === 'true',
        })
      }),
    )
  }

  app.get(
    `${REST_PREFIX}/indicators/export.csv`,
    guarded(async (req, reply) => {
      const parts: RestRequestParts = {
        params: {},
        query: (req.query ?? {}) as Record<string, string | string[]>,
        body: undefined,
        bodyKind: 'none',
      }
      const built = indicatorQuery.build(parts, INDICATOR_CSV_SPEC)
      const q = parsed(INDICATOR_CSV_INPUT, built.input)
      return streamExport(exports, reply, {
        format: 'csv',
        target: { kind: 'indicators', filter: q.filter, sort: q.sort },
        defang: q.defang,
        confirmTlp: q.confirmTlp,
      })
    }),
  )
}
