import { callerOf } from '../audit/change-log'
import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import { createProjectsService } from './projects.service'

type ProjectMethod =
  | 'projects.list'
  | 'projects.get'
  | 'projects.create'
  | 'projects.update'
  | 'projects.delete'
  | 'projects.archive'
  | 'projects.unarchive'
  | 'projects.stats'

/** The projects domain of the contract: each method is one call into the service. */
export const createProjectHandlers = (ctx: CoreContext): HandlerMap<ProjectMethod> => {
  const svc = createProjectsService(ctx)
  return {
    'projects.list': async ({ includeArchived }) => ({ items: await svc.list(includeArchived) }),
    'projects.get': ({ id }) => svc.get(id),
    'projects.create': (input, call) => svc.create(input, callerOf(call)),
    'projects.update': ({ id, patch }, call) => svc.update(id, patch, callerOf(call)),
    'projects.delete': async ({ id }, call) => {
      await svc.delete(id, callerOf(call))
      return { ok: true as const }
    },
    'projects.archive': ({ id }, call) => svc.setArchived(id, true, callerOf(call)),
    'projects.unarchive': ({ id }, call) => svc.setArchived(id, false, callerOf(call)),
    'projects.stats': ({ id }) => svc.stats(id),
  }
}
