import type { IndicatorUpsertRow } from '#core/db/bulk/indicator-bulk'
import type { PreparedObject, PreparedRecord } from '#core/feeds/engine/engine-types'
import type { BatchCommitter, OpenBatch } from './batch-committer'

/** Intel objects are bigger (whole STIX SDOs), so they flush sooner. */
export const OBJECT_BATCH_SIZE = 1000

/**
 * Records per transaction. Every commit rewrites the pages the batch dirtied in the indicators' random-key
 * indexes, so bigger batches import faster (docs/performance.md). The transaction runs on the bulk writer's
 * worker, so the main thread stays free, but it holds the one write queue and a UI edit waits for it. So
 * the size adapts: each transaction aims at TARGET_TX_MS of work, between MIN and MAX_BATCH records. A
 * fixed `batchSize` (tests) turns this off.
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

const cancelledError = (): Error => Object.assign(new Error('cancelled'), { name: 'AbortError' })

export const throwIfAborted = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted === true) throw cancelledError()
}

export type IngestWriter = {
  /** Feed records and intel objects (observed by the run). */
  write(records: PreparedRecord[], objects: PreparedObject[]): Promise<void>
  /** indicators.bulkCreate rows. */
  writeRows(rows: IndicatorUpsertRow[]): Promise<void>
  /** Commits the batch being filled, if any. */
  finish(): Promise<void>
  /** Drops the batch being filled whole (its transaction rolls back). Never throws. */
  abort(): Promise<void>
  readonly committedBatches: number
}

/**
 * The pipeline's writing end, shared by every way data comes in. Hands records to the open batch as they
 * are prepared (the worker writes them meanwhile) and commits whenever the batch reaches its size: exactly
 * the batch size per transaction, whatever the caller's own chunk size. A batch opens only when there is
 * something to put in it, so an input that fills its last batch exactly costs no empty transaction.
 * Cancellation is checked before every part: committed batches stay, the open one is dropped by abort().
 */
export const createIngestWriter = (opts: {
  committer: BatchCommitter
  sizer: BatchSizer
  signal?: AbortSignal
}): IngestWriter => {
  const { committer, sizer, signal } = opts
  let open: OpenBatch | null = null
  let openObjects = 0
  let committed = 0

  const closeBatch = async () => {
    const b = open
    open = null
    if (b === null) return
    const ms = await b.commit()
    committed++
    sizer.observe(b.records, ms)
  }
  const batch = async (): Promise<OpenBatch> => {
    throwIfAborted(signal)
    if (open === null) {
      open = await committer.open()
      openObjects = 0
    }
    return open
  }
  /** Feeds `items` into batches, `send` putting one slice into the open batch. */
  const fill = async <T>(
    items: T[],
    send: (b: OpenBatch, part: T[], first: boolean) => Promise<void>,
  ) => {
    let from = 0
    let first = true
    while (from < items.length || first) {
      const b = await batch()
      const room = Math.max(1, sizer.size - b.records)
      const part = from === 0 && items.length <= room ? items : items.slice(from, from + room)
      await send(b, part, first)
      first = false
      from += part.length
      if (b.records >= sizer.size || openObjects >= OBJECT_BATCH_SIZE) await closeBatch()
    }
  }

  return {
    get committedBatches() {
      return committed
    },
    write: async (records, objects) => {
      if (records.length === 0 && objects.length === 0) return
      await fill(records, async (b, part, first) => {
        await b.add(part, first ? objects : [])
        if (first) openObjects += objects.length
      })
    },
    writeRows: async (rows) => {
      if (rows.length === 0) return
      await fill(rows, (b, part) => b.addRows(part))
    },
    finish: closeBatch,
    abort: async () => {
      const b = open
      open = null
      await b?.abort().catch(() => undefined)
    },
  }
}
