import type { ChangeCaller } from '../audit/change-caller'
import type { ParsedIn } from '#shared/contract'
import { AppError } from '#shared/contract/errors'
import {
  MAX_LISTED_REJECTS,
  type BulkReject,
  type BulkReport,
  type IndicatorCreate,
} from '#shared/contract/indicators.contract'
import { extractIndicators, parseIndicator, type ParseResult } from '#shared/domain'
import {
  createForeignIdRefuser,
  prepareUpsertRows,
  type IndicatorUpsertRow,
} from '../db/bulk/indicator-bulk'
import { normalizeTimestamp } from './indicator-row'
import { assertProjectExists, type IndicatorsDeps } from './indicators.service'

/**
 * Rows per transaction. Measured on 1M rows: every commit rewrites most pages of the two random-key indexes
 * (the UUID and (type, value)) and checkpoints them, so small batches are I/O-bound (the table and its
 * indexes alone: 30.6k rows/s with 5,000-row batches, 58.9k/s with 50,000). 50,000 rows stay inside the
 * memory budget (rows are built 1,000 at a time) and block the event loop for one to two seconds per batch;
 * the write queue lets other writes in between batches.
 */
export const BULK_BATCH_ROWS = 50_000
/** Rows handed to the bulk writer at a time inside a batch's transaction, and at most about this much text
 * (a description may be 20,000 characters). */
const CHUNK_ROWS = 1000
const CHUNK_CHARS = 4 * 1024 * 1024

type Input = ParsedIn<'indicators.bulkCreate'>
type Defaults = Input['defaults']

/** A candidate from the input: its 1-based line (or item position), what was given, and how it parsed. */
type Candidate = { line: number; result: ParseResult; item?: IndicatorCreate }

function* candidates(input: Input): Generator<Candidate> {
  if (input.text !== undefined) {
    for (const hit of extractIndicators(input.text)) yield { line: hit.line, result: hit.result }
  }
  if (input.items !== undefined) {
    // Items are numbered after the text's lines when both are given, so every reject has one position.
    const offset = input.text === undefined ? 0 : input.text.split(/\r\n|\r|\n/).length
    for (let i = 0; i < input.items.length; i++) {
      const item = input.items[i]
      yield { line: offset + i + 1, result: parseIndicator(item.value, item.type), item }
    }
  }
}

const toRow = (
  type: IndicatorUpsertRow['type'],
  value: string,
  d: Defaults,
  item: IndicatorCreate | undefined,
): IndicatorUpsertRow => {
  const tags =
    item?.tags === undefined ? d.tags : d.tags === undefined ? item.tags : [...d.tags, ...item.tags]
  return {
    type,
    value,
    classification: item?.classification ?? d.classification,
    confidence: item?.confidence ?? d.confidence,
    severity: item?.severity ?? d.severity,
    score: item?.score ?? d.score,
    tlp: item?.tlp ?? d.tlp,
    firstSeen: item?.firstSeen,
    lastSeen: item?.lastSeen,
    description: item?.description ?? d.description,
    // Deduplicated by the bulk writer (which must do it for feeds anyway), not twice.
    tags,
    mitreTactics: item?.mitreTactics ?? d.mitreTactics,
    mitreTechniques: item?.mitreTechniques ?? d.mitreTechniques,
    active: item?.active ?? d.active,
    falsePositive: item?.falsePositive ?? d.falsePositive,
    enrichment: item?.enrichment ?? undefined,
    projectId: item?.projectId ?? d.projectId,
  }
}

/** Why an item cannot be imported even though its value parsed, or null. */
const itemProblem = (item: IndicatorCreate | undefined): string | null => {
  if (item === undefined) return null
  const first = normalizeTimestamp(item.firstSeen)
  const last = normalizeTimestamp(item.lastSeen)
  if (first !== null && last !== null && first > last)
    return `firstSeen (${first}) is after lastSeen (${last})`
  return null
}

export type ImportOptions = {
  batchSize?: number
  signal?: AbortSignal
  /** Named in each batch's change log entry. */
  by?: ChangeCaller
}

/**
 * indicators.bulkCreate: parse every line/item, reject what does not parse (with its line and reason),
 * upsert the rest in batches of one transaction each. Idempotent on (type, value): a second identical import
 * reports everything unchanged. A failure (or cancellation) keeps the batches committed before it and
 * rolls back the failing one entirely; running the same import again completes it.
 */
export const importIndicators = async (
  deps: IndicatorsDeps,
  input: Input,
  opts: ImportOptions = {},
): Promise<BulkReport> => {
  const { db, clock, events } = deps
  const batchSize = opts.batchSize ?? BULK_BATCH_ROWS
  const report: BulkReport = {
    total: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejects: [],
    byType: {},
  }
  const knownProjects = new Set<string>()
  const projectOk = (id: string | null | undefined): boolean => {
    if (id === null || id === undefined || knownProjects.has(id)) return true
    try {
      assertProjectExists(db.sqlite, id)
    } catch {
      return false
    }
    knownProjects.add(id)
    return true
  }
  // A wrong default project would reject every line: say so once, up front.
  assertProjectExists(db.sqlite, input.defaults.projectId)

  /** The row to write, or why the candidate is rejected. */
  const accept = (c: Candidate): IndicatorUpsertRow | string => {
    if (!c.result.ok) return c.result.reason
    const problem = itemProblem(c.item)
    if (problem !== null) return problem
    const row = toRow(c.result.type, c.result.value, input.defaults, c.item)
    return projectOk(row.projectId) ? row : `no project has id ${String(row.projectId)}`
  }

  const it = candidates(input)[Symbol.iterator]()
  // One candidate is read ahead at a full batch, so an input that fills its last batch exactly ends with it
  // instead of costing one more, empty, transaction.
  let peeked: IteratorResult<Candidate> | null = null
  type Delta = Omit<BulkReport, 'rejects' | 'byType'> & {
    rejects: BulkReject[]
    byType: Map<string, number>
  }

  // Checked here, on the main thread, because the worker only sees prepared rows.
  const refuseForeignId = createForeignIdRefuser(db.sqlite)

  /**
   * One batch = one transaction on the bulk writer's worker. Candidates are parsed and prepared here in
   * chunks of CHUNK_ROWS and handed over as they are ready, so the worker writes one chunk while this thread
   * parses the next (two cores), and a 50,000-row batch never holds 50,000 row objects. Counts go to a
   * delta that joins the report only once the batch committed.
   */
  const writeBatch = async (delta: Delta): Promise<boolean> => {
    const tx = db.bulk.begin(clock.now().toISOString(), opts.by)
    let inBatch = 0
    let chunk: IndicatorUpsertRow[] = []
    let chunkChars = 0
    const flushChunk = () => {
      if (chunk.length === 0) return
      for (const row of chunk) delta.byType.set(row.type, (delta.byType.get(row.type) ?? 0) + 1)
      tx.indicators(prepareUpsertRows(chunk, refuseForeignId))
      chunk = []
      chunkChars = 0
    }
    let done: boolean
    try {
      for (;;) {
        if (inBatch >= batchSize) {
          peeked = it.next()
          done = peeked.done === true
          break
        }
        const next = peeked ?? it.next()
        peeked = null
        if (next.done === true) {
          done = true
          break
        }
        const c = next.value
        delta.total++
        const row = accept(c)
        if (typeof row === 'string') {
          delta.rejected++
          if (report.rejects.length + delta.rejects.length < MAX_LISTED_REJECTS) {
            delta.rejects.push({ line: c.line, value: c.result.value, reason: row })
          }
          continue
        }
        chunk.push(row)
        inBatch++
        chunkChars += row.value.length + (row.description?.length ?? 0)
        if (chunk.length >= CHUNK_ROWS || chunkChars >= CHUNK_CHARS) {
          flushChunk()
          // A bounded queue between the threads: parse on only while the worker has little waiting.
          await tx.room(4)
        }
      }
      flushChunk()
    } catch (e) {
      await tx.rollback()
      throw e
    }
    const { delta: d } = await tx.commit()
    delta.created += d.created
    delta.updated += d.updated
    delta.unchanged += d.unchanged
    return done
  }

  let changed = false
  try {
    for (let done = false; !done;) {
      opts.signal?.throwIfAborted()
      const delta: Delta = {
        total: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        rejects: [],
        byType: new Map(),
      }
      done = await db.writes.run('indicators.bulkCreate', () => writeBatch(delta))
      report.total += delta.total
      report.created += delta.created
      report.updated += delta.updated
      report.unchanged += delta.unchanged
      report.rejected += delta.rejected
      report.rejects.push(...delta.rejects)
      for (const [type, n] of delta.byType) report.byType[type] = (report.byType[type] ?? 0) + n
      if (delta.created + delta.updated > 0) changed = true
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') {
      throw new AppError(
        'cancelled',
        `indicators.bulkCreate was cancelled after ${report.total} lines`,
        {
          committed: report.created + report.updated + report.unchanged,
        },
      )
    }
    throw e
  } finally {
    if (changed) events.emit('indicators.onDidChange', { kind: 'bulk' })
  }
  return report
}
