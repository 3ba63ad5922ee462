import { isAppError } from '#shared/contract/errors'
import type { FeedRun } from '#shared/contract/feeds.contract'
import type { Database } from '#core/db/data-source'
import type { EventHub } from '#core/events/event-hub'
import type { Clock } from '#core/platform/clock'
import type { Logger } from '#core/platform/logger'
import { isFeedFetchError } from '../http/fetch-error'
import { createBatchCommitter, type OpenBatch } from './batch-committer'
import type { PreparedObject, PreparedRecord, RunDefaults } from './engine-types'
import { prepareItems } from './prepare'
import { createProgress } from './progress'
import { emptyCounters } from './run-counters'
import type { RunStore } from './run-store'
import type { OpenedSource } from '../sources/sources'
import { createSpool, type Spool } from './spool'

/** Intel objects are bigger (whole STIX SDOs), so they flush sooner. */
const OBJECT_BATCH_SIZE = 1000
/** Spool chunks of staged runs; the commit phase regroups them to the current batch size. */
const STAGE_CHUNK = 5000

/**
 * Records per transaction. Every commit rewrites the pages the batch dirtied in the indicators' random-key
 * indexes, so bigger batches import faster (measured: 5,000-row batches cost ~20% more CPU than 50,000, and
 * much more wall time on a busy disk). The transaction runs on the bulk writer's worker, so the main thread
 * stays free, but it holds the one write queue and a UI edit waits for it. So the size adapts: each
 * transaction aims at TARGET_TX_MS of work, between MIN and MAX_BATCH records. A fixed `batchSize` (tests)
 * turns this off.
 */
export const TARGET_TX_MS = 1000
export const INITIAL_BATCH = 10_000
export const MIN_BATCH = 1000
export const MAX_BATCH = 50_000

export type BatchSizer = { readonly size: number; observe(rows: number, ms: number): void }

export const createBatchSizer = (fixed?: number): BatchSizer => {
  let size = fixed ?? INITIAL_BATCH
  return {
    get size() {
      return size
    },
    observe(rows, ms) {
      // A short final batch says little about the rate; a fixed size never moves.
      if (fixed !== undefined || rows < size / 2 || ms <= 0) return
      const ideal = (rows * TARGET_TX_MS) / ms
      size = Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.round((size + ideal) / 2)))
    },
  }
}

export type PipelineDeps = {
  db: Database
  clock: Clock
  logger: Logger
  events: EventHub
  dataDir: string
  runs: RunStore
  batchSize?: number
}

export type RunPlan = {
  runId: string
  feedId: string | null
  defaults: RunDefaults
  signal: AbortSignal
  open: (signal: AbortSignal) => Promise<OpenedSource>
  /** Called inside the run's final transaction, only after success, with the source's new state. */
  saveState?: (patch: Record<string, unknown>) => void
  redact?: (text: string) => string
}

const cancelledError = (): Error => Object.assign(new Error('cancelled'), { name: 'AbortError' })

const throwIfAborted = (signal: AbortSignal): void => {
  if (signal.aborted) throw cancelledError()
}

/** A run's error line: our own messages as they are, anything else reduced to a safe one-liner. */
const describeError = (e: unknown): string => {
  if (isFeedFetchError(e) || isAppError(e)) return e.message
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE'))
      return `Database error while writing a batch: ${e.message}`
    return e.message.length > 500 ? `${e.message.slice(0, 500)}…` : e.message
  }
  return String(e)
}

/**
 * Runs one import from an opened source to a finished run row. Local sources commit batch by batch (a
 * killed import keeps whole batches only: each is one transaction, and the run row's counters are written
 * in the same transaction); remote sources are staged in a spool file and committed only after the whole
 * download parsed, so a failed download writes nothing. Cancellation stops at the next batch boundary:
 * batches committed before it stay (they are complete and the report says how many), staged ones are
 * dropped.
 */
export const executeRun = async (deps: PipelineDeps, plan: RunPlan): Promise<FeedRun> => {
  const { runId, feedId, defaults, signal } = plan
  const sizer = createBatchSizer(deps.batchSize)
  const counters = emptyCounters()
  const t0 = performance.now()
  const log = deps.logger.child({ runId, feedId })
  const progress = createProgress({ events: deps.events, runId, feedId, counters })
  let status: FeedRun['status'] = 'failed'
  let error: string | null = null
  let statePatch: Record<string, unknown> | undefined
  let spool: Spool | null = null
  let committedBatches = 0
  // The batch being filled: its transaction is open on the bulk writer until it is committed or aborted.
  let open: OpenBatch | null = null
  let openObjects = 0
  const closeBatch = async () => {
    const b = open
    open = null
    if (b === null) return
    const ms = await b.commit()
    committedBatches++
    sizer.observe(b.records, ms)
  }

  try {
    await deps.db.writes.run('feeds.runStart', () => deps.runs.setStatus(runId, 'running'))
    throwIfAborted(signal)
    progress.phase('connecting')
    const src = await plan.open(signal)
    if (src.kind !== 'not-modified') progress.watchBytes(() => src.bytes())
    if (src.kind === 'not-modified') {
      status = 'unchanged'
    } else {
      await deps.db.writes.run('feeds.runFormat', () => deps.runs.setFormat(runId, src.format))
      const committer = createBatchCommitter({
        db: deps.db,
        clock: deps.clock,
        runId,
        defaults,
        counters,
      })
      /**
       * Hands records to the open batch as they are parsed (the worker writes them meanwhile) and commits
       * whenever the batch reaches its size: exactly the batch size per transaction, whatever the parser's
       * own chunk size. Intel objects are bigger (whole STIX SDOs), so a batch also ends after
       * OBJECT_BATCH_SIZE of them.
       */
      const write = async (records: PreparedRecord[], objects: PreparedObject[]) => {
        let from = 0
        let pendingObjects = objects
        while (from < records.length || pendingObjects.length > 0) {
          throwIfAborted(signal)
          if (open === null) {
            open = await committer.open()
            openObjects = 0
          }
          const room = Math.max(1, sizer.size - open.records)
          const part =
            from === 0 && records.length <= room ? records : records.slice(from, from + room)
          await open.add(part, pendingObjects)
          openObjects += pendingObjects.length
          pendingObjects = []
          from += part.length
          if (open.records >= sizer.size || openObjects >= OBJECT_BATCH_SIZE) await closeBatch()
        }
      }
      const staging = src.staged ? await createSpool(deps.dataDir, runId) : null
      spool = staging
      progress.phase(staging ? 'staging' : 'reading')

      for await (const items of src.items) {
        throwIfAborted(signal)
        const records: PreparedRecord[] = []
        const objects: PreparedObject[] = []
        prepareItems(items, defaults, counters, records, objects)
        counters.bytes = src.bytes()
        if (staging) {
          // Staged chunks of at most STAGE_CHUNK records: the commit phase regroups them.
          for (let i = 0; i < records.length || (i === 0 && objects.length > 0); i += STAGE_CHUNK) {
            await staging.append({
              records: records.slice(i, i + STAGE_CHUNK),
              objects: i === 0 ? objects : [],
            })
          }
        } else {
          await write(records, objects)
        }
        progress.tick()
      }
      throwIfAborted(signal)
      counters.bytes = src.bytes()

      if (staging) {
        progress.phase('committing')
        for await (const batch of staging.replay()) {
          throwIfAborted(signal)
          await write(batch.records, batch.objects)
          progress.tick()
        }
        throwIfAborted(signal)
      }
      await closeBatch()
      statePatch = src.state?.()
      status = 'succeeded'
    }
  } catch (e) {
    // The batch being filled is dropped whole (its transaction rolls back) before the final state is written.
    const unfinished = open as OpenBatch | null
    open = null
    await unfinished?.abort().catch(() => undefined)
    if (signal.aborted) {
      status = 'cancelled'
      error =
        committedBatches > 0
          ? `Cancelled; the ${committedBatches} batch(es) committed before the cancel were kept`
          : 'Cancelled; nothing was written'
    } else {
      status = 'failed'
      error = (plan.redact ?? ((x: string) => x))(describeError(e))
      if (committedBatches > 0) {
        error += ` (the ${committedBatches} batch(es) committed before the failure were kept)`
      } else if (spool) error += ' (nothing was written: the download was staged)'
    }
    log.warn('feed run stopped', { status, error })
  } finally {
    await spool
      ?.discard()
      .catch((e: unknown) => log.warn('could not delete a spool file', { error: e }))
  }

  progress.phase('finishing')
  progress.close()
  const finishedAt = deps.clock.now().toISOString()
  const durationMs = Math.round(performance.now() - t0)
  await deps.db.writes.run('feeds.runFinish', () =>
    deps.db.sqlite.transaction(() => {
      deps.runs.finish(runId, status, finishedAt, counters, error, durationMs)
      if (status === 'succeeded' && statePatch && plan.saveState) plan.saveState(statePatch)
    })(),
  )
  const run = deps.runs.get(runId)
  if (!run) throw new Error(`run ${runId} vanished while finishing`)
  log.info('feed run finished', {
    status,
    rows: run.rows,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    duplicates: run.duplicates,
    rejected: run.rejected,
    durationMs,
  })
  // feeds.onDidFinishRun is the run manager's: it fires once the run no longer counts as running.
  if (run.created + run.updated > 0) deps.events.emit('indicators.onDidChange', { kind: 'bulk' })
  return run
}
