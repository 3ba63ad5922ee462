import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REST_ROUTES } from '#server/rest.routes'
import { jsonOf, restCall, startTestServer, type TestServer } from './http-support'

type Json = Record<string, unknown>
type IndicatorJson = {
  id: string
  type: string
  value: string
  severity: string
  tags: string[]
} & Json

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  restCall(t, method, url, body)

describe('REST indicators', () => {
  let ip: IndicatorJson
  let domain: IndicatorJson

  it('creates with 201 and returns the indicator', async () => {
    const r = await req('POST', '/api/v1/indicators', {
      value: '203.0.113.5',
      severity: 'high',
      tags: ['c2'],
    })
    expect(r.status).toBe(201)
    ip = r.body as IndicatorJson
    expect(ip).toMatchObject({ type: 'ip', value: '203.0.113.5', severity: 'high', tags: ['c2'] })
    const d = await req('POST', '/api/v1/indicators', {
      value: 'evil-login.example.net',
      severity: 'low',
    })
    expect(d.status).toBe(201)
    domain = d.body as IndicatorJson
    expect(domain.type).toBe('domain')
  })

  it('refuses a duplicate with 409 and the error shape', async () => {
    const r = await req('POST', '/api/v1/indicators', { value: '203.0.113.5' })
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ code: 'conflict' })
    expect(typeof r.body?.message).toBe('string')
    expect(r.body).not.toHaveProperty('ok')
  })

  it('gets one by id and 404s an unknown id', async () => {
    const r = await req('GET', `/api/v1/indicators/${ip.id}`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ id: ip.id, value: '203.0.113.5' })
    const missing = await req('GET', '/api/v1/indicators/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 'not_found' })
  })

  it('rejects a malformed id naming the field', async () => {
    const r = await req('GET', '/api/v1/indicators/not-a-uuid')
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 'invalid_input' })
    expect(String(r.body?.message)).toContain('id')
  })

  it('lists with repeated and comma-separated arrays, numbers and sort', async () => {
    const both = await req('GET', '/api/v1/indicators?type=ip,domain&sort=value&dir=asc')
    expect(both.status).toBe(200)
    const items = (both.body?.items as IndicatorJson[]).map((i) => i.value)
    expect(items).toEqual(['203.0.113.5', 'evil-login.example.net'])
    expect(both.body?.nextCursor).toBeNull()

    const repeated = await req(
      'GET',
      '/api/v1/indicators?type=domain&type=ip&limit=1&sort=value&dir=desc',
    )
    expect((repeated.body?.items as IndicatorJson[]).map((i) => i.value)).toEqual([
      'evil-login.example.net',
    ])
    expect(typeof repeated.body?.nextCursor).toBe('string')

    const onlyHigh = await req('GET', '/api/v1/indicators?severity=high')
    expect((onlyHigh.body?.items as IndicatorJson[]).map((i) => i.id)).toEqual([ip.id])

    const tagged = await req('GET', '/api/v1/indicators?tag=c2&active=true')
    expect((tagged.body?.items as IndicatorJson[]).map((i) => i.id)).toEqual([ip.id])
  })

  it('names an unknown query parameter and a badly typed one', async () => {
    const unknown = await req('GET', '/api/v1/indicators?colour=red')
    expect(unknown.status).toBe(400)
    expect(String(unknown.body?.message)).toContain('colour')
    const badLimit = await req('GET', '/api/v1/indicators?limit=lots')
    expect(badLimit.status).toBe(400)
    expect(String(badLimit.body?.message)).toContain('limit')
    const badType = await req('GET', '/api/v1/indicators?type=ip,planet')
    expect(badType.status).toBe(400)
    expect(String(badType.body?.message)).toContain('filter.types')
  })

  it('searches, lists recent ones and counts', async () => {
    const s = await req('GET', '/api/v1/indicators/search?q=evil-login')
    expect(s.status).toBe(200)
    expect((s.body?.items as IndicatorJson[]).map((i) => i.id)).toEqual([domain.id])
    const recent = await req('GET', '/api/v1/indicators/recent?days=7')
    expect(recent.status).toBe(200)
    expect((recent.body?.items as IndicatorJson[]).length).toBe(2)
    const counts = await req('GET', '/api/v1/indicators/counts')
    expect(counts.status).toBe(200)
    expect(counts.body).toMatchObject({ total: 2, byType: { ip: 1, domain: 1 } })
  })

  it('patches, marks a false positive, reactivates and deletes', async () => {
    const p = await req('PATCH', `/api/v1/indicators/${ip.id}`, { description: 'C2 of the week' })
    expect(p.status).toBe(200)
    expect(p.body?.description).toBe('C2 of the week')

    const badPatch = await req('PATCH', `/api/v1/indicators/${ip.id}`, { colour: 'red' })
    expect(badPatch.status).toBe(400)
    expect(String(badPatch.body?.message)).toContain('colour')

    const fp = await req('POST', `/api/v1/indicators/${ip.id}/mark-false-positive`, {
      reason: 'CDN',
    })
    expect(fp.status).toBe(200)
    expect(fp.body).toMatchObject({ falsePositive: true, active: false })

    const act = await req('POST', `/api/v1/indicators/${ip.id}/activate`)
    expect(act.status).toBe(200)
    expect(act.body).toMatchObject({ falsePositive: false, active: true })

    const del = await req('DELETE', `/api/v1/indicators/${domain.id}`)
    expect(del.status).toBe(204)
    expect(del.res.body).toBe('')
    expect((await req('GET', `/api/v1/indicators/${domain.id}`)).status).toBe(404)
  })

  it('imports in bulk from JSON and from a text/plain body', async () => {
    const j = await req('POST', '/api/v1/indicators/bulk', {
      text: '198.51.100.7\n999.1.1.1\n',
      defaults: { severity: 'medium' },
    })
    expect(j.status).toBe(200)
    expect(j.body).toMatchObject({ total: 2, created: 1, rejected: 1 })
    expect((j.body?.rejects as { line: number }[])[0]?.line).toBe(2)

    const text = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/indicators/bulk',
      headers: { ...t.auth, 'content-type': 'text/plain' },
      payload: '198.51.100.8\n198.51.100.7\n',
    })
    expect(text.statusCode).toBe(200)
    expect(jsonOf(text.body)).toMatchObject({ created: 1, rejected: 0 })
  })
})

describe('REST projects', () => {
  it('runs the whole life cycle', async () => {
    const created = await req('POST', '/api/v1/projects', { name: 'Operation Dusk' })
    expect(created.status).toBe(201)
    const id = String(created.body?.id)
    expect(created.body).toMatchObject({ name: 'Operation Dusk', archived: false })

    expect((await req('POST', '/api/v1/projects', { name: 'Operation Dusk' })).status).toBe(409)
    expect((await req('GET', `/api/v1/projects/${id}`)).body).toMatchObject({ id })

    const renamed = await req('PATCH', `/api/v1/projects/${id}`, { name: 'Operation Dawn' })
    expect(renamed.body).toMatchObject({ name: 'Operation Dawn' })

    expect((await req('POST', `/api/v1/projects/${id}/archive`)).body).toMatchObject({
      archived: true,
    })
    const listed = await req('GET', '/api/v1/projects')
    expect((listed.body?.items as Json[]).map((p) => p.id)).not.toContain(id)
    const withArchived = await req('GET', '/api/v1/projects?includeArchived=true')
    expect((withArchived.body?.items as Json[]).map((p) => p.id)).toContain(id)
    expect((await req('POST', `/api/v1/projects/${id}/unarchive`)).body).toMatchObject({
      archived: false,
    })

    await req('POST', '/api/v1/indicators', { value: '192.0.2.44', projectId: id })
    const stats = await req('GET', `/api/v1/projects/${id}/stats`)
    expect(stats.status).toBe(200)
    expect(stats.body).toMatchObject({ projectId: id, indicatorCount: 1 })

    expect((await req('DELETE', `/api/v1/projects/${id}`)).status).toBe(204)
    expect((await req('GET', `/api/v1/projects/${id}`)).status).toBe(404)
  })
})

describe('route table', () => {
  it('has no two routes on the same verb and path, and every route is registered', async () => {
    const keys = REST_ROUTES.map((r) => `${r.verb} ${r.path}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const r of REST_ROUTES) {
      const url = `/api/v1${r.path.replace(':id', '00000000-0000-4000-8000-000000000000')}`
      expect(t.server.app.hasRoute({ method: r.verb, url: `/api/v1${r.path}` }), url).toBe(true)
    }
  })
})
