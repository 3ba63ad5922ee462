import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

// The seed threat-tracking service's threat and health routes at /api (threats are incidents). Tests that
// count start their own server; the rest share one. URL analysis: rest-analyze.test.ts.

type Json = Record<string, unknown>

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

const post = (url: string, body: unknown) => restCall(t, 'POST', url, body)
const get = (url: string) => restCall(t, 'GET', url)
const patch = (url: string, body: unknown) => restCall(t, 'PATCH', url, body)

const fieldOf = (body: Json | null) => (body?.details as Json | undefined)?.field

describe('POST /api/threats', () => {
  it('needs the token, like the rest of the API', async () => {
    const res = await t.server.app.inject({ method: 'GET', url: '/api/threats' })
    expect(res.statusCode).toBe(401)
    const health = await t.server.app.inject({ method: 'GET', url: '/api/health' })
    expect(health.statusCode).toBe(401)
  })

  it('400 without url, naming the field', async () => {
    const r = await post('/api/threats', { severity: 50 })
    expect(r.status).toBe(400)
    expect(fieldOf(r.body)).toBe('url')
    expect(r.body?.message).toMatch(/^url: required/)
    const empty = await restCall(t, 'POST', '/api/threats')
    expect(empty.status).toBe(400)
    expect(fieldOf(empty.body)).toBe('url')
  })

  it('400 for a URL that is not one, a severity out of range and an unknown field', async () => {
    const bad = await post('/api/threats', { url: 'mailto:a@b.example' })
    expect([bad.status, fieldOf(bad.body)]).toEqual([400, 'url'])
    const sev = await post('/api/threats', { url: 'http://a.example/', severity: 150 })
    expect([sev.status, fieldOf(sev.body)]).toEqual([400, 'severity'])
    const extra = await post('/api/threats', { url: 'http://a.example/', colour: 'red' })
    expect(extra.status).toBe(400)
    expect(extra.body?.message).toContain('colour')
  })

  it('201 with the threat in snake_case', async () => {
    const r = await post('/api/threats', {
      url: 'HTTP://Track-Me.example/Path',
      severity: 65,
      tags: ['phishing'],
      sources: ['analyst'],
      summary: 'reported by mail',
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      url: 'http://track-me.example/Path',
      severity: 65,
      tags: ['phishing'],
      sources: ['analyst'],
      status: 'open',
      occurrences: 1,
      summary: 'reported by mail',
      first_seen: expect.any(String),
      last_seen: expect.any(String),
      dedup_key: 'url:http://track-me.example/Path',
      indicator_id: null,
      project_id: null,
    })
    expect(Object.keys(r.body ?? {}).some((k) => /[A-Z]/.test(k))).toBe(false)
  })

  it('the same URL again is 200: one more occurrence, tags and sources merged, no duplicate', async () => {
    const first = await post('/api/threats', { url: 'http://again.example/x', tags: ['a'] })
    const second = await post('/api/threats', {
      url: 'http://again.example/x',
      tags: ['b'],
      sources: ['feed:urlhaus'],
    })
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({
      id: first.body?.id,
      occurrences: 2,
      tags: ['a', 'b'],
      sources: ['manual', 'feed:urlhaus'],
    })
    const list = await get('/api/threats?limit=1000')
    const urls = (list.body as unknown as Json[]).map((x) => x.url)
    expect(urls.filter((u) => u === 'http://again.example/x')).toHaveLength(1)
  })

  it('a resolved threat reported again is reopened', async () => {
    const { body } = await post('/api/threats', { url: 'http://reopen.example/' })
    await patch(`/api/threats/${String(body?.id)}`, { status: 'resolved' })
    const again = await post('/api/threats', { url: 'http://reopen.example/' })
    expect(again.body).toMatchObject({ id: body?.id, status: 'open', occurrences: 2 })
  })
})

describe('POST /api/threats by indicator', () => {
  it('tracks an indicator that is not a URL by its id; 404 for an unknown one', async () => {
    const ind = await t.core.call('indicators.create', { value: '198.51.100.44' })
    const r = await post('/api/threats', { indicator_id: ind.id, severity: 40 })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      url: null,
      indicator_id: ind.id,
      dedup_key: `indicator:${ind.id}`,
    })
    const again = await post('/api/threats', { indicator_id: ind.id })
    expect([again.status, again.body?.occurrences]).toEqual([200, 2])
    const unknown = await post('/api/threats', {
      indicator_id: '00000000-0000-4000-8000-000000000001',
    })
    expect([unknown.status, fieldOf(unknown.body)]).toEqual([404, 'indicator_id'])
  })
})

describe('GET /api/threats', () => {
  it('a bare array, most severe first, with the total in X-Total-Count', async () => {
    const own = await startTestServer()
    try {
      for (const [url, severity] of [
        ['http://low.example/', 10],
        ['http://high.example/', 90],
        ['http://mid.example/', 50],
      ] as const) {
        await restCall(own, 'POST', '/api/threats', { url, severity })
      }
      const r = await restCall(own, 'GET', '/api/threats?limit=2')
      expect(r.status).toBe(200)
      expect(Array.isArray(r.body)).toBe(true)
      expect((r.body as unknown as Json[]).map((x) => x.severity)).toEqual([90, 50])
      expect(r.res.headers['x-total-count']).toBe('3')
      const rest = await restCall(own, 'GET', '/api/threats?limit=2&offset=2')
      expect((rest.body as unknown as Json[]).map((x) => x.severity)).toEqual([10])
    } finally {
      await own.close()
    }
  })

  it('?status= filters; an unknown status is a 400 naming it', async () => {
    const { body } = await post('/api/threats', { url: 'http://to-resolve.example/' })
    await patch(`/api/threats/${String(body?.id)}`, { status: 'resolved' })
    const resolved = (await get('/api/threats?status=resolved')).body as unknown as Json[]
    expect(resolved.map((x) => x.url)).toContain('http://to-resolve.example/')
    expect(resolved.every((x) => x.status === 'resolved')).toBe(true)
    const open = (await get('/api/threats?status=open')).body as unknown as Json[]
    expect(open.every((x) => x.status === 'open')).toBe(true)
    expect(open.map((x) => x.url)).not.toContain('http://to-resolve.example/')
    const bad = await get('/api/threats?status=closed')
    expect(bad.status).toBe(400)
    expect(fieldOf(bad.body)).toMatch(/^status/)
  })
})

describe('GET and PATCH /api/threats/<id>', () => {
  it('GET returns the threat; 404 for an unknown id or one that cannot be an id', async () => {
    const { body } = await post('/api/threats', { url: 'http://get-me.example/' })
    const r = await get(`/api/threats/${String(body?.id)}`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual(body)
    expect((await get('/api/threats/00000000-0000-4000-8000-000000000001')).status).toBe(404)
    expect((await get('/api/threats/nope')).status).toBe(404)
  })

  it('PATCH adds tags (never drops them) and changes status and severity', async () => {
    const { body } = await post('/api/threats', {
      url: 'http://patch-me.example/',
      tags: ['one', 'two'],
    })
    const id = String(body?.id)
    const r = await patch(`/api/threats/${id}`, {
      status: 'escalated',
      severity: 88,
      tags: ['three'],
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      status: 'escalated',
      severity: 88,
      tags: ['one', 'two', 'three'],
    })
    const again = await patch(`/api/threats/${id}`, { tags: ['one'] })
    expect(again.body?.tags).toEqual(['one', 'two', 'three'])
    const removed = await patch(`/api/threats/${id}`, { remove_tags: ['two'] })
    expect(removed.body?.tags).toEqual(['one', 'three'])
  })

  it('PATCH adds sources too, and an empty patch changes nothing', async () => {
    const { body } = await post('/api/threats', { url: 'http://sources.example/', sources: ['a'] })
    const id = String(body?.id)
    const r = await patch(`/api/threats/${id}`, { sources: ['b', 'a'] })
    expect(r.body?.sources).toEqual(['a', 'b'])
    const same = await patch(`/api/threats/${id}`, {})
    expect(same.body).toEqual(r.body)
  })

  it('PATCH: 400 naming a bad status or severity, 404 for an unknown id', async () => {
    const { body } = await post('/api/threats', { url: 'http://patch-bad.example/' })
    const id = String(body?.id)
    const status = await patch(`/api/threats/${id}`, { status: 'closed' })
    expect([status.status, fieldOf(status.body)]).toEqual([400, 'status'])
    const sev = await patch(`/api/threats/${id}`, { severity: -1 })
    expect([sev.status, fieldOf(sev.body)]).toEqual([400, 'severity'])
    const unknown = await patch('/api/threats/00000000-0000-4000-8000-000000000001', {
      status: 'resolved',
    })
    expect(unknown.status).toBe(404)
    expect((await patch('/api/threats/nope', { status: 'resolved' })).status).toBe(404)
  })
})

describe('GET /api/threats with several statuses', () => {
  it('?status=open&status=escalated lists both', async () => {
    const own = await startTestServer()
    try {
      const a = await restCall(own, 'POST', '/api/threats', { url: 'http://s1.example/' })
      await restCall(own, 'POST', '/api/threats', { url: 'http://s2.example/' })
      const c = await restCall(own, 'POST', '/api/threats', { url: 'http://s3.example/' })
      await restCall(own, 'PATCH', `/api/threats/${String(a.body?.id)}`, { status: 'escalated' })
      await restCall(own, 'PATCH', `/api/threats/${String(c.body?.id)}`, { status: 'resolved' })
      const r = await restCall(own, 'GET', '/api/threats?status=open&status=escalated')
      const statuses = (r.body as unknown as Json[]).map((x) => x.status).sort()
      expect(statuses).toEqual(['escalated', 'open'])
      expect(r.res.headers['x-total-count']).toBe('2')
    } finally {
      await own.close()
    }
  })
})

describe('GET /api/health', () => {
  it('is ok and counts total, open and high-severity incidents', async () => {
    const own = await startTestServer()
    try {
      const before = await restCall(own, 'GET', '/api/health')
      expect(before.status).toBe(200)
      expect(before.body).toMatchObject({
        status: 'ok',
        version: expect.any(String),
        tracking: { total_incidents: 0, open_incidents: 0, high_severity_incidents: 0 },
      })
      const a = await restCall(own, 'POST', '/api/threats', {
        url: 'http://h1.example/',
        severity: 95,
      })
      await restCall(own, 'POST', '/api/threats', { url: 'http://h2.example/', severity: 20 })
      await restCall(own, 'PATCH', `/api/threats/${String(a.body?.id)}`, { status: 'resolved' })
      const after = await restCall(own, 'GET', '/api/health')
      expect(after.body?.tracking).toEqual({
        total_incidents: 2,
        open_incidents: 1,
        escalated_incidents: 0,
        resolved_incidents: 1,
        high_severity_incidents: 1,
      })
    } finally {
      await own.close()
    }
  })
})
