import { randomUUID } from 'node:crypto'
import { AppError, isAppError, type RpcError } from '#shared/contract/errors'
import {
  JOB_RESULTS_KEPT,
  JOBS_KEPT,
  type Job,
  type JobDetail,
  type JobKind,
  type JobStatus,
} from '#shared/contract/jobs.contract'
import type { EventHub } from '../events/event-hub'
import type { Clock } from '../platform/clock'
import type { Logger } from '../platform/logger'

/** Minimum gap between two progress events of one job (a progress bar, not a log). */
export const JOB_PROGRESS_INTERVAL_MS = 250

/** What a job's work receives: its signal (jobs.cancel, shutdown) and a way to report how far it got. */
export type JobControl = {
  signal: AbortSignal
  progress: (done: number, total?: number | null) => void
}

export type JobWork = (job: JobControl) => Promise<unknown>

export type JobRegistry = {
  /** Records the job and starts it when a slot is free; returns it as it is now (queued or running). */
  start(kind: JobKind, actor: string, work: JobWork): Job
  get(id: string): JobDetail
  list(q: { kind?: JobKind; status?: JobStatus; limit: number }): Job[]
  /** A queued job is cancelled at once; a running one is asked to stop (its signal aborts). */
  cancel(id: string): Job
  /** Settles with the finished job (tests, in-process callers that want to wait). */
  settled(id: string): Promise<JobDetail>
  waitForIdle(): Promise<void>
  /** Refuses new jobs, cancels the queued and running ones and waits for them to finish. */
  stop(): Promise<void>
}

type Entry = {
  job: Job
  result: unknown
  resultExpired: boolean
  controller: AbortController
  work: JobWork
  done: Promise<void>
  resolveDone: () => void
  lastEmit: number
  pendingEmit: boolean
}

const finished = (s: JobStatus): boolean => s === 'succeeded' || s === 'failed' || s === 'cancelled'

const errorOf = (e: unknown, kind: JobKind, aborted: boolean): RpcError => {
  if (isAppError(e)) return e.toJSON()
  if (aborted || (e instanceof Error && e.name === 'AbortError'))
    return { code: 'cancelled', message: `${kind} was cancelled` }
  return { code: 'internal', message: `Internal error in ${kind}` }
}

/**
 * The core's background jobs: long calls a caller starts and follows instead of holding a request open.
 * In memory, per core (createCore builds one): a job lives as long as the process, and the last JOBS_KEPT
 * finished ones stay readable. At most `concurrency` run at once; the rest wait in order. Events go out on
 * the core's hub (jobs.onDidProgress, throttled; jobs.onDidFinish), which every transport forwards.
 */
export const createJobRegistry = (opts: {
  clock: Clock
  events: EventHub
  logger: Logger
  concurrency?: number
  kept?: number
  resultsKept?: number
}): JobRegistry => {
  const concurrency = opts.concurrency ?? 2
  const kept = opts.kept ?? JOBS_KEPT
  const resultsKept = opts.resultsKept ?? JOB_RESULTS_KEPT
  const entries = new Map<string, Entry>()
  const queue: Entry[] = []
  let running = 0
  let stopping = false
  const now = () => opts.clock.now().toISOString()

  const require = (id: string): Entry => {
    const e = entries.get(id)
    if (!e) {
      throw new AppError(
        'not_found',
        `id: no job ${id} (jobs live as long as the process that ran them)`,
        { id },
      )
    }
    return e
  }

  const emitProgress = (e: Entry) => {
    e.lastEmit = performance.now()
    e.pendingEmit = false
    opts.events.emit('jobs.onDidProgress', { job: { ...e.job } })
  }

  // A call inside the interval is deferred, not dropped, so followers end on the true count.
  const progressTimer = setInterval(() => {
    for (const e of entries.values())
      if (e.pendingEmit && e.job.status === 'running') emitProgress(e)
  }, JOB_PROGRESS_INTERVAL_MS)
  progressTimer.unref()

  const prune = () => {
    const done = [...entries.values()].filter((e) => finished(e.job.status))
    for (const e of done.slice(0, Math.max(0, done.length - kept))) entries.delete(e.job.id)
    const withResult = done.filter((e) => e.result !== null && entries.has(e.job.id))
    for (const e of withResult.slice(0, Math.max(0, withResult.length - resultsKept))) {
      e.result = null
      e.resultExpired = true
    }
  }

  const finish = (e: Entry, status: JobStatus, result: unknown, error: RpcError | null) => {
    e.job = { ...e.job, status, error, finishedAt: now() }
    e.result = status === 'succeeded' ? result : null
    e.pendingEmit = false
    e.resolveDone()
    prune()
    opts.events.emit('jobs.onDidFinish', { job: { ...e.job } })
  }

  const run = async (e: Entry) => {
    running++
    e.job = { ...e.job, status: 'running', startedAt: now() }
    emitProgress(e)
    const control: JobControl = {
      signal: e.controller.signal,
      progress: (done, total) => {
        e.job = {
          ...e.job,
          progress: { done, total: total === undefined ? e.job.progress.total : total },
        }
        if (performance.now() - e.lastEmit >= JOB_PROGRESS_INTERVAL_MS) emitProgress(e)
        else e.pendingEmit = true
      },
    }
    try {
      // The call that started the job answers first; then the work may take the thread.
      await new Promise<void>((resolve) => setImmediate(resolve))
      e.controller.signal.throwIfAborted()
      const result = await e.work(control)
      finish(e, 'succeeded', result, null)
    } catch (err) {
      const aborted = e.controller.signal.aborted
      const error = errorOf(err, e.job.kind, aborted)
      if (error.code === 'internal') {
        opts.logger.error('job failed', { kind: e.job.kind, id: e.job.id, error: err })
      }
      finish(e, aborted || error.code === 'cancelled' ? 'cancelled' : 'failed', null, error)
    } finally {
      running--
      next()
    }
  }

  const next = () => {
    while (running < concurrency) {
      const e = queue.shift()
      if (e === undefined) return
      void run(e)
    }
  }

  const cancel = (e: Entry): Job => {
    if (finished(e.job.status)) {
      throw new AppError('conflict', `id: job ${e.job.id} has finished (it ${e.job.status})`, {
        id: e.job.id,
        status: e.job.status,
      })
    }
    e.controller.abort()
    const queued = queue.indexOf(e)
    if (queued >= 0) {
      queue.splice(queued, 1)
      finish(e, 'cancelled', null, {
        code: 'cancelled',
        message: `${e.job.kind} was cancelled before it started`,
      })
    }
    return { ...e.job }
  }

  const detail = (e: Entry): JobDetail =>
    // The result was produced by the handler of this very kind; the contract types it by kind.
    ({ ...e.job, result: e.result, resultExpired: e.resultExpired }) as JobDetail

  return {
    start(kind, actor, work) {
      if (stopping) throw new AppError('cancelled', 'ThreatEye is shutting down; no new jobs start')
      let resolveDone: () => void = () => {}
      const done = new Promise<void>((r) => (resolveDone = r))
      const e: Entry = {
        job: {
          id: randomUUID(),
          kind,
          status: 'queued',
          progress: { done: 0, total: null },
          error: null,
          actor,
          createdAt: now(),
          startedAt: null,
          finishedAt: null,
        },
        result: null,
        resultExpired: false,
        controller: new AbortController(),
        work,
        done,
        resolveDone,
        lastEmit: Number.NEGATIVE_INFINITY,
        pendingEmit: false,
      }
      entries.set(e.job.id, e)
      queue.push(e)
      next()
      return { ...e.job }
    },
    get: (id) => detail(require(id)),
    list: ({ kind, status, limit }) =>
      [...entries.values()]
        .map((e) => e.job)
        .filter((j) => (kind === undefined || j.kind === kind) && (status ?? j.status) === j.status)
        .reverse()
        .slice(0, limit),
    cancel: (id) => cancel(require(id)),
    settled: async (id) => {
      const e = require(id)
      await e.done
      return detail(e)
    },
    async waitForIdle() {
      const open = () => [...entries.values()].filter((e) => !finished(e.job.status))
      while (open().length > 0) await Promise.all(open().map((e) => e.done))
    },
    async stop() {
      stopping = true
      clearInterval(progressTimer)
      for (const e of [...queue]) cancel(e)
      const open = [...entries.values()].filter((e) => !finished(e.job.status))
      for (const e of open) e.controller.abort()
      await Promise.all(open.map((e) => e.done))
    },
  }
}
