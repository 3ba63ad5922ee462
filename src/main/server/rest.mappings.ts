import { z } from 'zod'
import type { MethodSpec } from '#shared/contract'
import { coerceQueryValue, objectShape, schemaAt, unwrapSchema } from './schema-walk'
import { fromSnake, snakeKey, snakePath, toSnake } from './snake-case'
import {
  asObject,
  invalid,
  setOwn,
  snakeSchema,
  toJsonSchema,
  type InputMapping,
  type OutputMapping,
  type RestRequestParts,
} from './rest'

/**
 * The ways a /api/v1 request becomes a contract input (body, path parameters, query string) and a contract
 * output becomes the response, all renamed through snake-case.ts. rest.routes.ts picks one of each per route.
 */

const withParams = (parts: RestRequestParts, base: unknown): unknown => {
  const obj = asObject(base)
  if (!obj) return base
  for (const [k, v] of Object.entries(parts.params)) setOwn(obj, [k], v)
  return obj
}

/** The JSON body is the input, its keys in snake_case (plus path parameters). */
export const fromBody = (
  opts: { rewrite?: (input: Record<string, unknown>) => Record<string, unknown> } = {},
): InputMapping => ({
  accepts: ['json'],
  build: (parts, spec) => {
    const camel = fromSnake(spec.input, parts.body ?? {})
    const obj = asObject(camel)
    return { input: withParams(parts, obj && opts.rewrite ? opts.rewrite(obj) : camel), skip: 0 }
  },
  requestPath: (path, spec) => snakePath(spec.input, path),
  bodySchema: (spec) => snakeSchema(spec.input, 'input'),
  queryParams: () => [],
})

/**
 * Only the path parameters (`/:id` -> `{ id }`). A JSON body is still merged in rather than refused, so clients
 * that always send `{}` work and a stray field is reported by name.
 */
export const fromParams = (): InputMapping => ({ ...fromBody(), bodySchema: () => null })

/** Path parameters merged with an optional JSON body (`POST /:id/mark-false-positive { reason }`). */
export const fromParamsAndBody = (): InputMapping => ({
  ...fromBody(),
  bodySchema: (spec) => {
    const { inner } = unwrapSchema(spec.input)
    return inner instanceof z.ZodObject ? snakeSchema(inner.omit({ id: true }), 'input') : null
  },
})

/** Path parameters plus the JSON body under one key (`PATCH /:id` -> `{ id, patch: body }`). */
export const fromParamsAndBodyAs = (key: string): InputMapping => ({
  accepts: ['json'],
  build: (parts, spec) => ({
    input: withParams(parts, { [key]: fromSnake(schemaAt(spec.input, [key]), parts.body ?? {}) }),
    skip: 0,
  }),
  requestPath: (path, spec) =>
    path[0] === key ? snakePath(schemaAt(spec.input, [key]), path.slice(1)) : [...path],
  bodySchema: (spec) => {
    const s = schemaAt(spec.input, [key])
    return s ? snakeSchema(s, 'input') : null
  },
  queryParams: () => [],
})

/** A query parameter computed into the input rather than copied (`active_only=true` -> two filters). */
export type DerivedParam = {
  schema: z.ZodType
  apply(value: unknown, input: Record<string, unknown>): void
}

export type QueryOptions = {
  /** Nested objects whose fields become top-level parameters (`?score_min=` -> `filter.scoreMin`). */
  flatten?: readonly string[]
  /** Parameter names for contract paths (`type_filter` -> `filter.types`); replaces the derived name. */
  alias?: Readonly<Record<string, string>>
  derived?: Readonly<Record<string, DerivedParam>>
  /** Defaults of this API that differ from the contract's (the seed's search pages hold 50). */
  defaults?: Readonly<Record<string, string>>
  /** Accept `offset` and skip that many results by following the method's cursors. */
  offset?: boolean
}

const OFFSET = z.number().int().min(0).max(1_000_000).default(0)

/** The query string is the input: snake_case names, typed by the contract's schemas. */
export const fromQuery = (opts: QueryOptions = {}): InputMapping => {
  const layout = (spec: MethodSpec): Map<string, string[]> => {
    const out = new Map<string, string[]>()
    const aliased = new Set(Object.values(opts.alias ?? {}))
    const add = (path: string[]) => {
      if (!aliased.has(path.join('.'))) out.set(snakeKey(path[path.length - 1] ?? ''), path)
    }
    for (const [key, schema] of Object.entries(objectShape(spec.input) ?? {})) {
      const nested = objectShape(schema)
      if (opts.flatten?.includes(key) && nested) {
        for (const child of Object.keys(nested)) add([key, child])
      } else if (!nested) {
        add([key])
      }
    }
    for (const [name, path] of Object.entries(opts.alias ?? {})) out.set(name, path.split('.'))
    return out
  }
  /** The computed parameters; `offset` hands its value to `onSkip`. */
  const derived = (onSkip: (n: number) => void): [string, DerivedParam][] => [
    ...Object.entries(opts.derived ?? {}),
    ...(opts.offset
      ? [
          [
            'offset',
            { schema: OFFSET, apply: (v: unknown) => onSkip(typeof v === 'number' ? v : 0) },
          ] satisfies [string, DerivedParam],
        ]
      : []),
  ]
  return {
    accepts: [],
    build: (parts, spec) => {
      const input: Record<string, unknown> = {}
      const query = { ...opts.defaults, ...parts.query }
      let skip = 0
      const params = new Map(derived((n) => (skip = n)))
      const later: (() => void)[] = []
      for (const [name, d] of params) {
        const raw = query[name]
        const parsed = d.schema.safeParse(
          raw === undefined ? undefined : coerceQueryValue(d.schema, raw),
        )
        if (!parsed.success) throw invalid(name, parsed.error.issues[0]?.message ?? 'invalid')
        later.push(() => d.apply(parsed.data, input))
      }
      const map = layout(spec)
      for (const [name, raw] of Object.entries(query)) {
        if (params.has(name)) continue
        const path = map.get(name) ?? [name]
        setOwn(input, path, coerceQueryValue(schemaAt(spec.input, path), raw))
      }
      // Computed parameters fill in what the explicit ones left open.
      for (const f of later) f()
      return { input: withParams(parts, input), skip }
    },
    requestPath: (path, spec) => {
      for (const [name, target] of layout(spec)) {
        if (target.every((seg, i) => path[i] === seg)) {
          const below = schemaAt(spec.input, target)
          return [name, ...snakePath(below, path.slice(target.length))]
        }
      }
      return snakePath(spec.input, path)
    },
    bodySchema: () => null,
    queryParams: (spec) => [
      ...[...layout(spec)].map(([name, path]) => {
        const s = schemaAt(spec.input, path)
        return {
          name,
          schema: s ? snakeSchema(s, 'input') : {},
          array: s ? unwrapSchema(s).inner instanceof z.ZodArray : false,
        }
      }),
      ...derived(() => undefined).map(([name, d]) => ({
        name,
        schema: toJsonSchema(d.schema, 'input'),
        array: false,
      })),
    ],
  }
}

/** A page or list (`{ items }`) sent as the bare array of its items, as the seed's list routes do. */
export const asArray = (): OutputMapping => ({
  send: (value, spec) =>
    Promise.resolve(toSnake(schemaAt(spec.output, ['items']), asObject(value)?.items ?? [])),
  schema: (spec) => {
    const items = schemaAt(spec.output, ['items'])
    return items ? snakeSchema(items, 'output') : { type: 'array' }
  },
})

/**
 * A text search's answer is a bare array here (the seed's shape), which has no room for whether the search
 * index saw every row: headers say it. `X-Search-Partial: true` means a row that exists may be missing
 * (the index is rebuilding or catching up); `X-Search-Indexed` of `X-Search-Total` rows are indexed so far.
 */
export const withSearchCoverage = (mapping: OutputMapping): OutputMapping => ({
  ...mapping,
  headers: {
    of: (value) => {
      const v = asObject(value)
      if (typeof v?.partial !== 'boolean') return {}
      const progress = asObject(v.indexProgress)
      return {
        'x-search-partial': String(v.partial),
        ...(progress
          ? {
              'x-search-indexed': String(progress.indexed),
              'x-search-total': String(progress.total),
            }
          : {}),
      }
    },
    docs: {
      'X-Search-Partial': {
        description:
          'true while the search index is rebuilding or catching up: indicators that exist may be missing from the result (sent when the request searched text)',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
      'X-Search-Indexed': {
        description: 'While partial: indicators the search index covers so far',
        schema: { type: 'string', pattern: '^[0-9]+$' },
      },
      'X-Search-Total': {
        description: 'While partial: indicators in the table',
        schema: { type: 'string', pattern: '^[0-9]+$' },
      },
    },
  },
})
