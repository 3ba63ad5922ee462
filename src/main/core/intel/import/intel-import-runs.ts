import type { KnowledgeRebuildReport } from '#shared/contract/attack.contract'
import type { FeedRun } from '#shared/contract/feeds.contract'
import type { CoreContext } from '../../core-context'
import {
  createIntelImporter,
  emptyTally,
  type EntityPhase,
  type ImportTally,
  type IntelImporter,
  type RawObject,
} from './intel-import'

/** Raw objects per write-queue job: a slice is one short transaction, so edits interleave. */
export const OBJECT_SLICE = 500
/** Observations per write-queue job. */
export const OBSERVATION_SLICE = 5000

/** Formats whose observations name a STIX id or a MISP event in their raw record. */
const LINKED_FORMATS = new Set(['stix-bundle', 'taxii', 'misp-event', 'misp-feed'])

/** What the rebuild's progress counts: raw objects (twice: entities, then relations) and observations. */
export type RebuildControl = {
  signal?: AbortSignal
  progress?: (done: number, total: number | null) => void
}

type Deps = Pick<CoreContext, 'db' | 'clock' | 'logger' | 'events'>

type ObjectRow = { rowid: number; id: string; type: string; data: string; feed_name: string | null }
type ObservationRow = { id: number; indicator_id: string; raw: string; tags: string | null }

// The run's objects through IDX_intel_objects_last_run (migration 0017), in rowid order.
export const RUN_OBJECTS_SQL = `SELECT o.rowid AS rowid, o.id, o.type, o.data, f.name AS feed_name
  FROM intel_objects o LEFT JOIN feeds f ON f.id = o.feed_id
  WHERE o.last_run_id = ? AND o.rowid > ? ORDER BY o.rowid LIMIT ?`
/** Who stored an object: its feed, else the import (run) that last wrote it. */
const SOURCE_OF = `coalesce(f.name, (SELECT r.source FROM feed_runs r WHERE r.id = o.last_run_id))`
export const ALL_OBJECTS_SQL = `SELECT o.rowid AS rowid, o.id, o.type, o.data, ${SOURCE_OF} AS feed_name
  FROM intel_objects o LEFT JOIN feeds f ON f.id = o.feed_id
  WHERE o.rowid > ? ORDER BY o.rowid LIMIT ?`
/** Raw records that name a STIX object (`{"id":…`) or a MISP event (`{"event_uuid":…`). */
const LINKED_RAW = `(raw LIKE '{"id":"%' OR raw LIKE '{"event_uuid":"%')`
// A run's observations through IDX_observations_feed (feed_id, id): a feed's own, or the ad-hoc imports'.
export const RUN_OBSERVATIONS_SQL = `SELECT id, indicator_id, raw, tags FROM observations
  WHERE feed_id IS ? AND last_run_id = ? AND id > ? AND ${LINKED_RAW} ORDER BY id LIMIT ?`
export const ALL_OBSERVATIONS_SQL = `SELECT id, indicator_id, raw, tags FROM observations
  WHERE id > ? AND ${LINKED_RAW} ORDER BY id LIMIT ?`

export type KnowledgeImport = {
  /** Imports what one finished run stored (its objects, its observations' links) and resolves refs. */
  importRun(
    run: Pick<FeedRun, 'id' | 'feedId' | 'source' | 'format' | 'objects'>,
  ): Promise<ImportTally>
  /** Every stored object and observation, as if each had just been imported (the backfill). */
  rebuild(ctl: RebuildControl): Promise<KnowledgeRebuildReport>
  idle(): Promise<void>
  stop(): Promise<void>
}

/**
 * Keeps the knowledge base in step with imports: each finished feed run or import that stored intel
 * objects (or STIX/MISP records) is turned into entities, relationships and report contents once its
 * batches are committed, through the write queue, a slice per job. `rebuild` does the same over everything
 * stored (data imported before this existed); re-importing merges, so it can run any time.
 */
export const startKnowledgeImport = (ctx: Deps): KnowledgeImport => {
  const { db } = ctx
  const sqlite = db.sqlite
  const now = () => ctx.clock.now().toISOString()
  // One importer per import: its caches (markings, events) hold only what that import has seen.
  let importer: IntelImporter | null = null
  const imp = () => (importer ??= createIntelImporter(sqlite, now))
  const fresh = () => {
    importer = null
  }

  const inSlice = <T>(label: string, fn: () => T): Promise<T> =>
    db.writes.run(label, () => sqlite.transaction(fn)())

  const rawOf = (rows: readonly ObjectRow[], fallback: string): RawObject[] =>
    rows.map((r) => ({ id: r.id, type: r.type, data: r.data, source: r.feed_name ?? fallback }))

  /** Pages of objects: `page(after)` reads the next slice after a rowid. */
  const forObjects = async (
    page: (after: number) => ObjectRow[],
    fallback: string,
    each: (objects: RawObject[]) => Promise<void>,
    signal?: AbortSignal,
  ) => {
    let after = 0
    for (;;) {
      signal?.throwIfAborted()
      const rows = page(after)
      if (rows.length === 0) return
      after = rows[rows.length - 1].rowid
      await each(rawOf(rows, fallback))
    }
  }

  /** The holders of pending refs to these ids, imported again (their refs may resolve now). */
  const resolvePending = async (ids: readonly string[], tally: ImportTally) => {
    const holders = new Set<string>()
    for (let i = 0; i < ids.length; i += OBJECT_SLICE) {
      for (const h of imp().pendingHolders(ids.slice(i, i + OBJECT_SLICE))) holders.add(h)
    }
    const byId = sqlite.prepare<[string], ObjectRow>(
      `SELECT o.rowid AS rowid, o.id, o.type, o.data, ${SOURCE_OF} AS feed_name
       FROM intel_objects o LEFT JOIN feeds f ON f.id = o.feed_id WHERE o.id = ?`,
    )
    const list = [...holders]
    for (let i = 0; i < list.length; i += OBJECT_SLICE) {
      const rows = list
        .slice(i, i + OBJECT_SLICE)
        .map((id) => byId.get(id))
        .filter((r): r is ObjectRow => r !== undefined)
      await inSlice('intel.importPending', () =>
        imp().importRelations(rawOf(rows, 'import'), tally),
      )
    }
  }

  const importRun: KnowledgeImport['importRun'] = async (run) => {
    fresh()
    const tally = emptyTally()
    const linked = LINKED_FORMATS.has(run.format)
    if (run.objects === 0 && !linked) return tally
    const feedName =
      run.feedId === null
        ? undefined
        : sqlite
            .prepare<[string], string>('SELECT name FROM feeds WHERE id = ?')
            .pluck()
            .get(run.feedId)
    const source = feedName ?? run.source
    const page = sqlite.prepare<[string, number, number], ObjectRow>(RUN_OBJECTS_SQL)
    const known: string[] = []
    for (const phase of ['things', 'events'] satisfies EntityPhase[]) {
      await forObjects(
        (after) => page.all(run.id, after, OBJECT_SLICE),
        source,
        (objects) =>
          inSlice('intel.importRun', () => {
            imp().importEntities(objects, tally, phase)
            if (phase === 'things') for (const o of objects) known.push(o.id)
          }),
      )
    }
    if (linked) {
      const obs = sqlite.prepare<[string | null, string, number, number], ObservationRow>(
        RUN_OBSERVATIONS_SQL,
      )
      let after = 0
      for (;;) {
        const rows = obs.all(run.feedId, run.id, after, OBSERVATION_SLICE)
        if (rows.length === 0) break
        after = rows[rows.length - 1].id
        const mapped = await inSlice('intel.importRun', () => imp().importObservations(rows, tally))
        known.push(...mapped)
      }
    }
    await forObjects(
      (after) => page.all(run.id, after, OBJECT_SLICE),
      source,
      (objects) => inSlice('intel.importRun', () => imp().importRelations(objects, tally)),
    )
    await resolvePending(known, tally)
    return tally
  }

  const rebuild: KnowledgeImport['rebuild'] = async (ctl) => {
    fresh()
    const tally = emptyTally()
    const objects =
      sqlite.prepare<[], number>('SELECT count(*) FROM intel_objects').pluck().get() ?? 0
    const observations =
      sqlite
        .prepare<[], number>(`SELECT count(*) FROM observations WHERE ${LINKED_RAW}`)
        .pluck()
        .get() ?? 0
    const total = objects * 3 + observations
    let done = 0
    const step = (n: number) => {
      done += n
      ctl.progress?.(done, total)
    }
    ctl.progress?.(0, total)
    const page = sqlite.prepare<[number, number], ObjectRow>(ALL_OBJECTS_SQL)
    for (const phase of ['things', 'events'] satisfies EntityPhase[]) {
      await forObjects(
        (after) => page.all(after, OBJECT_SLICE),
        'import',
        async (list) => {
          await inSlice('intel.rebuild', () => imp().importEntities(list, tally, phase))
          step(list.length)
        },
        ctl.signal,
      )
    }
    const obs = sqlite.prepare<[number, number], ObservationRow>(ALL_OBSERVATIONS_SQL)
    let after = 0
    for (;;) {
      ctl.signal?.throwIfAborted()
      const rows = obs.all(after, OBSERVATION_SLICE)
      if (rows.length === 0) break
      after = rows[rows.length - 1].id
      await inSlice('intel.rebuild', () => imp().importObservations(rows, tally))
      step(rows.length)
    }
    await forObjects(
      (after) => page.all(after, OBJECT_SLICE),
      'import',
      async (list) => {
        await inSlice('intel.rebuild', () => imp().importRelations(list, tally))
        step(list.length)
      },
      ctl.signal,
    )
    // Everything known is now in: what is still pending waits for a later import.
    tally.pending =
      sqlite.prepare<[], number>('SELECT count(*) FROM intel_pending_refs').pluck().get() ?? 0
    return tally
  }

  let pending: Promise<void> = Promise.resolve()
  const off = ctx.events.on('feeds.onDidFinishRun', ({ run }) => {
    if (run.status !== 'succeeded' && run.status !== 'cancelled' && run.status !== 'failed') return
    if (run.created + run.updated + run.unchanged + run.objects === 0) return
    pending = pending
      .then(async () => {
        await importRun(run)
      })
      .catch((e: unknown) =>
        ctx.logger.warn('intel of a run not imported into the knowledge base', {
          run: run.id,
          error: e,
        }),
      )
  })

  return {
    importRun,
    rebuild,
    idle: () => pending,
    stop: async () => {
      off()
      await pending
    },
  }
}
