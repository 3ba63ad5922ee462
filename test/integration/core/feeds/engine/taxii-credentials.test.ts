import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ServerResponse } from 'node:http'
import {
  startTaxiiFixtureServer,
  TAXII_MEDIA_TYPE,
  type TaxiiFixtureServer,
} from '../../../../support/taxii-fixture-server'
import type { CallContext } from '#core/rpc/handlers'
import { openTestCore, type TestCore } from './engine-support'

// Two TAXII servers on 127.0.0.1, different ports, so different origins. The feed is configured with the
// first; its discovery document names the second's API root. The second records what it was sent.

const USER = 'analyst'
const PASSWORD = 'taxii-pa55'
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`

let t: TestCore
let home: TaxiiFixtureServer
let elsewhere: TaxiiFixtureServer
beforeEach(async () => {
  t = await openTestCore()
  home = await startTaxiiFixtureServer({ objects: 1, user: USER, password: PASSWORD })
  elsewhere = await startTaxiiFixtureServer({ objects: 3 })
  // The home server's discovery document sends the client to the other origin.
  home.server.route('/taxii2/', (req, res: ServerResponse) => {
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401).end()
      return
    }
    const body = Buffer.from(
      JSON.stringify({
        title: 'Home',
        default: elsewhere.apiRootUrl,
        api_roots: [elsewhere.apiRootUrl],
      }),
    )
    res
      .writeHead(200, { 'content-type': TAXII_MEDIA_TYPE, 'content-length': String(body.length) })
      .end(body)
  })
})
afterEach(async () => {
  await t.close()
  await home.close()
  await elsewhere.close()
})

const addFeed = (options: Record<string, unknown> = {}) =>
  t.core.call('feeds.create', {
    name: `TAXII ${Object.keys(options).join(',') || 'plain'}`,
    format: 'taxii',
    url: home.discoveryUrl,
    auth: { kind: 'basic', username: USER, password: PASSWORD },
    options,
  })

const authorizationsAt = (server: TaxiiFixtureServer) =>
  server.server.requests.map((r) => r.headers.authorization)

describe('TAXII credentials and other origins', () => {
  it('sends the feed credentials to its own origin only, not to an API root a discovery names elsewhere', async () => {
    const feed = await addFeed()
    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(run.status, run.error ?? '').toBe('succeeded')
    expect(run.created).toBe(3)
    expect(authorizationsAt(home)).toEqual([BASIC])
    const seen = authorizationsAt(elsewhere)
    expect(seen).toHaveLength(2) // collections, then one page of objects
    expect(seen.every((a) => a === undefined)).toBe(true)
  })

  it('sends them to the origins the feed names in credentialOrigins', async () => {
    const feed = await addFeed({ credentialOrigins: [new URL(elsewhere.apiRootUrl).origin] })
    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(run.status, run.error ?? '').toBe('succeeded')
    const seen = authorizationsAt(elsewhere)
    expect(seen).toHaveLength(2) // collections, then one page of objects
    expect(seen.every((a) => a === BASIC)).toBe(true)
  })

  it('refuses credentialOrigins that are not origins, naming the entry', async () => {
    await expect(
      addFeed({ credentialOrigins: ['https://taxii.example.com/api1/'] }),
    ).rejects.toThrow(/options\.credentialOrigins\[0\].*not an origin/)
    await expect(addFeed({ credentialOrigins: 'https://taxii.example.com' })).rejects.toThrow(
      /credentialOrigins/,
    )
    await expect(
      addFeed({ credentialOrigins: ['https://taxii.example.com:8443', 'http://10.0.0.5/'] }),
    ).resolves.toMatchObject({ format: 'taxii' })
  })
})

describe('a TAXII feed set up over the HTTP API', () => {
  const overHttp = (): CallContext => ({
    caller: 'http',
    actor: 'api:test',
    signal: new AbortController().signal,
  })

  it('is restricted for every URL its server names too, not only its own', async () => {
    // The user allowed the server's address; its discovery then names an API root on another one.
    await t.core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
    const port = new URL(elsewhere.apiRootUrl).port
    home.server.route('/taxii2/', (_req, res: ServerResponse) => {
      const root = `http://[::1]:${port}/api1/`
      const body = Buffer.from(JSON.stringify({ default: root, api_roots: [root] }))
      res
        .writeHead(200, { 'content-type': TAXII_MEDIA_TYPE, 'content-length': String(body.length) })
        .end(body)
    })
    const feed = await t.core.call(
      'feeds.create',
      { name: 'API TAXII', format: 'taxii', url: home.discoveryUrl },
      overHttp(),
    )
    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('::1 is a loopback address')
    expect(elsewhere.server.requests).toHaveLength(0)
  })
})
