import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '#server/security-headers'
import { makeFakeRenderer, startTestServer, type TestServer } from './http-support'

let t: TestServer
let rendererDir: string

beforeAll(async () => {
  rendererDir = makeFakeRenderer()
  t = await startTestServer({ rendererDir })
})
afterAll(async () => {
  await t.close()
  rmSync(rendererDir, { recursive: true, force: true })
})

describe('static renderer', () => {
  it('serves index.html without a token, with the security headers', async () => {
    const res = await t.server.app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('<div id="root">')
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    )
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['cache-control']).toBe('no-cache')
  })

  it('serves fingerprinted assets as immutable', async () => {
    const res = await t.server.app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/javascript/)
    expect(res.headers['cache-control']).toContain('immutable')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  it('does not serve dotfiles or escape the directory', async () => {
    expect((await t.server.app.inject({ method: 'GET', url: '/.secret' })).statusCode).toBe(404)
    const traversal = await t.server.app.inject({
      method: 'GET',
      url: '/assets/..%2f..%2fetc%2fpasswd',
    })
    expect(traversal.statusCode).toBe(404)
    expect(traversal.body).not.toContain('root:')
    const missing = await t.server.app.inject({ method: 'GET', url: '/nope.js' })
    expect(missing.statusCode).toBe(404)
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'not_found' })
  })

  it('still guards /api behind the wildcard static route', async () => {
    const res = await t.server.app.inject({ method: 'GET', url: '/api/anything' })
    expect(res.statusCode).toBe(401)
  })

  it('answers 404 at / when no renderer is built', async () => {
    const bare = await startTestServer({ rendererDir: undefined })
    try {
      const res = await bare.server.app.inject({ method: 'GET', url: '/' })
      expect(res.statusCode).toBe(404)
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    } finally {
      await bare.close()
    }
  })
})
