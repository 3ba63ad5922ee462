import { AppError } from '#shared/contract/errors'
import type { Job } from '#shared/contract/jobs.contract'
import type {
  RescoreFilter,
  RescoreReport,
  ScoreBreakdown,
  Verdict,
} from '#shared/contract/scoring.schemas'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import type { JobControl, JobRegistry } from '../jobs/job-registry'
import { decayAndDecide, riskReason, scoreTerms } from './compute-score'
import { decayModelFor } from './decay'
import { ENRICHMENT_TERM_NAMES } from './enrichment-terms'
import { parseStoredScore } from './score-record'
import {
  SELECT_ONE_SQL,
  clockOf,
  createScoreStore,
  factsOfRow,
  inputsOfRow,
  selectRangeSql,
  type IdsOutcome,
  type RangeOutcome,
  type ScoreSourceRow,
} from './score-store'
import { ANALYST_FIELD } from '#core/db/bulk/indicator-merge'

/** Rowids per write-queue job of the rescoring job and the sweep: short enough for the UI's writes to pass. */
export const RESCORE_CHUNK = 2_000

/** How often the decay sweep ages every score and marks the expired. */
export const DECAY_SWEEP_INTERVAL_MS = 6 * 3_600_000

type ScoringDeps = Pick<
  CoreContext,
  'db' | 'clock' | 'events' | 'logger' | 'changes' | 'scoring'
> & {
  jobs: JobRegistry
}

/** indicators.markFalsePositive as the caller would call it: the one path that marks a false positive. */
export type MarkFalsePositive = (
  id: string,
  falsePositive: boolean,
  reason: string | undefined,
) => Promise<unknown>

const ENRICHMENT_TERMS = new Set<string>(ENRICHMENT_TERM_NAMES)

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve))

export type ScoringService = ReturnType<typeof createScoringService>

/**
 * Score breakdowns, analyst verdicts, the rescoring job and the decay sweep. Every write goes through the
 * write queue in chunks of RESCORE_CHUNK rowids, yielding between them, so a million-row rescore never
 * holds the queue or the thread for long.
 */
export const createScoringService = (deps: ScoringDeps) => {
  const { db, clock, changes } = deps
  const sqlite = db.sqlite
  const store = createScoreStore(sqlite)
  const selectOne = sqlite.prepare<[string], ScoreSourceRow & { scored_at: string | null }>(
    SELECT_ONE_SQL,
  )
  const selectAggregated = sqlite.prepare<Record<string, unknown>, ScoreSourceRow>(selectRangeSql())

  const mustGet = (id: string) => {
    const row = selectOne.get(id)
    if (row === undefined) throw new AppError('not_found', `No indicator has id ${id}`, { id })
    return row
  }

  const breakdown = (id: string): ScoreBreakdown => {
    const row = mustGet(id)
    const config = deps.scoring.config()
    const now = clock.now()
    const stored = parseStoredScore(row.score_terms)
    // Never scored (written before scoring existed): the facts come from its observations, not stored.
    const facts =
      stored?.facts ??
      factsOfRow({ ...row, ...selectAggregated.get({ from: row.rowid, to: row.rowid + 1 }) })
    // The reasons are worded from the row and the facts; the points are the ones stored with them.
    const fresh = scoreTerms(inputsOfRow(row, facts, now.toISOString()))
    const terms =
      stored === null
        ? fresh.terms
        : fresh.terms.flatMap((t) => {
            const points = stored.points[t.term]
            if (points !== undefined) return [{ ...t, points }]
            // Scored before the enrichment terms existed: they did not count, and the breakdown says so.
            if (!ENRICHMENT_TERMS.has(t.term)) return []
            return [
              t.points === 0
                ? t
                : { ...t, points: 0, detail: `${t.detail} (not counted yet: not rescored since)` },
            ]
          })
    const base = row.base_score ?? fresh.baseScore
    const decayFrom = row.decay_from ?? clockOf(row, now.toISOString())
    const d = decayAndDecide(
      base,
      {
        type: row.type,
        decayFrom,
        analystSeverity: row.analyst_fields & ANALYST_FIELD.severity ? row.severity : null,
        verdict: row.analyst_verdict ?? (row.false_positive === 1 ? 'false_positive' : null),
      },
      config,
      now.getTime(),
    )
    const model = decayModelFor(config.decay, row.type)
    return {
      id: row.id,
      baseScore: base,
      score: d.score,
      terms,
      riskLevel: d.riskLevel,
      riskDecidedBy: d.riskDecidedBy,
      scoreRiskLevel: d.scoreRiskLevel,
      riskReason: riskReason(d),
      decayFrom,
      expiresAt: d.expiresAt,
      expired: d.expired,
      decay: { ...model, revokeScore: config.decay.revokeScore },
      verdict: row.analyst_verdict,
      verdictAt: row.verdict_at,
      scoredAt: row.scored_at,
    }
  }

  const setVerdictRow = sqlite.prepare<[Verdict | null, string | null, string, number]>(
    'UPDATE indicators SET analyst_verdict = ?, verdict_at = ?, updated_at = ? WHERE rowid = ?',
  )

  const setVerdict = async (
    id: string,
    verdict: Verdict | null,
    reason: string | undefined,
    by: ChangeCaller,
    markFalsePositive: MarkFalsePositive,
  ): Promise<ScoreBreakdown> => {
    const before = mustGet(id)
    // The mark itself goes through indicators.markFalsePositive, whatever else hangs on it.
    if (verdict === 'false_positive' && before.false_positive !== 1) {
      await markFalsePositive(id, true, reason)
    } else if (
      before.false_positive === 1 &&
      (verdict === 'true_positive' ||
        (verdict === null && before.analyst_verdict === 'false_positive'))
    ) {
      await markFalsePositive(id, false, reason)
    }
    await db.writes.run('indicators.setVerdict', () => {
      const row = mustGet(id)
      if (row.analyst_verdict === verdict) return
      const nowIso = clock.now().toISOString()
      sqlite.transaction(() => {
        // A confirmation restarts the decay clock: verdict_at is one of its restarts (clockOf).
        setVerdictRow.run(verdict, verdict === null ? null : nowIso, nowIso, row.rowid)
        store.rescoreRowid(row.rowid, deps.scoring.config(), clock.now())
        changes.record(by, {
          entity: 'indicator',
          entityId: id,
          operation: 'set_verdict',
          changes: {
            verdict: { before: row.analyst_verdict, after: verdict },
            ...(reason === undefined ? {} : { reason }),
          },
        })
      })()
      deps.events.emit('indicators.onDidChange', { kind: 'updated', ids: [id] })
    })
    return breakdown(id)
  }

  const countFor = (filter: RescoreFilter): number => {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.type !== undefined) {
      where.push('type = ?')
      params.push(filter.type)
    }
    if (filter.unscoredOnly === true) where.push('scored_at IS NULL')
    if (filter.feedId !== undefined) {
      where.push(
        'EXISTS (SELECT 1 FROM observations x WHERE x.indicator_rowid = indicators.rowid AND x.feed_id = ?)',
      )
      params.push(filter.feedId)
    }
    const sql = `SELECT count(*) FROM indicators${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
    return (
      sqlite
        .prepare<unknown[], number>(sql)
        .pluck()
        .get(...params) ?? 0
    )
  }

  /** Walks the rowids in chunks through the write queue; `step` writes one chunk. */
  const walk = async (
    label: string,
    signal: AbortSignal | null,
    step: (from: number, to: number) => RangeOutcome,
    onChunk: (acc: RangeOutcome) => void,
  ): Promise<RangeOutcome> => {
    const acc: RangeOutcome = { scored: 0, expired: 0, changed: 0 }
    const max = store.maxRowid()
    for (let from = 1; from <= max; from += RESCORE_CHUNK) {
      signal?.throwIfAborted()
      const r = await db.writes.run(label, () =>
        sqlite.transaction(() => step(from, from + RESCORE_CHUNK))(),
      )
      acc.scored += r.scored
      acc.expired += r.expired
      acc.changed += r.changed
      onChunk(acc)
      await yieldToEvents()
    }
    return acc
  }

  const record = (by: ChangeCaller, changed: Record<string, unknown>) =>
    db.writes.run('scoring.record', () =>
      sqlite.transaction(() => {
        changes.record(by, {
          entity: 'indicator',
          entityId: null,
          operation: 'rescore',
          changes: changed,
        })
      })(),
    )

  const rescoreWork =
    (filter: RescoreFilter, by: ChangeCaller) =>
    async (job: JobControl): Promise<RescoreReport> => {
      const t0 = performance.now()
      const total = countFor(filter)
      job.progress(0, total)
      let acc: RangeOutcome = { scored: 0, expired: 0, changed: 0 }
      try {
        acc = await walk(
          'scoring.rescore',
          job.signal,
          (from, to) => store.rescoreRange(from, to, filter, deps.scoring.config(), clock.now()),
          (a) => {
            acc = a
            job.progress(a.scored, total)
          },
        )
      } finally {
        // What was committed stays committed, cancelled or not: the log says how far it got.
        await record(by, { filter, ...acc, cancelled: job.signal.aborted })
        if (acc.changed > 0) deps.events.emit('indicators.onDidChange', { kind: 'bulk' })
      }
      return { ...acc, ms: Math.round(performance.now() - t0) }
    }

  const hasUnscored = sqlite.prepare('SELECT 1 FROM indicators WHERE scored_at IS NULL LIMIT 1')
  let sweeping: Promise<RangeOutcome> | null = null
  /** Ages every scored indicator's score and marks the expired; one sweep at a time. */
  const sweep = (): Promise<RangeOutcome> => {
    sweeping ??= (async () => {
      try {
        // Rows written before scoring existed (an upgraded database) are scored in full first.
        if (hasUnscored.get() !== undefined) {
          await walk(
            'scoring.sweep',
            null,
            (from, to) =>
              store.rescoreRange(
                from,
                to,
                { unscoredOnly: true },
                deps.scoring.config(),
                clock.now(),
              ),
            () => {},
          )
        }
        const acc = await walk(
          'scoring.sweep',
          null,
          (from, to) => store.redecayRange(from, to, deps.scoring.config(), clock.now()),
          () => {},
        )
        if (acc.changed > 0) {
          await record(
            { transport: 'scheduler', actor: 'scheduler', method: 'scoring.sweep' },
            { decay: true, ...acc },
          )
          deps.events.emit('indicators.onDidChange', { kind: 'bulk' })
        }
        return acc
      } finally {
        sweeping = null
      }
    })()
    return sweeping
  }

  /**
   * Rescores the named indicators now, in chunks of RESCORE_CHUNK ids per write-queue job: what the
   * enrichment engine calls after writing indicators.enrichment_signal, so score and risk level follow the
   * signal. Announces nothing: the caller evaluates alert rules (alerts.evaluateEnrichment) and then emits
   * indicators.onDidChange for the ids, so an evaluation is credited to enrichment and runs once.
   */
  const rescoreIndicators = async (ids: readonly string[]): Promise<IdsOutcome> => {
    const out: IdsOutcome = { scored: 0, changedIds: [], missingIds: [] }
    for (let i = 0; i < ids.length; i += RESCORE_CHUNK) {
      const chunk = ids.slice(i, i + RESCORE_CHUNK)
      const r = await db.writes.run('scoring.rescoreIndicators', () =>
        sqlite.transaction(() => store.rescoreIds(chunk, deps.scoring.config(), clock.now()))(),
      )
      out.scored += r.scored
      out.changedIds.push(...r.changedIds)
      out.missingIds.push(...r.missingIds)
      if (i + RESCORE_CHUNK < ids.length) await yieldToEvents()
    }
    return out
  }

  let timer: NodeJS.Timeout | null = null
  return {
    breakdown,
    rescoreIndicators,
    setVerdict,
    rescore: (filter: RescoreFilter, by: ChangeCaller): Job =>
      deps.jobs.start('scoring.rescore', by.actor, rescoreWork(filter, by)),
    sweep,
    /** Arms the periodic sweep (core.start); the first runs at once, in the background. */
    start: () => {
      if (timer !== null) return
      const run = () => {
        sweep().catch((e: unknown) => deps.logger.warn('decay sweep failed', { error: e }))
      }
      timer = setInterval(run, DECAY_SWEEP_INTERVAL_MS)
      timer.unref()
      run()
    },
    stop: async () => {
      if (timer !== null) clearInterval(timer)
      timer = null
      await sweeping?.catch(() => undefined)
    },
    waitForIdle: async () => {
      await sweeping?.catch(() => undefined)
    },
  }
}
