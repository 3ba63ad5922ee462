import { callerOf } from '../audit/change-log'
import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import type { IntelService } from './intel.service'

type IntelMethod =
  | 'intel.list'
  | 'intel.get'
  | 'intel.create'
  | 'intel.update'
  | 'intel.delete'
  | 'intel.createRelationship'
  | 'intel.neighbours'
  | 'intel.searchObjects'
  | 'intel.listRelationships'
  | 'intel.deleteRelationship'
  | 'intel.forIndicator'
  | 'intel.linkedIndicators'
  | 'intel.reportObjects'
  | 'intel.attachToReport'
  | 'intel.detachFromReport'

/** How long a search waits for the indicator search index to take in the latest writes. */
const SEARCH_FRESHNESS_MS = 250

/** The intel domain of the contract: each method is one call into the service. */
export const createIntelHandlers = (
  ctx: CoreContext,
  svc: IntelService,
): HandlerMap<IntelMethod> => ({
  'intel.list': async ({ limit, cursor, ...filter }) => svc.list({ ...filter, limit, cursor }),
  'intel.get': async ({ id, kind }) => svc.get(id, kind),
  'intel.create': (input, call) => svc.create(input, callerOf(call)),
  'intel.update': (input, call) => svc.update(input, callerOf(call)),
  'intel.delete': async ({ id, kind }, call) => {
    await svc.remove(id, kind, callerOf(call))
    return { ok: true }
  },
  'intel.createRelationship': (input, call) => svc.createRelationship(input, callerOf(call)),
  'intel.neighbours': async (input) => svc.neighbours(input),
  'intel.searchObjects': async (input) => {
    // An indicator just created is found; during a big import the index answers as it is.
    await ctx.search.catchUp(SEARCH_FRESHNESS_MS)
    return svc.searchObjects(input)
  },
  'intel.listRelationships': async ({ ref, limit }) => svc.links.listRelationships(ref, limit),
  'intel.deleteRelationship': async ({ id }, call) => {
    await svc.deleteRelationship(id, callerOf(call))
    return { ok: true }
  },
  'intel.forIndicator': async ({ indicatorId, limit }) =>
    svc.links.forIndicator(indicatorId, limit),
  'intel.linkedIndicators': async ({ id, limit, cursor }) =>
    svc.links.linkedIndicators(id, limit, cursor),
  'intel.reportObjects': async (input) => svc.reportObjects.page(input),
  'intel.attachToReport': (input, call) =>
    svc.reportWrites.attach(input, callerOf(call), call.signal),
  'intel.detachFromReport': ({ reportId, refs }, call) =>
    svc.reportWrites.detach(reportId, refs, callerOf(call)),
})
