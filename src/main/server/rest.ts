import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { contract, type Method, type MethodSpec } from '#shared/contract'
import type { Dispatch } from '#core'
import { isJsonContentType, isTextContentType } from './body-parsers'
import { dispatchForRequest } from './call'
import { sendError } from './http-errors'
import { coerceQueryValue, objectShape, schemaAt, unwrapSchema } from './schema-walk'

export const REST_PREFIX = '/api/v1'

export type BodyKind = 'json' | 'text'
export type RestVerb = 'GET' | 'POST' | 'PATCH' | 'DELETE'

export type RestRequestParts = {
  params: Readonly<Record<string, string>>
  query: Readonly<Record<string, string | string[]>>
  body: unknown
  bodyKind: BodyKind | 'none'
}

export type QueryParamDoc = { name: string; schema: z.ZodType | null }

/** How a REST request becomes a contract input, and how OpenAPI describes that. */
export type InputMapping = {
  build(parts: RestRequestParts, spec: MethodSpec): unknown
  /** The request body OpenAPI documents (null: the route takes none). */
  bodySchema(spec: MethodSpec): z.ZodType | null
  queryParams(spec: MethodSpec): QueryParamDoc[]
  accepts: readonly BodyKind[]
}

export type RestRoute = {
  verb: RestVerb
  /** Below /api/v1, fastify syntax (`/indicators/:id`). */
  path: string
  method: Method
  input: InputMapping
  /** Success status: 200, 201 for creations, 204 when the value says nothing (deletions). */
  status: 200 | 201 | 204
}

/** One line per route in rest.routes.ts. */
export const route = <K extends Method>(
  verb: RestVerb,
  path: string,
  method: K,
  input: InputMapping,
  status: RestRoute['status'] = 200,
): RestRoute => ({ verb, path, method, input, status })

const setOwn = (target: Record<string, unknown>, path: readonly string[], value: unknown): void => {
  let obj = target
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      // defineProperty: a `__proto__` query key becomes a plain own key that the strict schema then rejects.
      Object.defineProperty(obj, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      return
    }
    const next = Object.hasOwn(obj, key) ? obj[key] : undefined
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      obj = next as Record<string, unknown>
    } else {
      const fresh: Record<string, unknown> = {}
      Object.defineProperty(obj, key, {
        value: fresh,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      obj = fresh
    }
  })
}

const withParams = (
  parts: RestRequestParts,
  base: Record<string, unknown>,
): Record<string, unknown> => {
  for (const [k, v] of Object.entries(parts.params)) setOwn(base, [k], v)
  return base
}

/**
 * Query string → input. Top-level scalar fields keep their names; `flatten` lifts a nested object's fields to
 * the top (`?scoreMin=` → `filter.scoreMin`); `alias` adds friendlier names (`?type=` → `filter.types`).
 * A parameter that maps nowhere stays a top-level key, so the strict schema names it as unknown.
 */
export const fromQuery = (
  opts: { flatten?: readonly string[]; alias?: Readonly<Record<string, string>> } = {},
): InputMapping => {
  const layout = (spec: MethodSpec): Map<string, string[]> => {
    const out = new Map<string, string[]>()
    for (const [key, schema] of Object.entries(objectShape(spec.input) ?? {})) {
      const nested = objectShape(schema)
      if (opts.flatten?.includes(key) && nested) {
        for (const child of Object.keys(nested)) out.set(child, [key, child])
      } else if (!nested) {
        out.set(key, [key])
      }
    }
    for (const [name, path] of Object.entries(opts.alias ?? {})) out.set(name, path.split('.'))
    return out
  }
  return {
    accepts: [],
    build: (parts, spec) => {
      const map = layout(spec)
      const input: Record<string, unknown> = {}
      for (const [name, raw] of Object.entries(parts.query)) {
        const path = map.get(name) ?? [name]
        setOwn(input, path, coerceQueryValue(schemaAt(spec.input, path), raw))
      }
      return withParams(parts, input)
    },
    bodySchema: () => null,
    queryParams: (spec) =>
      [...layout(spec)].map(([name, path]) => ({ name, schema: schemaAt(spec.input, path) })),
  }
}

/** The JSON body is the input (plus path parameters). */
export const fromBody = (): InputMapping => ({
  accepts: ['json'],
  build: (parts) => withParams(parts, { ...asObject(parts.body) }),
  bodySchema: (spec) => spec.input,
  queryParams: () => [],
})

/**
 * Only the path parameters (`/:id` → `{ id }`). A JSON body is still merged in rather than refused, so clients
 * that always send `{}` work and a stray field is reported by name.
 */
export const fromParams = (): InputMapping => ({
  ...fromBody(),
  bodySchema: () => null,
})

/** Path parameters plus the JSON body under one key (`PATCH /:id` → `{ id, patch: body }`). */
export const fromParamsAndBodyAs = (key: string): InputMapping => ({
  accepts: ['json'],
  build: (parts) => withParams(parts, { [key]: parts.body ?? {} }),
  bodySchema: (spec) => schemaAt(spec.input, [key]),
  queryParams: () => [],
})

/** Path parameters merged with an optional JSON body (`POST /:id/mark-false-positive { reason }`). */
export const fromParamsAndBody = (): InputMapping => ({
  ...fromBody(),
  bodySchema: (spec) => {
    const { inner } = unwrapSchema(spec.input)
    return inner instanceof z.ZodObject ? inner.omit({ id: true }) : null
  },
})

/** The JSON body, or a text/plain body as `{ text }` (paste a list with curl --data-binary @file). */
export const fromBodyOrText = (): InputMapping => ({
  accepts: ['json', 'text'],
  build: (parts) =>
    parts.bodyKind === 'text'
      ? { text: parts.body }
      : withParams(parts, { ...asObject(parts.body) }),
  bodySchema: (spec) => spec.input,
  queryParams: () => [],
})

const asObject = (body: unknown): Record<string, unknown> | undefined =>
  body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined

const bodyKindOf = (req: FastifyRequest): RestRequestParts['bodyKind'] => {
  if (req.body === undefined) return 'none'
  const ct = req.headers['content-type']
  if (isJsonContentType(ct)) return 'json'
  if (isTextContentType(ct)) return 'text'
  return 'none'
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
      url: REST_PREFIX + r.path,
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
        // A JSON array or scalar where an object belongs goes to the schema as is: it names what it expected.
        const input =
          bodyKind === 'json' && !asObject(req.body) ? req.body : r.input.build(parts, spec)
        const result = await dispatchForRequest(dispatch, r.method, input, reply)
        if (!result.ok) return sendError(req, reply, result.error)
        if (r.status === 204) return reply.code(204).send()
        return reply.code(r.status).send(result.value)
      },
    })
  }
}

export const mediaType = (kind: BodyKind): string =>
  kind === 'json' ? 'application/json' : 'text/plain'
