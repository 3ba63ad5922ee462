import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMispFeedClient, type MispHash } from '#core/feeds/protocols/misp-feed.client'
import { serve, startFixtureServer, type FixtureServer } from '../../../../support/fixture-server'
import { expectFetchError, testDeps } from '../http/helpers'
import { writeMispFeed, type MispFeedFixture } from './misp-feed-fixture'

let srv: FixtureServer
let tmp: string
let feed: MispFeedFixture
let httpBase: string

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'te-'))
  feed = writeMispFeed(join(tmp, 'feed'))
  srv = await startFixtureServer()
  srv.route(
    '/misp/manifest.json',
    serve.file(join(feed.dir, 'manifest.json'), { contentType: 'application/json' }),
  )
  for (const uuid of feed.uuids)
    srv.route(
      `/misp/${uuid}.json`,
      serve.file(join(feed.dir, `${uuid}.json`), { contentType: 'application/json' }),
    )
  // hashes.csv compressed on the wire, as MISP instances behind nginx serve it.
  srv.route(
    '/misp/hashes.csv',
    serve.gzip(readFileSync(join(feed.dir, 'hashes.csv')), { contentType: 'text/csv' }),
  )
  httpBase = srv.url('/misp/')
})
afterAll(async () => {
  await srv.close()
  rmSync(tmp, { recursive: true, force: true })
})

const client = (extra: Partial<Parameters<typeof createMispFeedClient>[0]> = {}) =>
  createMispFeedClient({ deps: testDeps(), limits: { backoffBaseMs: 10 }, ...extra })

const allHashes = async (batches: AsyncIterable<MispHash[]>): Promise<MispHash[]> => {
  const out: MispHash[] = []
  for await (const b of batches) out.push(...b)
  return out
}

describe.each([
  ['http', () => httpBase],
  ['a local directory', () => feed.dir],
  ['a file: URL', () => pathToFileURL(feed.dir).toString()],
])('MISP feed client over %s', (_name, base) => {
  it('reads the manifest, keeping valid entries and explaining the rejected ones', async () => {
    const m = await client().manifest(base())
    expect(Object.keys(m.events).sort()).toEqual([...feed.uuids].sort())
    for (const uuid of feed.uuids) expect(m.events[uuid]?.timestamp).toBe(feed.timestamps[uuid])
    expect(m.events[feed.uuids[0]]?.Orgc?.name).toBe('CIRCL')
    expect(m.events[feed.uuids[0]]?.Tag?.map((t) => t.name)).toEqual([
      'tlp:green',
      'misp-galaxy:threat-actor="Sofacy"',
    ])
    expect(m.rejects.map((r) => r.key)).toEqual([
      'not-a-uuid',
      '5f1e2d3c-0009-4a5b-8c9d-000000000009',
    ])
    expect(m.rejects[0]?.reason).toBe('manifest key is not an event uuid')
    expect(m.rejects[1]?.reason).toContain('timestamp')
  })

  it('fetches an event file and checks it is the event asked for', async () => {
    const e = await client().event(base(), feed.uuids[1])
    expect(e.Event['uuid']).toBe(feed.uuids[1])
    expect(e.Event['info']).toBe('Fixture event 2 — "quoted" & <tagged>')
    expect(e.Event['Attribute']).toHaveLength(3)
  })

  it('streams hashes.csv exactly, skipping blank and malformed lines', async () => {
    const hashes = await allHashes(client().hashes(base()))
    expect(hashes.map(({ md5, eventUuid }) => ({ md5, eventUuid }))).toEqual(feed.hashLines)
    expect(hashes.map((h) => h.line)).toEqual([1, 2, 5, 6, 7, 8, 9, 10, 11])
  })
})

describe('MISP feed client: sync decisions and failures', () => {
  it('lists only new or newer events, oldest first, and fetches only those', async () => {
    const c = client()
    const m = await c.manifest(httpBase)
    const [first, second, third] = feed.uuids
    const known = new Map([
      [first, feed.timestamps[first]], // unchanged
      [third, feed.timestamps[third] - 60], // updated since
    ])
    const changed = c.changedEvents(m, known)
    expect(changed).toEqual([second, third]) // second is older than third
    for (const uuid of changed) await c.event(httpBase, uuid)
    expect(srv.requestsTo(`/misp/${first}.json`)).toHaveLength(0)
    expect(c.changedEvents(m, new Map(feed.uuids.map((u) => [u, feed.timestamps[u]])))).toEqual([])
  })

  it('refuses a uuid that is not a uuid (no path traversal on local feeds)', async () => {
    const before = srv.requests.length
    const err = await expectFetchError(client().event(feed.dir, '../../etc/passwd'), 'content-type')
    expect(err.message).toContain('is not a MISP event uuid')
    await expectFetchError(client().event(httpBase, '../manifest'), 'content-type')
    expect(srv.requests.length).toBe(before)
  })

  it('rejects an event file holding another event', async () => {
    const [first, second] = feed.uuids
    srv.route(
      `/swapped/${first}.json`,
      serve.file(join(feed.dir, `${second}.json`), { contentType: 'application/json' }),
    )
    const err = await expectFetchError(client().event(srv.url('/swapped/'), first), 'content-type')
    expect(err.message).toContain(`holds event "${second}", not ${first}`)
  })

  it('caps the size of an event file', async () => {
    const err = await expectFetchError(
      client({ maxEventBytes: 200 }).event(feed.dir, feed.uuids[0]),
      'too-large',
    )
    expect(err.message).toContain('200 B')
    await expectFetchError(
      client({ maxEventBytes: 200 }).event(httpBase, feed.uuids[0]),
      'too-large',
    )
  })

  it('reports a missing file as a 404 for http and local feeds alike', async () => {
    const local = await expectFetchError(
      allHashes(client().hashes(join(tmp, 'nowhere'))),
      'http-status',
    )
    expect(local.details.status).toBe(404)
    const remote = await expectFetchError(
      allHashes(client().hashes(srv.url('/nowhere/'))),
      'http-status',
    )
    expect(remote.details.status).toBe(404)
  })

  it('explains an invalid manifest', async () => {
    srv.route('/broken/manifest.json', serve.bytes('[1, 2', { contentType: 'application/json' }))
    const bad = await expectFetchError(client().manifest(srv.url('/broken/')), 'content-type')
    expect(bad.message).toContain('invalid JSON')
    srv.route('/array/manifest.json', serve.bytes('[1, 2]', { contentType: 'application/json' }))
    const shape = await expectFetchError(client().manifest(srv.url('/array/')), 'content-type')
    expect(shape.message).toContain('not a valid MISP feed manifest')
  })
})
