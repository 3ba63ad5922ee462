import type { FeedRecordRow } from './engine/feed-store'
import type { Scrub } from './engine/secret-scrub'
import { redactUrl } from './http/fetch-error'

/**
 * A feed's configuration as the change log records it: never a credential. The auth itself is left out
 * (only its kind, under a key the log's redaction lets through), the URL loses userinfo and secret-looking
 * query values, and the feed's own secret values are scrubbed wherever they appear (a key in a URL path).
 */
export const feedConfigForLog = (f: FeedRecordRow, scrub: Scrub): Record<string, unknown> => ({
  name: f.name,
  format: f.format,
  url: f.url === null ? null : scrub(redactUrl(f.url)),
  path: f.path,
  schedule: f.schedule,
  enabled: f.enabled,
  access: f.authKind,
  defaultTlp: f.defaultTlp,
  reliability: f.reliability,
  tags: f.tags,
  options: JSON.parse(scrub(JSON.stringify(f.options))) as unknown,
  catalogueKey: f.catalogueKey,
})
