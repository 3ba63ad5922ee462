import type { CoreContext } from '../core-context'
import type { CallContext, HandlerMap } from '../rpc/handlers'
import { createAuditService } from './audit.service'

/** A long scan stops when its caller cancels and reports how far it got (as a job's progress). */
const scanOf = (call: CallContext) => ({ signal: call.signal, progress: call.progress })

type AuditMethod = 'audit.list' | 'audit.get' | 'audit.verify' | 'audit.export'

export const createAuditHandlers = (ctx: Pick<CoreContext, 'db'>): HandlerMap<AuditMethod> => {
  const audit = createAuditService(ctx)
  return {
    'audit.list': async ({ limit, cursor, ...filter }) => audit.list(filter, limit, cursor),
    'audit.get': async ({ seq }) => audit.get(seq),
    'audit.verify': (_input, call) => audit.verify(scanOf(call)),
    'audit.export': ({ format, ...filter }, call) => audit.export(filter, format, scanOf(call)),
  }
}
