import { callerOf } from '../audit/change-log'
import { createRelatedQuery } from '../indicators/indicator-related'
import type { CallContext, HandlerMap } from '../rpc/handlers'
import type { CoreContext } from '../core-context'
import type { SetVerdict } from './triage.service'
import type { TriageService } from './triage.service'

type TriageMethod =
  | 'triage.list'
  | 'triage.act'
  | 'triage.listViews'
  | 'triage.saveView'
  | 'triage.deleteView'
  | 'indicators.related'

/**
 * The triage domain of the contract. `verdictFor` gives the indicator verdict of one call, made with the
 * caller's context so the indicators domain logs the analyst who gave it.
 */
export const createTriageHandlers = (
  ctx: CoreContext,
  svc: TriageService,
  verdictFor: (call: CallContext) => SetVerdict,
): HandlerMap<TriageMethod> => {
  const related = createRelatedQuery(ctx.db.sqlite)
  return {
    'triage.list': async ({ filter, limit, cursor }) => svc.list(filter, limit, cursor),
    'triage.act': (input, call) => svc.act(input, callerOf(call), verdictFor(call)),
    'triage.listViews': async () => ({ items: svc.listViews() }),
    'triage.saveView': ({ name, filter }, call) => svc.saveView(name, filter, callerOf(call)),
    'triage.deleteView': async ({ id }, call) => {
      await svc.deleteView(id, callerOf(call))
      return { ok: true as const }
    },
    'indicators.related': async ({ id }) => related(id),
  }
}
