import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueCountSql, queuePageSql, type QueueKey } from '#core/triage/triage-queue'
import { openTestCore, queryPlan, type TestCore } from '../db/core-fixture'

// The queue's plans at 100,000 open alerts: each branch is a walk of its partial index (migration 0015) in
// the queue's order, stopping at the page's limit; only the two short branch results are sorted together.

const OPEN_ALERTS = 100_000
const OPEN_INCIDENTS = 5_000
let t: TestCore

beforeAll(async () => {
  t = await openTestCore()
  const db = t.core.db.sqlite
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()
  const uuid = (n: number, tag: string) =>
    `00000000-0000-4000-8${tag}-${n.toString(16).padStart(12, '0')}`
  // Rows straight in: the plan is the subject here (the queue's behaviour is tested through the core).
  const alert = db.prepare(
    `INSERT INTO alerts (id, title, severity, score, status, dedup_key, last_triggered_at, created_at,
       updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const incident = db.prepare(
    `INSERT INTO incidents (id, url, dedup_key, severity, status, first_seen, last_seen, created_at,
       updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  db.transaction(() => {
    for (let i = 0; i < OPEN_ALERTS + 20_000; i++) {
      const status = i >= OPEN_ALERTS ? 'resolved' : i % 5 === 0 ? 'acknowledged' : 'open'
      const id = uuid(i, '000')
      alert.run(
        id,
        `alert ${i}`,
        (i * 7) % 101,
        i % 3 === 0 ? null : (i * 13) % 101,
        status,
        id,
        at(i),
        at(i),
        at(i),
      )
    }
    for (let i = 0; i < OPEN_INCIDENTS; i++) {
      const id = uuid(i, '001')
      const url = `http://x${i}.example/`
      incident.run(
        id,
        url,
        `url:${url}`,
        (i * 11) % 101,
        i % 2 ? 'open' : 'escalated',
        at(i),
        at(i),
        at(i),
        at(i),
      )
    }
  })()
}, 120_000)
afterAll(async () => t?.dispose())

const planOf = (q: { sql: string; params: unknown[] } | null) => {
  if (q === null) throw new Error('the filter left no branch')
  return queryPlan(t.core, q.sql, q.params).join('\n')
}

/**
 * The steps that sort: each must sort a branch's page (a scan of its subquery, at most the limit's rows) for
 * the merge, never a table's rows.
 */
const sortedSteps = (plan: string): string[] => {
  const lines = plan.split('\n')
  return lines.flatMap((l, i) => (l.includes('USE TEMP B-TREE') ? [lines[i - 1] ?? ''] : []))
}
const sortsOnlyPages = (plan: string) =>
  sortedSteps(plan).every((step) => step.startsWith('SCAN (subquery'))

describe('triage queue plans at 100,000 open items', () => {
  it('the first page walks both partial indexes in order, without sorting a branch', () => {
    const plan = planOf(queuePageSql({}, null, 101))
    expect(plan).toMatch(/alerts USING INDEX IDX_alerts_triage/)
    expect(plan).toMatch(/incidents USING INDEX IDX_incidents_triage/)
    expect(plan).toMatch(/MERGE \(UNION ALL\)/)
    expect(sortsOnlyPages(plan)).toBe(true)
    expect(plan).not.toMatch(/SCAN (alerts|incidents)(?! USING)/)
  })

  it('a page deep down seeks with the cursor on the same indexes', () => {
    const cursor: QueueKey = { kind: 'alert', id: 'x', severity: 40, rank: 20, at: '2026-01-01' }
    const plan = planOf(queuePageSql({}, cursor, 101))
    expect(plan).toMatch(/SEARCH alerts USING INDEX IDX_alerts_triage \(severity<\?\)/)
    expect(plan).toMatch(/SEARCH incidents USING INDEX IDX_incidents_triage \(severity<\?\)/)
    expect(sortsOnlyPages(plan)).toBe(true)
  })

  it('a severity floor and a status choice keep the index walks', () => {
    const plan = planOf(queuePageSql({ minSeverity: 70, status: ['open'] }, null, 101))
    expect(plan).toMatch(/SEARCH alerts USING INDEX IDX_alerts_triage \(severity>\?\)/)
    expect(plan).toMatch(/SEARCH incidents USING INDEX IDX_incidents_triage \(severity>\?\)/)
    expect(sortsOnlyPages(plan)).toBe(true)
  })

  it('the total counts over an index, never the table', () => {
    const plan = planOf(queueCountSql({}))
    expect(plan).toMatch(/alerts USING COVERING INDEX/)
    expect(plan).toMatch(/incidents USING COVERING INDEX/)
  })

  it('answers with the whole queue counted and a full first page', async () => {
    const page = await t.core.call('triage.list', { filter: {}, limit: 100 })
    expect(page.total).toBe(OPEN_ALERTS + OPEN_INCIDENTS)
    expect(page.items).toHaveLength(100)
    expect(page.items[0]?.severity).toBe(100)
  })
})
