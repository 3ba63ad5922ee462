import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonOf, startTestServer, type TestServer } from './http-support'

// The seed platform's own curl examples, sent as curl sends them (-X, -H 'Content-Type', -d '<json text>'),
// with nothing changed but the host.

type Json = Record<string, unknown>

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

/** `curl -X <verb> <url> -H "Content-Type: application/json" -d '<data>'` */
const curl = async (verb: string, url: string, data?: string) => {
  const res = await t.server.app.inject({
    method: verb as 'GET',
    url,
    headers: {
      ...t.auth,
      ...(data === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(data === undefined ? {} : { payload: data }),
  })
  return { status: res.statusCode, json: res.body ? jsonOf(res.body) : null }
}

describe("the seed's curl examples", () => {
  let projectId = ''

  it('creates a project', async () => {
    const r = await curl(
      'POST',
      '/api/v1/projects',
      `{
    "name": "APT28 Campaign Analysis",
    "description": "Tracking APT28 infrastructure",
    "tags": ["apt", "russia"]
  }`,
    )
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      name: 'APT28 Campaign Analysis',
      description: 'Tracking APT28 infrastructure',
      tags: ['apt', 'russia'],
      settings: {},
      archived: false,
    })
    projectId = (r.json as Json).id as string
  })

  it('creates an indicator', async () => {
    const r = await curl(
      'POST',
      '/api/v1/indicators',
      `{
    "type": "ip",
    "value": "192.0.2.1",
    "classification": "malicious",
    "confidence": 95,
    "severity": "high",
    "tags": ["apt28", "phishing"],
    "mitre_techniques": ["T1071.001"]
  }`,
    )
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      type: 'ip',
      value: '192.0.2.1',
      classification: 'malicious',
      confidence: 95,
      severity: 'high',
      tags: ['apt28', 'phishing'],
      mitre_techniques: ['T1071.001'],
      false_positive: false,
    })
  })

  it('adds an indicator to the project', async () => {
    const r = await curl(
      'POST',
      '/api/v1/indicators',
      `{
    "project_id": "${projectId}",
    "type": "domain",
    "value": "apt28-login.example.com",
    "classification": "malicious",
    "confidence": 95,
    "severity": "high"
  }`,
    )
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ project_id: projectId, type: 'domain' })
  })

  it('creates a hash indicator', async () => {
    const r = await curl(
      'POST',
      '/api/v1/indicators',
      `{"value":"44d88612fea8a8f36de82e1278abb02f","type":"hash","project_id":"${projectId}"}`,
    )
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      type: 'md5',
      value: '44d88612fea8a8f36de82e1278abb02f',
      project_id: projectId,
    })
  })

  it('bulk creates', async () => {
    const r = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      `{
    "project_id": "${projectId}",
    "indicators": [
      {"type": "ip", "value": "192.0.2.10", "classification": "malicious"},
      {"type": "domain", "value": "evil.example.com", "classification": "malicious"},
      {"type": "hash", "value": "d41d8cd98f00b204e9800998ecf8427e", "classification": "malicious"}
    ]
  }`,
    )
    expect(r.status).toBe(201)
    const body = r.json as { created_count: number; indicators: Json[] } & Json
    expect(body.created_count).toBe(3)
    expect(body).toMatchObject({ total: 3, created: 3, rejected: 0, rejects: [] })
    expect(body.indicators.map((i) => [i.type, i.value, i.project_id])).toEqual([
      ['ip', '192.0.2.10', projectId],
      ['domain', 'evil.example.com', projectId],
      ['md5', 'd41d8cd98f00b204e9800998ecf8427e', projectId],
    ])
    expect(body.indicators.every((i) => i.classification === 'malicious')).toBe(true)
  })

  it('searches', async () => {
    const r = await curl('GET', '/api/v1/indicators/search?q=192.0.2')
    expect(r.status).toBe(200)
    expect((r.json as Json[]).map((i) => i.value).sort()).toEqual(['192.0.2.1', '192.0.2.10'])
  })

  it('lists with the seed parameters', async () => {
    const r = await curl(
      'GET',
      `/api/v1/indicators?project_id=${projectId}&type_filter=md5&active_only=true&limit=100&offset=0`,
    )
    expect(r.status).toBe(200)
    expect((r.json as Json[]).map((i) => i.value)).toEqual([
      'd41d8cd98f00b204e9800998ecf8427e',
      '44d88612fea8a8f36de82e1278abb02f',
    ])
    const recent = await curl('GET', '/api/v1/indicators/recent?days=7')
    expect((recent.json as Json[]).length).toBe(6)
  })

  it('gets the project statistics', async () => {
    const r = await curl('GET', `/api/v1/projects/${projectId}/stats`)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      total_indicators: 5,
      recent_activity_count: 5,
      by_type: { domain: 2, ip: 1, md5: 2 },
    })
  })
})

describe('"type": "hash"', () => {
  const digests = {
    md5: 'a'.repeat(32),
    sha1: 'b'.repeat(40),
    sha256: 'c'.repeat(64),
    sha512: 'd'.repeat(128),
  }

  it('tells MD5, SHA-1, SHA-256 and SHA-512 by length', async () => {
    for (const [type, value] of Object.entries(digests)) {
      const r = await curl('POST', '/api/v1/indicators', JSON.stringify({ type: 'hash', value }))
      expect(r.status, type).toBe(201)
      expect(r.json).toMatchObject({ type, value })
    }
  })

  it('refuses another length or non-hex with 400 naming the field', async () => {
    const short = await curl('POST', '/api/v1/indicators', '{"type":"hash","value":"abcdef0123"}')
    expect(short.status).toBe(400)
    expect(short.json).toMatchObject({ code: 'invalid_input', details: { field: 'value' } })
    expect(String((short.json as Json).message)).toContain('10 hex characters')
    const notHex = await curl(
      'POST',
      '/api/v1/indicators',
      `{"type":"hash","value":"${'z'.repeat(32)}"}`,
    )
    expect(notHex.json).toMatchObject({ details: { field: 'value' } })

    const bulk = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      JSON.stringify({
        indicators: [
          { type: 'ip', value: '198.51.100.1' },
          { type: 'hash', value: 'abc' },
        ],
      }),
    )
    expect(bulk.status).toBe(400)
    expect(bulk.json).toMatchObject({ details: { field: 'indicators[1].value' } })
  })
})

describe('the bulk body', () => {
  it('names a bad item field by its position and snake_case name', async () => {
    const r = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      JSON.stringify({
        indicators: [
          { type: 'ip', value: '198.51.100.2' },
          { type: 'ip', value: '198.51.100.3', mitre_techniques: 'T1105' },
        ],
      }),
    )
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ details: { field: 'indicators[1].mitre_techniques' } })
  })

  it('names a bad project_id, a missing or oversized list and an unknown key', async () => {
    const badProject = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      '{"project_id":"nope","indicators":[{"type":"ip","value":"198.51.100.4"}]}',
    )
    expect(badProject.json).toMatchObject({ details: { field: 'project_id' } })
    const missing = await curl('POST', '/api/v1/indicators/bulk', '{"project_id":null}')
    expect(missing.json).toMatchObject({ details: { field: 'indicators' } })
    const empty = await curl('POST', '/api/v1/indicators/bulk', '{"indicators":[]}')
    expect(empty.json).toMatchObject({ details: { field: 'indicators' } })
    const many = Array.from({ length: 1001 }, (_, i) => ({ value: `10.0.${i >> 8}.${i & 255}` }))
    const tooMany = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      JSON.stringify({ indicators: many }),
    )
    expect(tooMany.status).toBe(400)
    expect(String((tooMany.json as Json).message)).toContain('1001')
    const unknown = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      '{"items":[],"indicators":[{"value":"x.example"}]}',
    )
    expect(unknown.json).toMatchObject({ details: { field: 'items' } })
  })

  it('reports rows the core rejects without losing the good ones', async () => {
    const r = await curl(
      'POST',
      '/api/v1/indicators/bulk',
      JSON.stringify({
        indicators: [{ value: '198.51.100.5' }, { type: 'ip', value: '999.1.1.1' }],
      }),
    )
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ created_count: 1, rejected: 1 })
    const body = r.json as { indicators: Json[]; rejects: Json[] }
    expect(body.indicators.map((i) => i.value)).toEqual(['198.51.100.5'])
    expect(body.rejects[0]).toMatchObject({ line: 2 })
  })
})
