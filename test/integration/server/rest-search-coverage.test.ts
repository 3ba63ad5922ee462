import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

// /api/v1 answers a search with the seed's bare array; whether the search index saw every row travels in
// headers, so a client does not take "not found" from a rebuilding index for a final answer.

const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ type: 'domain' as const, value: `${prefix}${i}.example` }))

describe('REST search while the index is behind', () => {
  let t: TestServer
  beforeEach(async () => {
    t = await startTestServer()
    await t.core.call('indicators.bulkCreate', { items: items(50, 'seen') })
    await t.core.waitForIdle()
  })
  afterEach(async () => {
    await t.close()
  })

  it('says partial in headers, with how far the index has got, and complete otherwise', async () => {
    const complete = await restCall(t, 'GET', '/api/v1/indicators/search?q=seen7.example')
    expect(complete.status).toBe(200)
    expect((complete.body as unknown as { value: string }[]).map((i) => i.value)).toEqual([
      'seen7.example',
    ])
    expect(complete.res.headers['x-search-partial']).toBe('false')
    expect(complete.res.headers['x-search-indexed']).toBeUndefined()

    await t.core.search.stop()
    await t.core.call('indicators.bulkCreate', { items: items(30, 'unseen') })
    const behind = await restCall(t, 'GET', '/api/v1/indicators/search?q=unseen7.example')
    expect(behind.status).toBe(200)
    expect(behind.body).toEqual([])
    expect(behind.res.headers).toMatchObject({
      'x-search-partial': 'true',
      'x-search-indexed': '50',
      'x-search-total': '80',
    })
    // The list route's text filter searches too; without one, the index is not involved.
    const listed = await restCall(t, 'GET', '/api/v1/indicators?q=unseen7.example')
    expect(listed.res.headers['x-search-partial']).toBe('true')
    const plain = await restCall(t, 'GET', '/api/v1/indicators?limit=5')
    expect(plain.res.headers['x-search-partial']).toBeUndefined()
  })

  it('documents the headers in OpenAPI', async () => {
    const doc = await restCall(t, 'GET', '/api/openapi.json')
    const paths = (doc.body as { paths: Record<string, { get: Record<string, unknown> }> }).paths
    const ok = (paths['/api/v1/indicators/search']?.get.responses as Record<string, unknown>)['200']
    expect(Object.keys((ok as { headers: Record<string, unknown> }).headers)).toEqual([
      'X-Search-Partial',
      'X-Search-Indexed',
      'X-Search-Total',
    ])
  })
})
