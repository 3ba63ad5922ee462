import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  serve,
  startFixtureServer,
  type FixtureServer,
  type Handler,
} from '../../../../support/fixture-server'
import { countRows, openTestCore, type TestCore } from './engine-support'

const TAXII = 'application/taxii+json;version=2.1'
const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116'

const json =
  (body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    const buf = Buffer.from(JSON.stringify(body))
    res
      .writeHead(200, { 'content-type': TAXII, 'content-length': String(buf.length), ...headers })
      .end(buf)
  }

const indicator = (n: number) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2025-05-01T00:00:00.000Z',
  modified: '2025-05-01T00:00:00.000Z',
  name: `C2 ${n}`,
  pattern: `[ipv4-addr:value = '203.0.113.${n}']`,
  pattern_type: 'stix',
  valid_from: '2025-05-01T00:00:00.000Z',
})

/** A TAXII 2.1 server with one collection, `next` paging and X-TAXII-Date-Added-* headers. */
const taxiiServer = (srv: FixtureServer, user: string, pass: string) => {
  const stored: { added: string; obj: unknown }[] = []
  const auth = (h: Handler) => serve.basicAuth(user, pass, h)
  srv.route(
    '/taxii2/',
    auth(
      json({ title: 'Fixture TAXII', default: srv.url('/api1/'), api_roots: [srv.url('/api1/')] }),
    ),
  )
  srv.route(
    '/api1/',
    auth(json({ title: 'API 1', versions: [TAXII], max_content_length: 10_000_000 })),
  )
  srv.route(
    '/api1/collections/',
    auth(
      json({
        collections: [{ id: COLLECTION, title: 'Indicators', can_read: true, can_write: false }],
      }),
    ),
  )
  srv.route(
    `/api1/collections/${COLLECTION}/objects/`,
    auth((_req, res, { url }) => {
      const after = url.searchParams.get('added_after')
      const limit = Number(url.searchParams.get('limit') ?? 100)
      const from = Number(url.searchParams.get('next') ?? 0)
      const visible = stored.filter((s) => !after || Date.parse(s.added) > Date.parse(after))
      const page = visible.slice(from, from + limit)
      const more = from + limit < visible.length
      const headers: Record<string, string> = {}
      if (page.length) {
        headers['x-taxii-date-added-first'] = page[0].added
        headers['x-taxii-date-added-last'] = page[page.length - 1].added
      }
      return json(
        { more, ...(more ? { next: String(from + limit) } : {}), objects: page.map((s) => s.obj) },
        headers,
      )(_req, res, { hit: 0, url })
    }),
  )
  return {
    add: (added: string, obj: unknown) => stored.push({ added, obj }),
    objectRequests: () => srv.requestsTo(`/api1/collections/${COLLECTION}/objects/`),
  }
}

describe('TAXII and MISP feeds', () => {
  let t: TestCore
  let srv: FixtureServer
  beforeEach(async () => {
    t = await openTestCore()
    srv = await startFixtureServer()
  })
  afterEach(async () => {
    await t.close()
    await srv.close()
  })

  it('imports a TAXII collection page by page, persists the cursor, and fetches only new objects next time', async () => {
    const taxii = taxiiServer(srv, 'analyst', 's3cret-pass')
    for (let n = 1; n <= 5; n++) taxii.add(`2025-05-01T00:00:0${n}.000Z`, indicator(n))
    taxii.add('2025-05-01T00:00:06.000Z', {
      type: 'threat-actor',
      spec_version: '2.1',
      id: 'threat-actor--00000000-0000-4000-8000-00000000aaaa',
      created: '2025-05-01T00:00:00.000Z',
      modified: '2025-05-01T00:00:00.000Z',
      name: 'Fixture Bear',
    })
    const feed = await t.core.call('feeds.create', {
      name: 'TAXII',
      format: 'taxii',
      url: srv.url('/taxii2/'),
      auth: { kind: 'basic', username: 'analyst', password: 's3cret-pass' },
      options: { limit: 2 },
    })
    const first = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(first).toMatchObject({ status: 'succeeded', created: 5, rejected: 0, byType: { ip: 5 } })
    expect(first.objects).toBeGreaterThanOrEqual(1)
    expect(taxii.objectRequests()).toHaveLength(3)
    expect(taxii.objectRequests()[0]?.headers.accept).toContain('application/taxii+json')
    const actor = t.core.db.sqlite
      .prepare("SELECT name FROM intel_objects WHERE type = 'threat-actor'")
      .pluck()
      .all()
    expect(actor).toEqual(['Fixture Bear'])

    taxii.add('2025-05-02T00:00:00.000Z', indicator(7))
    taxii.add('2025-05-02T00:00:01.000Z', indicator(8))
    const second = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(second).toMatchObject({ status: 'succeeded', rows: 2, created: 2, unchanged: 0 })
    const incremental = taxii.objectRequests().slice(3)
    expect(incremental).toHaveLength(1)
    expect(new URL(incremental[0].path, srv.origin).searchParams.get('added_after')).toBe(
      '2025-05-01T00:00:06.000Z',
    )
    expect(countRows(t.core, 'indicators')).toBe(7)
    expect(t.logger.lines.join('\n')).not.toContain('s3cret-pass')
  })

  it('does not advance the TAXII cursor when a page fails', async () => {
    const taxii = taxiiServer(srv, 'u', 'p')
    for (let n = 1; n <= 4; n++) taxii.add(`2025-05-01T00:00:0${n}.000Z`, indicator(n))
    const feed = await t.core.call('feeds.create', {
      name: 'TAXII',
      format: 'taxii',
      url: srv.url('/taxii2/'),
      auth: { kind: 'basic', username: 'u', password: 'wrong' },
      options: { limit: 2 },
    })
    const failed = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/401/)
    expect(countRows(t.core, 'indicators')).toBe(0)
    await t.core.call('feeds.update', {
      id: feed.id,
      patch: { auth: { kind: 'basic', username: 'u', password: 'p' } },
    })
    const ok = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(ok).toMatchObject({ status: 'succeeded', created: 4 })
  })

  it('fetches only new or newer MISP events on the second run', async () => {
    const uuids = [
      '5f7c1a0e-0000-4000-8000-000000000001',
      '5f7c1a0e-0000-4000-8000-000000000002',
      '5f7c1a0e-0000-4000-8000-000000000003',
    ]
    const event = (uuid: string, ts: number, values: [string, string][]) => ({
      Event: {
        uuid,
        info: `Event ${uuid.slice(-1)}`,
        date: '2025-05-01',
        timestamp: String(ts),
        published: true,
        threat_level_id: '2',
        analysis: '2',
        Orgc: { name: 'CIRCL', uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f' },
        Tag: [{ name: 'tlp:green' }],
        Attribute: values.map(([type, value], i) => ({
          uuid: `${uuid.slice(0, -4)}${String(i).padStart(4, '0')}`.replace(
            /^5f7c1a0e/,
            'aaaaaaaa',
          ),
          type,
          category: 'Network activity',
          value,
          to_ids: true,
          distribution: '5',
          timestamp: String(ts),
          deleted: false,
        })),
      },
    })
    const manifest = (entries: Record<string, number>) =>
      serve.bytes(
        JSON.stringify(
          Object.fromEntries(
            Object.entries(entries).map(([u, ts]) => [
              u,
              { info: 'x', timestamp: String(ts), Orgc: { name: 'CIRCL' } },
            ]),
          ),
        ),
        { contentType: 'application/json' },
      )
    const body = (e: unknown) => serve.bytes(JSON.stringify(e), { contentType: 'application/json' })
    srv.route('/misp/manifest.json', manifest({ [uuids[0]]: 1000, [uuids[1]]: 1000 }))
    srv.route(
      `/misp/${uuids[0]}.json`,
      body(
        event(uuids[0], 1000, [
          ['ip-dst', '203.0.113.50'],
          ['domain', 'bad.example.net'],
        ]),
      ),
    )
    srv.route(
      `/misp/${uuids[1]}.json`,
      body(event(uuids[1], 1000, [['url', 'http://bad.example.net/x']])),
    )
    const feed = await t.core.call('feeds.create', {
      name: 'MISP',
      format: 'misp-feed',
      url: srv.url('/misp/'),
    })
    const first = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(first).toMatchObject({ status: 'succeeded', created: 3, rejected: 0 })

    // Event 2 changed, event 3 is new, event 1 did not change: only 2 and 3 are fetched.
    srv.route(
      '/misp/manifest.json',
      manifest({ [uuids[0]]: 1000, [uuids[1]]: 2000, [uuids[2]]: 2000 }),
    )
    srv.route(
      `/misp/${uuids[1]}.json`,
      body(
        event(uuids[1], 2000, [
          ['url', 'http://bad.example.net/x'],
          ['ip-dst', '203.0.113.51'],
        ]),
      ),
    )
    srv.route(
      `/misp/${uuids[2]}.json`,
      body(event(uuids[2], 2000, [['md5', 'd41d8cd98f00b204e9800998ecf8427e']])),
    )
    const second = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(second).toMatchObject({ status: 'succeeded', created: 2, rejected: 0 })
    expect(srv.requestsTo(`/misp/${uuids[0]}.json`)).toHaveLength(1)
    expect(srv.requestsTo(`/misp/${uuids[1]}.json`)).toHaveLength(2)
    expect(srv.requestsTo(`/misp/${uuids[2]}.json`)).toHaveLength(1)

    const third = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(third).toMatchObject({ status: 'succeeded', rows: 0, created: 0 })
  })
})
