import { afterEach, describe, expect, it } from 'vitest'
import { createTaxiiClient, type TaxiiPage } from '#core/feeds/protocols/taxii.client'
import { serve } from '../../../../support/fixture-server'
import {
  startTaxiiFixtureServer,
  type TaxiiFixtureServer,
} from '../../../../support/taxii-fixture-server'
import { expectFetchError, testDeps } from '../http/helpers'

const AUTH = { kind: 'basic', username: 'analyst', password: 'c0rrect-h0rse' } as const
const FAST = { backoffBaseMs: 10 }

let taxii: TaxiiFixtureServer | undefined
afterEach(async () => {
  await taxii?.close()
  taxii = undefined
})

const start = async (
  opts: Parameters<typeof startTaxiiFixtureServer>[0],
): Promise<TaxiiFixtureServer> => {
  taxii = await startTaxiiFixtureServer({ user: AUTH.username, password: AUTH.password, ...opts })
  return taxii
}

const client = (t: TaxiiFixtureServer, deps = testDeps()) =>
  createTaxiiClient({ deps, baseUrl: t.discoveryUrl, auth: AUTH, limits: FAST })

const idOf = (o: unknown): string => {
  if (typeof o === 'object' && o !== null && 'id' in o && typeof o.id === 'string') return o.id
  throw new Error(`object without id: ${JSON.stringify(o)}`)
}

const collect = async (pages: AsyncIterable<TaxiiPage>): Promise<TaxiiPage[]> => {
  const out: TaxiiPage[] = []
  for await (const p of pages) out.push(p)
  return out
}

const objectsPath = (t: TaxiiFixtureServer): string =>
  `/api1/collections/${t.collectionId}/objects/`

describe('TAXII 2.1 client', () => {
  it('walks discovery → API root → collections', async () => {
    const t = await start({ objects: 1 })
    const c = client(t)
    const d = await c.discover()
    expect(d.title).toBe('Fixture TAXII')
    expect(d.apiRootUrls).toEqual([t.apiRootUrl, `${t.server.origin}/api2/`])
    const root = await c.apiRoot(d.apiRootUrls[0])
    expect(root.versions).toContain('application/taxii+json;version=2.1')
    const cols = await c.collections(t.apiRootUrl)
    expect(cols.map((x) => [x.id, x.can_read])).toEqual([[t.collectionId, true]])
    const req = t.server.requestsTo('/taxii2/')[0]
    expect(req?.headers.accept).toBe('application/taxii+json;version=2.1')
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from('analyst:c0rrect-h0rse').toString('base64')}`,
    )
  })

  it('pages through 2,500 objects with limit/next exactly once, exposing the cursor per page', async () => {
    const t = await start({ objects: 2500, maxPageSize: 1000 })
    const pages = await collect(client(t).objects(t.apiRootUrl, t.collectionId, { limit: 1000 }))
    expect(pages.map((p) => p.objects.length)).toEqual([1000, 1000, 500])
    const ids = pages.flatMap((p) => p.objects.map(idOf))
    expect(new Set(ids).size).toBe(2500)
    expect(ids).toEqual(t.objects.map((o) => o.id))
    expect(pages.map((p) => p.dateAddedLast)).toEqual([
      t.objects[999].date_added,
      t.objects[1999].date_added,
      t.objects[2499].date_added,
    ])
    const log = t.server.requestsTo(objectsPath(t))
    expect(log).toHaveLength(3)
    expect(log[0]?.path).not.toContain('next=')
    expect(log[1]?.path).toContain('next=')
    expect(log.every((r) => r.path.includes('limit=1000'))).toBe(true)
  })

  it('copes with a server that caps the page size below the asked limit', async () => {
    const t = await start({ objects: 2500, maxPageSize: 300 })
    const pages = await collect(client(t).objects(t.apiRootUrl, t.collectionId, { limit: 5000 }))
    expect(pages).toHaveLength(9)
    expect(pages.flatMap((p) => p.objects.map(idOf))).toEqual(t.objects.map((o) => o.id))
  })

  it('continues with added_after = X-TAXII-Date-Added-Last when more is true without next', async () => {
    const t = await start({ objects: 2500, maxPageSize: 1000, moreWithoutNext: true })
    const pages = await collect(client(t).objects(t.apiRootUrl, t.collectionId, { limit: 1000 }))
    expect(pages.flatMap((p) => p.objects.map(idOf))).toEqual(t.objects.map((o) => o.id))
    const log = t.server.requestsTo(objectsPath(t))
    expect(log).toHaveLength(3)
    expect(decodeURIComponent(log[1].path)).toContain(`added_after=${t.objects[999].date_added}`)
    expect(decodeURIComponent(log[2].path)).toContain(`added_after=${t.objects[1999].date_added}`)
  })

  it('fetches lazily and resumes from a persisted cursor', async () => {
    const t = await start({ objects: 2500, maxPageSize: 1000 })
    const c = client(t)
    const seen: string[] = []
    let cursor: string | undefined
    for await (const page of c.objects(t.apiRootUrl, t.collectionId, { limit: 1000 })) {
      seen.push(...page.objects.map(idOf))
      cursor = page.dateAddedLast // "committed": the engine persists it here
      expect(t.server.requestsTo(objectsPath(t))).toHaveLength(page.page)
      if (page.page === 2) break // killed after two committed pages
    }
    expect(seen).toHaveLength(2000)
    const rest = await collect(
      c.objects(t.apiRootUrl, t.collectionId, { limit: 1000, addedAfter: cursor }),
    )
    seen.push(...rest.flatMap((p) => p.objects.map(idOf)))
    expect(seen).toEqual(t.objects.map((o) => o.id))

    // A later run with the last cursor sees only what was added since.
    const lastCursor = rest.at(-1)?.dateAddedLast
    t.addObjects(7)
    const fresh = await collect(
      c.objects(t.apiRootUrl, t.collectionId, { limit: 1000, addedAfter: lastCursor }),
    )
    expect(fresh.flatMap((p) => p.objects.map(idOf))).toEqual(
      t.objects.slice(2500).map((o) => o.id),
    )
    expect(fresh.at(-1)?.dateAddedLast).toBe(t.objects[2506].date_added)
    const nothing = await collect(
      c.objects(t.apiRootUrl, t.collectionId, { addedAfter: fresh.at(-1)?.dateAddedLast }),
    )
    expect(nothing).toEqual([
      {
        objects: [],
        dateAddedLast: t.objects[2506].date_added,
        dateAddedFirst: undefined,
        page: 1,
      },
    ])
  })

  it('filters by type with match[type]', async () => {
    const t = await start({ objects: 100 })
    const pages = await collect(
      client(t).objects(t.apiRootUrl, t.collectionId, { types: ['malware'] }),
    )
    expect(pages.flatMap((p) => p.objects.map(idOf))).toEqual(
      t.objects.filter((o) => o.type === 'malware').map((o) => o.id),
    )
  })

  it('reports bad credentials by the status alone, never quoting the error resource', async () => {
    const t = await start({ objects: 1 })
    const c = createTaxiiClient({
      deps: testDeps(),
      baseUrl: t.discoveryUrl,
      auth: { ...AUTH, password: 'nope' },
    })
    const err = await expectFetchError(c.discover(), 'http-status')
    expect(err.message).toBe(`${t.discoveryUrl} answered HTTP 401 Unauthorized.`)
    expect(err.message).not.toContain('nope')
  })

  it('reports an unknown collection by the status alone', async () => {
    const t = await start({ objects: 1 })
    const err = await expectFetchError(
      collect(client(t).objects(t.apiRootUrl, 'unknown')),
      'http-status',
    )
    expect(err.message).toContain('HTTP 404 Not Found.')
    expect(err.message).not.toContain('No collection with that id')
  })

  it('rejects invalid JSON, a wrong media type and a broken envelope clearly', async () => {
    const t = await start({ objects: 1 })
    const path = objectsPath(t)
    t.server.route(
      path,
      serve.bytes('{"more": false, "objects": [', {
        contentType: 'application/taxii+json;version=2.1',
      }),
    )
    const bad = await expectFetchError(
      collect(client(t).objects(t.apiRootUrl, t.collectionId)),
      'content-type',
    )
    expect(bad.message).toContain('returned invalid JSON')
    t.server.route(
      path,
      serve.bytes('{"more": false}', { contentType: 'application/vnd.other+json' }),
    )
    const media = await expectFetchError(
      collect(client(t).objects(t.apiRootUrl, t.collectionId)),
      'content-type',
    )
    expect(media.message).toContain('application/vnd.other+json')
    t.server.route(
      path,
      serve.bytes('{"more": "yes", "objects": []}', {
        contentType: 'application/taxii+json;version=2.1',
      }),
    )
    const shape = await expectFetchError(
      collect(client(t).objects(t.apiRootUrl, t.collectionId)),
      'content-type',
    )
    expect(shape.message).toContain('not a valid TAXII 2.1 envelope: more:')
  })

  it('fails clearly when more is true but there is no way to continue', async () => {
    const t = await start({ objects: 1 })
    t.server.route(
      objectsPath(t),
      serve.bytes('{"more": true, "objects": [{"id": "x--1"}]}', {
        contentType: 'application/taxii+json;version=2.1',
      }),
    )
    const err = await expectFetchError(
      collect(client(t).objects(t.apiRootUrl, t.collectionId)),
      'http-status',
    )
    expect(err.message).toContain('neither "next" nor X-TAXII-Date-Added-Last')
  })
})
