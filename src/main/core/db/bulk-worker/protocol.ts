import type { ChangeCaller } from '#core/audit/change-caller'
import type { ScoringConfig } from '#core/scoring/compute-score'
import type { PreparedRows } from '../bulk/indicator-bulk'
import type { IntelObjectUpsertRow } from '../bulk/observation-bulk'

/**
 * Messages between the main thread and the bulk-writer worker (bulk-writer.worker.ts). A transaction is
 * `begin`, any number of parts, then `commit` (or `rollback`). Parts are not waited for, so the main thread
 * prepares the next chunk while the worker writes this one; each is acknowledged once written (`part`), which
 * lets a sender bound how many it has in flight. Only `commit` and `rollback` are answered with a result. A
 * part that fails poisons its transaction: later parts are skipped and `commit` rolls back and answers the
 * error.
 */

/** Observation fields of a feed record, flat like PreparedRows: OBSERVATION_STRIDE values per record. */
export const OBSERVATION_STRIDE = 14
// 0 first_seen, 1 last_seen, 2 confidence, 3 threat_type, 4 malware, 5 tags JSON, 6 reference,
// 7 description, 8 tlp, 9 port, 10 raw JSON, 11 classification, 12 severity, 13 event title

/** An intel object of a feed batch; the feed id comes with the part. */
export type IntelObjectPart = Omit<IntelObjectUpsertRow, 'feedId'>

/** What one transaction did. byType counts the records that were not duplicates within their run. */
export type BulkDelta = {
  created: number
  updated: number
  unchanged: number
  duplicates: number
  objects: number
  byType: Record<string, number>
}

/**
 * A run's numbers as feed_runs stores them: what its transactions did, plus what reading did (the feed
 * engine's RunCounters adds the listed rejects).
 */
export type RunCountersSnapshot = BulkDelta & {
  bytes: number
  rows: number
  rejected: number
  /** Records the allowlist turned into false positives (counted as they are read, like rejects). */
  allowlisted: number
}

/** A chunk of a feed batch: prepared rows, their observations, intel objects. */
export type FeedPart = {
  runId: string
  feedId: string | null
  sourceKey: string
  rows: PreparedRows
  observations: unknown[]
  objects: IntelObjectPart[]
}

export type BulkRequest =
  /** `scoring`: the risk bands and decay rules the rows of this transaction are scored with. */
  | { op: 'begin'; tx: number; nowIso: string; scoring: ScoringConfig }
  /** indicators.bulkCreate: upsert only. */
  | { op: 'indicators'; tx: number; rows: PreparedRows }
  /** A feed batch: upsert, then one observation per record, then intel objects. */
  | ({ op: 'feed'; tx: number } & FeedPart)
  /**
   * With `run`, the run's counters (base + this transaction's delta) are written before the commit; the
   * batch's change log entry, for `caller`, too.
   */
  | {
      op: 'commit'
      tx: number
      run?: { id: string; counters: RunCountersSnapshot }
      caller: ChangeCaller
    }
  | { op: 'rollback'; tx: number }

export type SerializedError = {
  name: string
  message: string
  /** AppError code, or a SQLite error code such as SQLITE_BUSY. */
  code?: string
  details?: unknown
  app: boolean
}

export type BulkReply =
  | { part: number }
  | { tx: number; ok: true; delta: BulkDelta; ms: number }
  | { tx: number; ok: false; error: SerializedError }
  | { ready: true }
  | { fatal: SerializedError }

/** Sent by the client only, handled by the worker entry: close the connection and exit. */
export type CloseRequest = { op: 'close' }

export type WorkerInit = { file: string; nativeBinding?: string }
