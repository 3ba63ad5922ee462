import type { ParsedIn } from '#shared/contract'
import type { JobKind } from '#shared/contract/jobs.contract'
import type { CallContext, HandlerMap, Handlers } from '../rpc/handlers'
import type { JobRegistry } from './job-registry'

type JobMethod = 'jobs.start' | 'jobs.get' | 'jobs.list' | 'jobs.cancel'

/** The handler of a job's kind, called with input the dispatcher already parsed for jobs.start. */
type KindHandler = (input: unknown, ctx: CallContext) => Promise<unknown>

/**
 * The jobs domain: a job runs the handler of its kind (a contract method) with the caller's identity, its
 * own signal (jobs.cancel and shutdown stop it, a dropped connection does not) and a progress reporter.
 * `handlers` is read when a job starts, so the core can pass its own merged map, built after this one.
 */
export const createJobHandlers = (
  jobs: JobRegistry,
  handlers: () => Handlers,
): HandlerMap<JobMethod> => ({
  'jobs.start': async (start: ParsedIn<'jobs.start'>, ctx) => {
    const kind: JobKind = start.kind
    const handler = handlers()[kind] as KindHandler
    return jobs.start(kind, ctx.actor, (job) =>
      handler(start.input, {
        caller: ctx.caller,
        actor: ctx.actor,
        method: kind,
        signal: job.signal,
        progress: job.progress,
      }),
    )
  },
  'jobs.get': async ({ id }) => jobs.get(id),
  'jobs.list': async (q) => ({ items: jobs.list(q) }),
  'jobs.cancel': async ({ id }) => jobs.cancel(id),
})
