import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METHODS, contract } from '#shared/contract'
import { REST_ROUTES } from '#server/rest.routes'
import { snakeKey } from '#server/snake-case'
import { jsonOf, startTestServer, type TestServer } from './http-support'

type Json = Record<string, unknown>
type Operation = {
  operationId: string
  summary: string
  requestBody?: { content: Record<string, { schema: Json }> }
  responses: Record<string, { content?: Record<string, { schema: Json }> }>
  parameters?: { name: string; in: string }[]
  security?: unknown[]
}
type Doc = {
  openapi: string
  info: { version: string; description: string }
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Json>; securitySchemes: Json }
  'x-body-limit-bytes': number
}

let t: TestServer
let doc: Doc
let raw: string

beforeAll(async () => {
  t = await startTestServer()
  // Served without a token: the API's shape ships with the app and holds no data.
  const res = await t.server.app.inject({ method: 'GET', url: '/api/openapi.json' })
  expect(res.statusCode).toBe(200)
  raw = res.body
  doc = jsonOf(raw) as Doc
})
afterAll(async () => {
  await t.close()
})

/** Every local $ref in the document points at something that exists. */
const danglingRefs = (root: unknown): string[] => {
  const bad: string[] = []
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit)
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === '$ref' && typeof child === 'string' && child.startsWith('#/')) {
          let cur: unknown = root
          for (const part of child.slice(2).split('/')) {
            cur = cur && typeof cur === 'object' ? (cur as Json)[part] : undefined
          }
          if (cur === undefined) bad.push(child)
        } else visit(child)
      }
    }
  }
  visit(root)
  return bad
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every contract method over rpc', () => {
    expect(doc.openapi).toBe('3.1.0')
    for (const m of METHODS) {
      const op = doc.paths[`/api/rpc/${m}`]?.post
      expect(op, m).toBeDefined()
      expect(op?.operationId).toBe(m)
      expect(op?.summary).toBe(contract[m].summary)
      expect(op?.requestBody?.content['application/json']?.schema, m).toBeTypeOf('object')
      const ok = op?.responses['200']?.content?.['application/json']?.schema as Json
      expect(ok.required).toEqual(['ok', 'value'])
    }
  })

  it('describes the input schemas from the contract, field names and all', () => {
    const schema = doc.paths['/api/rpc/indicators.create']?.post?.requestBody?.content[
      'application/json'
    ]?.schema as { properties: Json; required: string[]; additionalProperties: unknown }
    expect(Object.keys(schema.properties)).toContain('value')
    expect(schema.required).toEqual(['value'])
    // strictObject: unknown fields are refused, and the document says so.
    expect(schema.additionalProperties).toBe(false)
  })

  it('lists every REST route with its path parameters and query parameters', () => {
    for (const r of REST_ROUTES) {
      const path = `/api/v1${r.path.replace(/:(\w+)/g, (_, n: string) => `{${snakeKey(n)}}`)}`
      const op = doc.paths[path]?.[r.verb.toLowerCase()]
      expect(op, `${r.verb} ${path}`).toBeDefined()
      for (const p of r.path.matchAll(/:(\w+)/g)) {
        const name = snakeKey(p[1] ?? '')
        expect(op?.parameters?.some((x) => x.in === 'path' && x.name === name)).toBe(true)
      }
    }
    const list = doc.paths['/api/v1/indicators']?.get
    const names = list?.parameters?.map((p) => p.name) ?? []
    expect(names).toEqual(
      expect.arrayContaining([
        'project_id',
        'type_filter',
        'active_only',
        'limit',
        'offset',
        'type',
        'severity',
        'score_min',
        'first_seen_from',
        'q',
        'cursor',
        'sort',
        'dir',
      ]),
    )
    expect(names).not.toContain('scoreMin')
    expect(doc.paths['/api/v1/indicators/bulk']?.post?.requestBody?.content).toHaveProperty(
      'text/plain',
    )
  })

  it('documents the v1 routes with their snake_case shapes', () => {
    const schemaOf = (path: string, verb: string, status: string) =>
      doc.paths[path]?.[verb]?.responses[status]?.content?.['application/json']?.schema as Json
    const listed = schemaOf('/api/v1/indicators', 'get', '200')
    expect(listed.type).toBe('array')
    const item = listed.items as { properties: Json }
    expect(Object.keys(item.properties)).toEqual(
      expect.arrayContaining(['project_id', 'mitre_techniques', 'first_seen', 'false_positive']),
    )
    expect(Object.keys(item.properties)).not.toContain('projectId')

    const create = doc.paths['/api/v1/indicators']?.post?.requestBody?.content['application/json']
      ?.schema as { properties: Record<string, { enum?: string[] }> }
    expect(create.properties.type?.enum).toEqual(expect.arrayContaining(['md5', 'hash']))
    expect(create.properties).toHaveProperty('mitre_tactics')

    const bulk = doc.paths['/api/v1/indicators/bulk']?.post
    const bulkBody = bulk?.requestBody?.content['application/json']?.schema as {
      properties: Json
      required: string[]
    }
    expect(Object.keys(bulkBody.properties)).toEqual(['project_id', 'indicators'])
    expect(bulkBody.required).toEqual(['indicators'])
    expect(Object.keys(bulk?.responses ?? {})).toContain('201')
    const report = schemaOf('/api/v1/indicators/bulk', 'post', '201') as { properties: Json }
    expect(Object.keys(report.properties)).toEqual(
      expect.arrayContaining(['created_count', 'indicators', 'by_type', 'rejects']),
    )

    const project = schemaOf('/api/v1/projects/{id}', 'get', '200') as { properties: Json }
    expect(Object.keys(project.properties)).toEqual(
      expect.arrayContaining(['tags', 'settings', 'archived', 'created_at', 'updated_at']),
    )
    const stats = schemaOf('/api/v1/projects/{id}/stats', 'get', '200') as { properties: Json }
    expect(Object.keys(stats.properties)).toEqual(
      expect.arrayContaining(['total_indicators', 'recent_activity_count', 'by_severity']),
    )
    // The RPC routes keep the contract's names.
    const rpc = doc.paths['/api/rpc/indicators.create']?.post?.requestBody?.content[
      'application/json'
    ]?.schema as { properties: Json }
    expect(rpc.properties).toHaveProperty('projectId')
  })

  it('states the body limit and the bearer scheme, and has no dangling $ref', () => {
    expect(doc['x-body-limit-bytes']).toBe(32 * 1024 * 1024)
    expect(doc.info.description).toContain('32 MiB')
    expect(doc.components.securitySchemes).toHaveProperty('bearer')
    expect(danglingRefs(doc)).toEqual([])
  })
})

describe('GET /api/docs', () => {
  it('is a self-contained page under the strict CSP, scripted only from /api/docs.js', async () => {
    const page = await t.server.app.inject({ method: 'GET', url: '/api/docs' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.body).toContain('<script src="/api/docs.js"></script>')
    // No inline script, nothing remote.
    expect(page.body.match(/<script\b[^>]*>[^<]+<\/script>/g)).toBeNull()
    expect(page.body).not.toMatch(/https?:\/\//)

    const js = await t.server.app.inject({ method: 'GET', url: '/api/docs.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.body).toContain("fetch('/api/openapi.json'")
    expect(js.body).not.toContain('innerHTML')
    expect(js.body).not.toMatch(/https?:\/\//)
  })
})
