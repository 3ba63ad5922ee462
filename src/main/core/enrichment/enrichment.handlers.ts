import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { EnrichmentService } from './enrichment.service'

type EnrichmentMethod =
  | 'enrichment.providers'
  | 'enrichment.getSettings'
  | 'enrichment.updateSettings'
  | 'enrichment.setKey'
  | 'enrichment.results'
  | 'enrichment.run'
  | 'enrichment.raw'
  | 'enrichment.queue'
  | 'enrichment.scanJobs'
  | 'enrichment.scanJob'
  | 'enrichment.cancelScanJob'
  | 'enrichment.refreshBootstrap'

/** The enrichment domain (pivots and geoCounts have their own handler files). */
export const createEnrichmentHandlers = (
  enrichment: EnrichmentService,
): HandlerMap<EnrichmentMethod> => ({
  'enrichment.providers': async () => enrichment.providers(),
  'enrichment.getSettings': async () => enrichment.getSettings(),
  'enrichment.updateSettings': async ({ patch }, call) =>
    enrichment.updateSettings(patch, callerOf(call)),
  'enrichment.setKey': async ({ provider, key }, call) =>
    enrichment.setKey(provider, key, callerOf(call)),
  'enrichment.results': async ({ indicatorId }) => enrichment.results(indicatorId),
  'enrichment.run': async (input, call) => enrichment.run(input, callerOf(call)),
  'enrichment.raw': async ({ indicatorId, provider }) => enrichment.raw(indicatorId, provider),
  'enrichment.queue': async (q) => enrichment.queue(q),
  'enrichment.scanJobs': async (q) => enrichment.scanJobs(q),
  'enrichment.scanJob': async ({ id }) => enrichment.scanJob(id),
  'enrichment.cancelScanJob': async ({ id }) => enrichment.cancelScanJob(id),
  'enrichment.refreshBootstrap': async () => enrichment.refreshBootstrap(),
})
