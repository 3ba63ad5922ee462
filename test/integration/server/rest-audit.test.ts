import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeEntry } from '#shared/contract/audit.contract'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

describe('REST audit', () => {
  it('records HTTP changes with transport http and the token fingerprint, and serves the log', async () => {
    expect((await restCall(t, 'POST', '/api/v1/projects', { name: 'Over HTTP' })).status).toBe(201)
    const ind = await restCall(t, 'POST', '/api/v1/indicators', { value: '203.0.113.80' })
    expect(ind.status).toBe(201)
    const id = String(ind.body?.id)
    expect(
      (await restCall(t, 'POST', `/api/v1/indicators/${id}/mark-false-positive`, { reason: 'lab' }))
        .status,
    ).toBe(200)

    const token = t.token
    const actor = `api:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`
    const all = await restCall(t, 'GET', '/api/v1/audit')
    expect(all.status).toBe(200)
    const items = (all.body as { items: ChangeEntry[] }).items
    // Marking a false positive also puts the value on the allowlist, in the same transaction.
    expect(items.map((e) => [e.entity, e.operation, e.transport, e.actor])).toEqual([
      ['allowlist', 'create', 'http', actor],
      ['indicator', 'mark_false_positive', 'http', actor],
      ['indicator', 'create', 'http', actor],
      ['project', 'create', 'http', actor],
    ])
    expect(JSON.stringify(items)).not.toContain(token)

    const fp = await restCall(t, 'GET', `/api/v1/audit?action=mark_false_positive&entity_id=${id}`)
    expect((fp.body as { items: ChangeEntry[] }).items.map((e) => e.changes.reason)).toEqual([
      'lab',
    ])
    const paged = await restCall(t, 'GET', '/api/v1/audit?entity=indicator&limit=1')
    expect((paged.body as { items: unknown[]; next_cursor: string }).next_cursor).toBe(
      String(items[1].seq),
    )
    expect((await restCall(t, 'GET', '/api/v1/audit?entity=nope')).status).toBe(400)

    const verify = await restCall(t, 'GET', '/api/v1/audit/verify')
    expect(verify.body).toMatchObject({ ok: true, checked: 4, broken_at: null })
    const csv = await restCall(t, 'GET', '/api/v1/audit/export?format=csv&entity=project')
    expect(csv.body).toMatchObject({ format: 'csv', count: 1 })
  })

  it('is documented in the OpenAPI document', async () => {
    const doc = await restCall(t, 'GET', '/api/openapi.json')
    const paths = (doc.body as { paths: Record<string, unknown> }).paths
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/api/v1/audit', '/api/v1/audit/verify', '/api/v1/audit/export']),
    )
  })
})
