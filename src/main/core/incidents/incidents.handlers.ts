import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import { SNAPSHOT_FILE, buildSnapshot, importSnapshot } from './incidents-snapshot'
import type { IncidentsService } from './incidents.service'
import type { CoreContext } from '../core-context'

type IncidentMethod =
  | 'incidents.list'
  | 'incidents.get'
  | 'incidents.create'
  | 'incidents.update'
  | 'incidents.stats'
  | 'incidents.exportSnapshot'
  | 'incidents.importSnapshot'

/** The incidents domain of the contract: each method is one call into the service. */
export const createIncidentHandlers = (
  ctx: CoreContext,
  svc: IncidentsService,
): HandlerMap<IncidentMethod> => ({
  'incidents.list': async (input) => svc.list(input),
  'incidents.get': async ({ id }) => svc.get(id),
  'incidents.create': (input, call) => svc.create(input, callerOf(call)),
  'incidents.update': ({ id, patch }, call) => svc.update(id, patch, callerOf(call)),
  'incidents.stats': async () => svc.stats(),
  'incidents.exportSnapshot': async () => {
    const rows = svc.repo.withUrl()
    const content = buildSnapshot(rows, ctx.clock.now().toISOString())
    return { fileName: SNAPSHOT_FILE, content, count: rows.length }
  },
  'incidents.importSnapshot': ({ content }, call) =>
    importSnapshot(ctx, svc, content, callerOf(call)),
})
