import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CallContext } from '#core/rpc/handlers'
import { serve, startFixtureServer, type FixtureServer } from '../../support/fixture-server'
import { restCall, startTestServer, type TestServer } from './http-support'

// A token holder must not be able to turn feed downloads against the machine or the network it sits in.
// The fixture lives on 127.0.0.1: exactly what calls over HTTP may not fetch from until the user allows it.

const LIST = '198.51.100.7\nevil.example.org\n'
const TEXT = { contentType: 'text/plain' }

let t: TestServer
let srv: FixtureServer
beforeAll(async () => {
  t = await startTestServer()
  srv = await startFixtureServer()
  srv.route('/list.txt', serve.bytes(LIST, TEXT))
})
afterAll(async () => {
  await t.close()
  await srv.close()
})
afterEach(async () => {
  await t.core.call('settings.update', { patch: { fetchAllowedHosts: [] } })
})

type Json = Record<string, unknown>
const rpc = async (method: string, input: unknown) => {
  const res = await t.server.app.inject({
    method: 'POST',
    url: `/api/rpc/${method}`,
    headers: { ...t.auth, 'content-type': 'application/json' },
    payload: JSON.stringify(input),
  })
  return { status: res.statusCode, body: JSON.parse(res.body) as Json }
}
const errorOf = (body: Json) => body.error as { code: string; message: string; details?: Json }

const overHttp = (): CallContext => ({
  caller: 'http',
  actor: 'api:test',
  signal: new AbortController().signal,
})
const fromDesktop = (): CallContext => ({
  caller: 'ipc',
  actor: 'analyst',
  signal: new AbortController().signal,
})
const allow = (hosts: string[]) =>
  t.core.call('settings.update', { patch: { fetchAllowedHosts: hosts } })

describe('fetch targets over the HTTP API', () => {
  it('refuses a URL import from loopback, by every spelling, over RPC and REST, fetching nothing', async () => {
    const before = srv.requestsTo('/list.txt').length
    const port = new URL(srv.origin).port
    for (const url of [
      srv.url('/list.txt'),
      `http://0x7f.1:${port}/list.txt`,
      `http://2130706433:${port}/list.txt`,
      `http://0177.0.0.1:${port}/list.txt`,
      `http://[::1]:${port}/list.txt`,
      `http://[::ffff:127.0.0.1]:${port}/list.txt`,
      `http://localhost:${port}/list.txt`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.20.30.40/feed.txt',
    ]) {
      const r = await rpc('feeds.importUrl', { url, format: 'text' })
      expect(r.status, url).toBe(403)
      expect(errorOf(r.body).code, url).toBe('fetch_target_forbidden')
      expect(errorOf(r.body).message, url).toContain('threateye settings allow-host')
    }
    const rest = await restCall(t, 'POST', '/api/v1/feeds/import-url', {
      url: srv.url('/list.txt'),
      format: 'text',
    })
    expect(rest.status).toBe(403)
    expect(rest.body?.code).toBe('fetch_target_forbidden')
    expect(String(rest.body?.message)).toContain('127.0.0.1 is a loopback address')
    expect(srv.requestsTo('/list.txt')).toHaveLength(before)
    // The same through the core with the HTTP caller.
    await expect(
      t.core.call('feeds.importUrl', { url: srv.url('/list.txt'), format: 'text' }, overHttp()),
    ).rejects.toMatchObject({ code: 'fetch_target_forbidden' })
  })

  it('refuses a feed, or a change to one, that points at a special address', async () => {
    const created = await restCall(t, 'POST', '/api/v1/feeds', {
      name: 'metadata',
      format: 'text',
      url: 'http://169.254.169.254/latest/',
    })
    expect(created.status).toBe(403)
    expect(created.body?.code).toBe('fetch_target_forbidden')
    const taxii = await rpc('feeds.create', {
      name: 'taxii root elsewhere',
      format: 'taxii',
      url: 'https://taxii.example.com/taxii2/',
      options: { apiRoot: 'http://[fd00::1]/api1/' },
    })
    expect(errorOf(taxii.body).code).toBe('fetch_target_forbidden')
    const ok = await rpc('feeds.create', {
      name: 'public list',
      format: 'text',
      url: 'https://intel.example.com/list.txt',
    })
    expect(ok.status).toBe(200)
    const id = (ok.body.value as { id: string }).id
    const patched = await restCall(t, 'PATCH', `/api/v1/feeds/${id}`, {
      url: 'http://192.168.1.1/list.txt',
    })
    expect(patched.status).toBe(403)
    expect(patched.body?.code).toBe('fetch_target_forbidden')
    await t.core.call('feeds.delete', { id })
  })

  it('fetches from a host the user allowed, and keeps a feed set over HTTP restricted on later runs', async () => {
    await allow(['127.0.0.1'])
    const imported = await rpc('feeds.importUrl', { url: srv.url('/list.txt'), format: 'text' })
    expect(imported.status).toBe(200)
    expect(imported.body.value).toMatchObject({ status: 'succeeded', created: 2 })

    const feed = await rpc('feeds.create', {
      name: 'intranet list',
      format: 'text',
      url: srv.url('/list.txt'),
    })
    expect(feed.status).toBe(200)
    const id = (feed.body.value as { id: string }).id
    const first = await rpc('feeds.run', { id, wait: true })
    expect(first.body.value).toMatchObject({ status: 'succeeded' })

    // The user withdraws the permission: the feed keeps the API's restriction whoever runs it next
    // (the scheduler takes the same path as this in-process run).
    await allow([])
    const before = srv.requestsTo('/list.txt').length
    const later = await t.core.call('feeds.run', { id, wait: true })
    expect(later.status).toBe('failed')
    expect(later.error).toContain('127.0.0.1 is a loopback address')
    expect(later.error).toContain('allow-host 127.0.0.1')
    expect(srv.requestsTo('/list.txt')).toHaveLength(before)

    // Setting the URL again from the desktop makes the feed the user's: it fetches as before.
    await t.core.call('feeds.update', { id, patch: { url: srv.url('/list.txt') } }, fromDesktop())
    const mine = await t.core.call('feeds.run', { id, wait: true })
    expect(mine.status, mine.error ?? '').toBe('succeeded')
    await t.core.call('feeds.delete', { id })
  })

  it('lets the desktop and the CLI fetch intranet hosts as before, [::1] included', async () => {
    const run = await t.core.call(
      'feeds.importUrl',
      { url: srv.url('/list.txt'), format: 'text' },
      fromDesktop(),
    )
    expect(run.status).toBe('succeeded')
    const v6 = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(LIST),
    )
    await new Promise<void>((resolve) => v6.listen(0, '::1', resolve))
    try {
      const { port } = v6.address() as AddressInfo
      const url = `http://[::1]:${port}/list.txt`
      const cli = await t.core.call(
        'feeds.importUrl',
        { url, format: 'text' },
        {
          ...fromDesktop(),
          caller: 'cli',
        },
      )
      expect(cli.status, cli.error ?? '').toBe('succeeded')
      const feed = await t.core.call(
        'feeds.create',
        { name: 'v6 list', format: 'text', url },
        fromDesktop(),
      )
      expect(feed.url).toBe(url)
      expect((await t.core.call('feeds.run', { id: feed.id, wait: true })).status).toBe('succeeded')
      await t.core.call('feeds.delete', { id: feed.id })
    } finally {
      await new Promise<void>((resolve) => v6.close(() => resolve()))
    }
  })

  it('refuses a change of the allowed hosts over HTTP, naming the field; the desktop may change them', async () => {
    const r = await rpc('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
    expect(r.status).toBe(403)
    expect(errorOf(r.body).message).toContain('fetchAllowedHosts')
    expect(errorOf(r.body).details).toEqual({ field: 'patch.fetchAllowedHosts' })
    const theme = await rpc('settings.update', { patch: { theme: 'dark' } })
    expect(theme.status).toBe(200)
    const desktop = await t.core.call(
      'settings.update',
      { patch: { fetchAllowedHosts: [' TAXII.corp ', '10.0.0.5', '[fd00::1]'] } },
      fromDesktop(),
    )
    expect(desktop.fetchAllowedHosts).toEqual(['taxii.corp', '10.0.0.5', '[fd00::1]'])
    expect((await rpc('settings.get', {})).body.value).toMatchObject({
      fetchAllowedHosts: ['taxii.corp', '10.0.0.5', '[fd00::1]'],
    })
    await expect(
      t.core.call('settings.update', { patch: { fetchAllowedHosts: ['http://taxii.corp/'] } }),
    ).rejects.toThrow(/fetchAllowedHosts\[0\].*host name or an IP address/)
  })

  it('quotes at most 120 characters of a rejected line', async () => {
    const long = `not-an-indicator-${'z'.repeat(500)} ${'q'.repeat(300)}`
    const run = await rpc('feeds.importText', {
      content: `198.51.100.9\n${long}\n`,
      fileName: 'page.txt',
      format: 'text',
    })
    const id = (run.body.value as { id: string }).id
    const detail = await rpc('feeds.getRun', { id })
    const rejects = (detail.body.value as { rejects: { value: string }[] }).rejects
    expect(rejects.length).toBeGreaterThan(0)
    for (const r of rejects) expect(r.value.length).toBeLessThanOrEqual(121)
    expect(rejects.some((r) => r.value.endsWith('…'))).toBe(true)
  })
})
