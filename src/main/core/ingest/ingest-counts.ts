import type { BulkDelta, RunCountersSnapshot } from '#core/db/bulk-worker/protocol'
import { MAX_LISTED_NOTES } from '#shared/contract/feeds.contract'
import { MAX_LISTED_REJECTS, type BulkReport } from '#shared/contract/indicators.contract'

export type IngestReject = { line: number; value: string; reason: string }
/** A record kept but changed on the way in (a cut text): reported, not counted as a reject. */
export type IngestNote = { line: number; message: string }
/** The name the feed engine's reports use for the same thing. */
export type FeedRunReject = IngestReject

/**
 * Longest part of a rejected line a report quotes (an ellipsis marks the cut): feed data is hostile, a
 * report must stay small, and an API caller must not be able to read a fetched page through its rejects.
 */
export const MAX_REJECT_VALUE = 120
const MAX_REASON = 480

/**
 * The numbers of one ingest, whichever way the data came in (indicators.bulkCreate, pasted text, a file, a
 * URL, a feed run): the one counts type. Mutated in place by the pipeline: rows and rejects as they are
 * read, the writer's outcomes (addDelta) only once their batch committed. A feed run copies it into
 * feed_runs inside each batch's transaction; bulkCreate presents it as its BulkReport (toBulkReport).
 */
export type IngestCounts = RunCountersSnapshot & {
  /** The first MAX_LISTED_REJECTS rejects (`rejected` counts all of them). */
  rejects: IngestReject[]
  /** The first MAX_LISTED_NOTES notes. */
  notes: IngestNote[]
}

export const emptyCounts = (): IngestCounts => ({
  bytes: 0,
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  duplicates: 0,
  rejected: 0,
  allowlisted: 0,
  objects: 0,
  byType: {},
  rejects: [],
  notes: [],
})

const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}…` : s)

/** Counts a reject as a row read, and lists it while the list has room. */
export const addReject = (c: IngestCounts, r: IngestReject): void => {
  c.rows++
  c.rejected++
  if (c.rejects.length < MAX_LISTED_REJECTS) {
    c.rejects.push({
      line: r.line,
      value: cut(r.value, MAX_REJECT_VALUE),
      reason: cut(r.reason, MAX_REASON),
    })
  }
}

/** Lists a note while the list has room; the record it is about is counted where it lands. */
export const addNote = (c: IngestCounts, n: IngestNote): void => {
  if (c.notes.length < MAX_LISTED_NOTES) {
    c.notes.push({ line: n.line, message: cut(n.message, MAX_REASON) })
  }
}

/** What a committed transaction did, added to the counts. */
export const addDelta = (c: IngestCounts, d: BulkDelta): void => {
  c.created += d.created
  c.updated += d.updated
  c.unchanged += d.unchanged
  c.duplicates += d.duplicates
  c.objects += d.objects
  const byType = { ...c.byType }
  for (const [t, n] of Object.entries(d.byType)) byType[t] = (byType[t] ?? 0) + n
  c.byType = byType
}

/** The counts without the reject list: what feed_runs stores with each batch. */
export const snapshotOf = (c: IngestCounts): RunCountersSnapshot => ({
  bytes: c.bytes,
  rows: c.rows,
  created: c.created,
  updated: c.updated,
  unchanged: c.unchanged,
  duplicates: c.duplicates,
  rejected: c.rejected,
  allowlisted: c.allowlisted,
  objects: c.objects,
  byType: c.byType,
})

/** indicators.bulkCreate's report: `total` is every line or item read, rejects included. */
export const toBulkReport = (c: IngestCounts): BulkReport => ({
  total: c.rows,
  created: c.created,
  updated: c.updated,
  unchanged: c.unchanged + c.duplicates,
  rejected: c.rejected,
  allowlisted: c.allowlisted,
  rejects: c.rejects,
  byType: c.byType,
})
