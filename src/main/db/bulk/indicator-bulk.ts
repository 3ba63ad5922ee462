import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '../../../shared/contract/errors'
import {
  SEVERITY_RANK,
  riskLevelFromScore,
  type Classification,
  type IocType,
  type Severity,
  type Tlp,
} from '../../../shared/domain/enums'
import { indicatorId } from '../../indicators/indicator-id.node'
import {
  INDICATOR_DEFAULTS,
  dedupStrings,
  normalizeTimestamp,
} from '../../indicators/indicator-row'
import { createSearchIndexWriter } from './indicator-search-index'
import {
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
  /** Defaults to indicatorId(type, value); an existing row keeps its id. */
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
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged'

export type IndicatorBulkWriter = {
  /** Must be called inside a transaction the caller opened (sqlite.transaction(...)). Same order as rows. */
  upsertMany(
    rows: readonly IndicatorUpsertRow[],
    nowIso: string,
  ): { outcomes: UpsertOutcome[]; ids: string[] }
  /** Convenience: one transaction around upsertMany. */
  upsertBatch(
    rows: readonly IndicatorUpsertRow[],
    nowIso: string,
  ): { outcomes: UpsertOutcome[]; ids: string[] }
}

/** Feed text is hostile: a description longer than the contract allows analysts is cut, not stored. */
const MAX_DESCRIPTION = 20_000

const clampScore = (n: number | undefined): number | undefined =>
  n === undefined || !Number.isFinite(n) ? undefined : Math.min(100, Math.max(0, Math.round(n)))

// ON CONFLICT DO NOTHING covers both unique keys (the id and (type, value)): a new row costs one statement;
// only a conflicting one pays for the SELECT and the merge. Inserting first (rather than looking up first)
// saves a lookup per row on the common path of an import, new values.
const INSERT = `INSERT INTO indicators (
  id, type, value, classification, confidence, severity, severity_rank, score, risk_level, tlp,
  first_seen, last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive,
  enrichment, project_id, created_at, updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING`

const SELECT_EXISTING = `SELECT rowid, id, classification, confidence, severity, score, tlp, first_seen,
  last_seen, description, tags, mitre_tactics, mitre_techniques, active, false_positive, enrichment,
  project_id
FROM indicators WHERE type = ? AND value = ?`

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
  if (a.score !== b.score) {
    set('score', b.score)
    set('risk_level', riskLevelFromScore(b.score))
  }
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

type ExistingRow = {
  rowid: number
  id: string
  classification: Classification
  confidence: number
  severity: Severity
  score: number
  tlp: Tlp
  first_seen: string | null
  last_seen: string | null
  description: string
  tags: string
  mitre_tactics: string
  mitre_techniques: string
  active: number
  false_positive: number
  enrichment: string | null
  project_id: string | null
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

const toMergeInput = (r: IndicatorUpsertRow): MergeInput => ({
  classification: r.classification,
  confidence: clampScore(r.confidence),
  severity: r.severity,
  score: clampScore(r.score),
  tlp: r.tlp,
  firstSeen: normalizeTimestamp(r.firstSeen),
  lastSeen: normalizeTimestamp(r.lastSeen),
  description: r.description === undefined ? undefined : r.description.slice(0, MAX_DESCRIPTION),
  tags: r.tags === undefined ? undefined : dedupStrings(r.tags),
  mitreTactics: r.mitreTactics === undefined ? undefined : dedupStrings(r.mitreTactics),
  mitreTechniques: r.mitreTechniques === undefined ? undefined : dedupStrings(r.mitreTechniques),
  active: r.active,
  falsePositive: r.falsePositive,
  enrichmentJson:
    r.enrichment === undefined || r.enrichment === null ? undefined : JSON.stringify(r.enrichment),
  projectId: r.projectId,
})

const EMPTY_LIST = '[]'
const listJson = (items: readonly string[] | undefined): string =>
  items === undefined || items.length === 0 ? EMPTY_LIST : JSON.stringify(items)

export const createIndicatorBulkWriter = (sqlite: BetterSqlite3.Database): IndicatorBulkWriter => {
  const insert = sqlite.prepare(INSERT)
  const selectExisting = sqlite.prepare<[string, string], ExistingRow>(SELECT_EXISTING)
  const updates = new Map<string, BetterSqlite3.Statement>()
  const update = (rowid: number, cols: string[], vals: unknown[], nowIso: string) => {
    const key = cols.join(',')
    let st = updates.get(key)
    if (st === undefined) {
      st = sqlite.prepare(
        `UPDATE indicators SET ${cols.map((c) => `${c} = ?, `).join('')}updated_at = ? WHERE rowid = ?`,
      )
      updates.set(key, st)
    }
    st.run(...vals, nowIso, rowid)
  }
  const maxRowid = sqlite.prepare<[], number | null>('SELECT max(rowid) FROM indicators').pluck()
  const search = createSearchIndexWriter(sqlite)

  const upsertMany = (
    rows: readonly IndicatorUpsertRow[],
    nowIso: string,
  ): { outcomes: UpsertOutcome[]; ids: string[] } => {
    if (!sqlite.inTransaction) {
      throw new Error(
        'upsertMany must run inside a transaction (use upsertBatch or sqlite.transaction)',
      )
    }
    // Rows inserted by this call get rowids above this mark: the search index takes them in one
    // INSERT ... SELECT at the end, which is cheaper than a statement per row.
    const firstNewRowid = (maxRowid.get() ?? 0) + 1
    const outcomes = new Array<UpsertOutcome>(rows.length)
    const ids = new Array<string>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]
      const m = toMergeInput(r)
      const id = r.id ?? indicatorId(r.type, r.value)
      const falsePositive = m.falsePositive ?? false
      const score = m.score ?? INDICATOR_DEFAULTS.score
      const severity = m.severity ?? INDICATOR_DEFAULTS.severity
      const inserted = insert.run(
        id,
        r.type,
        r.value,
        m.classification ?? INDICATOR_DEFAULTS.classification,
        m.confidence ?? INDICATOR_DEFAULTS.confidence,
        severity,
        SEVERITY_RANK[severity],
        score,
        riskLevelFromScore(score),
        m.tlp ?? INDICATOR_DEFAULTS.tlp,
        m.firstSeen,
        m.lastSeen,
        m.description ?? '',
        listJson(m.tags),
        listJson(m.mitreTactics),
        listJson(m.mitreTechniques),
        falsePositive ? 0 : (m.active ?? true) ? 1 : 0,
        falsePositive ? 1 : 0,
        m.enrichmentJson ?? null,
        m.projectId ?? null,
        nowIso,
        nowIso,
      )
      if (inserted.changes === 1) {
        outcomes[i] = 'created'
        ids[i] = id
        continue
      }
      const existing = selectExisting.get(r.type, r.value)
      if (existing === undefined) {
        // The id is taken by a row with another (type, value): only a caller-supplied id can do that.
        throw new AppError('conflict', `Indicator id ${id} already belongs to another indicator`, {
          id,
        })
      }
      ids[i] = existing.id
      const before = toState(existing)
      const next = mergeIndicator(before, m)
      if (next === null) {
        outcomes[i] = 'unchanged'
        continue
      }
      const [cols, vals] = changedColumns(before, next)
      update(existing.rowid, cols, vals, nowIso)
      // A row created earlier in this call is indexed with its final text by indexFrom() below.
      if (existing.rowid < firstNewRowid && searchTextChanged(before, next)) {
        search.replace(existing.rowid, r.value, next.tagsJson, next.description)
      }
      outcomes[i] = 'updated'
    }
    search.indexFrom(firstNewRowid)
    return { outcomes, ids }
  }

  const batch = sqlite.transaction(upsertMany)
  return {
    upsertMany,
    upsertBatch: (rows, nowIso) => batch(rows, nowIso),
  }
}
