import {
  asArray,
  fromBody,
  fromParams,
  fromParamsAndBody,
  fromParamsAndBodyAs,
  fromQuery,
  withSearchCoverage,
} from './rest.mappings'
import { route, type RestRoute } from './rest'
import { ENRICHMENT_REST_ROUTES } from './rest.enrichment'
import { INTEL_REST_ROUTES } from './rest.intel'
import {
  activeOnly,
  asSeedBulkReport,
  seedBulkBody,
  seedIndicatorBody,
  sortField,
} from './rest.seed'

/**
 * /api/v1, one line per route: the seed platform's indicator and project routes with its names, parameters
 * and shapes (lists are bare arrays, bulk takes `{ project_id, indicators }`), and the feeds in the same
 * style. Each line names the contract method it calls; validation, errors and OpenAPI follow from its schemas.
 */
export const REST_ROUTES: readonly RestRoute[] = [
  route(
    'GET',
    '/indicators',
    'indicators.list',
    fromQuery({
      flatten: ['filter'],
      alias: {
        type_filter: 'filter.types',
        type: 'filter.types',
        severity: 'filter.severities',
        classification: 'filter.classifications',
        dir: 'sort.dir',
      },
      derived: { active_only: activeOnly, sort: sortField },
      offset: true,
    }),
    // `q` and `tag` search text: the headers then say what the search index could see.
    { output: withSearchCoverage(asArray()) },
  ),
  route('POST', '/indicators', 'indicators.create', seedIndicatorBody(), { status: 201 }),
  route(
    'GET',
    '/indicators/search',
    'indicators.search',
    fromQuery({ defaults: { limit: '50' } }),
    { output: withSearchCoverage(asArray()) },
  ),
  route(
    'GET',
    '/indicators/recent',
    'indicators.recent',
    fromQuery({ defaults: { limit: '50' } }),
    { output: asArray() },
  ),
  route('POST', '/indicators/bulk', 'indicators.bulkCreate', seedBulkBody(), {
    status: 201,
    output: asSeedBulkReport(),
  }),
  route('GET', '/indicators/counts', 'indicators.counts', fromQuery()),
  route('GET', '/indicators/:id', 'indicators.get', fromParams()),
  route('PATCH', '/indicators/:id', 'indicators.update', fromParamsAndBodyAs('patch')),
  route('DELETE', '/indicators/:id', 'indicators.delete', fromParams(), { status: 204 }),
  route(
    'POST',
    '/indicators/:id/mark-false-positive',
    'indicators.markFalsePositive',
    fromParamsAndBody(),
  ),
  route('POST', '/indicators/:id/activate', 'indicators.activate', fromParams()),
  route('GET', '/indicators/:id/score', 'indicators.getScore', fromParams()),
  route('POST', '/indicators/:id/verdict', 'indicators.setVerdict', fromParamsAndBody()),
  route('POST', '/scoring/rescore', 'scoring.rescore', fromBody(), { status: 202 }),
  route('GET', '/indicators/:indicatorId/observations', 'observations.list', fromParams()),
  route('GET', '/indicators/:id/warninglist-hits', 'warninglists.getHits', fromParams()),

  route('GET', '/projects', 'projects.list', fromQuery(), { output: asArray() }),
  route('POST', '/projects', 'projects.create', fromBody(), { status: 201 }),
  route('GET', '/projects/:id', 'projects.get', fromParams()),
  route('PATCH', '/projects/:id', 'projects.update', fromParamsAndBodyAs('patch')),
  route('DELETE', '/projects/:id', 'projects.delete', fromParams(), { status: 204 }),
  route('POST', '/projects/:id/archive', 'projects.archive', fromParams()),
  route('POST', '/projects/:id/unarchive', 'projects.unarchive', fromParams()),
  route('GET', '/projects/:id/stats', 'projects.stats', fromParams()),

  route('GET', '/feeds', 'feeds.list', fromQuery()),
  route('POST', '/feeds', 'feeds.create', fromBody(), { status: 201 }),
  route('GET', '/feeds/catalogue', 'feeds.catalogue', fromQuery()),
  route('POST', '/feeds/catalogue', 'feeds.addFromCatalogue', fromBody(), { status: 201 }),
  route('GET', '/feeds/runs', 'feeds.runs', fromQuery()),
  route('GET', '/feeds/runs/:id', 'feeds.getRun', fromParams()),
  route('POST', '/feeds/runs/:runId/cancel', 'feeds.cancel', fromParams()),
  route('POST', '/feeds/import', 'feeds.importText', fromBody()),
  route('POST', '/feeds/import-url', 'feeds.importUrl', fromBody()),
  route('GET', '/feeds/:id', 'feeds.get', fromParams()),
  route('PATCH', '/feeds/:id', 'feeds.update', fromParamsAndBodyAs('patch')),
  route('DELETE', '/feeds/:id', 'feeds.delete', fromParams(), { status: 204 }),
  route('POST', '/feeds/:id/run', 'feeds.run', fromParamsAndBody()),

  route('POST', '/jobs', 'jobs.start', fromBody(), { status: 202 }),
  route('GET', '/jobs', 'jobs.list', fromQuery()),
  route('GET', '/jobs/:id', 'jobs.get', fromParams()),
  route('POST', '/jobs/:id/cancel', 'jobs.cancel', fromParams()),

  // Alerts: one alert by path, several by `ids` in the body (bulk); lists carry next_cursor and total.
  route('GET', '/alerts', 'alerts.list', fromQuery({ flatten: ['filter'] })),
  route('POST', '/alerts/acknowledge', 'alerts.acknowledge', fromBody()),
  route('POST', '/alerts/resolve', 'alerts.resolve', fromBody()),
  route('POST', '/alerts/assign', 'alerts.assign', fromBody()),
  route('GET', '/alerts/:id', 'alerts.get', fromParams()),
  route('POST', '/alerts/:id/acknowledge', 'alerts.acknowledge', fromParams()),
  route('POST', '/alerts/:id/resolve', 'alerts.resolve', fromParamsAndBody()),
  route('POST', '/alerts/:id/assign', 'alerts.assign', fromParamsAndBody()),
  route('GET', '/alert-rules', 'alerts.listRules', fromQuery(), { output: asArray() }),
  route('POST', '/alert-rules', 'alerts.createRule', fromBody(), { status: 201 }),
  route('PATCH', '/alert-rules/:id', 'alerts.updateRule', fromParamsAndBodyAs('patch')),
  route('DELETE', '/alert-rules/:id', 'alerts.deleteRule', fromParams(), { status: 204 }),
  route('GET', '/alert-settings', 'alerts.getSettings', fromQuery()),
  route('PATCH', '/alert-settings', 'alerts.updateSettings', fromBody()),
  route('GET', '/warninglists', 'warninglists.list', fromQuery()),
  route('POST', '/warninglists/import', 'warninglists.import', fromBody()),
  route('GET', '/warninglists/check', 'warninglists.check', fromQuery()),
  route('POST', '/warninglists/check', 'warninglists.check', fromBody()),
  route('POST', '/warninglists/rescan', 'warninglists.rescan', fromBody()),
  route('PATCH', '/warninglists/:id', 'warninglists.setEnabled', fromParamsAndBody()),
  route('DELETE', '/warninglists/:id', 'warninglists.remove', fromParams(), { status: 204 }),

  route('GET', '/allowlist', 'allowlist.list', fromQuery()),
  route('POST', '/allowlist', 'allowlist.add', fromBody(), { status: 201 }),
  route('DELETE', '/allowlist/:id', 'allowlist.remove', fromParams(), { status: 204 }),

  // Exports: files written as jobs (export.routes.ts streams a file, and any export straight to the client).
  route('POST', '/exports', 'export.start', fromBody(), { status: 202 }),
  route('POST', '/exports/check', 'export.check', fromBody()),
  route('GET', '/exports', 'export.list', fromQuery()),
  route('GET', '/exports/:id', 'export.get', fromParams()),
  route('DELETE', '/exports/:id', 'export.delete', fromParams(), { status: 204 }),
  route('GET', '/attack/catalogue', 'attack.getCatalogue', fromQuery()),
  route('GET', '/attack/tactics', 'attack.listTactics', fromQuery()),
  route('GET', '/attack/techniques', 'attack.searchTechniques', fromQuery()),
  route('GET', '/attack/techniques/:id', 'attack.getTechnique', fromParams()),
  route('GET', '/attack/matrix', 'attack.matrix', fromQuery()),
  route('POST', '/attack/import', 'attack.importBundle', fromBody()),
  route('POST', '/attack/reset', 'attack.resetCatalogue', fromBody()),
  route('POST', '/attack/rebuild-knowledge', 'attack.rebuildKnowledge', fromBody()),

  // Summary reports; GET /summaries/:id/file streams the file (summaries-file.route.ts).
  route('GET', '/summaries', 'summaries.list', fromQuery()),
  route('POST', '/summaries', 'summaries.generate', fromBody(), { status: 202 }),
  route('GET', '/summaries/schedule', 'summaries.getSchedule', fromQuery()),
  route('PATCH', '/summaries/schedule', 'summaries.setSchedule', fromBody()),
  route('GET', '/summaries/:id', 'summaries.get', fromParams()),
  route('DELETE', '/summaries/:id', 'summaries.delete', fromParams(), { status: 204 }),

  route('GET', '/audit', 'audit.list', fromQuery({ alias: { action: 'operation' } })),
  route('GET', '/audit/verify', 'audit.verify', fromQuery()),
  route('GET', '/audit/export', 'audit.export', fromQuery({ alias: { action: 'operation' } })),

  // Threat actors, campaigns, vulnerabilities, malware, reports, relationships and the graph.
  ...INTEL_REST_ROUTES,
  ...ENRICHMENT_REST_ROUTES,
]
