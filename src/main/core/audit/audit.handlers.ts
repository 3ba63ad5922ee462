import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import { createAuditService } from './audit.service'

type AuditMethod = 'audit.list' | 'audit.get' | 'audit.verify' | 'audit.export'

export const createAuditHandlers = (ctx: Pick<CoreContext, 'db'>): HandlerMap<AuditMethod> => {
  const audit = createAuditService(ctx)
  return {
    'audit.list': async ({ limit, cursor, ...filter }) => audit.list(filter, limit, cursor),
    'audit.get': async ({ seq }) => audit.get(seq),
    'audit.verify': async () => audit.verify(),
    'audit.export': async ({ format, ...filter }) => audit.export(filter, format),
  }
}
