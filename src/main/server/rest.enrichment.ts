import { z } from 'zod'
import {
  EnrichmentSettingsSchema,
  ProviderSettingsSchema,
} from '#shared/contract/enrichment.schemas'
import {
  asObject,
  route,
  snakeSchema,
  type InputMapping,
  type OutputMapping,
  type RestRoute,
} from './rest'
import { fromBody, fromParams, fromQuery } from './rest.mappings'
import { fromSnake, toSnake } from './snake-case'

/**
 * /api/v1 enrichment routes (issue 12), on the enrichment.* contract, snake_case in and out. No route ever
 * answers a key: a provider says only whether it has one (has_key); setting one goes through the body of
 * POST /enrichment/providers/:provider/key and is never echoed.
 */

const ProviderPatchSchema = ProviderSettingsSchema.partial()
const SettingsPatchShape = z.object({
  offline: z.boolean(),
  auto: EnrichmentSettingsSchema.shape.auto.partial(),
  dnsServers: EnrichmentSettingsSchema.shape.dnsServers,
})

/** The per-provider map is a record: its entries are renamed one by one (the generic walk stops at records). */
const perProvider = (
  value: unknown,
  each: (v: unknown) => unknown,
): Record<string, unknown> | undefined => {
  const obj = asObject(value)
  return obj === undefined
    ? undefined
    : Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, each(v)]))
}

/** PATCH /enrichment/settings: the body is the patch, provider entries included, in snake_case. */
const settingsPatch: InputMapping = {
  accepts: ['json'],
  build: (parts) => {
    const body = asObject(parts.body ?? {}) ?? {}
    const { providers, ...rest } = body
    const patch = asObject(fromSnake(SettingsPatchShape, rest)) ?? {}
    const mapped = perProvider(providers, (v) => fromSnake(ProviderPatchSchema, v))
    return {
      input: { patch: mapped === undefined ? patch : { ...patch, providers: mapped } },
      skip: 0,
    }
  },
  requestPath: (path) => (path[0] === 'patch' ? [...path.slice(1)] : [...path]),
  bodySchema: (spec) => {
    const patch = (spec.input as z.ZodObject<{ patch: z.ZodType }>).shape.patch
    return snakeSchema(patch, 'input')
  },
  queryParams: () => [],
}

/** Settings out: the fields and each provider's settings in snake_case. */
const settingsOut: OutputMapping = {
  send: (value) => {
    const obj = asObject(value) ?? {}
    const top = asObject(toSnake(EnrichmentSettingsSchema.omit({ providers: true }), obj)) ?? {}
    return Promise.resolve({
      ...top,
      providers: perProvider(obj.providers, (v) => toSnake(ProviderSettingsSchema, v)) ?? {},
    })
  },
  schema: (spec) => snakeSchema(spec.output, 'output'),
}

export const ENRICHMENT_REST_ROUTES: readonly RestRoute[] = [
  route('GET', '/indicators/:indicatorId/enrichment', 'enrichment.results', fromParams()),
  route('GET', '/indicators/:indicatorId/enrichment/:provider/raw', 'enrichment.raw', fromParams()),
  route('GET', '/indicators/:indicatorId/pivots', 'enrichment.pivots', fromParams()),
  route('POST', '/enrichment/run', 'enrichment.run', fromBody(), { status: 202 }),
  route('GET', '/enrichment/providers', 'enrichment.providers', fromQuery()),
  route('POST', '/enrichment/providers/:provider/key', 'enrichment.setKey', fromBody()),
  route('GET', '/enrichment/settings', 'enrichment.getSettings', fromQuery(), {
    output: settingsOut,
  }),
  route('PATCH', '/enrichment/settings', 'enrichment.updateSettings', settingsPatch, {
    output: settingsOut,
  }),
  route('GET', '/enrichment/queue', 'enrichment.queue', fromQuery()),
  route('GET', '/enrichment/scan-jobs', 'enrichment.scanJobs', fromQuery()),
  route('GET', '/enrichment/scan-jobs/:id', 'enrichment.scanJob', fromParams()),
  route('POST', '/enrichment/scan-jobs/:id/cancel', 'enrichment.cancelScanJob', fromParams()),
  route('GET', '/enrichment/pivot', 'enrichment.pivot', fromQuery()),
  route('POST', '/enrichment/geo-counts', 'enrichment.geoCounts', fromBody()),
  route('POST', '/enrichment/rdap-bootstrap/refresh', 'enrichment.refreshBootstrap', fromBody()),
]
