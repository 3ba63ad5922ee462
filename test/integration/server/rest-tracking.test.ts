import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SNAPSHOT_FILE } from '#core/incidents/incidents-snapshot'
import { restCall, startTestServer, type TestServer } from './http-support'

// The seed threat-tracking service's routes at /api: threats (incidents), health with its tracking block,
// and URL analysis that opens a tracking record. Each test starts from its own server where the counts
// matter; the rest share one.

type Json = Record<string, unknown>

const PHISH = 'http://paypa1-account-verify.tk/login/confirm'
const BENIGN = 'https://github.com/nodejs/node'

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

describe('POST /api/analyze', () => {
  it('400 without url, naming the field', async () => {
    const r = await post('/api/analyze', {})
    expect([r.status, fieldOf(r.body)]).toEqual([400, 'url'])
    const bad = await post('/api/analyze', { url: 'ftp://files.example/x' })
    expect([bad.status, fieldOf(bad.body)]).toEqual([400, 'url'])
    expect(bad.body?.message).toMatch(/^url: /)
    expect(bad.body?.message).not.toMatch(/^url: url/)
  })

  it('takes a URL defanged as analysts paste it', async () => {
    const r = await post('/api/analyze', { url: 'hxxps://metamask-restore-wallet[.]top/seed' })
    expect(r.status).toBe(200)
    expect(r.body?.url).toBe('https://metamask-restore-wallet.top/seed')
  })

  it('a benign URL: verdict benign, severity 0, no tracking record, with its explanation', async () => {
    const r = await post('/api/analyze', { url: BENIGN })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      url: 'https://github.com/nodejs/node',
      verdict: 'benign',
      is_threat: false,
      severity: 0,
      sources: [],
      tracking_record: null,
      prediction_id: expect.any(String),
      model: { label: 'benign' },
      link_score: { score: expect.any(Number) },
    })
    const top = r.body?.top_contributions as Json[]
    expect(top.length).toBe(5)
    expect(top[0]).toMatchObject({ name: expect.any(String), contribution: expect.any(Number) })
  })

  it('a phishing URL: verdict, severity by the seed rule, every source, and the tracking record', async () => {
    const r = await post('/api/analyze', { url: PHISH })
    expect(r.status).toBe(200)
    const sources = (r.body?.sources as { source: string; severity: number }[]).map((s) => s.source)
    expect(sources).toEqual(expect.arrayContaining(['model', 'link_score']))
    expect(r.body).toMatchObject({ verdict: 'malicious', is_threat: true })
    const severities = (r.body?.sources as { severity: number }[]).map((s) => s.severity)
    expect(r.body?.severity).toBe(Math.max(...severities))
    const record = r.body?.tracking_record as Json
    expect(record).toMatchObject({
      url: PHISH,
      status: 'open',
      occurrences: 1,
      severity: r.body?.severity,
      tags: ['url-analysis'],
    })
    expect([...(record.sources as string[])].sort()).toEqual([...sources].sort())
    const listed = await get(`/api/threats/${String(record.id)}`)
    expect(listed.body).toEqual(record)
  })

  it('analysing it again counts an occurrence on the same record', async () => {
    const first = await post('/api/analyze', {
      url: 'http://secure-login-appleid.com.verify-account.xyz/signin',
    })
    const second = await post('/api/analyze', {
      url: 'http://secure-login-appleid.com.verify-account.xyz/signin',
    })
    const a = first.body?.tracking_record as Json
    const b = second.body?.tracking_record as Json
    expect(b.id).toBe(a.id)
    expect(b.occurrences).toBe(2)
    expect(second.body?.prediction_id).not.toBe(first.body?.prediction_id)
  })

  it('a URL known bad in the local database: the database source, the match, and its url_score', async () => {
    const ind = await t.core.call('indicators.create', {
      value: 'https://downloads.known-bad.example/payload.bin',
      classification: 'malicious',
      severity: 'critical',
    })
    const r = await post('/api/analyze', { url: 'https://downloads.known-bad.example/payload.bin' })
    const sources = r.body?.sources as { source: string; severity: number }[]
    expect(sources[0]).toEqual({ source: 'database', severity: 95 })
    expect(r.body?.matches).toEqual([
      expect.objectContaining({ indicator_id: ind.id, on: 'url', known_bad: true }),
    ])
    expect((r.body?.tracking_record as Json).indicator_id).toBe(ind.id)
    const row = t.core.db.sqlite
      .prepare('SELECT url_score FROM indicators WHERE id = ?')
      .get(ind.id) as { url_score: number | null }
    expect(row.url_score).not.toBeNull()
  })

  it('a URL on a known-benign list: the guesses are suppressed, no record is opened', async () => {
    const r = await post('/api/analyze', { url: 'http://paypal-login-verify.example.com/signin' })
    expect(r.body?.suppressed_by).toMatch(/^warninglist:/)
    expect((r.body?.warninglists as Json[]).length).toBeGreaterThan(0)
    expect(r.body?.tracking_record).toBeNull()
  })

  it('a benign analysis leaves the health counts as they were', async () => {
    const before = (await get('/api/health')).body?.tracking
    await post('/api/analyze', { url: 'https://www.wikipedia.org/wiki/Main_Page' })
    expect((await get('/api/health')).body?.tracking).toEqual(before)
  })

  it('stores one ml_predictions row per analysis, with the model and its top features', async () => {
    const r = await post('/api/analyze', { url: 'http://wallet-connect-claim.xyz/airdrop' })
    const row = t.core.db.sqlite
      .prepare('SELECT * FROM ml_predictions WHERE id = ?')
      .get(r.body?.prediction_id) as Json
    expect(row).toMatchObject({
      model_name: (r.body?.model as Json).name,
      predicted_class: (r.body?.model as Json).label,
      input: 'http://wallet-connect-claim.xyz/airdrop',
      incident_id: (r.body?.tracking_record as Json | null)?.id ?? null,
    })
    expect(JSON.parse(String(row.top_features))).toHaveLength(5)
  })
})

describe('snapshot hand-over over HTTP', () => {
  it('exports the file as text (never a path) and imports it into another service', async () => {
    await post('/api/threats', { url: 'http://hand-over.example/', severity: 77 })
    const exp = await t.server.app.inject({
      method: 'POST',
      url: '/api/rpc/incidents.exportSnapshot',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{}',
    })
    const exported = JSON.parse(exp.body) as {
      ok: true
      value: { content: string; fileName: string }
    }
    expect(exported.value.content).not.toContain(t.dir)
    const other = await startTestServer()
    try {
      const imp = await other.server.app.inject({
        method: 'POST',
        url: '/api/rpc/incidents.importSnapshot',
        headers: { ...other.auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ content: exported.value.content }),
      })
      expect(
        (JSON.parse(imp.body) as { value: { created: number } }).value.created,
      ).toBeGreaterThan(0)
      const list = await restCall(other, 'GET', '/api/threats?limit=1000')
      expect((list.body as unknown as Json[]).map((x) => x.url)).toContain(
        'http://hand-over.example/',
      )
    } finally {
      await other.close()
    }
  })
})

describe('over a real socket, and in the snapshot', () => {
  it('analyses over HTTP and the tracked threat lands in the snapshot file', async () => {
    const base = await t.server.listen()
    const res = await fetch(`${base}/api/analyze`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://micros0ft-office365-verify.top/owa' }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Json
    expect(body.tracking_record).not.toBeNull()
    await t.core.waitForIdle()
    const doc = JSON.parse(readFileSync(join(t.dir, SNAPSHOT_FILE), 'utf8')) as {
      data: { tracked_threats: Json[] }
    }
    const urls = doc.data.tracked_threats.map((x) => x.url)
    expect(urls).toContain('http://micros0ft-office365-verify.top/owa')
    expect(new Set(urls).size).toBe(urls.length)
  })

  it('the OpenAPI document lists the routes', async () => {
    const r = await restCall(t, 'GET', '/api/openapi.json')
    const paths = Object.keys(r.body?.paths as Json)
    expect(paths).toEqual(
      expect.arrayContaining(['/api/threats', '/api/threats/{id}', '/api/health', '/api/analyze']),
    )
  })
})
