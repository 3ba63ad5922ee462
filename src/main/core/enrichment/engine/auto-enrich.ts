import type { CoreContext } from '#core/core-context'
import type { EnrichmentSettingsStore } from '../enrichment-settings'

/** Indicators an automatic job takes at most (the contract's bound on an id list). */
export const AUTO_BATCH_MAX = 10_000

/**
 * Automatic enrichment of new indicators scoring at or above settings.auto.minScore: the feed batches the
 * bulk writer commits and single creates (indicators.onDidChange). Candidates gather in a bounded set and go
 * out as one 'auto-enrichment' job at a time; what does not fit waits for the next one.
 */
export const startAutoEnrichment = (deps: {
  ctx: Pick<CoreContext, 'db' | 'events' | 'logger'>
  settings: EnrichmentSettingsStore
  /** Starts the job; resolves when it has finished. */
  run: (ids: string[]) => Promise<void>
}) => {
  const { db } = deps.ctx
  const pending = new Set<string>()
  let running: Promise<void> | null = null
  const newInBatch = db.sqlite
    .prepare<[string, string, number, number], string>(
      'SELECT id FROM indicators WHERE updated_at = ? AND created_at = ? AND score >= ? LIMIT ?',
    )
    .pluck()
  const scoring = db.sqlite
    .prepare<[string, number], string>(
      'SELECT id FROM indicators WHERE id IN (SELECT value FROM json_each(?)) AND score >= ?',
    )
    .pluck()
  const add = (ids: readonly string[]) => {
    for (const id of ids) if (pending.size < AUTO_BATCH_MAX * 2) pending.add(id)
    drain()
  }
  const drain = () => {
    if (running !== null || pending.size === 0) return
    const ids = [...pending].slice(0, AUTO_BATCH_MAX)
    for (const id of ids) pending.delete(id)
    running = deps
      .run(ids)
      .catch((e: unknown) => deps.ctx.logger.warn('auto-enrichment failed', { error: e }))
      .finally(() => {
        running = null
        drain()
      })
  }
  const consider = async (pick: (min: number) => string[]) => {
    const s = await deps.settings.read()
    if (!s.auto.enabled) return
    add(pick(s.auto.minScore))
  }
  const fail = (e: unknown) =>
    deps.ctx.logger.warn('auto-enrichment selection failed', { error: e })
  const offBatch = db.bulk.onDidCommit((b) => {
    if (b.delta.created === 0) return
    consider((min) => newInBatch.all(b.nowIso, b.nowIso, min, AUTO_BATCH_MAX)).catch(fail)
  })
  const offChange = deps.ctx.events.on('indicators.onDidChange', (e) => {
    if (e.kind !== 'created' || e.ids === undefined) return
    const ids = e.ids
    consider((min) => scoring.all(JSON.stringify(ids), min)).catch(fail)
  })
  return {
    idle: async () => {
      while (running !== null) await running
    },
    stop: () => {
      offBatch()
      offChange()
      pending.clear()
    },
  }
}
