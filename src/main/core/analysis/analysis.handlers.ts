import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { AnalysisService } from './analysis.service'

/** The analysis domain of the contract. */
export const createAnalysisHandlers = (
  svc: AnalysisService,
): HandlerMap<'analysis.analyzeUrl'> => ({
  'analysis.analyzeUrl': (input, call) => svc.analyzeUrl(input, callerOf(call)),
})
