import type { Database } from '#core/db/data-source'
import { prepareUpsertRows } from '#core/db/bulk/indicator-bulk'
import type { BulkTransaction } from '#core/db/bulk-worker/bulk-writer-client'
import { OBSERVATION_STRIDE } from '#core/db/bulk-worker/protocol'
import type { Clock } from '#core/platform/clock'
import type { PreparedObject, PreparedRecord, RunDefaults } from './engine-types'
import type { RunCounters } from './run-counters'

/** Records per message to the bulk writer, and at most about this much text (feed text is hostile: 5,000
 * records with 8 KiB of raw JSON and a 20,000-character description each would be a 140 MB message). */
const POST_CHUNK = 5000
const POST_CHUNK_CHARS = 4 * 1024 * 1024

/** Roughly the characters a record carries across the thread boundary (its big strings). */
const charsOf = (r: PreparedRecord): number =>
  r.value.length + (r.raw?.length ?? 0) + (r.description?.length ?? 0) + r.tagsJson.length
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
  /** Records added so far. */
  readonly records: number
  /**
   * Prepares records and objects here and hands them to the worker, which writes them while the caller
   * parses more. Resolves once the worker has room for more (a bounded queue between the threads).
   */
  add(records: PreparedRecord[], objects: PreparedObject[]): Promise<void>
  /** All of the batch or none of it. Resolves with the time the transaction took, for the batch sizing. */
  commit(): Promise<number>
  abort(): Promise<void>
}

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

/**
 * Writes batches: indicator upserts, then one observation per record (a repeat of the same indicator in
 * the same run is a duplicate, detected by the observation's last_run_id), then intel objects, then the
 * run's counters, all inside one transaction (src/main/db/bulk-worker/bulk-write-host.ts). The rows are
 * prepared here (ids, normalisation) and written there, chunk by chunk: two cores, and neither thread holds
 * a whole batch. Counters in memory move only after the commit, so a failed batch leaves both the tables
 * and the report as they were.
 */
export const createBatchCommitter = (deps: {
  db: Database
  clock: Clock
  runId: string
  defaults: RunDefaults
  counters: RunCounters
}): BatchCommitter => {
  const { db, runId, defaults, counters } = deps

  const post = (tx: BulkTransaction, records: PreparedRecord[], objects: PreparedObject[]) => {
    const feedPart = (part: PreparedRecord[], objs: PreparedObject[]) =>
      tx.feed({
        runId,
        feedId: defaults.feedId,
        sourceKey: defaults.sourceKey,
        rows: prepareUpsertRows(part),
        observations: observationsOf(part),
        objects: objs,
      })
    for (let from = 0; from < records.length;) {
      let to = from
      let chars = 0
      while (to < records.length && to - from < POST_CHUNK && chars < POST_CHUNK_CHARS) {
        chars += charsOf(records[to])
        to++
      }
      feedPart(from === 0 && to === records.length ? records : records.slice(from, to), [])
      from = to
    }
    // Intel objects keep up to MAX_OBJECT_JSON (1 MiB) of JSON each: they go in parts of their own.
    for (let from = 0; from < objects.length;) {
      let to = from
      let chars = 0
      while (to < objects.length && chars < POST_CHUNK_CHARS) {
        chars += objects[to].data.length
        to++
      }
      feedPart([], objects.slice(from, to))
      from = to
    }
  }

  const applyDelta = (d: Awaited<ReturnType<BulkTransaction['commit']>>['delta']) => {
    counters.created += d.created
    counters.updated += d.updated
    counters.unchanged += d.unchanged
    counters.duplicates += d.duplicates
    counters.objects += d.objects
    const byType = { ...counters.byType }
    for (const [t, n] of Object.entries(d.byType)) byType[t] = (byType[t] ?? 0) + n
    counters.byType = byType
  }

  return {
    open: () =>
      new Promise<OpenBatch>((resolveOpen, rejectOpen) => {
        db.writes
          .run(
            'feeds.batch',
            () =>
              new Promise<void>((endJob) => {
                const tx = db.bulk.begin(deps.clock.now().toISOString())
                let records = 0
                let ended = false
                const end = () => {
                  ended = true
                  endJob()
                }
                resolveOpen({
                  get records() {
                    return records
                  },
                  add: async (recs, objects) => {
                    if (ended) throw new Error('this batch is already committed or aborted')
                    if (recs.length === 0 && objects.length === 0) return
                    post(tx, recs, objects)
                    records += recs.length
                    await tx.room(MAX_PARTS_IN_FLIGHT)
                  },
                  commit: async () => {
                    if (ended) throw new Error('this batch is already committed or aborted')
                    // The run row is written in the batch's transaction with the counters as they will be
                    // once it commits.
                    const base = {
                      bytes: counters.bytes,
                      rows: counters.rows,
                      created: counters.created,
                      updated: counters.updated,
                      unchanged: counters.unchanged,
                      duplicates: counters.duplicates,
                      rejected: counters.rejected,
                      objects: counters.objects,
                      byType: counters.byType,
                    }
                    try {
                      const { delta, ms } = await tx.commit({ id: runId, counters: base })
                      applyDelta(delta)
                      return ms
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
