/**
 * A TAXII 2.1 server on 127.0.0.1 for tests, built on the fixture server (so it has its request log).
 *
 *   const taxii = await startTaxiiFixtureServer({ objects: 2500, maxPageSize: 1000, user: 'u', password: 'p' })
 *   taxii.discoveryUrl   // http://127.0.0.1:PORT/taxii2/
 *   taxii.apiRootUrl     // http://127.0.0.1:PORT/api1/
 *   taxii.collectionId   // the one readable collection
 *   taxii.objects        // what the collection holds, each with its date_added (ascending, unique, 1 s apart)
 *   taxii.addObjects(10) // append newer objects (for resume tests)
 *   taxii.server         // the underlying FixtureServer: requestsTo(path), route() to override a resource
 *   await taxii.close()
 *
 * Behaviour: discovery → api root → collections → objects with `limit` (capped at maxPageSize), `next`
 * (opaque offset token) and `added_after` (strictly after); envelope `{ more, next?, objects }` with
 * X-TAXII-Date-Added-First/Last. `moreWithoutNext: true` never sends `next`, so clients must continue with
 * added_after = X-TAXII-Date-Added-Last. Basic auth when user/password are set. Errors are TAXII error
 * resources (`{ title, description, http_status }`): 401 bad credentials, 406 Accept without
 * application/taxii+json, 404 unknown collection, 400 bad `next`. `match[type]` filters by STIX type.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startFixtureServer, type FixtureServer, type Handler } from './fixture-server'

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1'

export type TaxiiFixtureOptions = {
  objects: number
  maxPageSize?: number
  defaultPageSize?: number
  moreWithoutNext?: boolean
  user?: string
  password?: string
  /** date_added of the first object; later objects are 1 s apart. */
  start?: string
}

export type FixtureStixObject = {
  type: string
  spec_version: '2.1'
  id: string
  created: string
  modified: string
  pattern?: string
  pattern_type?: string
  valid_from?: string
  name?: string
  date_added: string
}

export type TaxiiFixtureServer = {
  discoveryUrl: string
  apiRootUrl: string
  collectionId: string
  objects: FixtureStixObject[]
  addObjects(n: number): void
  server: FixtureServer
  close(): Promise<void>
}

const COLLECTION_ID = '91a7b528-80eb-42ed-a74d-c6fbd5a26116'

const uuidFor = (n: number): string => {
  const hex = n.toString(16).padStart(12, '0')
  return `5d6c1e6a-0000-4000-8000-${hex}`
}

const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const buf = Buffer.from(JSON.stringify(body), 'utf8')
  res
    .writeHead(status, {
      'content-type': TAXII_MEDIA_TYPE,
      'content-length': String(buf.length),
      ...headers,
    })
    .end(buf)
}

const taxiiError = (
  res: ServerResponse,
  status: number,
  title: string,
  description: string,
): void => sendJson(res, status, { title, description, http_status: String(status) })

export const startTaxiiFixtureServer = async (
  opts: TaxiiFixtureOptions,
): Promise<TaxiiFixtureServer> => {
  const server = await startFixtureServer()
  const start = Date.parse(opts.start ?? '2025-01-01T00:00:00.000Z')
  const objects: FixtureStixObject[] = []
  const addObjects = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const k = objects.length
      const at = new Date(start + k * 1000).toISOString()
      const isIndicator = k % 10 !== 9
      objects.push(
        isIndicator
          ? {
              type: 'indicator',
              spec_version: '2.1',
              id: `indicator--${uuidFor(k)}`,
              created: at,
              modified: at,
              pattern: `[ipv4-addr:value = '10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}']`,
              pattern_type: 'stix',
              valid_from: at,
              date_added: at,
            }
          : {
              type: 'malware',
              spec_version: '2.1',
              id: `malware--${uuidFor(k)}`,
              created: at,
              modified: at,
              name: `family-${k}`,
              date_added: at,
            },
      )
    }
  }
  addObjects(opts.objects)

  /** Auth and Accept checks shared by every TAXII resource. */
  const guarded =
    (handler: Handler): Handler =>
    (req: IncomingMessage, res: ServerResponse, info) => {
      if (opts.user !== undefined) {
        const expected = `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64')}`
        if (req.headers.authorization !== expected) {
          taxiiError(
            res,
            401,
            'Unauthorized',
            'The credentials are not valid for this TAXII server.',
          )
          return
        }
      }
      if (!(req.headers.accept ?? '').includes('application/taxii+json')) {
        taxiiError(
          res,
          406,
          'Not Acceptable',
          `The Accept header must include ${TAXII_MEDIA_TYPE}.`,
        )
        return
      }
      return handler(req, res, info)
    }

  const origin = server.origin
  server.route(
    '/taxii2/',
    guarded((_req, res) =>
      sendJson(res, 200, {
        title: 'Fixture TAXII',
        default: `${origin}/api1/`,
        api_roots: [`${origin}/api1/`, '/api2/'],
      }),
    ),
  )
  server.route(
    '/api1/',
    guarded((_req, res) =>
      sendJson(res, 200, {
        title: 'Fixture API root',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: 10_485_760,
      }),
    ),
  )
  server.route(
    '/api1/collections/',
    guarded((_req, res) =>
      sendJson(res, 200, {
        collections: [
          {
            id: COLLECTION_ID,
            title: 'Indicators',
            can_read: true,
            can_write: false,
            media_types: ['application/stix+json;version=2.1'],
          },
        ],
      }),
    ),
  )
  server.route(
    `/api1/collections/${COLLECTION_ID}/objects/`,
    guarded((_req, res, { url }) => {
      const q = url.searchParams
      const maxPage = opts.maxPageSize ?? 1000
      const limit = Math.min(Number(q.get('limit') ?? opts.defaultPageSize ?? 100), maxPage)
      const addedAfter = q.get('added_after')
      const types = q.get('match[type]')?.split(',')
      const matching = objects.filter(
        (o) =>
          (addedAfter === null || Date.parse(o.date_added) > Date.parse(addedAfter)) &&
          (!types || types.includes(o.type)),
      )
      let offset = 0
      const next = q.get('next')
      if (next !== null) {
        offset = Number(
          Buffer.from(next, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        )
        if (!Number.isInteger(offset) || offset < 0) {
          taxiiError(res, 400, 'Bad Request', 'The next parameter is not valid.')
          return
        }
      }
      const page = matching.slice(offset, offset + limit)
      const more = offset + page.length < matching.length
      const headers: Record<string, string> = {}
      if (page.length) {
        headers['x-taxii-date-added-first'] = page[0].date_added
        headers['x-taxii-date-added-last'] = page[page.length - 1].date_added
      }
      const envelope: Record<string, unknown> = { more }
      if (more && !opts.moreWithoutNext)
        envelope['next'] = Buffer.from(`offset:${offset + page.length}`).toString('base64url')
      // date_added belongs to the manifest, not to the object: strip it from the envelope.
      envelope['objects'] = page.map(({ date_added: _added, ...o }) => o)
      sendJson(res, 200, envelope, headers)
    }),
  )
  server.route(
    '/api1/collections/unknown/objects/',
    guarded((_req, res) => taxiiError(res, 404, 'Not Found', 'No collection with that id.')),
  )
  return {
    discoveryUrl: `${origin}/taxii2/`,
    apiRootUrl: `${origin}/api1/`,
    collectionId: COLLECTION_ID,
    objects,
    addObjects,
    server,
    close: () => server.close(),
  }
}
