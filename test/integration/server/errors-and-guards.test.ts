import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_BODY_LIMIT } from '#server/server'
import { jsonOf, startTestServer, type TestServer } from './http-support'

type Json = Record<string, unknown>
type Failure = { ok: false; error: { code: string; message: string; details?: unknown } }

let t: TestServer
let base: string

beforeAll(async () => {
  // A small limit keeps the oversize test cheap; the default is checked separately.
  t = await startTestServer({ bodyLimit: 64 * 1024 })
  base = await t.server.listen()
})
afterAll(async () => {
  await t.close()
})

/** node:http, because fetch will not let us choose the Host header. */
const postWithHost = (url: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    const r = request(url, { method: 'POST', headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    r.on('error', reject)
    r.end()
  })

const rpc = (method: string, payload: string, headers: Record<string, string> = {}) =>
  t.server.app.inject({
    method: 'POST',
    url: `/api/rpc/${method}`,
    headers: { ...t.auth, 'content-type': 'application/json', ...headers },
    payload,
  })

describe('body errors', () => {
  it('names the JSON parse problem (rpc envelope and REST shape)', async () => {
    const r = await rpc('settings.update', '{"patch": {"theme": "dark"')
    expect(r.statusCode).toBe(400)
    const body = jsonOf(r.body) as Failure
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe('invalid_input')
    expect(body.error.message).toMatch(/^Malformed JSON body: .*JSON/)

    const rest = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{"name": }',
    })
    expect(rest.statusCode).toBe(400)
    expect(jsonOf(rest.body)).toMatchObject({ code: 'invalid_input' })
    expect((jsonOf(rest.body) as Json).message).toMatch(/Malformed JSON body/)
  })

  it('answers 413 for a body over the limit, on a real socket', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(70 * 1024) })
    const res = await fetch(`${base}/api/rpc/indicators.bulkCreate`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: big,
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'payload_too_large' } })
  })

  it('defaults to a 32 MiB body limit', () => {
    expect(DEFAULT_BODY_LIMIT).toBe(32 * 1024 * 1024)
  })

  it('answers 415 for a content type a route does not take', async () => {
    const text = await rpc('settings.get', 'hello', { 'content-type': 'text/plain' })
    expect(text.statusCode).toBe(415)
    expect((jsonOf(text.body) as Failure).error.code).toBe('unsupported')

    const xml = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { ...t.auth, 'content-type': 'application/xml' },
      payload: '<project/>',
    })
    expect(xml.statusCode).toBe(415)
    expect(jsonOf(xml.body)).toMatchObject({ code: 'unsupported' })

    // text/plain is only for the bulk route.
    const plain = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/indicators',
      headers: { ...t.auth, 'content-type': 'text/plain' },
      payload: '203.0.113.9',
    })
    expect(plain.statusCode).toBe(415)
    expect(String((jsonOf(plain.body) as Json).message)).toContain('application/json')
  })

  it('names unknown fields', async () => {
    const r = await rpc(
      'settings.update',
      JSON.stringify({ patch: { theme: 'dark', colour: 'red' } }),
    )
    expect(r.statusCode).toBe(400)
    const body = jsonOf(r.body) as Failure
    expect(body.error.code).toBe('invalid_input')
    expect(body.error.message).toContain('colour')
    expect(body.error.message).toContain('patch')
  })

  it('lets the API move its own address between loopback spellings only', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.com', '[::]']) {
      const r = await rpc('settings.update', JSON.stringify({ patch: { httpHost: host } }))
      expect(r.statusCode, host).toBe(400)
      const body = jsonOf(r.body) as Failure
      expect(body.error.message).toContain('httpHost')
      expect(body.error.message).toContain('loopback')
    }
    expect((await t.core.call('settings.get', {})).httpHost).toBe('127.0.0.1')
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      const r = await rpc('settings.update', JSON.stringify({ patch: { httpHost: host } }))
      expect(r.statusCode, host).toBe(200)
    }
    const badPort = await rpc('settings.update', JSON.stringify({ patch: { httpPort: 70000 } }))
    expect(badPort.statusCode).toBe(400)
    expect((jsonOf(badPort.body) as Failure).error.message).toContain('httpPort')
    await t.core.call('settings.update', { patch: { httpHost: '127.0.0.1' } })
  })

  it('answers deeply nested or oversized free JSON with a 400 naming the field, never a 500', async () => {
    const created = await t.core.call('indicators.create', { value: '203.0.113.98' })
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)
    // This server's body limit is 64 KiB: 20,000 levels fit in it.
    for (const n of [17, 5_000, 20_000]) {
      const r = await rpc(
        'indicators.update',
        `{"id":"${created.id}","patch":{"enrichment":{"x":${deep(n)}}}}`,
      )
      expect(r.statusCode, `${n} levels`).toBe(400)
      expect((jsonOf(r.body) as Failure).error.message).toMatch(/patch\.enrichment: nested deeper/)
    }
    // Over the enrichment's own 64 KiB bound (checked in-process: the body limit would answer first here).
    await expect(
      t.core.call('indicators.update', {
        id: created.id,
        patch: { enrichment: { x: 'a'.repeat(70_000) } },
      }),
    ).rejects.toThrow(/patch\.enrichment: .* bytes as JSON/)
    const fine = await rpc(
      'indicators.update',
      JSON.stringify({ id: created.id, patch: { enrichment: { asn: { number: 64500 } } } }),
    )
    expect(fine.statusCode).toBe(200)
  })

  it('refuses a __proto__ key, also when escaped', async () => {
    const plain = await rpc('settings.update', '{"patch": {"__proto__": {"theme": "dark"}}}')
    expect(plain.statusCode).toBe(400)
    const escaped = await rpc('settings.update', '{"patch": {"\\u005f_proto__": {"x": 1}}}')
    expect(escaped.statusCode).toBe(400)
    expect((jsonOf(escaped.body) as Failure).error.message).toContain('__proto__')
  })

  it('treats an empty JSON body as no input', async () => {
    const r = await rpc('settings.get', '')
    expect(r.statusCode).toBe(200)
    expect(jsonOf(r.body)).toMatchObject({ ok: true, value: { theme: 'system' } })
  })

  it('answers 404 unknown_method for an unknown method and not_found for an unknown route', async () => {
    const m = await rpc('indicators.teleport', '{}')
    expect(m.statusCode).toBe(404)
    expect((jsonOf(m.body) as Failure).error).toMatchObject({ code: 'unknown_method' })
    const route = await t.server.app.inject({
      method: 'GET',
      url: '/api/v1/nothing',
      headers: t.auth,
    })
    expect(route.statusCode).toBe(404)
    expect(jsonOf(route.body)).toMatchObject({ code: 'not_found' })
    expect((jsonOf(route.body) as Json).message).toContain('/api/v1/nothing')
  })
})

describe('authentication', () => {
  it('requires the bearer token on every /api route', async () => {
    for (const [method, url] of [
      ['POST', '/api/rpc/system.info'],
      ['GET', '/api/v1/indicators'],
      ['GET', '/api/events'],
      ['GET', '/api/v1/nothing'],
    ] as const) {
      const none = await t.server.app.inject({ method, url })
      expect(none.statusCode, url).toBe(401)
      const wrong = await t.server.app.inject({
        method,
        url,
        headers: { authorization: 'Bearer nope' },
      })
      expect(wrong.statusCode, url).toBe(401)
      const code = url.startsWith('/api/rpc/')
        ? (jsonOf(wrong.body) as Failure).error.code
        : (jsonOf(wrong.body) as Json).code
      expect(code).toBe('unauthorized')
    }
  })

  it('cannot be walked around with a percent-encoded path', async () => {
    // The router decodes /%61pi/... to /api/...: the check must see what the router sees.
    const rest = await t.server.app.inject({ method: 'GET', url: '/%61pi/v1/indicators' })
    expect(rest.statusCode).toBe(401)
    const rpcRes = await t.server.app.inject({ method: 'POST', url: '/%61pi/rpc/system.info' })
    expect(rpcRes.statusCode).toBe(401)
    expect((jsonOf(rpcRes.body) as Failure).error.code).toBe('unauthorized')
    const slash = await t.server.app.inject({ method: 'GET', url: '/api%2Fv1/indicators' })
    expect(slash.statusCode).toBe(401)
  })

  it('accepts ?token= only on the event stream', async () => {
    const rpcWithQuery = await t.server.app.inject({
      method: 'POST',
      url: `/api/rpc/system.info?token=${t.token}`,
    })
    expect(rpcWithQuery.statusCode).toBe(401)
  })
})

describe('Host and Origin checks', () => {
  const port = () => Number(new URL(base).port)

  it('accepts loopback names on our port', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`]) {
      expect(await postWithHost(`${base}/api/rpc/system.info`, { ...t.auth, host }), host).toBe(200)
    }
  })

  it('refuses a rebinding Host name and another port (DNS rebinding)', async () => {
    const evil = await t.server.app.inject({
      method: 'POST',
      url: '/api/rpc/system.info',
      headers: { ...t.auth, host: `attacker.example:${port()}` },
    })
    expect(evil.statusCode).toBe(403)
    expect((jsonOf(evil.body) as Failure).error.code).toBe('forbidden')

    const status = await postWithHost(`${base}/api/rpc/system.info`, {
      ...t.auth,
      host: `127.0.0.1:${port() + 1}`,
    })
    expect(status).toBe(403)
  })

  it('refuses the static renderer and public docs to a rebinding Host too', async () => {
    const r = await t.server.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { host: 'attacker.example' },
    })
    expect(r.statusCode).toBe(403)
  })

  it('refuses cross-origin browser requests and allows same-origin ones', async () => {
    const cross = await t.server.app.inject({
      method: 'POST',
      url: '/api/rpc/system.info',
      headers: { ...t.auth, origin: 'https://attacker.example', host: `127.0.0.1:${port()}` },
    })
    expect(cross.statusCode).toBe(403)
    const nullOrigin = await t.server.app.inject({
      method: 'POST',
      url: '/api/rpc/system.info',
      headers: { ...t.auth, origin: 'null', host: `127.0.0.1:${port()}` },
    })
    expect(nullOrigin.statusCode).toBe(403)
    const crossSite = await t.server.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { 'sec-fetch-site': 'cross-site', host: `127.0.0.1:${port()}` },
    })
    expect(crossSite.statusCode).toBe(403)
    const same = await t.server.app.inject({
      method: 'POST',
      url: '/api/rpc/system.info',
      headers: { ...t.auth, origin: `http://127.0.0.1:${port()}`, host: `127.0.0.1:${port()}` },
    })
    expect(same.statusCode).toBe(200)
  })
})
