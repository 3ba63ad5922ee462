import { callerOf } from '../audit/change-log'
import type { HandlerMap, Handlers } from '../rpc/handlers'
import type { ScoringService } from './scoring.service'

type ScoringMethod = 'indicators.getScore' | 'indicators.setVerdict' | 'scoring.rescore'

/**
 * The scoring methods. A false-positive verdict marks the indicator through the indicators.markFalsePositive
 * handler, with the caller's context, so whatever hangs on that path (the local allowlist) runs for it too.
 */
export const createScoringHandlers = (
  scoring: ScoringService,
  handlers: () => Handlers,
): HandlerMap<ScoringMethod> => ({
  'indicators.getScore': async ({ id }) => scoring.breakdown(id),
  'indicators.setVerdict': ({ id, verdict, reason }, call) =>
    scoring.setVerdict(id, verdict, reason, callerOf(call), (fpId, falsePositive, why) =>
      handlers()['indicators.markFalsePositive'](
        { id: fpId, falsePositive, ...(why === undefined ? {} : { reason: why }) },
        call,
      ),
    ),
  'scoring.rescore': async ({ filter }, call) => scoring.rescore(filter, callerOf(call)),
})
