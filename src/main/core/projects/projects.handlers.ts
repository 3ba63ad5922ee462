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
    'projects.create': (input) => svc.create(input),
    'projects.update': ({ id, patch }) => svc.update(id, patch),
    'projects.delete': async ({ id }) => {
      await svc.delete(id)
      return { ok: true as const }
    },
    'projects.archive': ({ id }) => svc.setArchived(id, true),
    'projects.unarchive': ({ id }) => svc.setArchived(id, false),
    'projects.stats': ({ id }) => svc.stats(id),
  }
}
