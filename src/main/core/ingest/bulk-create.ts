import type { ChangeCaller } from '#core/audit/change-caller'
import type { ParsedIn } from '#shared/contract'
import { AppError } from '#shared/contract/errors'
import type { BulkReport, IndicatorCreate } from '#shared/contract/indicators.contract'
import { parseIndicator, type ParseResult } from '#shared/domain'
import { extractIndicators } from '#core/extract/extract-indicators'
import type { IndicatorUpsertRow } from '#core/db/bulk/indicator-bulk'
import { normalizeTimestamp } from '#core/indicators/indicator-row'
import { assertProjectExists, type IndicatorsDeps } from '#core/indicators/indicators.service'
import { createBatchCommitter } from './batch-committer'
import { addReject, emptyCounts, toBulkReport } from './ingest-counts'
import { MAX_BATCH, createBatchSizer, createIngestWriter } from './ingest-writer'

/** Rows prepared at a time before they go to the open batch, and at most about this much text (a
 * description may be 20,000 characters): the main thread never holds more than that. */
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
  /**
   * Records per transaction; default MAX_BATCH. Not adaptive as feed runs are: a call is often one batch
   * of a client's stream, and a sizer that starts small would commit each call several times.
   */
  batchSize?: number
  signal?: AbortSignal
  /** Named in each batch's change log entry. */
  by?: ChangeCaller
  /** Lines (or items) read so far, of the total; reported after each chunk (a job's progress). */
  progress?: (done: number, total: number | null) => void
}

/** The positions candidates() numbers: the text's lines (counted without splitting it), then the items. */
const positionsOf = (input: Input): number => {
  const text = input.text
  let lines = 0
  if (text !== undefined) {
    lines = 1
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) lines++
    }
  }
  return lines + (input.items?.length ?? 0)
}

/**
 * indicators.bulkCreate (pasted text, items over any transport): parse every line/item, reject what does not
 * parse (with its line and reason), and hand the rest to the ingest pipeline in chunks; it upserts them in
 * batches of one transaction each. Idempotent on (type, value): a second identical import reports
 * everything unchanged. A failure (or cancellation) keeps the batches committed before it and rolls back
 * the failing one entirely; running the same import again completes it.
 */
export const importIndicators = async (
  deps: IndicatorsDeps,
  input: Input,
  opts: ImportOptions = {},
): Promise<BulkReport> => {
  const { db, clock, events } = deps
  const counts = emptyCounts()
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

  const writer = createIngestWriter({
    committer: createBatchCommitter({
      db,
      clock,
      label: 'indicators.bulkCreate',
      counts,
      by: opts.by,
      screen: deps.screen,
    }),
    sizer: createBatchSizer(opts.batchSize ?? MAX_BATCH),
    signal: opts.signal,
  })
  const before = () => counts.created + counts.updated
  const total = opts.progress ? positionsOf(input) : null
  try {
    let chunk: IndicatorUpsertRow[] = []
    let chunkChars = 0
    for (const c of candidates(input)) {
      const row = accept(c)
      if (typeof row === 'string') {
        addReject(counts, { line: c.line, value: c.result.value, reason: row })
        continue
      }
      counts.rows++
      chunk.push(row)
      chunkChars += row.value.length + (row.description?.length ?? 0)
      if (chunk.length >= CHUNK_ROWS || chunkChars >= CHUNK_CHARS) {
        await writer.writeRows(chunk)
        chunk = []
        chunkChars = 0
        opts.progress?.(c.line, total)
      }
    }
    await writer.writeRows(chunk)
    await writer.finish()
    opts.progress?.(total ?? 0, total)
  } catch (e) {
    await writer.abort()
    if (e instanceof Error && e.name === 'AbortError') {
      throw new AppError(
        'cancelled',
        `indicators.bulkCreate was cancelled after ${counts.rows} lines`,
        {
          committed: counts.created + counts.updated + counts.unchanged,
        },
      )
    }
    throw e
  } finally {
    if (before() > 0) events.emit('indicators.onDidChange', { kind: 'bulk' })
  }
  return toBulkReport(counts)
}
