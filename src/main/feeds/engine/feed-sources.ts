import type { FeedAuth } from '../http/fetch-types'
import type { FeedRecordRow } from './feed-store'
import { openFileSource, openUrlSource, type OpenedSource, type RemoteDeps } from './sources'
import { openMispFeedSource } from './misp-feed-source'
import { openTaxiiSource } from './taxii-source'

/** Opens whatever a configured feed reads: its URL (with its saved ETag), its local file, TAXII or MISP. */
export const openFeedSource = (
  feed: FeedRecordRow,
  auth: FeedAuth | undefined,
  signal: AbortSignal,
  deps: RemoteDeps,
): Promise<OpenedSource> => {
  if (feed.format === 'taxii') return openTaxiiSource({ feed, auth, signal }, deps)
  if (feed.format === 'misp-feed') return openMispFeedSource({ feed, auth, signal }, deps)
  if (feed.url) {
    return openUrlSource(
      {
        url: feed.url,
        format: feed.format,
        options: feed.options,
        auth,
        etag: feed.state.etag,
        lastModified: feed.state.lastModified,
        signal,
      },
      deps,
    )
  }
  return openFileSource({ path: feed.path as string, format: feed.format, options: feed.options, signal })
}
