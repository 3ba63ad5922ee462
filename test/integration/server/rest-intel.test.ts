import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

// /api/v1/threat-actors, /campaigns, /vulnerabilities, /malware, /reports (the seed's intel routes),
// relationships and the graph: snake_case in and out, details included, each route bound to its kind.

type Json = Record<string, unknown>
let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

const CAMEL = /"[a-z]+[A-Z][A-Za-z]*":/

describe('REST intel collections', () => {
  it.each([
    [
      '/api/v1/threat-actors',
      { name: 'APT29', details: { actor_type: 'apt', origin_country: 'RU' } },
    ],
    ['/api/v1/campaigns', { name: 'SolarWinds', details: { target_sectors: ['it'] } }],
    [
      '/api/v1/vulnerabilities',
      { name: 'Citrix Bleed', details: { cve_id: 'CVE-2023-4966', cvss_score: 9.4 } },
    ],
    ['/api/v1/malware', { name: 'Sunburst', details: { malware_types: ['backdoor'] } }],
    ['/api/v1/reports', { name: 'Brief', severity: 'high', details: { content: '# x' } }],
  ])('%s: create (201), get, list, patch, delete (204), all in snake_case', async (base, body) => {
    const created = await restCall(t, 'POST', base, { ...body, first_seen: '2025-01-01T00:00:00Z' })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body).toMatchObject({ name: body.name, first_seen: '2025-01-01T00:00:00Z' })
    expect(created.body?.details).toMatchObject(body.details)
    expect(JSON.stringify(created.body)).not.toMatch(CAMEL)
    const id = String(created.body?.id)
    const got = await restCall(t, 'GET', `${base}/${id}`)
    expect(got.body).toEqual(created.body)
    const list = await restCall(t, 'GET', `${base}?q=${encodeURIComponent(body.name)}&limit=5`)
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ total: 1, next_cursor: null })
    expect((list.body?.items as Json[]).map((x) => x.id)).toEqual([id])
    expect(JSON.stringify(list.body)).not.toMatch(CAMEL)
    const patched = await restCall(t, 'PATCH', `${base}/${id}`, {
      description: 'edited',
      last_seen: '2025-02-01T00:00:00Z',
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ description: 'edited', last_seen: '2025-02-01T00:00:00Z' })
    expect((await restCall(t, 'DELETE', `${base}/${id}`)).status).toBe(204)
    expect((await restCall(t, 'GET', `${base}/${id}`)).status).toBe(404)
  })

  it('an id of another kind is 404 on every verb, and nothing changes', async () => {
    const actor = await restCall(t, 'POST', '/api/v1/threat-actors', { name: 'Kind check' })
    const id = String(actor.body?.id)
    expect((await restCall(t, 'GET', `/api/v1/malware/${id}`)).status).toBe(404)
    expect((await restCall(t, 'PATCH', `/api/v1/malware/${id}`, { description: 'x' })).status).toBe(
      404,
    )
    expect((await restCall(t, 'DELETE', `/api/v1/malware/${id}`)).status).toBe(404)
    expect((await restCall(t, 'GET', `/api/v1/threat-actors/${id}`)).body).toEqual(actor.body)
  })

  it('patches details in snake_case and names a bad field in the request terms', async () => {
    const v = await restCall(t, 'POST', '/api/v1/vulnerabilities', { name: 'Patchable' })
    const id = String(v.body?.id)
    const ok = await restCall(t, 'PATCH', `/api/v1/vulnerabilities/${id}`, {
      details: { exploited_in_the_wild: true },
    })
    expect(ok.body?.details).toMatchObject({ exploited_in_the_wild: true, cvss_score: null })
    const bad = await restCall(t, 'POST', '/api/v1/vulnerabilities', {
      name: 'Bad',
      details: { cvss_score: 12 },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('cvss_score')
    const dup = await restCall(t, 'POST', '/api/v1/vulnerabilities', { name: 'patchable' })
    expect(dup.status).toBe(409)
  })

  it('publishes a report, attaches indicators and lists its objects', async () => {
    const r = await restCall(t, 'POST', '/api/v1/reports', { name: 'To publish' })
    const id = String(r.body?.id)
    const pub = await restCall(t, 'POST', `/api/v1/reports/${id}/publish`)
    expect(pub.status).toBe(200)
    expect(pub.body?.details).toMatchObject({ published: true })
    expect((pub.body?.details as Json).published_at).toEqual(expect.any(String))
    const ind = await restCall(t, 'POST', '/api/v1/indicators', { value: '198.51.100.200' })
    const attached = await restCall(t, 'POST', `/api/v1/reports/${id}/objects`, {
      indicator_ids: [ind.body?.id],
    })
    expect(attached.body).toEqual({ added: 1, already_there: 0 })
    const objects = await restCall(t, 'GET', `/api/v1/reports/${id}/objects`)
    expect(objects.body).toMatchObject({ total: 1, items: [{ label: '198.51.100.200' }] })
    const linked = await restCall(t, 'GET', `/api/v1/reports/${id}/indicators`)
    expect((linked.body?.items as Json[]).map((x) => x.value)).toEqual(['198.51.100.200'])
    const detached = await restCall(t, 'POST', `/api/v1/reports/${id}/objects/detach`, {
      refs: [ind.body?.id],
    })
    expect(detached.body).toEqual({ removed: 1 })
  })
})

describe('REST relationships and graph', () => {
  it('creates (201, then 200 on merge), lists, walks and deletes an edge', async () => {
    const a = await restCall(t, 'POST', '/api/v1/threat-actors', { name: 'Edge actor' })
    const m = await restCall(t, 'POST', '/api/v1/malware', { name: 'Edge malware' })
    const edge = { source_ref: a.body?.id, target_ref: m.body?.id, relationship_type: 'uses' }
    const first = await restCall(t, 'POST', '/api/v1/relationships', edge)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ created: true, relationship: { relationship_type: 'uses' } })
    const again = await restCall(t, 'POST', '/api/v1/relationships', { ...edge, confidence: 80 })
    expect(again.status).toBe(200)
    const list = await restCall(t, 'GET', `/api/v1/relationships?ref=${String(a.body?.id)}`)
    expect((list.body?.items as Json[])[0]).toMatchObject({
      confidence: 80,
      target_node: { label: 'Edge malware', kind: 'malware' },
    })
    const n = await restCall(t, 'GET', `/api/v1/intel/${String(a.body?.id)}/neighbours?limit=10`)
    expect(n.body).toMatchObject({ truncated: false, nodes: [{ label: 'Edge malware' }] })
    const search = await restCall(t, 'GET', '/api/v1/intel/search?q=edge%20actor')
    expect((search.body?.items as Json[])[0]).toMatchObject({ ref: a.body?.id })
    const relId = String((first.body?.relationship as Json).id)
    expect((await restCall(t, 'DELETE', `/api/v1/relationships/${relId}`)).status).toBe(204)
    expect((await restCall(t, 'DELETE', `/api/v1/relationships/${relId}`)).status).toBe(404)
  })
})
