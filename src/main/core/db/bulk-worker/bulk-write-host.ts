import type BetterSqlite3 from 'better-sqlite3'
import { isAppError } from '#shared/contract/errors'
import { createChangeLogWriter } from '#core/audit/change-log-writer'
import { asReliability } from '#core/scoring/score-record'
import type { Reliability } from '#core/feeds/engine/engine-types'
import {
  createIndicatorBulkWriter,
  UPSERT_STRIDE,
  type UpsertSession,
} from '../bulk/indicator-bulk'
import {
  CONTEXT,
  DUPLICATE,
  NEW_SOURCE,
  SIGHTED,
  createIntelObjectBulkWriter,
  createObservationBulkWriter,
} from '../bulk/observation-bulk'
import {
  OBSERVATION_STRIDE,
  type BulkDelta,
  type BulkReply,
  type BulkRequest,
  type RunCountersSnapshot,
  type SerializedError,
} from './protocol'

/**
 * The bulk writes themselves, on the connection of whichever thread hosts them (the worker in the app; a
 * test can host it on any connection). One transaction at a time; see protocol.ts for the message flow.
 */
export type BulkWriteHost = {
  /** Handles one request; returns its reply (`begin` has none). */
  handle(req: BulkRequest): BulkReply | undefined
}

type OpenTx = {
  id: number
  nowIso: string
  /** null when BEGIN itself failed (then `error` says why). */
  session: UpsertSession | null
  delta: BulkDelta
  error: SerializedError | null
  t0: number
  /** The feed run a feed batch belongs to (from its parts), for the change log entry. */
  feed: { runId: string; feedId: string | null; sourceKey: string } | null
}

export const serializeError = (e: unknown): SerializedError => {
  if (isAppError(e)) {
    return { name: e.name, message: e.message, code: e.code, details: e.details, app: true }
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    return {
      name: e.name,
      message: e.message,
      code: typeof code === 'string' ? code : undefined,
      app: false,
    }
  }
  return { name: 'Error', message: String(e), app: false }
}

const emptyDelta = (): BulkDelta => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  duplicates: 0,
  objects: 0,
  byType: {},
})

export const createBulkWriteHost = (sqlite: BetterSqlite3.Database): BulkWriteHost => {
  const indicators = createIndicatorBulkWriter(sqlite)
  const observations = createObservationBulkWriter(sqlite)
  const objects = createIntelObjectBulkWriter(sqlite)
  const changeLog = createChangeLogWriter(sqlite)
  const feedReliability = sqlite
    .prepare<[string], string>('SELECT reliability FROM feeds WHERE id = ?')
    .pluck()
  // Per transaction: a feed's grade may change between batches, never within one.
  const reliabilities = new Map<string, Reliability | null>()
  const reliabilityOf = (feedId: string | null): Reliability | null => {
    if (feedId === null) return null
    let r = reliabilities.get(feedId)
    if (r === undefined) {
      r = asReliability(feedReliability.get(feedId))
      reliabilities.set(feedId, r)
    }
    return r
  }
  const setCounters = sqlite.prepare(
    `UPDATE feed_runs SET bytes = ?, rows = ?, created = ?, updated = ?, unchanged = ?, duplicates = ?,
       rejected = ?, allowlisted = ?, objects = ?, by_type = ? WHERE id = ?`,
  )
  let open: OpenTx | null = null

  const writeIndicators = (session: UpsertSession, tx: OpenTx, rows: unknown[]) => {
    const { outcomes } = session.addPrepared(rows)
    const d = tx.delta
    // Counted here, where the batch's change log entry is written, so the entry has them too.
    for (let i = 0; i < outcomes.length; i++) {
      d[outcomes[i]]++
      const type = rows[i * UPSERT_STRIDE + 1] as string
      d.byType[type] = (d.byType[type] ?? 0) + 1
    }
  }

  const writeFeed = (
    session: UpsertSession,
    tx: OpenTx,
    req: Extract<BulkRequest, { op: 'feed' }>,
  ) => {
    const { outcomes, ids, rowids } = session.addPrepared(req.rows, true, {
      reliability: reliabilityOf(req.feedId),
      observations: req.observations,
      stride: OBSERVATION_STRIDE,
    })
    const obs = req.observations
    const d = tx.delta
    for (let i = 0, o = 0; i < outcomes.length; i++, o += OBSERVATION_STRIDE) {
      const said = observations.upsert(
        ids[i],
        rowids[i],
        req.feedId,
        req.sourceKey,
        obs,
        o,
        req.runId,
        tx.nowIso,
      )
      // A repeat of the same indicator within the run is a duplicate: nothing else counts it.
      if (said === DUPLICATE) {
        d.duplicates++
        continue
      }
      let outcome = outcomes[i]
      // A new indicator was inserted with its first source and sighting already counted.
      if (outcome !== 'created' && (said & SIGHTED) !== 0) {
        session.sighted(rowids[i], (said & NEW_SOURCE) !== 0, (said & CONTEXT) !== 0)
        outcome = 'updated'
      }
      d[outcome]++
      const type = req.rows[i * UPSERT_STRIDE + 1] as string
      d.byType[type] = (d.byType[type] ?? 0) + 1
    }
    // The sightings are counted: the re-observed rows are merged, counted and scored in one write each.
    session.flush()
    for (const ob of req.objects) {
      objects.upsert({ ...ob, feedId: req.feedId }, req.runId, tx.nowIso)
      d.objects++
    }
  }

  const writeCounters = (runId: string, base: RunCountersSnapshot, d: BulkDelta) => {
    const byType = { ...base.byType }
    for (const [t, n] of Object.entries(d.byType)) byType[t] = (byType[t] ?? 0) + n
    setCounters.run(
      base.bytes,
      base.rows,
      base.created + d.created,
      base.updated + d.updated,
      base.unchanged + d.unchanged,
      base.duplicates + d.duplicates,
      base.rejected,
      base.allowlisted,
      base.objects + d.objects,
      JSON.stringify(byType),
      runId,
    )
  }

  const finish = (commit: boolean): void => {
    open = null
    if (commit) sqlite.exec('COMMIT')
    else if (sqlite.inTransaction) sqlite.exec('ROLLBACK')
  }

  return {
    handle(req) {
      switch (req.op) {
        case 'begin': {
          if (open !== null) {
            // A caller that lost track of its transaction: never write two at once.
            finish(false)
          }
          const t0 = performance.now()
          reliabilities.clear()
          try {
            sqlite.exec('BEGIN IMMEDIATE')
            open = {
              id: req.tx,
              nowIso: req.nowIso,
              session: indicators.openSession(req.nowIso, req.scoring),
              delta: emptyDelta(),
              error: null,
              t0,
              feed: null,
            }
          } catch (e) {
            // Answered at commit, like any other failure of the transaction.
            open = {
              id: req.tx,
              nowIso: req.nowIso,
              session: null,
              delta: emptyDelta(),
              error: serializeError(e),
              t0,
              feed: null,
            }
          }
          return undefined
        }
        case 'indicators':
        case 'feed': {
          const tx = open
          if (tx === null || tx.id !== req.tx || tx.error !== null || tx.session === null) {
            return { part: req.tx }
          }
          try {
            if (req.op === 'indicators') writeIndicators(tx.session, tx, req.rows)
            else {
              tx.feed ??= { runId: req.runId, feedId: req.feedId, sourceKey: req.sourceKey }
              writeFeed(tx.session, tx, req)
            }
          } catch (e) {
            tx.error = serializeError(e)
          }
          return { part: req.tx }
        }
        case 'commit': {
          const tx = open
          if (tx === null || tx.id !== req.tx) {
            return {
              tx: req.tx,
              ok: false,
              error: {
                name: 'Error',
                message: `bulk transaction ${req.tx} is not open`,
                app: false,
              },
            }
          }
          if (tx.error !== null || tx.session === null) {
            finish(false)
            return {
              tx: req.tx,
              ok: false,
              error: tx.error ?? {
                name: 'Error',
                message: 'transaction did not start',
                app: false,
              },
            }
          }
          try {
            tx.session.close()
            if (req.run) writeCounters(req.run.id, req.run.counters, tx.delta)
            // One entry per batch, never one per row: its counts and where the rows came from.
            changeLog.append(
              req.caller,
              {
                entity: 'indicator',
                entityId: null,
                operation: 'import',
                changes: { ...tx.delta, source: tx.feed ?? { method: req.caller.method } },
              },
              tx.nowIso,
            )
            finish(true)
          } catch (e) {
            finish(false)
            return { tx: req.tx, ok: false, error: serializeError(e) }
          }
          return { tx: req.tx, ok: true, delta: tx.delta, ms: performance.now() - tx.t0 }
        }
        case 'rollback': {
          if (open !== null && open.id === req.tx) finish(false)
          return { tx: req.tx, ok: true, delta: emptyDelta(), ms: 0 }
        }
      }
    },
  }
}
