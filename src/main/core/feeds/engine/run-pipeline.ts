import { isAppError } from '#shared/contract/errors'
import type { FeedRun } from '#shared/contract/feeds.contract'
import type { Database } from '#core/db/data-source'
import type { EventHub } from '#core/events/event-hub'
import type { Clock } from '#core/platform/clock'
import type { Logger } from '#core/platform/logger'
import type { IngestScreen } from '#core/warninglists/ingest-screen'
import { isFeedFetchError } from '../http/fetch-error'
import { createBatchCommitter } from '#core/ingest/batch-committer'
import { emptyCounts } from '#core/ingest/ingest-counts'
import {
  createBatchSizer,
  createIngestWriter,
  throwIfAborted,
  type IngestWriter,
} from '#core/ingest/ingest-writer'
import type { PreparedObject, PreparedRecord, RunDefaults } from './engine-types'
import { prepareItems } from './prepare'
import { createProgress } from './progress'
import type { RunStore } from './run-store'
import type { OpenedSource } from '../sources/sources'
import { createSpool, type Spool } from './spool'

/** Spool chunks of staged runs; the commit phase regroups them to the current batch size. */
const STAGE_CHUNK = 5000

export type PipelineDeps = {
  db: Database
  clock: Clock
  logger: Logger
  events: EventHub
  dataDir: string
  runs: RunStore
  batchSize?: number
  /** Warninglists and the allowlist at ingest. */
  screen?: IngestScreen
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
  const counters = emptyCounts()
  const t0 = performance.now()
  const log = deps.logger.child({ runId, feedId })
  const progress = createProgress({ events: deps.events, runId, feedId, counters })
  let status: FeedRun['status'] = 'failed'
  let error: string | null = null
  let statePatch: Record<string, unknown> | undefined
  let spool: Spool | null = null
  // The pipeline's writing end: the batch being filled has its transaction open on the bulk writer.
  let writer: IngestWriter | null = null

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
      const w = createIngestWriter({
        committer: createBatchCommitter({
          db: deps.db,
          clock: deps.clock,
          label: 'feeds.batch',
          counts: counters,
          run: { runId, defaults },
          screen: deps.screen,
        }),
        sizer,
        signal,
      })
      writer = w
      const write = (records: PreparedRecord[], objects: PreparedObject[]) =>
        w.write(records, objects)
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
      await w.finish()
      statePatch = src.state?.()
      status = 'succeeded'
    }
  } catch (e) {
    // The batch being filled is dropped whole (its transaction rolls back) before the final state is written.
    await writer?.abort()
    const committedBatches = writer?.committedBatches ?? 0
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
