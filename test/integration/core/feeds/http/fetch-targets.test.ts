import type { LookupAddress } from 'node:dns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchFeed, type FetchRequest, type TargetPolicy } from '#core/feeds/http/fetcher'
import { serve, startFixtureServer, type FixtureServer } from '../../../../support/fixture-server'
import { expectFetchError, readText, testDeps } from './helpers'

// The fixture servers listen on 127.0.0.1, which is exactly what a restricted download must not reach. Names
// are resolved by a resolver the test controls (the policy's `resolve`), so a name can point at the fixture.

const FAST = { backoffBaseMs: 10, headersTimeoutMs: 5_000, idleTimeoutMs: 5_000 }
const BODY = '198.51.100.1\n'

let srv: FixtureServer
let other: FixtureServer
beforeAll(async () => {
  srv = await startFixtureServer()
  other = await startFixtureServer()
  srv.route('/list.txt', serve.bytes(BODY, { contentType: 'text/plain' }))
  other.route('/list.txt', serve.bytes(BODY, { contentType: 'text/plain' }))
})
afterAll(async () => {
  await srv.close()
  await other.close()
})

/** A resolver that answers from a table and counts its questions. */
const resolver = (table: Record<string, string[]>) => {
  const asked: string[] = []
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname)
    const answer = table[hostname]
    if (!answer) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  return { asked, resolve }
}

const portOf = (s: FixtureServer) => new URL(s.origin).port

const fetchWith = (
  url: string,
  targets: TargetPolicy | undefined,
  extra: Partial<FetchRequest> = {},
) => fetchFeed({ url, expect: 'text', limits: FAST, ...extra }, { ...testDeps(), targets })

const hits = () => srv.requestsTo('/list.txt').length

describe('fetchFeed with a target policy (a URL an API caller gave)', () => {
  it('refuses 127.0.0.1 and [::1] before sending anything, and does not retry', async () => {
    const before = hits()
    const err = await expectFetchError(
      fetchWith(srv.url('/list.txt'), { allowedHosts: [] }),
      'forbidden-target',
    )
    expect(err.message).toContain('loopback')
    expect(err.message).toContain('fetchAllowedHosts')
    expect(err.toAppError().code).toBe('fetch_target_forbidden')
    await expectFetchError(
      fetchWith(`http://[::1]:${portOf(srv)}/list.txt`, { allowedHosts: [] }),
      'forbidden-target',
    )
    expect(hits()).toBe(before)
  })

  it('fetches from a host the user allowed, by address or by name', async () => {
    const byAddress = await fetchWith(srv.url('/list.txt'), { allowedHosts: ['127.0.0.1'] })
    if (byAddress.status !== 'ok') throw new Error('expected ok')
    expect(await readText(byAddress.body)).toBe(BODY)
    const dns = resolver({ 'feeds.intranet.test': ['127.0.0.1'] })
    const byName = await fetchWith(`http://feeds.intranet.test:${portOf(srv)}/list.txt`, {
      allowedHosts: ['FEEDS.intranet.test'],
      resolve: dns.resolve,
    })
    if (byName.status !== 'ok') throw new Error('expected ok')
    expect(await readText(byName.body)).toBe(BODY)
  })

  it('judges the address a name resolves to at connect time, every address of it', async () => {
    const before = hits()
    const dns = resolver({
      'rebind.example.test': ['127.0.0.1'],
      'mixed.example.test': ['93.184.216.34', '::ffff:127.0.0.1'],
      'cgnat.example.test': ['100.64.1.2'],
    })
    const policy = { allowedHosts: [], resolve: dns.resolve }
    const err = await expectFetchError(
      fetchWith(`http://rebind.example.test:${portOf(srv)}/list.txt`, policy),
      'forbidden-target',
    )
    expect(err.message).toContain('rebind.example.test resolves to 127.0.0.1')
    expect(err.details).toMatchObject({ host: 'rebind.example.test', range: 'loopback' })
    const mixed = await expectFetchError(
      fetchWith(`http://mixed.example.test:${portOf(srv)}/list.txt`, policy),
      'forbidden-target',
    )
    expect(mixed.message).toContain('::ffff:127.0.0.1')
    await expectFetchError(
      fetchWith(`http://cgnat.example.test:${portOf(srv)}/list.txt`, policy),
      'forbidden-target',
    )
    // The connection's own lookup is the check: each download asked the resolver itself.
    expect(dns.asked).toEqual(['rebind.example.test', 'mixed.example.test', 'cgnat.example.test'])
    expect(hits()).toBe(before)
  })

  it('checks every redirect hop, however the target is spelled', async () => {
    const dns = resolver({
      'feeds.example.test': ['127.0.0.1'],
      'inside.example.test': ['127.0.0.1'],
    })
    const policy = { allowedHosts: ['feeds.example.test'], resolve: dns.resolve }
    const hops = {
      '/to-name': `http://inside.example.test:${portOf(other)}/list.txt`,
      '/to-hex': `http://0x7f.1:${portOf(other)}/list.txt`,
      '/to-decimal': `http://2130706433:${portOf(other)}/list.txt`,
      '/to-octal': `http://0177.0.0.1:${portOf(other)}/list.txt`,
      '/to-localhost': `http://localhost:${portOf(other)}/list.txt`,
      '/to-mapped': `http://[::ffff:7f00:1]:${portOf(other)}/list.txt`,
    }
    const before = other.requestsTo('/list.txt').length
    for (const [path, location] of Object.entries(hops)) {
      srv.route(path, serve.redirect(location))
      const err = await expectFetchError(
        fetchWith(`http://feeds.example.test:${portOf(srv)}${path}`, policy),
        'forbidden-target',
      )
      expect(err.message, path).toMatch(/loopback/)
      expect(srv.requestsTo(path), path).toHaveLength(1)
    }
    expect(other.requestsTo('/list.txt')).toHaveLength(before)
  })

  it('leaves downloads without a policy (desktop, CLI) free to reach loopback', async () => {
    const r = await fetchWith(srv.url('/list.txt'), undefined)
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe(BODY)
  })
})

describe('fetchFeed: credentials and other origins', () => {
  it('sends the auth only to the origins the caller names, also after a redirect', async () => {
    const key = 'origin-key-1'
    other.route('/named.txt', serve.bytes(BODY, { contentType: 'text/plain' }))
    srv.route('/hop-named', serve.redirect(other.url('/named.txt')))
    const auth = { kind: 'header' as const, name: 'Auth-Key', value: key }
    const named = await fetchWith(srv.url('/hop-named'), undefined, {
      auth,
      credentialOrigins: [other.origin],
    })
    if (named.status !== 'ok') throw new Error('expected ok')
    await readText(named.body)
    expect(other.requestsTo('/named.txt').at(-1)?.headers['auth-key']).toBe(key)

    // Given, the list is the whole list: the URL's own origin is not implied.
    const direct = await fetchWith(other.url('/named.txt'), undefined, {
      auth,
      credentialOrigins: [srv.origin],
    })
    if (direct.status !== 'ok') throw new Error('expected ok')
    await readText(direct.body)
    expect(other.requestsTo('/named.txt').at(-1)?.headers['auth-key']).toBeUndefined()
  })
})
