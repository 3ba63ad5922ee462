import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REST_ROUTES } from '#server/rest.routes'
import { jsonOf, restCall, startTestServer, type TestServer } from './http-support'

// /api/v1 is the seed platform's API: snake_case in and out, its query parameters, lists as arrays.

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

const req = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
  const r = await restCall(t, method, url, body)
  return { ...r, json: r.body as unknown }
}
const list = (json: unknown) => json as IndicatorJson[]
const CAMEL = /"[a-z]+[A-Z][A-Za-z]*":/

describe('REST indicators (snake_case)', () => {
  let ip: IndicatorJson
  let domain: IndicatorJson

  it('creates with 201, snake_case in and out', async () => {
    const r = await req('POST', '/api/v1/indicators', {
      value: '203.0.113.5',
      severity: 'high',
      tags: ['c2'],
      mitre_tactics: ['TA0011'],
      mitre_techniques: ['T1071.001'],
      first_seen: '2026-01-01T00:00:00.000Z',
      last_seen: '2026-01-10T00:00:00.000Z',
    })
    expect(r.status).toBe(201)
    ip = r.body as IndicatorJson
    expect(ip).toMatchObject({
      type: 'ip',
      value: '203.0.113.5',
      severity: 'high',
      tags: ['c2'],
      mitre_tactics: ['TA0011'],
      mitre_techniques: ['T1071.001'],
      first_seen: '2026-01-01T00:00:00.000Z',
      last_seen: '2026-01-10T00:00:00.000Z',
      false_positive: false,
      active: true,
      project_id: null,
    })
    expect(Object.keys(ip)).toEqual(
      expect.arrayContaining(['created_at', 'updated_at', 'risk_level']),
    )
    expect(JSON.stringify(ip)).not.toMatch(CAMEL)
    const d = await req('POST', '/api/v1/indicators', {
      value: 'evil-login.example.net',
      severity: 'low',
    })
    expect(d.status).toBe(201)
    domain = d.body as IndicatorJson
    expect(domain.type).toBe('domain')
  })

  it('refuses a camelCase field, naming the snake_case one', async () => {
    const r = await req('POST', '/api/v1/indicators', { value: '203.0.113.6', mitreTactics: [] })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 'invalid_input', details: { field: 'mitreTactics' } })
    expect(String(r.body?.message)).toContain('mitre_tactics')
  })

  it('names a bad field in snake_case', async () => {
    const r = await req('POST', '/api/v1/indicators', {
      value: '203.0.113.6',
      first_seen: 'yesterday',
    })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 'invalid_input', details: { field: 'first_seen' } })
    expect(String(r.body?.message)).toMatch(/^first_seen: /)
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
    expect(r.body).toMatchObject({ id: ip.id, value: '203.0.113.5', mitre_tactics: ['TA0011'] })
    const missing = await req('GET', '/api/v1/indicators/00000000-0000-4000-8000-000000000000')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 'not_found' })
  })

  it('rejects a malformed id naming the field', async () => {
    const r = await req('GET', '/api/v1/indicators/not-a-uuid')
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 'invalid_input', details: { field: 'id' } })
  })

  it('lists as an array with type_filter, limit, offset, sort and the other filters', async () => {
    const all = await req('GET', '/api/v1/indicators?sort=value&dir=asc')
    expect(all.status).toBe(200)
    expect(list(all.json).map((i) => i.value)).toEqual(['203.0.113.5', 'evil-login.example.net'])

    const byType = await req('GET', '/api/v1/indicators?type_filter=domain')
    expect(list(byType.json).map((i) => i.id)).toEqual([domain.id])
    const paged = await req('GET', '/api/v1/indicators?sort=value&dir=asc&limit=1&offset=1')
    expect(list(paged.json).map((i) => i.value)).toEqual(['evil-login.example.net'])
    const past = await req('GET', '/api/v1/indicators?limit=1&offset=5')
    expect(past.json).toEqual([])

    const onlyHigh = await req('GET', '/api/v1/indicators?severity=high')
    expect(list(onlyHigh.json).map((i) => i.id)).toEqual([ip.id])
    const tagged = await req('GET', '/api/v1/indicators?tag=c2&score_min=0')
    expect(list(tagged.json).map((i) => i.id)).toEqual([ip.id])
    const seen = await req('GET', '/api/v1/indicators?last_seen_from=2026-01-05T00:00:00Z')
    expect(list(seen.json).map((i) => i.id)).toEqual([ip.id])
    const byLastSeen = await req('GET', '/api/v1/indicators?sort=last_seen&dir=desc')
    expect(list(byLastSeen.json)[0]?.id).toBe(ip.id)
  })

  it('names an unknown query parameter and a badly typed one', async () => {
    const unknown = await req('GET', '/api/v1/indicators?colour=red')
    expect(unknown.status).toBe(400)
    expect(String(unknown.body?.message)).toContain('colour')
    const badLimit = await req('GET', '/api/v1/indicators?limit=lots')
    expect(badLimit.status).toBe(400)
    expect(badLimit.body).toMatchObject({ details: { field: 'limit' } })
    const badType = await req('GET', '/api/v1/indicators?type_filter=ip,planet')
    expect(badType.status).toBe(400)
    expect(badType.body).toMatchObject({ details: { field: 'type_filter[1]' } })
    const badOffset = await req('GET', '/api/v1/indicators?offset=-1')
    expect(badOffset.status).toBe(400)
    expect(badOffset.body).toMatchObject({ details: { field: 'offset' } })
    const badProject = await req('GET', '/api/v1/indicators?project_id=nope')
    expect(badProject.body).toMatchObject({ details: { field: 'project_id' } })
    const badSort = await req('GET', '/api/v1/indicators?sort=lastSeen')
    expect(badSort.body).toMatchObject({ details: { field: 'sort' } })
  })

  it('searches, lists recent ones (arrays) and counts', async () => {
    const s = await req('GET', '/api/v1/indicators/search?q=evil-login')
    expect(s.status).toBe(200)
    expect(list(s.json).map((i) => i.id)).toEqual([domain.id])
    const recent = await req('GET', '/api/v1/indicators/recent?days=7')
    expect(recent.status).toBe(200)
    expect(list(recent.json)).toHaveLength(2)
    const counts = await req('GET', '/api/v1/indicators/counts')
    expect(counts.status).toBe(200)
    expect(counts.body).toMatchObject({ total: 2, by_type: { ip: 1, domain: 1 } })
  })

  it('patches in snake_case, marks a false positive, reactivates and deletes', async () => {
    const p = await req('PATCH', `/api/v1/indicators/${ip.id}`, {
      description: 'C2 of the week',
      mitre_techniques: ['T1105'],
    })
    expect(p.status).toBe(200)
    expect(p.body).toMatchObject({ description: 'C2 of the week', mitre_techniques: ['T1105'] })

    const badPatch = await req('PATCH', `/api/v1/indicators/${ip.id}`, { confidence: 101 })
    expect(badPatch.status).toBe(400)
    expect(badPatch.body).toMatchObject({ details: { field: 'confidence' } })

    const fp = await req('POST', `/api/v1/indicators/${ip.id}/mark-false-positive`)
    expect(fp.status).toBe(200)
    expect(fp.body).toMatchObject({ false_positive: true, active: false })
    // active_only (default true) leaves false positives out, active_only=false brings them back.
    expect(list((await req('GET', '/api/v1/indicators')).json).map((i) => i.id)).toEqual([
      domain.id,
    ])
    const everything = await req('GET', '/api/v1/indicators?active_only=false')
    expect(list(everything.json)).toHaveLength(2)
    const onlyFp = await req('GET', '/api/v1/indicators?false_positive=true')
    expect(list(onlyFp.json).map((i) => i.id)).toEqual([ip.id])

    const act = await req('POST', `/api/v1/indicators/${ip.id}/activate`)
    expect(act.status).toBe(200)
    expect(act.body).toMatchObject({ false_positive: false, active: true })

    const del = await req('DELETE', `/api/v1/indicators/${domain.id}`)
    expect(del.status).toBe(204)
    expect(del.res.body).toBe('')
    expect((await req('GET', `/api/v1/indicators/${domain.id}`)).status).toBe(404)
  })

  it('still takes a text/plain list on the bulk route', async () => {
    const text = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/indicators/bulk',
      headers: { ...t.auth, 'content-type': 'text/plain' },
      payload: '198.51.100.8\n198.51.100.7\n999.1.1.1\n',
    })
    expect(text.statusCode).toBe(201)
    expect(jsonOf(text.body)).toMatchObject({ created_count: 2, created: 2, rejected: 1 })
  })
})

describe('REST projects (snake_case, tags, settings)', () => {
  it('runs the whole life cycle', async () => {
    const created = await req('POST', '/api/v1/projects', {
      name: 'Operation Dusk',
      description: 'Tracking infrastructure',
      tags: ['apt', 'russia'],
      settings: { defaultTlp: 'amber', alerting: { minScore: 70 } },
    })
    expect(created.status).toBe(201)
    const id = String(created.body?.id)
    expect(created.body).toMatchObject({
      name: 'Operation Dusk',
      tags: ['apt', 'russia'],
      // The keys of settings are the caller's data: never renamed.
      settings: { defaultTlp: 'amber', alerting: { minScore: 70 } },
      archived: false,
    })
    expect(Object.keys(created.body ?? {})).toEqual(
      expect.arrayContaining(['created_at', 'updated_at']),
    )

    expect((await req('POST', '/api/v1/projects', { name: 'Operation Dusk' })).status).toBe(409)
    expect((await req('GET', `/api/v1/projects/${id}`)).body).toMatchObject({ id })

    const renamed = await req('PATCH', `/api/v1/projects/${id}`, {
      name: 'Operation Dawn',
      tags: ['apt'],
    })
    expect(renamed.body).toMatchObject({ name: 'Operation Dawn', tags: ['apt'] })
    const taken = await req('POST', '/api/v1/projects', { name: 'Other' })
    const clash = await req('PATCH', `/api/v1/projects/${String(taken.body?.id)}`, {
      name: 'Operation Dawn',
    })
    expect(clash.status).toBe(409)
    expect(clash.body).toMatchObject({ code: 'conflict', details: { field: 'name' } })

    expect((await req('POST', `/api/v1/projects/${id}/archive`)).body).toMatchObject({
      archived: true,
    })
    const listed = await req('GET', '/api/v1/projects')
    expect((listed.json as Json[]).map((p) => p.id)).not.toContain(id)
    const withArchived = await req('GET', '/api/v1/projects?include_archived=true')
    expect((withArchived.json as Json[]).map((p) => p.id)).toContain(id)
    expect((await req('POST', `/api/v1/projects/${id}/unarchive`)).body).toMatchObject({
      archived: false,
    })
    // The seed's PATCH also archives.
    expect((await req('PATCH', `/api/v1/projects/${id}`, { archived: true })).body).toMatchObject({
      archived: true,
    })

    await req('POST', '/api/v1/indicators', {
      value: '192.0.2.44',
      project_id: id,
      severity: 'high',
    })
    const stats = await req('GET', `/api/v1/projects/${id}/stats`)
    expect(stats.status).toBe(200)
    expect(stats.body).toMatchObject({
      project_id: id,
      total_indicators: 1,
      active_count: 1,
      false_positive_count: 0,
      recent_activity_count: 1,
      risk_score: expect.any(Number) as number,
      by_type: { ip: 1 },
      by_severity: { high: 1 },
    })
    const mine = await req('GET', `/api/v1/indicators?project_id=${id}`)
    expect(list(mine.json).map((i) => i.value)).toEqual(['192.0.2.44'])

    expect((await req('DELETE', `/api/v1/projects/${id}`)).status).toBe(204)
    expect((await req('GET', `/api/v1/projects/${id}`)).status).toBe(404)
  })

  it('bounds settings: a JSON object, not too deep, not too big', async () => {
    const notObject = await req('POST', '/api/v1/projects', { name: 'S1', settings: [1, 2] })
    expect(notObject.status).toBe(400)
    expect(notObject.body).toMatchObject({ details: { field: 'settings' } })
    let deep: unknown = 1
    for (let i = 0; i < 12; i++) deep = { d: deep }
    const tooDeep = await req('POST', '/api/v1/projects', { name: 'S2', settings: deep })
    expect(tooDeep.status).toBe(400)
    expect(String(tooDeep.body?.message)).toMatch(/^settings: nested deeper than 8 levels/)
    const tooBig = await req('POST', '/api/v1/projects', {
      name: 'S3',
      settings: { notes: 'x'.repeat(20_000) },
    })
    expect(tooBig.status).toBe(400)
    expect(String(tooBig.body?.message)).toMatch(/^settings: .*bytes/)
  })
})

describe('route table', () => {
  it('has no two routes on the same verb and path, and every route is registered', () => {
    const keys = REST_ROUTES.map((r) => `${r.verb} ${r.path}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const r of REST_ROUTES) {
      expect(t.server.app.hasRoute({ method: r.verb, url: `/api/v1${r.path}` }), r.path).toBe(true)
    }
  })
})
