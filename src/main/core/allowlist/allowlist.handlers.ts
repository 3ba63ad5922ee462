import { callerOf } from '../audit/change-log'
import type { CoreContext } from '../core-context'
import type { HandlerMap } from '../rpc/handlers'
import { createAllowlistService } from './allowlist.service'

export const createAllowlistHandlers = (
  ctx: CoreContext,
): HandlerMap<'allowlist.list' | 'allowlist.add' | 'allowlist.remove'> => {
  const svc = createAllowlistService(ctx)
  return {
    'allowlist.list': async ({ type, limit }) => svc.list(type, limit),
    'allowlist.add': (input, ctx) => svc.add(input, callerOf(ctx)),
    'allowlist.remove': (input, ctx) => svc.remove(input, callerOf(ctx)),
  }
}
