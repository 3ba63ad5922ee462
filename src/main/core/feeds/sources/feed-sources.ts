import { AUTH_KEY_PLACEHOLDER, type FeedAuthInput } from '#shared/contract/feeds.contract'
import type { FeedAuth } from '../http/fetch-types'
import type { FeedRecordRow } from '../engine/feed-store'
import { openMispFeedSource } from './misp-feed-source'
import { openFileSource, openUrlSource, type OpenedSource, type RemoteDeps } from './sources'
import { openTaxiiSource } from './taxii-source'

/** Opens whatever a configured feed reads: its URL (with its saved ETag), its local file, TAXII or MISP. */
export const openFeedSource = (
  stored: FeedRecordRow,
  auth: FeedAuthInput | undefined,
  signal: AbortSignal,
  deps: RemoteDeps,
): Promise<OpenedSource> => {
  // A URL key is spliced in only here, for the request: the stored URL keeps the placeholder.
  const feed =
    auth?.kind === 'url' && stored.url
      ? {
          ...stored,
          url: stored.url.split(AUTH_KEY_PLACEHOLDER).join(encodeURIComponent(auth.value)),
        }
      : stored
  const fetchAuth: FeedAuth | undefined = auth?.kind === 'url' ? undefined : auth
  if (feed.format === 'taxii') return openTaxiiSource({ feed, auth: fetchAuth, signal }, deps)
  if (feed.format === 'misp-feed')
    return openMispFeedSource({ feed, auth: fetchAuth, signal }, deps)
  if (feed.url) {
    return openUrlSource(
      {
        url: feed.url,
        format: feed.format,
        options: feed.options,
        auth: fetchAuth,
        etag: feed.state.etag,
        lastModified: feed.state.lastModified,
        signal,
      },
      deps,
    )
  }
  return openFileSource({
    path: feed.path as string,
    format: feed.format,
    options: feed.options,
    signal,
  })
}
