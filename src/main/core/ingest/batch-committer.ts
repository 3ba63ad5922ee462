import type { ChangeCaller } from '#core/audit/change-caller'
import type { Database } from '#core/db/data-source'
import {
  createForeignIdRefuser,
  prepareUpsertRows,
  type IndicatorUpsertRow,
} from '#core/db/bulk/indicator-bulk'
import type { BulkTransaction } from '#core/db/bulk-worker/bulk-writer-client'
import { OBSERVATION_STRIDE } from '#core/db/bulk-worker/protocol'
import type { PreparedObject, PreparedRecord, RunDefaults } from '#core/feeds/engine/engine-types'
import type { Clock } from '#core/platform/clock'
import type { IngestScreen } from '#core/warninglists/ingest-screen'
import { addDelta, snapshotOf, type IngestCounts } from './ingest-counts'

/** Records per message to the bulk writer, and at most about this much text (feed text is hostile: 5,000
 * records with 8 KiB of raw JSON and a 20,000-character description each would be a 140 MB message). */
const POST_CHUNK = 5000
const POST_CHUNK_CHARS = 4 * 1024 * 1024

/** Roughly the characters a record carries across the thread boundary (its big strings). */
const charsOf = (r: PreparedRecord): number =>
  r.value.length + (r.raw?.length ?? 0) + (r.description?.length ?? 0) + r.tagsJson.length
const rowCharsOf = (r: IndicatorUpsertRow): number => r.value.length + (r.description?.length ?? 0)
/** Messages the worker may have queued and not yet written before the pipeline waits (memory bound). */
const MAX_PARTS_IN_FLIGHT = 2

export type BatchCommitter = {
  /**
   * Opens the next batch: one write-queue job and one SQLite transaction on the bulk writer's worker, held
   * until commit() or abort(). The caller must end every batch it opened, or the write queue stays blocked.
   */
  open(): Promise<OpenBatch>
}

export type OpenBatch = {
  /** Records and rows added so far. */
  readonly records: number
  /**
   * Prepares feed records and objects here and hands them to the worker, which writes them (indicator,
   * observation, objects) while the caller parses more. Resolves once the worker has room for more (a
   * bounded queue between the threads).
   */
  add(records: PreparedRecord[], objects: PreparedObject[]): Promise<void>
  /** The same for indicators.bulkCreate rows: indicator upserts only, no observation. */
  addRows(rows: IndicatorUpsertRow[]): Promise<void>
  /** All of the batch or none of it. Resolves with the time the transaction took, for the batch sizing. */
  commit(): Promise<number>
  abort(): Promise<void>
}

/** Where the batches of a feed run go: its run row (counters) and its observations. */
export type RunTarget = { runId: string; defaults: RunDefaults }

const observationsOf = (recs: readonly PreparedRecord[]): unknown[] => {
  const out = new Array<unknown>(recs.length * OBSERVATION_STRIDE)
  for (let i = 0, o = 0; i < recs.length; i++, o += OBSERVATION_STRIDE) {
    const r = recs[i]
    out[o] = r.firstSeen ?? null
    out[o + 1] = r.lastSeen ?? null
    out[o + 2] = r.confidence ?? null
    out[o + 3] = r.threatType
    out[o + 4] = r.malware
    out[o + 5] = r.tagsJson
    out[o + 6] = r.reference
    out[o + 7] = r.description ?? null
    out[o + 8] = r.tlp ?? null
    out[o + 9] = r.port
    out[o + 10] = r.raw
    out[o + 11] = r.classification ?? null
    out[o + 12] = r.severity ?? null
    out[o + 13] = r.eventTitle
  }
  return out
}

/** Calls `post` with consecutive slices of `items`, each at most POST_CHUNK long and about POST_CHUNK_CHARS. */
const inChunks = <T>(
  items: T[],
  chars: (x: T) => number,
  post: (part: T[]) => void,
  maxCount = POST_CHUNK,
): void => {
  for (let from = 0; from < items.length;) {
    let to = from
    let n = 0
    while (to < items.length && to - from < maxCount && n < POST_CHUNK_CHARS) {
      n += chars(items[to])
      to++
    }
    post(from === 0 && to === items.length ? items : items.slice(from, to))
    from = to
  }
}

/**
 * THE commit of a batch, for every way data comes in: the transaction commits (with the run's counters
 * written inside it, for a feed run) and only then do the counts in memory move, so a failed batch leaves
 * both the tables and the report as they were. One function, so whatever must happen once per committed
 * batch (a change-log entry) has one place to go.
 */
export const commitBatch = async (
  tx: BulkTransaction,
  counts: IngestCounts,
  run: RunTarget | undefined,
): Promise<number> => {
  const { delta, ms } = await tx.commit(
    run === undefined ? undefined : { id: run.runId, counters: snapshotOf(counts) },
  )
  addDelta(counts, delta)
  return ms
}

/**
 * Writes batches. A feed batch: indicator upserts, then one observation per record (a repeat of the same
 * indicator in the same run is a duplicate, detected by the observation's last_run_id), then intel objects,
 * then the run's counters, all inside one transaction (src/main/core/db/bulk-worker/bulk-write-host.ts). A
 * bulkCreate batch: indicator upserts. The rows are prepared here (ids, normalisation) and written there,
 * chunk by chunk: two cores, and neither thread holds a whole batch.
 */
export const createBatchCommitter = (deps: {
  db: Database
  clock: Clock
  /** The write-queue job's label. */
  label: string
  /** Named in each batch's change log entry; a feed run's batches name the run's caller without it. */
  by?: ChangeCaller
  counts: IngestCounts
  /** A feed run (observations and a run row); absent for indicators.bulkCreate. */
  run?: RunTarget
  /** Warninglists and the allowlist, applied to every record before it goes to the bulk writer. */
  screen?: IngestScreen
}): BatchCommitter => {
  const { db, run, counts } = deps
  // Once per import: the lists and the allowlist as they are when it starts.
  const screen = deps.screen?.begin()
  // Checked here, on the main thread, because the worker only sees prepared rows.
  let refuseForeignId: ReturnType<typeof createForeignIdRefuser> | undefined

  /** Prepared rows, screened (warninglist hits, the allowlist) on their way to the bulk writer. */
  const prepared = (
    rows: IndicatorUpsertRow[],
    refuse?: Parameters<typeof prepareUpsertRows>[1],
  ) => {
    const flat = prepareUpsertRows(rows, refuse)
    if (screen !== undefined) counts.allowlisted += screen.rows(flat)
    return flat
  }

  const post = (tx: BulkTransaction, records: PreparedRecord[], objects: PreparedObject[]) => {
    if (run === undefined) throw new Error('feed records need a run to observe them')
    const feedPart = (part: PreparedRecord[], objs: PreparedObject[]) =>
      tx.feed({
        runId: run.runId,
        feedId: run.defaults.feedId,
        sourceKey: run.defaults.sourceKey,
        rows: prepared(part),
        observations: observationsOf(part),
        objects: objs,
      })
    inChunks(records, charsOf, (part) => feedPart(part, []))
    // Intel objects keep up to MAX_OBJECT_JSON (1 MiB) of JSON each: they go in parts of their own.
    inChunks(
      objects,
      (o) => o.data.length,
      (part) => feedPart([], part),
      Infinity,
    )
  }

  return {
    open: () =>
      new Promise<OpenBatch>((resolveOpen, rejectOpen) => {
        db.writes
          .run(
            deps.label,
            () =>
              new Promise<void>((endJob) => {
                const tx = db.bulk.begin(deps.clock.now().toISOString(), deps.by)
                let records = 0
                let ended = false
                const end = () => {
                  ended = true
                  endJob()
                }
                const check = () => {
                  if (ended) throw new Error('this batch is already committed or aborted')
                }
                resolveOpen({
                  get records() {
                    return records
                  },
                  add: async (recs, objects) => {
                    check()
                    if (recs.length === 0 && objects.length === 0) return
                    post(tx, recs, objects)
                    records += recs.length
                    await tx.room(MAX_PARTS_IN_FLIGHT)
                  },
                  addRows: async (rows) => {
                    check()
                    if (rows.length === 0) return
                    refuseForeignId ??= createForeignIdRefuser(db.sqlite)
                    const refuse = refuseForeignId
                    inChunks(rows, rowCharsOf, (part) => tx.indicators(prepared(part, refuse)))
                    records += rows.length
                    await tx.room(MAX_PARTS_IN_FLIGHT)
                  },
                  commit: async () => {
                    check()
                    try {
                      return await commitBatch(tx, counts, run)
                    } finally {
                      end()
                    }
                  },
                  abort: async () => {
                    if (ended) return
                    try {
                      await tx.rollback()
                    } finally {
                      end()
                    }
                  },
                })
              }),
          )
          .catch(rejectOpen)
      }),
  }
}
