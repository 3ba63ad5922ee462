import { z } from 'zod'
import {
  INDICATOR_SORT_FIELDS,
  IndicatorCreateSchema,
  IndicatorSchema,
} from '#shared/contract/indicators.contract'
import type { BulkReport } from '#shared/contract/indicators.contract'
import { detectType } from '#shared/domain'
import {
  asObject,
  invalid,
  setOwn,
  snakeSchema,
  type InputMapping,
  type JsonSchema,
  type OutputMapping,
} from './rest'
import { fromBody, type DerivedParam } from './rest.mappings'
import { fromSnake, snakeKey, snakePath, toSnake } from './snake-case'

/** The seed's bulk route takes at most this many indicators per request. */
export const SEED_BULK_MAX = 1000

const DIGESTS = new Set(['md5', 'sha1', 'sha256', 'sha512'])

/**
 * The seed's `"type": "hash"` names no algorithm: the digest's length does (MD5 32, SHA-1 40, SHA-256 64,
 * SHA-512 128 hex characters). `at` prefixes the field in the error (`indicators[2].`).
 */
export const resolveHashType = (
  item: Record<string, unknown>,
  at = '',
): Record<string, unknown> => {
  if (item.type !== 'hash' || typeof item.value !== 'string') return item
  const value = item.value.trim()
  const type = detectType(value)
  if (type === null || !DIGESTS.has(type)) {
    const what = /^[0-9a-f]*$/i.test(value)
      ? `${value.length} hex characters`
      : 'not a hexadecimal digest'
    throw invalid(
      `${at}value`,
      `type "hash" needs an MD5 (32), SHA-1 (40), SHA-256 (64) or SHA-512 (128) hex digest; this value is ${what}`,
    )
  }
  return { ...item, type }
}

/** The documented type of an indicator in a request: the contract's types and the seed's `hash`. */
const withHashType = (schema: JsonSchema): JsonSchema => {
  const props = asObject(schema.properties)
  const type = asObject(props?.type)
  if (!props || !type || !Array.isArray(type.enum)) return schema
  return {
    ...schema,
    properties: {
      ...props,
      type: {
        ...type,
        enum: [...(type.enum as unknown[]), 'hash'],
        description:
          'Omit to detect it from the value. "hash" is an MD5, SHA-1, SHA-256 or SHA-512 digest, told by its length.',
      },
    },
  }
}

/** POST /indicators: the seed's body, `"type": "hash"` included. */
export const seedIndicatorBody = (): InputMapping => ({
  ...fromBody({ rewrite: (o) => resolveHashType(o) }),
  bodySchema: (spec) => withHashType(snakeSchema(spec.input, 'input')),
})

const ITEMS = z.array(IndicatorCreateSchema)

/**
 * POST /indicators/bulk: `{ project_id, indicators: [...] }` (1 to 1000, each like POST /indicators), or a
 * text/plain body of pasted indicators.
 */
export const seedBulkBody = (): InputMapping => ({
  accepts: ['json', 'text'],
  build: (parts) => {
    if (parts.bodyKind === 'text') return { input: { text: parts.body }, skip: 0 }
    const body = asObject(parts.body) ?? {}
    for (const key of Object.keys(body)) {
      if (key !== 'project_id' && key !== 'indicators')
        throw invalid(key, 'unknown field; the body is { "project_id", "indicators": [...] }')
    }
    const list = body.indicators
    if (!Array.isArray(list))
      throw invalid('indicators', `required: a list of 1 to ${SEED_BULK_MAX}`)
    if (list.length < 1 || list.length > SEED_BULK_MAX)
      throw invalid('indicators', `${list.length} given; send 1 to ${SEED_BULK_MAX} per request`)
    const items = list.map((item, i) => {
      const camel = fromSnake(IndicatorCreateSchema, item, ['indicators', i])
      const obj = asObject(camel)
      return obj ? resolveHashType(obj, `indicators[${i}].`) : camel
    })
    const input: Record<string, unknown> = { items }
    if (body.project_id !== undefined) input.defaults = { projectId: body.project_id }
    return { input, skip: 0 }
  },
  requestPath: (path) => {
    if (path[0] === 'items') return ['indicators', ...snakePath(ITEMS, path.slice(1))]
    if (path[0] === 'defaults' && path[1] === 'projectId') return ['project_id', ...path.slice(2)]
    return [...path]
  },
  bodySchema: () => ({
    type: 'object',
    additionalProperties: false,
    required: ['indicators'],
    properties: {
      project_id: {
        type: 'string',
        format: 'uuid',
        description: 'Project of every indicator that does not name one',
      },
      indicators: {
        type: 'array',
        minItems: 1,
        maxItems: SEED_BULK_MAX,
        items: withHashType(snakeSchema(IndicatorCreateSchema, 'input')),
      },
    },
  }),
  queryParams: () => [],
})

type Item = { type?: string; value?: unknown }

/**
 * The seed's bulk answer: `created_count` and the indicators of the request as stored (for a JSON body),
 * with the full report (`created`, `updated`, `unchanged`, `rejected`, `rejects` by position, `by_type`).
 */
export const asSeedBulkReport = (): OutputMapping => ({
  send: async (value, spec, input, rest) => {
    const report = value as BulkReport
    const items = asObject(input)?.items
    const out: Record<string, unknown> = { created_count: report.created }
    if (Array.isArray(items)) {
      const rejected = new Set(report.rejects.map((r) => r.line))
      const seen = new Set<string>()
      const found: unknown[] = []
      for (const [i, item] of (items as Item[]).entries()) {
        if (rejected.has(i + 1) || typeof item.value !== 'string') continue
        const r = await rest.call('indicators.lookup', { type: item.type, value: item.value })
        const ind = r.ok ? (r.value as { id: string } | null) : null
        if (ind && !seen.has(ind.id)) {
          seen.add(ind.id)
          found.push(ind)
        }
      }
      out.indicators = toSnake(z.array(IndicatorSchema), found)
    }
    return { ...out, ...(toSnake(spec.output, report) as Record<string, unknown>) }
  },
  schema: (spec) => {
    const report = snakeSchema(spec.output, 'output')
    return {
      ...report,
      required: ['created_count', ...((report.required as string[] | undefined) ?? [])],
      properties: {
        created_count: { type: 'integer', description: 'Indicators that did not exist before' },
        indicators: {
          ...snakeSchema(z.array(IndicatorSchema), 'output'),
          description: 'The indicators of a JSON body as stored (rejected ones left out)',
        },
        ...asObject(report.properties),
      },
    }
  },
})

/**
 * The seed's `active_only` (default true): active and not a false positive. An explicit `active` or
 * `false_positive` filter says what the caller wants instead.
 */
export const activeOnly: DerivedParam = {
  schema: z.boolean().default(true),
  apply: (value, input) => {
    const filter = asObject(input.filter) ?? {}
    if (value !== true || filter.active !== undefined || filter.falsePositive !== undefined) return
    setOwn(filter, ['active'], true)
    setOwn(filter, ['falsePositive'], false)
    setOwn(input, ['filter'], filter)
  },
}

const SORT_NAMES = INDICATOR_SORT_FIELDS.map(snakeKey) as [string, ...string[]]

/** `sort=last_seen`: the contract's sort fields in this API's spelling. */
export const sortField: DerivedParam = {
  schema: z.enum(SORT_NAMES).optional(),
  apply: (value, input) => {
    if (typeof value !== 'string') return
    const field = INDICATOR_SORT_FIELDS[SORT_NAMES.indexOf(value)]
    setOwn(input, ['sort', 'field'], field)
  },
}
