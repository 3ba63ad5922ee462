import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import {
  AppError,
  contract,
  isAppError,
  type Method,
  type MethodSpec,
  type RpcError,
  type RpcResult,
} from '#shared/contract'
import type { Dispatch } from '#core'
import { isJsonContentType, isTextContentType } from './body-parsers'
import { dispatchForRequest } from './call'
import { sendError } from './http-errors'
import {
  formatPath,
  parsePath,
  snakeJsonSchema,
  snakeKey,
  toSnake,
  type PathSegment,
} from './snake-case'

/**
 * /api/v1 is the seed platform's REST API: snake_case names, its query parameters, its shapes. Each route
 * names the contract method it calls and two mappings, request -> contract input and contract output ->
 * response; both rename through snake-case.ts, so validation, errors and the OpenAPI document all follow from
 * the contract's schemas.
 */
export const REST_PREFIX = '/api/v1'

export type BodyKind = 'json' | 'text'
export type RestVerb = 'GET' | 'POST' | 'PATCH' | 'DELETE'
export type JsonSchema = Record<string, unknown>

export type RestRequestParts = {
  params: Readonly<Record<string, string>>
  query: Readonly<Record<string, string | string[]>>
  body: unknown
  bodyKind: BodyKind | 'none'
}

export type QueryParamDoc = { name: string; schema: JsonSchema; array: boolean }

/** What a request asks for: the contract input, and how many leading results to skip (`offset`). */
export type BuiltInput = { input: unknown; skip: number }

/** How a REST request becomes a contract input, and how OpenAPI describes that. */
export type InputMapping = {
  accepts: readonly BodyKind[]
  /** Throws AppError('invalid_input') naming the request's own field when the request cannot be mapped. */
  build(parts: RestRequestParts, spec: MethodSpec): BuiltInput
  /** A path into the contract input (a validation issue) in the request's names. */
  requestPath(path: readonly PathSegment[], spec: MethodSpec): PathSegment[]
  /** The request body OpenAPI documents (null: the route takes none). */
  bodySchema(spec: MethodSpec): JsonSchema | null
  queryParams(spec: MethodSpec): QueryParamDoc[]
}

/** What a route's handler can reach besides the value: more calls (a bulk answer looks its rows up). */
export type RestCall = { call: (method: Method, input: unknown) => Promise<RpcResult<unknown>> }

export type OutputMapping = {
  send(value: unknown, spec: MethodSpec, input: unknown, rest: RestCall): Promise<unknown>
  schema(spec: MethodSpec): JsonSchema
  /** The success status when it depends on the value (a create that merged into an existing row: 200). */
  status?(value: unknown): 200 | 201
  /** Response headers carrying what a body of the seed's shape has no room for. */
  headers?: {
    of(value: unknown): Record<string, string>
    /** OpenAPI `headers` of the success response. */
    docs: Record<string, { description: string; schema: JsonSchema }>
  }
}

export type RestRoute = {
  verb: RestVerb
  /** REST_PREFIX, or `/api` for the seed tracking service's routes. */
  prefix: string
  /** Below the prefix, fastify syntax (`/indicators/:id`). */
  path: string
  method: Method
  input: InputMapping
  output: OutputMapping
  /**
   * Success status: 200, 201 for creations, 202 for work accepted to run on (a job), 204 when the value
   * says nothing (deletions).
   */
  status: 200 | 201 | 202 | 204
}

/** One line per route in rest.routes.ts. */
export const route = <K extends Method>(
  verb: RestVerb,
  path: string,
  method: K,
  input: InputMapping,
  opts: { status?: RestRoute['status']; output?: OutputMapping; prefix?: string } = {},
): RestRoute => ({
  verb,
  prefix: opts.prefix ?? REST_PREFIX,
  path,
  method,
  input,
  output: opts.output ?? asSnake(),
  status: opts.status ?? 200,
})

/** zod 4 emits JSON Schema 2020-12, which OpenAPI 3.1 embeds as is. */
export const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  delete json.$schema
  return json
}

export const snakeSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  snakeJsonSchema(toJsonSchema(schema, io)) as JsonSchema

export const setOwn = (
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
) => {
  let obj = target
  path.forEach((key, i) => {
    const own = (v: unknown) =>
      Object.defineProperty(obj, key, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    if (i === path.length - 1) {
      own(value)
      return
    }
    const next = Object.hasOwn(obj, key) ? obj[key] : undefined
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      obj = next as Record<string, unknown>
    } else {
      const fresh: Record<string, unknown> = {}
      own(fresh)
      obj = fresh
    }
  })
}

export const asObject = (body: unknown): Record<string, unknown> | undefined =>
  body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined

export const invalid = (field: string, message: string): AppError =>
  new AppError('invalid_input', `${field}: ${message}`, {
    field,
    issues: [{ path: field, message, code: 'custom' }],
  })

/** The value with its keys in snake_case. */
export const asSnake = (): OutputMapping => ({
  send: (value, spec) => Promise.resolve(toSnake(spec.output, value)),
  schema: (spec) => snakeSchema(spec.output, 'output'),
})

const bodyKindOf = (req: FastifyRequest): RestRequestParts['bodyKind'] => {
  if (req.body === undefined) return 'none'
  const ct = req.headers['content-type']
  if (isJsonContentType(ct)) return 'json'
  if (isTextContentType(ct)) return 'text'
  return 'none'
}

type Issue = { path: string; message: string; code?: string }

/** A validation error of the contract input, told in the request's names. */
const inRequestTerms = (error: RpcError, r: RestRoute, spec: MethodSpec): RpcError => {
  const details = asObject(error.details)
  if (error.code === 'invalid_input' && details && Array.isArray(details.issues)) {
    const issues = (details.issues as Issue[]).map((i) => ({
      ...i,
      path: formatPath(r.input.requestPath(parsePath(i.path), spec)),
    }))
    const first = issues[0]
    if (!first) return error
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
    return {
      code: error.code,
      message: `${first.path}: ${first.message}${more}`,
      details: { ...details, field: first.path, issues },
    }
  }
  if (details && typeof details.field === 'string') {
    return { ...error, details: { ...details, field: snakeKey(details.field) } }
  }
  return error
}

/** Follows the method's cursors past `skip` results, then returns the page the request asked for. */
const skipThenCall = async (
  call: RestCall['call'],
  method: Method,
  input: unknown,
  skip: number,
): Promise<RpcResult<unknown>> => {
  const base = asObject(input) ?? {}
  let cursor = base.cursor
  let left = skip
  while (left > 0) {
    const step = Math.min(left, 1000)
    const page = await call(method, { ...base, cursor, limit: step })
    if (!page.ok) return page
    const value = page.value as { items: unknown[]; nextCursor: string | null }
    left -= value.items.length
    if (value.nextCursor === null || value.items.length < step)
      return { ok: true, value: { items: [], nextCursor: null } }
    cursor = value.nextCursor
  }
  return call(method, cursor === undefined ? base : { ...base, cursor })
}

export const registerRestRoutes = (
  app: FastifyInstance,
  routes: readonly RestRoute[],
  dispatch: Dispatch,
): void => {
  for (const r of routes) {
    const spec: MethodSpec = contract[r.method]
    app.route({
      method: r.verb,
      url: r.prefix + r.path,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const bodyKind = bodyKindOf(req)
        if (bodyKind !== 'none' && !r.input.accepts.includes(bodyKind)) {
          return sendError(req, reply, {
            code: 'unsupported',
            message: r.input.accepts.length
              ? `${r.verb} ${r.path} takes ${r.input.accepts.map(mediaType).join(' or ')}, not ${req.headers['content-type'] ?? 'this body'}`
              : `${r.verb} ${r.path} takes no request body`,
          })
        }
        const parts: RestRequestParts = {
          params: (req.params ?? {}) as Record<string, string>,
          query: (req.query ?? {}) as Record<string, string | string[]>,
          body: req.body,
          bodyKind,
        }
        const rest: RestCall = { call: (m, input) => dispatchForRequest(dispatch, m, input, reply) }
        try {
          // A JSON array or scalar where an object belongs goes to the schema as is: it names what it expected.
          const built: BuiltInput =
            bodyKind === 'json' && !asObject(req.body)
              ? { input: req.body, skip: 0 }
              : r.input.build(parts, spec)
          const result =
            built.skip > 0
              ? await skipThenCall(rest.call, r.method, built.input, built.skip)
              : await rest.call(r.method, built.input)
          if (!result.ok) return sendError(req, reply, inRequestTerms(result.error, r, spec))
          if (r.status === 204) return reply.code(204).send()
          const body = await r.output.send(result.value, spec, built.input, rest)
          if (r.output.headers) void reply.headers(r.output.headers.of(result.value))
          return reply.code(r.output.status?.(result.value) ?? r.status).send(body)
        } catch (e) {
          if (isAppError(e)) return sendError(req, reply, e.toJSON())
          throw e
        }
      },
    })
  }
}

export const mediaType = (kind: BodyKind): string =>
  kind === 'json' ? 'application/json' : 'text/plain'
