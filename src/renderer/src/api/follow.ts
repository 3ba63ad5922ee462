import type { In, Out } from '#shared/contract'
import type { FeedRunDetail } from '#shared/contract/feeds.contract'
import type { Job, JobDetail, JobKind } from '#shared/contract/jobs.contract'
import { ApiError, type Client } from './client'

/**
 * How often the status call is repeated while following: the finish event normally answers first; this
 * covers an event lost with a dropped event stream (an SSE reconnect, a sleeping laptop).
 */
export const FOLLOW_POLL_MS = 3000

const RUN_OVER = new Set<FeedRunDetail['status']>(['succeeded', 'unchanged', 'failed', 'cancelled'])
const JOB_OVER = new Set<Job['status']>(['succeeded', 'failed', 'cancelled'])

/**
 * Follows something the core runs on its own to its end: asks its status at once (it may have finished
 * before we listened), again on every event about it and every FOLLOW_POLL_MS, and settles with the first
 * finished status. Long work is started and then followed this way instead of holding one request open
 * for its whole length, which a proxy, a sleeping tab or an idle timer may cut.
 */
const follow = <T>(opts: {
  subscribe: (changed: () => void) => () => void
  status: () => Promise<T>
  isOver: (t: T) => boolean
}): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    let settled = false
    let asking = false
    let again = false
    const offs: (() => void)[] = []
    const end = () => {
      settled = true
      for (const off of offs) off()
    }
    const ask = async (): Promise<void> => {
      if (settled) return
      // One status call at a time; an event during it asks once more afterwards.
      if (asking) {
        again = true
        return
      }
      asking = true
      try {
        const t = await opts.status()
        if (!settled && opts.isOver(t)) {
          end()
          resolve(t)
        }
      } catch (e) {
        if (!settled) {
          end()
          reject(e instanceof Error ? e : new Error(String(e)))
        }
      } finally {
        asking = false
      }
      if (again) {
        again = false
        await ask()
      }
    }
    offs.push(opts.subscribe(() => void ask()))
    const timer = setInterval(() => void ask(), FOLLOW_POLL_MS)
    offs.push(() => clearInterval(timer))
    void ask()
  })

/** A run started with `wait: false` (imports, feed runs), to its finished state with its rejects. */
export const followRun = (client: Client, runId: string): Promise<FeedRunDetail> =>
  follow({
    subscribe: (changed) =>
      client.on('feeds.onDidFinishRun', (p) => {
        if (p.run.id === runId) changed()
      }),
    status: () => client.call('feeds.getRun', { id: runId }),
    isOver: (r) => RUN_OVER.has(r.status),
  })

/** The finished job of a given kind, its result typed by that kind. */
export type FinishedJob<K extends JobKind> = Extract<JobDetail, { kind: K }>

/**
 * A job started with jobs.start, to its end; `onProgress` sees each progress event. A failed or cancelled
 * job settles too (its `error` says why), so the caller shows the error as the call's own.
 */
export const followJob = <K extends JobKind>(
  client: Client,
  job: Job & { kind: K },
  onProgress?: (job: Job) => void,
): Promise<FinishedJob<K>> => {
  const offProgress = onProgress
    ? client.on('jobs.onDidProgress', (p) => {
        if (p.job.id === job.id) onProgress(p.job)
      })
    : () => {}
  const done = follow({
    subscribe: (changed) =>
      client.on('jobs.onDidFinish', (p) => {
        if (p.job.id === job.id) changed()
      }),
    status: () => client.call('jobs.get', { id: job.id }),
    isOver: (j) => JOB_OVER.has(j.status),
  })
  return done.then(
    (j) => {
      offProgress()
      // jobs.get answers for this id: the kind is the one the job was started with.
      return j as FinishedJob<K>
    },
    (e: unknown) => {
      offProgress()
      throw e
    },
  )
}

/** What jobs.start takes for a kind: that method's own input. */
export type JobInput<K extends JobKind> = Extract<In<'jobs.start'>, { kind: K }>['input']

/**
 * Runs a contract method as a job and follows it: resolves with the method's output, or throws its error
 * as the call itself would have (an ApiError with the same code and message).
 */
export const runAsJob = async <K extends JobKind>(
  client: Client,
  kind: K,
  input: JobInput<K>,
  onProgress?: (job: Job) => void,
): Promise<Out<K>> => {
  // The pair is well-formed by the signature; TypeScript cannot narrow a union through a generic key.
  const started = await client.call('jobs.start', { kind, input } as In<'jobs.start'>)
  const done = await followJob(client, { ...started, kind }, onProgress)
  // The job ran method K: its result is K's output.
  if (done.status === 'succeeded' && done.result !== null) return done.result as Out<K>
  const error = done.error ?? {
    code: 'internal' as const,
    message: `${kind} ended without a result`,
  }
  throw new ApiError(error.code, error.message, error.details)
}
