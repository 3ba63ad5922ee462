import {
  fromBody,
  fromBodyOrText,
  fromParams,
  fromParamsAndBody,
  fromParamsAndBodyAs,
  fromQuery,
  route,
  type RestRoute,
} from './rest'

/**
 * The REST face of the contract: one line per route, each naming the contract method it calls and how the
 * request becomes that method's input. Validation, errors and OpenAPI all follow from the method's schemas,
 * so a new domain adds its routes here and nothing else changes.
 */
export const REST_ROUTES: readonly RestRoute[] = [
  route(
    'GET',
    '/indicators',
    'indicators.list',
    fromQuery({
      flatten: ['filter'],
      alias: {
        type: 'filter.types',
        severity: 'filter.severities',
        classification: 'filter.classifications',
        sort: 'sort.field',
        dir: 'sort.dir',
      },
    }),
  ),
  route('POST', '/indicators', 'indicators.create', fromBody(), 201),
  route('GET', '/indicators/search', 'indicators.search', fromQuery()),
  route('GET', '/indicators/recent', 'indicators.recent', fromQuery()),
  route('POST', '/indicators/bulk', 'indicators.bulkCreate', fromBodyOrText()),
  route('GET', '/indicators/counts', 'indicators.counts', fromQuery()),
  route('GET', '/indicators/:id', 'indicators.get', fromParams()),
  route('PATCH', '/indicators/:id', 'indicators.update', fromParamsAndBodyAs('patch')),
  route('DELETE', '/indicators/:id', 'indicators.delete', fromParams(), 204),
  route(
    'POST',
    '/indicators/:id/mark-false-positive',
    'indicators.markFalsePositive',
    fromParamsAndBody(),
  ),
  route('POST', '/indicators/:id/activate', 'indicators.activate', fromParams()),

  route('GET', '/projects', 'projects.list', fromQuery()),
  route('POST', '/projects', 'projects.create', fromBody(), 201),
  route('GET', '/projects/:id', 'projects.get', fromParams()),
  route('PATCH', '/projects/:id', 'projects.update', fromParamsAndBodyAs('patch')),
  route('DELETE', '/projects/:id', 'projects.delete', fromParams(), 204),
  route('POST', '/projects/:id/archive', 'projects.archive', fromParams()),
  route('POST', '/projects/:id/unarchive', 'projects.unarchive', fromParams()),
  route('GET', '/projects/:id/stats', 'projects.stats', fromParams()),

  route('GET', '/feeds', 'feeds.list', fromQuery()),
  route('POST', '/feeds', 'feeds.create', fromBody(), 201),
  route('GET', '/feeds/catalogue', 'feeds.catalogue', fromQuery()),
  route('POST', '/feeds/catalogue', 'feeds.addFromCatalogue', fromBody(), 201),
  route('GET', '/feeds/runs', 'feeds.runs', fromQuery()),
  route('GET', '/feeds/runs/:id', 'feeds.getRun', fromParams()),
  route('POST', '/feeds/runs/:runId/cancel', 'feeds.cancel', fromParams()),
  route('POST', '/feeds/import', 'feeds.importText', fromBody()),
  route('POST', '/feeds/import-url', 'feeds.importUrl', fromBody()),
  route('GET', '/feeds/:id', 'feeds.get', fromParams()),
  route('PATCH', '/feeds/:id', 'feeds.update', fromParamsAndBodyAs('patch')),
  route('DELETE', '/feeds/:id', 'feeds.delete', fromParams(), 204),
  route('POST', '/feeds/:id/run', 'feeds.run', fromParamsAndBody()),
  route('GET', '/indicators/:indicatorId/observations', 'observations.list', fromParams()),

  route(
    'GET',
    '/audit',
    'audit.list',
    fromQuery({ alias: { action: 'operation', entity_id: 'entityId' } }),
  ),
  route('GET', '/audit/verify', 'audit.verify', fromQuery()),
  route('GET', '/audit/export', 'audit.export', fromQuery({ alias: { action: 'operation' } })),
]
