import { z } from 'zod'
import { AppError } from '#shared/contract/errors'
import { IncidentSchema, IncidentStatsSchema } from '#shared/contract/incidents.contract'
import { asArray, fromBody, fromParams, fromParamsAndBodyAs, fromQuery } from './rest.mappings'
import {
  asObject,
  route,
  snakeSchema,
  type InputMapping,
  type OutputMapping,
  type RestRoute,
} from './rest'
import { toSnake } from './snake-case'

/** The seed threat-tracking service's routes live at /api, beside /api/v1. */
export const TRACKING_PREFIX = '/api'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `/threats/<id>`: an id that cannot be one is a threat that does not exist (404), as the seed answered. */
const knownIdShape = (mapping: InputMapping): InputMapping => ({
  ...mapping,
  build: (parts, spec) => {
    const id = parts.params.id ?? ''
    if (!UUID.test(id)) throw new AppError('not_found', `No threat has id ${id}`, { id })
    return mapping.build(parts, spec)
  },
})

/**
 * POST /threats answers with the threat itself: 201 when it is new, 200 when it was already tracked and
 * this report merged into it (one more occurrence, tags and sources added).
 */
const asTrackedThreat = (): OutputMapping => ({
  send: (value) => Promise.resolve(toSnake(IncidentSchema, asObject(value)?.incident)),
  status: (value) => (asObject(value)?.created === true ? 201 : 200),
  schema: () => snakeSchema(IncidentSchema, 'output'),
})

/** The list's total, which a bare array has no room for. */
const withTotal = (mapping: OutputMapping): OutputMapping => ({
  ...mapping,
  headers: {
    of: (value) => {
      const total = asObject(value)?.total
      return { 'x-total-count': String(typeof total === 'number' ? total : 0) }
    },
    docs: {
      'X-Total-Count': {
        description: 'Threats matching the filter (the array holds at most `limit` of them)',
        schema: { type: 'string', pattern: '^[0-9]+$' },
      },
    },
  },
})

const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  schemaVersion: z.number().int(),
  tracking: z.object({
    totalIncidents: z.number().int(),
    openIncidents: z.number().int(),
    escalatedIncidents: z.number().int(),
    resolvedIncidents: z.number().int(),
    highSeverityIncidents: z.number().int(),
  }),
})

/** GET /health: the service is up, its version, and the seed's `tracking` figures. */
const asHealth = (): OutputMapping => ({
  send: async (value, _spec, _input, rest) => {
    const stats = IncidentStatsSchema.parse(value)
    const info = await rest.call('system.info', {})
    const system = info.ok ? asObject(info.value) : undefined
    return toSnake(HealthSchema, {
      status: 'ok',
      version: typeof system?.version === 'string' ? system.version : '',
      schemaVersion: typeof system?.schemaVersion === 'number' ? system.schemaVersion : 0,
      tracking: {
        totalIncidents: stats.total,
        openIncidents: stats.open,
        escalatedIncidents: stats.escalated,
        resolvedIncidents: stats.resolved,
        highSeverityIncidents: stats.highSeverity,
      },
    } satisfies z.input<typeof HealthSchema>)
  },
  schema: () => snakeSchema(HealthSchema, 'output'),
})

/**
 * The seed's threat-tracking routes, verbatim: threats are incidents, analysis is analysis.analyzeUrl.
 * Same token rule, error shape and snake_case names as /api/v1.
 */
export const TRACKING_ROUTES: readonly RestRoute[] = [
  route(
    'GET',
    '/threats',
    'incidents.list',
    fromQuery({
      flatten: ['filter'],
      alias: { status: 'filter.status' },
      offset: true,
    }),
    { output: withTotal(asArray()), prefix: TRACKING_PREFIX },
  ),
  route('POST', '/threats', 'incidents.create', fromBody(), {
    status: 201,
    output: asTrackedThreat(),
    prefix: TRACKING_PREFIX,
  }),
  route('GET', '/threats/:id', 'incidents.get', knownIdShape(fromParams()), {
    prefix: TRACKING_PREFIX,
  }),
  route('PATCH', '/threats/:id', 'incidents.update', knownIdShape(fromParamsAndBodyAs('patch')), {
    prefix: TRACKING_PREFIX,
  }),
  route('GET', '/health', 'incidents.stats', fromQuery(), {
    output: asHealth(),
    prefix: TRACKING_PREFIX,
  }),
  route('POST', '/analyze', 'analysis.analyzeUrl', fromBody(), { prefix: TRACKING_PREFIX }),
]
