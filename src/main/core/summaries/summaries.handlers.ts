import { callerOf } from '../audit/change-log'
import type { Clock } from '../platform/clock'
import type { HandlerMap } from '../rpc/handlers'
import type { SummariesService } from './summaries.service'
import { nextRuns } from './summary-scheduler'
import { publicSchedule, type StoredSchedule } from './summary-schedule'

type SummariesMethod =
  | 'summaries.generate'
  | 'summaries.list'
  | 'summaries.get'
  | 'summaries.delete'
  | 'summaries.readFile'
  | 'summaries.getSchedule'
  | 'summaries.setSchedule'

/** The summaries domain; `onScheduleChange` re-arms the scheduler when the schedule was changed. */
export const createSummariesHandlers = (
  summaries: SummariesService,
  deps: { clock: Clock; onScheduleChange: () => void },
): HandlerMap<SummariesMethod> => {
  const view = (s: StoredSchedule) => ({
    ...publicSchedule(s),
    ...nextRuns(s, deps.clock.now()),
  })
  return {
    'summaries.generate': async (input, call) => summaries.generate(input, callerOf(call)),
    'summaries.list': async (q) => summaries.list(q),
    'summaries.get': async ({ id }) => summaries.get(id),
    'summaries.delete': async ({ id }, call) => summaries.delete(id, callerOf(call)),
    'summaries.readFile': async ({ id, offset, length }) => summaries.readFile(id, offset, length),
    'summaries.getSchedule': async () => view(await summaries.schedule.read()),
    'summaries.setSchedule': async (patch, call) => {
      const next = await summaries.schedule.update(patch, callerOf(call))
      deps.onScheduleChange()
      return view(next)
    },
  }
}
