import type { PreparedRows } from '../bulk/indicator-bulk'

/**
 * Messages between the main thread and the bulk-writer worker (bulk-writer.worker.ts). A transaction is
 * `begin`, any number of parts, then `commit` (or `rollback`). Parts are not waited for, so the main thread
 * prepares the next chunk while the worker writes this one; each is acknowledged once written (`part`), which
 * lets a sender bound how many it has in flight. Only `commit` and `rollback` are answered with a result. A
 * part that fails poisons its transaction: later parts are skipped and `commit` rolls back and answers the
 * error.
 */

/** Observation fields of a feed record, flat like PreparedRows: OBSERVATION_STRIDE values per record. */
export const OBSERVATION_STRIDE = 11
// 0 first_seen, 1 last_seen, 2 confidence, 3 threat_type, 4 malware, 5 tags JSON, 6 reference,
// 7 description, 8 tlp, 9 port, 10 raw JSON

export type IntelObjectPart = {
  id: string
  type: string
  name: string | null
  created: string | null
  modified: string | null
  sourceRef: string | null
  targetRef: string | null
  relationshipType: string | null
  data: string
}

export type RunCountersSnapshot = {
  bytes: number
  rows: number
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number
  objects: number
  byType: Record<string, number>
}

export type BulkRequest =
  | { op: 'begin'; tx: number; nowIso: string }
  /** indicators.bulkCreate: upsert only. */
  | { op: 'indicators'; tx: number; rows: PreparedRows }
  /** A feed batch: upsert, then one observation per record, then intel objects. */
  | {
      op: 'feed'
      tx: number
      runId: string
      feedId: string | null
      sourceKey: string
      rows: PreparedRows
      observations: unknown[]
      objects: IntelObjectPart[]
    }
  /** With `run`, the run's counters (base + this transaction's delta) are written before the commit. */
  | { op: 'commit'; tx: number; run?: { id: string; counters: RunCountersSnapshot } }
  | { op: 'rollback'; tx: number }

/** What one transaction did. byType counts the records that were not duplicates within their run. */
export type BulkDelta = {
  created: number
  updated: number
  unchanged: number
  duplicates: number
  objects: number
  byType: Record<string, number>
}

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
