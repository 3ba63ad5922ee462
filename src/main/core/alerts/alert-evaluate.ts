import type BetterSqlite3 from 'better-sqlite3'
import type {
  AlertCondition,
  AlertNotice,
  AlertRule,
  ENRICHMENT_VERDICT_LEVELS,
} from '#shared/contract/alerts.contract'
import { SEVERITY_RANK, assertNever } from '#shared/domain/enums'

/**
 * Rule evaluation, set-based: one INSERT ... SELECT per enabled rule over the indicators in scope (the rows a
 * batch or a call just created or changed), upserting on the alert's dedup key. A new match inserts an open
 * alert; a match whose open (or acknowledged) alert exists bumps its trigger_count and last_triggered_at,
 * but only when the indicator changed since the alert last triggered, so evaluating the same indicator
 * twice (a re-imported batch, overlapping scopes) never counts twice and never storms.
 */

/** Which indicators to evaluate: those changed at or after a batch's write time, or named ones. */
export type EvaluationScope = { since: string } | { ids: readonly string[] }

/** What made the indicators change, recorded in each alert's triggered_by. */
export type TriggerVia =
  | { kind: 'batch'; method: string; actor: string; transport: string; runId: string | null }
  | { kind: 'change'; change: 'created' | 'updated' }
  | { kind: 'enrichment'; scanJobId: string | null }

export type EvaluationResult = {
  created: number
  retriggered: number
  /** The first new alerts, for the trigger event and notifications. */
  notices: AlertNotice[]
  /** Every new alert's id, by rule, for the rules that open an incident. */
  incidentCandidates: Map<string, string[]>
  /** rowid bound: new alerts have rowid > this. */
  firstRowidAfter: number
}

/** Severity of an indicator on the alerts' 0-100 scale, when the rule fixes none: the worse of the two. */
const INDICATOR_SEVERITY_SQL = `max(i.score, CASE i.severity WHEN 'critical' THEN 90 WHEN 'high' THEN 70
  WHEN 'medium' THEN 50 WHEN 'low' THEN 30 ELSE 10 END)`

/** A random RFC 4122 version 4 UUID, made by SQLite per row (no JavaScript call per inserted alert). */
const UUID_V4_SQL = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
  substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
  substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`

/** The levels at or above a rule's minimum, as SQL literals (from the fixed enum, never from input). */
const LEVELS_SQL: Record<(typeof ENRICHMENT_VERDICT_LEVELS)[number], string> = {
  suspicious: "'suspicious', 'malicious'",
  malicious: "'malicious'",
}

/**
 * How many verdicts in indicators.enrichment_signal (the engine's JSON, enrichment-signal.ts) are at the
 * level or worse, at least @p. The signal is read, never trusted: CASE keeps json_each and json_extract off
 * a value that is not JSON, or a verdict that is not an object, so one bad row cannot fail a whole batch's
 * evaluation.
 */
const enrichmentVerdictSql = (minLevel: (typeof ENRICHMENT_VERDICT_LEVELS)[number]) =>
  `CASE WHEN json_valid(i.enrichment_signal) THEN (
    SELECT count(*) FROM json_each(i.enrichment_signal, '$.verdicts') v
    WHERE CASE WHEN v.type = 'object' THEN json_extract(v.value, '$.level') END IN (${LEVELS_SQL[minLevel]})
  ) ELSE 0 END >= @p`

/** What an enrichment rule's alert records of what matched: the signal's verdicts (null when none). */
const ENRICHMENT_MATCHED_SQL = `, 'enrichment', CASE WHEN json_valid(i.enrichment_signal)
  THEN json_extract(i.enrichment_signal, '$.verdicts') END`

/** The rule's predicate over `i` (indicators) and its one parameter. */
export const conditionSql = (c: AlertCondition): { sql: string; param?: string | number } => {
  switch (c.kind) {
    case 'score':
      return { sql: 'i.score >= @p', param: c.minScore }
    case 'severity':
      return { sql: 'i.severity_rank >= @p', param: SEVERITY_RANK[c.minSeverity] }
    case 'tag':
      return { sql: 'EXISTS (SELECT 1 FROM json_each(i.tags) t WHERE t.value = @p)', param: c.tag }
    case 'malware':
      // Observations are keyed by the indicator's rowid on SQLite (migration 0002).
      return {
        sql: `EXISTS (SELECT 1 FROM observations o WHERE o.indicator_rowid = i.rowid
          AND lower(o.malware) = lower(@p))`,
        param: c.malware,
      }
    case 'project':
      return { sql: 'i.project_id = @p', param: c.projectId }
    case 'warninglist_miss':
      // New: created by the very change being evaluated (an update moves updated_at past created_at).
      return { sql: 'i.created_at = i.updated_at AND i.warninglist_hits = 0' }
    case 'enrichment_verdict':
      return { sql: enrichmentVerdictSql(c.minLevel), param: c.minProviders }
    default:
      return assertNever(c, 'alert rule kind')
  }
}

/**
 * The scope, with its index forced: left to itself the planner may walk a rule's own column (every indicator
 * with a high score, every one of a project) instead of the few rows the batch changed.
 */
const scopeSql = (scope: EvaluationScope): { from: string; where: string } =>
  'since' in scope
    ? { from: 'indicators i INDEXED BY IDX_indicators_updated_at', where: 'i.updated_at >= @since' }
    : {
        from: 'indicators i INDEXED BY sqlite_autoindex_indicators_1',
        where: 'i.id IN (SELECT value FROM json_each(@ids))',
      }

/**
 * The rule's upsert over the scope. The scope's index (IDX_indicators_updated_at for a batch, the primary
 * key for named ids) drives it; the query-plan test holds it to that.
 */
export const ruleSql = (rule: AlertRule, scope: EvaluationScope): string => {
  const cond = conditionSql(rule.condition)
  const suppress = rule.suppressWarninglisted ? ' AND i.warninglist_hits = 0' : ''
  const within = scopeSql(scope)
  return `INSERT INTO alerts (id, rule_id, title, severity, score, status, indicator_id, triggered_by,
         dedup_key, trigger_count, last_triggered_at, created_at, updated_at, webhook_status)
       SELECT ${UUID_V4_SQL}, @ruleId, @titlePrefix || i.type || ' ' || substr(i.value, 1, 200),
         coalesce(@alertSeverity, ${INDICATOR_SEVERITY_SQL}), i.score, 'open', i.id,
         json_object('rule', json(@ruleJson), 'via', json(@viaJson), 'matched', json_object(
           'indicatorId', i.id, 'type', i.type, 'value', substr(i.value, 1, 500), 'score', i.score,
           'severity', i.severity, 'tags', json(i.tags), 'projectId', i.project_id,
           'warninglistHits', i.warninglist_hits, 'changedAt', i.updated_at${
             rule.condition.kind === 'enrichment_verdict' ? ENRICHMENT_MATCHED_SQL : ''
           })),
         'rule:' || @ruleId || ':indicator:' || i.id, 1, i.updated_at, @now, @now, @webhook
       FROM ${within.from}
       WHERE ${within.where} AND (${cond.sql})${suppress}
         AND i.false_positive = 0 AND coalesce(i.analyst_verdict, '') <> 'false_positive'
       ON CONFLICT (dedup_key) DO UPDATE SET trigger_count = alerts.trigger_count + 1,
         last_triggered_at = excluded.last_triggered_at, updated_at = excluded.updated_at,
         score = excluded.score, severity = excluded.severity
       WHERE excluded.last_triggered_at > alerts.last_triggered_at`
}

const ruleStatement = (
  sqlite: BetterSqlite3.Database,
  rule: AlertRule,
  scope: EvaluationScope,
) => ({
  stmt: sqlite.prepare(ruleSql(rule, scope)),
  param: conditionSql(rule.condition).param,
})

const MAX_ROWID_SQL = 'SELECT coalesce(max(rowid), 0) FROM alerts'

/**
 * Evaluates the rules over the scope and writes the alerts. Runs inside the caller's transaction (on the
 * write queue); returns what it did.
 */
export const evaluateRules = (
  sqlite: BetterSqlite3.Database,
  rules: readonly AlertRule[],
  scope: EvaluationScope,
  opts: { nowIso: string; via: TriggerVia; webhookPending: boolean; noticeMax: number },
): EvaluationResult => {
  const before = sqlite.prepare<[], number>(MAX_ROWID_SQL).pluck().get() ?? 0
  let created = 0
  let retriggered = 0
  const incidentCandidates = new Map<string, string[]>()
  const viaJson = JSON.stringify(opts.via)
  for (const rule of rules) {
    const { stmt, param } = ruleStatement(sqlite, rule, scope)
    const ruleBefore = sqlite.prepare<[], number>(MAX_ROWID_SQL).pluck().get() ?? 0
    const info = stmt.run({
      ruleId: rule.id,
      titlePrefix: `${rule.name}: `,
      alertSeverity: rule.alertSeverity,
      ruleJson: JSON.stringify({ id: rule.id, name: rule.name, condition: rule.condition }),
      viaJson,
      now: opts.nowIso,
      webhook: opts.webhookPending ? 'pending' : null,
      ...('since' in scope ? { since: scope.since } : { ids: JSON.stringify(scope.ids) }),
      ...(param === undefined ? {} : { p: param }),
    })
    // New alerts append (rowid past the previous maximum); a re-trigger updates a row in place.
    const inserted =
      sqlite
        .prepare<[number], number>('SELECT count(*) FROM alerts WHERE rowid > ?')
        .pluck()
        .get(ruleBefore) ?? 0
    created += inserted
    retriggered += info.changes - inserted
    if (rule.openIncident && inserted > 0) {
      incidentCandidates.set(
        rule.id,
        sqlite
          .prepare<[number], string>('SELECT id FROM alerts WHERE rowid > ? ORDER BY rowid')
          .pluck()
          .all(ruleBefore),
      )
    }
  }
  const notices = sqlite
    .prepare<
      [number, number],
      {
        id: string
        title: string
        severity: number
        ruleId: string | null
        indicatorId: string | null
      }
    >(
      `SELECT id, title, severity, rule_id AS ruleId, indicator_id AS indicatorId FROM alerts
       WHERE rowid > ? ORDER BY severity DESC, rowid LIMIT ?`,
    )
    .all(before, opts.noticeMax)
  return { created, retriggered, notices, incidentCandidates, firstRowidAfter: before }
}
