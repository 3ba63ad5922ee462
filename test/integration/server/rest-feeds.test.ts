import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  restCall(t, method, url, body)

describe('REST feeds', () => {
  it('lists the catalogue and adds a feed, never returning its secret', async () => {
    const cat = await req('GET', '/api/v1/feeds/catalogue')
    expect(cat.status).toBe(200)
    const items = cat.body?.items as { key: string }[]
    expect(items.length).toBeGreaterThan(5)

    const created = await req('POST', '/api/v1/feeds', {
      name: 'team list',
      format: 'text',
      url: 'https://intel.example.com/list.txt',
      auth: { kind: 'header', name: 'Auth-Key', value: 'super-secret-key' },
    })
    expect(created.status).toBe(201)
    expect(JSON.stringify(created.body)).not.toContain('super-secret-key')
    const id = created.body?.id as string

    const listed = await req('GET', '/api/v1/feeds')
    expect((listed.body?.items as { id: string }[]).map((f) => f.id)).toContain(id)
    expect(JSON.stringify(listed.body)).not.toContain('super-secret-key')

    const patched = await req('PATCH', `/api/v1/feeds/${id}`, { enabled: false })
    expect(patched.status).toBe(200)
    expect(patched.body?.enabled).toBe(false)

    expect((await req('DELETE', `/api/v1/feeds/${id}`)).status).toBe(204)
    expect((await req('GET', `/api/v1/feeds/${id}`)).status).toBe(404)
  })

  it('imports dropped text, shows the run with its rejects and the observations', async () => {
    const run = await req('POST', '/api/v1/feeds/import', {
      content: '203.0.113.77\n1.2.3.999\nevil-rest.example\nfoo-rest.example\n',
      file_name: 'list.txt',
      format: 'text',
    })
    expect(run.status).toBe(200)
    expect(run.body).toMatchObject({ status: 'succeeded', created: 3, rejected: 1 })

    const detail = await req('GET', `/api/v1/feeds/runs/${run.body?.id as string}`)
    expect(detail.status).toBe(200)
    expect((detail.body?.rejects as { line: number }[]).map((r) => r.line)).toEqual([2])

    const history = await req('GET', '/api/v1/feeds/runs')
    expect((history.body?.items as { id: string }[])[0]?.id).toBe(run.body?.id)

    const found = await req('GET', '/api/v1/indicators/search?q=evil-rest')
    const indicator = (found.body as unknown as { id: string }[])[0]
    expect(indicator).toBeDefined()
    const obs = await req('GET', `/api/v1/indicators/${indicator.id}/observations`)
    expect(obs.status).toBe(200)
    expect(obs.body?.total).toBe(1)
  })

  it('imports a CSV with a column mapping over the RPC route and the REST route', async () => {
    const content = 'host;labels;score\nrest-mapped.example;c2;70\nrest-short.example\n'
    const mapping = { valueColumn: 'host', tagsColumn: 'labels', confidenceColumn: 'score' }
    const rpc = await req('POST', '/api/rpc/feeds.importText', {
      content,
      fileName: 'export.txt',
      mapping,
    })
    expect(rpc.status).toBe(200)
    expect(rpc.body).toMatchObject({
      ok: true,
      value: { format: 'generic-csv', created: 1, rejected: 1 },
    })
    const rest = await req('POST', '/api/v1/feeds/import', {
      content,
      file_name: 'export.txt',
      format: 'generic-csv',
      mapping: { value_column: 'host', tags_column: 'labels', confidence_column: 'score' },
    })
    expect(rest.status).toBe(200)
    expect(rest.body).toMatchObject({ format: 'generic-csv', unchanged: 1, rejected: 1 })
    const detail = await req('GET', `/api/v1/feeds/runs/${rest.body?.id as string}`)
    expect(detail.body?.rejects).toEqual([
      { line: 3, value: 'rest-short.example', reason: 'expected 3 fields, got 1' },
    ])
    const got = await req('GET', '/api/v1/indicators/search?q=rest-mapped')
    expect((got.body as unknown as unknown[])[0]).toMatchObject({ tags: ['c2'], confidence: 70 })

    const bad = await req('POST', '/api/rpc/feeds.importText', {
      content,
      fileName: 'export.txt',
      mapping: { valueColumn: 'host', colourColumn: 'labels' },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('colourColumn')
  })

  it('names the field when a feed is invalid', async () => {
    const bad = await req('POST', '/api/v1/feeds', {
      name: 'x',
      format: 'text',
      url: 'http://127.0.0.1:9/x',
      schedule: 'every day',
    })
    expect(bad.status).toBe(400)
    expect(bad.body?.code).toBe('invalid_input')
    expect(String(bad.body?.message)).toContain('schedule')
  })
})

describe('local paths over HTTP', () => {
  it('refuses to import or add a feed from a path on the server, naming why', async () => {
    const file = await req('POST', '/api/rpc/feeds.importFile', {
      path: '/etc/passwd',
      format: 'text',
    })
    expect(file.status).toBe(403)
    expect(file.body).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(JSON.stringify(file.body)).toContain('not offered over HTTP')

    const feed = await req('POST', '/api/v1/feeds', {
      name: 'passwd',
      format: 'text',
      path: '/etc/passwd',
    })
    expect(feed.status).toBe(403)
    expect(feed.body?.code).toBe('forbidden')
    expect((await req('GET', '/api/v1/feeds')).body?.items).toEqual([])
  })
})
