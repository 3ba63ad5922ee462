import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { AppError, type ErrorCode } from '#shared/contract/errors'
import { CORE_CALLER, type ChangeCaller, type RunCallers } from '#core/audit/change-caller'
import type { Logger } from '#core/platform/logger'
import { spawnWorker } from '#core/workers/spawn-worker'
import type { PreparedRows } from '../bulk/indicator-bulk'
import type { ScoringConfig } from '#core/scoring/compute-score'
import { DEFAULT_RISK_THRESHOLDS } from '#shared/domain/enums'
import { DEFAULT_DECAY_POLICY } from '#shared/domain/decay-policy'
import type {
  BulkDelta,
  BulkReply,
  BulkRequest,
  CloseRequest,
  FeedPart,
  RunCountersSnapshot,
  SerializedError,
  WorkerInit,
} from './protocol'

/**
 * The main thread's handle on the bulk-writer worker. Use it only inside a write-queue job
 * (`db.writes.run`): the queue is what keeps this connection and TypeORM's from writing at the same time.
 */
export type BulkWriter = {
  /**
   * `by` names the caller in the batch's change log entry; a feed batch (committed with its run) names the
   * run's caller without it.
   */
  begin(nowIso: string, by?: ChangeCaller): BulkTransaction
  /**
   * Called after every committed transaction that created or changed indicators, with the write time its
   * rows carry (created_at / updated_at) and its caller: whatever reacts to new data (alert rules) hooks
   * here, so every way data comes in (feed runs, imports, bulkCreate) is covered. Returns the unsubscriber.
   */
  onDidCommit(listener: (batch: CommittedBatch) => void): () => void
  /** The settings the next transactions score rows with (the core sets it from settings). */
  setScoring(config: ScoringConfig): void
  /** Closes the worker's connection and ends the thread; the next begin() starts a new one. */
  stop(): Promise<void>
  /**
   * Ends the thread at once, as a crash would: an open transaction is lost (SQLite rolls it back) and its
   * commit() rejects. For a worker that stopped answering, and for the crash tests.
   */
  terminate(): Promise<void>
}

/** A committed bulk transaction, as onDidCommit reports it. */
export type CommittedBatch = {
  /** The time the transaction wrote into its rows' created_at / updated_at. */
  nowIso: string
  delta: BulkDelta
  /** The feed run it belongs to; null for indicators.bulkCreate. */
  runId: string | null
  caller: ChangeCaller
}

export type BulkTransaction = {
  /** Queues a chunk of indicators.bulkCreate rows (prepareUpsertRows). Failures surface at commit. */
  indicators(rows: PreparedRows): void
  /**
   * Resolves once at most `max` parts are still waiting to be written: a sender that can produce parts
   * faster than the worker writes them awaits this, so the queue between the threads stays short.
   */
  room(max?: number): Promise<void>
  /** Queues a feed batch: rows, their observations (OBSERVATION_STRIDE values each), intel objects. */
  feed(part: FeedPart): void
  /** Commits (writing the run's counters first, when given) and says what the transaction did. */
  commit(run?: {
    id: string
    counters: RunCountersSnapshot
  }): Promise<{ delta: BulkDelta; ms: number }>
  rollback(): Promise<void>
}

/** Rebuilds the error the worker caught, so callers see the same AppError (code, details) as in-process. */
export const deserializeError = (e: SerializedError): Error => {
  if (e.app && e.code !== undefined) return new AppError(e.code as ErrorCode, e.message, e.details)
  return Object.assign(new Error(e.message), { name: e.name, code: e.code })
}

export const createBulkWriter = (opts: {
  file: string
  nativeBinding?: string
  logger: Logger
  runCallers?: RunCallers
}): BulkWriter => {
  let worker: Worker | null = null
  let nextTx = 1
  const commitListeners = new Set<(batch: CommittedBatch) => void>()
  const didCommit = (batch: CommittedBatch) => {
    if (batch.delta.created + batch.delta.updated === 0) return
    for (const l of [...commitListeners]) {
      try {
        l(batch)
      } catch (e) {
        // A listener's failure must not turn a committed batch into a failed one.
        opts.logger.warn('bulk commit listener failed', { error: e })
      }
    }
  }
  let scoring: ScoringConfig = { thresholds: DEFAULT_RISK_THRESHOLDS, decay: DEFAULT_DECAY_POLICY }
  const waiting = new Map<number, { resolve: (r: BulkReply) => void; reject: (e: Error) => void }>()
  let stopping = false
  // Parts sent and not yet acknowledged, and who waits for that number to fall.
  let inFlightParts = 0
  let roomWaiters: { max: number; resolve: () => void }[] = []
  const partDone = () => {
    inFlightParts = Math.max(0, inFlightParts - 1)
    if (roomWaiters.length === 0) return
    const still: typeof roomWaiters = []
    for (const w of roomWaiters) {
      if (inFlightParts <= w.max) w.resolve()
      else still.push(w)
    }
    roomWaiters = still
  }

  // Transactions begun on the current worker and not yet finished; when it dies they are lost, and a later
  // commit of one is refused with that reason (not the new worker's "not open").
  const openTx = new Set<number>()
  const lostTx = new Map<number, Error>()

  const failAll = (e: Error) => {
    for (const tx of openTx) lostTx.set(tx, e)
    openTx.clear()
    for (const w of waiting.values()) w.reject(e)
    waiting.clear()
    // The parts died with the worker: nobody should wait for their acknowledgement.
    inFlightParts = 0
    for (const w of roomWaiters) w.resolve()
    roomWaiters = []
  }

  const start = (): Worker => {
    if (worker !== null) return worker
    const init: WorkerInit = { file: opts.file, nativeBinding: opts.nativeBinding }
    const w = spawnWorker(
      { name: 'bulk-writer', source: join(__dirname, 'bulk-writer.worker.ts') },
      init,
      // It holds one message at a time, which senders keep to a few MB of text (feed rows, intel objects
      // of up to 1 MiB, descriptions of up to 20,000 characters); the cap bounds the process's memory
      // during imports (V8 would otherwise let garbage grow far past that before collecting).
      { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    )
    w.on('message', (reply: BulkReply) => {
      if ('ready' in reply) return
      if ('part' in reply) {
        partDone()
        return
      }
      if ('fatal' in reply) {
        opts.logger.error('bulk writer failed', { error: reply.fatal.message })
        failAll(deserializeError(reply.fatal))
        return
      }
      const entry = waiting.get(reply.tx)
      if (entry === undefined) return
      waiting.delete(reply.tx)
      entry.resolve(reply)
    })
    w.on('error', (e) => {
      opts.logger.error('bulk writer crashed', { error: e })
      failAll(e)
    })
    w.on('exit', (code) => {
      if (worker === w) worker = null
      if (!stopping || code !== 0) {
        failAll(
          new Error(`the bulk writer stopped (exit code ${code}); the open batch was rolled back`),
        )
      }
    })
    // An idle worker must not keep a CLI process alive.
    w.unref()
    worker = w
    return w
  }

  const send = (req: BulkRequest | CloseRequest) => start().postMessage(req)

  const request = (req: BulkRequest & { tx: number }): Promise<BulkReply> =>
    new Promise((resolve, reject) => {
      waiting.set(req.tx, { resolve, reject })
      // While a reply is awaited the worker must keep the process alive.
      start().ref()
      send(req)
    }).finally(() => {
      if (waiting.size === 0) worker?.unref()
    }) as Promise<BulkReply>

  return {
    begin(nowIso, by) {
      const tx = nextTx++
      send({ op: 'begin', tx, nowIso, scoring })
      openTx.add(tx)
      const lost = () => {
        const e = lostTx.get(tx)
        if (e === undefined) return
        lostTx.delete(tx)
        throw e
      }
      return {
        indicators: (rows) => {
          inFlightParts++
          send({ op: 'indicators', tx, rows })
        },
        feed: (part) => {
          inFlightParts++
          send({ op: 'feed', tx, ...part })
        },
        room: (max = 2) =>
          inFlightParts <= max
            ? Promise.resolve()
            : new Promise<void>((resolve) => roomWaiters.push({ max, resolve })),
        commit: async (run) => {
          lost()
          const caller = by ?? (run ? opts.runCallers?.get(run.id) : undefined) ?? CORE_CALLER
          const reply = await request({ op: 'commit', tx, run, caller }).finally(() =>
            openTx.delete(tx),
          )
          if ('ok' in reply && reply.ok) {
            didCommit({ nowIso, delta: reply.delta, runId: run?.id ?? null, caller })
            return { delta: reply.delta, ms: reply.ms }
          }
          if ('error' in reply) throw deserializeError(reply.error)
          throw new Error('unexpected reply from the bulk writer')
        },
        rollback: async () => {
          if (lostTx.delete(tx)) return
          await request({ op: 'rollback', tx }).finally(() => openTx.delete(tx))
        },
      }
    },
    onDidCommit: (listener) => {
      commitListeners.add(listener)
      return () => commitListeners.delete(listener)
    },
    setScoring: (config) => {
      scoring = config
    },
    terminate: async () => {
      const w = worker
      if (w === null) return
      await w.terminate()
    },
    stop: async () => {
      const w = worker
      if (w === null) return
      stopping = true
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      // Until it has closed its connection the worker must keep the process alive.
      w.ref()
      w.postMessage({ op: 'close' } satisfies CloseRequest)
      await exited
      worker = null
      stopping = false
    },
  }
}
