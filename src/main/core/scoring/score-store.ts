import type BetterSqlite3 from 'better-sqlite3'
import type { RescoreFilter, Verdict } from '#shared/contract/scoring.schemas'
import type { Classification, IocType, RiskLevel, Severity } from '#shared/domain/enums'
import type { Reliability } from '#core/feeds/engine/engine-types'
import { ANALYST_FIELD } from '#core/db/bulk/indicator-merge'
import {
  computeScore,
  decayAndDecide,
  type ScoreInputs,
  type ScoreResult,
  type ScoringConfig,
} from './compute-score'
import { decayClockStart } from './decay'
import { parseEnrichmentSignal } from './enrichment-terms'
import { boundName, parseStoredScore, serializeScore, type ScoreFacts } from './score-record'

/**
 * The scoring columns on SQLite: reading what the terms need (the row and the aggregates of its
 * observations: best feed grade, highest stated confidence, a threat type and a malware name) for a range of
 * rowids, and writing the results. Used by the rescoring job, the decay sweep and the single-row writes
 * (a verdict, an analyst's edit). The bulk writer scores from what a batch has in hand instead
 * (src/main/core/db/bulk/ingest-scorer.ts).
 */

// C before F: both count 50 in RELIABILITY_CONFIDENCE; a graded source is named rather than "cannot be judged".
const REL_RANK_SQL = `CASE f.reliability WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 WHEN 'F' THEN 4
  WHEN 'D' THEN 5 WHEN 'E' THEN 6 END`
const RANK_REL: Record<number, Reliability> = { 1: 'A', 2: 'B', 3: 'C', 4: 'F', 5: 'D', 6: 'E' }

/** One indicator's scoring inputs: the row's columns and its observations' aggregates. */
export type ScoreSourceRow = {
  rowid: number
  id: string
  type: IocType
  classification: Classification
  confidence: number
  severity: Severity
  score: number
  risk_level: RiskLevel
  analyst_fields: number
  false_positive: number
  source_count: number
  sighting_count: number
  base_score: number | null
  score_terms: string | null
  risk_decided_by: string | null
  decay_from: string | null
  expires_at: string | null
  expired: number
  analyst_verdict: Verdict | null
  verdict_at: string | null
  warninglist_hits: number
  url_score: number | null
  enrichment_signal: string | null
  last_seen: string | null
  created_at: string
  obs_conf: number | null
  rel_rank: number | null
  obs_tt: string | null
  obs_mw: string | null
}

const ROW_COLUMNS = `i.rowid AS rowid, i.id, i.type, i.classification, i.confidence, i.severity, i.score,
  i.risk_level, i.analyst_fields, i.false_positive, i.source_count, i.sighting_count, i.base_score,
  i.score_terms, i.risk_decided_by, i.decay_from, i.expires_at, i.expired, i.analyst_verdict, i.verdict_at,
  i.warninglist_hits, i.url_score, i.enrichment_signal, i.last_seen, i.created_at`

/**
 * A rowid range of indicators with their observations' aggregates: one range scan of the indicators'
 * rowids and one of the observations' leading indicator key (UQ_observations_indicator_source), grouped.
 * The filter's clauses are added by selectRangeSql.
 */
export const selectRangeSql = (filter: RescoreFilter = {}): string => {
  const where = ['i.rowid >= @from', 'i.rowid < @to']
  if (filter.type !== undefined) where.push('i.type = @type')
  if (filter.unscoredOnly === true) where.push('i.scored_at IS NULL')
  if (filter.feedId !== undefined) {
    where.push(
      'EXISTS (SELECT 1 FROM observations x WHERE x.indicator_rowid = i.rowid AND x.feed_id = @feedId)',
    )
  }
  return `SELECT ${ROW_COLUMNS}, agg.obs_conf, agg.rel_rank, agg.obs_tt, agg.obs_mw
FROM indicators i LEFT JOIN (
  SELECT o.indicator_rowid AS r, max(o.confidence) AS obs_conf, min(${REL_RANK_SQL}) AS rel_rank,
    max(o.threat_type) AS obs_tt, max(o.malware) AS obs_mw
  FROM observations o LEFT JOIN feeds f ON f.id = o.feed_id
  WHERE o.indicator_rowid >= @from AND o.indicator_rowid < @to
  GROUP BY o.indicator_rowid
) agg ON agg.r = i.rowid
WHERE ${where.join(' AND ')}
ORDER BY i.rowid`
}

/** The stored score of one indicator (the breakdown call), without aggregates: they are in score_terms. */
export const SELECT_ONE_SQL = `SELECT ${ROW_COLUMNS}, i.scored_at FROM indicators i WHERE i.id = ?`

export const UPDATE_SCORE_SQL = `UPDATE indicators SET base_score = ?, score = ?, risk_level = ?,
  risk_decided_by = ?, score_terms = ?, decay_from = ?, expires_at = ?, expired = ?, scored_at = ?
WHERE rowid = ?`

/**
 * The facts of a row from its observations' aggregates; the analyst's hand-set score from the stored
 * breakdown (only read when the analyst set one), or `analystScore` when an edit has just set it.
 */
export const factsOfRow = (r: ScoreSourceRow, analystScore?: number): ScoreFacts => ({
  rel: r.rel_rank === null ? null : (RANK_REL[r.rel_rank] ?? null),
  conf: r.obs_conf,
  tt: boundName(r.obs_tt),
  mw: boundName(r.obs_mw),
  as:
    analystScore ??
    (r.analyst_fields & ANALYST_FIELD.score
      ? (parseStoredScore(r.score_terms)?.facts.as ?? r.base_score)
      : null),
})

/** The analyst's verdict as the terms read it: a false-positive mark counts as one. */
export const verdictOf = (r: Pick<ScoreSourceRow, 'analyst_verdict' | 'false_positive'>) =>
  r.analyst_verdict ?? (r.false_positive === 1 ? ('false_positive' as const) : null)

/**
 * When the decay clock started: the restart the writers recorded (decay_from), the last sighting and the
 * analyst's confirmation, whichever is latest, never after now.
 */
export const clockOf = (r: ScoreSourceRow, nowIso: string): string => {
  const confirmed = r.analyst_verdict === 'true_positive' ? r.verdict_at : null
  const start = decayClockStart({
    lastSeenAt:
      r.decay_from !== null && (r.last_seen === null || r.decay_from > r.last_seen)
        ? r.decay_from
        : r.last_seen,
    confirmedAt: confirmed,
    createdAt: r.created_at,
  })
  const iso = new Date(start).toISOString()
  return iso > nowIso ? nowIso : iso
}

/** The terms' inputs of a row: its columns, the facts, the analyst's bits, the decay clock. */
export const inputsOfRow = (r: ScoreSourceRow, facts: ScoreFacts, nowIso: string): ScoreInputs => {
  const bits = r.analyst_fields
  return {
    type: r.type,
    reliability: facts.rel,
    sourceCount: r.source_count,
    sightingCount: r.sighting_count,
    sourceConfidence: facts.conf,
    analystConfidence: bits & ANALYST_FIELD.confidence ? r.confidence : null,
    classification: r.classification,
    threatType: facts.tt,
    malware: facts.mw,
    urlScore: r.url_score,
    warninglistHits: r.warninglist_hits,
    enrichment: parseEnrichmentSignal(r.enrichment_signal),
    verdict: verdictOf(r),
    analystSeverity: bits & ANALYST_FIELD.severity ? r.severity : null,
    analystScore: bits & ANALYST_FIELD.score ? facts.as : null,
    decayFrom: clockOf(r, nowIso),
  }
}

/** The full score of a row read by selectRangeSql. */
export const scoreRow = (
  r: ScoreSourceRow,
  facts: ScoreFacts,
  config: ScoringConfig,
  now: Date,
): ScoreResult => computeScore(inputsOfRow(r, facts, now.toISOString()), config, now)

export type RangeOutcome = { scored: number; expired: number; changed: number }

/** What rescoring named indicators did: the ids found, and those whose score or risk level moved. */
export type IdsOutcome = { scored: number; changedIds: string[]; missingIds: string[] }

export type ScoreStore = {
  /** Rescores the indicators with rowid in [from, to) that match the filter. Caller opens the transaction. */
  rescoreRange(
    from: number,
    to: number,
    filter: RescoreFilter,
    config: ScoringConfig,
    now: Date,
    analystScore?: number,
  ): RangeOutcome
  /** Rescores one row (after a single write; `analystScore` when the edit set the score by hand). */
  rescoreRowid(rowid: number, config: ScoringConfig, now: Date, analystScore?: number): void
  /** Rescores the named indicators (after enrichment wrote their signal). Caller opens the transaction. */
  rescoreIds(ids: readonly string[], config: ScoringConfig, now: Date): IdsOutcome
  /** Only the decay of the scored rows in [from, to): score, risk level, expiry. */
  redecayRange(from: number, to: number, config: ScoringConfig, now: Date): RangeOutcome
  maxRowid(): number
}

type DecayRow = Pick<
  ScoreSourceRow,
  | 'rowid'
  | 'type'
  | 'base_score'
  | 'decay_from'
  | 'score'
  | 'risk_level'
  | 'expired'
  | 'analyst_fields'
  | 'severity'
  | 'analyst_verdict'
  | 'false_positive'
>

export const createScoreStore = (sqlite: BetterSqlite3.Database): ScoreStore => {
  const selects = new Map<
    string,
    BetterSqlite3.Statement<Record<string, unknown>, ScoreSourceRow>
  >()
  const select = (filter: RescoreFilter) => {
    const sql = selectRangeSql(filter)
    let st = selects.get(sql)
    if (st === undefined) {
      st = sqlite.prepare<Record<string, unknown>, ScoreSourceRow>(sql)
      selects.set(sql, st)
    }
    return st
  }
  const update = sqlite.prepare(UPDATE_SCORE_SQL)
  const maxRowid = sqlite.prepare<[], number | null>('SELECT max(rowid) FROM indicators').pluck()
  const rowidsOf = sqlite.prepare<[string], { rowid: number; id: string }>(
    'SELECT rowid, id FROM indicators WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
  )
  const decayRows = sqlite.prepare<[number, number], DecayRow>(
    `SELECT rowid, type, base_score, decay_from, score, risk_level, expired, analyst_fields, severity,
       analyst_verdict, false_positive
     FROM indicators WHERE rowid >= ? AND rowid < ? AND base_score IS NOT NULL AND decay_from IS NOT NULL`,
  )
  const updateDecay = sqlite.prepare(
    'UPDATE indicators SET score = ?, risk_level = ?, risk_decided_by = ?, expired = ? WHERE rowid = ?',
  )

  const rescoreRange: ScoreStore['rescoreRange'] = (
    from,
    to,
    filter,
    config,
    now,
    analystScore,
  ) => {
    const nowIso = now.toISOString()
    const out: RangeOutcome = { scored: 0, expired: 0, changed: 0 }
    const params: Record<string, unknown> = { from, to }
    if (filter.type !== undefined) params.type = filter.type
    if (filter.feedId !== undefined) params.feedId = filter.feedId
    // all(), not iterate(): the connection cannot write while a statement is still reading.
    for (const r of select(filter).all(params)) {
      const facts = factsOfRow(r, analystScore)
      const s = scoreRow(r, facts, config, now)
      const json = serializeScore(s.terms, facts)
      out.scored++
      if (s.expired) out.expired++
      if (s.score !== r.score || s.riskLevel !== r.risk_level) out.changed++
      // scored_at moves even when nothing else does: the row was looked at with these settings.
      update.run(
        s.baseScore,
        s.score,
        s.riskLevel,
        s.riskDecidedBy,
        json,
        s.decayFrom,
        s.expiresAt,
        s.expired ? 1 : 0,
        nowIso,
        r.rowid,
      )
    }
    return out
  }

  return {
    rescoreRange,
    rescoreRowid: (rowid, config, now, analystScore) => {
      rescoreRange(rowid, rowid + 1, {}, config, now, analystScore)
    },
    rescoreIds: (ids, config, now) => {
      const unique = [...new Set(ids)]
      const found = rowidsOf.all(JSON.stringify(unique))
      const out: IdsOutcome = { scored: 0, changedIds: [], missingIds: [] }
      const seen = new Set<string>()
      for (const { rowid, id } of found) {
        seen.add(id)
        const r = rescoreRange(rowid, rowid + 1, {}, config, now)
        out.scored += r.scored
        if (r.changed > 0) out.changedIds.push(id)
      }
      out.missingIds = unique.filter((id) => !seen.has(id))
      return out
    },
    redecayRange: (from, to, config, now) => {
      const nowMs = now.getTime()
      const out: RangeOutcome = { scored: 0, expired: 0, changed: 0 }
      for (const r of decayRows.all(from, to)) {
        const d = decayAndDecide(
          r.base_score ?? 0,
          {
            type: r.type,
            decayFrom: r.decay_from ?? now.toISOString(),
            analystSeverity: r.analyst_fields & ANALYST_FIELD.severity ? r.severity : null,
            verdict: verdictOf(r),
          },
          config,
          nowMs,
        )
        out.scored++
        if (d.expired) out.expired++
        if (
          d.score === r.score &&
          d.riskLevel === r.risk_level &&
          (d.expired ? 1 : 0) === r.expired
        )
          continue
        out.changed++
        updateDecay.run(d.score, d.riskLevel, d.riskDecidedBy, d.expired ? 1 : 0, r.rowid)
      }
      return out
    },
    maxRowid: () => maxRowid.get() ?? 0,
  }
}
