import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { Verdict } from '#shared/contract/scoring.schemas'
import {
  SEVERITY_RANK,
  type Classification,
  type IocType,
  type Severity,
  type Tlp,
} from '#shared/domain/enums'
import { indicatorId } from '#core/indicators/indicator-id.node'
import {
  INDICATOR_DEFAULTS,
  dedupStrings,
  normalizeTimestamp,
  type IndicatorRow,
} from '#core/indicators/indicator-row'
import { DEFAULT_RISK_THRESHOLDS } from '#shared/domain/enums'
import { DEFAULT_DECAY_POLICY } from '#shared/domain/decay-policy'
import type { ScoringConfig } from '#core/scoring/compute-score'
import type { Reliability } from '#core/feeds/engine/engine-types'
import {
  NO_FACTS,
  boundName,
  mergeFacts,
  parseStoredScore,
  type ScoreFacts,
} from '#core/scoring/score-record'
import { createSearchIndexWriter } from './indicator-search-index'
import { createWarninglistHitWriter, type WarninglistMatchesJson } from './warninglist-hits'
import {
  createIngestScorer,
  restartedClock,
  type IngestScorer,
  type RowScoreInputs,
} from './ingest-scorer'
import { createPendingUpdates, type PendingUpdates } from './pending-updates'
import {
  ANALYST_FIELD,
  mergeIndicator,
  searchTextChanged,
  type MergeInput,
  type MergeState,
} from './indicator-merge'

/**
 * The indicator upsert hot path (bulk import, feeds): raw prepared statements on TypeORM's own
 * better-sqlite3 handle. Merge rules on conflict: see indicator-merge.ts.
 */

export type IndicatorUpsertRow = {
  type: IocType
  /** Already canonical (src/shared/domain canonicalize). */
  value: string
  /**
   * Optional, and if given it must be indicatorId(type, value): the id is what makes a (type, value)
   * unique (migration 0001 has no separate unique index), so no other id is accepted.
   */
  id?: string
  classification?: Classification
  confidence?: number
  severity?: Severity
  score?: number
  tlp?: Tlp
  firstSeen?: string | null
  lastSeen?: string | null
  description?: string
  tags?: string[]
  projectId?: string | null
  // Analyst-only fields (indicators.bulkCreate); feeds leave them out.
  mitreTactics?: string[]
  mitreTechniques?: string[]
  /** Set explicitly: applied even to an existing row (an analyst's bulk decision). */
  active?: boolean
  falsePositive?: boolean
  /** Only fills a row that has no enrichment yet. */
  enrichment?: Record<string, unknown> | null
  /**
   * How many enabled warninglists the value hits, and which; the ingest screen (src/main/core/warninglists/
   * ingest-screen.ts) sets them in the prepared row's columns 18 and 19 before it reaches the writer.
   * Absent: not checked, the stored hits stay.
   */
  warninglistHits?: number
  warninglistMatches?: WarninglistMatchesJson
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged'

/** Per input row, in input order: what happened, the indicator's id and its rowid. */
export type UpsertResult = { outcomes: UpsertOutcome[]; ids: string[]; rowids: number[] }

/** Chunks of one import batch in one caller transaction; the search index is fed once, at close(). */
export type UpsertSession = {
  add(rows: readonly IndicatorUpsertRow[]): UpsertResult
  /**
   * Rows already normalised by prepareUpsertRows (possibly on another thread). `observed`: the rows are a
   * feed's, each gets an observation, so a new indicator starts with one source and one sighting.
   */
  addPrepared(flat: PreparedRows, observed?: boolean, source?: RowSource): UpsertResult
  /**
   * A source reported something new about an indicator that existed before this row (see
   * observation-bulk.ts): one more sighting, one more source when `newSource`, and with `context` its
   * search text is queued again (malware, threat type and event titles are indexed with it).
   */
  sighted(rowid: number, newSource: boolean, context: boolean): void
  /**
   * Writes the rows of the last observed addPrepared that already existed: the merge, the sightings and
   * the score in one UPDATE each. A feed part calls it after its observations (which move the counts the
   * score reads); unobserved rows are written by addPrepared itself.
   */
  flush(): void
  /** Indexes the rows the session created; must run before the transaction commits. */
  close(): void
}

/** Where an observed part's rows come from: the scoring terms read it. */
export type RowSource = {
  /** The feed's admiralty grade; null for ad-hoc imports. */
  reliability: Reliability | null
  /** The part's observations, OBSERVATION_STRIDE values per row (threat type at 3, malware at 4). */
  observations: readonly unknown[]
  stride: number
}

/** The settings scoring uses when a caller names none (tests, the single-batch helpers). */
const DEFAULT_SCORING: ScoringConfig = {
  thresholds: DEFAULT_RISK_THRESHOLDS,
  decay: DEFAULT_DECAY_POLICY,
}

export type IndicatorBulkWriter = {
  /** Must be called inside a transaction the caller opened (sqlite.transaction(...)). Same order as rows. */
  upsertMany(
    rows: readonly IndicatorUpsertRow[],
    nowIso: string,
    scoring?: ScoringConfig,
  ): UpsertResult
  /** Convenience: one transaction around upsertMany. */
  upsertBatch(
    rows: readonly IndicatorUpsertRow[],
    nowIso: string,
    scoring?: ScoringConfig,
  ): UpsertResult
  /**
   * For an importer that hands a large transaction over in chunks (to bound memory): FTS5 writes a
   * segment for every statement that feeds it inside a transaction, so indexing once per transaction
   * instead of once per chunk leaves fewer, larger segments and less merge work. Same rules as upsertMany.
   */
  openSession(nowIso: string, scoring?: ScoringConfig): UpsertSession
}

/** Feed text is hostile: a description longer than the contract allows analysts is cut, not stored. */
const MAX_DESCRIPTION = 20_000

const clampScore = (n: number | undefined): number | undefined =>
  n === undefined || !Number.isFinite(n) ? undefined : Math.min(100, Math.max(0, Math.round(n)))

// The id is UUIDv5 of (type, canonical value), so the primary key is the upsert key: one random-key index
// per row instead of two (dropping UNIQUE(type, value) saved a large share of the insert: docs/performance.md).
// DO NOTHING on conflict: a new row costs one statement; only a conflicting one pays for the SELECT and
// the merge. Inserting first (rather than looking up first) saves a lookup per row on the common path of
// an import, new values.
const INSERT = `INSERT INTO indicators (
  id, type, value, classification, confidence, severity, severity_rank, score, risk_level, tlp,
  first_seen, last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive,
  enrichment, project_id, source_count, sighting_count, analyst_fields, base_score, score_terms,
  risk_decided_by, decay_from, expires_at, expired, scored_at, created_at, updated_at, warninglist_hits
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING`

const SELECT_EXISTING = `SELECT rowid, type, value, classification, confidence, severity, score, tlp,
  first_seen, last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive,
  enrichment, project_id, analyst_fields, risk_level, source_count, sighting_count, base_score,
  score_terms, risk_decided_by, decay_from, expires_at, expired, analyst_verdict, warninglist_hits,
  url_score, enrichment_signal, created_at
FROM indicators WHERE id = ?`

/**
 * The SET list of an update: only the columns the merge changed (plus updated_at). Rewriting an unchanged
 * indexed column still costs an index delete and insert on cold pages; a feed refresh typically changes
 * last_seen alone. Statements are cached per column list (a handful in practice).
 */
const changedColumns = (a: MergeState, b: MergeState): [string[], unknown[]] => {
  const cols: string[] = []
  const vals: unknown[] = []
  const set = (col: string, v: unknown) => {
    cols.push(col)
    vals.push(v)
  }
  if (a.classification !== b.classification) set('classification', b.classification)
  if (a.confidence !== b.confidence) set('confidence', b.confidence)
  if (a.severity !== b.severity) {
    set('severity', b.severity)
    set('severity_rank', SEVERITY_RANK[b.severity])
  }
  // score and risk_level are the scorer's (flushPending), from every term and not only this merge.
  if (a.tlp !== b.tlp) set('tlp', b.tlp)
  if (a.firstSeen !== b.firstSeen) set('first_seen', b.firstSeen)
  if (a.lastSeen !== b.lastSeen) set('last_seen', b.lastSeen)
  if (a.description !== b.description) set('description', b.description)
  if (a.tagsJson !== b.tagsJson) set('tags', b.tagsJson)
  if (a.mitreTacticsJson !== b.mitreTacticsJson) set('mitre_tactics', b.mitreTacticsJson)
  if (a.mitreTechniquesJson !== b.mitreTechniquesJson)
    set('mitre_techniques', b.mitreTechniquesJson)
  if (a.active !== b.active) set('active', b.active ? 1 : 0)
  if (a.falsePositive !== b.falsePositive) set('false_positive', b.falsePositive ? 1 : 0)
  if (a.enrichmentJson !== b.enrichmentJson) set('enrichment', b.enrichmentJson)
  if (a.projectId !== b.projectId) set('project_id', b.projectId)
  return [cols, vals]
}

/** The columns of a stored row the merge and the scorer read (SELECT_EXISTING). */
type ExistingRow = Omit<IndicatorRow, 'id' | 'severity_rank' | 'updated_at'> & {
  base_score: number | null
  score_terms: string | null
  risk_decided_by: string | null
  decay_from: string | null
  expires_at: string | null
  expired: number
  analyst_verdict: Verdict | null
  warninglist_hits: number
  url_score: number | null
  enrichment_signal: string | null
}

const toState = (e: ExistingRow): MergeState => ({
  classification: e.classification,
  confidence: e.confidence,
  severity: e.severity,
  score: e.score,
  tlp: e.tlp,
  firstSeen: e.first_seen,
  lastSeen: e.last_seen,
  description: e.description,
  tagsJson: e.tags,
  mitreTacticsJson: e.mitre_tactics,
  mitreTechniquesJson: e.mitre_techniques,
  active: e.active === 1,
  falsePositive: e.false_positive === 1,
  enrichmentJson: e.enrichment,
  projectId: e.project_id,
})

/**
 * dedupStrings' result without its copy and Set for the usual case, a short list that is already clean
 * (what the importer hands over, and most feed tag lists): the list itself is returned, it is only read.
 */
const cleanList = (items: readonly string[] | undefined): readonly string[] | undefined => {
  if (items === undefined || items.length === 0) return items
  if (items.length > 16) return dedupStrings(items)
  for (let i = 0; i < items.length; i++) {
    const s = items[i]
    if (s === '' || s.trim() !== s) return dedupStrings(items)
    for (let j = 0; j < i; j++) if (items[j] === s) return dedupStrings(items)
  }
  return items
}

const EMPTY_LIST = '[]'

/**
 * Rows normalised for the writer, flat: UPSERT_STRIDE values per row, in this order, null for "not given"
 * (the merge treats a missing field as "keep what is stored"):
 *   0 id, 1 type, 2 value, 3 classification, 4 confidence, 5 severity, 6 score, 7 tlp, 8 first_seen,
 *   9 last_seen, 10 description, 11 tags JSON, 12 MITRE tactics JSON, 13 MITRE techniques JSON,
 *   14 active (1/0), 15 false_positive (1/0), 16 enrichment JSON, 17 project id, 18 warninglist hits,
 *   19 warninglist matches JSON.
 * Flat because the rows cross a thread boundary (src/main/db/bulk-worker): V8's structured clone copies an
 * array of primitives several times faster than the same rows as objects (it writes every property name
 * of every object).
 */
export type PreparedRows = unknown[]
export const UPSERT_STRIDE = 20

/** Everything of an upsert that needs no database: the id, clamping, timestamps, list cleaning, JSON. */
export const prepareUpsertRows = (
  rows: readonly IndicatorUpsertRow[],
  refuseForeignId: (given: string, type: IocType, value: string, id: string) => never = (
    given,
    type,
    value,
    id,
  ) => {
    throw foreignIdError(given, type, value, id)
  },
  out: PreparedRows = [],
): PreparedRows => {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]
    const type = r.type
    const value = r.value
    const id = indicatorId(type, value)
    if (r.id !== undefined && r.id !== id) refuseForeignId(r.id, type, value, id)
    const tags = cleanList(r.tags)
    const mitreTactics = cleanList(r.mitreTactics)
    const mitreTechniques = cleanList(r.mitreTechniques)
    out.push(
      id,
      type,
      value,
      r.classification ?? null,
      clampScore(r.confidence) ?? null,
      r.severity ?? null,
      clampScore(r.score) ?? null,
      r.tlp ?? null,
      normalizeTimestamp(r.firstSeen),
      normalizeTimestamp(r.lastSeen),
      r.description === undefined
        ? null
        : r.description.length > MAX_DESCRIPTION
          ? r.description.slice(0, MAX_DESCRIPTION)
          : r.description,
      tags === undefined || tags.length === 0 ? null : JSON.stringify(tags),
      mitreTactics === undefined || mitreTactics.length === 0 ? null : JSON.stringify(mitreTactics),
      mitreTechniques === undefined || mitreTechniques.length === 0
        ? null
        : JSON.stringify(mitreTechniques),
      r.active === undefined ? null : r.active ? 1 : 0,
      r.falsePositive === undefined ? null : r.falsePositive ? 1 : 0,
      r.enrichment === undefined || r.enrichment === null ? null : JSON.stringify(r.enrichment),
      r.projectId ?? null,
      r.warninglistHits ?? null,
      r.warninglistMatches ?? null,
    )
  }
  return out
}

const listOf = (json: unknown): string[] | undefined =>
  json === null ? undefined : (JSON.parse(json as string) as string[])
const flagOf = (v: unknown): boolean | undefined => (v === null ? undefined : v === 1)

/** The merge's view of a prepared row (only built for rows that already exist). */
const mergeInputOf = (flat: PreparedRows, o: number): MergeInput => ({
  classification: (flat[o + 3] as Classification | null) ?? undefined,
  confidence: (flat[o + 4] as number | null) ?? undefined,
  severity: (flat[o + 5] as Severity | null) ?? undefined,
  score: (flat[o + 6] as number | null) ?? undefined,
  tlp: (flat[o + 7] as Tlp | null) ?? undefined,
  firstSeen: flat[o + 8] as string | null,
  lastSeen: flat[o + 9] as string | null,
  description: (flat[o + 10] as string | null) ?? undefined,
  tags: listOf(flat[o + 11]),
  mitreTactics: listOf(flat[o + 12]),
  mitreTechniques: listOf(flat[o + 13]),
  active: flagOf(flat[o + 14]),
  falsePositive: flagOf(flat[o + 15]),
  enrichmentJson: (flat[o + 16] as string | null) ?? undefined,
  projectId: flat[o + 17] as string | null,
})

const foreignIdError = (given: string, type: IocType, value: string, id: string): AppError =>
  new AppError(
    'invalid_input',
    `id ${given} is not the id of ${type} '${value}' (ids are UUIDv5 of type and value: ${id})`,
    { field: 'id', id: given, expected: id },
  )

/**
 * Refuses a caller-supplied id other than the deterministic one (it would let a (type, value) exist twice),
 * saying whether the id belongs to another indicator (conflict) or is simply wrong (invalid input).
 */
export const createForeignIdRefuser = (sqlite: BetterSqlite3.Database) => {
  const idTaken = sqlite.prepare<[string], number>('SELECT 1 FROM indicators WHERE id = ?').pluck()
  return (given: string, type: IocType, value: string, id: string): never => {
    if (idTaken.get(given) !== undefined) {
      throw new AppError('conflict', `Indicator id ${given} already belongs to another indicator`, {
        id: given,
      })
    }
    throw foreignIdError(given, type, value, id)
  }
}

const SCORE_BIT = ANALYST_FIELD.score

/** Per session: how the rows of a transaction are scored and where their pending updates wait. */
type ScoringSession = { scorer: IngestScorer; pending: PendingUpdates }

/** What a record itself tells the scorer about its source (facts: see score-record.ts). */
const factsOf = (
  flat: PreparedRows,
  o: number,
  source: RowSource | undefined,
  i: number,
): ScoreFacts => {
  const conf = flat[o + 4] as number | null
  // A score given with indicators.bulkCreate is the analyst's: it replaces the terms' sum.
  const as = flat[o + 6] as number | null
  if (source === undefined)
    return conf === null && as === null ? NO_FACTS : { ...NO_FACTS, conf, as }
  const ob = i * source.stride
  return {
    rel: source.reliability,
    conf,
    tt: boundName(source.observations[ob + 3]),
    mw: boundName(source.observations[ob + 4]),
    as,
  }
}

/** Parsed facts by their JSON: an import's rows share a few breakdowns, parsing each once is enough. */
const createFactsReader = () => {
  const cache = new Map<string, ScoreFacts>()
  return (json: string | null): ScoreFacts => {
    if (json === null) return NO_FACTS
    let f = cache.get(json)
    if (f === undefined) {
      f = parseStoredScore(json)?.facts ?? NO_FACTS
      if (cache.size >= 1024) cache.clear()
      cache.set(json, f)
    }
    return f
  }
}

export const createIndicatorBulkWriter = (sqlite: BetterSqlite3.Database): IndicatorBulkWriter => {
  const insert = sqlite.prepare(INSERT)
  const selectExisting = sqlite.prepare<[string], ExistingRow>(SELECT_EXISTING)
  const refuseForeignId = createForeignIdRefuser(sqlite)
  const maxRowid = sqlite.prepare<[], number | null>('SELECT max(rowid) FROM indicators').pluck()
  const addSighting = sqlite.prepare<[number, string, number]>(
    `UPDATE indicators SET source_count = source_count + ?, sighting_count = sighting_count + 1,
       updated_at = ? WHERE rowid = ?`,
  )
  const search = createSearchIndexWriter(sqlite)
  const hits = createWarninglistHitWriter(sqlite)
  const readFacts = createFactsReader()

  const scoringSession = (scoring: ScoringConfig, nowIso: string): ScoringSession => {
    const scorer = createIngestScorer(scoring, nowIso)
    return { scorer, pending: createPendingUpdates(sqlite, () => scorer, nowIso) }
  }

  const assertInTransaction = () => {
    if (!sqlite.inTransaction) {
      throw new Error(
        'upsertMany must run inside a transaction (use upsertBatch or sqlite.transaction)',
      )
    }
  }

  /** The scoring inputs of a row that already existed, after this record's merge. */
  const existingInputs = (
    e: ExistingRow,
    state: MergeState,
    flat: PreparedRows,
    o: number,
    facts: ScoreFacts,
    observed: boolean,
    nowIso: string,
  ): { inputs: RowScoreInputs; analystFields: number | null } => {
    const merged = mergeFacts(readFacts(e.score_terms), facts)
    const bits = facts.as !== null ? e.analyst_fields | SCORE_BIT : e.analyst_fields
    const lastSeen = flat[o + 9] as string | null
    const storedClock = e.decay_from ?? e.last_seen ?? e.created_at
    return {
      analystFields: bits === e.analyst_fields ? null : bits,
      inputs: {
        type: e.type,
        facts: merged,
        sourceCount: e.source_count,
        sightingCount: e.sighting_count,
        analystConfidence: e.analyst_fields & ANALYST_FIELD.confidence ? state.confidence : null,
        classification: state.classification,
        urlScore: e.url_score,
        enrichmentJson: e.enrichment_signal,
        warninglistHits: e.warninglist_hits,
        verdict: e.analyst_verdict ?? (state.falsePositive ? 'false_positive' : null),
        analystSeverity: e.analyst_fields & ANALYST_FIELD.severity ? state.severity : null,
        analystScore: bits & SCORE_BIT ? (merged.as ?? e.base_score) : null,
        // A source reporting it again restarts the clock (at its last seen, else now); an analyst's
        // re-import restarts it only with a later last seen.
        decayFrom:
          observed || lastSeen !== null
            ? restartedClock(storedClock, lastSeen, nowIso)
            : storedClock,
      },
    }
  }

  /**
   * Rows inserted since `firstNewRowid` are indexed later by search.indexFrom(firstNewRowid), with their
   * final text; only older rows whose searchable text changed are re-indexed here.
   */
  const upsertFlat = (
    flat: PreparedRows,
    nowIso: string,
    firstNewRowid: number,
    scoring: ScoringSession,
    observed = false,
    source?: RowSource,
  ): UpsertResult => {
    const sightings = observed ? 1 : 0
    const { scorer, pending } = scoring
    const n = flat.length / UPSERT_STRIDE
    const outcomes = new Array<UpsertOutcome>(n)
    const ids = new Array<string>(n)
    const rowids = new Array<number>(n)
    for (let i = 0, o = 0; i < n; i++, o += UPSERT_STRIDE) {
      const id = flat[o] as string
      const type = flat[o + 1] as IocType
      const value = flat[o + 2] as string
      const classification =
        (flat[o + 3] as Classification | null) ?? INDICATOR_DEFAULTS.classification
      const severity = (flat[o + 5] as Severity | null) ?? INDICATOR_DEFAULTS.severity
      const givenScore = flat[o + 6] as number | null
      const active = flat[o + 14] as number | null
      const falsePositive = flat[o + 15] === 1
      const hitCount = flat[o + 18] as number | null
      const matches = flat[o + 19] as string | null
      const facts = factsOf(flat, o, source, i)
      const sc = scorer.score({
        type,
        facts,
        sourceCount: sightings,
        sightingCount: sightings,
        analystConfidence: null,
        classification,
        urlScore: null,
        enrichmentJson: null,
        warninglistHits: hitCount ?? 0,
        verdict: falsePositive ? 'false_positive' : null,
        analystSeverity: null,
        analystScore: givenScore,
        decayFrom: restartedClock(null, flat[o + 9] as string | null, nowIso),
      })
      const inserted = insert.run(
        id,
        type,
        value,
        classification,
        flat[o + 4] ?? INDICATOR_DEFAULTS.confidence,
        severity,
        SEVERITY_RANK[severity],
        sc.score,
        sc.riskLevel,
        flat[o + 7] ?? INDICATOR_DEFAULTS.tlp,
        flat[o + 8],
        flat[o + 9],
        flat[o + 10] ?? '',
        flat[o + 11] ?? EMPTY_LIST,
        flat[o + 12] ?? EMPTY_LIST,
        flat[o + 13] ?? EMPTY_LIST,
        falsePositive ? 0 : (active ?? 1),
        falsePositive ? 1 : 0,
        flat[o + 16],
        flat[o + 17],
        sightings,
        sightings,
        givenScore === null ? 0 : SCORE_BIT,
        sc.baseScore,
        sc.termsJson,
        sc.riskDecidedBy,
        sc.decayFrom,
        sc.expiresAt,
        sc.expired ? 1 : 0,
        nowIso,
        nowIso,
        nowIso,
        hitCount ?? 0,
      )
      ids[i] = id
      if (inserted.changes === 1) {
        outcomes[i] = 'created'
        rowids[i] = Number(inserted.lastInsertRowid)
        if (matches !== null) hits.insert(id, rowids[i], matches, nowIso)
        continue
      }
      let existing = selectExisting.get(id)
      if (existing !== undefined && pending.has(existing.rowid)) {
        // The same indicator twice in one part: the second merges into the first, written.
        pending.flushOne(existing.rowid)
        existing = selectExisting.get(id)
      }
      if (existing === undefined || existing.type !== type || existing.value !== value) {
        // Only a UUIDv5 collision (or a row written around this module) can get here.
        throw new AppError('conflict', `Indicator id ${id} already belongs to another indicator`, {
          id,
        })
      }
      rowids[i] = existing.rowid
      const before = toState(existing)
      const next = mergeIndicator(before, mergeInputOf(flat, o), existing.analyst_fields)
      // Hits are a function of the value and the enabled lists: the latest check replaces the stored one.
      const hitsChanged = hitCount !== null && hitCount !== existing.warninglist_hits
      if (hitCount !== null && (hitsChanged || hitCount > 0)) {
        hits.replace(id, existing.rowid, matches, nowIso)
      }
      const state = next ?? before
      const [cols, vals] = next === null ? [[], []] : changedColumns(before, next)
      if (hitsChanged) {
        cols.push('warninglist_hits')
        vals.push(hitCount)
      }
      const { inputs, analystFields } = existingInputs(
        hitsChanged ? { ...existing, warninglist_hits: hitCount } : existing,
        state,
        flat,
        o,
        facts,
        observed,
        nowIso,
      )
      pending.add({
        rowid: existing.rowid,
        cols,
        vals,
        analystFields,
        sighted: false,
        inputs,
        stored: existing,
      })
      if (next === null && !hitsChanged) {
        outcomes[i] = 'unchanged'
        continue
      }
      if (next !== null && existing.rowid < firstNewRowid && searchTextChanged(before, next)) {
        search.changed(existing.rowid)
      }
      outcomes[i] = 'updated'
    }
    // Unobserved rows have no sightings to wait for.
    if (!observed) pending.flush()
    return { outcomes, ids, rowids }
  }

  const nextRowid = () => (maxRowid.get() ?? 0) + 1

  const upsertMany = (
    rows: readonly IndicatorUpsertRow[],
    nowIso: string,
    scoring: ScoringConfig = DEFAULT_SCORING,
  ): UpsertResult => {
    assertInTransaction()
    // Rows inserted by this call get rowids above this mark: the search index takes them in one
    // INSERT ... SELECT at the end, which is cheaper than a statement per row.
    const from = nextRowid()
    const result = upsertFlat(
      prepareUpsertRows(rows, refuseForeignId),
      nowIso,
      from,
      scoringSession(scoring, nowIso),
    )
    search.indexFrom(from)
    return result
  }

  const batch = sqlite.transaction(upsertMany)
  return {
    upsertMany,
    upsertBatch: (rows, nowIso, scoring) => batch(rows, nowIso, scoring),
    openSession: (nowIso, scoring = DEFAULT_SCORING) => {
      assertInTransaction()
      const from = nextRowid()
      const session = scoringSession(scoring, nowIso)
      return {
        add: (rows) => {
          assertInTransaction()
          return upsertFlat(prepareUpsertRows(rows, refuseForeignId), nowIso, from, session)
        },
        addPrepared: (flat, observed, source) => {
          assertInTransaction()
          return upsertFlat(flat, nowIso, from, session, observed, source)
        },
        sighted: (rowid, newSource, context) => {
          if (!session.pending.sighted(rowid, newSource)) {
            addSighting.run(newSource ? 1 : 0, nowIso, rowid)
          }
          if (context && rowid < from) search.changed(rowid)
        },
        flush: () => session.pending.flush(),
        close: () => {
          assertInTransaction()
          session.pending.flush()
          search.indexFrom(from)
        },
      }
    },
  }
}
