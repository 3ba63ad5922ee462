import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  gzipZeros,
  serve,
  startFixtureServer,
  type FixtureServer,
  type Handler,
} from '../../../../support/fixture-server'
import { countRows, countsOf, nextEvent, openTestCore, type TestCore } from './engine-support'

// 40 distinct addresses: with a batch size of 3 these would be 14 transactions if a run were not staged.
const IPS = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1}`)
const LIST = IPS.join('\n') + '\n'
const text = { contentType: 'text/plain; charset=utf-8' }

describe('feed runs over HTTP', () => {
  let t: TestCore
  let srv: FixtureServer
  beforeAll(async () => {
    srv = await startFixtureServer()
  })
  afterAll(async () => {
    await srv.close()
  })
  beforeEach(async () => {
    t = await openTestCore({ batchSize: 3 })
  })
  afterEach(async () => {
    await t.close()
  })

  const feedAt = (
    path: string,
    format: 'text' | 'stix-bundle' | 'urlhaus-csv' = 'text',
    name = path,
  ) => t.core.call('feeds.create', { name, format, url: srv.url(path) })

  it('reports download progress between batches and ends on the final counts', async () => {
    // 2,000 addresses (~28 KB) in eight chunks 300 ms apart: past the fetcher's 8 KiB sniff, slower than the
    // progress interval, and each chunk far below a parser batch.
    const many = Array.from({ length: 2000 }, (_, i) => `10.77.${i >> 8}.${i & 255}`)
    const body = many.join('\n') + '\n'
    const chunks = Array.from(
      { length: 8 },
      (_, k) => many.slice(k * 250, k * 250 + 250).join('\n') + '\n',
    )
    srv.route('/drip.txt', serve.drip(chunks, 300, text))
    const feed = await feedAt('/drip.txt')
    const seen: { phase: string; bytes: number; rows: number }[] = []
    const off = t.core.events.on('feeds.onDidProgress', (p) => {
      if (p.feedId === feed.id) seen.push({ phase: p.phase, bytes: p.bytes, rows: p.rows })
    })
    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    off()
    expect(run.rows).toBe(2000)
    // Bytes moved while the body was still arriving, before the whole list was read.
    const downloading = seen.filter((p) => p.phase === 'staging' && p.bytes > 0)
    expect(downloading.some((p) => p.bytes < body.length)).toBe(true)
    // The last event is the final state, not whatever the throttle let through last.
    expect(seen.at(-1)).toEqual({ phase: 'finishing', bytes: body.length, rows: 2000 })
  })

  it('fetches a feed from an IPv6 literal address (http://[::1]:port/)', async () => {
    const v6 = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(LIST)
    })
    await new Promise<void>((resolve) => v6.listen(0, '::1', resolve))
    try {
      const { port } = v6.address() as AddressInfo
      const feed = await t.core.call('feeds.create', {
        name: 'intranet v6',
        format: 'text',
        url: `http://[::1]:${port}/list.txt`,
      })
      expect(feed.url).toBe(`http://[::1]:${port}/list.txt`)
      const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
      expect(countsOf(run)).toMatchObject({ status: 'succeeded', rows: 40, created: 40 })
    } finally {
      await new Promise<void>((resolve) => v6.close(() => resolve()))
    }
  })

  it('records a 304 as an "unchanged" run and keeps the ETag only after a good run', async () => {
    srv.route('/etag.txt', serve.etag('"v1"', serve.bytes(LIST, text)))
    const feed = await feedAt('/etag.txt')
    const first = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(countsOf(first)).toEqual({
      status: 'succeeded',
      rows: 40,
      created: 40,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      rejected: 0,
      byType: { ip: 40 },
    })
    expect(first.bytes).toBe(LIST.length)
    const second = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(countsOf(second)).toEqual({
      status: 'unchanged',
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      rejected: 0,
      byType: {},
    })
    expect(srv.requestsTo('/etag.txt')[1]?.headers['if-none-match']).toBe('"v1"')
    expect((await t.core.call('feeds.get', { id: feed.id })).lastRun?.id).toBe(second.id)
  })

  it('counts a re-run of the same download as unchanged', async () => {
    srv.route('/same.txt', serve.bytes(LIST, text))
    const feed = await feedAt('/same.txt')
    await t.core.call('feeds.run', { id: feed.id, wait: true })
    const again = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(countsOf(again)).toMatchObject({
      status: 'succeeded',
      rows: 40,
      created: 0,
      unchanged: 40,
    })
  })

  const misbehaving: [
    string,
    () => Handler | Promise<Handler>,
    RegExp,
    ('text' | 'stix-bundle')?,
  ][] = [
    [
      'an idle server (slow drip)',
      () => serve.stall(LIST.slice(0, 60), text),
      /timeout|idle|silent|no data/i,
    ],
    [
      'a truncated body',
      () => serve.truncated(LIST, LIST.length + 5000, text),
      /truncat|incomplete|ends early|closed/i,
    ],
    [
      'a connection reset',
      () => serve.reset(LIST.repeat(50), text),
      /reset|network|closed|truncat/i,
    ],
    ['HTTP 500 on every attempt', () => serve.status(500, 'oops'), /500/],
    ['429 asking to wait an hour', () => serve.retryAfter('3600'), /429|retry/i],
    [
      'a decompression bomb',
      async () => serve.gzip(await gzipZeros(64 * 1024 * 1024), text),
      /bomb|limit|exceeds/i,
    ],
    [
      'a wrong content type (CSV where a STIX bundle is expected)',
      () => serve.bytes(LIST, { contentType: 'text/csv' }),
      /JSON/,
      'stix-bundle',
    ],
    [
      'a login page instead of data',
      () =>
        serve.bytes(
          '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"><input type="password" name="p"></form></body></html>',
          { contentType: 'text/html' },
        ),
      /login|captive|html/i,
    ],
  ]

  for (const [what, handler, reason, format = 'text'] of misbehaving) {
    it(`fails the run and writes nothing on ${what}`, async () => {
      const path = `/bad-${what.replace(/\W+/g, '-')}`
      srv.route(path, await handler())
      const feed = await feedAt(path, format)
      const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
      expect(run.status).toBe('failed')
      expect(run.error).toMatch(reason)
      expect(run.created).toBe(0)
      expect(countRows(t.core, 'indicators')).toBe(0)
      expect(countRows(t.core, 'observations')).toBe(0)
    })
  }

  it('fails on a redirect loop and on invalid JSON, writing nothing', async () => {
    srv.route('/loop-a', serve.redirect('/loop-b'))
    srv.route('/loop-b', serve.redirect('/loop-a'))
    const loop = await t.core.call('feeds.run', { id: (await feedAt('/loop-a')).id, wait: true })
    expect(loop.status).toBe('failed')
    expect(loop.error).toMatch(/redirect/i)

    const objects = IPS.map((ip, i) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      created: '2025-05-01T00:00:00.000Z',
      modified: '2025-05-01T00:00:00.000Z',
      pattern: `[ipv4-addr:value = '${ip}']`,
      pattern_type: 'stix',
      valid_from: '2025-05-01T00:00:00.000Z',
    }))
    const broken = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }).slice(0, -40)
    srv.route('/broken.json', serve.bytes(broken, { contentType: 'application/json' }))
    const json = await t.core.call('feeds.run', {
      id: (await feedAt('/broken.json', 'stix-bundle')).id,
      wait: true,
    })
    expect(json.status).toBe('failed')
    expect(json.error).toMatch(/JSON|end|truncat|incomplete/i)
    expect(countRows(t.core, 'indicators')).toBe(0)
  })

  it('records observations from two feeds for the same indicator ("seen by 2 sources")', async () => {
    srv.route('/one.txt', serve.bytes('198.51.100.7\nexample.org\n', text))
    srv.route('/two.txt', serve.bytes('198.51.100.7\n', text))
    const one = await feedAt('/one.txt', 'text', 'Feed One')
    const two = await feedAt('/two.txt', 'text', 'Feed Two')
    await t.core.call('feeds.run', { id: one.id, wait: true })
    const second = await t.core.call('feeds.run', { id: two.id, wait: true })
    expect(second.unchanged + second.updated).toBe(1)
    const ip = await t.core.call('indicators.lookup', { type: 'ip', value: '198.51.100.7' })
    if (!ip) throw new Error('not imported')
    const seen = await t.core.call('observations.list', { indicatorId: ip.id })
    expect(seen.total).toBe(2)
    expect(seen.items.map((o) => o.source).sort()).toEqual(['Feed One', 'Feed Two'])
    expect(countRows(t.core, 'indicators')).toBe(2)
  })

  it('runs one feed at a time, and cancels a download in flight without writing', async () => {
    let release!: () => void
    const arrived = new Promise<void>((r) => (release = r))
    srv.route('/slow.txt', (_req, res) => {
      res.writeHead(200, text)
      res.write(LIST)
      // Then a line every 50 ms, never the end: only the cancel stops this run (and no idle timeout does).
      let n = 0
      const timer = setInterval(() => res.write(`203.0.113.${(n++ % 250) + 1}\n`), 50)
      res.on('close', () => clearInterval(timer))
      release()
    })
    const feed = await feedAt('/slow.txt')
    const started = await t.core.call('feeds.run', { id: feed.id })
    expect(['queued', 'running']).toContain(started.status)
    await expect(t.core.call('feeds.run', { id: feed.id })).rejects.toThrow(/already running/)
    expect((await t.core.call('feeds.get', { id: feed.id })).running).toBe(true)
    await arrived
    const finished = nextEvent(t.core, 'feeds.onDidFinishRun', (p) => p.run.id === started.id)
    await t.core.call('feeds.cancel', { runId: started.id })
    const { run } = await finished
    expect(run.status).toBe('cancelled')
    expect(run.error).toContain('nothing was written')
    expect(countRows(t.core, 'indicators')).toBe(0)
  })
})
