import type { Database } from '../../db/data-source'
import { createIndicatorBulkWriter, type UpsertOutcome } from '../../db/bulk/indicator-bulk'
import {
  createIndicatorRowidResolver,
  createIntelObjectBulkWriter,
  createObservationBulkWriter,
} from '../../db/bulk/observation-bulk'
import type { Clock } from '../../platform/clock'
import type { PreparedBatch, RunDefaults } from './engine-types'
import type { RunCounters } from './run-counters'
import type { RunStore } from './run-store'

export type BatchCommitter = {
  /**
   * One write-queue job, one SQLite transaction: all of the batch or none of it. Resolves with the time the
   * transaction itself took (not the wait in the queue), for the batch sizing.
   */
  commit(batch: PreparedBatch): Promise<number>
}

type Delta = {
  created: number
  updated: number
  unchanged: number
  duplicates: number
  objects: number
  byType: Record<string, number>
}

/**
 * Writes prepared batches: indicator upserts (helper-2's raw writer), then one observation per record (a
 * repeat of the same indicator in the same run is a duplicate, detected by the observation's last_run_id),
 * then intel objects, then the run's counters, all inside one transaction. Counters in memory move only
 * after the commit, so a failed batch leaves both the tables and the report as they were.
 */
export const createBatchCommitter = (deps: {
  db: Database
  clock: Clock
  runId: string
  defaults: RunDefaults
  counters: RunCounters
  runs: RunStore
}): BatchCommitter => {
  const { db, runId, defaults, counters } = deps
  const sqlite = db.sqlite
  const indicators = createIndicatorBulkWriter(sqlite)
  const observations = createObservationBulkWriter(sqlite)
  const objects = createIntelObjectBulkWriter(sqlite)
  const rowidsOf = createIndicatorRowidResolver(sqlite)

  const write = sqlite.transaction((batch: PreparedBatch): Delta => {
    const now = deps.clock.now().toISOString()
    const d: Delta = { created: 0, updated: 0, unchanged: 0, duplicates: 0, objects: 0, byType: {} }
    const recs = batch.records
    if (recs.length > 0) {
      const before = rowidsOf.mark()
      const result: { outcomes: UpsertOutcome[]; ids: string[]; rowids?: number[] } =
        indicators.upsertMany(recs, now)
      const { outcomes, ids } = result
      // The writer may hand rowids back; otherwise they are derived (see createIndicatorRowidResolver).
      const rowids = result.rowids ?? rowidsOf.resolve(before, outcomes, ids)
      for (let i = 0; i < recs.length; i++) {
        const r = recs[i]
        const fresh = observations.upsert(
          {
            indicatorId: ids[i],
            indicatorRowid: rowids[i],
            feedId: defaults.feedId,
            sourceKey: defaults.sourceKey,
            firstSeen: r.firstSeen ?? null,
            lastSeen: r.lastSeen ?? null,
            confidence: r.confidence ?? null,
            threatType: r.threatType,
            malware: r.malware,
            tags: r.tagsJson,
            reference: r.reference,
            description: r.description ?? null,
            tlp: r.tlp ?? null,
            port: r.port,
            raw: r.raw,
          },
          runId,
          now,
        )
        if (!fresh) {
          d.duplicates++
          continue
        }
        d[outcomes[i]]++
        d.byType[r.type] = (d.byType[r.type] ?? 0) + 1
      }
    }
    for (const o of batch.objects) {
      objects.upsert({ ...o, feedId: defaults.feedId }, runId, now)
      d.objects++
    }
    deps.runs.writeCounters(runId, applied(counters, d))
    return d
  })

  return {
    commit: async (batch) => {
      let ms = 0
      const d = await db.writes.run('feeds.batch', () => {
        const t0 = performance.now()
        const delta = write(batch)
        ms = performance.now() - t0
        return delta
      })
      const next = applied(counters, d)
      counters.created = next.created
      counters.updated = next.updated
      counters.unchanged = next.unchanged
      counters.duplicates = next.duplicates
      counters.objects = next.objects
      counters.byType = next.byType
      return ms
    },
  }
}

const applied = (c: RunCounters, d: Delta): RunCounters => {
  const byType = { ...c.byType }
  for (const [t, n] of Object.entries(d.byType)) byType[t] = (byType[t] ?? 0) + n
  return {
    ...c,
    created: c.created + d.created,
    updated: c.updated + d.updated,
    unchanged: c.unchanged + d.unchanged,
    duplicates: c.duplicates + d.duplicates,
    objects: c.objects + d.objects,
    byType,
  }
}
