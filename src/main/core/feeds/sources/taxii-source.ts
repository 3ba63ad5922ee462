import { AppError } from '#shared/contract/errors'
import type { ParseItem } from '../feed-types'
import { Batcher } from '../formats/parse-support'
import { createStixContext, mapStixObject } from '../formats/stix-objects'
import type { FeedAuth } from '../http/fetch-types'
import { createTaxiiClient, type TaxiiCollection } from '../protocols/taxii.client'
import type { FeedRecordRow } from '../engine/feed-store'
import type { OpenedSource, RemoteDeps } from './sources'

/** Per-feed TAXII options (feeds.options): where to read and what. */
type TaxiiOptions = {
  /** API root URL; default: the discovery resource's `default`, else every API root it lists. */
  apiRoot?: string
  /** Collection ids, titles or aliases; default: every readable collection. */
  collections?: string[]
  /** Page size asked of the server. */
  limit?: number
  /** `match[type]` filter, e.g. ['indicator', 'malware', 'relationship']. */
  types?: string[]
  /** Origins besides the feed URL's that may receive its credentials (validated by the contract). */
  credentialOrigins?: string[]
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.length > 0) : undefined

const optionsOf = (o: Record<string, unknown>): TaxiiOptions => ({
  apiRoot: typeof o.apiRoot === 'string' ? o.apiRoot : undefined,
  collections: strings(o.collections),
  limit:
    typeof o.limit === 'number' && Number.isInteger(o.limit) && o.limit > 0
      ? Math.min(o.limit, 10_000)
      : 1000,
  types: strings(o.types),
  credentialOrigins: strings(o.credentialOrigins),
})

const matches = (c: TaxiiCollection, wanted: readonly string[]): boolean =>
  wanted.some((w) => w === c.id || w === c.title || w === c.alias)

/**
 * A TAXII 2.1 feed: every readable (or chosen) collection of the API root(s), paged, from the `added_after`
 * cursor saved per "<api root>|<collection id>" by the last successful run. Objects go through the same
 * STIX mapping as a bundle file. Staged like any download, so the cursors advance only with the data.
 */
export const openTaxiiSource = async (
  opts: { feed: FeedRecordRow; auth: FeedAuth | undefined; signal: AbortSignal },
  deps: RemoteDeps,
): Promise<OpenedSource> => {
  const { feed, signal } = opts
  if (!feed.url)
    throw new AppError('invalid_input', `url: the TAXII feed '${feed.name}' has no URL`)
  const o = optionsOf(feed.options)
  const client = createTaxiiClient({
    deps: deps.fetch,
    baseUrl: feed.url,
    auth: opts.auth,
    credentialOrigins: o.credentialOrigins,
    limits: deps.limits,
  })
  const known = feed.state.taxii ?? {}
  const cursors: Record<string, string> = {}

  let roots: string[]
  if (o.apiRoot) roots = [o.apiRoot]
  else {
    const d = await client.discover(signal)
    roots = d.default ? [new URL(d.default, feed.url).toString()] : d.apiRootUrls
    if (roots.length === 0)
      throw new AppError('upstream_failed', `The TAXII server at ${feed.url} lists no API roots`)
  }

  const plan: { root: string; collection: TaxiiCollection }[] = []
  for (const root of roots) {
    for (const c of await client.collections(root, signal)) {
      if (c.can_read === false) continue
      if (o.collections && !matches(c, o.collections)) continue
      plan.push({ root, collection: c })
    }
  }
  if (plan.length === 0) {
    throw new AppError(
      'invalid_input',
      o.collections
        ? `options.collections: none of ${o.collections.join(', ')} is a readable collection of ${roots.join(', ')}`
        : `The TAXII server lists no readable collection under ${roots.join(', ')}`,
    )
  }

  async function* items(): AsyncGenerator<ParseItem[]> {
    const ctx = createStixContext()
    const out = new Batcher()
    let n = 0
    for (const { root, collection } of plan) {
      const key = `${root}|${collection.id}`
      const pages = client.objects(root, collection.id, {
        addedAfter: known[key],
        limit: o.limit,
        types: o.types,
        signal,
      })
      for await (const page of pages) {
        for (const obj of page.objects) mapStixObject(obj, ++n, ctx, out)
        if (page.dateAddedLast) cursors[key] = page.dateAddedLast
        if (out.size > 0) yield out.take()
      }
    }
  }

  return {
    kind: 'items',
    format: 'taxii',
    staged: true,
    bytes: () => 0,
    items: items(),
    state: () => ({ taxii: { ...known, ...cursors } }),
  }
}
