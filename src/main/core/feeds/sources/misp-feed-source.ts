import { AppError } from '#shared/contract/errors'
import type { ParseItem } from '../feed-types'
import { mispEventToItems } from '../formats'
import { rejectItem } from '../formats/parse-support'
import type { FeedAuth } from '../http/fetch-types'
import { createMispFeedClient } from '../protocols/misp-feed.client'
import type { FeedRecordRow } from '../engine/feed-store'
import type { OpenedSource, RemoteDeps } from './sources'

/**
 * A MISP feed directory (http(s) or a local path): reads manifest.json and fetches only the events that are
 * new or whose timestamp is newer than the one saved by the last successful run. Remote feeds are staged,
 * so the saved timestamps advance only together with the data.
 */
export const openMispFeedSource = async (
  opts: { feed: FeedRecordRow; auth: FeedAuth | undefined; signal: AbortSignal },
  deps: RemoteDeps,
): Promise<OpenedSource> => {
  const { feed, signal } = opts
  const base: string | null = feed.url ?? feed.path
  if (base === null)
    throw new AppError('invalid_input', `url: the MISP feed '${feed.name}' has no URL or path`)
  const client = createMispFeedClient({ deps: deps.fetch, auth: opts.auth, limits: deps.limits })
  const dir = base
  const manifest = await client.manifest(dir, signal)
  const known = feed.state.misp ?? {}
  const changed = client.changedEvents(manifest, new Map(Object.entries(known)))
  const imported: Record<string, number> = {}

  async function* items(): AsyncGenerator<ParseItem[]> {
    if (manifest.rejects.length > 0) {
      yield manifest.rejects.map((r) => rejectItem(0, r.key, `manifest.json: ${r.reason}`))
    }
    for (const uuid of changed) {
      const event = await client.event(dir, uuid, signal)
      yield mispEventToItems(event)
      const entry = manifest.events[uuid]
      if (entry) imported[uuid] = entry.timestamp
    }
  }

  return {
    kind: 'items',
    format: 'misp-feed',
    staged: feed.url !== null,
    bytes: () => 0,
    items: items(),
    state: () => ({ misp: { ...known, ...imported } }),
  }
}
