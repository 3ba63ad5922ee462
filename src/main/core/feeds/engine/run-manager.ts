import type { ChangeCaller } from '#core/audit/change-caller'
import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import type { FeedRun } from '#shared/contract/feeds.contract'
import type { RunDefaults } from './engine-types'
import type { RunLiveness, RunOwner } from './run-owner'
import { executeRun, type PipelineDeps } from './run-pipeline'
import type { OpenedSource } from '../sources/sources'

export type LaunchSpec = {
  feedId: string | null
  /** Shown in history: the feed's name, a file name or a redacted URL. */
  source: string
  format: string
  trigger: FeedRun['trigger']
  defaults: RunDefaults
  open: (signal: AbortSignal) => Promise<OpenedSource>
  saveState?: (patch: Record<string, unknown>) => void
  /** Removes the feed's credentials from anything the run records (its error line). */
  redact?: (text: string) => string
  /** Who started the run: its change log entries (start, batches, finish) name them. */
  caller?: ChangeCaller
}

export type RunManager = {
  /** Records a queued run and starts it; `done` settles with the finished run (it never rejects). */
  launch(spec: LaunchSpec): Promise<{ run: FeedRun; done: Promise<FeedRun> }>
  cancel(runId: string): boolean
  activeRunOf(feedId: string): string | undefined
  isActive(runId: string): boolean
  /** Whether this core runs it or is recording its start: its owner is alive whatever the row says. */
  ownsRun(runId: string): boolean
  waitForIdle(): Promise<void>
  /** Refuses new runs, aborts the running ones (their downloads too) and waits for them to finish. */
  stop(): Promise<void>
}

type Active = { feedId: string | null; controller: AbortController; done: Promise<FeedRun | null> }

/** Who this core is to other processes on the same data, and how often it says it is alive. */
export type RunOwnership = { owner: RunOwner; liveness: RunLiveness }

export const createRunManager = (deps: PipelineDeps, own: RunOwnership): RunManager => {
  const active = new Map<string, Active>()
  const byFeed = new Map<string, string>()
  // Recorded but not yet in `active`: start-up recovery must not take these for abandoned.
  const starting = new Set<string>()
  let stopping = false
  const beatAt = () => own.liveness.clock.now().toISOString()
  // One timer for all live runs, only while there are any; unref'd so it never keeps a process alive.
  let beat: NodeJS.Timeout | null = null
  const heartbeat = () => {
    const ids = [...active.keys()]
    if (ids.length === 0) return
    deps.db.writes
      .run('feeds.heartbeat', () => deps.runs.heartbeat(ids, beatAt()))
      .catch((e: unknown) => deps.logger.warn('run heartbeat not written', { error: e }))
  }
  const armHeartbeat = () => {
    if (beat !== null) return
    beat = setInterval(heartbeat, own.liveness.heartbeatMs)
    beat.unref()
  }
  const disarmIfIdle = () => {
    if (active.size > 0 || beat === null) return
    clearInterval(beat)
    beat = null
  }

  return {
    async launch(spec) {
      if (stopping) throw new AppError('cancelled', 'ThreatEye is shutting down; no new runs start')
      if (spec.feedId) {
        const current = byFeed.get(spec.feedId)
        if (current) {
          throw new AppError(
            'conflict',
            `Feed '${spec.source}' is already running (run ${current})`,
            { runId: current },
          )
        }
      }
      const runId = randomUUID()
      const controller = new AbortController()
      // Reserve the feed before the first await so two quick calls cannot both start it.
      if (spec.feedId) byFeed.set(spec.feedId, runId)
      starting.add(runId)
      try {
        await deps.db.writes.run('feeds.runCreate', () =>
          deps.runs.create({
            id: runId,
            feedId: spec.feedId,
            source: spec.source,
            format: spec.format,
            trigger: spec.trigger,
            startedAt: deps.clock.now().toISOString(),
            caller: spec.caller,
            owner: own.owner,
            heartbeatAt: beatAt(),
          }),
        )
      } catch (e) {
        starting.delete(runId)
        if (spec.feedId) byFeed.delete(spec.feedId)
        throw e
      }
      const run = deps.runs.get(runId) as FeedRun
      const finished = executeRun(deps, {
        runId,
        feedId: spec.feedId,
        defaults: spec.defaults,
        signal: controller.signal,
        open: spec.open,
        saveState: spec.saveState,
        redact: spec.redact,
      })
      const settled = finished
        .catch((e: unknown) => {
          // Only the final bookkeeping can land here (the pipeline records its own failures).
          deps.logger.error('feed run bookkeeping failed', { runId, error: e })
          return null
        })
        .then((r) => {
          active.delete(runId)
          disarmIfIdle()
          if (spec.feedId && byFeed.get(spec.feedId) === runId) byFeed.delete(spec.feedId)
          // After the bookkeeping, so a view refreshing on this event sees the feed as not running.
          if (r) deps.events.emit('feeds.onDidFinishRun', { run: r })
          return r
        })
      active.set(runId, { feedId: spec.feedId, controller, done: settled })
      starting.delete(runId)
      armHeartbeat()
      const done = settled.then((r) => {
        if (r) return r
        try {
          return deps.runs.get(runId) ?? run
        } catch {
          return run // the database is already closed (shutdown)
        }
      })
      return { run, done }
    },
    cancel(runId) {
      const a = active.get(runId)
      if (!a) return false
      a.controller.abort()
      return true
    },
    activeRunOf: (feedId) => byFeed.get(feedId),
    isActive: (runId) => active.has(runId),
    ownsRun: (runId) => active.has(runId) || starting.has(runId),
    async waitForIdle() {
      while (active.size > 0) await Promise.all([...active.values()].map((a) => a.done))
    },
    async stop() {
      stopping = true
      for (const a of active.values()) a.controller.abort()
      while (active.size > 0) await Promise.all([...active.values()].map((a) => a.done))
    },
  }
}
