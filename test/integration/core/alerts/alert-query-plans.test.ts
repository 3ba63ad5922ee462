import { afterEach, describe, expect, it } from 'vitest'
import type { AlertCondition, AlertRule } from '#shared/contract/alerts.contract'
import { ruleSql, type EvaluationScope } from '#core/alerts/alert-evaluate'
import { alertFilterSql } from '#core/alerts/alerts.repository'
import { openTestCore, type TestCore } from '../db/core-fixture'

// The statements alerts run at scale use the intended indexes: a batch's evaluation walks the indicators
// it changed (never the whole table, whatever the rule), the open queue walks its index in order.

let t: TestCore
afterEach(async () => t?.dispose())

const NOW = '2026-01-15T10:00:00.000Z'
const ID = '00000000-0000-4000-8000-000000000001'

const rule = (condition: AlertCondition): AlertRule => ({
  id: ID,
  name: 'r',
  enabled: true,
  condition,
  suppressWarninglisted: true,
  openIncident: false,
  alertSeverity: null,
  createdAt: NOW,
  updatedAt: NOW,
})

const CONDITIONS: AlertCondition[] = [
  { kind: 'score', minScore: 80 },
  { kind: 'severity', minSeverity: 'high' },
  { kind: 'tag', tag: 'c2' },
  { kind: 'malware', malware: 'qakbot' },
  { kind: 'project', projectId: ID },
  { kind: 'warninglist_miss' },
  { kind: 'enrichment_verdict', minLevel: 'suspicious', minProviders: 1 },
]

const planOf = (sql: string, params: Record<string, unknown>): string =>
  (t.core.db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ')

const params = (scope: EvaluationScope) => ({
  ruleId: ID,
  titlePrefix: 'r: ',
  alertSeverity: null,
  ruleJson: '{}',
  viaJson: '{}',
  now: NOW,
  webhook: null,
  p: 1,
  ...('since' in scope ? { since: NOW } : { ids: JSON.stringify([ID]) }),
})

describe('alert query plans', () => {
  it('a batch evaluation of every rule kind is driven by IDX_indicators_updated_at', async () => {
    t = await openTestCore()
    for (const c of CONDITIONS) {
      const scope = { since: NOW }
      const r = rule(c)
      const sql = ruleSql(r, scope)
      const p = params(scope)
      const plan = planOf(sql, c.kind === 'warninglist_miss' ? { ...p, p: undefined } : p)
      expect(plan, c.kind).toMatch(/SEARCH i USING INDEX IDX_indicators_updated_at/)
      if (c.kind === 'malware') expect(plan).toMatch(/UQ_observations_indicator_source/)
    }
  })

  it('an evaluation of named indicators looks each up by primary key', async () => {
    t = await openTestCore()
    const scope = { ids: [ID] }
    const plan = planOf(ruleSql(rule({ kind: 'score', minScore: 80 }), scope), params(scope))
    expect(plan).toMatch(/SEARCH i USING INDEX sqlite_autoindex_indicators_1 \(id=\?\)/)
  })

  it('the open queue is an index walk in severity order, and its total an index count', async () => {
    t = await openTestCore()
    const { where, params: p } = alertFilterSql({ status: ['open'], minSeverity: 50 })
    const page = planOf(
      `SELECT id FROM alerts WHERE ${where} ORDER BY severity DESC, created_at DESC, rowid DESC LIMIT 100`,
      p,
    )
    expect(page).toMatch(/SEARCH alerts USING INDEX IDX_alerts_status_severity/)
    expect(page).not.toMatch(/TEMP B-TREE/)
    expect(planOf(`SELECT count(*) FROM alerts WHERE ${where}`, p)).toMatch(
      /USING COVERING INDEX IDX_alerts_status_severity/,
    )
  })
})
