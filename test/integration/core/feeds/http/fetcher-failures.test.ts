import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchFeed, type FetchRequest } from '#core/feeds/http/fetcher'
import {
  serve,
  startFixtureServer,
  zipArchive,
  type FixtureServer,
} from '../../../../support/fixture-server'
import { expectFetchError, readText, testDeps } from './helpers'

const KiB = 1024
const FAST = { backoffBaseMs: 10, headersTimeoutMs: 5_000, idleTimeoutMs: 5_000 }
const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Guest Wi-Fi &amp; <b>Login</b>\u0007</title></head>
<body><form action="/login" method="post"><input name="user"><input type="password" name="pw"></form></body></html>`

let srv: FixtureServer
beforeAll(async () => {
  srv = await startFixtureServer()
})
afterAll(async () => {
  await srv.close()
})

const get = (path: string, extra: Partial<FetchRequest> = {}, deps = testDeps()) =>
  fetchFeed({ url: srv.url(path), expect: 'csv', limits: FAST, ...extra }, deps)

/** Resolves the body stream of a successful fetch; its failures show up while reading. */
const bodyOf = async (
  path: string,
  extra: Partial<FetchRequest> = {},
): Promise<AsyncIterable<Uint8Array>> => {
  const r = await get(path, extra)
  if (r.status !== 'ok') throw new Error(`expected ok, got ${r.status}`)
  return r.body
}

describe('fetchFeed: failures after the body started (thrown from the body iterator)', () => {
  it('reports a body shorter than its Content-Length as truncated', async () => {
    srv.route(
      '/short',
      serve.truncated('a'.repeat(20 * KiB), 100 * KiB, { contentType: 'text/csv' }),
    )
    const body = await bodyOf('/short', { limits: { ...FAST, retries: 0 } })
    const err = await expectFetchError(readText(body), 'truncated')
    expect(err.message).toContain('20.0 KiB of 100.0 KiB')
    expect(err.message).toContain('incomplete')
  })

  it('reports a connection reset mid-body as a network error', async () => {
    srv.route('/reset', serve.reset('b'.repeat(64 * KiB), { contentType: 'text/csv' }))
    const body = await bodyOf('/reset')
    const err = await expectFetchError(readText(body), 'network')
    expect(err.message).toContain('connection reset')
    expect(srv.requestsTo('/reset')).toHaveLength(1)
  })

  it('times out when the server goes silent longer than idleTimeoutMs', async () => {
    srv.route('/stall', serve.stall('c'.repeat(16 * KiB), { contentType: 'text/csv' }))
    const body = await bodyOf('/stall', { limits: { ...FAST, idleTimeoutMs: 300 } })
    const err = await expectFetchError(readText(body), 'timeout')
    expect(err.message).toContain('idle timeout')
  })

  it('enforces the total timeout on a slow drip', async () => {
    const chunks = Array.from({ length: 200 }, () => 'd'.repeat(10 * KiB))
    srv.route('/drip', serve.drip(chunks, 20, { contentType: 'text/csv' }))
    const body = await bodyOf('/drip', { limits: { ...FAST, totalTimeoutMs: 400 } })
    const err = await expectFetchError(readText(body), 'timeout')
    expect(err.message).toContain('total timeout')
  })

  it('accepts a slow drip that stays within the limits', async () => {
    srv.route('/drip-ok', serve.drip(['1,a\n', '2,b\n', '3,c\n'], 30, { contentType: 'text/csv' }))
    expect(await readText(await bodyOf('/drip-ok'))).toBe('1,a\n2,b\n3,c\n')
  })

  it('stops a chunked body that grows past maxResponseBytes', async () => {
    srv.route(
      '/endless',
      serve.stream(
        async function* () {
          for (let i = 0; i < 1000; i++) yield Buffer.alloc(64 * KiB, 0x41)
        },
        { contentType: 'text/csv' },
      ),
    )
    const r = await get('/endless', { limits: { ...FAST, maxResponseBytes: 512 * KiB } })
    if (r.status !== 'ok') throw new Error('expected ok')
    const err = await expectFetchError(readText(r.body), 'too-large')
    expect(err.message).toContain('512.0 KiB')
    expect(r.bytesIn()).toBeLessThanOrEqual(512 * KiB + 64 * KiB)
  })
})

describe('fetchFeed: failures before the body is handed over', () => {
  it('rejects a Content-Length above maxResponseBytes without reading', async () => {
    srv.route('/big', serve.bytes('e'.repeat(10 * KiB), { contentType: 'text/csv' }))
    const err = await expectFetchError(
      get('/big', { limits: { ...FAST, maxResponseBytes: KiB } }),
      'too-large',
    )
    expect(err.message).toContain('announces 10.0 KiB')
    expect(srv.requestsTo('/big')).toHaveLength(1)
  })

  it('times out waiting for headers, with retries', async () => {
    srv.route('/hang', serve.hang())
    const deps = testDeps()
    const err = await expectFetchError(
      get('/hang', { limits: { ...FAST, headersTimeoutMs: 200, retries: 1 } }, deps),
      'timeout',
    )
    expect(err.message).toContain('no response headers within 200 ms')
    expect(err.message).toContain('Gave up after 2 attempts')
    expect(srv.requestsTo('/hang')).toHaveLength(2)
  })

  it('cancels during the backoff wait at once', async () => {
    let hit!: () => void
    const firstHit = new Promise<void>((resolve) => (hit = resolve))
    srv.route('/cancel-wait', (_req, res) => {
      hit()
      res.writeHead(503).end()
    })
    const controller = new AbortController()
    const deps = { ...testDeps(), sleep: undefined }
    const pending = get(
      '/cancel-wait',
      { signal: controller.signal, limits: { ...FAST, backoffBaseMs: 600_000 } },
      deps,
    )
    await firstHit
    controller.abort()
    const err = await expectFetchError(pending, 'cancelled')
    expect(err.message).toContain('cancelled')
    expect(srv.requestsTo('/cancel-wait')).toHaveLength(1)
  })

  it('cancels a body being read', async () => {
    srv.route('/cancel-body', serve.stall('f'.repeat(16 * KiB), { contentType: 'text/csv' }))
    const controller = new AbortController()
    const r = await get('/cancel-body', { signal: controller.signal })
    if (r.status !== 'ok') throw new Error('expected ok')
    const reading = readText(r.body)
    controller.abort()
    await expectFetchError(reading, 'cancelled')
  })

  it('fails at once when the signal is already aborted', async () => {
    await expectFetchError(get('/anything', { signal: AbortSignal.abort() }), 'cancelled')
  })
})

describe('fetchFeed: content sniffing', () => {
  it('reports an HTML login page served with 200 as a captive portal, with its title', async () => {
    srv.route('/portal', serve.bytes(LOGIN_PAGE, { contentType: 'text/html; charset=utf-8' }))
    const err = await expectFetchError(get('/portal'), 'captive-portal')
    expect(err.message).toContain(srv.url('/portal'))
    expect(err.message).toContain('login or captive-portal page titled "Guest Wi-Fi &amp; Login"')
  })

  it('sniffs megabytes of leading whitespace (one unzipped chunk) without overflowing the regex stack', async () => {
    const blank = ' '.repeat(4 * 1024 * KiB)
    const zip = await zipArchive([{ name: 'blank.csv', data: blank }])
    srv.route('/blank.zip', serve.bytes(zip, { contentType: 'application/zip' }))
    const r = await get('/blank.zip')
    expect(r.status).toBe('ok')
    if (r.status === 'ok') expect((await readText(r.body)).length).toBe(blank.length)
  })

  it('refuses binary data (an image) where text was expected, naming what it looks like', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR'),
    ])
    srv.route('/image', serve.bytes(png, { contentType: 'text/plain' }))
    const err = await expectFetchError(get('/image', { expect: 'text' }), 'content-type')
    expect(err.message).toContain('binary data (a NUL byte at offset 8; it looks like a PNG image)')
  })

  it('sees through a login page that claims to be CSV', async () => {
    srv.route('/portal-csv', serve.bytes(LOGIN_PAGE, { contentType: 'text/csv' }))
    await expectFetchError(get('/portal-csv'), 'captive-portal')
  })

  it('detects a gzipped HTML page as well', async () => {
    srv.route(
      '/portal-gz',
      serve.gzip(`\uFEFF  <!-- banner -->\n${LOGIN_PAGE}`, { contentType: 'text/html' }),
    )
    await expectFetchError(get('/portal-gz', { expect: 'json' }), 'captive-portal')
  })

  it('rejects text/html where CSV is expected', async () => {
    srv.route('/html-csv', serve.bytes('<div>maintenance</div>', { contentType: 'text/html' }))
    const err = await expectFetchError(get('/html-csv'), 'content-type')
    expect(err.message).toContain('Content-Type text/html where csv data was expected')
  })

  it('accepts JSON mislabelled as text/html and logs a warning', async () => {
    srv.route('/html-json', serve.bytes('{"a":1}', { contentType: 'text/html' }))
    const deps = testDeps()
    const r = await get('/html-json', { expect: 'json' }, deps)
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe('{"a":1}')
    expect(deps.logger.lines.some((l) => l.includes('content type mismatch'))).toBe(true)
  })

  it('rejects a body that is not JSON when JSON is expected', async () => {
    srv.route('/not-json', serve.bytes('hello, world', { contentType: 'application/json' }))
    const err = await expectFetchError(get('/not-json', { expect: 'json' }), 'content-type')
    expect(err.message).toContain('should return JSON but the body starts with "hello, world"')
    srv.route('/empty-json', serve.bytes('', { contentType: 'application/json' }))
    const empty = await expectFetchError(get('/empty-json', { expect: 'json' }), 'content-type')
    expect(empty.message).toContain('is empty')
  })

  it('hands invalid JSON that starts like JSON to the parser (the fetcher does not parse)', async () => {
    srv.route('/bad-json', serve.bytes('{"objects": [1, 2,', { contentType: 'application/json' }))
    const r = await get('/bad-json', { expect: 'json' })
    if (r.status !== 'ok') throw new Error('expected ok')
    expect(await readText(r.body)).toBe('{"objects": [1, 2,')
  })

  it('rejects a wrong TAXII media type', async () => {
    srv.route('/taxii-plain', serve.bytes('{}', { contentType: 'text/plain' }))
    const plain = await expectFetchError(get('/taxii-plain', { expect: 'taxii' }), 'content-type')
    expect(plain.message).toContain('expected application/taxii+json;version=2.1')
    srv.route('/taxii-20', serve.bytes('{}', { contentType: 'application/taxii+json;version=2.0' }))
    const old = await expectFetchError(get('/taxii-20', { expect: 'taxii' }), 'content-type')
    expect(old.message).toContain('TAXII 2.0; only 2.1 is supported')
  })

  it('does not mistake HTML inside CSV fields for a page', async () => {
    const csv = '"1","<b>tag</b>","http://x.test/<script>"\n'
    srv.route('/html-in-csv', serve.bytes(csv, { contentType: 'text/csv' }))
    expect(await readText(await bodyOf('/html-in-csv'))).toBe(csv)
  })
})
