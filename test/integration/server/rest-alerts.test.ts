import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

// /api/v1/alerts and /api/v1/alert-rules: snake_case in and out like the other v1 routes, one alert by
// path or several by `ids`.

type Json = Record<string, unknown>
let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

const CAMEL = /"[a-z]+[A-Z][A-Za-z]*":/

describe('REST alerts', () => {
  let ruleId = ''
  let alertIds: string[] = []

  it('creates a rule in snake_case (201), lists rules as an array, refuses a bad one naming the field', async () => {
    const r = await restCall(t, 'POST', '/api/v1/alert-rules', {
      name: 'Watched tag',
      condition: { kind: 'tag', tag: 'apt29' },
      alert_severity: 80,
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      name: 'Watched tag',
      enabled: true,
      suppress_warninglisted: true,
      open_incident: false,
      alert_severity: 80,
      condition: { kind: 'tag', tag: 'apt29' },
    })
    ruleId = String(r.body?.id)
    const score = await restCall(t, 'POST', '/api/v1/alert-rules', {
      name: 'Score',
      condition: { kind: 'score', min_score: 90 },
    })
    expect(score.status).toBe(201)
    expect(score.body?.condition).toEqual({ kind: 'score', min_score: 90 })
    const bad = await restCall(t, 'POST', '/api/v1/alert-rules', {
      name: 'Bad',
      condition: { kind: 'score', min_score: 900 },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('min_score')
    const rules = await restCall(t, 'GET', '/api/v1/alert-rules')
    expect((rules.body as unknown as Json[]).map((x) => x.name)).toEqual(['Score', 'Watched tag'])
  })

  it('lists triggered alerts with next_cursor and total, filtered and paged', async () => {
    await restCall(t, 'POST', '/api/v1/indicators/bulk', {
      indicators: [
        { value: 'one.evil-c2.net', tags: ['apt29'] },
        { value: 'two.evil-c2.net', tags: ['apt29'] },
        { value: 'three.evil-c2.net', tags: ['apt29'] },
      ],
    })
    await t.core.waitForIdle()
    const page = await restCall(t, 'GET', `/api/v1/alerts?status=open&rule_id=${ruleId}&limit=2`)
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ total: 3 })
    const items = page.body?.items as Json[]
    expect(items).toHaveLength(2)
    expect(items[0]).toMatchObject({
      status: 'open',
      severity: 80,
      rule_id: ruleId,
      trigger_count: 1,
    })
    // triggered_by is data (what fired, as recorded), like an indicator's enrichment: its keys stay.
    expect(JSON.stringify({ ...items[0], triggered_by: null })).not.toMatch(CAMEL)
    const rest = await restCall(
      t,
      'GET',
      `/api/v1/alerts?rule_id=${ruleId}&limit=2&cursor=${String(page.body?.next_cursor)}`,
    )
    expect((rest.body?.items as Json[]).length).toBe(1)
    expect(rest.body?.next_cursor).toBeNull()
    alertIds = [...items, ...(rest.body?.items as Json[])].map((a) => String(a.id))
    const one = await restCall(t, 'GET', `/api/v1/alerts/${alertIds[0]}`)
    expect(one.body).toMatchObject({ id: alertIds[0], triggered_by: { rule: { id: ruleId } } })
  })

  it('acknowledges, assigns and resolves, by path or in bulk', async () => {
    const [a, b, c] = alertIds
    const ack = await restCall(t, 'POST', `/api/v1/alerts/${a}/acknowledge`)
    expect(ack.body).toMatchObject({ changed: 1, items: [{ status: 'acknowledged' }] })
    const assign = await restCall(t, 'POST', '/api/v1/alerts/assign', {
      ids: [a, b],
      assignee: 'analyst-1',
    })
    expect(assign.body).toMatchObject({ changed: 2 })
    const mine = await restCall(t, 'GET', '/api/v1/alerts?assignee=analyst-1')
    expect(mine.body?.total).toBe(2)
    const resolve = await restCall(t, 'POST', `/api/v1/alerts/${c}/resolve`, { note: 'benign' })
    expect(resolve.body).toMatchObject({ items: [{ status: 'resolved' }] })
    const bulk = await restCall(t, 'POST', '/api/v1/alerts/resolve', { ids: [a, b, c] })
    expect(bulk.body).toMatchObject({ changed: 2 })
    const open = await restCall(t, 'GET', '/api/v1/alerts?status=open&status=acknowledged')
    expect(open.body?.total).toBe(0)
    const unknown = await restCall(t, 'POST', '/api/v1/alerts/acknowledge', {
      ids: ['00000000-0000-4000-8000-00000000dead'],
    })
    expect(unknown.status).toBe(404)
    const neither = await restCall(t, 'POST', '/api/v1/alerts/acknowledge', {})
    expect(neither.status).toBe(400)
  })

  it('changes and deletes a rule (204); its alerts stay', async () => {
    const patched = await restCall(t, 'PATCH', `/api/v1/alert-rules/${ruleId}`, { enabled: false })
    expect(patched.body).toMatchObject({ enabled: false })
    const del = await restCall(t, 'DELETE', `/api/v1/alert-rules/${ruleId}`)
    expect(del.status).toBe(204)
    const all = await restCall(t, 'GET', '/api/v1/alerts')
    expect(all.body?.total).toBe(3)
    expect((all.body?.items as Json[]).every((x) => x.rule_id === null)).toBe(true)
  })

  it('reads and sets the alert settings; the webhook secret is never answered', async () => {
    const r = await restCall(t, 'PATCH', '/api/v1/alert-settings', {
      notifications: false,
      webhook: {
        url: 'https://hooks.example.com/threateye',
        secret: 'sixteen-characters-at-least',
      },
    })
    expect(r.body).toEqual({
      notifications: false,
      webhook: { url: 'https://hooks.example.com/threateye', has_secret: true },
    })
    const got = await restCall(t, 'GET', '/api/v1/alert-settings')
    expect(JSON.stringify(got.body)).not.toContain('sixteen')
    const loopback = await restCall(t, 'PATCH', '/api/v1/alert-settings', {
      webhook: { url: 'http://127.0.0.1:9/hook', secret: null },
    })
    expect(loopback.status).toBe(403)
  })
})
