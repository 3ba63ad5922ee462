import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

const LIST = JSON.stringify({
  name: 'REST hosts',
  description: 'over HTTP',
  version: 3,
  type: 'hostname',
  list: ['rest-list.net'],
})

describe('REST warninglists and allowlist', () => {
  it('imports, lists, checks, switches and removes lists under /api/v1/warninglists', async () => {
    const imported = await restCall(t, 'POST', '/api/v1/warninglists/import', {
      files: [
        { name: 'rest/list.json', content: LIST },
        { name: 'bad/list.json', content: '{"name": "x", "type": "cidr"}' },
      ],
    })
    expect(imported.status).toBe(200)
    const body = imported.body as {
      imported: { id: string; name: string; entry_count: number }[]
      errors: { file: string; field: string }[]
    }
    expect(body.imported).toEqual([expect.objectContaining({ name: 'REST hosts', entry_count: 1 })])
    expect(body.errors.map((e) => [e.file, e.field])).toEqual(
      expect.arrayContaining([['bad/list.json', 'description']]),
    )
    const id = body.imported[0].id

    const list = await restCall(t, 'GET', '/api/v1/warninglists')
    expect((list.body as { items: { name: string }[] }).items.map((l) => l.name)).toContain(
      'REST hosts',
    )
    const check = await restCall(t, 'GET', '/api/v1/warninglists/check?value=www.rest-list.net')
    expect(check.body).toMatchObject({
      results: [{ type: 'domain', hits: [{ list_name: 'REST hosts', entry: 'rest-list.net' }] }],
    })
    const many = await restCall(t, 'POST', '/api/v1/warninglists/check', {
      values: [{ value: '10.1.1.1' }, { value: '45.67.89.10' }],
    })
    expect(
      (many.body as { results: { hits: unknown[] }[] }).results.map((r) => r.hits.length),
    ).toEqual([1, 0])

    const off = await restCall(t, 'PATCH', `/api/v1/warninglists/${id}`, { enabled: false })
    expect(off.body).toMatchObject({ id, enabled: false })
    const ind = await restCall(t, 'POST', '/api/v1/indicators', { value: '10.2.2.2' })
    const rescan = await restCall(t, 'POST', '/api/v1/warninglists/rescan', {})
    // Created by hand, it got its hit at once: the rescan has nothing to change.
    expect(rescan.body).toMatchObject({ scanned: 1, with_hits: 1, changed: 0 })
    const hits = await restCall(
      t,
      'GET',
      `/api/v1/indicators/${String(ind.body?.id)}/warninglist-hits`,
    )
    expect(hits.body).toMatchObject({ hits: [{ entry: '10.0.0.0/8' }], allowlisted: false })

    expect((await restCall(t, 'DELETE', `/api/v1/warninglists/${id}`)).status).toBe(204)
    expect(
      (await restCall(t, 'DELETE', '/api/v1/warninglists/builtin:rfc1918-private-ipv4')).status,
    ).toBe(400)
  })

  it('keeps the allowlist under /api/v1/allowlist', async () => {
    const added = await restCall(t, 'POST', '/api/v1/allowlist', {
      value: 'allowed.rest-list.net',
      reason: 'ours',
    })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ type: 'domain', value: 'allowed.rest-list.net' })
    const all = await restCall(t, 'GET', '/api/v1/allowlist?type=domain')
    expect(all.body).toMatchObject({ total: 1, items: [{ reason: 'ours' }] })
    expect(
      (await restCall(t, 'DELETE', `/api/v1/allowlist/${String(added.body?.id)}`)).status,
    ).toBe(204)
    expect((await restCall(t, 'GET', '/api/v1/allowlist')).body).toMatchObject({ total: 0 })
  })
})
