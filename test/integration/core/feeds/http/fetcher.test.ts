import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchFeed, type FetchRequest } from '#core/feeds/http/fetcher'
import {
  serve,
  startFixtureServer,
  zipArchive,
  type FixtureServer,
} from '../../../../support/fixture-server'
import { expectFetchError, readText, testDeps } from './helpers'

const CSV =
  '# URLhaus\n"1","2025-01-01 00:00:00","http://evil.example/a,b","online"\r\n"2","x","http://bad.test/","offline"\n'
const FAST = { backoffBaseMs: 10, headersTimeoutMs: 5_000, idleTimeoutMs: 5_000 }

let srv: FixtureServer
let other: FixtureServer
beforeAll(async () => {
  srv = await startFixtureServer()
  other = await startFixtureServer()
})
afterAll(async () => {
  await srv.close()
  await other.close()
})

const get = (path: string, extra: Partial<FetchRequest> = {}, deps = testDeps()) =>
  fetchFeed({ url: srv.url(path), expect: 'csv', limits: FAST, ...extra }, deps)

const okText = async (path: string, extra: Partial<FetchRequest> = {}): Promise<string> => {
  const r = await get(path, extra)
  if (r.status !== 'ok') throw new Error(`expected ok, got ${r.status}`)
  return readText(r.body)
}

describe('fetchFeed: plain downloads and conditional requests', () => {
  it('streams the body, reports bytes, headers and sends our User-Agent', async () => {
    srv.route(
      '/ok.csv',
      serve.bytes(CSV, {
        contentType: 'text/csv',
        headers: { etag: '"v1"', 'last-modified': 'Sun, 01 Jun 2025 10:00:00 GMT' },
      }),
    )
    const r = await get('/ok.csv')
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe(CSV)
    expect(r.bytesIn()).toBe(Buffer.byteLength(CSV))
    expect(r.etag).toBe('"v1"')
    expect(r.lastModified).toBe('Sun, 01 Jun 2025 10:00:00 GMT')
    expect(r.contentType).toBe('text/csv')
    expect(r.url).toBe(srv.url('/ok.csv'))
    const [req] = srv.requestsTo('/ok.csv')
    expect(req?.headers['user-agent']).toBe('ThreatEye/9.9.9-test')
    expect(req?.headers['accept-encoding']).toBe('gzip, deflate, br')
  })

  it('sends If-None-Match / If-Modified-Since and maps 304 to not-modified', async () => {
    srv.route('/cond.csv', serve.etag('"abc"', serve.bytes(CSV, { contentType: 'text/csv' })))
    const first = await get('/cond.csv')
    if (first.status !== 'ok') throw new Error('expected ok')
    await readText(first.body)
    expect(first.etag).toBe('"abc"')
    const second = await get('/cond.csv', {
      etag: first.etag,
      lastModified: 'Sun, 01 Jun 2025 10:00:00 GMT',
    })
    expect(second).toEqual({ status: 'not-modified' })
    const log = srv.requestsTo('/cond.csv')
    expect(log).toHaveLength(2)
    expect(log[0]?.headers['if-none-match']).toBeUndefined()
    expect(log[1]?.headers['if-none-match']).toBe('"abc"')
    expect(log[1]?.headers['if-modified-since']).toBe('Sun, 01 Jun 2025 10:00:00 GMT')
  })

  it('sends the Accept list it is given', async () => {
    srv.route('/accept.json', serve.bytes('[]', { contentType: 'application/json' }))
    await okText('/accept.json', {
      expect: 'json',
      accept: ['application/json', 'text/plain;q=0.5'],
    })
    expect(srv.requestsTo('/accept.json')[0]?.headers.accept).toBe(
      'application/json, text/plain;q=0.5',
    )
  })

  it('refuses non-http URLs', async () => {
    const err = await expectFetchError(
      fetchFeed({ url: 'file:///etc/passwd', expect: 'text' }, testDeps()),
      'network',
    )
    expect(err.message).toContain('Only http and https')
  })
})

describe('fetchFeed: decompression', () => {
  it.each(['gzip', 'x-gzip', 'deflate', 'br'] as const)(
    'undoes Content-Encoding %s',
    async (encoding) => {
      const body = CSV.repeat(200)
      srv.route(`/enc-${encoding}`, serve.gzip(body, { encoding, contentType: 'text/csv' }))
      const r = await get(`/enc-${encoding}`)
      if (r.status !== 'ok') throw new Error('expected ok')
      expect(await readText(r.body)).toBe(body)
      expect(r.bytesIn()).toBeLessThan(Buffer.byteLength(body) / 5)
    },
  )

  it('gunzips a .gz body detected by its magic bytes', async () => {
    srv.route('/feed.csv.gz', serve.bytes(gzipSync(CSV), { contentType: 'application/gzip' }))
    expect(await okText('/feed.csv.gz')).toBe(CSV)
  })

  it('extracts the first data entry of a zip (directories and __MACOSX skipped)', async () => {
    const zip = await zipArchive([
      { name: 'dump/', data: '' },
      { name: '__MACOSX/._csv.txt', data: 'junk' },
      { name: 'dump/csv.txt', data: CSV.repeat(100) },
      { name: 'dump/other.txt', data: 'not this one' },
    ])
    srv.route('/dump.zip', serve.bytes(zip, { contentType: 'application/zip' }))
    expect(await okText('/dump.zip')).toBe(CSV.repeat(100))
  })

  it('extracts the entry chosen by zipEntry, stored or deflated', async () => {
    const zip = await zipArchive([
      { name: 'README.txt', data: 'read me' },
      { name: 'data.csv', data: CSV, method: 'store' },
    ])
    srv.route('/pick.zip', serve.bytes(zip, { contentType: 'application/zip' }))
    expect(await okText('/pick.zip', { zipEntry: (n) => n.endsWith('.csv') })).toBe(CSV)
  })

  it('leaves a body alone when binary is expected', async () => {
    const gz = gzipSync(CSV)
    srv.route('/raw.gz', serve.bytes(gz, { contentType: 'application/gzip' }))
    const r = await get('/raw.gz', { expect: 'binary' })
    if (r.status !== 'ok') throw new Error('expected ok')
    const parts: Uint8Array[] = []
    for await (const c of r.body) parts.push(c)
    expect(Buffer.concat(parts).equals(gz)).toBe(true)
  })
})

describe('fetchFeed: redirects', () => {
  it('follows a chain within the limit (relative and absolute locations)', async () => {
    srv.route('/r1', serve.redirect('/r2', 301))
    srv.route('/r2', serve.redirect(srv.url('/r3'), 307))
    srv.route('/r3', serve.redirect('r-final', 308))
    srv.route('/r-final', serve.bytes(CSV, { contentType: 'text/csv' }))
    const r = await get('/r1')
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe(CSV)
    expect(r.url).toBe(srv.url('/r-final'))
  })

  it('detects a redirect loop', async () => {
    srv.route('/loop-a', serve.redirect('/loop-b'))
    srv.route('/loop-b', serve.redirect('/loop-a'))
    const err = await expectFetchError(get('/loop-a'), 'redirect-loop')
    expect(err.message).toContain('loop')
    expect(srv.requestsTo('/loop-a')).toHaveLength(1)
  })

  it('stops after maxRedirects', async () => {
    for (let i = 0; i < 8; i++) srv.route(`/hop${i}`, serve.redirect(`/hop${i + 1}`))
    const err = await expectFetchError(
      get('/hop0', { limits: { ...FAST, maxRedirects: 5 } }),
      'redirect-loop',
    )
    expect(err.message).toContain('more than 5 times')
    expect(srv.requestsTo('/hop6')).toHaveLength(0)
  })

  it('never follows a redirect to a non-http scheme', async () => {
    srv.route('/to-ftp', serve.redirect('ftp://127.0.0.1/feed.csv'))
    const err = await expectFetchError(get('/to-ftp'), 'http-status')
    expect(err.message).toContain('ftp:')
  })
})

describe('fetchFeed: authentication', () => {
  it('sends an API key header and strips it on a cross-origin redirect, never logging it', async () => {
    const secret = 'sekret-key-123'
    other.route('/landing.csv', serve.bytes(CSV, { contentType: 'text/csv' }))
    srv.route(
      '/keyed',
      serve.requireHeader('Auth-Key', secret, serve.redirect(other.url('/landing.csv'))),
    )
    const deps = testDeps()
    const r = await get(
      '/keyed',
      {
        auth: { kind: 'header', name: 'Auth-Key', value: secret },
        headers: { 'X-Api-Token': 'tok' },
      },
      deps,
    )
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe(CSV)
    expect(srv.requestsTo('/keyed')[0]?.headers['auth-key']).toBe(secret)
    const landed = other.requestsTo('/landing.csv')[0]
    expect(landed?.headers['auth-key']).toBeUndefined()
    expect(landed?.headers['x-api-token']).toBeUndefined()
    expect(deps.logger.lines.join('\n')).not.toContain(secret)
  })

  it('does basic auth and reports a 401 by its status, without leaking the password', async () => {
    srv.route(
      '/basic.csv',
      serve.basicAuth('alice', 'pa55word', serve.bytes(CSV, { contentType: 'text/csv' })),
    )
    expect(
      await okText('/basic.csv', {
        auth: { kind: 'basic', username: 'alice', password: 'pa55word' },
      }),
    ).toBe(CSV)
    const deps = testDeps()
    const err = await expectFetchError(
      get(
        '/basic.csv',
        { auth: { kind: 'basic', username: 'alice', password: 'wrong-pass' } },
        deps,
      ),
      'http-status',
    )
    expect(err.message).toContain('HTTP 401 Unauthorized')
    expect(err.message).not.toContain('Valid credentials are required')
    expect(err.details.status).toBe(401)
    expect(err.message).not.toContain('wrong-pass')
    expect(deps.logger.lines.join('\n')).not.toContain('wrong-pass')
    expect(deps.sleeps).toEqual([])
  })

  it('redacts credentials embedded in the URL from messages', async () => {
    srv.route('/gone', serve.status(404, 'nope'))
    const url = srv.url('/gone?apikey=topsecret').replace('http://', 'http://bob:hunter2@')
    const err = await expectFetchError(
      fetchFeed({ url, expect: 'csv', limits: FAST }, testDeps()),
      'http-status',
    )
    expect(err.message).not.toMatch(/hunter2|topsecret/)
  })
})

describe('fetchFeed: statuses and retries', () => {
  it('retries 5xx with exponential backoff, then succeeds', async () => {
    srv.route(
      '/flaky',
      serve.status(500, 'oops'),
      serve.status(503),
      serve.bytes(CSV, { contentType: 'text/csv' }),
    )
    const deps = testDeps()
    const r = await get('/flaky', {}, deps)
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe(CSV)
    expect(srv.requestsTo('/flaky')).toHaveLength(3)
    // random pinned at 0.5: base·2^n·(0.5 + 0.25)
    expect(deps.sleeps).toEqual([8, 15])
  })

  it('gives up after the configured retries with the last status', async () => {
    srv.route('/down', serve.status(502, 'bad gateway'))
    const deps = testDeps()
    const err = await expectFetchError(get('/down', {}, deps), 'http-status')
    expect(err.message).toContain('HTTP 502 Bad Gateway')
    expect(err.message).toContain('Gave up after 4 attempts')
    expect(err.details.attempts).toBe(4)
    expect(srv.requestsTo('/down')).toHaveLength(4)
    expect(deps.sleeps).toHaveLength(3)
  })

  it('honours Retry-After in seconds on 429', async () => {
    srv.route('/limited', serve.retryAfter('1'), serve.bytes(CSV, { contentType: 'text/csv' }))
    const deps = testDeps()
    const r = await get('/limited', {}, deps)
    if (r.status !== 'ok') throw new Error('expected ok')
    await readText(r.body)
    expect(deps.sleeps).toEqual([1000])
  })

  it('honours Retry-After as an HTTP date', async () => {
    srv.route(
      '/limited-date',
      serve.retryAfter('Sun, 01 Jun 2025 12:00:30 GMT'),
      serve.bytes(CSV, { contentType: 'text/csv' }),
    )
    const deps = testDeps()
    const r = await get('/limited-date', {}, deps)
    if (r.status !== 'ok') throw new Error('expected ok')
    await readText(r.body)
    expect(deps.sleeps).toEqual([30_000])
  })

  it('fails clearly when Retry-After is beyond maxRetryAfterMs', async () => {
    srv.route('/limited-long', serve.retryAfter('3600'))
    const deps = testDeps()
    const err = await expectFetchError(get('/limited-long', {}, deps), 'http-status')
    expect(err.message).toContain('HTTP 429')
    expect(err.message).toContain('retry after 3600 s')
    expect(deps.sleeps).toEqual([])
    expect(srv.requestsTo('/limited-long')).toHaveLength(1)
  })

  it('fails a 4xx at once with its status only, never quoting the body', async () => {
    const page = `<html><head><title>Intranet wiki</title></head><body><h1>Forbidden</h1>secret-line-${'x'.repeat(50)}</body></html>`
    srv.route('/forbidden', serve.status(403, page, { contentType: 'text/html' }))
    srv.route(
      '/json-error',
      serve.status(404, JSON.stringify({ title: 'Not here', description: 'internal-detail' }), {
        contentType: 'application/json',
      }),
    )
    const deps = testDeps()
    const err = await expectFetchError(get('/forbidden', {}, deps), 'http-status')
    expect(srv.requestsTo('/forbidden')).toHaveLength(1)
    expect(err.message).toBe(`${srv.url('/forbidden')} answered HTTP 403 Forbidden.`)
    const json = await expectFetchError(get('/json-error', {}, deps), 'http-status')
    expect(json.message).toBe(`${srv.url('/json-error')} answered HTTP 404 Not Found.`)
  })

  it('retries refused connections and reports a network error', async () => {
    const closed = await startFixtureServer()
    const url = closed.url('/nothing')
    await closed.close()
    const deps = testDeps()
    const err = await expectFetchError(
      fetchFeed({ url, expect: 'csv', limits: FAST }, deps),
      'network',
    )
    expect(err.message).toContain('connection refused')
    expect(deps.sleeps).toHaveLength(3)
  })

  it('retries a reset that happens before any data reached the consumer', async () => {
    srv.route('/early-reset', serve.reset('a,b\n'), serve.bytes(CSV, { contentType: 'text/csv' }))
    expect(await okText('/early-reset')).toBe(CSV)
    expect(srv.requestsTo('/early-reset')).toHaveLength(2)
  })
})
