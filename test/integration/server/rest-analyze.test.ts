import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SNAPSHOT_FILE } from '#core/incidents/incidents-snapshot'
import { restCall, startTestServer, type TestServer } from './http-support'

// The seed's POST /api/analyze: the verdict and the tracking record it opened; the snapshot hand-over over
// HTTP and the snapshot file. The threat routes themselves: rest-threats.test.ts.

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

const fieldOf = (body: Json | null) => (body?.details as Json | undefined)?.field

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
    // The record keeps the model's explanation for the triage detail.
    // (details is the incident's own JSON, kept as written: its keys are not renamed)
    const kept = ((record.details as Json).analysis as Json).topContributions as Json[]
    expect(kept.length).toBeGreaterThan(0)
    expect(kept[0]).toMatchObject({ name: expect.any(String), contribution: expect.any(Number) })
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

  it('an imported list counts like a built-in one, and a list switched off no longer does', async () => {
    const url = 'http://paypal-verify-login.corp-sso.example.net/signin'
    const [imported] = (
      await t.core.call('warninglists.import', {
        files: [
          {
            name: 'corp/list.json',
            content: JSON.stringify({
              name: 'Our SSO hosts',
              description: 'the company single sign-on',
              version: 1,
              type: 'hostname',
              list: ['corp-sso.example.net'],
            }),
          },
        ],
      })
    ).imported
    const r = await post('/api/analyze', { url })
    const lists = (body: Json | null) => (body?.warninglists as Json[]).map((h) => h.list)
    expect(r.body?.warninglists).toContainEqual({
      list: 'Our SSO hosts',
      entry: 'corp-sso.example.net',
      on: expect.any(String),
    })
    expect(r.body?.tracking_record).toBeNull()
    await t.core.call('warninglists.setEnabled', { id: imported?.id ?? '', enabled: false })
    expect(lists((await post('/api/analyze', { url })).body)).not.toContain('Our SSO hosts')
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
    const create = ((r.body?.paths as Json)['/api/threats'] as Json).post as Json
    expect(Object.keys(create.responses as Json)).toEqual(expect.arrayContaining(['200', '201']))
  })
})
