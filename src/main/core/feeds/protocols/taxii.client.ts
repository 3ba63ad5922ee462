import { z } from 'zod'
import { FeedFetchError, redactUrl } from '../http/fetch-error'
import { fetchFeed } from '../http/fetcher'
import type { FeedAuth, FetchDeps, FetchLimits, FetchRequest } from '../http/fetch-types'
import { expectShape, readJsonBody } from './read-json'

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1'

const MiB = 1024 * 1024

// Lenient on input (formats.md §3.2: servers differ in strictness): only what we rely on is required.
const DiscoverySchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  contact: z.string().optional(),
  default: z.string().optional(),
  api_roots: z.array(z.string()).default([]),
})
const ApiRootSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  versions: z.array(z.string()).default([]),
  max_content_length: z.number().optional(),
})
const CollectionSchema = z.looseObject({
  id: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  alias: z.string().optional(),
  can_read: z.boolean().optional(),
  can_write: z.boolean().optional(),
  media_types: z.array(z.string()).optional(),
})
const CollectionsSchema = z.looseObject({ collections: z.array(CollectionSchema).default([]) })
const EnvelopeSchema = z.looseObject({
  more: z.boolean().optional(),
  next: z.string().optional(),
  objects: z.array(z.unknown()).default([]),
})

export type TaxiiDiscovery = z.infer<typeof DiscoverySchema> & { apiRootUrls: string[] }
export type TaxiiApiRoot = z.infer<typeof ApiRootSchema>
export type TaxiiCollection = z.infer<typeof CollectionSchema>

export type TaxiiPage = {
  objects: unknown[]
  /** The cursor to persist once this page is committed: resume with `addedAfter` = this value. */
  dateAddedLast?: string
  dateAddedFirst?: string
  /** Page number from 1, for progress and logs. */
  page: number
}

export type TaxiiObjectsOptions = {
  addedAfter?: string | null
  /** Page size asked for; servers may return fewer. */
  limit?: number
  /** `match[type]`, e.g. ['indicator', 'malware']. */
  types?: string[]
  signal?: AbortSignal
}

export type TaxiiClientOptions = {
  deps: FetchDeps
  /** The discovery URL, e.g. https://host/taxii2/. */
  baseUrl: string
  auth?: FeedAuth
  /**
   * Origins besides the base URL's that may receive `auth`: API roots and collections a discovery document
   * names elsewhere, and redirects there, get no credentials unless their origin is listed here.
   */
  credentialOrigins?: readonly string[]
  limits?: Partial<FetchLimits>
  /** Bound on one TAXII response (decompressed); default 64 MiB. */
  maxPageBytes?: number
  /** Safety net against servers that never say `more: false`. */
  maxPages?: number
  fetchImpl?: FetchRequest['fetchImpl']
  dispatcher?: FetchRequest['dispatcher']
}

export type TaxiiClient = {
  discover(signal?: AbortSignal): Promise<TaxiiDiscovery>
  apiRoot(url: string, signal?: AbortSignal): Promise<TaxiiApiRoot>
  collections(apiRootUrl: string, signal?: AbortSignal): Promise<TaxiiCollection[]>
  objects(
    apiRootUrl: string,
    collectionId: string,
    options?: TaxiiObjectsOptions,
  ): AsyncIterable<TaxiiPage>
}

/** TAXII resource URLs end with a slash; relative references resolve against the resource they came from. */
const withSlash = (url: string, base?: string): string => {
  const u = new URL(url, base)
  if (!u.pathname.endsWith('/')) u.pathname += '/'
  return u.toString()
}

const laterOf = (a: string | undefined, b: string | undefined): string | undefined => {
  if (!a) return b
  if (!b) return a
  return Date.parse(b) > Date.parse(a) ? b : a
}

export const createTaxiiClient = (options: TaxiiClientOptions): TaxiiClient => {
  const maxPageBytes = options.maxPageBytes ?? 64 * MiB
  const maxPages = options.maxPages ?? 1_000_000
  const credentialOrigins = [new URL(options.baseUrl).origin, ...(options.credentialOrigins ?? [])]

  const getJson = async (
    url: string,
    signal?: AbortSignal,
  ): Promise<{ json: unknown; headers: Record<string, string> }> => {
    const r = await fetchFeed(
      {
        url,
        expect: 'taxii',
        accept: [TAXII_MEDIA_TYPE],
        auth: options.auth,
        credentialOrigins,
        limits: { maxDecompressedBytes: maxPageBytes, ...options.limits },
        signal,
        fetchImpl: options.fetchImpl,
        dispatcher: options.dispatcher,
      },
      options.deps,
    )
    if (r.status !== 'ok')
      throw new FeedFetchError(
        'http-status',
        `${redactUrl(url)} answered 304 to an unconditional request.`,
      )
    return { json: await readJsonBody(r.body, maxPageBytes, r.url), headers: r.headers }
  }

  const discover = async (signal?: AbortSignal): Promise<TaxiiDiscovery> => {
    const url = withSlash(options.baseUrl)
    const { json } = await getJson(url, signal)
    const d = expectShape(DiscoverySchema, json, 'TAXII 2.1 discovery resource', redactUrl(url))
    return { ...d, apiRootUrls: d.api_roots.map((r) => withSlash(r, url)) }
  }

  const apiRoot = async (url: string, signal?: AbortSignal): Promise<TaxiiApiRoot> => {
    const root = withSlash(url, options.baseUrl)
    const { json } = await getJson(root, signal)
    const r = expectShape(ApiRootSchema, json, 'TAXII 2.1 API root', redactUrl(root))
    if (
      r.versions.length &&
      !r.versions.some((v) => v.replace(/\s/g, '').toLowerCase() === TAXII_MEDIA_TYPE)
    )
      throw new FeedFetchError(
        'content-type',
        `${redactUrl(root)} supports ${r.versions.join(', ')} but not ${TAXII_MEDIA_TYPE}.`,
        { url: redactUrl(root) },
      )
    return r
  }

  const collections = async (
    apiRootUrl: string,
    signal?: AbortSignal,
  ): Promise<TaxiiCollection[]> => {
    const url = new URL('collections/', withSlash(apiRootUrl, options.baseUrl)).toString()
    const { json } = await getJson(url, signal)
    return expectShape(CollectionsSchema, json, 'TAXII 2.1 collections resource', redactUrl(url))
      .collections
  }

  /**
   * Pages lazily: the next request goes out only when the consumer asks for the next page, so a consumer
   * that commits each page before pulling the next never holds more than one page.
   */
  async function* objects(
    apiRootUrl: string,
    collectionId: string,
    opts: TaxiiObjectsOptions = {},
  ): AsyncGenerator<TaxiiPage> {
    const base = new URL(
      `collections/${encodeURIComponent(collectionId)}/objects/`,
      withSlash(apiRootUrl, options.baseUrl),
    )
    let addedAfter = opts.addedAfter ?? undefined
    let next: string | undefined
    let cursor = addedAfter
    for (let page = 1; ; page += 1) {
      if (page > maxPages)
        throw new FeedFetchError(
          'too-large',
          `${redactUrl(base)} still had more objects after ${maxPages} pages; stopped.`,
        )
      const url = new URL(base)
      if (opts.limit) url.searchParams.set('limit', String(opts.limit))
      if (addedAfter) url.searchParams.set('added_after', addedAfter)
      if (opts.types?.length) url.searchParams.set('match[type]', opts.types.join(','))
      if (next) url.searchParams.set('next', next)
      const label = redactUrl(url)
      const { json, headers } = await getJson(url.toString(), opts.signal)
      const env = expectShape(EnvelopeSchema, json, 'TAXII 2.1 envelope', label)
      const first = headers['x-taxii-date-added-first']
      const last = headers['x-taxii-date-added-last']
      // Objects carry no date_added in 2.1, but some servers add it: use it when the header is missing.
      let seen: string | undefined
      for (const o of env.objects) {
        const added =
          typeof o === 'object' && o !== null && 'date_added' in o ? o.date_added : undefined
        if (typeof added === 'string' && !Number.isNaN(Date.parse(added)))
          seen = laterOf(seen, added)
      }
      cursor = laterOf(cursor, last ?? seen)
      yield { objects: env.objects, dateAddedLast: cursor, dateAddedFirst: first, page }
      if (!env.more) return
      if (env.next) {
        if (env.next === next)
          throw new FeedFetchError(
            'http-status',
            `${label} returned the same "next" token twice; stopped to avoid a loop.`,
          )
        next = env.next
        continue
      }
      // more without next (TAXII 2.1 §3.4): repeat the query with added_after = X-TAXII-Date-Added-Last.
      const resumeFrom = last ?? seen
      if (!resumeFrom)
        throw new FeedFetchError(
          'http-status',
          `${label} says more objects are available but sent neither "next" nor X-TAXII-Date-Added-Last; cannot continue.`,
        )
      if (addedAfter && Date.parse(resumeFrom) <= Date.parse(addedAfter))
        throw new FeedFetchError(
          'http-status',
          `${label} says more objects are available but its X-TAXII-Date-Added-Last does not advance; stopped.`,
        )
      addedAfter = resumeFrom
      next = undefined
    }
  }

  return { discover, apiRoot, collections, objects }
}
