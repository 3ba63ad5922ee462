import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeStream } from '#core/feeds/decode/decode'
import { fetchFeed } from '#core/feeds/http/fetcher'
import {
  gzipZeros,
  serve,
  startFixtureServer,
  zipArchive,
  type FixtureServer,
} from '../../../../support/fixture-server'
import { assertFetchError, expectFetchError, testDeps } from './helpers'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
// Low enough that buffering the accepted part would already break the RSS bound.
const CAP = 256 * MiB
const RSS_BOUND = 100 * MiB

let srv: FixtureServer
let gzBomb: Buffer
let zipBomb: Buffer
let lyingZipBomb: Buffer
let dir: string

beforeAll(async () => {
  srv = await startFixtureServer()
  dir = mkdtempSync(join(tmpdir(), 'te-'))
  gzBomb = await gzipZeros(GiB)
  zipBomb = await zipArchive([{ name: 'urlhaus.csv', zeros: GiB }])
  lyingZipBomb = await zipArchive([{ name: 'urlhaus.csv', zeros: GiB, declaredSize: 1000 }])
})
afterAll(async () => {
  await srv.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Reads to the end or the first error, tracking the peak RSS growth over the starting point. */
const drain = async (
  body: AsyncIterable<Uint8Array>,
): Promise<{ error: unknown; bytes: number; rssGrowth: number }> => {
  const before = process.memoryUsage.rss()
  let peak = before
  let bytes = 0
  let error: unknown
  let n = 0
  try {
    for await (const c of body) {
      bytes += c.length
      if (++n % 64 === 0) peak = Math.max(peak, process.memoryUsage.rss())
    }
  } catch (e) {
    error = e
  }
  peak = Math.max(peak, process.memoryUsage.rss())
  return { error, bytes, rssGrowth: peak - before }
}

describe('decompression bombs', () => {
  it('fixtures really are bombs: ~1 MiB that expands to 1 GiB', () => {
    expect(gzBomb.length).toBeLessThan(2 * MiB)
    expect(zipBomb.length).toBeLessThan(2 * MiB)
  })

  it('aborts a gzip Content-Encoding bomb at the cap with bounded memory', async () => {
    srv.route(
      '/bomb-ce',
      serve.bytes(gzBomb, { contentType: 'text/csv', headers: { 'content-encoding': 'gzip' } }),
    )
    const r = await fetchFeed(
      { url: srv.url('/bomb-ce'), expect: 'csv', limits: { maxDecompressedBytes: CAP } },
      testDeps(),
    )
    if (r.status !== 'ok') throw new Error('expected ok')
    const { error, bytes, rssGrowth } = await drain(r.body)
    assertFetchError(error, 'bomb')
    expect(bytes).toBeLessThanOrEqual(CAP)
    expect(bytes).toBeGreaterThan(CAP - MiB)
    expect(r.bytesIn()).toBeLessThan(gzBomb.length)
    expect(rssGrowth).toBeLessThan(RSS_BOUND)
  })

  it('aborts a .gz body bomb (magic bytes, no Content-Encoding)', async () => {
    srv.route('/bomb.csv.gz', serve.bytes(gzBomb, { contentType: 'application/octet-stream' }))
    const r = await fetchFeed(
      { url: srv.url('/bomb.csv.gz'), expect: 'csv', limits: { maxDecompressedBytes: CAP } },
      testDeps(),
    )
    if (r.status !== 'ok') throw new Error('expected ok')
    const { error, rssGrowth } = await drain(r.body)
    const err = assertFetchError(error, 'bomb')
    expect(err.message).toContain('256.0 MiB limit')
    expect(err.message).toContain(srv.url('/bomb.csv.gz'))
    expect(rssGrowth).toBeLessThan(RSS_BOUND)
  })

  it('rejects a zip entry that declares more than the cap before inflating', async () => {
    srv.route('/bomb.zip', serve.bytes(zipBomb, { contentType: 'application/zip' }))
    const err = await expectFetchError(
      fetchFeed(
        { url: srv.url('/bomb.zip'), expect: 'csv', limits: { maxDecompressedBytes: CAP } },
        testDeps(),
      ),
      'bomb',
    )
    expect(err.message).toContain('declares 1.0 GiB')
  })

  it('aborts a zip bomb that lies about its size, with bounded memory', async () => {
    srv.route('/lying.zip', serve.bytes(lyingZipBomb, { contentType: 'application/zip' }))
    const r = await fetchFeed(
      { url: srv.url('/lying.zip'), expect: 'csv', limits: { maxDecompressedBytes: CAP } },
      testDeps(),
    )
    if (r.status !== 'ok') throw new Error('expected ok')
    const { error, bytes, rssGrowth } = await drain(r.body)
    const err = assertFetchError(error, 'bomb')
    expect(err.message).toContain('exceeds the 256.0 MiB limit')
    expect(bytes).toBeLessThanOrEqual(CAP)
    expect(rssGrowth).toBeLessThan(RSS_BOUND)
  })

  it('aborts a gzip bomb read from a local file', async () => {
    const file = join(dir, 'bomb.txt.gz')
    writeFileSync(file, gzBomb)
    const { error, rssGrowth } = await drain(
      decodeStream(createReadStream(file), { maxDecompressedBytes: CAP, label: 'bomb.txt.gz' }),
    )
    const err = assertFetchError(error, 'bomb')
    expect(err.message).toContain('(bomb.txt.gz)')
    expect(rssGrowth).toBeLessThan(RSS_BOUND)
  })
})
